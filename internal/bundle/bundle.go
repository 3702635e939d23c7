// Package bundle makes and checks Assay's assurance bundle: a signed
// statement of what a vendor assessed, which a customer can verify offline
// without trusting the vendor's word or Assay's servers.
//
// A bundle is an in-toto Statement v1 whose subject is the assessed git
// commit (and release artefacts, when given) and whose predicate, of type
// PredicateType, carries the JSON report and the SHA-256 of every evidence
// file the assessment rests on: the declaration, the documents behind each
// attestation, SBOMs and VEX. The statement is wrapped in a DSSE envelope
// and signed over the DSSE pre-authentication encoding (PAE) with an SSH
// key, as `ssh-keygen -Y sign -n assay` would sign the PAE bytes, or with a
// raw ed25519 signature, as generic DSSE verifiers expect. See
// docs/bundle.md for the format and how to check a bundle with stock tools.
package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Identifiers of the formats involved.
const (
	// PredicateType is the in-toto predicate type of an Assay assessment.
	PredicateType = "https://assay.dev/attestation/assessment/v1"
	// StatementType is the in-toto Statement v1 type.
	StatementType = "https://in-toto.io/Statement/v1"
	// PayloadType is the DSSE payload type of an in-toto statement.
	PayloadType = "application/vnd.in-toto+json"
	// MediaType identifies the bundle file.
	MediaType = "application/vnd.assay.bundle.v1+json"
	// Namespace is the SSHSIG namespace of bundle signatures; it is the one
	// every Assay signature uses, and the DSSE PAE prefix keeps a bundle
	// signature from ever being mistaken for an attestation's.
	Namespace = "assay"
)

// Limits on what a bundle may hold; a bundle is untrusted until verified.
const (
	MaxBundleSize    = 64 << 20
	MaxSignatures    = 16
	MaxSubjects      = 10_000
	MaxEvidenceFiles = 10_000
	// MaxEvidenceFileSize caps each evidence file or artefact hashed.
	MaxEvidenceFileSize = 4 << 30
)

// Bundle is the file `assay bundle create` writes: the DSSE envelope and,
// outside the signature, the payload's digest so that a verifier can say
// whether the statement or the signature was altered.
type Bundle struct {
	MediaType     string            `json:"mediaType"`
	PayloadDigest map[string]string `json:"payloadDigest,omitempty"`
	Envelope      Envelope          `json:"dsseEnvelope"`
}

// Envelope is a DSSE envelope.
type Envelope struct {
	PayloadType string      `json:"payloadType"`
	Payload     string      `json:"payload"` // standard base64
	Signatures  []Signature `json:"signatures"`
}

// Signature is one DSSE signature. Sig holds either the binary SSHSIG
// blob (what `ssh-keygen -Y sign` armors) or a raw 64-byte ed25519
// signature, in standard base64.
type Signature struct {
	KeyID string `json:"keyid,omitempty"`
	Sig   string `json:"sig"`
}

// Statement is an in-toto Statement v1 with Assay's predicate.
type Statement struct {
	Type          string               `json:"_type"`
	Subject       []ResourceDescriptor `json:"subject"`
	PredicateType string               `json:"predicateType"`
	Predicate     Predicate            `json:"predicate"`
}

