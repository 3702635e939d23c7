package evaluate

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/catalog"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/mapping"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/rule"
)

var now = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

func day(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

const testMapping = `
- claim: "3.2.1"
  any: [a1, a2]
- claim: "1.1.4"
  all: [b1, b2]
  supporting: [b3]
- claim: "3.2.2"
  all: [c1]
`

type claimResult struct {
	Status report.ClaimStatus
	Basis  report.Basis
}

func find(t *testing.T, out Output, id string) report.Claim {
	t.Helper()
	for _, p := range out.Principles {
		for _, c := range p.Claims {
			if c.ID == id {
				return c
			}
		}
	}
	t.Fatalf("claim %s missing", id)
	return report.Claim{}
}

func f(r string, o rule.Outcome) rule.Finding {
	return rule.Finding{Rule: r, Outcome: o, Message: r + " " + string(o)}
}

// neg is a false finding resting on n.
func neg(r string, n rule.Negative) rule.Finding {
	return rule.Finding{Rule: r, Outcome: rule.False, Message: r + " " + string(n), Negative: n}
}

func offline(r string) rule.Finding {
	return rule.Finding{Rule: r, Outcome: rule.NotAvailable, Message: "needs network", Values: map[string]string{rule.ValueUnavailable: rule.UnavailableOffline}}
}

func TestEvaluate_ClaimStatus(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	maps, err := mapping.Parse(map[string][]byte{"t.yaml": []byte(testMapping)})
	if err != nil {
		t.Fatal(err)
	}
	validAtt := func(claim string) evidence.Record {
		return evidence.Record{Fact: evidence.Attestation{Claim: claim, Statement: "s", AttestedBy: "A", Date: day("2026-01-01"), Expires: day("2027-01-01"),
			Evidence: []evidence.AttestedDocument{{Path: "doc.md", Declared: "x", Actual: "x"}}}}
	}
	tests := []struct {
		name     string
		claim    string
		findings []rule.Finding
		ev       []evidence.Record
		cfg      *config.Config
		require  bool
		want     claimResult
	}{
		{"any_one_true_is_met", "3.2.1", []rule.Finding{f("a1", rule.True), f("a2", rule.False)}, nil, nil, false, claimResult{report.ClaimMet, report.BasisObserved}},
		{"any_all_false_is_not_met", "3.2.1", []rule.Finding{f("a1", rule.False), f("a2", rule.False)}, nil, nil, false, claimResult{report.ClaimNotMet, report.BasisObserved}},
		{"any_false_and_unavailable_is_unknown", "3.2.1", []rule.Finding{f("a1", rule.False), f("a2", rule.NotAvailable)}, nil, nil, false, claimResult{report.ClaimUnknown, report.BasisObserved}},
		{"any_false_and_na_is_not_met", "3.2.1", []rule.Finding{f("a1", rule.False), f("a2", rule.NotApplicable)}, nil, nil, false, claimResult{report.ClaimNotMet, report.BasisObserved}},
		{"all_true_is_met", "1.1.4", []rule.Finding{f("b1", rule.True), f("b2", rule.True)}, nil, nil, false, claimResult{report.ClaimMet, report.BasisObserved}},
		{"all_true_and_na_is_met", "1.1.4", []rule.Finding{f("b1", rule.True), f("b2", rule.NotApplicable)}, nil, nil, false, claimResult{report.ClaimMet, report.BasisObserved}},
		{"all_one_false_is_not_met", "1.1.4", []rule.Finding{f("b1", rule.True), f("b2", rule.False)}, nil, nil, false, claimResult{report.ClaimNotMet, report.BasisObserved}},
		{"supporting_false_does_not_decide", "1.1.4", []rule.Finding{f("b1", rule.True), f("b2", rule.True), f("b3", rule.False)}, nil, nil, false, claimResult{report.ClaimMet, report.BasisObserved}},
		{"all_unavailable_is_unknown_never_not_met", "1.1.4", []rule.Finding{f("b1", rule.True), f("b2", rule.NotAvailable)}, nil, nil, false, claimResult{report.ClaimUnknown, report.BasisObserved}},
		{"rule_error_is_unknown", "1.1.4", []rule.Finding{f("b1", rule.True), f("b2", rule.Error)}, nil, nil, false, claimResult{report.ClaimUnknown, report.BasisObserved}},
		{"rule_silent_is_unknown", "1.1.4", []rule.Finding{f("b1", rule.True)}, nil, nil, false, claimResult{report.ClaimUnknown, report.BasisObserved}},
		{"mixed_findings_of_one_rule_false_wins", "1.1.4", []rule.Finding{f("b1", rule.True), f("b2", rule.True), f("b2", rule.False)}, nil, nil, false, claimResult{report.ClaimNotMet, report.BasisObserved}},
		{"human_claim_without_attestation_is_unknown", "1.1.2", nil, nil, nil, false, claimResult{report.ClaimUnknown, report.BasisNone}},
		{"human_claim_with_attestation_is_declared", "1.1.2", nil, []evidence.Record{validAtt("1.1.2")}, nil, false, claimResult{report.ClaimMet, report.BasisDeclared}},
		{"unknown_observed_with_attestation_is_declared", "1.1.4", []rule.Finding{f("b1", rule.NotAvailable), f("b2", rule.NotAvailable)}, []evidence.Record{validAtt("1.1.4")}, nil, false, claimResult{report.ClaimMet, report.BasisDeclared}},
		{"attestation_never_overrides_negative_evidence", "1.1.4", []rule.Finding{f("b1", rule.False), f("b2", rule.True)}, []evidence.Record{validAtt("1.1.4")}, nil, false, claimResult{report.ClaimNotMet, report.BasisObservedDeclared}},
		{"unsigned_attestation_rejected_when_required", "1.1.2", nil, []evidence.Record{validAtt("1.1.2")}, nil, true, claimResult{report.ClaimUnknown, report.BasisNone}},
		{"expired_attestation_does_not_count", "1.1.2", nil, []evidence.Record{{Fact: evidence.Attestation{Claim: "1.1.2", Date: day("2025-01-01"), Expires: day("2026-01-01")}}}, nil, false, claimResult{report.ClaimUnknown, report.BasisNone}},
		{"stale_evidence_does_not_count", "1.1.2", nil, []evidence.Record{{Fact: evidence.Attestation{Claim: "1.1.2", Date: day("2026-01-01"), Expires: day("2027-01-01"),
			Evidence: []evidence.AttestedDocument{{Path: "doc.md", Declared: "x", Actual: "y"}}}}}, nil, false, claimResult{report.ClaimUnknown, report.BasisNone}},
		{"reseller_theme_1_not_applicable", "1.1.4", []rule.Finding{f("b1", rule.False)}, nil, &config.Config{Role: config.RoleReseller, Delivery: config.DeliveryDistributed}, false, claimResult{report.ClaimNotApplicable, report.BasisNone}},
		{"developer_only_theme_4_not_applicable", "4.2.1", nil, nil, &config.Config{Role: config.RoleDeveloperOnly, Delivery: config.DeliveryDistributed}, false, claimResult{report.ClaimNotApplicable, report.BasisNone}},
		{"declared_not_applicable", "1.1.6", nil, nil, &config.Config{Role: config.RoleDeveloperDistributor, Delivery: config.DeliveryDistributed,
			NotApplicable: []config.Exclusion{{Claim: "1.1.6", Reason: "no end users"}}}, false, claimResult{report.ClaimNotApplicable, report.BasisDeclared}},
		{"any_offline_alternative_does_not_hold_claim_open", "3.2.1", []rule.Finding{f("a1", rule.False), offline("a2")}, nil, nil, false, claimResult{report.ClaimNotMet, report.BasisObserved}},
		{"any_only_offline_is_unknown", "3.2.1", []rule.Finding{offline("a1"), offline("a2")}, nil, nil, false, claimResult{report.ClaimUnknown, report.BasisObserved}},
		{"any_true_with_offline_is_met", "3.2.1", []rule.Finding{f("a1", rule.True), offline("a2")}, nil, nil, false, claimResult{report.ClaimMet, report.BasisObserved}},
		{"all_rules_na_is_unknown_unless_the_decision_allows_it", "1.1.4", []rule.Finding{f("b1", rule.NotApplicable), f("b2", rule.NotApplicable)}, nil, nil, false, claimResult{report.ClaimUnknown, report.BasisObserved}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out := Evaluate(Input{Catalog: cat, Mapping: maps, Findings: tc.findings, Evidence: evidence.NewSet(tc.ev...), Config: tc.cfg, Now: now, RequireSigned: tc.require})
			c := find(t, out, tc.claim)
			got := claimResult{c.Status, c.Basis}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("claim %s mismatch (-want +got):\n%s\nreason: %s", tc.claim, diff, c.Reason)
			}
			if c.Reason == "" {
				t.Errorf("claim %s has no reason", tc.claim)
			}
			if c.Status == report.ClaimUnknown && c.Settle == "" && c.Basis == report.BasisNone {
				t.Errorf("unknown claim %s does not say what would settle it", tc.claim)
			}
		})
	}
}

