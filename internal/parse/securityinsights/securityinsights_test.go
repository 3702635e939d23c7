package securityinsights

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/testutil/golden"
)

const corpusDir = "../../../../shared/corpus/disclosure/security-insights"

func ptr(b bool) *bool { return &b }

func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("shared corpus not found at %s (expected next to the repository): %v", corpusDir, err)
	}
	tests := []struct {
		file     string
		version  string
		major    int
		rep      Reporting
		dist     []Link
		source   string
		problems []Problem
	}{
		{
			file: "guacsec+guac.v1.0.0.SECURITY-INSIGHTS.yml", version: "1.0.0", major: 1,
			rep: Reporting{Present: true, Line: 75, AcceptsReports: ptr(false),
				Contact: "parth@kusari.dev"}, // from security-contacts (primary e-mail)
			dist: []Link{{URI: "https://github.com/guacsec/guac/releases", Line: 36}},
		},
		{
			file: "mindersec+minder.v2.2.0.security-insights.yml", version: "2.2.0", major: 2,
			rep: Reporting{Present: true, Line: 23, AcceptsReports: ptr(true), BugBountyAvailable: ptr(false),
				PolicyURL:    "https://github.com/mindersec/minder/blob/main/SECURITY.md",
				PolicySource: "project.vulnerability-reporting.policy"},
		},
		{
			file: "openvex+go-vex.v2.0.0.SECURITY-INSIGHTS.yml", version: "2.0.0", major: 2,
			rep: Reporting{Present: true, Line: 29, AcceptsReports: ptr(true),
				Contact: "Adolfo García Veytia", ContactName: "Adolfo García Veytia"}, // name only, no e-mail
			problems: []Problem{{Line: 29, Message: "project.vulnerability-reporting has no bug-bounty-available; expected true or false"}},
		},
		{
			// Repository section only: no vulnerability-reporting at all.
			file: "ossf+osv-schema.v2.1.0.security-insights.yml", version: "2.1.0", major: 2,
		},
		{
			file: "ossf+scorecard.v2.0.0.security-insights.yml", version: "2.0.0", major: 2,
			rep: Reporting{Present: true, Line: 28, AcceptsReports: ptr(true), BugBountyAvailable: ptr(false),
				PolicyURL:    "https://github.com/ossf/scorecard/blob/main/SECURITY.md",
				PolicySource: "repository.documentation.security-policy"},
			dist: []Link{{URI: "https://github.com/ossf/scorecard/releases", Comment: "GitHub Releases page", Line: 73}},
		},
		{
			file: "ossf+security-insights-spec.security-insights.yml", version: "2.0.0", major: 2,
			rep:  Reporting{Present: true, Line: 23, AcceptsReports: ptr(true), BugBountyAvailable: ptr(false)},
			dist: []Link{{URI: "https://github.com/ossf/security-insights-spec/releases", Comment: "GitHub Release Page", Line: 53}},
		},
		{
			file: "spec-templates/template-full.yml", version: "2.0.0", major: 2,
			rep: Reporting{Present: true, Line: 43, AcceptsReports: ptr(true), BugBountyAvailable: ptr(true),
				BugBountyURL: "https://example.com/bugs.html",
				Contact:      "security@something.com",
				ContactName:  "The security team at FooBar Enterprise provides security support for this project.",
				PolicyURL:    "https://example.com/reporting.html",
				PolicySource: "project.vulnerability-reporting.security-policy",
				PGPKey:       "your-key-here",
				InScope:      []string{"broken access control", "other"},
				OutOfScope:   []string{"other"}},
			dist: []Link{
				{URI: "https://example.com/foo", Comment: "GitHub Release Page", Line: 106},
				{URI: "pkg:npm/foobar", Comment: "NPM Package", Line: 108},
			},
		},
		{
			file: "spec-templates/template-minimum.yml", version: "2.0.0", major: 2,
			rep: Reporting{Present: true, Line: 24, AcceptsReports: ptr(true), BugBountyAvailable: ptr(true)},
		},
		{
			file: "spec-templates/template-multi-repository-project.yml", version: "2.0.0", major: 2,
			rep: Reporting{Present: true, Line: 31, AcceptsReports: ptr(true), BugBountyAvailable: ptr(true)},
		},
		{
			// Inherits project data (and so vulnerability reporting) from elsewhere.
			file: "spec-templates/template-multi-repository-project-reuse.yml", version: "2.0.0", major: 2,
			source: "https://raw.githubusercontent.com/example/repo/refs/heads/main/security-insights.yml",
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, tc.file))
			if err != nil {
				t.Skipf("corpus file missing: %v", err)
			}
			d, err := Parse(data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if d.SchemaVersion != tc.version || d.Major != tc.major {
				t.Errorf("version = %q/%d, want %q/%d", d.SchemaVersion, d.Major, tc.version, tc.major)
			}
			if diff := cmp.Diff(tc.rep, d.Reporting); diff != "" {
				t.Errorf("Reporting (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.dist, d.DistributionPoints); diff != "" {
				t.Errorf("DistributionPoints (-want +got):\n%s", diff)
			}
			if d.ProjectSource != tc.source {
				t.Errorf("ProjectSource = %q, want %q", d.ProjectSource, tc.source)
			}
			if diff := cmp.Diff(tc.problems, d.Problems); diff != "" {
				t.Errorf("Problems (-want +got):\n%s", diff)
			}
			if d.Lines["header.schema-version"] == 0 {
				t.Errorf("Lines has no header.schema-version: %v", d.Lines)
			}
		})
	}
}

