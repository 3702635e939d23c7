package publish

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/parse/securitytxt"
	"github.com/assaysec/assay/internal/testutil/golden"
)

var now = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

const decl = `product: Demo
vendor: Example Ltd
sro: {name: Jane Doe, role: CTO, email: jane@example.com}
contact: {security: "mailto:security@example.com", incidents: "https://status.example.com"}
release_lines:
  - {version: "2.x", released: "2025-01-10", end_of_security_support: "2027-01-31", end_of_life: "2027-06-30", announced: "2025-01-10"}
  - {version: "1.x", released: "2023-01-10", end_of_security_support: "2025-01-31"}
support: {update_policy: "https://example.com/updates", update_frequency: 1mo, notice_period: 12mo, incident_plan: docs/incident-plan.md}
advisories:
  - id: DEMO-2026-001
    cve: CVE-2026-12345
    ghsa: GHSA-whgm-jr23-g3j9
    title: "Path traversal in <upload>"
    summary: A crafted file name could write outside the upload directory.
    severity: high
    published: "2026-04-01"
    affected: ["2.0.0", "2.0.1"]
    fixed: ["2.0.2"]
    url: https://example.com/advisories/DEMO-2026-001
vex:
  - {vulnerability: CVE-2025-0001, status: not_affected, justification: vulnerable_code_not_in_execute_path}
  - {vulnerability: CVE-2025-0002, status: affected, action_statement: Upgrade to 2.0.3., products: ["pkg:golang/example.com/demo@2.0.2"]}
`

func input(t *testing.T) Input {
	t.Helper()
	cfg, err := config.Parse("assay.yaml", []byte(decl), nil)
	if err != nil {
		t.Fatal(err)
	}
	return Input{Config: cfg, Now: now, RepoURL: "https://github.com/example/demo", BaseURL: "https://example.com", License: "Apache-2.0"}
}

func TestAllGolden(t *testing.T) {
	arts, skipped, err := All(input(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 0 {
		t.Errorf("skipped: %v", skipped)
	}
	var names []string
	for _, a := range arts {
		names = append(names, a.Name)
		golden.Check(t, filepath.Join("testdata", "golden", strings.ReplaceAll(a.Name, "/", "_")), a.Data)
	}
	want := "security.txt support-statement.json support-statement.html csaf/demo-2026-001.json vex.openvex.json SECURITY-INSIGHTS.yml"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("artefacts %q, want %q", got, want)
	}
}

func TestSecurityTxtValid(t *testing.T) {
	arts, _, err := SecurityTxt(input(t))
	if err != nil {
		t.Fatal(err)
	}
	f := securitytxt.Parse(arts[0].Data)
	if probs := f.Validate(now); len(probs) > 0 {
		t.Fatalf("problems: %v", probs)
	}
	// Expires is at most a year ahead and still valid 364 days on.
	if probs := f.Validate(now.AddDate(0, 0, 363)); len(probs) > 0 {
		t.Errorf("a day before expiry: %v", probs)
	}
	if probs := f.Validate(now.AddDate(1, 0, 0)); len(probs) == 0 {
		t.Error("still valid a year later")
	}
}

func TestOpenVEXSchema(t *testing.T) {
	declaredOnly := input(t)
	withFindings := input(t)
	withFindings.Vulnerabilities = []evidence.Vulnerability{
		{ID: "GHSA-whgm-jr23-g3j9", Aliases: []string{"CVE-2021-23424"}, Fixed: []string{"0.0.8"},
			Package: evidence.DepPackage{Ecosystem: "npm", Name: "ansi-html", Version: "0.0.1", PURL: "pkg:npm/ansi-html@0.0.1"}},
	}
	findingsOnly := Input{Config: &config.Config{Product: "Demo", Vendor: "Example Ltd"}, Now: now, Vulnerabilities: withFindings.Vulnerabilities}
	c := jsonschema.NewCompiler()
	sch, err := c.Compile("testdata/openvex_json_schema.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]Input{"declared": declaredOnly, "declared_and_findings": withFindings, "findings": findingsOnly} {
		t.Run(name, func(t *testing.T) {
			arts, _, err := OpenVEX(in)
			if err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(arts[0].Data))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Fatalf("OpenVEX schema: %v\n%s", err, arts[0].Data)
			}
			if len(in.Vulnerabilities) > 0 && !bytes.Contains(arts[0].Data, []byte("GHSA-whgm-jr23-g3j9")) {
				t.Errorf("matched vulnerability missing from the document:\n%s", arts[0].Data)
			}
		})
	}
}

