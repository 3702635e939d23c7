package render_test

import (
	"bytes"
	"testing"

	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/render/jsonfmt"
	"github.com/assaysec/assay/internal/render/markdown"
	"github.com/assaysec/assay/internal/render/rendertest"
	"github.com/assaysec/assay/internal/render/text"
	"github.com/assaysec/assay/internal/report"
)

// frameworksFixture is the shared fixture with every framework's view.
func frameworksFixture(t *testing.T) *report.Report {
	return rendertest.WithFrameworks(t, rendertest.Fixture(t))
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
