package framework

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/rule"
)

func TestJudge(t *testing.T) {
	claims := map[string]report.ClaimStatus{"1.1.1": report.ClaimMet, "1.2.1": report.ClaimNotMet, "1.3.1": report.ClaimUnknown, "3.1.1": report.ClaimNotApplicable}
	f := func(id string, o rule.Outcome, neg rule.Negative) rule.Finding {
		return rule.Finding{Rule: id, Outcome: o, Negative: neg, Message: id + " " + string(o)}
	}
	byRule := map[string][]rule.Finding{
		"okRule":     {f("okRule", rule.True, "")},
		"badRule":    {f("badRule", rule.False, rule.Violation)},
		"absentRule": {f("absentRule", rule.False, rule.NoSignal)},
		"naRule":     {f("naRule", rule.NotApplicable, "")},
		"offRule":    {f("offRule", rule.NotAvailable, "")},
	}
	links := func(ids ...string) []ClaimLink {
		var out []ClaimLink
		for _, id := range ids {
			out = append(out, ClaimLink{ID: id, Source: SourceOurs})
		}
		return out
	}
	for name, tc := range map[string]struct {
		c    Control
		want report.ClaimStatus
	}{
		"nothing maps":                {Control{}, report.ClaimUnknown},
		"claim met":                   {Control{Links: links("1.1.1")}, report.ClaimMet},
		"claim not met":               {Control{Links: links("1.1.1", "1.2.1")}, report.ClaimNotMet},
		"claim unknown":               {Control{Links: links("1.1.1", "1.3.1")}, report.ClaimUnknown},
		"claims not applicable":       {Control{Links: links("3.1.1")}, report.ClaimNotApplicable},
		"supporting claims only":      {Control{Links: links("1.1.1"), ClaimsRole: RoleSupporting}, report.ClaimUnknown},
		"rule decides over claims":    {Control{Links: links("1.3.1"), ClaimsRole: RoleSupporting, Rules: Rules{Any: []string{"okRule"}}}, report.ClaimMet},
		"any: one holds":              {Control{Rules: Rules{Any: []string{"badRule", "okRule"}}}, report.ClaimMet},
		"any: all violated":           {Control{Rules: Rules{Any: []string{"badRule"}}}, report.ClaimNotMet},
		"any: absence is unknown":     {Control{Rules: Rules{Any: []string{"absentRule"}}}, report.ClaimUnknown},
		"any: absence decisive":       {Control{Rules: Rules{Any: []string{"absentRule"}}, Absence: "decisive"}, report.ClaimNotMet},
		"any: offline is unknown":     {Control{Rules: Rules{Any: []string{"offRule", "badRule"}}}, report.ClaimUnknown},
		"all: violation":              {Control{Rules: Rules{All: []string{"okRule", "badRule"}}}, report.ClaimNotMet},
		"all: not applicable ignored": {Control{Rules: Rules{All: []string{"okRule", "naRule"}}}, report.ClaimMet},
		"blocks":                      {Control{Links: links("1.1.1"), Rules: Rules{Blocks: []string{"badRule"}}}, report.ClaimNotMet},
		"blocks ignores absence":      {Control{Links: links("1.1.1"), Rules: Rules{Blocks: []string{"absentRule"}}}, report.ClaimMet},
		"supporting never decides":    {Control{Rules: Rules{Supporting: []string{"badRule"}}}, report.ClaimUnknown},
		"silent rule is unknown":      {Control{Rules: Rules{All: []string{"missingRule"}}}, report.ClaimUnknown},
	} {
		t.Run(name, func(t *testing.T) {
			got := judge(&tc.c, claims, byRule, map[string]rule.Meta{})
			if got.Status != tc.want {
				t.Errorf("status %s (%s), want %s", got.Status, got.Reason, tc.want)
			}
			if got.Reason == "" {
				t.Error("empty reason")
			}
		})
	}
	got := judge(&Control{}, claims, byRule, nil)
	if got.Reason != NoEvidence {
		t.Errorf("unmapped reason %q, want %q", got.Reason, NoEvidence)
	}
}

func TestViewCounts(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := s.Get("cra-annex-i")
	ps := []report.Principle{{ID: "3.2", Claims: []report.Claim{{ID: "3.2.1", Status: report.ClaimMet}, {ID: "3.2.2", Status: report.ClaimNotMet}}}}
	v := View(f, ps, nil, nil)
	want := report.ControlCounts{Met: 1, NotMet: 1, Unknown: 20, Total: 22}
	if diff := cmp.Diff(want, v.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	for _, c := range v.Controls {
		if c.Reason == "" {
			t.Errorf("%s: no reason", c.ID)
		}
	}
}
