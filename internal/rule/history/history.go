// Package history holds the rules over git history: signed commits and
// tags, how changes to the build environment arrived, and evidence of
// two-person review. What a clone cannot show (approvals, branch
// protection) is left to the forge rules.
package history

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
	"github.com/assaysec/assay/internal/textsafe"
)

//go:embed rules.yaml
var metaYAML []byte

var needHistory = []evidence.Kind{evidence.KindHistory}

// Rule ids of the area, each spelled once, here: Rules registers them, the
// rules put them on their findings and the tests name them. rules.yaml holds
// the same ids as data; rule.Builder checks that the two agree.
const (
	BuildChangesRecorded      = "buildChangesRecorded"
	BuildChangesThroughReview = "buildChangesThroughReview"
	CommitsAreSigned          = "commitsAreSigned"
	SignaturesVerify          = "signaturesVerify"
	TwoPersonReviewEvidence   = "twoPersonReviewEvidence"
)

// Rules returns the area's rules.
func Rules() ([]rule.Rule, error) {
	b := rule.NewBuilder(metaYAML)
	rs := []rule.Rule{
		b.Rule(CommitsAreSigned, needHistory, commitsAreSigned),
		b.Rule(SignaturesVerify, needHistory, signaturesVerify),
		b.Rule(BuildChangesRecorded, []evidence.Kind{evidence.KindBuildChanges}, buildChangesRecorded),
		b.Rule(BuildChangesThroughReview, []evidence.Kind{evidence.KindBuildChanges}, buildChangesThroughReview),
		b.Rule(TwoPersonReviewEvidence, needHistory, twoPersonReviewEvidence),
	}
	return rs, b.Err()
}

// SignedShare is the share of signed commits commitsAreSigned requires.
const SignedShare = 0.8

// ReviewedShare is the share of main-line commits with review evidence
// twoPersonReviewEvidence requires.
const ReviewedShare = 0.5

func window(h evidence.History) string {
	s := fmt.Sprintf("since %s", h.Since.UTC().Format("2006-01-02"))
	if h.Truncated {
		s = fmt.Sprintf("last %d commits (cap reached; widen with --history-max-commits)", h.MaxCommits)
	}
	return s
}

func pct(n, d int) int {
	if d == 0 {
		return 0
	}
	return n * 100 / d
}

func gitLoc(it evidence.Item[evidence.History]) evidence.Location {
	return it.Provenance.Location
}

func commitsAreSigned(ev *evidence.Set) []rule.Finding {
	const id = CommitsAreSigned
	it, ok := evidence.First[evidence.History](ev)
	if !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "git history was not read")}
	}
	h := it.Fact
	if h.Walked == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, gitLoc(it), "no commits %s", window(h))}
	}
	kinds := []string{}
	for _, k := range []struct {
		n    int
		name string
	}{{h.SignedOpenPGP, "OpenPGP"}, {h.SignedSSH, "SSH"}, {h.SignedX509, "X.509"}} {
		if k.n > 0 {
			kinds = append(kinds, fmt.Sprintf("%d %s", k.n, k.name))
		}
	}
	msg := fmt.Sprintf("%d of %s (%d%%) signed", h.Signed, textsafe.Count(h.Walked, "commit"), pct(h.Signed, h.Walked))
	if len(kinds) > 0 {
		msg += " (" + strings.Join(kinds, ", ") + ")"
	}
	if h.Tags > 0 {
		msg += fmt.Sprintf("; %d of %s signed", h.SignedTags, textsafe.Count(h.Tags, "tag"))
	}
	msg += ", " + window(h)
	if float64(h.Signed) >= SignedShare*float64(h.Walked) {
		return []rule.Finding{rule.New(id, rule.True, gitLoc(it), "%s", msg)}
	}
	return []rule.Finding{rule.New(id, rule.False, gitLoc(it), "%s", msg)}
}

