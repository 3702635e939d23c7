// Package intoto reads attestation files: bare DSSE envelopes (the legacy
// .intoto.jsonl of slsa-github-generator), Sigstore bundles carrying a DSSE
// envelope, JSON Lines of either, and the npm registry's attestation list.
// It decodes the in-toto statement inside each; verifying signatures is
// package sigstore's job.
package intoto

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Limits on attestation input.
const (
	MaxFileSize     = 32 << 20 // a provenance file may carry many envelopes
	MaxAttestations = 256      // per file
	MaxSubjects     = 10_000   // per statement
	MaxPayloadSize  = 16 << 20
)

// In-toto payload type for statements in DSSE.
const PayloadType = "application/vnd.in-toto+json"

// Attestation is one signed statement found in a file.
type Attestation struct {
	Line int // 1-based line in a JSON Lines file; 0 for a single document
	// Bundle is the Sigstore bundle JSON when the attestation is one; nil
	// for a bare DSSE envelope.
	Bundle   []byte
	Envelope Envelope
}

// Envelope is a DSSE envelope.
type Envelope struct {
	PayloadType string
	Payload     []byte
	Signatures  []Signature
}

// Signature is one DSSE signature. Cert is the PEM certificate legacy
// envelopes embed next to the signature.
type Signature struct {
	KeyID string
	Sig   []byte
	Cert  string
}

// Statement is an in-toto statement, v0.1 or v1.
type Statement struct {
	Type          string          `json:"_type"`
	PredicateType string          `json:"predicateType"`
	Subject       []Subject       `json:"subject"`
	Predicate     json.RawMessage `json:"predicate"`
}

// Subject is one artefact a statement is about.
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

type rawEnvelope struct {
	PayloadType string `json:"payloadType"`
	Payload     string `json:"payload"`
	Signatures  []struct {
		KeyID string `json:"keyid"`
		Sig   string `json:"sig"`
		Cert  string `json:"cert"`
	} `json:"signatures"`
}

// ParseFile reads every attestation in an attestation file.
func ParseFile(data []byte) ([]Attestation, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("attestation file is %d bytes; the limit is %d", len(data), MaxFileSize)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, errors.New("empty attestation file")
	}
	// A single JSON document (possibly pretty-printed) first.
	if json.Valid(trimmed) {
		return parseDocument(trimmed, 0)
	}
	var out []Attestation
	sc := bufio.NewScanner(bytes.NewReader(trimmed))
	sc.Buffer(make([]byte, 0, 64<<10), MaxFileSize)
	line := 0
	for sc.Scan() {
		line++
		l := bytes.TrimSpace(sc.Bytes())
		if len(l) == 0 {
			continue
		}
		if len(out) >= MaxAttestations {
			return out, fmt.Errorf("line %d: more than %d attestations in one file", line, MaxAttestations)
		}
		atts, err := parseDocument(l, line)
		if err != nil {
			return out, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, atts...)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("read attestation lines: %w", err)
	}
	return out, nil
}

func parseDocument(doc []byte, line int) ([]Attestation, error) {
	var probe struct {
		MediaType    string            `json:"mediaType"`
		DSSE         json.RawMessage   `json:"dsseEnvelope"`
		PayloadType  string            `json:"payloadType"`
		Attestations []json.RawMessage `json:"attestations"`
	}
	if err := json.Unmarshal(doc, &probe); err != nil {
		return nil, fmt.Errorf("want a JSON DSSE envelope or Sigstore bundle: %w", err)
	}
	switch {
	case strings.HasPrefix(probe.MediaType, "application/vnd.dev.sigstore.bundle"):
		if len(probe.DSSE) == 0 {
			return nil, errors.New("the Sigstore bundle holds a message signature, not an attestation")
		}
		env, err := decodeEnvelope(probe.DSSE, true)
		if err != nil {
			return nil, err
		}
		return []Attestation{{Line: line, Bundle: doc, Envelope: env}}, nil
	case probe.PayloadType != "":
		env, err := decodeEnvelope(doc, false)
		if err != nil {
			return nil, err
		}
		return []Attestation{{Line: line, Envelope: env}}, nil
	case probe.Attestations != nil:
		// npm registry: {"attestations":[{"predicateType":..., "bundle":{...}}]}
		if len(probe.Attestations) > MaxAttestations {
			return nil, fmt.Errorf("more than %d attestations", MaxAttestations)
		}
		var out []Attestation
		for i, raw := range probe.Attestations {
			var item struct {
				Bundle json.RawMessage `json:"bundle"`
			}
			if err := json.Unmarshal(raw, &item); err != nil || len(item.Bundle) == 0 {
				return out, fmt.Errorf("attestations[%d]: want an object with a bundle", i)
			}
			atts, err := parseDocument(item.Bundle, line)
			if err != nil {
				return out, fmt.Errorf("attestations[%d]: %w", i, err)
			}
			out = append(out, atts...)
		}
		return out, nil
	}
	return nil, errors.New("neither a DSSE envelope (payloadType), a Sigstore bundle (mediaType) nor an attestation list")
}

