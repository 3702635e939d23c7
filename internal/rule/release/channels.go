package release

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
	"github.com/assaysec/assay/internal/textsafe"
)

// channel is one declared download location with where it was declared.
type channel struct {
	url   string
	loc   evidence.Location
	where string // "assay.yaml releases[0].download_urls[1]"
}

// distributionChannelsUseHTTPS judges every download URL the vendor declares
// (assay.yaml releases[].download_urls, Security Insights distribution
// points): customers must fetch releases over an encrypted, authenticated
// channel. With nothing declared there is nothing to judge.
func distributionChannelsUseHTTPS(ev *evidence.Set) []rule.Finding {
	const id = DistributionChannelsUseHTTPS
	var out []rule.Finding
	var chs []channel
	for _, it := range evidence.Facts[evidence.DistributionChannels](ev) {
		for _, u := range it.Fact.URLs {
			chs = append(chs, channel{u.URL, evidence.Location{Path: u.Source, Line: u.Line}, strings.TrimSpace(u.Source + " " + u.Field)})
		}
	}
	for _, it := range evidence.Facts[evidence.SecurityInsights](ev) {
		si := it.Fact
		if si.Doc == nil {
			if si.Err != "" {
				out = append(out, rule.New(id, rule.Error, evidence.Location{Path: si.Path, Line: si.ErrLine},
					"%s could not be read, so its distribution points are unknown: %s", si.Path, si.Err))
			}
			continue
		}
		for i, d := range si.Doc.DistributionPoints {
			chs = append(chs, channel{d.URI, evidence.Location{Path: si.Path, Line: d.Line}, fmt.Sprintf("%s distribution point %d", si.Path, i+1)})
		}
	}
	inferred, fs := inferredChannels(id, ev)
	out = append(out, fs...)
	for _, c := range chs {
		o, why := judgeURL(c.url)
		f := rule.New(id, o, c.loc, "%s %s", c.url, why)
		if o == rule.False {
			f.Message = fmt.Sprintf("download URL %s (%s) %s", c.url, c.where, why)
		}
		f.Values = map[string]string{"url": c.url}
		out = append(out, f)
	}
	out = append(out, inferred...)
	if len(chs) == 0 && len(out) == 0 {
		out = append(out, rule.New(id, rule.NotApplicable, evidence.Location{},
			"no download URLs are declared (assay.yaml releases[].download_urls, Security Insights distribution points), no package manifest publishes to a registry and no CI job publishes: nothing is distributed"))
	}
	return out
}

// judgeURL classifies one download URL.
func judgeURL(raw string) (rule.Outcome, string) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme == "" {
		return rule.NotAvailable, "is not an absolute URL, so its channel cannot be judged"
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "ftp", "git", "rsync", "telnet", "tftp":
		return rule.False, fmt.Sprintf("uses %s://, which is neither encrypted nor authenticated: a network attacker can swap the download; publish it over https://", strings.ToLower(u.Scheme))
	case "https", "sftp", "ssh", "ftps":
	case "pkg", "oci", "docker":
		return rule.NotApplicable, "names a package registry; the registry's own channel applies"
	default:
		return rule.NotAvailable, fmt.Sprintf("uses the %s: scheme, which Assay does not judge", u.Scheme)
	}
	host := u.Hostname()
	if host == "" {
		return rule.False, "has no host name"
	}
	if isIP(host) {
		return rule.False, fmt.Sprintf("names a plain IP address (%s): no certificate name ties it to the vendor, and it breaks when the address moves; use the vendor's domain name", host)
	}
	return rule.True, fmt.Sprintf("is served over %s from %s", strings.ToLower(u.Scheme), host)
}

// isIP reports whether host is an IP literal, including the decimal and
// hexadecimal forms that browsers and curl accept ("3232235777", "0x7f.1").
func isIP(host string) bool {
	if net.ParseIP(host) != nil {
		return true
	}
	h := strings.ToLower(host)
	for _, part := range strings.Split(h, ".") {
		if part == "" {
			return false
		}
		p := strings.TrimPrefix(part, "0x")
		if p == "" {
			return false
		}
		if strings.Trim(p, "0123456789abcdef") != "" || (p == part && strings.Trim(part, "0123456789") != "") {
			return false
		}
	}
	return true
}

// releaseMethods maps artefact check methods to the verification methods
// customers would use.
var releaseMethods = map[string]string{
	"sigstore-bundle":       evidence.VerifySigstore,
	"key-signature":         evidence.VerifySigstore,
	"certificate-signature": evidence.VerifySigstore,
	"openpgp-signature":     evidence.VerifyOpenPGP,
	"checksum":              evidence.VerifyChecksum,
	"provenance":            evidence.VerifySLSA,
	"provenance-signature":  evidence.VerifySLSA,
}

