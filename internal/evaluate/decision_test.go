package evaluate

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/catalog"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/mapping"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/rule"
)

// TestDecide covers the decision logic itself with hand-built groups: one
// case per branch, for each kind of absence.
func TestDecide(t *testing.T) {
	t.Parallel()
	decisive := catalog.Decision{MetWhen: "m", Absence: catalog.AbsenceDecisive}
	ifNone := catalog.Decision{MetWhen: "m", Absence: catalog.AbsenceIfNone}
	unknown := catalog.Decision{MetWhen: "m", Absence: catalog.AbsenceUnknown}
	tests := []struct {
		name             string
		d                catalog.Decision
		all, any, blocks group
		want             report.ClaimStatus
	}{
		{"blocking violation wins over a true", unknown, group{trues: 1}, group{trues: 1}, group{violations: 1, violationMsgs: []string{"v"}}, report.ClaimNotMet},
		{"all violation", unknown, group{trues: 1, violations: 1, violationMsgs: []string{"v"}}, group{}, group{}, report.ClaimNotMet},
		{"any violation without a true", unknown, group{}, group{violations: 1, absences: 1, violationMsgs: []string{"v"}, absenceMsgs: []string{"a"}}, group{}, report.ClaimNotMet},
		{"any violation with an unknown alternative", unknown, group{}, group{violations: 1, unknowns: 1, violationMsgs: []string{"v"}, unknownMsgs: []string{"u"}}, group{}, report.ClaimUnknown},
		{"any violation with a true alternative", unknown, group{}, group{violations: 1, trues: 1, violationMsgs: []string{"v"}}, group{}, report.ClaimMet},
		{"all true", unknown, group{trues: 2}, group{}, group{}, report.ClaimMet},
		{"all true and any true", unknown, group{trues: 1}, group{trues: 1, absences: 1, absenceMsgs: []string{"a"}}, group{}, report.ClaimMet},
		{"all true, any all absent, unknown absence", unknown, group{trues: 1}, group{absences: 2, absenceMsgs: []string{"a"}}, group{}, report.ClaimUnknown},
		{"absence decisive", decisive, group{trues: 1, absences: 1, absenceMsgs: []string{"a"}}, group{}, group{}, report.ClaimNotMet},
		{"absence decisive even with an unknown", decisive, group{absences: 1, unknowns: 1, absenceMsgs: []string{"a"}, unknownMsgs: []string{"u"}}, group{}, group{}, report.ClaimNotMet},
		{"absence if none, nothing positive", ifNone, group{}, group{absences: 2, absenceMsgs: []string{"a", "b"}}, group{}, report.ClaimNotMet},
		{"absence if none, one positive", ifNone, group{trues: 1, absences: 1, absenceMsgs: []string{"a"}}, group{}, group{}, report.ClaimUnknown},
		{"absence if none, a rule partly positive", ifNone, group{absences: 2, partials: 1, absenceMsgs: []string{"a", "b"}}, group{}, group{}, report.ClaimUnknown},
		{"absence if none, an unknown alternative", ifNone, group{}, group{absences: 1, unknowns: 1, absenceMsgs: []string{"a"}, unknownMsgs: []string{"u"}}, group{}, report.ClaimUnknown},
		{"absence unknown", unknown, group{absences: 1, absenceMsgs: []string{"a"}}, group{}, group{}, report.ClaimUnknown},
		{"elsewhere is never decisive", decisive, group{elsewheres: 1, elsewhereMsgs: []string{"e"}}, group{}, group{}, report.ClaimUnknown},
		{"elsewhere beats absence in any", ifNone, group{}, group{elsewheres: 1, absences: 1, elsewhereMsgs: []string{"e"}, absenceMsgs: []string{"a"}}, group{}, report.ClaimUnknown},
		{"unavailable", decisive, group{trues: 1, unknowns: 1, unknownMsgs: []string{"u"}}, group{}, group{}, report.ClaimUnknown},
		{"nothing to check", decisive, group{nas: 2}, group{}, group{}, report.ClaimNotApplicable},
		{"no findings at all", decisive, group{}, group{}, group{}, report.ClaimUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := decide(tc.d, tc.all, tc.any, tc.blocks, "true", "na")
			if got.status != tc.want {
				t.Errorf("decide = %s (%s), want %s", got.status, got.reason, tc.want)
			}
		})
	}
}

