package verifydocs

import (
	"bytes"
	"path"
	"strings"

	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/textsafe"
)

// Statement is a sentence in a document that says the released artefacts
// are signed, next to a pointer at the published signing keys.
type Statement struct {
	Line  int
	Quote string // the line, shortened
}

// signedClaim matches a sentence saying released artefacts carry a
// signature ("every artifact has been signed with", "releases are GPG
// signed"). The subject and the verb must sit in one clause.
var signedClaim = lazyre.New(`(?i)\b(?:artifacts?|artefacts?|releases?|packages?|jars?|binaries|distributions?|tarballs?|downloads?)\b[^.;:]{0,80}?\b(?:is|are|been|were|gets?)\s+(?:always\s+|digitally\s+|cryptographically\s+)?(?:gpg[- ]|pgp[- ])?signed\b`)

// negated spots a claim that says the opposite ("are not signed").
var negated = lazyre.New(`(?i)\b(?:not|never|no\s+longer)\b|n't\b|\bunsigned\b`)

// keyRef matches where the signing keys are published: a KEYS file, a key
// fingerprint, a keyserver or a public-key link.
var keyRef = lazyre.New(`\bKEYS\b|(?i:\bpublic[- ]keys?\b|\bsigning[- ]keys?\b|\bkey[- ]?fingerprints?\b|\bkeyservers?\b|keys\.openpgp\.org|\.asc\b|\bpgp[- ]keys?\b|\bgpg[- ]keys?\b)`)

// keyWindow is how many lines after a claim may hold the key pointer: the
// keys are usually named in the sentence that follows.
const keyWindow = 6

// SigningStatements returns the first line of the document that says the
// released artefacts are signed and, within a few lines, names where the
// signing keys are published. A bare claim with no keys for customers to
// check against is not returned: nobody could verify it. Lines are capped
// at MaxLine bytes.
func SigningStatements(data []byte) []Statement {
	lines := bytes.Split(data, []byte("\n"))
	for i, l := range lines {
		if len(l) > MaxLine {
			l = l[:MaxLine]
		}
		m := signedClaim.FindIndex(l)
		if m == nil || negated.Match(l[m[0]:m[1]]) {
			continue
		}
		for j := i; j < len(lines) && j <= i+keyWindow; j++ {
			k := lines[j]
			if len(k) > MaxLine {
				k = k[:MaxLine]
			}
			if j > i && len(bytes.TrimSpace(k)) > 0 && bytes.HasPrefix(bytes.TrimSpace(k), []byte("#")) {
				// A new section: its keys belong to something else.
				break
			}
			if keyRef.Match(k) {
				return []Statement{{Line: i + 1, Quote: textsafe.Shorten(strings.TrimSpace(string(l)), 160)}}
			}
		}
	}
	return nil
}

// signingDocWords name documents about the vendor's own releases.
var signingDocWords = []string{"readme", "install", "security", "releas", "verif", "signing", "signature", "download"}

// IsSigningDoc reports a document whose statements about signing describe
// the vendor's own releases: a README, SECURITY, release, verification or
// download page. Other documentation pages (a signing tool's guide to
// signing the user's artefacts) describe features, not the releases.
func IsSigningDoc(p string) bool {
	if !IsDoc(p) {
		return false
	}
	base := strings.ToLower(path.Base(p))
	for _, w := range signingDocWords {
		if strings.Contains(base, w) {
			return true
		}
	}
	return false
}
