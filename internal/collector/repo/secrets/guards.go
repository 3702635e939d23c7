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
}

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
	bs := toBytes(words)
	return func(t *text) bool {
		for _, w := range bs {
			if bytes.Contains(t.raw, w) {
				return true
			}
		}
		return false
	}
}

// fold passes when the file contains one of the lowercase words in any
// case, as a (?i) expression would match them.
func fold(words ...string) func(*text) bool {
	bs := toBytes(words)
	return func(t *text) bool {
		if t.folds {
			return true
		}
		l := t.lowered()
		for _, w := range bs {
			if bytes.Contains(l, w) {
				return true
			}
		}
		return false
	}
}

// both passes when every guard passes (detectors that need two parts).
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

// run passes when the file holds n consecutive characters of the
// base64url alphabet ([A-Za-z0-9_-]), the shortest key such a detector
// matches.
func run(n int) func(*text) bool {
	return func(t *text) bool {
		k := 0
		for _, c := range t.raw {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' {
				k++
				if k >= n {
					return true
				}
				continue
			}
			k = 0
		}
		return false
	}
}

func toBytes(words []string) [][]byte {
	out := make([][]byte, len(words))
	for i, w := range words {
		out[i] = []byte(w)
	}
	return out
}
