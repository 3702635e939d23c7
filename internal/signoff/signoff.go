package signoff

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/report"
)

// Sign-off files.
const (
	FileName    = "assay-signoff.json"
	SigFileName = FileName + ".sig"
	// SignOffType identifies version 1 of the sign-off document.
	SignOffType = "https://assay.dev/signoff/v1"
	// MaxDocumentSize bounds a sign-off document read back for checking.
	MaxDocumentSize = 4 << 20
)

// Document is the SRO's sign-off of one assessment. The signature covers the
// exact bytes of the file it is written to, so it is checked as a file, not
// re-encoded.
type Document struct {
	Type       string        `json:"_type"`
	Product    string        `json:"product"`
	Vendor     string        `json:"vendor,omitempty"`
	SignedBy   Person        `json:"signedBy"`
	SignedAt   string        `json:"signedAt"`   // RFC 3339
	NextReview string        `json:"nextReview"` // YYYY-MM-DD
	Scope      string        `json:"scope"`
	Subject    Subject       `json:"subject"`
	Assessment Assessment    `json:"assessment"`
	Claims     []Claim       `json:"claims"`
	Attested   []Attestation `json:"attestations"`
	// Key is the signing key's SHA256 fingerprint, for people reading the
	// file; the signature itself is what proves it.
	Key string `json:"key"`
}

// Person is the accountable signer.
type Person struct {
	Name  string `json:"name"`
	Role  string `json:"role,omitempty"`
	Email string `json:"email,omitempty"`
}

// Subject pins what was assessed.
type Subject struct {
	Commit             string `json:"commit,omitempty"`
	Branch             string `json:"branch,omitempty"`
	Declaration        string `json:"declaration,omitempty"`
	DeclarationDigest  string `json:"declarationDigest,omitempty"`
	AttestationsDigest string `json:"attestationsDigest"`
}

// Assessment records which assessment was signed.
type Assessment struct {
	Tool          string        `json:"tool"`
	ToolVersion   string        `json:"toolVersion"`
	Framework     string        `json:"framework"`
	ClaimsVersion string        `json:"claimsVersion"`
	AssessedAt    string        `json:"assessedAt"`
	Role          string        `json:"role"`
	Delivery      string        `json:"delivery"`
	Summary       report.Counts `json:"summary"`
}

// Claim is one claim's status as signed.
type Claim struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Basis  string `json:"basis"`
}

// Attestation summarises one attestation as it stood at sign-off.
type Attestation struct {
	Claim      string `json:"claim"`
	AttestedBy string `json:"attestedBy"`
	Status     string `json:"status"`
	Signed     bool   `json:"signed"`
	Verified   bool   `json:"verified"`
	Signer     string `json:"signer,omitempty"`
}

// Build assembles the sign-off document of an assessment.
func Build(rep *report.Report, cfg *config.Config, by Person, scope string, at time.Time, nextReview time.Time, keyFingerprint string) Document {
	d := Document{
		Type: SignOffType, Product: rep.Subject.Product, Vendor: rep.Subject.Vendor, SignedBy: by,
		SignedAt: at.UTC().Format(time.RFC3339), NextReview: nextReview.Format(time.DateOnly), Scope: scope,
		Subject: Subject{
			Commit: rep.Subject.Commit, Branch: rep.Subject.Branch, Declaration: rep.Subject.Declaration,
			DeclarationDigest: rep.Subject.DeclDigest, AttestationsDigest: AttestationsDigest(cfg.Product, cfg.Attestations),
		},
		Assessment: Assessment{
			Tool: rep.Tool.Name, ToolVersion: rep.Tool.Version, Framework: rep.Framework.ID,
			ClaimsVersion: rep.Framework.ClaimsVersion, AssessedAt: rep.AssessedAt.UTC().Format(time.RFC3339),
			Role: rep.Subject.Role, Delivery: rep.Subject.Delivery, Summary: rep.Summary.Claims,
		},
		Claims: []Claim{}, Attested: []Attestation{}, Key: keyFingerprint,
	}
	for _, p := range rep.Principles {
		for _, c := range p.Claims {
			d.Claims = append(d.Claims, Claim{ID: c.ID, Status: string(c.Status), Basis: string(c.Basis)})
		}
	}
	for _, a := range rep.Attestations {
		d.Attested = append(d.Attested, Attestation{Claim: a.Claim, AttestedBy: a.AttestedBy, Status: string(a.Status), Signed: a.Signed, Verified: a.Verified, Signer: a.Signer})
	}
	return d
}

// Marshal encodes the document as indented JSON with a final newline.
func (d Document) Marshal() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("encode sign-off: %w", err)
	}
	return b.Bytes(), nil
}

// Parse decodes a sign-off document strictly.
func Parse(data []byte) (Document, error) {
	var d Document
	if len(data) > MaxDocumentSize {
		return d, fmt.Errorf("sign-off is %d bytes; the limit is %d", len(data), MaxDocumentSize)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return d, fmt.Errorf("parse sign-off: %w", err)
	}
	if dec.More() {
		return d, errors.New("parse sign-off: trailing data after the JSON document")
	}
	if d.Type != SignOffType {
		return d, fmt.Errorf("parse sign-off: _type is %q, want %q", d.Type, SignOffType)
	}
	return d, nil
}

// Drift compares a signed document with the current state and lists every
// difference that means the sign-off no longer describes the repository.
func Drift(signed, current Document) []string {
	var out []string
	if signed.Subject.Commit != current.Subject.Commit {
		out = append(out, fmt.Sprintf("commit: signed %s, now %s", orNone(signed.Subject.Commit), orNone(current.Subject.Commit)))
	}
	if signed.Subject.DeclarationDigest != current.Subject.DeclarationDigest {
		out = append(out, fmt.Sprintf("declaration %s changed: signed %s, now %s", orNone(current.Subject.Declaration), orNone(signed.Subject.DeclarationDigest), orNone(current.Subject.DeclarationDigest)))
	}
	if signed.Subject.AttestationsDigest != current.Subject.AttestationsDigest {
		out = append(out, "the attestation set changed since sign-off")
	}
	now := map[string]Claim{}
	for _, c := range current.Claims {
		now[c.ID] = c
	}
	for _, c := range signed.Claims {
		n, ok := now[c.ID]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("claim %s: signed as %s, no longer assessed", c.ID, c.Status))
		case n.Status != c.Status:
			out = append(out, fmt.Sprintf("claim %s: signed as %s, now %s", c.ID, c.Status, n.Status))
		}
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
