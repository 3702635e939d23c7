package release

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

func rec(f evidence.Fact) evidence.Record { return evidence.Record{Fact: f} }

func at(f evidence.Fact, path string, line int) evidence.Record {
	return evidence.Record{Fact: f, Provenance: evidence.Provenance{Location: evidence.Location{Path: path, Line: line}}}
}

var rel = rec(evidence.Release{Version: "1.0.0", Dir: "dist", Latest: true, InScope: true})

func artefact(checks ...evidence.ArtefactCheck) evidence.Record {
	return at(evidence.ReleaseArtefact{Release: "1.0.0", InScope: true, Path: "a.tar.gz", SHA256: "ab", Checks: checks}, "dist/a.tar.gz", 0)
}

var (
	verified     = evidence.ArtefactCheck{Method: "sigstore-bundle", Source: "a.tar.gz.sigstore.json", Status: evidence.VerifyVerified, Reason: "signed by r@example.com"}
	failed       = evidence.ArtefactCheck{Method: "sigstore-bundle", Source: "a.tar.gz.sigstore.json", Status: evidence.VerifyFailed, Check: "identity", Reason: "identity mismatch"}
	unverifiable = evidence.ArtefactCheck{Method: "openpgp-signature", Source: "a.tar.gz.asc", Status: evidence.VerifyUnverifiable, Reason: "no OpenPGP keys declared"}
	weak         = evidence.ArtefactCheck{Method: "checksum", Source: "SHA256SUMS", Status: evidence.VerifyInsufficient, Reason: "listed in unsigned SHA256SUMS"}
)

func checksumFile(f evidence.ReleaseChecksumFile) evidence.Record {
	f.Release, f.InScope, f.Path = "1.0.0", true, "SHA256SUMS"
	if f.Algorithms == nil {
		f.Algorithms = []string{"sha256"}
	}
	return at(f, "dist/SHA256SUMS", 0)
}

func provenance(f evidence.ReleaseProvenance) evidence.Record {
	f.Release, f.InScope, f.Path = "1.0.0", true, "a.intoto.jsonl"
	return at(f, "dist/a.intoto.jsonl", 0)
}

var goodProv = evidence.ReleaseProvenance{
	Matched: []string{"a.tar.gz"}, Subjects: []string{"a.tar.gz"},
	BuilderID:  "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.0.0",
	BuildType:  "https://github.com/slsa-framework/slsa-github-generator/generic@v1",
	SourceRepo: "github.com/o/r", ExpectedRepo: "github.com/o/r", SourceRef: "refs/tags/v1.0.0", ExpectedRef: "refs/tags/v1.0.0",
	Signature:    evidence.ArtefactCheck{Status: evidence.VerifyVerified, Signer: "https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1.0.0"},
	BuilderLevel: 3, BuilderAllowed: true, BuildTypeKnown: true,
}

func tag(t evidence.ReleaseTagSignature) evidence.Record {
	if t.Tag == "" {
		t.Tag = "v1.0.0"
	}
	t.InScope, t.Commit = true, "c0ffee"
	return at(t, "refs/tags/"+t.Tag, 0)
}

func urls(us ...string) evidence.Record {
	var ch evidence.DistributionChannels
	for i, u := range us {
		ch.URLs = append(ch.URLs, evidence.ChannelURL{URL: u, Source: "assay.yaml", Line: 7, Field: "releases[0].download_urls[" + string(rune('0'+i)) + "]"})
	}
	return rec(ch)
}

func insights(points ...string) evidence.Record {
	doc := &evidence.InsightsDocument{}
	for i, p := range points {
		doc.DistributionPoints = append(doc.DistributionPoints, evidence.InsightsLink{URI: p, Line: 10 + i})
	}
	return rec(evidence.SecurityInsights{Path: "SECURITY-INSIGHTS.yml", Doc: doc})
}

func docs(methods []string, mentions ...evidence.DocMention) evidence.Record {
	return rec(evidence.VerificationDocs{Mentions: mentions, Searched: []string{"README.md"}, Methods: methods})
}

