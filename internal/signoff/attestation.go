// Package signoff defines the exact bytes Assay signs for human evidence:
// the canonical form of an attestation and the SRO's sign-off document. Both
// are signed with internal/sign (SSHSIG, namespace "assay"), so anyone can
// check them with `ssh-keygen -Y verify`. docs/signing.md describes both
// formats for people writing their own verifiers.
package signoff

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/assaysec/assay/internal/config"
)

// AttestationType identifies version 1 of the canonical attestation form.
const AttestationType = "https://assay.dev/attestation/v1"

// attestationForm is the canonical attestation. Field order is fixed by the
// struct; changing it changes every signature, so it is versioned by Type.
type attestationForm struct {
	Type       string         `json:"_type"`
	Product    string         `json:"product"`
	Claim      string         `json:"claim"`
	Statement  string         `json:"statement"`
	AttestedBy string         `json:"attestedBy"`
	Date       string         `json:"date"`
	Expires    string         `json:"expires"`
	Evidence   []evidenceForm `json:"evidence"`
}

type evidenceForm struct {
	Path   string `json:"path,omitempty"`
	URL    string `json:"url,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

// CanonicalAttestation returns the bytes that an attestation's signature
// covers: one line of JSON with fixed key order, no HTML escaping and a final
// newline. The evidence digests are inside, so a signature also pins every
// evidence file; the product name is inside, so a signature cannot be moved
// to another product's declaration.
func CanonicalAttestation(product string, a config.Attestation) []byte {
	f := attestationForm{
		Type: AttestationType, Product: product, Claim: a.Claim, Statement: a.Statement,
		AttestedBy: a.AttestedBy, Date: a.Date.String(), Expires: a.Expires.String(),
		Evidence: []evidenceForm{},
	}
	for _, e := range a.Evidence {
		f.Evidence = append(f.Evidence, evidenceForm{Path: e.Path, URL: e.URL, SHA256: e.SHA256})
	}
	return marshalCanonical(f)
}

// AttestationsDigest is "sha256:<hex>" over the canonical forms of every
// attestation, in declaration order, each followed by its signature. It
// fixes the attestation set a sign-off covers.
func AttestationsDigest(product string, atts []config.Attestation) string {
	h := sha256.New()
	for _, a := range atts {
		h.Write(CanonicalAttestation(product, a))
		sig := strings.TrimSpace(a.Signature)
		fmt.Fprintf(h, "%d\n%s\n", len(sig), sig)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func marshalCanonical(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	// The forms hold only strings, numbers and slices of them, which always
	// encode (invalid UTF-8 becomes U+FFFD), so there is no error to handle.
	_ = enc.Encode(v)
	return b.Bytes()
}
