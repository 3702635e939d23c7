package vulnplan

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, in string
		want           []Statement
	}{
		{"policy_response_timeline", "SECURITY.md",
			"# Security Policy\n\n## Response Timeline\n\nWe aim to acknowledge vulnerability reports within 3 business days.\nResolution or assessment is typically provided within 7 business days from the\nreporting date.\n",
			[]Statement{{Remediation, 6, "Resolution or assessment is typically provided within 7 business days"}, {Triage, 6, "assessment is typically provided within 7 business days"}}},
		{"incident_plan_bold_and_severity", "INCIDENT_RESPONSE.md",
			"## Initial Response\n\n2. **Assess** the severity and validity (confidentiality, integrity, availability).\n\n## Resolution Timeline\n\nResolution will typically be provided within **7 business days**\nfrom the report date.\n",
			[]Statement{{Remediation, 7, "Resolution will typically be provided within 7 business days"}, {Rating, 3, "Assess the severity"}}},
		{"severity_table", "SECURITY.md", "| Severity | Fix within |\n|---|---|\n| Critical | 7 days |\n| High | 30 days |\n",
			[]Statement{{BySeverity, 3, "Critical 7 days"}}},
		{"cvss", "docs/security.rst", "We rate reports with CVSS v3.1.\n", []Statement{{Rating, 1, "CVSS"}}},
		{"assign_severity_level", "SECURITY.md",
			"## Response Process\n\n1. Confirm receipt of the vulnerability report within 7 days.\n2. If confirmed, assign the vulnerability a severity level and create a timeline for addressing it.\n",
			[]Statement{{Rating, 4, "assign the vulnerability a severity"}}},
		{"determine_severity", "SECURITY.md", "The maintainers will work with you to determine the severity and impact.\n",
			[]Statement{{Rating, 1, "determine the severity"}}},
		{"severity_field_is_not_a_rating", "SECURITY.md", "Please include the severity you expect in your report.\n", nil},
		{"acknowledgement_only_is_not_a_plan", "SECURITY.md", "We will acknowledge your report within 48 hours.\n", nil},
		{"vague_promise_is_not_a_timeline", "docs/overview.rst", "We work to address any issues as quickly as possible.\n", nil},
		{"code_is_not_read", "SECURITY.md", "```\nfix within 3 days\n```\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, Find(tt.path, []byte(tt.in))); diff != "" {
				t.Errorf("Find() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzFind(f *testing.F) {
	f.Add("SECURITY.md", []byte("fix critical issues within 30 days"))
	f.Add("x.rst", []byte("Title\n=====\n\nassess severity::\n\n  code\n"))
	f.Fuzz(func(t *testing.T, path string, data []byte) {
		for _, s := range Find(path, data) {
			if s.Line < 1 || len(s.Excerpt) > maxExcerpt {
				t.Fatalf("bad statement %+v", s)
			}
		}
	})
}