// TestEveryClaimDecides runs the real catalog and mapping: for every claim,
// all deciding rules true is met (or needs a person where no observed fact
// can make it met), an observed violation is not met, evidence that could
// not be gathered is unknown, and an absence follows the claim's decision.
// The attested assurance level turns an observed met into unknown for every
// claim that is not fully automatable.
func TestEveryClaimDecides(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	maps, err := mapping.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range cat.Principles() {
		for _, c := range p.Claims {
			rules := maps.Claim(c.ID)
			deciding := append(append([]string{}, rules.All...), rules.Any...)
			t.Run(c.ID, func(t *testing.T) {
				t.Parallel()
				status := func(assurance string, fs ...rule.Finding) report.ClaimStatus {
					out := Evaluate(Input{Catalog: cat, Mapping: maps, Findings: fs, Evidence: evidence.NewSet(), Now: now, Assurance: assurance})
					return find(t, out, c.ID).Status
				}
				each := func(o func(id string) rule.Finding) []rule.Finding {
					var fs []rule.Finding
					for _, id := range deciding {
						fs = append(fs, o(id))
					}
					return fs
				}
				type row struct {
					name string
					got  report.ClaimStatus
					want report.ClaimStatus
				}
				var rows []row
				if rules.Deciding() == 0 {
					rows = append(rows, row{"no deciding rule", status(""), report.ClaimUnknown})
				}
				if len(deciding) > 0 {
					wantMet := report.ClaimMet
					if !c.ObservedSufficient {
						wantMet = report.ClaimUnknown
					}
					trues := each(func(id string) rule.Finding { return f(id, rule.True) })
					// One violated all-rule is decisive; alternatives must all
					// be violated.
					violated := each(func(id string) rule.Finding { return neg(id, rule.Violation) })
					if len(rules.All) > 0 {
						violated = append(trues[1:], neg(deciding[0], rule.Violation))
					}
					rows = append(rows,
						row{"all true", status("", trues...), wantMet},
						row{"violation", status("", violated...), report.ClaimNotMet},
						row{"unavailable", status("", each(func(id string) rule.Finding { return f(id, rule.NotAvailable) })...), report.ClaimUnknown},
					)
					wantAbsent := report.ClaimUnknown
					if c.Decision.Absence == catalog.AbsenceDecisive || c.Decision.Absence == catalog.AbsenceIfNone {
						wantAbsent = report.ClaimNotMet
					}
					rows = append(rows, row{"every signal absent", status("", each(func(id string) rule.Finding { return neg(id, rule.NoSignal) })...), wantAbsent})
					rows = append(rows, row{"pointer elsewhere", status("", each(func(id string) rule.Finding { return neg(id, rule.Elsewhere) })...), report.ClaimUnknown})
					wantAttested := wantMet
					if c.Automation != catalog.AutomationAuto {
						wantAttested = report.ClaimUnknown
					}
					rows = append(rows, row{"attested level", status(report.AssuranceAttested, trues...), wantAttested})
				}
				for _, id := range rules.Blocks {
					rows = append(rows, row{"blocked by " + id, status("", neg(id, rule.Violation)), report.ClaimNotMet},
						row{"absent guard " + id + " decides nothing", status("", neg(id, rule.NoSignal)), status("")})
				}
				var problems []string
				for _, r := range rows {
					if r.got != r.want {
						problems = append(problems, fmt.Sprintf("%s: got %s, want %s", r.name, r.got, r.want))
					}
				}
				if diff := cmp.Diff([]string(nil), problems); diff != "" {
					t.Errorf("claim %s (rules %v, decision %+v):\n%s", c.ID, rules, c.Decision, strings.Join(problems, "\n"))
				}
			})
		}
	}
}

// TestConfirmLines: a claim met by observation carries the decision's
// confirm lines and the decision itself.
func TestConfirmLines(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	maps, err := mapping.Parse(map[string][]byte{"t.yaml": []byte("- claim: \"1.2.5\"\n  any: [x]\n")})
	if err != nil {
		t.Fatal(err)
	}
	out := Evaluate(Input{Catalog: cat, Mapping: maps, Findings: []rule.Finding{f("x", rule.True)}, Evidence: evidence.NewSet(), Now: now})
	c := find(t, out, "1.2.5")
	cl, _ := cat.Claim("1.2.5")
	if c.Status != report.ClaimMet || len(c.Confirm) == 0 || c.Decision == nil {
		t.Fatalf("1.2.5 = %s, confirm %v, decision %v", c.Status, c.Confirm, c.Decision)
	}
	if diff := cmp.Diff(cl.Decision.Confirm, c.Confirm); diff != "" {
		t.Errorf("confirm (-want +got):\n%s", diff)
	}
}
