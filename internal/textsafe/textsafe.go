// Package textsafe makes strings taken from scanned repositories safe to show.
// Anything that came from a repository or a declaration may carry terminal
// escape sequences, invalid UTF-8 or bidirectional overrides; renderers pass
// such strings through Clean before writing them.
package textsafe

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean replaces control characters (C0, DEL, C1), invalid UTF-8 bytes and
// bidirectional formatting characters with visible escapes, so that the result
// can be printed on a terminal without effect. Tabs are kept; newlines become
// "\n" so one value stays on one line.
func Clean(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case r == '\t':
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case unsafeRune(r):
			b.WriteString(escapeRune(r))
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// CleanMultiline is Clean but keeps newlines, for multi-line text blocks.
func CleanMultiline(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Clean(l)
	}
	return strings.Join(lines, "\n")
}

func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\t' || c == 0x7f || c >= 0x80 {
			return c >= 0x80 && utf8.ValidString(s) && !hasUnsafeRune(s)
		}
	}
	return true
}

func hasUnsafeRune(s string) bool {
	for _, r := range s {
		if r != '\t' && unsafeRune(r) {
			return true
		}
	}
	return false
}

func unsafeRune(r rune) bool {
	if unicode.IsControl(r) {
		return true
	}
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
		return true // bidirectional overrides ("trojan source")
	}
	return false
}

func escapeRune(r rune) string {
	const digits = "0123456789abcdef"
	if r < 0x100 {
		return `\x` + hex2(byte(r))
	}
	out := []byte(`\u0000`)
	for i := 0; i < 4; i++ {
		out[5-i] = digits[(r>>(4*i))&0xf]
	}
	return string(out)
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xf]})
}

// Truncate cuts s to at most n bytes without splitting a UTF-8 sequence. It
// steps back at most utf8.UTFMax-1 bytes to a sequence start; in invalid
// UTF-8 (no start nearby) it cuts at n, so even hostile input is never cut to
// nothing.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	// Step back to the start of the rune that straddles n, if any; cut
	// there only when that rune is well formed and really crosses n.
	i := n
	for j := 0; j < utf8.UTFMax-1 && i > 0 && !utf8.RuneStart(s[i]); j++ {
		i--
	}
	if i < n {
		if r, size := utf8.DecodeRuneInString(s[i:]); r != utf8.RuneError && i+size > n {
			return s[:i]
		}
	}
	return s[:n]
}

// Shorten collapses runs of white space to one space and cuts the result to
// at most n bytes, ending in "..." when cut, without splitting a UTF-8
// sequence: a one-line excerpt of a command or a line of text.
func Shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	return Truncate(s, n-3) + "..."
}