var (
	cosignDoc = evidence.DocMention{Path: "README.md", Line: 12, Command: "cosign verify-blob", Method: "sigstore"}
	shaDoc    = evidence.DocMention{Path: "docs/verify.md", Line: 3, Command: "sha256sum -c", Method: "checksum"}
)

func TestRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fn   func(*evidence.Set) []rule.Finding
		ev   []evidence.Record
		want []rule.Outcome
		msg  string // a fragment of the first finding's message
	}{
		// releaseArtefactsVerify
		{"artefacts_no_release", releaseArtefactsVerify, nil, []rule.Outcome{rule.NotAvailable}, "no release artefacts were given"},
		{"artefacts_verified", releaseArtefactsVerify, []evidence.Record{rel, artefact(verified, weak)}, []rule.Outcome{rule.True}, "a.tar.gz verified: signed by r@example.com"},
		{"artefacts_verified_names_vendor_trust_root", releaseArtefactsVerify, []evidence.Record{rec(evidence.Release{Version: "1.0.0", Dir: "dist", Latest: true, InScope: true, TrustedRoot: "root.json (declared in assay.yaml, supplied by the assessed repository)"}), artefact(verified)}, []rule.Outcome{rule.True}, "trusted root root.json (declared in assay.yaml, supplied by the assessed repository)"},
		{"artefacts_failed_beats_verified", releaseArtefactsVerify, []evidence.Record{rel, artefact(verified, failed)}, []rule.Outcome{rule.False}, "identity check failed (sigstore-bundle, from a.tar.gz.sigstore.json): identity mismatch"},
		{"artefacts_unsigned", releaseArtefactsVerify, []evidence.Record{rel, artefact(weak)}, []rule.Outcome{rule.False}, "a.tar.gz is unsigned: no signature"},
		{"artefacts_unverifiable", releaseArtefactsVerify, []evidence.Record{rel, artefact(unverifiable)}, []rule.Outcome{rule.NotAvailable}, "could not be verified: no OpenPGP keys declared"},
		{"artefacts_read_error", releaseArtefactsVerify, []evidence.Record{rel, at(evidence.ReleaseArtefact{Release: "1.0.0", InScope: true, Path: "a", Problem: "permission denied"}, "dist/a", 0)}, []rule.Outcome{rule.Error}, "could not be read: permission denied"},
		{"artefacts_empty_release", releaseArtefactsVerify, []evidence.Record{rel}, []rule.Outcome{rule.False}, "holds no artefacts"},
		{"artefacts_out_of_scope_ignored", releaseArtefactsVerify, []evidence.Record{rel, artefact(verified), at(evidence.ReleaseArtefact{Release: "0.9.0", Path: "old.tgz"}, "old/old.tgz", 0)}, []rule.Outcome{rule.True}, "verified"},

		// releaseChecksumsMatch
		{"checksums_no_release", releaseChecksumsMatch, nil, []rule.Outcome{rule.NotAvailable}, "no release artefacts"},
		{"checksums_match", releaseChecksumsMatch, []evidence.Record{rel, checksumFile(evidence.ReleaseChecksumFile{Entries: 2, Matched: 2})}, []rule.Outcome{rule.True}, "all 2 listed files present with matching sha256 digests"},
		{"checksums_mismatch", releaseChecksumsMatch, []evidence.Record{rel, checksumFile(evidence.ReleaseChecksumFile{Mismatched: []evidence.ChecksumEntry{{Line: 2, Name: "a.tar.gz", Expected: "aa", Actual: "bb"}}})}, []rule.Outcome{rule.False}, "line 2: digest mismatch for a.tar.gz: listed aa, file is bb"},
		{"checksums_missing_file", releaseChecksumsMatch, []evidence.Record{rel, checksumFile(evidence.ReleaseChecksumFile{Missing: []evidence.ChecksumEntry{{Line: 1, Name: "gone.zip"}}})}, []rule.Outcome{rule.False}, "lists gone.zip, which is not in the release"},
		{"checksums_unreadable", releaseChecksumsMatch, []evidence.Record{rel, checksumFile(evidence.ReleaseChecksumFile{Error: "too large"})}, []rule.Outcome{rule.False}, "could not be read as a checksum file: too large"},
		{"checksums_none", releaseChecksumsMatch, []evidence.Record{rel}, []rule.Outcome{rule.NotApplicable}, "no checksum file"},

		// releaseChecksumsSigned
		{"csig_no_release", releaseChecksumsSigned, nil, []rule.Outcome{rule.NotAvailable}, "no release artefacts"},
		{"csig_verified", releaseChecksumsSigned, []evidence.Record{rel, checksumFile(evidence.ReleaseChecksumFile{Signature: evidence.ArtefactCheck{Status: evidence.VerifyVerified, Reason: "SHA256SUMS.sigstore.json verifies"}})}, []rule.Outcome{rule.True}, "SHA256SUMS.sigstore.json verifies"},
		{"csig_unsigned", releaseChecksumsSigned, []evidence.Record{rel, checksumFile(evidence.ReleaseChecksumFile{})}, []rule.Outcome{rule.False}, "is not signed"},
		{"csig_failed", releaseChecksumsSigned, []evidence.Record{rel, checksumFile(evidence.ReleaseChecksumFile{Signature: evidence.ArtefactCheck{Status: evidence.VerifyFailed, Source: "SHA256SUMS.asc", Check: "signature", Reason: "bad signature"}})}, []rule.Outcome{rule.False}, "signature SHA256SUMS.asc failed the signature check: bad signature"},
		{"csig_unverifiable", releaseChecksumsSigned, []evidence.Record{rel, checksumFile(evidence.ReleaseChecksumFile{Signature: evidence.ArtefactCheck{Status: evidence.VerifyUnverifiable, Source: "SHA256SUMS.asc", Reason: "no keys"}})}, []rule.Outcome{rule.NotAvailable}, "could not be verified: no keys"},
		{"csig_none", releaseChecksumsSigned, []evidence.Record{rel}, []rule.Outcome{rule.NotApplicable}, "no checksum file"},

		// releaseProvenanceVerifies
		{"prov_no_release", releaseProvenanceVerifies, nil, []rule.Outcome{rule.NotAvailable}, "no release artefacts"},
		{"prov_good", releaseProvenanceVerifies, []evidence.Record{rel, provenance(goodProv)}, []rule.Outcome{rule.True}, "evidence supports SLSA Build L3"},
		{"prov_wrong_repo", releaseProvenanceVerifies, []evidence.Record{rel, provenance(func() evidence.ReleaseProvenance {
			p := goodProv
			p.SourceRepo = "github.com/evil/r"
			return p
		}())}, []rule.Outcome{rule.False}, "source repository mismatch: expected github.com/o/r, got github.com/evil/r"},
		{"prov_no_subject", releaseProvenanceVerifies, []evidence.Record{rel, provenance(func() evidence.ReleaseProvenance {
			p := goodProv
			p.Matched = nil
			return p
		}())}, []rule.Outcome{rule.False}, "no artefact of the release matches its subjects"},
		{"prov_unverified_signature", releaseProvenanceVerifies, []evidence.Record{rel, provenance(func() evidence.ReleaseProvenance {
			p := goodProv
			p.Signature = evidence.ArtefactCheck{Status: evidence.VerifyUnverifiable, Reason: "no trusted root"}
			return p
		}())}, []rule.Outcome{rule.NotAvailable}, "its signature could not be verified: no trusted root"},
		{"prov_none", releaseProvenanceVerifies, []evidence.Record{rel}, []rule.Outcome{rule.NotApplicable}, "no SLSA provenance"},

		// releaseTagsAreSigned
		{"tag_verified", releaseTagsAreSigned, []evidence.Record{tag(evidence.ReleaseTagSignature{Annotated: true, Signed: true, Format: "ssh", Status: evidence.VerifyVerified, Signer: "r@example.com", Reason: "SSH signature verifies"})}, []rule.Outcome{rule.True}, "tag v1.0.0 is signed and verified: SSH signature verifies"},
		{"tag_lightweight", releaseTagsAreSigned, []evidence.Record{tag(evidence.ReleaseTagSignature{})}, []rule.Outcome{rule.False}, "lightweight tag"},
		{"tag_unsigned", releaseTagsAreSigned, []evidence.Record{tag(evidence.ReleaseTagSignature{Annotated: true})}, []rule.Outcome{rule.False}, "annotated but not signed"},
		{"tag_bad_signature", releaseTagsAreSigned, []evidence.Record{tag(evidence.ReleaseTagSignature{Annotated: true, Signed: true, Format: "openpgp", Status: evidence.VerifyFailed, Reason: "signed by an OpenPGP key that is not among the declared keys"})}, []rule.Outcome{rule.False}, "openpgp signature does not verify: signed by an OpenPGP key"},
		{"tag_x509", releaseTagsAreSigned, []evidence.Record{tag(evidence.ReleaseTagSignature{Annotated: true, Signed: true, Format: "x509", Status: evidence.VerifyUnverifiable, Reason: "signed, not verifiable offline"})}, []rule.Outcome{rule.NotAvailable}, "signed (x509) but could not be verified: signed, not verifiable offline"},
		{"tag_out_of_scope_ignored", releaseTagsAreSigned, []evidence.Record{rec(evidence.ReleaseTagSignature{Tag: "v0.1.0"})}, []rule.Outcome{rule.NotApplicable}, "no release tags"},
		{"tag_none", releaseTagsAreSigned, nil, []rule.Outcome{rule.NotApplicable}, "no release tags"},

		// distributionChannelsUseHTTPS
		{"https_ok", distributionChannelsUseHTTPS, []evidence.Record{urls("https://downloads.example.com/tool/")}, []rule.Outcome{rule.True}, "is served over https from downloads.example.com"},
		{"https_http", distributionChannelsUseHTTPS, []evidence.Record{urls("https://ok.example.com", "http://dl.example.com/x.tgz")}, []rule.Outcome{rule.True, rule.False}, "is served over https"},
		{"https_ftp", distributionChannelsUseHTTPS, []evidence.Record{urls("ftp://ftp.example.com/pub")}, []rule.Outcome{rule.False}, "download URL ftp://ftp.example.com/pub (assay.yaml releases[0].download_urls[0]) uses ftp://"},
		{"https_plain_ip", distributionChannelsUseHTTPS, []evidence.Record{urls("https://203.0.113.7/dl", "https://[2001:db8::1]/dl", "https://3232235777/dl")}, []rule.Outcome{rule.False, rule.False, rule.False}, "names a plain IP address (203.0.113.7)"},
		{"https_insights", distributionChannelsUseHTTPS, []evidence.Record{urls(), insights("http://example.org/releases")}, []rule.Outcome{rule.False}, "(SECURITY-INSIGHTS.yml distribution point 1) uses http://"},
		{"https_registry", distributionChannelsUseHTTPS, []evidence.Record{insights("pkg:npm/tool")}, []rule.Outcome{rule.NotApplicable}, "names a package registry"},
		{"https_not_a_url", distributionChannelsUseHTTPS, []evidence.Record{insights("GitHub releases page")}, []rule.Outcome{rule.NotAvailable}, "is not an absolute URL"},
		{"https_insights_broken", distributionChannelsUseHTTPS, []evidence.Record{urls(), rec(evidence.SecurityInsights{Path: "SECURITY-INSIGHTS.yml", Err: "duplicate key", ErrLine: 4})}, []rule.Outcome{rule.Error}, "could not be read, so its distribution points are unknown"},
		{"https_none_declared", distributionChannelsUseHTTPS, []evidence.Record{urls(), insights()}, []rule.Outcome{rule.NotApplicable}, "no download URLs are declared"},

		// verificationInstructionsPublished
		{"docs_match_declared", verificationInstructionsPublished, []evidence.Record{docs([]string{"sigstore"}, shaDoc, cosignDoc)}, []rule.Outcome{rule.True}, "README.md line 12 shows customers how to verify a release: cosign verify-blob"},
		{"docs_match_artefacts", verificationInstructionsPublished, []evidence.Record{rel, artefact(verified), docs(nil, cosignDoc)}, []rule.Outcome{rule.True}, "cosign verify-blob"},
		{"docs_checksum_only_for_signed", verificationInstructionsPublished, []evidence.Record{rel, artefact(verified, weak), docs(nil, shaDoc)}, []rule.Outcome{rule.False}, "shows sha256sum -c (docs/verify.md:3), but the releases use sigstore"},
		{"docs_checksum_only_release", verificationInstructionsPublished, []evidence.Record{rel, artefact(weak), docs(nil, shaDoc)}, []rule.Outcome{rule.True}, "sha256sum -c"},
		{"docs_any_when_methods_unknown", verificationInstructionsPublished, []evidence.Record{docs(nil, shaDoc)}, []rule.Outcome{rule.True}, "sha256sum -c"},
		{"docs_none", verificationInstructionsPublished, []evidence.Record{docs([]string{"openpgp"})}, []rule.Outcome{rule.False}, "the releases use openpgp, so show e.g. gpg --verify"},
		// releaseSigningDocumented
		{"signing_documented", releaseSigningDocumented, []evidence.Record{rec(evidence.VerificationDocs{Searched: []string{"SECURITY.md"}, Statements: []evidence.DocMention{{Path: "SECURITY.md", Line: 29, Command: "every artifact has been signed with a valid key"}}})}, []rule.Outcome{rule.True}, "SECURITY.md line 29 says the released artefacts are signed"},
		{"signing_not_documented", releaseSigningDocumented, []evidence.Record{docs(nil)}, []rule.Outcome{rule.False}, "searched 1 document"},
		{"signing_docs_unreadable", releaseSigningDocumented, []evidence.Record{rec(evidence.VerificationDocs{Problems: []string{"README.md: larger than 1048576 bytes; not read"}})}, []rule.Outcome{rule.NotAvailable}, "some could not be read"},
		{"docs_unreadable", verificationInstructionsPublished, []evidence.Record{rec(evidence.VerificationDocs{Problems: []string{"README.md: larger than 1048576 bytes; not read"}})}, []rule.Outcome{rule.NotAvailable}, "some could not be read"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := tc.fn(evidence.NewSet(tc.ev...))
			if d := cmp.Diff(tc.want, outcomes(got)); d != "" {
				t.Fatalf("outcomes (-want +got):\n%s\nfindings: %+v", d, got)
			}
			if !strings.Contains(got[0].Message, tc.msg) {
				t.Errorf("message %q, want it to contain %q", got[0].Message, tc.msg)
			}
			for _, f := range got {
				if f.Message == "" {
					t.Errorf("finding without a message: %+v", f)
				}
			}
		})
	}
}

func outcomes(fs []rule.Finding) []rule.Outcome {
	var out []rule.Outcome
	for _, f := range fs {
		out = append(out, f.Outcome)
	}
	return out
}

func TestRulesLoad(t *testing.T) {
	rs, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 9 {
		t.Errorf("%d rules, want 9", len(rs))
	}
}

func TestIsIP(t *testing.T) {
	for h, want := range map[string]bool{
		"203.0.113.7": true, "::1": true, "3232235777": true, "0x7f.0x1": true, "127.1": true,
		"example.com": false, "1e100.net": false, "cafe": false, "0x": false, "": false, "a..b": false,
	} {
		if got := isIP(h); got != want {
			t.Errorf("isIP(%q) = %v, want %v", h, got, want)
		}
	}
}
