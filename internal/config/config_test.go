package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const valid = `product: Demo
vendor: Example Ltd
role: developer-distributor
delivery: distributed
sro: {name: A. Person, role: CTO}
attestations:
  - claim: "1.1.2"
    statement: All developers complete secure development training each year.
    evidence:
      - {path: docs/training-log.csv, sha256: "` + "0000000000000000000000000000000000000000000000000000000000000000" + `"}
      - {url: "https://example.com/training"}
    attested_by: A. Person
    date: "2026-06-01"
    expires: "2027-06-01"
waivers:
  - claim: "2.1.5"
    reason: Build server migration to SSO in progress.
    owner: B. Person
    expires: "2026-12-31"
`

func TestParse_Valid(t *testing.T) {
	cfg, err := Parse("assay.yaml", []byte(valid), func(string) bool { return true })
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if cfg.Product != "Demo" || cfg.SRO.Name != "A. Person" || len(cfg.Attestations) != 1 || len(cfg.Waivers) != 1 {
		t.Fatalf("unexpected config: %+v", cfg)
	}
	a := cfg.Attestations[0]
	if diff := cmp.Diff(Pos{Line: 7, Column: 5}, a.Pos); diff != "" {
		t.Errorf("attestation position (-want +got):\n%s", diff)
	}
	if a.Expires.String() != "2027-06-01" || a.Evidence[0].Pos.Line != 10 {
		t.Errorf("expires %s, evidence line %d", a.Expires, a.Evidence[0].Pos.Line)
	}
}

func TestParse_Defaults(t *testing.T) {
	cfg, err := Parse("assay.yaml", []byte("product: X\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Role != RoleDeveloperDistributor || cfg.Delivery != DeliveryDistributed {
		t.Errorf("defaults: role %q delivery %q", cfg.Role, cfg.Delivery)
	}
	if _, err := Parse("assay.yaml", nil, nil); err != nil {
		t.Errorf("empty file: %v", err)
	}
}

func TestParse_Errors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // substring of the error, which must also carry a position
	}{
		{"unknown_top_level_key", "product: X\nprodcut: Y\n", "assay.yaml:2:1: prodcut: unknown key; expected one of"},
		{"unknown_nested_key", "sro: {name: A, rank: B}\n", "assay.yaml:1:16: sro.rank: unknown key"},
		{"bad_role", "role: vendor\n", "role: want one of developer-distributor, reseller, developer-only"},
		{"bad_date", "attestations:\n  - claim: \"1.1.2\"\n    statement: s\n    attested_by: A\n    date: tomorrow\n    expires: \"2027-01-01\"\n    evidence: [{url: \"https://x\"}]\n", "assay.yaml:5:11: want a date YYYY-MM-DD, got \"tomorrow\""},
		{"missing_expiry", "attestations:\n  - claim: \"1.1.2\"\n    statement: s\n    attested_by: A\n    date: \"2026-01-01\"\n    evidence: [{url: \"https://x\"}]\n", "assay.yaml:2:5: attestations[0].expires: an expiry date is required"},
		{"path_without_hash", "attestations:\n  - claim: \"1.1.2\"\n    statement: s\n    attested_by: A\n    date: \"2026-01-01\"\n    expires: \"2027-01-01\"\n    evidence: [{path: doc.md}]\n", "attestations[0].evidence[0].sha256: files are pinned by hash"},
		{"path_escaping_repo", "attestations:\n  - claim: \"1.1.2\"\n    statement: s\n    attested_by: A\n    date: \"2026-01-01\"\n    expires: \"2027-01-01\"\n    evidence: [{path: ../etc/passwd, sha256: \"" + strings.Repeat("0", 64) + "\"}]\n", "want a relative path inside the repository"},
		{"unknown_claim", "waivers:\n  - {claim: \"9.9.9\", reason: r, owner: o, expires: \"2027-01-01\"}\n", "want a claim id such as \"3.2.1\"; got \"9.9.9\""},
		{"claim_not_in_catalog", "waivers:\n  - {claim: \"2.2.5\", reason: r, owner: o, expires: \"2027-01-01\"}\n", "claim \"2.2.5\" is not in the Code of Practice catalog"},
		{"waiver_without_reason", "waivers:\n  - {claim: \"1.1.1\", owner: o, expires: \"2027-01-01\"}\n", "waivers[0].reason: a reason is required"},
		{"list_expected", "attestations: yes\n", "attestations: want a list"},
		{"malformed_yaml", "product: [unclosed\n", "assay.yaml:"},
		{"http_contact", "contact: {security: \"http://example.com\"}\n", "contact.security: want a mailto: or https: URI"},
		{"bad_remediation_target", "remediation_targets: {critical: soon}\n", "remediation_targets.critical: want a period"},
		{"bad_build_go", "build:\n  go: latest\n", "assay.yaml:2:3: build.go: want a Go release such as 1.24.3"},
		{"bad_vulndb_max_age", "vulnerability_database_max_age: soon\n", "vulnerability_database_max_age: want an age such as 7d"},
		{"scope_absolute_glob", "scope:\n  exclude: [\"extras/\", \"/abs\"]\n", "assay.yaml:2:24: scope.exclude[1]: bad scope glob: want a slash-separated path relative"},
		{"scope_bad_syntax", "scope:\n  include:\n    - \"a/[b\"\n", "assay.yaml:3:7: scope.include[0]: bad scope glob"},
		{"scope_parent_dir", "scope:\n  exclude: [\"../x\"]\n", "scope.exclude[0]: bad scope glob: \"../x\" leaves the repository"},
		{"scope_mapping_glob", "scope:\n  exclude:\n    - {x: 1}\n", "assay.yaml:3:7: want a path glob"},
		{"scope_unknown_key", "scope:\n  exlude: [a]\n", "assay.yaml:2:3: scope.exlude: unknown key; expected one of: exclude, include"},
	}
	known := func(id string) bool { return id != "2.2.5" }
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("assay.yaml", []byte(tc.in), known)
			if err == nil {
				t.Fatalf("Parse succeeded, want error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
		})
	}
}

