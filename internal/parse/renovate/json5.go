package renovate

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxDepth bounds object and array nesting in a JSON5 document.
const maxDepth = 100

// SyntaxError is a JSON5 error with its line.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// ToJSON converts a JSON5 document (comments, trailing commas, unquoted
// keys, single-quoted strings, hexadecimal and signed numbers) to strict
// JSON. It is a single bounded pass: no recursion beyond maxDepth, output at
// most a small multiple of the input. Infinity and NaN have no JSON form and
// are errors; Renovate never uses them.
func ToJSON(src []byte) ([]byte, error) {
	c := &conv{src: src, line: 1, out: make([]byte, 0, len(src)+16)}
	c.space()
	if c.err != nil {
		return nil, c.err
	}
	if err := c.value(0); err != nil {
		return nil, err
	}
	c.space()
	if c.err != nil {
		return nil, c.err
	}
	if c.pos < len(c.src) {
		return nil, c.errf("unexpected %q after the document", c.src[c.pos])
	}
	return c.out, nil
}

type conv struct {
	src  []byte
	pos  int
	line int
	out  []byte
	err  error
}

func (c *conv) errf(format string, args ...any) error {
	return &SyntaxError{Line: c.line, Msg: fmt.Sprintf(format, args...)}
}

// space skips white space and comments.
func (c *conv) space() {
	for c.pos < len(c.src) {
		b := c.src[c.pos]
		switch {
		case b == '\n':
			c.line++
			c.pos++
		case b == ' ' || b == '\t' || b == '\r' || b == '\v' || b == '\f':
			c.pos++
		case b == '/' && c.pos+1 < len(c.src) && c.src[c.pos+1] == '/':
			for c.pos < len(c.src) && c.src[c.pos] != '\n' {
				c.pos++
			}
		case b == '/' && c.pos+1 < len(c.src) && c.src[c.pos+1] == '*':
			end := strings.Index(string(c.src[c.pos+2:]), "*/")
			if end < 0 {
				c.err = c.errf("unterminated /* comment")
				c.pos = len(c.src)
				return
			}
			c.line += strings.Count(string(c.src[c.pos:c.pos+2+end]), "\n")
			c.pos += end + 4
		case b >= 0x80:
			r, n := utf8.DecodeRune(c.src[c.pos:])
			if r == '\u00a0' || r == '\ufeff' || r == '\u2028' || r == '\u2029' || unicode.IsSpace(r) {
				c.pos += n
				continue
			}
			return
		default:
			return
		}
	}
}

func (c *conv) value(depth int) error {
	if depth > maxDepth {
		return c.errf("nesting deeper than %d levels", maxDepth)
	}
	if c.pos >= len(c.src) {
		return c.errf("unexpected end of input")
	}
	switch b := c.src[c.pos]; {
	case b == '{':
		return c.object(depth)
	case b == '[':
		return c.array(depth)
	case b == '"' || b == '\'':
		return c.str()
	case b == '-' || b == '+' || b == '.' || (b >= '0' && b <= '9'):
		return c.number()
	default:
		word := c.ident()
		switch word {
		case "true", "false", "null":
			c.out = append(c.out, word...)
			return nil
		case "":
			return c.errf("unexpected %q", b)
		}
		return c.errf("unexpected %q; want a value", word)
	}
}

func (c *conv) object(depth int) error {
	return c.container('{', '}', "object", func() error {
		if b := c.src[c.pos]; b == '"' || b == '\'' {
			if err := c.str(); err != nil {
				return err
			}
		} else {
			key := c.ident()
			if key == "" {
				return c.errf("want a key, got %q", b)
			}
			c.out = appendString(c.out, key)
		}
		c.space()
		if c.pos >= len(c.src) || c.src[c.pos] != ':' {
			return c.errf("want : after key")
		}
		c.pos++
		c.out = append(c.out, ':')
		c.space()
		return c.value(depth + 1)
	})
}

func (c *conv) array(depth int) error {
	return c.container('[', ']', "array", func() error { return c.value(depth + 1) })
}

