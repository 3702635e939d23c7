package codequality_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/render/codequality"
	"github.com/assaysec/assay/internal/render/rendertest"
	"github.com/assaysec/assay/internal/render/sarif"
	"github.com/assaysec/assay/internal/report"
)

func renderCQ(t *testing.T, rep *report.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := codequality.New(render.Options{}).Render(&buf, rep); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes()
}

func TestCodeQuality_Golden(t *testing.T) {
	rendertest.Golden(t, "report.codequality.golden", renderCQ(t, rendertest.Fixture(t)))
}

// TestCodeQuality_Shape checks what GitLab requires of every issue: the
// five fields, a known severity, a unique fingerprint, a plain relative
// path and a line from 1.
func TestCodeQuality_Shape(t *testing.T) {
	var issues []map[string]any
	if err := json.Unmarshal(renderCQ(t, rendertest.Fixture(t)), &issues); err != nil {
		t.Fatalf("not a JSON array: %v", err)
	}
	if len(issues) == 0 {
		t.Fatal("no issues for a fixture with failing findings")
	}
	seen := map[string]bool{}
	sev := map[string]bool{"info": true, "minor": true, "major": true, "critical": true, "blocker": true}
	for i, is := range issues {
		for _, k := range []string{"description", "check_name", "fingerprint", "severity"} {
			if s, _ := is[k].(string); s == "" {
				t.Errorf("issue %d: %s missing or empty: %v", i, k, is)
			}
		}
		if !sev[is["severity"].(string)] {
			t.Errorf("issue %d: severity %q is not one of GitLab's", i, is["severity"])
		}
		fp := is["fingerprint"].(string)
		if seen[fp] {
			t.Errorf("issue %d: fingerprint %s repeats", i, fp)
		}
		seen[fp] = true
		loc, _ := is["location"].(map[string]any)
		p, _ := loc["path"].(string)
		if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "%") {
			t.Errorf("issue %d: path %q is not a plain relative path", i, p)
		}
		lines, _ := loc["lines"].(map[string]any)
		if b, _ := lines["begin"].(float64); b < 1 {
			t.Errorf("issue %d: lines.begin %v < 1", i, lines["begin"])
		}
	}
}

// TestCodeQuality_MatchesSARIF: the issues are SARIF's unsuppressed results.
func TestCodeQuality_MatchesSARIF(t *testing.T) {
	rep := rendertest.Fixture(t)
	type key struct{ rule, fp string }
	var want []key
	suppressed := 0
	for _, res := range sarif.Build(rep).Runs[0].Results {
		if len(res.Suppressions) > 0 {
			suppressed++
			continue
		}
		want = append(want, key{res.RuleID, res.PartialFingerprints[sarif.FingerprintKey]})
	}
	if suppressed == 0 {
		t.Fatal("fixture has no waived result; the test would prove nothing about waivers")
	}
	var got []key
	for _, is := range codequality.Build(rep) {
		got = append(got, key{is.CheckName, is.Fingerprint})
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(key{})); diff != "" {
		t.Errorf("issues differ from SARIF results (-sarif +codequality):\n%s", diff)
	}
}

func TestCodeQuality_EmptyReportIsEmptyArray(t *testing.T) {
	got := strings.TrimSpace(string(renderCQ(t, &report.Report{})))
	if got != "[]" {
		t.Errorf("empty report: got %s, want []", got)
	}
}