// ResourceDescriptor is an in-toto resource descriptor.
type ResourceDescriptor struct {
	Name        string            `json:"name,omitempty"`
	URI         string            `json:"uri,omitempty"`
	Digest      map[string]string `json:"digest"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Predicate is the body of an Assay assessment attestation.
type Predicate struct {
	// Report is the JSON report exactly as assessed.
	Report json.RawMessage `json:"report"`
	// Evidence lists every file the assessment rests on, with its digest
	// when the bundle was made.
	Evidence []EvidenceFile `json:"evidence"`
	Creator  Creator        `json:"creator"`
	// CreatedAt is when the bundle was made (RFC 3339, UTC).
	CreatedAt string `json:"createdAt"`
}

// Evidence kinds.
const (
	KindDeclaration = "declaration"
	KindAttestation = "attestation-evidence"
	KindSBOM        = "sbom"
	KindVEX         = "vex"
	KindOther       = "other"
)

// Where an evidence file lives.
const (
	InRepository = "repository" // Path is relative to the repository root
	External     = "external"   // Path is the file's name as given at creation
)

// EvidenceFile is one file the assessment rests on.
type EvidenceFile struct {
	Path     string            `json:"path"`
	Kind     string            `json:"kind"`
	Location string            `json:"location"`
	Claims   []string          `json:"claims,omitempty"`
	Size     int64             `json:"size"`
	Digest   map[string]string `json:"digest"`
}

// Creator names the tool that made the bundle.
type Creator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// PAE is the DSSE pre-authentication encoding: what is actually signed.
func PAE(payloadType string, payload []byte) []byte {
	var b bytes.Buffer
	b.WriteString("DSSEv1 ")
	b.WriteString(strconv.Itoa(len(payloadType)))
	b.WriteByte(' ')
	b.WriteString(payloadType)
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(len(payload)))
	b.WriteByte(' ')
	b.Write(payload)
	return b.Bytes()
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Parse decodes a bundle file: Assay's bundle, or a bare DSSE envelope (so
// envelopes extracted for other tools still verify). It checks shape and
// limits only; Verify checks the signature.
func Parse(data []byte) (*Bundle, error) {
	if len(data) > MaxBundleSize {
		return nil, fmt.Errorf("bundle is %d bytes; the limit is %d", len(data), MaxBundleSize)
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("bundle is not a JSON object: %w", err)
	}
	var b Bundle
	switch {
	case probe["dsseEnvelope"] != nil:
		if err := strictUnmarshal(data, &b); err != nil {
			return nil, fmt.Errorf("bundle: %w", err)
		}
		if b.MediaType != MediaType {
			return nil, fmt.Errorf("bundle media type is %q; want %q", b.MediaType, MediaType)
		}
	case probe["payloadType"] != nil:
		if err := strictUnmarshal(data, &b.Envelope); err != nil {
			return nil, fmt.Errorf("DSSE envelope: %w", err)
		}
	default:
		return nil, errors.New("neither an Assay bundle (no dsseEnvelope) nor a DSSE envelope (no payloadType)")
	}
	e := b.Envelope
	if e.PayloadType != PayloadType {
		return nil, fmt.Errorf("payload type is %q; want %q", e.PayloadType, PayloadType)
	}
	if len(e.Signatures) == 0 {
		return nil, errors.New("the envelope has no signatures")
	}
	if len(e.Signatures) > MaxSignatures {
		return nil, fmt.Errorf("the envelope has %d signatures; the limit is %d", len(e.Signatures), MaxSignatures)
	}
	return &b, nil
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}

// decodeBase64 accepts standard and URL-safe base64, padded or not, as the
// DSSE specification asks verifiers to.
func decodeBase64(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not valid base64")
}

// ParseStatement decodes and checks the statement in a verified payload.
func ParseStatement(payload []byte) (*Statement, error) {
	var st Statement
	if err := json.Unmarshal(payload, &st); err != nil {
		return nil, fmt.Errorf("statement is not valid JSON: %w", err)
	}
	if st.Type != StatementType {
		return nil, fmt.Errorf("statement type is %q; want %q", st.Type, StatementType)
	}
	if st.PredicateType != PredicateType {
		return nil, fmt.Errorf("predicate type is %q; want %q", st.PredicateType, PredicateType)
	}
	if len(st.Subject) == 0 || len(st.Subject) > MaxSubjects {
		return nil, fmt.Errorf("statement has %d subjects; want 1 to %d", len(st.Subject), MaxSubjects)
	}
	for i, s := range st.Subject {
		if len(s.Digest) == 0 {
			return nil, fmt.Errorf("subject %d (%q) has no digest", i, s.Name)
		}
	}
	if len(st.Predicate.Evidence) > MaxEvidenceFiles {
		return nil, fmt.Errorf("predicate lists %d evidence files; the limit is %d", len(st.Predicate.Evidence), MaxEvidenceFiles)
	}
	for i, e := range st.Predicate.Evidence {
		if e.Path == "" || len(e.Digest["sha256"]) != 64 {
			return nil, fmt.Errorf("evidence entry %d (%q) lacks a path or a sha256 digest", i, e.Path)
		}
	}
	if len(st.Predicate.Report) == 0 {
		return nil, errors.New("predicate has no report")
	}
	return &st, nil
}

// CommitOf returns the git commit a statement's subject names, or "".
func (s *Statement) CommitOf() string {
	for _, sub := range s.Subject {
		if c := sub.Digest["gitCommit"]; c != "" {
			return c
		}
	}
	return ""
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
