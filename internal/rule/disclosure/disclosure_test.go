package disclosure

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	disclosurecollector "github.com/assaysec/assay/internal/collector/repo/disclosure"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/parse/securityinsights"
	"github.com/assaysec/assay/internal/parse/securitypolicy"
	"github.com/assaysec/assay/internal/rule"
)

var now = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

func set(facts ...evidence.Fact) *evidence.Set {
	s := evidence.NewSet(evidence.Record{Fact: evidence.Assessment{Now: now}})
	for _, f := range facts {
		s.Add(evidence.Record{Fact: f})
	}
	return s
}

func policy(text string) evidence.SecurityPolicy {
	return evidence.SecurityPolicy{Path: "SECURITY.md", Policy: securitypolicy.Analyze([]byte(text))}
}

func txt(text string) evidence.SecurityTxt {
	return disclosurecollector.SecurityTxtFact(".well-known/security.txt", []byte(text), now)
}

func outcomes(fs []rule.Finding) []rule.Outcome {
	var out []rule.Outcome
	for _, f := range fs {
		out = append(out, f.Outcome)
	}
	return out
}

func TestRules(t *testing.T) {
	t.Parallel()
	private := policy("# Security\n\nReport vulnerabilities privately to security@acme-software.co.uk.\n")
	publicOnly := policy("# Security\n\nPlease open a GitHub issue describing the vulnerability and we will look at it.\n")
	good := txt("Contact: mailto:security@acme-software.co.uk\nExpires: 2027-01-01T00:00:00Z\n")
	expired := txt("Contact: mailto:security@acme-software.co.uk\nExpires: 2026-01-01T00:00:00Z\n")
	noContact := txt("Expires: 2027-01-01T00:00:00Z\n")
	tests := []struct {
		name string
		fn   func(*evidence.Set) []rule.Finding
		ev   *evidence.Set
		want []rule.Outcome
	}{
		{"policy_published", securityPolicyPublished, set(private), []rule.Outcome{rule.True}},
		{"policy_absent", securityPolicyPublished, set(), []rule.Outcome{rule.False}},
		{"policy_empty", securityPolicyPublished, set(policy("\n\n")), []rule.Outcome{rule.False}},
		{"policy_unreadable", securityPolicyPublished, set(evidence.SecurityPolicy{Path: "SECURITY.md", Err: "too large"}), []rule.Outcome{rule.NotAvailable}},
		{"policy_good_copy_wins", securityPolicyPublished, set(evidence.SecurityPolicy{Path: "SECURITY.md", Err: "too large"}, private), []rule.Outcome{rule.True}},
		{"route_private", securityPolicyHasConfidentialRoute, set(private), []rule.Outcome{rule.True}},
		{"route_public_only", securityPolicyHasConfidentialRoute, set(publicOnly), []rule.Outcome{rule.False}},
		{"route_no_policy", securityPolicyHasConfidentialRoute, set(), []rule.Outcome{rule.False}},
		{"txt_valid", securityTxtValid, set(good), []rule.Outcome{rule.True}},
		{"txt_expired", securityTxtValid, set(expired), []rule.Outcome{rule.False}},
		{"txt_no_contact", securityTxtValid, set(noContact), []rule.Outcome{rule.False}},
		{"txt_absent", securityTxtValid, set(), []rule.Outcome{rule.NotApplicable}},
		{"txt_wellknown_preferred", securityTxtValid, set(disclosurecollector.SecurityTxtFact("security.txt", []byte("junk\n"), now), good), []rule.Outcome{rule.True}},
		{"contact_current", securityTxtHasContact, set(good), []rule.Outcome{rule.True}},
		{"contact_expired", securityTxtHasContact, set(expired), []rule.Outcome{rule.False}},
		{"contact_missing", securityTxtHasContact, set(noContact), []rule.Outcome{rule.False}},
		{"insights_absent", securityInsightsDeclaresReporting, set(), []rule.Outcome{rule.NotApplicable}},
		{"txt_unreadable", securityTxtValid, set(evidence.SecurityTxt{Path: ".well-known/security.txt", Err: "too large", Unread: true}), []rule.Outcome{rule.NotAvailable}},
		{"contact_unreadable", securityTxtHasContact, set(evidence.SecurityTxt{Path: ".well-known/security.txt", Err: "too large", Unread: true}), []rule.Outcome{rule.NotAvailable}},
		{"insights_unreadable", securityInsightsDeclaresReporting, set(evidence.SecurityInsights{Path: "SECURITY-INSIGHTS.yml", Err: "too large", Unread: true}), []rule.Outcome{rule.NotAvailable}},
		{"insights_unparseable", securityInsightsDeclaresReporting, set(evidence.SecurityInsights{Path: "SECURITY-INSIGHTS.yml", Err: "line 2: bad", ErrLine: 2}), []rule.Outcome{rule.False}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := tc.fn(tc.ev)
			if diff := cmp.Diff(tc.want, outcomes(got)); diff != "" {
				t.Errorf("outcomes mismatch (-want +got):\n%s\nfindings: %+v", diff, got)
			}
		})
	}
}

