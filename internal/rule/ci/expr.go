package ci

import (
	"strings"

	"github.com/assaysec/assay/internal/lazyre"
)

// valueOperands returns the operands of a GitHub Actions expression whose
// text can become the expression's value. `a && b` yields b when a is
// truthy, else a (falsy: empty, so harmless); `a || b` yields a or b. So the
// candidates are the last operand of each ||-separated term, with
// parenthesised groups opened; comparisons, negations and the boolean
// functions (contains, startsWith, endsWith) yield true or false whatever
// the attacker writes and are dropped. Operands are split at the top level
// only, outside quotes and parentheses.
func valueOperands(e string) []string {
	var out []string
	var walk func(e string, depth int)
	walk = func(e string, depth int) {
		if depth > 8 {
			out = append(out, e)
			return
		}
		for _, term := range splitTop(e, "||") {
			factors := splitTop(term, "&&")
			f := strings.TrimSpace(factors[len(factors)-1])
			if inner, ok := parenthesised(f); ok {
				walk(inner, depth+1)
				continue
			}
			if booleanOperand(f) {
				continue
			}
			out = append(out, f)
		}
	}
	walk(e, 0)
	return out
}

// booleanOperand reports whether an operand is a comparison, a negation or
// a boolean test at its top level.
var boolFunc = lazyre.New(`^(?i:contains|startsWith|endsWith|success|failure|always|cancelled)\s*\(`)

func booleanOperand(f string) bool {
	if strings.HasPrefix(f, "!") && !strings.HasPrefix(f, "!=") {
		return true
	}
	for _, op := range []string{"==", "!=", "<=", ">=", "<", ">"} {
		if len(splitTop(f, op)) > 1 {
			return true
		}
	}
	return boolFunc.MatchString(f)
}

// parenthesised returns the inside of "( ... )" when the parentheses
// enclose the whole operand.
func parenthesised(f string) (string, bool) {
	if !strings.HasPrefix(f, "(") || !strings.HasSuffix(f, ")") {
		return "", false
	}
	depth, quote := 0, false
	for i := 0; i < len(f); i++ {
		switch c := f[i]; {
		case c == '\'':
			quote = !quote
		case quote:
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 && i != len(f)-1 {
				return "", false
			}
		}
	}
	return f[1 : len(f)-1], true
}

// splitTop splits e at op where op is outside quotes and parentheses.
func splitTop(e, op string) []string {
	var out []string
	depth, quote, start := 0, false, 0
	for i := 0; i < len(e); i++ {
		c := e[i]
		switch {
		case c == '\'':
			quote = !quote
		case quote:
		case c == '(' || c == '[':
			depth++
		case c == ')' || c == ']':
			depth--
		case depth == 0 && strings.HasPrefix(e[i:], op):
			// "<" must not split "<=", and "=" in "==" is op itself.
			if (op == "<" || op == ">") && i+1 < len(e) && e[i+1] == '=' {
				continue
			}
			if (op == "<" || op == ">") && i > 0 && (e[i-1] == '=' || e[i-1] == '!') {
				continue
			}
			out = append(out, e[start:i])
			i += len(op) - 1
			start = i + 1
		}
	}
	return append(out, e[start:])
}

// injectable returns the first match of re in an operand of e that can
// become the expression's value, or "".
func injectable(e string, re *lazyre.Regexp) string {
	for _, op := range valueOperands(e) {
		if c := re.FindString(op); c != "" {
			return c
		}
	}
	return ""
}

// AttackerControlled returns the attacker-controlled context (as
// noScriptInjection classifies it) that can become the value of the
// expression e (the text between ${{ and }}), or "". The fixer that rewrites
// such expansions through env: uses it so the two never disagree.
func AttackerControlled(e string) string { return injectable(e, attackerContext) }
