package sarif_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/assaysec/assay/internal/engine"
	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/render/rendertest"
	"github.com/assaysec/assay/internal/render/sarif"
	"github.com/assaysec/assay/internal/report"
)

// withRules adds rule metadata to the fixture as the engine does for a real
// assessment (the fixture is assembled without it).
func withRules(rep *report.Report) *report.Report {
	rep.Rules = []report.RuleInfo{
		{ID: "codeownersCoverCI", Question: "Does CODEOWNERS cover the CI configuration?", Rationale: "Changes to the build must be reviewed by its owners.", Remediation: "Add .github/workflows/ to CODEOWNERS.",
			Claims: []report.RuleClaim{{Claim: "2.2.2", Principle: "2.2", Role: "all"}}},
		{ID: "securityTxtValid", Question: "Is security.txt valid and unexpired?", Rationale: "RFC 9116 readers ignore an expired file.", Remediation: "Renew the Expires field.",
			Claims: []report.RuleClaim{{Claim: "3.2.1", Principle: "3.2", Role: "any"}}},
		{ID: "treeIsWellFormed", Question: "Is the tree free of hostile entries?", Rationale: "Odd entries hide content.", Remediation: "Remove them.", Hygiene: true},
	}
	return rep
}

func renderSARIF(t testing.TB, rep *report.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := sarif.New(render.Options{}).Render(&buf, rep); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes()
}

func TestSARIF_Golden(t *testing.T) {
	rendertest.Golden(t, "report.sarif.golden", renderSARIF(t, withRules(rendertest.Fixture(t))))
}

func compileSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/schema/sarif-schema-2.1.0.json")
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
	// No loader for http: the schema's own id resolves to this resource and
	// nothing is fetched.
	c.UseLoader(noNetwork{})
	if err := c.AddResource(sarif.SchemaURI, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(sarif.SchemaURI)
	if err != nil {
		t.Fatalf("compile SARIF schema: %v", err)
	}
	return s
}

type noNetwork struct{}

func (noNetwork) Load(url string) (any, error) {
	return nil, &os.PathError{Op: "load", Path: url, Err: os.ErrPermission}
}

func TestSARIF_ValidatesAgainstSchema(t *testing.T) {
	s := compileSchema(t)
	for name, rep := range map[string]*report.Report{
		"fixture":            rendertest.Fixture(t),
		"fixture_with_rules": withRules(rendertest.Fixture(t)),
		"empty":              {SchemaVersion: report.SchemaVersion},
	} {
		t.Run(name, func(t *testing.T) {
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(renderSARIF(t, rep)))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(doc); err != nil {
				t.Errorf("SARIF does not validate: %v", err)
			}
		})
	}
}

// GitHub code scanning documents these as required, beyond the schema.
func TestSARIF_GitHubRequiredFields(t *testing.T) {
	var log map[string]any
	if err := json.Unmarshal(renderSARIF(t, withRules(rendertest.Fixture(t))), &log); err != nil {
		t.Fatal(err)
	}
	get := func(v any, path ...any) any {
		for _, p := range path {
			switch k := p.(type) {
			case string:
				m, _ := v.(map[string]any)
				v = m[k]
			case int:
				a, _ := v.([]any)
				if k >= len(a) {
					return nil
				}
				v = a[k]
			}
		}
		return v
	}
	if get(log, "version") != "2.1.0" || get(log, "$schema") == nil {
		t.Error("version 2.1.0 and $schema are required")
	}
	run := get(log, "runs", 0)
	if get(run, "tool", "driver", "name") != "assay" {
		t.Error("runs[].tool.driver.name is required")
	}
	rules, _ := get(run, "tool", "driver", "rules").([]any)
	ids := map[string]bool{}
	for i, r := range rules {
		id, _ := get(r, "id").(string)
		ids[id] = true
		if id == "" || get(r, "shortDescription", "text") == "" || get(r, "help", "text") == nil {
			t.Errorf("rule %d lacks id, shortDescription or help", i)
		}
		if tags, _ := get(r, "properties", "tags").([]any); len(tags) == 0 || len(tags) > 20 {
			t.Errorf("rule %s has %d tags; GitHub wants 1..20", id, len(tags))
		}
	}
	results, _ := get(run, "results").([]any)
	if len(results) == 0 {
		t.Fatal("no results")
	}
	for i, r := range results {
		id, _ := get(r, "ruleId").(string)
		if !ids[id] {
			t.Errorf("result %d: ruleId %q has no rule descriptor", i, id)
		}
		if int(get(r, "ruleIndex").(float64)) >= len(rules) || get(rules[int(get(r, "ruleIndex").(float64))], "id") != id {
			t.Errorf("result %d: ruleIndex does not point at %s", i, id)
		}
		if get(r, "message", "text") == "" {
			t.Errorf("result %d: message.text is required", i)
		}
		uri, _ := get(r, "locations", 0, "physicalLocation", "artifactLocation", "uri").(string)
		if uri == "" || strings.HasPrefix(uri, "/") || strings.Contains(uri, "<") {
			t.Errorf("result %d: location uri %q must be a relative, encoded path", i, uri)
		}
		if get(r, "locations", 0, "physicalLocation", "region", "startLine") == nil {
			t.Errorf("result %d: region.startLine missing", i)
		}
		if fp, _ := get(r, "partialFingerprints", sarif.FingerprintKey).(string); len(fp) != 32 {
			t.Errorf("result %d: partialFingerprints[%s] = %q", i, sarif.FingerprintKey, fp)
		}
	}
}

