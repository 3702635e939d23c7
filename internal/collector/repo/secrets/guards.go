package secrets

import "bytes"

// text is one file's content as the detector guards see it: the raw
// bytes, and an ASCII-lowercased copy made once for the case-insensitive
// guards.
type text struct {
	raw   []byte
	lower []byte
	// folds is set when the file holds a non-ASCII rune that Go's
	// case-insensitive matching folds onto an ASCII letter (KELVIN SIGN
	// onto k, LONG S onto s). ASCII lowercasing cannot see those, so every
	// case-insensitive guard then passes and the detector runs.
	folds bool
	// rawFound and foldFound mark, once searched, which of rawWords
	// and foldWords the file holds (foldWords in lower).
	rawFound, foldFound []bool
}

// rawWords are the lit guards' literals, matched byte for byte; foldWords
// the fold guards' lowercase words, matched in the lowercased text.
var rawWords, foldWords literalSet

func newText(data []byte) *text {
	t := &text{raw: data}
	t.folds = bytes.Contains(data, []byte("\u212a")) || bytes.Contains(data, []byte("\u017f"))
	return t
}

func (t *text) lowered() []byte {
	if t.lower == nil {
		t.lower = make([]byte, len(t.raw))
		for i, c := range t.raw {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			t.lower[i] = c
		}
	}
	return t.lower
}

// lit passes when the file contains one of the literals, byte for byte.
func lit(words ...string) func(*text) bool {
	ids := rawWords.add(words...)
	return func(t *text) bool {
		if t.rawFound == nil {
			t.rawFound = rawWords.find(t.raw)
		}
		for _, id := range ids {
			if t.rawFound[id] {
				return true
			}
		}
		return false
	}
}

// fold passes when the file contains one of the lowercase words in any
// case, as a (?i) expression would match them.
func fold(words ...string) func(*text) bool {
	ids := foldWords.add(words...)
	return func(t *text) bool {
		if t.folds {
			return true
		}
		if t.foldFound == nil {
			t.foldFound = foldWords.find(t.lowered())
		}
		for _, id := range ids {
			if t.foldFound[id] {
				return true
			}
		}
		return false
	}
}

// both passes when every guard passes (detectors that need two parts).
// Guards are pure, so their order only matters for speed: the literal
// guards, answered by the one search over the file, go first and spare
// the scanning ones (runThen, uuid) most files.
func both(gs ...func(*text) bool) func(*text) bool {
	return func(t *text) bool {
		for _, g := range gs {
			if !g(t) {
				return false
			}
		}
		return true
	}
}

// isTokenByte reports whether c is in [A-Za-z0-9-], the alphabet of the
// crates.io token expression.
func isTokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-'
}

// isB64Byte reports whether c is in [A-Za-z0-9+/], standard base64.
func isB64Byte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '/'
}

// isB64URLByte reports whether c is in [A-Za-z0-9_-], base64url. A VAPID
// public key is an uncompressed P-256 point (first byte 0x04), so its
// base64url form always starts with "B".
func isB64URLByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

func isHexByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// litThen passes when some occurrence of prefix is followed by at least n
// bytes for which in holds: a literal-prefixed token such as
// `cio[a-zA-Z-0-9]{32}`, whose leading \b keeps Go's regexp from using
// the literal itself to skip ahead.
func litThen(prefix string, n int, in func(byte) bool) func(*text) bool {
	p := []byte(prefix)
	present := lit(prefix) // the one search answers a file without the prefix
	return func(t *text) bool {
		if !present(t) {
			return false
		}
		data := t.raw
		for {
			i := bytes.Index(data, p)
			if i < 0 {
				return false
			}
			rest := data[i+len(p):]
			k := 0
			for k < len(rest) && k < n && in(rest[k]) {
				k++
			}
			if k >= n {
				return true
			}
			data = rest
		}
	}
}

// runThen passes when some occurrence of suffix is preceded by at least n
// bytes for which in holds (the Azure key: 86 base64 characters, "==").
func runThen(n int, in func(byte) bool, suffix string) func(*text) bool {
	s := []byte(suffix)
	return func(t *text) bool {
		data := t.raw
		off := 0
		for {
			i := bytes.Index(data[off:], s)
			if i < 0 {
				return false
			}
			end := off + i
			k := 0
			for k < n && end-k-1 >= 0 && in(data[end-k-1]) {
				k++
			}
			if k >= n {
				return true
			}
			off = end + 1
		}
	}
}

// uuid passes when the file holds a hexadecimal UUID (8-4-4-4-12), which
// every AppRole role or secret ID match contains.
func uuid() func(*text) bool {
	groups := []int{8, 4, 4, 4, 12}
	return func(t *text) bool {
		data := t.raw
		for i := 8; i < len(data); i++ {
			if data[i] != '-' {
				continue
			}
			pos := i - 8
			ok := true
			for g, n := range groups {
				for k := 0; k < n; k++ {
					if pos >= len(data) || !isHexByte(data[pos]) {
						ok = false
						break
					}
					pos++
				}
				if !ok {
					break
				}
				if g < len(groups)-1 {
					if pos >= len(data) || data[pos] != '-' {
						ok = false
						break
					}
					pos++
				}
			}
			if ok {
				return true
			}
		}
		return false
	}
}

