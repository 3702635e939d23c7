package evidence

import "time"

// KindAttestation is a human attestation read from assay.yaml, with the
// results of checking its evidence files.
const KindAttestation Kind = "declared/attestation"

// Attestation is one declared attestation. Checking its evidence digests is
// collection (it reads files); deciding whether it counts is the evaluator's.
type Attestation struct {
	Index      int // position in assay.yaml's attestations list
	Claim      string
	Statement  string
	AttestedBy string
	Date       time.Time
	Expires    time.Time
	Evidence   []AttestedDocument
	Signature  SignatureCheck
}

// AttestedDocument is one evidence document and what was found for it.
type AttestedDocument struct {
	Path     string
	URL      string
	Declared string // sha256 hex declared in assay.yaml
	Actual   string // sha256 hex of the file now; empty when it could not be read
	Problem  string // why the file could not be hashed
}

// Matches reports whether a file's digest matches its declaration. URL
// evidence has nothing to match and is accepted as given.
func (d AttestedDocument) Matches() bool {
	if d.Path == "" {
		return true
	}
	return d.Actual != "" && d.Actual == d.Declared
}

// SignatureCheck is the result of verifying an attestation's or a
// sign-off's SSH signature.
type SignatureCheck struct {
	State    SignatureState
	Signed   bool
	Verified bool
	Signer   string // principal from allowed_signers, when verified
	Problem  string
}

// SignatureState is what checking a signature found.
type SignatureState string

// Signature states.
const (
	SignatureUnsigned SignatureState = "" // there is no signature
	// SignatureVerified: the signature holds and its key may sign as the
	// declared person.
	SignatureVerified SignatureState = "verified"
	// SignatureBad: the signature is wrong (tampered, malformed, made for
	// another namespace); what it signs cannot be trusted.
	SignatureBad SignatureState = "bad"
	// SignatureUnverified: the signature could not be checked against a
	// trusted key (none configured, key not allowed, file unreadable).
	SignatureUnverified SignatureState = "unverified"
)

// Kind implements Fact.
func (Attestation) Kind() Kind { return KindAttestation }

// KindSignOff is the SRO's sign-off found in the repository.
const KindSignOff Kind = "declared/signoff"

// SignOff is the Senior Responsible Owner's sign-off (assay-signoff.json)
// and the result of checking its SSH signature.
type SignOff struct {
	Path       string
	Name       string
	Role       string
	SignedAt   string // RFC 3339
	NextReview string // YYYY-MM-DD
	Scope      string
	Commit     string // commit the sign-off covered
	Signature  SignatureCheck
	Problem    string // the file could not be read or parsed
}

// Kind implements Fact.
func (SignOff) Kind() Kind { return KindSignOff }
