package lazyre

import (
	"bytes"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A guard is a cheap necessary condition for a match: every match of the
// expression contains one of its literals. Go's regexp skips ahead on a
// literal only when the expression starts with one; an expression that
// starts with a class or an anchor (the CI recognisers' command-start
// pattern, `\b` before a keyword) otherwise runs its automaton over every
// byte of a text that cannot match. Testing the literals first answers
// most such texts with a substring search. A guard only ever says "cannot
// match" when the expression cannot match, so it never changes a result.
type guard struct {
	lits []guardLit
}

// guardLit is one literal; fold literals are lower-case ASCII and match
// in any ASCII case.
type guardLit struct {
	s    string
	b    []byte // s, for searching byte slices
	fold bool
}

// maxGuardLits caps the literals tried: past that the searches cost more
// than they are likely to save.
const maxGuardLits = 48

// newGuard derives the guard of expr, or returns nil when no literal is
// required of every match (or the expression starts with a literal, which
// the regexp package already uses to skip ahead).
func newGuard(expr string, prefix string) *guard {
	if prefix != "" {
		return nil
	}
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	lits := required(re)
	if len(lits) == 0 || len(lits) > maxGuardLits {
		return nil
	}
	return &guard{lits: lits}
}

// mayMatch reports whether s contains one of the guard's literals.
func (g *guard) mayMatch(s string) bool {
	if g == nil {
		return true
	}
	for _, l := range g.lits {
		if l.fold {
			if containsFold(s, l.s) {
				return true
			}
		} else if strings.Contains(s, l.s) {
			return true
		}
	}
	return false
}

func (g *guard) mayMatchBytes(s []byte) bool {
	if g == nil {
		return true
	}
	for _, l := range g.lits {
		if l.fold {
			if containsFold(s, l.s) {
				return true
			}
		} else if bytes.Contains(s, l.b) {
			return true
		}
	}
	return false
}

// required returns literals one of which every match of re contains, or
// nil when it finds none.
func required(re *syntax.Regexp) []guardLit {
	switch re.Op {
	case syntax.OpLiteral:
		if l, ok := literalOf(re); ok {
			return []guardLit{l}
		}
		return nil
	case syntax.OpCapture:
		return required(re.Sub[0])
	case syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
		return nil
	case syntax.OpConcat:
		// Any one part's literals will do; the longest shortest literal
		// is likely the rarest.
		var best []guardLit
		for _, sub := range re.Sub {
			ls := required(sub)
			if ls != nil && (best == nil || better(ls, best)) {
				best = ls
			}
		}
		return best
	case syntax.OpAlternate:
		var out []guardLit
		for _, sub := range re.Sub {
			ls := required(sub)
			if ls == nil {
				return nil
			}
			out = appendNew(out, ls...)
			if len(out) > maxGuardLits {
				return nil
			}
		}
		return out
	}
	return nil
}

func appendNew(out []guardLit, ls ...guardLit) []guardLit {
	for _, l := range ls {
		dup := false
		for _, o := range out {
			if o.s == l.s && o.fold == l.fold {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, l)
		}
	}
	return out
}

func better(a, b []guardLit) bool {
	ma, mb := minLen(a), minLen(b)
	if ma != mb {
		return ma > mb
	}
	return len(a) < len(b)
}

func minLen(ls []guardLit) int {
	m := -1
	for _, l := range ls {
		if m < 0 || len(l.s) < m {
			m = len(l.s)
		}
	}
	return m
}

// literalOf turns a literal node into a search string. A case-sensitive
// literal is searched as written, unless it holds U+FFFD, which the
// regexp package also matches on an invalid byte. A case-folded literal
// keeps its longest run of ASCII runes whose every case form is ASCII:
// k and s are left out because Go folds KELVIN SIGN onto k and LONG S
// onto s, which an ASCII comparison would not see.
func literalOf(re *syntax.Regexp) (guardLit, bool) {
	fold := re.Flags&syntax.FoldCase != 0
	var best, cur []byte
	flush := func() {
		if len(cur) > len(best) {
			best = append(best[:0], cur...)
		}
		cur = cur[:0]
	}
	for _, r := range re.Rune {
		switch {
		case r == utf8.RuneError:
			flush()
		case !fold:
			cur = utf8.AppendRune(cur, r)
		case r < utf8.RuneSelf && asciiOrbit(r):
			cur = append(cur, byte(unicode.ToLower(r)))
		default:
			flush()
		}
	}
	flush()
	if len(best) == 0 {
		return guardLit{}, false
	}
	return guardLit{s: string(best), b: best, fold: fold}, true
}

// asciiOrbit reports whether every rune that case-folds to r is ASCII.
func asciiOrbit(r rune) bool {
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// containsFold reports whether s contains lit (lower-case ASCII) in any
// ASCII case.
func containsFold[T string | []byte](s T, lit string) bool {
	n := len(lit)
	if n == 0 {
		return true
	}
	c := lit[0]
	uc := c
	if 'a' <= c && c <= 'z' {
		uc = c - 'a' + 'A'
	}
	for i := 0; i+n <= len(s); i++ {
		if b := s[i]; b != c && b != uc {
			continue
		}
		if equalFoldASCII(s[i:i+n], lit) {
			return true
		}
	}
	return false
}

func equalFoldASCII[T string | []byte](s T, lit string) bool {
	for i := 0; i < len(lit); i++ {
		b := s[i]
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if b != lit[i] {
			return false
		}
	}
	return true
}