// verificationInstructionsPublished asks whether the repository tells
// customers how to verify a release with the method the releases are signed
// with. Methods come from assay.yaml's declarations and from what the
// release collector found on the artefacts.
func verificationInstructionsPublished(ev *evidence.Set) []rule.Finding {
	const id = VerificationInstructionsPublished
	used := map[string]bool{}
	for _, it := range evidence.Facts[evidence.ReleaseArtefact](ev) {
		for _, c := range it.Fact.Checks {
			if m, ok := releaseMethods[c.Method]; ok {
				used[m] = true
			}
		}
	}
	for _, it := range evidence.Facts[evidence.ReleaseChecksumFile](ev) {
		used[evidence.VerifyChecksum] = true
		if m, ok := releaseMethods[it.Fact.Signature.Method]; ok {
			used[m] = true
		}
	}
	if len(evidence.Facts[evidence.ReleaseProvenance](ev)) > 0 {
		used[evidence.VerifySLSA] = true
	}
	var out []rule.Finding
	for _, it := range evidence.Facts[evidence.VerificationDocs](ev) {
		d := it.Fact
		for _, m := range d.Methods {
			used[m] = true
		}
		out = append(out, judgeDocs(id, d, used)...)
	}
	return out
}

func judgeDocs(id string, d evidence.VerificationDocs, used map[string]bool) []rule.Finding {
	// A checksum comparison proves no origin: when the releases are signed,
	// the instructions must show the signature check.
	want := map[string]bool{}
	for m := range used {
		if m != evidence.VerifyChecksum {
			want[m] = true
		}
	}
	if len(want) == 0 {
		want = used
	}
	wantList := keys(want)
	if len(d.Mentions) == 0 {
		msg := "no README, INSTALL, SECURITY, RELEASE, VERIFY or docs/ file shows customers a command to verify a release"
		if len(wantList) > 0 {
			msg += fmt.Sprintf("; the releases use %s, so show e.g. %s", strings.Join(wantList, ", "), example(wantList[0]))
		}
		if len(d.Problems) > 0 {
			// Unread documents might hold the instructions.
			return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "%s among the documents read; some could not be read: %s", msg, strings.Join(d.Problems, "; "))}
		}
		return []rule.Finding{rule.New(id, rule.False, evidence.Location{}, "%s (searched %s)", msg, textsafe.Count(len(d.Searched), "document"))}
	}
	var out []rule.Finding
	seen := map[string]bool{}
	for _, m := range d.Mentions {
		if len(want) > 0 && !want[m.Method] || seen[m.Command] {
			continue
		}
		seen[m.Command] = true
		f := rule.New(id, rule.True, evidence.Location{Path: m.Path, Line: m.Line}, "%s line %d shows customers how to verify a release: %s", m.Path, m.Line, m.Command)
		f.Values = map[string]string{"command": m.Command, "method": m.Method}
		out = append(out, f)
	}
	if len(out) > 0 {
		return out
	}
	var found []string
	for _, m := range d.Mentions {
		if len(found) < 5 {
			found = append(found, fmt.Sprintf("%s (%s:%d)", m.Command, m.Path, m.Line))
		}
	}
	first := d.Mentions[0]
	return []rule.Finding{rule.New(id, rule.False, evidence.Location{Path: first.Path, Line: first.Line},
		"the documentation shows %s, but the releases use %s and nothing shows how to check that, e.g. %s",
		strings.Join(found, ", "), strings.Join(wantList, ", "), example(wantList[0]))}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func example(method string) string {
	switch method {
	case evidence.VerifySigstore:
		return "cosign verify-blob --bundle FILE.sigstore.json --certificate-identity ... FILE"
	case evidence.VerifySLSA:
		return "slsa-verifier verify-artifact FILE --provenance-path FILE.intoto.jsonl --source-uri ..."
	case evidence.VerifyOpenPGP:
		return "gpg --verify FILE.asc FILE"
	case evidence.VerifyChecksum:
		return "sha256sum -c SHA256SUMS"
	case evidence.VerifyGitTag:
		return "git tag -v vX.Y.Z"
	case evidence.VerifySSH:
		return "ssh-keygen -Y verify -f allowed_signers -I ID -n file -s FILE.sig < FILE"
	case evidence.VerifyMinisign:
		return "minisign -Vm FILE -P KEY"
	}
	return method
}

// releaseSigningDocumented asks whether the documentation says the released
// artefacts are signed and where the signing keys are published. A Maven
// build that inherits its signing from a parent POM, or a release signed on
// a maintainer's machine, leaves no signing step in the repository; the
// vendor's own statement with its keys is then the evidence that releases
// carry signatures a customer can check.
func releaseSigningDocumented(ev *evidence.Set) []rule.Finding {
	const id = ReleaseSigningDocumented
	items := evidence.Facts[evidence.VerificationDocs](ev)
	var out []rule.Finding
	searched := 0
	for _, it := range items {
		d := it.Fact
		searched += len(d.Searched)
		for _, s := range d.Statements {
			out = append(out, rule.New(id, rule.True, evidence.Location{Path: s.Path, Line: s.Line},
				"%s line %d says the released artefacts are signed and names where the signing keys are published (%q); the signing itself is set up outside the repository, so check a release's signatures to confirm", s.Path, s.Line, s.Command))
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, it := range items {
		if len(it.Fact.Problems) > 0 {
			return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "no document read says the releases are signed; some could not be read: %s", strings.Join(it.Fact.Problems, "; "))}
		}
	}
	return []rule.Finding{rule.New(id, rule.False, evidence.Location{}, "no README, SECURITY, RELEASE, VERIFY or docs/ file says the released artefacts are signed and where the keys are (searched %s)", textsafe.Count(searched, "document"))}
}