func signaturesVerify(ev *evidence.Set) []rule.Finding {
	const id = SignaturesVerify
	it, ok := evidence.First[evidence.History](ev)
	if !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "git history was not read")}
	}
	h := it.Fact
	switch {
	case h.VerifyKeys == 0 && len(h.VerifyErrors) > 0:
		return []rule.Finding{rule.New(id, rule.Error, gitLoc(it), "signing keys could not be loaded: %s", strings.Join(h.VerifyErrors, "; "))}
	case h.VerifyKeys == 0:
		return []rule.Finding{rule.New(id, rule.NotApplicable, gitLoc(it), "no signing keys declared (commit_signers or allowed_signers in assay.yaml, or an allowed_signers file)")}
	case h.Signed == 0:
		return []rule.Finding{rule.New(id, rule.NotApplicable, gitLoc(it), "no signed commits %s to verify", window(h))}
	case h.Verified == h.Signed:
		return []rule.Finding{rule.New(id, rule.True, gitLoc(it), "all %d signed commits verify against %d declared keys", h.Signed, h.VerifyKeys)}
	}
	return []rule.Finding{rule.New(id, rule.False, gitLoc(it), "%d of %d signed commits verify against the %d declared keys; %d do not", h.Verified, h.Signed, h.VerifyKeys, h.Signed-h.Verified)}
}

func buildChangesRecorded(ev *evidence.Set) []rule.Finding {
	const id = BuildChangesRecorded
	it, ok := evidence.First[evidence.BuildChanges](ev)
	if !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "git history was not read")}
	}
	b := it.Fact
	if b.Total == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, it.Provenance.Location, "no commit in the window changed CI definitions or build files")}
	}
	var top []string
	for i, a := range b.Authors {
		if i == 3 {
			top = append(top, fmt.Sprintf("%d more", len(b.Authors)-3))
			break
		}
		top = append(top, fmt.Sprintf("%s (%d)", a.Email, a.Changes))
	}
	return []rule.Finding{rule.New(id, rule.True, it.Provenance.Location, "%s changed CI definitions or build files, by %s: %s", textsafe.Count(b.Total, "commit"), textsafe.Count(len(b.Authors), "author"), strings.Join(top, ", "))}
}

func buildChangesThroughReview(ev *evidence.Set) []rule.Finding {
	const id = BuildChangesThroughReview
	it, ok := evidence.First[evidence.BuildChanges](ev)
	if !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "git history was not read")}
	}
	b := it.Fact
	if b.Total == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, it.Provenance.Location, "no commit in the window changed CI definitions or build files")}
	}
	if b.Direct == 0 {
		return []rule.Finding{rule.New(id, rule.True, it.Provenance.Location, "all %d changes to CI definitions and build files arrived through merges (%d) or pull/merge requests (%d)", b.Total, b.Merged, b.ViaPR)}
	}
	out := []rule.Finding{rule.New(id, rule.False, it.Provenance.Location, "%d of %d changes to CI definitions and build files were pushed directly (%d merges, %d via pull/merge requests)", b.Direct, b.Total, b.Merged, b.ViaPR)}
	for _, s := range b.DirectSamples {
		out = append(out, rule.New(id, rule.False, evidence.Location{Commit: s.Commit}, "direct change by %s on %s to %s", s.Author, s.When.Format("2006-01-02"), strings.Join(s.Paths, ", ")))
	}
	return out
}

func twoPersonReviewEvidence(ev *evidence.Set) []rule.Finding {
	const id = TwoPersonReviewEvidence
	it, ok := evidence.First[evidence.History](ev)
	if !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "git history was not read")}
	}
	h := it.Fact
	if h.FirstParent == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, gitLoc(it), "no commits %s", window(h))}
	}
	reviewed := max(h.ForgeMerges, h.MergesOtherCommitter) + h.ReviewTrailers
	if reviewed > h.FirstParent {
		reviewed = h.FirstParent
	}
	msg := fmt.Sprintf("%d of %d main-line commits show review (%d pull/merge request merges, %d merges of another author's work, %d review trailers), %s; approvals themselves need forge API access",
		reviewed, h.FirstParent, h.ForgeMerges, h.MergesOtherCommitter, h.ReviewTrailers, window(h))
	if h.Authors <= 1 {
		return []rule.Finding{rule.New(id, rule.False, gitLoc(it), "only one author %s; %s", window(h), msg)}
	}
	if float64(reviewed) >= ReviewedShare*float64(h.FirstParent) {
		return []rule.Finding{rule.New(id, rule.True, gitLoc(it), "%s", msg)}
	}
	return []rule.Finding{rule.New(id, rule.False, gitLoc(it), "%s", msg)}
}
