// Package release holds the rules about release artefacts: whether each one
// verifies against the declared signer, whether checksum files match and are
// signed, and whether build provenance holds up. The collector did the
// cryptography; these rules judge its recorded results, naming the artefact,
// the check and the exact reason.
package release

import (
	_ "embed"
	"fmt"
	"path"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

//go:embed rules.yaml
var metaYAML []byte

// Rule ids of the area, each spelled once, here: Rules registers them, the
// rules put them on their findings and the tests name them. rules.yaml holds
// the same ids as data; rule.Builder checks that the two agree.
const (
	DistributionChannelsUseHTTPS      = "distributionChannelsUseHTTPS"
	LatestReleaseTagsSigned           = "latestReleaseTagsSigned"
	ReleaseArtefactsVerify            = "releaseArtefactsVerify"
	ReleaseChecksumsMatch             = "releaseChecksumsMatch"
	ReleaseChecksumsSigned            = "releaseChecksumsSigned"
	ReleaseProvenanceVerifies         = "releaseProvenanceVerifies"
	ReleaseSigningDocumented          = "releaseSigningDocumented"
	ReleaseTagsAreSigned              = "releaseTagsAreSigned"
	VerificationInstructionsPublished = "verificationInstructionsPublished"
)

// Rules returns the area's rules.
func Rules() ([]rule.Rule, error) {
	b := rule.NewBuilder(metaYAML)
	// What the release-artefacts collector records of each release.
	released := []evidence.Kind{evidence.KindRelease, evidence.KindReleaseArtefact, evidence.KindReleaseChecksumFile, evidence.KindReleaseProvenance}
	rs := []rule.Rule{
		b.Rule(ReleaseArtefactsVerify, released, releaseArtefactsVerify),
		b.Rule(ReleaseChecksumsMatch, released, releaseChecksumsMatch),
		b.Rule(ReleaseChecksumsSigned, released, releaseChecksumsSigned),
		b.Rule(ReleaseProvenanceVerifies, released, releaseProvenanceVerifies),
		b.Rule(ReleaseTagsAreSigned, []evidence.Kind{evidence.KindReleaseTagSignature}, releaseTagsAreSigned),
		b.Rule(LatestReleaseTagsSigned, []evidence.Kind{evidence.KindReleaseTagSignature}, latestReleaseTagsSigned),
		b.Rule(DistributionChannelsUseHTTPS, []evidence.Kind{evidence.KindDistributionChannels, evidence.KindSecurityInsights, evidence.KindPackaging, evidence.KindCIPipeline}, distributionChannelsUseHTTPS),
		b.Rule(VerificationInstructionsPublished, []evidence.Kind{evidence.KindVerificationDocs}, verificationInstructionsPublished).Reading(evidence.KindReleaseArtefact, evidence.KindReleaseChecksumFile, evidence.KindReleaseProvenance),
		b.Rule(ReleaseSigningDocumented, []evidence.Kind{evidence.KindVerificationDocs}, releaseSigningDocumented),
	}
	return rs, b.Err()
}

// scope returns the releases under judgement, or a finding explaining why
// there is nothing to judge.
func scope(id string, ev *evidence.Set) (map[string]evidence.Item[evidence.Release], []rule.Finding) {
	rels := evidence.Facts[evidence.Release](ev)
	if len(rels) == 0 {
		f := rule.New(id, rule.NotAvailable, evidence.Location{},
			"no release artefacts were given; pass --release DIR or declare releases in assay.yaml")
		f.Values = map[string]string{rule.ValueUnavailable: rule.UnavailableNotGiven}
		return nil, []rule.Finding{f}
	}
	out := map[string]evidence.Item[evidence.Release]{}
	var fs []rule.Finding
	for _, r := range rels {
		if !r.Fact.InScope {
			continue
		}
		out[r.Fact.Version] = r
		for _, p := range r.Fact.Problems {
			fs = append(fs, rule.New(id, rule.Error, r.Provenance.Location, "release %s: %s", r.Fact.Version, p))
		}
	}
	return out, fs
}

func releaseArtefactsVerify(ev *evidence.Set) []rule.Finding {
	const id = ReleaseArtefactsVerify
	rels, out := scope(id, ev)
	if rels == nil {
		return out
	}
	var trues, unverifiable []rule.Finding
	falses := 0
	for _, it := range evidence.Facts[evidence.ReleaseArtefact](ev) {
		a := it.Fact
		if _, ok := rels[a.Release]; !ok || !a.InScope {
			continue
		}
		l := it.Provenance.Location
		name := fmt.Sprintf("release %s: %s", a.Release, a.Path)
		if a.Problem != "" {
			out = append(out, rule.New(id, rule.Error, l, "%s could not be read: %s", name, a.Problem))
			continue
		}
		fs, o := artefactVerdict(id, name, a, l, rels[a.Release].Fact.TrustedRoot)
		switch o {
		case rule.False:
			out = append(out, fs...)
			falses += len(fs)
		case rule.True:
			trues = append(trues, fs...)
		default:
			unverifiable = append(unverifiable, fs...)
		}
	}
	switch {
	case falses > 0:
		out = append(out, trues...)
	case len(unverifiable) > 0:
		// "Every artefact verifies" cannot be claimed while one is
		// unverified: the verified ones are listed, but not as true.
		out = append(out, unverifiable...)
		for _, t := range trues {
			t.Outcome = rule.NotAvailable
			t.Message += " (other artefacts of the release could not be verified)"
			out = append(out, t)
		}
	case len(trues) == 0 && len(out) == 0:
		for _, r := range rels {
			out = append(out, rule.New(id, rule.False, r.Provenance.Location, "release %s (%s) holds no artefacts", r.Fact.Version, r.Fact.Dir))
		}
	default:
		out = append(out, trues...)
	}
	return out
}

// artefactVerdict judges one artefact from its checks: false for a failed
// check or no signature at all, true when one verifies, not_available when
// the trust material to verify it was not given.
func artefactVerdict(id, name string, a evidence.ReleaseArtefact, l evidence.Location, trustedRoot string) ([]rule.Finding, rule.Outcome) {
	var failed, verified, unver, weak []evidence.ArtefactCheck
	for _, c := range a.Checks {
		switch c.Status {
		case evidence.VerifyFailed:
			failed = append(failed, c)
		case evidence.VerifyVerified:
			verified = append(verified, c)
		case evidence.VerifyUnverifiable:
			unver = append(unver, c)
		default:
			weak = append(weak, c)
		}
	}
	switch {
	case len(failed) > 0:
		// A bad signature shipped with an artefact fails even when
		// another one verifies: customers checking that file would be
		// told the release is tampered with.
		var out []rule.Finding
		for _, c := range failed {
			f := rule.New(id, rule.False, l, "%s: %s check failed (%s, from %s): %s", name, c.Check, c.Method, c.Source, c.Reason)
			f.Values = values(a, c)
			out = append(out, f)
		}
		return out, rule.False
	case len(verified) > 0:
		c := verified[0]
		msg := fmt.Sprintf("%s verified: %s", name, c.Reason)
		if trustedRoot != "" && c.Method == "sigstore-bundle" {
			msg += "; trusted root " + trustedRoot
		}
		f := rule.New(id, rule.True, l, "%s", msg)
		f.Values = values(a, c)
		return []rule.Finding{f}, rule.True
	case len(unver) > 0:
		c := unver[0]
		f := rule.New(id, rule.NotAvailable, l, "%s could not be verified: %s", name, c.Reason)
		f.Values = values(a, c)
		return []rule.Finding{f}, rule.NotAvailable
	}
	msg := "no signature, Sigstore bundle, signed checksum or signed provenance covers it"
	if len(weak) > 0 {
		msg += "; " + weak[0].Reason
	}
	f := rule.New(id, rule.False, l, "%s is unsigned: %s", name, msg)
	f.Values = map[string]string{"artefact": a.Path, "release": a.Release, "check": "signature-present", "sha256": a.SHA256}
	return []rule.Finding{f}, rule.False
}

func values(a evidence.ReleaseArtefact, c evidence.ArtefactCheck) map[string]string {
	v := map[string]string{"artefact": a.Path, "release": a.Release, "method": c.Method, "source": c.Source, "status": string(c.Status), "sha256": a.SHA256}
	for k, s := range map[string]string{"check": c.Check, "expected": c.Expected, "actual": c.Actual, "signer": c.Signer, "issuer": c.Issuer} {
		if s != "" {
			v[k] = s
		}
	}
	return v
}

func releaseChecksumsMatch(ev *evidence.Set) []rule.Finding {
	const id = ReleaseChecksumsMatch
	rels, out := scope(id, ev)
	if rels == nil {
		return out
	}
	n := 0
	for _, it := range evidence.Facts[evidence.ReleaseChecksumFile](ev) {
		cf := it.Fact
		if _, ok := rels[cf.Release]; !ok || !cf.InScope {
			continue
		}
		n++
		p := fmt.Sprintf("release %s: %s", cf.Release, cf.Path)
		if cf.Error != "" {
			out = append(out, rule.New(id, rule.False, it.Provenance.Location, "%s could not be read as a checksum file: %s", p, cf.Error))
			continue
		}
		bad := false
		for _, m := range cf.Missing {
			out = append(out, rule.New(id, rule.False, evidence.Location{Path: it.Provenance.Location.Path, Line: m.Line}, "%s line %d lists %s, which is not in the release", p, m.Line, m.Name))
			bad = true
		}
		for _, m := range cf.Mismatched {
			out = append(out, rule.New(id, rule.False, evidence.Location{Path: it.Provenance.Location.Path, Line: m.Line}, "%s line %d: digest mismatch for %s: listed %s, file is %s", p, m.Line, m.Name, m.Expected, m.Actual))
			bad = true
		}
		for _, m := range cf.Problems {
			out = append(out, rule.New(id, rule.False, evidence.Location{Path: it.Provenance.Location.Path, Line: m.Line}, "%s line %d: %s", p, m.Line, m.Detail))
			bad = true
		}
		if !bad {
			out = append(out, rule.New(id, rule.True, it.Provenance.Location, "%s: all %d listed files present with matching %s digests", p, cf.Matched, strings.Join(cf.Algorithms, "/")))
		}
	}
	if n == 0 {
		out = append(out, rule.New(id, rule.NotApplicable, evidence.Location{}, "the release has no checksum file"))
	}
	return out
}

func releaseChecksumsSigned(ev *evidence.Set) []rule.Finding {
	const id = ReleaseChecksumsSigned
	rels, out := scope(id, ev)
	if rels == nil {
		return out
	}
	n := 0
	for _, it := range evidence.Facts[evidence.ReleaseChecksumFile](ev) {
		cf := it.Fact
		if _, ok := rels[cf.Release]; !ok || !cf.InScope || cf.Error != "" {
			continue
		}
		n++
		p := path.Base(cf.Path)
		l := it.Provenance.Location
		name := fmt.Sprintf("release %s: %s", cf.Release, cf.Path)
		switch cf.Signature.Status {
		case "":
			out = append(out, rule.New(id, rule.False, l, "%s is not signed (no %s.sigstore.json, .sig or .asc next to it)", name, p))
		case evidence.VerifyVerified:
			out = append(out, rule.New(id, rule.True, l, "%s: %s", name, cf.Signature.Reason))
		case evidence.VerifyFailed:
			out = append(out, rule.New(id, rule.False, l, "%s: signature %s failed the %s check: %s", name, cf.Signature.Source, cf.Signature.Check, cf.Signature.Reason))
		default:
			out = append(out, rule.New(id, rule.NotAvailable, l, "%s: signature %s could not be verified: %s", name, cf.Signature.Source, cf.Signature.Reason))
		}
	}
	if n == 0 {
		out = append(out, rule.New(id, rule.NotApplicable, evidence.Location{}, "the release has no checksum file"))
	}
	return out
}

func releaseProvenanceVerifies(ev *evidence.Set) []rule.Finding {
	const id = ReleaseProvenanceVerifies
	rels, out := scope(id, ev)
	if rels == nil {
		return out
	}
	n := 0
	for _, it := range evidence.Facts[evidence.ReleaseProvenance](ev) {
		p := it.Fact
		if _, ok := rels[p.Release]; !ok || !p.InScope {
			continue
		}
		n++
		l := it.Provenance.Location
		if p.Line > 0 {
			l.Line = p.Line
		}
		name := fmt.Sprintf("release %s: %s", p.Release, p.Path)
		var problems []string
		if p.Problem != "" {
			problems = append(problems, p.Problem)
		}
		if len(p.Matched) == 0 {
			problems = append(problems, fmt.Sprintf("no artefact of the release matches its subjects (%s)", strings.Join(first(p.Subjects, 5), ", ")))
		}
		if p.BuilderID != "" && !p.BuilderAllowed {
			if len(p.AllowedBuilders) == 0 {
				problems = append(problems, fmt.Sprintf("builder %q is not a known hosted builder; list it in releases[].builders if you trust it", p.BuilderID))
			} else {
				problems = append(problems, fmt.Sprintf("builder %q is not in the allowed list %v", p.BuilderID, p.AllowedBuilders))
			}
		}
		if p.ExpectedRepo != "" && p.SourceRepo != "" && !strings.EqualFold(p.SourceRepo, p.ExpectedRepo) {
			problems = append(problems, fmt.Sprintf("source repository mismatch: expected %s, got %s", p.ExpectedRepo, p.SourceRepo))
		}
		if p.ExpectedRef != "" && p.SourceRef != "" && p.SourceRef != p.ExpectedRef && p.SourceRef != strings.Replace(p.ExpectedRef, "refs/tags/", "refs/tags/v", 1) {
			problems = append(problems, fmt.Sprintf("source ref mismatch: expected %s, got %s", p.ExpectedRef, p.SourceRef))
		}
		if p.BuildType != "" && !p.BuildTypeKnown {
			problems = append(problems, fmt.Sprintf("build type %q is not one Assay understands, so its parameters were not checked", p.BuildType))
		}
		level := 0
		if len(p.Matched) > 0 {
			level = 1
			if p.Signature.Status == evidence.VerifyVerified {
				level = 2
				if p.BuilderLevel >= 3 && len(problems) == 0 {
					level = 3
				}
			}
		}
		vals := map[string]string{"builder": p.BuilderID, "source": p.SourceRepo, "ref": p.SourceRef, "slsaLevel": fmt.Sprint(level), "signature": string(p.Signature.Status)}
		switch {
		case p.Signature.Status == evidence.VerifyFailed:
			problems = append([]string{fmt.Sprintf("signature failed the %s check: %s", p.Signature.Check, p.Signature.Reason)}, problems...)
			fallthrough
		case len(problems) > 0:
			f := rule.New(id, rule.False, l, "%s: %s", name, strings.Join(problems, "; "))
			f.Values = vals
			out = append(out, f)
		case p.Signature.Status != evidence.VerifyVerified:
			f := rule.New(id, rule.NotAvailable, l, "%s names %s, built by %s from %s, but its signature could not be verified: %s (evidence supports SLSA Build L%d)",
				name, strings.Join(p.Matched, ", "), p.BuilderID, p.SourceRepo, p.Signature.Reason, level)
			f.Values = vals
			out = append(out, f)
		default:
			f := rule.New(id, rule.True, l, "%s: %s built by %s from %s@%s, signed by %s; evidence supports SLSA Build L%d",
				name, strings.Join(p.Matched, ", "), p.BuilderID, p.SourceRepo, p.SourceRef, p.Signature.Signer, level)
			f.Values = vals
			out = append(out, f)
		}
	}
	if n == 0 {
		out = append(out, rule.New(id, rule.NotApplicable, evidence.Location{}, "the release publishes no SLSA provenance"))
	}
	return out
}

func first(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], fmt.Sprintf("and %d more", len(s)-n))
	}
	return s
}