func TestLines(t *testing.T) {
	in := "header:\n  schema-version: 2.0.0\nrepository:\n  release:\n    distribution-points:\n      - uri: https://example.org/r\n        comment: x\n"
	d, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"header":                                           1,
		"header.schema-version":                            2,
		"repository":                                       3,
		"repository.release":                               4,
		"repository.release.distribution-points":           5,
		"repository.release.distribution-points.0":         6,
		"repository.release.distribution-points.0.uri":     6,
		"repository.release.distribution-points.0.comment": 7,
	}
	if diff := cmp.Diff(want, d.Lines); diff != "" {
		t.Errorf("Lines (-want +got):\n%s", diff)
	}
}

func TestMalformed(t *testing.T) {
	deep := "header:\n  schema-version: 2.0.0\nx: " + strings.Repeat("[", 150) + strings.Repeat("]", 150) + "\n"
	var aliases strings.Builder
	aliases.WriteString("header:\n  schema-version: 2.0.0\na: &a x\nl:\n")
	for i := 0; i < MaxAliases+1; i++ {
		aliases.WriteString("  - *a\n")
	}
	tests := []struct {
		name string
		in   string
		line int
		msg  string
	}{
		{"empty", "", 1, "empty document"},
		{"comment only", "# nothing\n", 1, "empty document"},
		{"not a mapping", "- a\n- b\n", 1, "expected a mapping"},
		{"scalar", "hello\n", 1, "expected a mapping"},
		// The YAML library reports the line where the enclosing construct starts.
		{"bad indentation", "header:\n  schema-version: 2.0.0\n project: x\n", 2, "malformed yaml: did not find expected key"},
		{"unclosed quote", "header:\n  schema-version: \"2.0.0\nproject: {}\n", 2, "malformed yaml"},
		{"tab indentation", "header:\n\tschema-version: 2.0.0\n", 2, "malformed yaml"},
		{"mapping in sequence context", "header:\n  schema-version: 2.0.0\nproject:\n  - a\n  b: c\n", 3, "malformed yaml"},
		{"duplicate key", "header:\n  schema-version: 2.0.0\nproject: {}\nproject: {}\n", 4, "duplicate key \"project\" (first at line 3)"},
		{"duplicate nested key", "header:\n  schema-version: 2.0.0\n  schema-version: 1.0.0\n", 3, "duplicate key"},
		{"too many aliases", aliases.String(), 5 + MaxAliases, "aliases"},
		{"too deep", deep, 3, "nesting deeper"},
		{"two documents", "header:\n  schema-version: 2.0.0\n---\nheader:\n  schema-version: 1.0.0\n", 3, "more than one yaml document"},
		{"missing header", "project:\n  name: x\n", 1, "missing header"},
		{"header not mapping", "header: 2.0.0\n", 1, "header is not a mapping"},
		{"missing schema-version", "header:\n  last-updated: '2025-01-01'\n", 2, "missing header.schema-version"},
		{"schema-version not scalar", "header:\n  schema-version: [2]\n", 2, "not a string"},
		{"unknown major", "header:\n  schema-version: 3.0.0\n", 2, "unsupported schema-version \"3.0.0\""},
		{"two-part version", "header:\n  schema-version: 2.0\n", 2, "unsupported schema-version"},
		{"version with suffix", "header:\n  schema-version: 2.0.0-rc1\n", 2, "unsupported schema-version"},
		{"invalid utf-8", "header:\n  schema-version: 2.0.0\nx: \xff\n", 3, "invalid utf-8"},
		{"nul byte", "header:\n  schema-version: 2.0.0\n\nx: a\x00\n", 4, "control character U+0000"},
		{"c1 control", "header:\n  schema-version: 2.0.0\nx: a\u009b\n", 3, "control character U+009B"},
		{"lone carriage return", "header:\r  schema-version: 2.0.0\r\n", 1, "carriage return without line feed"},
		{"next line", "header:\n  schema-version: 2.0.0\u0085x: 1\n", 2, "line separator U+0085"},
		{"line separator", "header:\n  schema-version: 2.0.0\nx: \"a\u2028b\"\n", 3, "line separator U+2028"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse([]byte(tc.in))
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", d)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not *ParseError: %v", err, err)
			}
			if pe.Line != tc.line || !strings.Contains(pe.Msg, tc.msg) {
				t.Errorf("error = %q, want line %d containing %q", err, tc.line, tc.msg)
			}
			if !strings.HasPrefix(err.Error(), fmt.Sprintf("line %d: ", pe.Line)) {
				t.Errorf("error %q does not start with its line", err)
			}
		})
	}
}

