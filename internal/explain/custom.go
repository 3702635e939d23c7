package explain

import (
	"fmt"
	"strings"

	"github.com/assaysec/assay/internal/customrule"
)

// CustomRule explains a custom rule: its question, expression, what a
// false answer means and what it supports.
func CustomRule(r *customrule.Rule) string {
	s := r.Spec()
	m := r.Meta()
	var b strings.Builder
	fmt.Fprintf(&b, "Rule %s (custom, %s:%d)\n\n%s\n\nWhy: %s\n\nRemediation: %s\n\nExpression (CEL):\n", s.ID, s.File, s.Line, m.Question, m.Rationale, m.Remediation)
	for _, l := range strings.Split(strings.TrimSpace(s.Expr), "\n") {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	fn := string(m.FalseMeans)
	if fn == "" {
		fn = "violation"
	}
	fmt.Fprintf(&b, "\nA false answer means: %s\n", fn)
	if len(s.Claims) > 0 {
		b.WriteString("\nSupports claims:\n")
		for _, c := range s.Claims {
			fmt.Fprintf(&b, "  %-6s (%s)\n", c.Claim, c.Role)
		}
	}
	if len(s.Controls) > 0 {
		b.WriteString("\nSupports framework controls:\n")
		for _, c := range s.Controls {
			fmt.Fprintf(&b, "  %s %s (%s)\n", c.Framework, c.Control, c.Role)
		}
	}
	return b.String()
}
