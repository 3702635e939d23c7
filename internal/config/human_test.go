package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const humanValid = `product: Demo
framework: {name: NIST SSDF, version: "1.1", document: docs/sdl.md}
allowed_signers: .assay/allowed_signers
release_lines:
  - version: "2.x"
    released: "2025-01-10"
    end_of_security_support: "2027-01-31"
    end_of_life: "2027-06-30"
    announced: "2025-01-10"
support:
  lifecycle: lifecycle.json
  policy: SUPPORT.md
  update_policy: https://example.com/updates
  update_frequency: 1mo
  notice_period: 12mo
  user_docs: [docs/upgrade.md, docs/hardening.md]
  incident_plan: docs/incident-plan.md
incidents:
  - id: INC-1
    title: Build server compromise
    started: "2026-03-01T10:00:00Z"
    customers_notified: "2026-03-02T09:00:00Z"
    resolved: "2026-03-05"
    report: https://example.com/pir/inc-1
advisories:
  - id: DEMO-2026-001
    cve: CVE-2026-12345
    ghsa: GHSA-xxxx-xxxx-xxxx
    title: Path traversal in upload
    severity: high
    published: "2026-04-01"
    affected: ["2.0.0", "2.0.1"]
    fixed: ["2.0.2"]
vex:
  - vulnerability: CVE-2025-0001
    status: not_affected
    justification: vulnerable_code_not_in_execute_path
`

func TestParseHuman(t *testing.T) {
	cfg, err := Parse("assay.yaml", []byte(humanValid), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Framework.Name != "NIST SSDF" || len(cfg.ReleaseLines) != 1 || cfg.ReleaseLines[0].Pos.Line != 5 {
		t.Fatalf("unexpected: %+v", cfg)
	}
	if got := cfg.Incidents[0].CustomersNotified.Sub(cfg.Incidents[0].Started.Time).Hours(); got != 23 {
		t.Errorf("time to notify = %vh", got)
	}
	if diff := cmp.Diff([]string{"docs/upgrade.md", "docs/hardening.md"}, cfg.Support.UserDocs); diff != "" {
		t.Error(diff)
	}
}

func TestParseHumanErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"bad line", "release_lines:\n  - version: \"1.x\"\n    released: \"2026-01-01\"\n    end_of_security_support: \"2025-01-01\"\n", "assay.yaml:2:5: release_lines[0].end_of_security_support: is not after"},
		{"dup line", "release_lines:\n  - version: a\n  - version: a\n", "release_lines[1].version: release line \"a\" is already declared"},
		{"bad cve", "advisories:\n  - {cve: CVE-1, title: t, published: \"2026-01-01\"}\n", "want CVE-YYYY-NNNN"},
		{"bad status", "vex:\n  - {vulnerability: CVE-2026-0001, status: fine}\n", "want one of not_affected"},
		{"notified first", "incidents:\n  - {id: a, started: \"2026-02-01\", customers_notified: \"2026-01-01\"}\n", "before the incident started"},
		{"lifecycle url", "support: {lifecycle: \"https://x\"}\n", "support.lifecycle"},
		{"bad doc", "support: {policy: \"../x\"}\n", "support.policy"},
		{"unknown key", "support: {polcy: x}\n", "unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("assay.yaml", []byte(tt.in), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