// foldThen passes when some occurrence of one of the lowercase words, in
// any case, is followed by bytes for which skip holds and then by next:
// the key and separator of a header or assignment (`Cookie: `,
// `csrf_token": "`). Like fold, it passes on any file where Go's folding
// reaches beyond ASCII.
func foldThen(skip func(byte) bool, then func(rest []byte) bool, words ...string) func(*text) bool {
	present := fold(words...) // the one search answers a file without any word
	ws := make([][]byte, len(words))
	for i, w := range words {
		ws[i] = []byte(w)
	}
	return func(t *text) bool {
		if !present(t) {
			return false
		}
		if t.folds {
			return true
		}
		low := t.lowered()
		for _, w := range ws {
			data := low
			for {
				i := bytes.Index(data, w)
				if i < 0 {
					break
				}
				data = data[i+len(w):]
				k := 0
				for k < len(data) && skip(data[k]) {
					k++
				}
				if then(t.raw[len(t.raw)-len(data)+k:]) {
					return true
				}
			}
		}
		return false
	}
}

// captchaKey passes when "secret" or "private" (in any case) is followed
// by a 6 and 39 key characters, with between them what one of the
// reCAPTCHA expressions allows: at most 50 runes (200 bytes) on the same
// line, or any run of the key-name and separator characters of the JSON
// and YAML forms (letters, _, \, quotes, white space and the colon). The
// translations of a project that merely talks about CAPTCHAs hold the
// words and a long URL slug starting with 6, far apart. Like fold, it
// passes on any file where Go's folding reaches beyond ASCII.
func captchaKey() func(*text) bool {
	words := [][]byte{[]byte("secret"), []byte("private")}
	return func(t *text) bool {
		if t.folds {
			return true
		}
		low := t.lowered()
		// A budget keeps prose full of the words linear; running out
		// passes, which is always safe.
		budget := 8*len(low) + 4096
		for _, w := range words {
			for from := 0; ; {
				i := bytes.Index(low[from:], w)
				if i < 0 {
					break
				}
				e := from + i + len(w)
				allGap := true
				for p := e; p < len(low); p++ {
					if budget--; budget < 0 {
						return true
					}
					if low[p] == '6' && keyRun(t.raw[p+1:], 39) {
						return true
					}
					allGap = allGap && captchaGap(low[p])
					if !allGap && p+1-e > 200 {
						break
					}
				}
				from = e
			}
		}
		return false
	}
}

func keyRun(data []byte, n int) bool {
	if len(data) < n {
		return false
	}
	for _, c := range data[:n] {
		if !isCaptchaKeyByte(c) {
			return false
		}
	}
	return true
}

// captchaGap is a superset of the characters the JSON and YAML forms
// allow between the secret's key word and the key (lowercased).
func captchaGap(c byte) bool {
	return 'a' <= c && c <= 'z' || c == '_' || c == '\\' || c == '\'' || c == '"' || c == ':' || isSpaceByte(c)
}

// colon accepts a rest that starts with a colon.
func colon(rest []byte) bool { return len(rest) > 0 && rest[0] == ':' }

// csrfValue accepts a rest that starts as the CSRF expressions' value
// does: a colon, white space, an optional quote and at least 16 token
// characters ([a-zA-Z0-9+/=_-]).
func csrfValue(rest []byte) bool {
	if !colon(rest) {
		return false
	}
	rest = rest[1:]
	for len(rest) > 0 && isSpaceByte(rest[0]) {
		rest = rest[1:]
	}
	if len(rest) > 0 && (rest[0] == '"' || rest[0] == '\'') {
		rest = rest[1:]
	}
	if len(rest) < 16 {
		return false
	}
	for _, c := range rest[:16] {
		if !isB64Byte(c) && c != '=' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// isSpaceByte is Go's \s: [\t\n\f\r ].
func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// cookieGap is what the cookie expressions allow between the header name
// and its colon: `"?\s*`.
func cookieGap(c byte) bool { return c == '"' || isSpaceByte(c) }

// csrfGap is a superset of what the CSRF expressions allow between csrf
// or xsrf and the colon: `(?:[-_]?middleware)?(?:[-_]?token)?["']?\s*`
// (lowercased).
func csrfGap(c byte) bool {
	return 'a' <= c && c <= 'z' || c == '-' || c == '_' || c == '"' || c == '\'' || isSpaceByte(c)
}

// isCaptchaKeyByte is the reCAPTCHA key expressions' class after the
// leading 6, `[A-Za-z0-9_\-'"]` (the block forms allow fewer).
func isCaptchaKeyByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '\'' || c == '"'
}
