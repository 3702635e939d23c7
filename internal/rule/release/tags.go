package release

import (
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

// releaseTagsAreSigned judges the release tags in scope: the latest one,
// those of releases declared in assay.yaml, or all with --all-releases. A
// signature only counts once it verifies against keys the vendor declared;
// one that cannot be checked offline proves no origin and is not_available.
func releaseTagsAreSigned(ev *evidence.Set) []rule.Finding {
	const id = "releaseTagsAreSigned"
	var out []rule.Finding
	for _, it := range evidence.Facts[evidence.ReleaseTagSignature](ev) {
		t := it.Fact
		if !t.InScope {
			continue
		}
		l := it.Provenance.Location
		vals := map[string]string{"tag": t.Tag, "commit": t.Commit}
		for k, v := range map[string]string{"format": t.Format, "status": t.Status, "signer": t.Signer, "keys": t.Keys} {
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
