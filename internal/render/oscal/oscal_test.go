package oscal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/assaysec/assay/internal/engine"
	"github.com/assaysec/assay/internal/explain"
	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/render/oscal"
	"github.com/assaysec/assay/internal/render/rendertest"
	"github.com/assaysec/assay/internal/report"
)

type noNetwork struct{}

func (noNetwork) Load(url string) (any, error) {
	return nil, &os.PathError{Op: "load", Path: url, Err: os.ErrPermission}
}

func compile(t testing.TB, file string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/schema/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.UseLoader(noNetwork{})
	url := "file:///oscal/" + file
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile %s: %v", file, err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, data []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(doc); err != nil {
		t.Errorf("does not validate: %v", err)
	}
}

func realCatalog(t testing.TB) []byte {
	t.Helper()
	d, err := explain.Load()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := oscal.WriteCatalog(&buf, d.Catalog()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func renderResults(t testing.TB, rep *report.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := oscal.New(render.Options{}).Render(&buf, rep); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestOSCAL_Golden(t *testing.T) {
	rendertest.Golden(t, "assessment-results.oscal.golden", renderResults(t, rendertest.Fixture(t)))
}

func TestCatalog_Validates(t *testing.T) {
	validate(t, compile(t, "oscal_catalog_schema.json"), realCatalog(t))
}

func TestResults_Validates(t *testing.T) {
	s := compile(t, "oscal_assessment-results_schema.json")
	validate(t, s, renderResults(t, rendertest.Fixture(t)))
	validate(t, s, renderResults(t, &report.Report{}))
	hostile := rendertest.Fixture(t)
	hostile.Subject.Product = "  "
	hostile.Subject.Vendor = "\u202e<b>x</b>"
	hostile.Attestations[0].Expires = "not a date"
	hostile.Attestations[0].Evidence[0].SHA256 = "zz"
	validate(t, s, renderResults(t, hostile))
}

// Every finding targets a statement that exists in the catalog, and the
// catalog has the Code's shape: 4 themes, 14 principles, 45 claims.
func TestResults_LinkToCatalog(t *testing.T) {
	var cat oscal.CatalogDoc
	if err := json.Unmarshal(realCatalog(t), &cat); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	principles, claims := 0, 0
	for _, g := range cat.Catalog.Groups {
		for _, p := range g.Controls {
			principles++
			for _, part := range p.Parts {
				ids[part.ID] = true
			}
			for _, c := range p.Controls {
				claims++
				for _, part := range c.Parts {
					ids[part.ID] = true
				}
			}
		}
	}
	if len(cat.Catalog.Groups) != 4 || principles != 14 || claims != 45 {
		t.Errorf("catalog has %d groups, %d principles, %d claims; want 4, 14, 45", len(cat.Catalog.Groups), principles, claims)
	}
	var ar oscal.ResultsDoc
	if err := json.Unmarshal(renderResults(t, rendertest.Fixture(t)), &ar); err != nil {
		t.Fatal(err)
	}
	res := ar.AssessmentResults.Results[0]
	if len(res.Findings) != 45+14 {
		t.Errorf("%d findings, want 59 (45 claims and 14 principles)", len(res.Findings))
	}
	obs := map[string]bool{}
	for _, o := range res.Observations {
		obs[o.UUID] = true
	}
	for _, f := range res.Findings {
		if !ids[f.Target.TargetID] {
			t.Errorf("finding %q targets %q, which the catalog lacks", f.Title, f.Target.TargetID)
		}
		for _, ro := range f.RelatedObservations {
			if !obs[ro.ObservationUUID] {
				t.Errorf("finding %q cites missing observation %s", f.Title, ro.ObservationUUID)
			}
		}
	}
	want := oscal.CatalogUUID("uk-sscop", "2025-05-07", "1.0")
	if cat.Catalog.UUID != want || !strings.Contains(string(renderResults(t, rendertest.Fixture(t))), want) {
		t.Errorf("results do not cite the catalog uuid %s", want)
	}
}

// Text from the repository must not become markup in OSCAL's Markdown
// fields, nor a link with a dangerous scheme.
func TestResults_EscapesMarkup(t *testing.T) {
	data := renderResults(t, rendertest.Fixture(t))
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	// Markup fields (OSCAL markup-line and markup-multiline) are rendered
	// as Markdown by viewers; plain prop values are not.
	markup := map[string]bool{"title": true, "description": true, "remarks": true, "prose": true, "text": true}
	raw := regexp.MustCompile(`(^|[^\\])[<>\[\]]`)
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(k, e)
			}
		case []any:
			for _, e := range x {
				walk(key, e)
			}
		case string:
			if markup[key] && raw.MatchString(x) {
				t.Errorf("%s %q has unescaped markup", key, x)
			}
		}
	}
	walk("", doc)
	if !strings.Contains(string(data), `Demo \\<script\\>`) {
		t.Error("hostile product name not escaped as Markdown")
	}
	if regexp.MustCompile(`"href": "(javascript|data):`).Match(data) {
		t.Error("dangerous href")
	}
}

func TestResults_Deterministic(t *testing.T) {
	a := renderResults(t, rendertest.Fixture(t))
	b := renderResults(t, rendertest.Fixture(t))
	if !bytes.Equal(a, b) {
		t.Error("two renders of the same report differ")
	}
}

// The assessment results of Assay's own repository validate too.
func TestResults_SelfAssessmentValidates(t *testing.T) {
	if testing.Short() {
		t.Skip("assesses the whole repository")
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(context.Background(), engine.Options{Path: root, Now: rendertest.Now})
	if err != nil {
		t.Fatal(err)
	}
	validate(t, compile(t, "oscal_assessment-results_schema.json"), renderResults(t, res.Report))
}

// Each other framework is a result of its own with a finding per control,
// targeting a distinct objective token, and the document still validates.
func TestResults_Frameworks(t *testing.T) {
	rep := rendertest.WithFrameworks(t, rendertest.Fixture(t))
	out := renderResults(t, rep)
	validate(t, compile(t, "oscal_assessment-results_schema.json"), out)
	rendertest.Golden(t, "frameworks.oscal.golden", out)
	var doc oscal.ResultsDoc
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	results := doc.AssessmentResults.Results
	if len(results) != 1+len(rep.Frameworks) {
		t.Fatalf("%d results, want the Code of Practice's and one per framework (%d)", len(results), len(rep.Frameworks))
	}
	for i, v := range rep.Frameworks {
		res := results[i+1]
		if len(res.Findings) != len(v.Controls) {
			t.Errorf("%s: %d findings, want %d controls", v.ID, len(res.Findings), len(v.Controls))
		}
		obs := map[string]bool{}
		for _, o := range res.Observations {
			obs[o.UUID] = true
		}
		targets := map[string]bool{}
		for j, f := range res.Findings {
			if targets[f.Target.TargetID] {
				t.Errorf("%s: target %s appears twice", v.ID, f.Target.TargetID)
			}
			targets[f.Target.TargetID] = true
			want := "satisfied"
			if s := v.Controls[j].Status; s != report.ClaimMet && s != report.ClaimNotApplicable {
				want = "not-satisfied"
			}
			if f.Target.Status.State != want {
				t.Errorf("%s %s: state %s, want %s for %s", v.ID, v.Controls[j].ID, f.Target.Status.State, want, v.Controls[j].Status)
			}
			for _, ro := range f.RelatedObservations {
				if !obs[ro.ObservationUUID] {
					t.Errorf("%s %s cites observation %s outside its result", v.ID, f.Title, ro.ObservationUUID)
				}
			}
		}
	}
}