// container converts the members of an object or array, accepting JSON5's
// trailing comma; member converts one member starting at c.pos.
func (c *conv) container(open, close byte, kind string, member func() error) error {
	c.pos++
	c.out = append(c.out, open)
	first := true
	for {
		c.space()
		if c.err != nil {
			return c.err
		}
		if c.pos >= len(c.src) {
			return c.errf("unterminated %s", kind)
		}
		if c.src[c.pos] == close {
			c.pos++
			c.out = append(c.out, close)
			return nil
		}
		if !first {
			if c.src[c.pos] != ',' {
				return c.errf("want , or %c in %s, got %q", close, kind, c.src[c.pos])
			}
			c.pos++
			c.space()
			if c.pos < len(c.src) && c.src[c.pos] == close {
				c.pos++
				c.out = append(c.out, close)
				return nil
			}
			c.out = append(c.out, ',')
		}
		first = false
		if c.pos >= len(c.src) {
			return c.errf("unterminated %s", kind)
		}
		if err := member(); err != nil {
			return err
		}
	}
}

// appendString appends s as a JSON string; invalid UTF-8 becomes U+FFFD,
// as encoding/json does.
func appendString(out []byte, s string) []byte {
	b, _ := json.Marshal(s)
	return append(out, b...)
}

func (c *conv) ident() string {
	start := c.pos
	for c.pos < len(c.src) {
		r, n := utf8.DecodeRune(c.src[c.pos:])
		if r == '_' || r == '$' || unicode.IsLetter(r) || (c.pos > start && unicode.IsDigit(r)) {
			c.pos += n
			continue
		}
		break
	}
	return string(c.src[start:c.pos])
}

func (c *conv) str() error {
	quote := c.src[c.pos]
	c.pos++
	var sb strings.Builder
	for {
		if c.pos >= len(c.src) {
			return c.errf("unterminated string")
		}
		b := c.src[c.pos]
		switch {
		case b == quote:
			c.pos++
			c.out = appendString(c.out, sb.String())
			return nil
		case b == '\n':
			return c.errf("newline in string")
		case b == '\\':
			if c.pos+1 >= len(c.src) {
				return c.errf("unterminated string")
			}
			e := c.src[c.pos+1]
			c.pos += 2
			switch e {
			case 'n':
				sb.WriteByte('\n')
			case 't':
				sb.WriteByte('\t')
			case 'r':
				sb.WriteByte('\r')
			case 'b':
				sb.WriteByte('\b')
			case 'f':
				sb.WriteByte('\f')
			case 'v':
				sb.WriteByte('\v')
			case '0':
				sb.WriteByte(0)
			case '\n':
				c.line++ // line continuation
			case '\r':
				if c.pos < len(c.src) && c.src[c.pos] == '\n' {
					c.pos++
				}
				c.line++
			case 'u':
				if c.pos+4 > len(c.src) {
					return c.errf("short \\u escape")
				}
				v, err := strconv.ParseUint(string(c.src[c.pos:c.pos+4]), 16, 32)
				if err != nil {
					return c.errf("bad \\u escape")
				}
				sb.WriteRune(rune(v))
				c.pos += 4
			case 'x':
				if c.pos+2 > len(c.src) {
					return c.errf("short \\x escape")
				}
				v, err := strconv.ParseUint(string(c.src[c.pos:c.pos+2]), 16, 8)
				if err != nil {
					return c.errf("bad \\x escape")
				}
				sb.WriteRune(rune(v))
				c.pos += 2
			default:
				sb.WriteByte(e)
			}
		default:
			sb.WriteByte(b)
			c.pos++
		}
	}
}

func (c *conv) number() error {
	start := c.pos
	neg := false
	if b := c.src[c.pos]; b == '+' || b == '-' {
		neg = b == '-'
		c.pos++
	}
	if c.pos+1 < len(c.src) && c.src[c.pos] == '0' && (c.src[c.pos+1] == 'x' || c.src[c.pos+1] == 'X') {
		c.pos += 2
		hs := c.pos
		for c.pos < len(c.src) && strings.IndexByte("0123456789abcdefABCDEF", c.src[c.pos]) >= 0 {
			c.pos++
		}
		v, err := strconv.ParseUint(string(c.src[hs:c.pos]), 16, 64)
		if err != nil {
			return c.errf("bad hexadecimal number")
		}
		if neg {
			c.out = append(c.out, '-')
		}
		c.out = strconv.AppendUint(c.out, v, 10)
		return nil
	}
	ds := c.pos
	for c.pos < len(c.src) && strings.IndexByte("0123456789.eE+-", c.src[c.pos]) >= 0 {
		c.pos++
	}
	lit := string(c.src[ds:c.pos])
	if lit == "" {
		return c.errf("bad number at %q", string(c.src[start:min(start+8, len(c.src))]))
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return c.errf("bad number %q", lit)
	}
	if neg {
		f = -f
	}
	c.out = strconv.AppendFloat(c.out, f, 'g', -1, 64)
	return nil
}