// decodeEnvelope reads a DSSE envelope. Bundles encode bytes as standard
// base64 (protobuf JSON); legacy envelopes sometimes use URL-safe base64.
func decodeEnvelope(raw []byte, inBundle bool) (Envelope, error) {
	var r rawEnvelope
	if err := json.Unmarshal(raw, &r); err != nil {
		return Envelope{}, fmt.Errorf("decode DSSE envelope: %w", err)
	}
	if r.PayloadType == "" {
		return Envelope{}, errors.New("DSSE envelope without payloadType")
	}
	if len(r.Payload) > MaxPayloadSize*4/3+4 {
		return Envelope{}, fmt.Errorf("DSSE payload exceeds %d bytes", MaxPayloadSize)
	}
	payload, err := decodeB64(r.Payload)
	if err != nil {
		return Envelope{}, fmt.Errorf("DSSE payload: %w", err)
	}
	env := Envelope{PayloadType: r.PayloadType, Payload: payload}
	if len(r.Signatures) == 0 {
		return env, errors.New("DSSE envelope has no signatures")
	}
	for i, s := range r.Signatures {
		sig, err := decodeB64(s.Sig)
		if err != nil {
			return env, fmt.Errorf("DSSE signature %d: %w", i, err)
		}
		env.Signatures = append(env.Signatures, Signature{KeyID: s.KeyID, Sig: sig, Cert: s.Cert})
	}
	_ = inBundle
	return env, nil
}

func decodeB64(s string) ([]byte, error) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	if b, err := base64.URLEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	if b, err := base64.RawStdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("not base64")
	}
	return b, nil
}

// PAE is the DSSE pre-authentication encoding a signature covers.
func PAE(payloadType string, payload []byte) []byte {
	return []byte(fmt.Sprintf("DSSEv1 %d %s %d %s", len(payloadType), payloadType, len(payload), payload))
}

// ParseStatement decodes an in-toto statement payload.
func ParseStatement(payloadType string, payload []byte) (Statement, error) {
	var s Statement
	if payloadType != PayloadType {
		return s, fmt.Errorf("payload type %q is not an in-toto statement", payloadType)
	}
	if err := json.Unmarshal(payload, &s); err != nil {
		return s, fmt.Errorf("decode in-toto statement: %w", err)
	}
	switch s.Type {
	case "https://in-toto.io/Statement/v0.1", "https://in-toto.io/Statement/v1":
	default:
		return s, fmt.Errorf("unknown statement type %q", s.Type)
	}
	if len(s.Subject) == 0 {
		return s, errors.New("statement has no subject")
	}
	if len(s.Subject) > MaxSubjects {
		return s, fmt.Errorf("statement has %d subjects; the limit is %d", len(s.Subject), MaxSubjects)
	}
	return s, nil
}

// IsAttestationFile reports whether a release file name is an attestation.
func IsAttestationFile(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".intoto.jsonl") || strings.HasSuffix(n, ".intoto.json") || strings.HasSuffix(n, ".att") ||
		strings.HasSuffix(n, ".att.json") || strings.HasSuffix(n, ".provenance.json") || strings.HasSuffix(n, ".attestation.json") ||
		strings.HasSuffix(n, ".intoto")
}