func TestAcceptedEdgeCases(t *testing.T) {
	t.Run("few aliases resolved", func(t *testing.T) {
		in := "header:\n  schema-version: 2.1.0\ncommon: &yes true\nproject:\n  vulnerability-reporting:\n    reports-accepted: *yes\n    bug-bounty-available: false\n"
		d, err := Parse([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		if d.Reporting.AcceptsReports == nil || !*d.Reporting.AcceptsReports {
			t.Errorf("AcceptsReports = %v", d.Reporting.AcceptsReports)
		}
	})
	t.Run("leading document marker and bom", func(t *testing.T) {
		d, err := Parse([]byte("\uFEFF---\nheader:\n  schema-version: 1.0.0\n"))
		if err != nil || d.Major != 1 {
			t.Fatalf("Parse = %+v, %v", d, err)
		}
	})
	t.Run("crlf", func(t *testing.T) {
		d, err := Parse([]byte("header:\r\n  schema-version: 2.0.0\r\nproject:\r\n  vulnerability-reporting:\r\n    reports-accepted: false\r\n"))
		if err != nil || d.Reporting.Line != 4 || d.Reporting.AcceptsReports == nil || *d.Reporting.AcceptsReports {
			t.Fatalf("Parse = %+v, %v", d, err)
		}
	})
	t.Run("v1 email-contact wins over security-contacts", func(t *testing.T) {
		in := "header:\n  schema-version: 1.0.0\nsecurity-contacts:\n- type: email\n  value: a@example.org\n  primary: true\nvulnerability-reporting:\n  accepts-vulnerability-reports: true\n  email-contact: security@example.org\n  security-policy: https://example.org/SECURITY.md\n  bug-bounty-available: true\n  bug-bounty-url: https://example.org/bounty\n  pgp-key: https://example.org/key.asc\n  in-scope: [a]\n  out-scope: [b, c]\n"
		d, err := Parse([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		want := Reporting{Present: true, Line: 7, AcceptsReports: ptr(true), BugBountyAvailable: ptr(true),
			BugBountyURL: "https://example.org/bounty", Contact: "security@example.org",
			PolicyURL: "https://example.org/SECURITY.md", PolicySource: "vulnerability-reporting.security-policy",
			PGPKey: "https://example.org/key.asc", InScope: []string{"a"}, OutOfScope: []string{"b", "c"}}
		if diff := cmp.Diff(want, d.Reporting); diff != "" {
			t.Errorf("Reporting (-want +got):\n%s", diff)
		}
	})
	t.Run("v1 security-contacts fallback prefers e-mail", func(t *testing.T) {
		in := "header:\n  schema-version: 1.0.0\nsecurity-contacts:\n- type: url\n  value: https://example.org/report\n- type: email\n  value: sec@example.org\n"
		d, err := Parse([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		if d.Reporting.Present || d.Reporting.Contact != "sec@example.org" {
			t.Errorf("Reporting = %+v", d.Reporting)
		}
	})
}

func TestWrongTypes(t *testing.T) {
	in := `header:
  schema-version: 2.0.0
project:
  vulnerability-reporting:
    reports-accepted: "yes"
    bug-bounty-available: [true]
    bug-bounty-program: {url: x}
    contact: security@example.org
    policy: https://example.org/policy
    in-scope: just one
    out-of-scope:
      - ok
      - {nested: map}
repository:
  release:
    distribution-points:
      - https://example.org/plain-string
      - comment: no uri here
      - [list]
`
	d, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{
		{Line: 5, Message: `project.vulnerability-reporting.reports-accepted is "yes"; expected true or false`},
		{Line: 6, Message: "project.vulnerability-reporting.bug-bounty-available is a list; expected true or false"},
		{Line: 7, Message: "project.vulnerability-reporting.bug-bounty-program is not a string; expected a string"},
		{Line: 8, Message: "project.vulnerability-reporting.contact is \"security@example.org\"; expected a mapping with name and email"},
		{Line: 10, Message: "project.vulnerability-reporting.in-scope is a string; expected a list of strings"},
		{Line: 13, Message: "project.vulnerability-reporting.out-of-scope.1 is not a string; expected a string"},
		{Line: 18, Message: "repository.release.distribution-points.1 has no uri; expected a uri"},
		{Line: 19, Message: "repository.release.distribution-points.2 is a list; expected a uri"},
	}
	if diff := cmp.Diff(want, d.Problems); diff != "" {
		t.Errorf("Problems (-want +got):\n%s", diff)
	}
	r := d.Reporting
	if r.AcceptsReports != nil || r.BugBountyAvailable != nil || r.BugBountyURL != "" || r.Contact != "" {
		t.Errorf("wrongly typed values should stay unset: %+v", r)
	}
	if r.PolicyURL != "https://example.org/policy" || !cmp.Equal(r.InScope, []string{"just one"}) || !cmp.Equal(r.OutOfScope, []string{"ok"}) {
		t.Errorf("Reporting = %+v", r)
	}
	if diff := cmp.Diff([]Link{{URI: "https://example.org/plain-string", Line: 17}}, d.DistributionPoints); diff != "" {
		t.Errorf("DistributionPoints (-want +got):\n%s", diff)
	}
}

func TestLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("header:\n  schema-version: 2.0.0\nproject:\n  vulnerability-reporting:\n    reports-accepted: true\n    bug-bounty-available: false\n    pgp-key: " + strings.Repeat("k", MaxPGPKeyLen+10) + "\n    in-scope:\n")
	for i := 0; i < MaxListItems+5; i++ {
		fmt.Fprintf(&b, "      - item%d\n", i)
	}
	d, err := Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Reporting.InScope) != MaxListItems || len(d.Reporting.PGPKey) != MaxPGPKeyLen {
		t.Errorf("caps not applied: %d items, key %d bytes", len(d.Reporting.InScope), len(d.Reporting.PGPKey))
	}
	if len(d.Problems) != 2 {
		t.Errorf("Problems = %+v", d.Problems)
	}
}

// TestHostileShapes checks large crafted documents are capped, not rejected
// (unless over a structural limit), and do not build unbounded key paths.
func TestHostileShapes(t *testing.T) {
	var b strings.Builder
	b.WriteString("header: {schema-version: 2.0.0}\nx: {")
	for i := 0; i < MaxLines+5000; i++ {
		fmt.Fprintf(&b, "k%d: 1, ", i)
	}
	b.WriteString("}\n")
	d, err := Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Lines) != MaxLines {
		t.Errorf("len(Lines) = %d, want %d", len(d.Lines), MaxLines)
	}

	// Deep chain of long keys with many leaves at the bottom.
	b.Reset()
	b.WriteString("header: {schema-version: 2.0.0}\nx: ")
	key := strings.Repeat("k", 200)
	for i := 0; i < 90; i++ {
		b.WriteString("{" + key + ": ")
	}
	b.WriteString("[" + strings.Repeat("1, ", 50000) + "1]")
	b.WriteString(strings.Repeat("}", 90) + "\n")
	d, err = Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	for p := range d.Lines {
		if len(p) > maxPathLen {
			t.Fatalf("path of %d bytes recorded", len(p))
		}
	}
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, fn := range files {
		t.Run(filepath.Base(fn), func(t *testing.T) {
			data, err := os.ReadFile(fn)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			got := render(d)
			goldenPath := strings.TrimSuffix(fn, ".yml") + ".golden"
			golden.Check(t, goldenPath, []byte(got))
		})
	}
}

func render(d *Document) string {
	var b strings.Builder
	bs := func(p *bool) string {
		if p == nil {
			return "unset"
		}
		return fmt.Sprint(*p)
	}
	r := d.Reporting
	fmt.Fprintf(&b, "schema-version: %s (major %d)\n", d.SchemaVersion, d.Major)
	fmt.Fprintf(&b, "project-source: %q\n", d.ProjectSource)
	fmt.Fprintf(&b, "reporting: present=%v line=%d accepts=%s bug-bounty=%s bug-bounty-url=%q\n", r.Present, r.Line, bs(r.AcceptsReports), bs(r.BugBountyAvailable), r.BugBountyURL)
	fmt.Fprintf(&b, "contact: %q name=%q\npolicy: %q from %q\npgp-key: %q\nin-scope: %q\nout-of-scope: %q\n", r.Contact, r.ContactName, r.PolicyURL, r.PolicySource, r.PGPKey, r.InScope, r.OutOfScope)
	for _, l := range d.DistributionPoints {
		fmt.Fprintf(&b, "distribution-point %d: %s (%q)\n", l.Line, l.URI, l.Comment)
	}
	for _, p := range d.Problems {
		fmt.Fprintf(&b, "problem %d: %s\n", p.Line, p.Message)
	}
	keys := make([]string, 0, len(d.Lines))
	for k := range d.Lines {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "line %d: %s\n", d.Lines[k], k)
	}
	return b.String()
}

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.yml")
	more, _ := filepath.Glob(filepath.Join(corpusDir, "*.yml"))
	tmpl, _ := filepath.Glob(filepath.Join(corpusDir, "spec-templates", "*.yml"))
	for _, fn := range append(append(seeds, more...), tmpl...) {
		if data, err := os.ReadFile(fn); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("header:\n  schema-version: 2.0.0\na: &a [x]\nb: *a\nproject: {vulnerability-reporting: {reports-accepted: *a}}\n"))
	f.Add([]byte("header: {schema-version: 1.0.0}\ndistribution-points: [a, {uri: b}, [c]]\nsecurity-contacts: [{value: x}, 3]\n"))
	f.Add([]byte("header:\n  schema-version: 2.0.0\n<<: *x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		lines := strings.Count(string(data), "\n") + 1
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not *ParseError: %v", err, err)
			}
			if pe.Line < 0 || pe.Line > lines+1 {
				t.Fatalf("error line %d outside 0..%d: %v", pe.Line, lines+1, err)
			}
			return
		}
		if d.Major != 1 && d.Major != 2 {
			t.Fatalf("Major = %d", d.Major)
		}
		if len(d.Lines) > MaxLines || len(d.Problems) > MaxProblems || len(d.DistributionPoints) > MaxListItems {
			t.Fatalf("limits exceeded")
		}
		for _, p := range d.Problems {
			if p.Line < 0 || p.Line > lines+1 {
				t.Fatalf("problem line %d outside 0..%d", p.Line, lines+1)
			}
		}
	})
}