type summary struct {
	Rule, URI, Level string
	Line             int
	Claims           []string
	Suppressed       bool
}

func summarise(t *testing.T, data []byte) ([]summary, map[string]string) {
	t.Helper()
	var log sarif.Log
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	var out []summary
	fps := map[string]string{}
	for _, r := range log.Runs[0].Results {
		s := summary{Rule: r.RuleID, Level: r.Level, URI: r.Locations[0].PhysicalLocation.ArtifactLocation.URI,
			Line: r.Locations[0].PhysicalLocation.Region.StartLine, Suppressed: len(r.Suppressions) > 0}
		if r.Properties != nil {
			s.Claims = r.Properties.Claims
		}
		out = append(out, s)
		fps[r.RuleID+" "+s.URI+" "+strings.Join(s.Claims, ",")] = r.PartialFingerprints[sarif.FingerprintKey]
	}
	return out, fps
}

func TestSARIF_ResultsAndLevels(t *testing.T) {
	got, _ := summarise(t, renderSARIF(t, withRules(rendertest.Fixture(t))))
	// Only failing (or unobservable) findings at a file become located
	// results; the rest of the outstanding claims point at assay.yaml.
	var located []summary
	for _, s := range got {
		if !strings.HasPrefix(s.Rule, "claim-") {
			located = append(located, s)
		}
	}
	want := []summary{
		{Rule: "securityTxtValid", URI: ".well-known/security.txt", Level: "warning", Line: 2, Claims: []string{"3.2.1"}},
		{Rule: "codeownersCoverCI", URI: "CODEOWNERS", Level: "error", Line: 1, Claims: []string{"2.2.2"}, Suppressed: true},
		{Rule: "testsRunOnChanges", URI: ".github/workflows/ci.yml", Level: "error", Line: 1, Claims: []string{"1.3.2"}},
		{Rule: "treeIsWellFormed", URI: "link%1B%5B31m", Level: "warning", Line: 1},
	}
	less := func(a, b summary) bool { return a.Rule < b.Rule }
	sortSummaries(want, less)
	sortSummaries(located, less)
	if diff := cmp.Diff(want, located); diff != "" {
		t.Errorf("located results (-want +got):\n%s", diff)
	}
	var unknownNotes, notMet int
	for _, s := range got {
		if strings.HasPrefix(s.Rule, "claim-") {
			if s.URI != "assay.yaml" {
				t.Errorf("claim result %s at %q, want assay.yaml", s.Rule, s.URI)
			}
			switch s.Level {
			case "note":
				unknownNotes++
			case "error":
				notMet++
			}
		}
	}
	rep := rendertest.Fixture(t)
	if unknownNotes != rep.Summary.Claims.Unknown {
		t.Errorf("%d unknown claims as notes, want %d", unknownNotes, rep.Summary.Claims.Unknown)
	}
}