func TestCSAFFields(t *testing.T) {
	arts, _, err := CSAF(input(t))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(arts[0].Data, &doc); err != nil {
		t.Fatal(err)
	}
	v := doc["vulnerabilities"].([]any)[0].(map[string]any)
	if v["cve"] != "CVE-2026-12345" {
		t.Errorf("cve: %v", v["cve"])
	}
	// Hostile text stays data: JSON escapes it and the schema accepted it.
	if !bytes.Contains(arts[0].Data, []byte(`Path traversal in \u003cupload\u003e`)) {
		t.Errorf("title lost")
	}
}

func TestSecurityInsightsChecks(t *testing.T) {
	arts, _, err := SecurityInsights(input(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckSecurityInsights(arts[0].Data); err != nil {
		t.Fatal(err)
	}
	broken := bytes.Replace(arts[0].Data, []byte("status: active"), []byte("status: great"), 1)
	broken = bytes.Replace(broken, []byte("  last-reviewed:"), []byte("  reviewed:"), 1)
	err = CheckSecurityInsights(broken)
	if err == nil || !strings.Contains(err.Error(), "header.last-reviewed is required") || !strings.Contains(err.Error(), "repository.status") {
		t.Fatalf("err = %v", err)
	}
}

func TestSkipsWithoutInput(t *testing.T) {
	_, skipped, err := All(Input{Config: &config.Config{}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 5 {
		t.Errorf("skipped %v", skipped)
	}
}

func TestHTMLEscapes(t *testing.T) {
	in := input(t)
	in.Config.Product = `<script>alert(1)</script>`
	arts, _, err := SupportStatement(in)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(arts[1].Data, []byte("<script>")) {
		t.Error("HTML not escaped")
	}
}

// TestSecurityInsightsDualLicence: a detected dual licence is written as
// its SPDX expression with the licence file's URL, not NOASSERTION.
func TestSecurityInsightsDualLicence(t *testing.T) {
	in := input(t)
	in.License, in.LicenseFile = "MIT OR Apache-2.0", "LICENSE-MIT"
	arts, _, err := SecurityInsights(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"expression: MIT OR Apache-2.0", "url: https://github.com/example/demo/blob/HEAD/LICENSE-MIT"} {
		if !bytes.Contains(arts[0].Data, []byte(want)) {
			t.Errorf("no %q in\n%s", want, arts[0].Data)
		}
	}
	if err := CheckSecurityInsights(arts[0].Data); err != nil {
		t.Fatal(err)
	}
}

// TestCSAFSchema validates every CSAF document written, for the demo
// declaration and for advisories at the edges of what assay.yaml accepts,
// against OASIS's CSAF 2.0 JSON schema (and FIRST's CVSS schemas it
// refers to) from the shared corpus.
func TestCSAFSchema(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "schemas", "csaf")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("shared corpus not present")
	}
	c := jsonschema.NewCompiler()
	for _, v := range []string{"2.0", "3.0", "3.1"} {
		f, err := os.Open(filepath.Join(dir, "first-cvss", "cvss-v"+v+".json"))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource("https://www.first.org/cvss/cvss-v"+v+".json", doc); err != nil {
			t.Fatal(err)
		}
	}
	sch, err := c.Compile(filepath.Join(dir, "v2.0", "csaf_json_schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	edge := input(t)
	edge.Config.Vendor = "  Example   Ltd  "
	edge.Config.Advisories = append(edge.Config.Advisories,
		config.Advisory{CVE: "CVE-2026-1234567", Title: "  multi\nline\ttitle  ", Published: config.Date{Time: now}},
		config.Advisory{GHSA: "GHSA-aaaa-bbbb-cccc", Title: "no versions", Severity: "low", Published: config.Date{Time: now}, Updated: config.Date{Time: now.AddDate(0, 0, 1)}},
		config.Advisory{ID: "X-1", Title: "versions with spaces", Published: config.Date{Time: now}, Affected: []string{" 1.0 ", "1.0"}, Fixed: []string{"1.1 "}},
	)
	for name, in := range map[string]Input{"demo": input(t), "edges": edge} {
		t.Run(name, func(t *testing.T) {
			arts, _, err := CSAF(in)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range arts {
				inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(a.Data))
				if err != nil {
					t.Fatal(err)
				}
				if err := sch.Validate(inst); err != nil {
					t.Errorf("%s does not validate against the CSAF 2.0 schema: %v\n%s", a.Name, err, a.Data)
				}
			}
		})
	}
}