func TestEvaluate_PrincipleStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		counts report.Counts
		want   report.PrincipleStatus
	}{
		{"all_met", report.Counts{Met: 2}, report.PrincipleMet},
		{"one_not_met", report.Counts{Met: 1, NotMet: 1}, report.PrincipleNotMet},
		{"some_met_rest_unknown", report.Counts{Met: 1, Unknown: 1}, report.PrinciplePartiallyMet},
		{"none_known", report.Counts{Unknown: 2}, report.PrincipleUnknown},
		{"none_applies", report.Counts{NotApplicable: 2}, report.PrincipleNotApplicable},
		{"met_and_not_applicable", report.Counts{Met: 1, NotApplicable: 1}, report.PrincipleMet},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, reason := principleStatus(report.Principle{Counts: tc.counts})
			if got != tc.want || reason == "" {
				t.Errorf("principleStatus(%+v) = %s (%q), want %s", tc.counts, got, reason, tc.want)
			}
		})
	}
}

func TestEvaluate_Waivers(t *testing.T) {
	t.Parallel()
	cat, _ := catalog.Default()
	maps, _ := mapping.Parse(map[string][]byte{"t.yaml": []byte(testMapping)})
	cfg := &config.Config{Role: config.RoleDeveloperDistributor, Delivery: config.DeliveryDistributed, Waivers: []config.Waiver{
		{Claim: "1.1.4", Reason: "r", Owner: "o", Expires: config.Date{Time: day("2026-12-31")}},
		{Claim: "3.2.1", Reason: "r", Owner: "o", Expires: config.Date{Time: day("2026-01-01")}},
		{Claim: "3.2.2", Reason: "r", Owner: "o", Expires: config.Date{Time: day("2026-12-31")}},
	}}
	out := Evaluate(Input{Catalog: cat, Mapping: maps, Config: cfg, Now: now, Findings: []rule.Finding{
		f("b1", rule.False), f("b2", rule.True), f("a1", rule.False), f("a2", rule.False), f("c1", rule.True),
	}})
	if c := find(t, out, "1.1.4"); c.Status != report.ClaimNotMet || c.Waiver == nil {
		t.Errorf("1.1.4: want not_met and waived, got %s waiver=%v", c.Status, c.Waiver)
	}
	if c := find(t, out, "3.2.1"); c.Waiver != nil {
		t.Errorf("3.2.1: an expired waiver must not apply")
	}
	if c := find(t, out, "3.2.2"); c.Status != report.ClaimMet || c.Waiver != nil {
		t.Errorf("3.2.2: a met claim is not waived; got %s waiver=%v", c.Status, c.Waiver)
	}
	got := []report.WaiverState{out.Waivers[0].Status, out.Waivers[1].Status, out.Waivers[2].Status}
	if diff := cmp.Diff([]report.WaiverState{report.WaiverActive, report.WaiverExpired, report.WaiverUnused}, got); diff != "" {
		t.Errorf("waiver statuses (-want +got):\n%s", diff)
	}
}