func sortSummaries(s []summary, less func(a, b summary) bool) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && less(s[j], s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// Fingerprints survive line moves and unrelated changes elsewhere.
func TestSARIF_FingerprintsStable(t *testing.T) {
	a := rendertest.Fixture(t)
	b := rendertest.Fixture(t)
	for pi := range b.Principles {
		for ci := range b.Principles[pi].Claims {
			for fi := range b.Principles[pi].Claims[ci].Findings {
				b.Principles[pi].Claims[ci].Findings[fi].Location.Line += 10
			}
		}
	}
	b.AssessedAt = b.AssessedAt.AddDate(0, 1, 0)
	b.Tool.Version = "v9.9.9"
	_, fa := summarise(t, renderSARIF(t, a))
	_, fb := summarise(t, renderSARIF(t, b))
	if diff := cmp.Diff(fa, fb); diff != "" {
		t.Errorf("fingerprints changed across runs (-first +second):\n%s", diff)
	}
	seen := map[string]string{}
	for k, v := range fa {
		if other, dup := seen[v]; dup {
			t.Errorf("results %q and %q share fingerprint %s", k, other, v)
		}
		seen[v] = k
	}
}

// The SARIF of Assay's own repository, with the engine's rule metadata,
// validates too.
func TestSARIF_SelfAssessmentValidates(t *testing.T) {
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
	if len(res.Report.Rules) == 0 {
		t.Fatal("the engine filled no rule metadata")
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(renderSARIF(t, res.Report)))
	if err != nil {
		t.Fatal(err)
	}
	if err := compileSchema(t).Validate(doc); err != nil {
		t.Errorf("SARIF of the self-assessment does not validate: %v", err)
	}
}

// TestSARIF_LogicalLocations: evidence that is no file (a tag, the git
// history) never becomes an artifact location code scanning cannot map; it
// is shown at the declaration and named as a logical location.
func TestSARIF_LogicalLocations(t *testing.T) {
	s := compileSchema(t)
	for _, decl := range []string{"assay.yaml", ""} {
		rep := withRules(rendertest.Fixture(t))
		rep.Subject.Declaration = decl
		c := &rep.Principles[0].Claims[0]
		c.Status = report.ClaimNotMet
		c.Findings = append(c.Findings,
			report.Finding{Rule: "codeownersCoverCI", Outcome: "false", Role: "all", Message: "tag 3.1.3 is not signed", Location: report.Location{Path: "refs/tags/3.1.3"}},
			report.Finding{Rule: "codeownersCoverCI", Outcome: "false", Role: "all", Message: "history is shallow", Location: report.Location{Path: ".git"}})
		data := renderSARIF(t, rep)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(doc); err != nil {
			t.Errorf("declaration %q: SARIF does not validate: %v", decl, err)
		}
		var log sarif.Log
		if err := json.Unmarshal(data, &log); err != nil {
			t.Fatal(err)
		}
		logical := map[string]string{}
		for _, r := range log.Runs[0].Results {
			for _, l := range r.Locations {
				uri := l.PhysicalLocation.ArtifactLocation.URI
				if strings.HasPrefix(uri, "refs/") || uri == ".git" || strings.HasPrefix(uri, ".git/") {
					t.Errorf("declaration %q: %s is an artifact location", decl, uri)
				}
				for _, ll := range l.LogicalLocations {
					logical[ll.FullyQualifiedName] = uri
				}
			}
		}
		want := map[string]string{}
		if decl != "" {
			want = map[string]string{"git:refs/tags/3.1.3": decl, "git:.git": decl}
		}
		if diff := cmp.Diff(want, logical); diff != "" {
			t.Errorf("declaration %q: logical locations (-want +got):\n%s", decl, diff)
		}
	}
}

// Other frameworks are taxonomies with every control as a taxon, its
// verdict in the property bag, and rules related to the controls they bear
// on; the log still validates.
func TestSARIF_Frameworks(t *testing.T) {
	rep := rendertest.WithFrameworks(t, withRules(rendertest.Fixture(t)))
	out := renderSARIF(t, rep)
	rendertest.Golden(t, "frameworks.sarif.golden", out)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := compileSchema(t).Validate(doc); err != nil {
		t.Fatalf("SARIF with frameworks does not validate: %v", err)
	}
	var log sarif.Log
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	taxa := map[string]map[string]sarif.Descriptor{}
	for _, tx := range run.Taxonomies {
		taxa[tx.Name] = map[string]sarif.Descriptor{}
		for _, d := range tx.Taxa {
			taxa[tx.Name][d.ID] = d
		}
	}
	for _, v := range rep.Frameworks {
		name := "assay-framework-" + v.ID
		if !slices.ContainsFunc(run.Tool.Driver.SupportedTaxonomies, func(c sarif.ComponentRef) bool { return c.Name == name }) {
			t.Errorf("driver does not list taxonomy %s", name)
		}
		if got := len(taxa[name]); got != len(v.Controls) {
			t.Errorf("%s: %d taxa, want %d controls", name, got, len(v.Controls))
		}
		for _, c := range v.Controls {
			d, ok := taxa[name][c.ID]
			if !ok || d.Properties == nil || d.Properties.Status != string(c.Status) {
				t.Errorf("%s %s: taxon %+v does not carry status %s", name, c.ID, d.Properties, c.Status)
			}
		}
	}
	// securityTxtValid supports 3.2.1, which SSDF RV.1.3 maps to: the rule
	// relates to that control, and every relationship names a real taxon.
	related := false
	for _, r := range run.Tool.Driver.Rules {
		for _, rel := range r.Relationships {
			if _, ok := taxa[rel.Target.ToolComponent.Name][rel.Target.ID]; !ok {
				t.Errorf("rule %s relates to %s/%s, which is no taxon", r.ID, rel.Target.ToolComponent.Name, rel.Target.ID)
			}
			if r.ID == "securityTxtValid" && rel.Target.ToolComponent.Name == "assay-framework-ssdf" {
				related = true
			}
		}
	}
	if !related {
		t.Error("securityTxtValid relates to no SSDF control")
	}
}