func TestParse_AliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a: &a [x, x, x, x, x, x, x, x, x]\n")
	for i := 0; i < 60; i++ {
		b.WriteString("k" + strings.Repeat("x", i) + ": *a\n")
	}
	if _, err := Parse("assay.yaml", []byte(b.String()), nil); err == nil || !strings.Contains(err.Error(), "alias") {
		t.Errorf("want an alias error, got %v", err)
	}
}

func TestRemediationTargets_Days(t *testing.T) {
	r := RemediationTargets{Critical: "7d", High: "1mo"}
	got := []int{r.Days("critical"), r.Days("high"), r.Days("medium"), r.Days("low"), r.Days("unknown")}
	if diff := cmp.Diff([]int{7, 30, 90, 180, 180}, got); diff != "" {
		t.Errorf("Days (-want +got):\n%s", diff)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(valid))
	f.Add([]byte("product: X\n"))
	f.Add([]byte("a: &a [1]\nb: *a\n"))
	f.Add([]byte("attestations:\n  - claim: 1.1.1\n    evidence: [{path: a}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("assay.yaml", data, func(string) bool { return true })
		if err == nil && cfg == nil {
			t.Fatal("nil config without error")
		}
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %v is not a non-empty Errors", err)
			}
		}
	})
}

func TestParse_Scope(t *testing.T) {
	cfg, err := Parse("assay.yaml", []byte("product: X\nscope:\n  exclude:\n    - extras/\n  include: [\"site/\"]\n"), nil)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := Scope{Exclude: []Glob{{Pattern: "extras/", Pos: Pos{Line: 4, Column: 7}}}, Include: []Glob{{Pattern: "site/", Pos: Pos{Line: 5, Column: 13}}}, Pos: Pos{Line: 3, Column: 3}}
	if diff := cmp.Diff(want, cfg.Scope); diff != "" {
		t.Errorf("Scope mismatch (-want +got):\n%s", diff)
	}
	sc := cfg.ProductScope()
	if v := sc.Classify("extras/pom.xml"); v.In || v.Why() != "excluded by scope.exclude under extras/ (assay.yaml:4)" {
		t.Errorf("extras/pom.xml: got %+v (%s)", v, v.Why())
	}
	if !sc.InProduct("site/package.json") {
		t.Errorf("site/package.json: scope.include should override the default exclusion")
	}
}

func TestParseAge(t *testing.T) {
	for in, want := range map[string]time.Duration{"7d": 7 * 24 * time.Hour, "36h": 36 * time.Hour, "1mo": 30 * 24 * time.Hour, "1y": 365 * 24 * time.Hour} {
		if got, err := ParseAge(in); err != nil || got != want {
			t.Errorf("ParseAge(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "soon", "-1h", "0d", "7"} {
		if _, err := ParseAge(bad); err == nil {
			t.Errorf("ParseAge(%q) accepted", bad)
		}
	}
	c, err := Parse("assay.yaml", []byte("vulnerability_database_max_age: 14d\n"), func(string) bool { return true })
	if err != nil || c.VulnDBMaxAge != "14d" {
		t.Errorf("parsed %+v, %v", c, err)
	}
}
