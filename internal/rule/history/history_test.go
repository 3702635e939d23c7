package history

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

var since = time.Date(2025, 8, 22, 0, 0, 0, 0, time.UTC)

func set(facts ...evidence.Fact) *evidence.Set {
	s := evidence.NewSet()
	for _, f := range facts {
		s.Add(evidence.Record{Fact: f, Provenance: evidence.Provenance{Collector: "git/history", Location: evidence.Location{Path: ".git"}}})
	}
	return s
}

func outcomes(fs []rule.Finding) []rule.Outcome {
	var out []rule.Outcome
	for _, f := range fs {
		out = append(out, f.Outcome)
	}
	return out
}

func TestRules(t *testing.T) {
	rs, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]rule.Rule{}
	for _, r := range rs {
		byID[r.Meta().ID] = r
	}
	tests := []struct {
		name string
		rule string
		ev   *evidence.Set
		want []rule.Outcome
		msg  string // substring of the first finding's message
	}{
		{"not read", CommitsAreSigned, set(), []rule.Outcome{rule.NotAvailable}, "not read"},
		{"empty window", CommitsAreSigned, set(evidence.History{Since: since}), []rule.Outcome{rule.NotApplicable}, "no commits since 2025-08-22"},
		{"mostly signed", CommitsAreSigned, set(evidence.History{Since: since, Walked: 10, Signed: 9, SignedSSH: 9, Tags: 2, SignedTags: 1}), []rule.Outcome{rule.True}, "9 of 10 commits (90%) signed (9 SSH); 1 of 2 tags signed"},
		{"rarely signed", CommitsAreSigned, set(evidence.History{Since: since, Walked: 10, Signed: 2, SignedOpenPGP: 2}), []rule.Outcome{rule.False}, "2 of 10"},
		{"cap reached", CommitsAreSigned, set(evidence.History{Since: since, Walked: 5000, MaxCommits: 5000, Truncated: true}), []rule.Outcome{rule.False}, "cap reached"},
		{"no keys", SignaturesVerify, set(evidence.History{Walked: 3, Signed: 3}), []rule.Outcome{rule.NotApplicable}, "no signing keys"},
		{"bad keys", SignaturesVerify, set(evidence.History{Walked: 3, Signed: 3, VerifyErrors: []string{"k: bad"}}), []rule.Outcome{rule.Error}, "k: bad"},
		{"all verify", SignaturesVerify, set(evidence.History{Walked: 3, Signed: 3, VerifyKeys: 2, Verified: 3}), []rule.Outcome{rule.True}, "all 3"},
		{"some fail", SignaturesVerify, set(evidence.History{Walked: 3, Signed: 3, VerifyKeys: 2, Verified: 1}), []rule.Outcome{rule.False}, "1 of 3"},
		{"no build changes", BuildChangesRecorded, set(evidence.BuildChanges{}), []rule.Outcome{rule.NotApplicable}, "no commit"},
		{"build changes", BuildChangesRecorded, set(evidence.BuildChanges{Total: 3, Authors: []evidence.AuthorCount{{Email: "a@x", Changes: 2}, {Email: "b@x", Changes: 1}}}), []rule.Outcome{rule.True}, "a@x (2), b@x (1)"},
		{"all reviewed", BuildChangesThroughReview, set(evidence.BuildChanges{Total: 3, Merged: 2, ViaPR: 1}), []rule.Outcome{rule.True}, "all 3"},
		{"direct pushes", BuildChangesThroughReview, set(evidence.BuildChanges{Total: 3, Merged: 2, Direct: 1, DirectSamples: []evidence.BuildChange{{Commit: "abc", Author: "a@x", When: since, Paths: []string{".github/workflows"}}}}),
			[]rule.Outcome{rule.False, rule.False}, "1 of 3"},
		{"single author", TwoPersonReviewEvidence, set(evidence.History{Since: since, Walked: 5, FirstParent: 5, Authors: 1, ForgeMerges: 5}), []rule.Outcome{rule.False}, "only one author"},
		{"reviewed", TwoPersonReviewEvidence, set(evidence.History{Since: since, Walked: 10, FirstParent: 10, Authors: 3, ForgeMerges: 6, ReviewTrailers: 1}), []rule.Outcome{rule.True}, "7 of 10"},
		{"unreviewed", TwoPersonReviewEvidence, set(evidence.History{Since: since, Walked: 10, FirstParent: 10, Authors: 3, ForgeMerges: 1}), []rule.Outcome{rule.False}, "1 of 10"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := byID[tc.rule].Evaluate(tc.ev)
			if diff := cmp.Diff(tc.want, outcomes(got)); diff != "" {
				t.Fatalf("outcomes (-want +got):\n%s\n%+v", diff, got)
			}
			if !strings.Contains(got[0].Message, tc.msg) {
				t.Errorf("message %q does not contain %q", got[0].Message, tc.msg)
			}
		})
	}
}
