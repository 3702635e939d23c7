package render_test

import (
	"bytes"
	"testing"

	"github.com/assaysec/assay/internal/framework"
	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/render/jsonfmt"
	"github.com/assaysec/assay/internal/render/markdown"
	"github.com/assaysec/assay/internal/render/rendertest"
	"github.com/assaysec/assay/internal/render/text"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/rule"
)

// frameworksFixture is the shared fixture with every framework's view.
func frameworksFixture(t *testing.T) *report.Report {
	t.Helper()
	rep := rendertest.Fixture(t)
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

func TestFrameworks_SchemaAndGolden(t *testing.T) {
	rep := frameworksFixture(t)
	var buf bytes.Buffer
	if err := jsonfmt.New(render.Options{}).Render(&buf, rep); err != nil {
		t.Fatal(err)
	}
	ValidateReportJSON(t, buf.Bytes())
	for name, r := range map[string]render.Renderer{
		"frameworks.md.golden":  markdown.New(render.Options{}),
		"frameworks.txt.golden": text.New(render.Options{Verbose: true}),
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := r.Render(&b, rep); err != nil {
				t.Fatal(err)
			}
			rendertest.Golden(t, name, b.Bytes())
		})
	}
}