const corpus = "../../../../shared/corpus/disclosure"

func readCorpus(t *testing.T, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpus, rel))
	if err != nil {
		t.Skipf("corpus not available (%v); the shared corpus sits beside the repository", err)
	}
	return data
}

// The real security.txt files of the corpus, judged as of the pinned date.
func TestSecurityTxt_Corpus(t *testing.T) {
	tests := []struct {
		file string
		want rule.Outcome
	}{
		{"security-txt/grapheneos.org/2026-05-01_signed_valid.security.txt", rule.True},
		{"security-txt/grapheneos.org/2019-05-22_signed_no-expires.security.txt", rule.False},
		{"security-txt/almalinux.org/2025-04-04_signed_expired-2025-05-03.security.txt", rule.False},
		{"security-txt/almalinux.org/2025-01-10_unsigned_contact-without-scheme.security.txt", rule.False},
		{"security-txt/securitytxt.org/2025-03-27_unsigned_expires-2026-03-27.security.txt", rule.False},
		{"security-txt/securitytxt.org/2017-10-08_draft_contact-only.security.txt", rule.False},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			f := disclosurecollector.SecurityTxtFact(".well-known/security.txt", readCorpus(t, tc.file), now)
			got := securityTxtValid(set(f))
			if ruleVerdict(got) != tc.want {
				t.Errorf("securityTxtValid = %v, want %s; findings %+v", outcomes(got), tc.want, got)
			}
			for _, fd := range got {
				if fd.Outcome == rule.False && fd.Location.Line == 0 && f.ExpiresLine > 0 {
					t.Errorf("violation without a line: %+v", fd)
				}
			}
		})
	}
}

// Every SECURITY.md in the corpus is a real published policy.
func TestSecurityPolicy_Corpus(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join(corpus, "security-md"))
	if err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			p := policy(string(readCorpus(t, "security-md/"+e.Name())))
			if got := securityPolicyPublished(set(p)); ruleVerdict(got) != rule.True {
				t.Errorf("securityPolicyPublished = %+v, want true", got)
			}
		})
	}
}

func TestSecurityInsights_Corpus(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join(corpus, "security-insights"))
	if err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			doc, err := securityinsights.Parse(readCorpus(t, "security-insights/"+e.Name()))
			f := evidence.SecurityInsights{Path: "SECURITY-INSIGHTS.yml", Doc: doc}
			if err != nil {
				f.Err = err.Error()
			}
			got := securityInsightsDeclaresReporting(set(f))
			if len(got) != 1 || got[0].Outcome == rule.NotApplicable {
				t.Errorf("want one judgement, got %+v", got)
			}
			t.Logf("%s: %s %s", e.Name(), got[0].Outcome, got[0].Message)
		})
	}
}

func ruleVerdict(fs []rule.Finding) rule.Outcome {
	for _, f := range fs {
		if f.Outcome == rule.False {
			return rule.False
		}
	}
	if len(fs) > 0 {
		return fs[0].Outcome
	}
	return ""
}
