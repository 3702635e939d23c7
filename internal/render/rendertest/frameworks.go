package rendertest

import (
	"testing"

	"github.com/assaysec/assay/internal/framework"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/rule"
)

// WithFrameworks adds every built-in framework's view to rep, judged from
// two findings (one met, one violated) and rep's claims, as `assess
// --framework` does.
func WithFrameworks(t testing.TB, rep *report.Report) *report.Report {
	t.Helper()
	fws, err := framework.Default()
	if err != nil {
		t.Fatal(err)
	}
	findings := []rule.Finding{
		{Rule: "securityPolicyPublished", Outcome: rule.True, Message: "SECURITY.md describes how to report"},
		{Rule: "noScriptInjection", Outcome: rule.False, Negative: rule.Violation, Message: "run: uses ${{ github.event.issue.title }}"},
	}
	for _, f := range fws.All() {
		rep.Frameworks = append(rep.Frameworks, framework.View(f, rep.Principles, findings, nil))
	}
	return rep
}
