package deps

import (
	"strings"
)

// tri is the value of an MSBuild condition Assay evaluates: true, false,
// or unknown when it depends on something only the build knows (the
// target framework, a property set on the command line, a property
// function).
type tri int

const (
	triUnknown tri = iota
	triTrue
	triFalse
)

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

func (t tri) not() tri {
	switch t {
	case triTrue:
		return triFalse
	case triFalse:
		return triTrue
	}
	return triUnknown
}

// maxCondDepth bounds the nesting of parentheses and negations in one
// condition.
const maxCondDepth = 32

// condEnv is what a condition reads: expand turns a quoted or bare
// operand into its single value (false when it cannot), exists says
// whether a path exists in the tree (unknown outside it).
type condEnv struct {
	expand func(s string) (string, bool)
	exists func(p string) tri
}

// evalCondition evaluates an MSBuild condition: comparisons (==, !=) of
// quoted or bare operands, Exists(), HasTrailingSlash(), !, and, or and
// parentheses. Numeric comparisons and anything unrecognised are unknown.
func evalCondition(c string, env condEnv) tri {
	if strings.TrimSpace(c) == "" {
		return triTrue
	}
	if c == msOtherwise {
		return triUnknown
	}
	p := &condParser{toks: condTokens(c), env: env}
	v := p.or(0)
	if p.bad || p.i != len(p.toks) {
		return triUnknown
	}
	return v
}

type condParser struct {
	toks []string
	i    int
	env  condEnv
	bad  bool
}

func (p *condParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *condParser) next() string {
	t := p.peek()
	if p.i < len(p.toks) {
		p.i++
	}
	return t
}

func (p *condParser) or(depth int) tri {
	v := p.and(depth)
	for strings.EqualFold(p.peek(), "or") {
		p.next()
		w := p.and(depth)
		switch {
		case v == triTrue || w == triTrue:
			v = triTrue
		case v == triUnknown || w == triUnknown:
			v = triUnknown
		default:
			v = triFalse
		}
	}
	return v
}

func (p *condParser) and(depth int) tri {
	v := p.unary(depth)
	for strings.EqualFold(p.peek(), "and") {
		p.next()
		w := p.unary(depth)
		switch {
		case v == triFalse || w == triFalse:
			v = triFalse
		case v == triUnknown || w == triUnknown:
			v = triUnknown
		default:
			v = triTrue
		}
	}
	return v
}

func (p *condParser) unary(depth int) tri {
	if depth > maxCondDepth {
		p.bad = true
		return triUnknown
	}
	switch t := p.peek(); {
	case t == "!":
		p.next()
		return p.unary(depth + 1).not()
	case t == "(":
		p.next()
		v := p.or(depth + 1)
		if p.next() != ")" {
			p.bad = true
		}
		return v
	case strings.EqualFold(t, "Exists") || strings.EqualFold(t, "HasTrailingSlash"):
		fn := p.next()
		if p.next() != "(" {
			p.bad = true
			return triUnknown
		}
		arg := p.next()
		if p.next() != ")" {
			p.bad = true
			return triUnknown
		}
		s, ok := p.env.expand(arg)
		switch {
		case !ok:
			return triUnknown
		case strings.EqualFold(fn, "HasTrailingSlash"):
			return triOf(strings.HasSuffix(s, "/") || strings.HasSuffix(s, `\`))
		case p.env.exists == nil:
			return triUnknown
		}
		return p.env.exists(s)
	case t == "" || t == ")" || isCondOp(t):
		p.bad = true
		return triUnknown
	}
	left := p.next()
	op := p.peek()
	if !isCondOp(op) {
		// A bare operand: true or false once expanded.
		s, ok := p.env.expand(left)
		switch {
		case !ok:
			return triUnknown
		case strings.EqualFold(s, "true"):
			return triTrue
		case strings.EqualFold(s, "false"):
			return triFalse
		}
		return triUnknown
	}
	p.next()
	right := p.next()
	if right == "" {
		p.bad = true
		return triUnknown
	}
	if op != "==" && op != "!=" {
		return triUnknown // numeric comparison of versions: not evaluated
	}
	a, ok1 := p.env.expand(left)
	b, ok2 := p.env.expand(right)
	if !ok1 || !ok2 {
		return triUnknown
	}
	eq := strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
	if op == "!=" {
		return triOf(!eq)
	}
	return triOf(eq)
}

func isCondOp(t string) bool {
	switch t {
	case "==", "!=", "<", ">", "<=", ">=":
		return true
	}
	return false
}

// condTokens splits a condition into quoted operands (kept with their
// quotes), bare words, $(...) references (with their parentheses
// balanced), operators and parentheses.
func condTokens(s string) []string {
	var out []string
	for i := 0; i < len(s) && len(out) < 1000; {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return append(out, "\x00") // unterminated: never a valid token
			}
			out = append(out, s[i:i+j+2])
			i += j + 2
		case c == '(' || c == ')':
			out = append(out, string(c))
			i++
		case c == '=' || c == '!' || c == '<' || c == '>':
			if i+1 < len(s) && s[i+1] == '=' {
				out = append(out, s[i:i+2])
				i += 2
			} else {
				out = append(out, string(c))
				i++
			}
		case c == '$' && i+1 < len(s) && s[i+1] == '(':
			j := refEnd(s, i)
			out = append(out, s[i:j])
			i = j
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n'()=!<>", rune(s[j])) && !(s[j] == '$' && j+1 < len(s) && s[j+1] == '(') {
				j++
			}
			out = append(out, s[i:j])
			i = j
		}
	}
	return out
}

// refEnd returns the index just past the $( ... ) reference starting at
// i, counting nested parentheses outside quotes; len(s) when it is not
// closed.
func refEnd(s string, i int) int {
	depth := 0
	var quote byte
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(s)
}