func TestEvaluate_SignOff(t *testing.T) {
	t.Parallel()
	cat, _ := catalog.Default()
	maps, _ := mapping.Parse(map[string][]byte{"t.yaml": []byte(testMapping)})
	tests := []struct {
		name string
		fact evidence.SignOff
		want report.SignOffState
	}{
		{"verified_and_current", evidence.SignOff{Name: "A", NextReview: "2027-01-01", Signature: evidence.SignatureCheck{State: evidence.SignatureVerified, Signed: true, Verified: true, Signer: "a@x"}}, report.SignOffCurrent},
		{"review_passed", evidence.SignOff{Name: "A", NextReview: "2026-08-01", Signature: evidence.SignatureCheck{State: evidence.SignatureVerified, Signed: true, Verified: true}}, report.SignOffReviewOverdue},
		{"unsigned", evidence.SignOff{Name: "A", NextReview: "2027-01-01", Signature: evidence.SignatureCheck{Problem: "no signature"}}, report.SignOffUnverified},
		{"unparseable", evidence.SignOff{Problem: "line 1: bad json"}, report.SignOffInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := Evaluate(Input{Catalog: cat, Mapping: maps, Evidence: evidence.NewSet(evidence.Record{Fact: tc.fact}), Now: now})
			if out.SignOff == nil || out.SignOff.Status != tc.want {
				t.Errorf("sign-off = %+v, want status %s", out.SignOff, tc.want)
			}
		})
	}
	if out := Evaluate(Input{Catalog: cat, Mapping: maps, Evidence: evidence.NewSet(), Now: now}); out.SignOff != nil {
		t.Errorf("no sign-off file: want nil, got %+v", out.SignOff)
	}
}

// TestAttestationStatus_SignatureState checks that a bad signature is
// recognised by the collector's typed state, whatever its message says.
func TestAttestationStatus_SignatureState(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		sig           evidence.SignatureCheck
		requireSigned bool
		want          report.AttestationState
	}{
		{"unsigned", evidence.SignatureCheck{}, false, report.AttestationValid},
		{"unsigned_required", evidence.SignatureCheck{}, true, report.AttestationUnsignedRejected},
		{"verified", evidence.SignatureCheck{State: evidence.SignatureVerified, Signed: true, Verified: true}, true, report.AttestationValid},
		{"bad", evidence.SignatureCheck{State: evidence.SignatureBad, Signed: true, Problem: "tampered"}, false, report.AttestationBadSignature},
		{"unverified_worded_like_bad", evidence.SignatureCheck{State: evidence.SignatureUnverified, Signed: true, Problem: "bad signature? no: key not allowed"}, false, report.AttestationValid},
		{"unverified_required", evidence.SignatureCheck{State: evidence.SignatureUnverified, Signed: true, Problem: "key not allowed"}, true, report.AttestationUnsignedRejected},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := attestationStatus(evidence.Attestation{Claim: "1.1.1", Signature: tc.sig}, now, tc.requireSigned)
			if got != tc.want {
				t.Errorf("attestationStatus() = %s, want %s", got, tc.want)
			}
		})
	}
}
