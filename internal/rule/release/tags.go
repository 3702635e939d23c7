package release

import (
	"fmt"
	"slices"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

// releaseTagsAreSigned judges the release tags in scope: the latest one,
// those of releases declared in assay.yaml, or all with --all-releases. A
// signature only counts once it verifies against keys the vendor declared;
// one that cannot be checked offline proves no origin and is not_available.
func releaseTagsAreSigned(ev *evidence.Set) []rule.Finding {
	const id = ReleaseTagsAreSigned
	var out []rule.Finding
	for _, it := range evidence.Facts[evidence.ReleaseTagSignature](ev) {
		t := it.Fact
		if !t.InScope {
			continue
		}
		l := it.Provenance.Location
		vals := map[string]string{"tag": t.Tag, "commit": t.Commit}
		for k, v := range map[string]string{"format": t.Format, "status": string(t.Status), "signer": t.Signer, "keys": t.Keys} {
			if v != "" {
				vals[k] = v
			}
		}
		var f rule.Finding
		switch {
		case !t.Annotated:
			f = rule.New(id, rule.False, l, "tag %s is a lightweight tag: it has no tag object, so it cannot be signed (use git tag -s)", t.Tag)
		case !t.Signed:
			f = rule.New(id, rule.False, l, "tag %s is annotated but not signed", t.Tag)
		case t.Status == evidence.VerifyVerified:
			f = rule.New(id, rule.True, l, "tag %s is signed and verified: %s", t.Tag, t.Reason)
		case t.Status == evidence.VerifyFailed:
			f = rule.New(id, rule.False, l, "tag %s: %s signature does not verify: %s", t.Tag, t.Format, t.Reason)
		default:
			f = rule.New(id, rule.NotAvailable, l, "tag %s is signed (%s) but could not be verified: %s", t.Tag, t.Format, t.Reason)
		}
		f.Values = vals
		out = append(out, f)
	}
	if len(out) == 0 {
		out = append(out, rule.New(id, rule.NotApplicable, evidence.Location{}, "the repository has no release tags (such as v1.2.3)"))
	}
	return out
}

// recentStable is how many of the newest stable release tags are judged.
const recentStable = 3

// latestReleaseTagsSigned asks whether the newest stable release tags carry
// a signature (verified or not: a signature that cannot be checked offline
// is still the vendor's signing signal). Pre-release and nightly tags are
// not releases customers install, so they are left out. The newest tags are
// taken by tag date, so packages of a monorepo that version separately are
// compared fairly.
func latestReleaseTagsSigned(ev *evidence.Set) []rule.Finding {
	const id = LatestReleaseTagsSigned
	var stable []evidence.Item[evidence.ReleaseTagSignature]
	for _, it := range evidence.Facts[evidence.ReleaseTagSignature](ev) {
		if !it.Fact.Prerelease {
			stable = append(stable, it)
		}
	}
	if len(stable) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "the repository has no stable release tags (such as v1.2.3)")}
	}
	slices.SortStableFunc(stable, func(a, b evidence.Item[evidence.ReleaseTagSignature]) int {
		return b.Fact.Date.Compare(a.Fact.Date)
	})
	if len(stable) > recentStable {
		stable = stable[:recentStable]
	}
	var signed, unsigned []string
	for _, it := range stable {
		t := it.Fact
		switch {
		case t.Signed:
			signed = append(signed, fmt.Sprintf("%s (%s)", t.Tag, t.Format))
		case t.Annotated:
			unsigned = append(unsigned, t.Tag+" (annotated, unsigned)")
		default:
			unsigned = append(unsigned, t.Tag+" (lightweight)")
		}
	}
	newest := stable[0]
	l := newest.Provenance.Location
	vals := map[string]string{"tag": newest.Fact.Tag, "signed": fmt.Sprint(len(signed)), "judged": fmt.Sprint(len(stable))}
	var f rule.Finding
	switch {
	case len(unsigned) == 0:
		f = rule.New(id, rule.True, l, "the %d newest stable release tags are signed: %s", len(stable), strings.Join(signed, ", "))
	case newest.Fact.Signed:
		f = rule.New(id, rule.True, l, "the newest stable release tag %s is signed (%s); older ones are not: %s", newest.Fact.Tag, newest.Fact.Format, strings.Join(unsigned, ", "))
	default:
		f = rule.Violated(id, l, "releases are tagged but the newest stable release tags are not signed: %s", strings.Join(unsigned, ", "))
		if len(signed) > 0 {
			f.Message += "; signed: " + strings.Join(signed, ", ")
		}
	}
	f.Values = vals
	return []rule.Finding{f}
}
