package forge_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/catalog"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evaluate"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/mapping"
	"github.com/assaysec/assay/internal/rule"
	forgerules "github.com/assaysec/assay/internal/rule/forge"
	rulelist "github.com/assaysec/assay/internal/rule/list"
)

var now = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

func byID(t *testing.T) map[string]rule.Rule {
	t.Helper()
	rs, err := forgerules.Rules()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]rule.Rule{}
	for _, r := range rs {
		out[r.Meta().ID] = r
	}
	return out
}

func rec(f evidence.Fact) evidence.Record {
	return evidence.Record{Fact: f, Provenance: evidence.Provenance{Collector: "forge/api", CollectedAt: now}}
}

func yes() *bool { b := true; return &b }

func TestRules(t *testing.T) {
	ok := evidence.ForgeAccess{State: evidence.AccessOK}
	denied := evidence.ForgeAccess{State: evidence.AccessDenied, Endpoint: "GET /x", Reason: "HTTP 403", Need: "admin role"}
	repo := evidence.ForgeRepository{Forge: "github", Visibility: "public", OwnerKind: "organization", Access: ok}
	cases := []struct {
		name    string
		rule    string
		facts   []evidence.Fact
		outcome rule.Outcome
		msg     string
	}{
		{"protected but classic unreadable", forgerules.ForgeReviewRequired,
			[]evidence.Fact{repo, evidence.ForgeBranchProtection{Branch: "main", Protected: yes(), Unseen: []evidence.ForgeAccess{denied}, Access: ok}},
			rule.NotAvailable, "needs admin role"},
		{"ruleset requires review even when classic is unreadable", forgerules.ForgeReviewRequired,
			[]evidence.Fact{repo, evidence.ForgeBranchProtection{Branch: "main", Protected: yes(), Sources: []string{"ruleset 1"}, RequiresPullRequest: true, RequiredApprovals: 1, Unseen: []evidence.ForgeAccess{denied}, Access: ok}},
			rule.True, "required approving reviews = 1 (from ruleset 1)"},
		{"complete and zero approvals", forgerules.ForgeReviewRequired,
			[]evidence.Fact{repo, evidence.ForgeBranchProtection{Branch: "main", Protected: yes(), Complete: true, RequiresPullRequest: true, Sources: []string{"branch protection"}, Access: ok}},
			rule.False, "required approving reviews = 0"},
		{"personal account: 2FA unknown", forgerules.ForgeTwoFactorRequired,
			[]evidence.Fact{evidence.ForgeOrganization{Name: "me", Type: "user", Access: evidence.ForgeAccess{State: evidence.AccessUnsupported, Reason: "personal account"}}},
			rule.NotAvailable, "attest"},
		{"overdue critical alert", forgerules.ForgeDependencyAlertsWithinTarget,
			[]evidence.Fact{evidence.ForgeAlerts{Source: evidence.AlertsDependabot, TargetDays: map[string]int{"critical": 14}, Access: ok,
				Open: []evidence.ForgeAlert{{ID: "3", Severity: "critical", Title: "openssl", CreatedAt: now.AddDate(0, 0, -40)}}}},
			rule.False, "open 40 days; target 14 days"},
		{"alert within target", forgerules.ForgeDependencyAlertsWithinTarget,
			[]evidence.Fact{evidence.ForgeAlerts{Source: evidence.AlertsDependabot, TargetDays: map[string]int{"low": 180}, Access: ok,
				Open: []evidence.ForgeAlert{{ID: "3", Severity: "low", CreatedAt: now.AddDate(0, 0, -40)}}}},
			rule.True, "all within their remediation targets"},
		{"rate limited", forgerules.ForgeConfidentialReportingEnabled,
			[]evidence.Fact{evidence.ForgeSecurityFeature{Feature: evidence.FeaturePrivateReporting, Access: evidence.ForgeAccess{State: evidence.AccessRateLimited, Reason: "rate limited until 2026-08-22T01:00:00Z", Need: "API budget"}}},
			rule.NotAvailable, "rate limited until"},
		{"self-hosted runner on a public repo", forgerules.ForgeNoSelfHostedRunnersOnPublicRepo,
			[]evidence.Fact{repo, evidence.ForgeRunners{Access: ok, Runners: []evidence.ForgeRunner{{Name: "box", SelfHosted: true}}}},
			rule.False, "1 self-hosted runners: box"},
		{"no advisories yet", forgerules.ForgeAdvisoriesPublished,
			[]evidence.Fact{evidence.ForgeAdvisories{Access: ok}}, rule.NotApplicable, "no published"},
	}
	rules := byID(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var recs []evidence.Record
			for _, f := range tc.facts {
				recs = append(recs, rec(f))
			}
			fs := rules[tc.rule].Evaluate(evidence.NewSet(recs...))
			if len(fs) == 0 || fs[0].Outcome != tc.outcome || !strings.Contains(fs[0].Message, tc.msg) {
				t.Errorf("got %+v; want %s with %q", fs, tc.outcome, tc.msg)
			}
		})
	}
	// With no forge evidence at all every rule answers, none is false.
	for id, r := range rules {
		for _, f := range r.Evaluate(evidence.NewSet()) {
			if f.Outcome == rule.False || f.Outcome == rule.True {
				t.Errorf("%s on no evidence: %+v", id, f)
			}
		}
	}
}

// TestOfflineNotWorse checks that the forge mapping never changes a claim's
// status when the forge could not be read (the offline default): with every
// other rule true and every forge rule not_available, the statuses with and
// without forge.yaml are the same.
func TestOfflineNotWorse(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	all, err := rulelist.All()
	if err != nil {
		t.Fatal(err)
	}
	withForge, err := mapping.Load()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../../mapping/data/*.yaml")
	areas := map[string][]byte{}
	for _, f := range files {
		if filepath.Base(f) == "forge.yaml" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		areas[filepath.Base(f)] = data
	}
	without, err := mapping.Parse(areas)
	if err != nil {
		t.Fatal(err)
	}
	metas := map[string]rule.Meta{}
	var findings []rule.Finding
	for _, r := range all {
		id := r.Meta().ID
		metas[id] = r.Meta()
		o := rule.True
		if strings.HasPrefix(id, "forge") {
			o = rule.NotAvailable
		}
		findings = append(findings, rule.Finding{Rule: id, Outcome: o, Message: "synthetic"})
	}
	statuses := func(m *mapping.Mapping) map[string]string {
		out := evaluate.Evaluate(evaluate.Input{Catalog: cat, Mapping: m, Rules: metas, Findings: findings, Evidence: evidence.NewSet(),
			Config: &config.Config{Role: config.RoleDeveloperDistributor, Delivery: config.DeliveryDistributed}, Now: now})
		s := map[string]string{}
		for _, p := range out.Principles {
			for _, c := range p.Claims {
				s[c.ID] = string(c.Status)
			}
		}
		return s
	}
	if diff := cmp.Diff(statuses(without), statuses(withForge)); diff != "" {
		t.Errorf("offline statuses change when forge rules are mapped (-without +with):\n%s", diff)
	}
}
