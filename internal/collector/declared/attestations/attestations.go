// Package attestations turns the attestations declared in assay.yaml into
// evidence, hashing each evidence file so that a document changed after it
// was attested is caught, and verifying each attestation's SSH signature
// against the allowed signers file.
package attestations

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/sign"
	"github.com/assaysec/assay/internal/signoff"
)

// Name of the collector.
const Name = "declared/attestations"

// Collector reads declared attestations.
type Collector struct{ cfg *config.Config }

// New returns the collector reading the declaration cfg; nil is an empty
// declaration.
func New(cfg *config.Config) collector.Collector {
	if cfg == nil {
		cfg = &config.Config{}
	}
	return Collector{cfg: cfg}
}

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind {
	return []evidence.Kind{evidence.KindAttestation, evidence.KindParseProblem}
}

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// Collect implements collector.Collector.
func (c Collector) Collect(ctx context.Context, in *collector.Input) ([]evidence.Record, error) {
	var out []evidence.Record
	signers, signersFrom, signersErr := collector.LoadAllowedSigners(in, c.cfg.AllowedSigners)
	if signersErr != nil && signersFrom != "" && !strings.HasPrefix(signersFrom, "--") {
		out = append(out, evidence.Record{
			Fact:       evidence.ParseProblem{Path: signersFrom, Format: "ssh allowed signers", Error: signersErr.Error()},
			Provenance: in.Provenance(Name, evidence.Location{Path: signersFrom}, ""),
		})
	}
	for i, a := range c.cfg.Attestations {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		fact := evidence.Attestation{
			Index: i, Claim: a.Claim, Statement: a.Statement, AttestedBy: a.AttestedBy,
			Date: a.Date.Time, Expires: a.Expires.Time,
		}
		fact.Signature = checkSignature(in, signoff.CanonicalAttestation(c.cfg.Product, a), a.Signature, a.AttestedBy, signers, signersFrom, signersErr)
		for _, e := range a.Evidence {
			doc := evidence.AttestedDocument{Path: e.Path, URL: e.URL, Declared: e.SHA256}
			if e.Path != "" {
				sum, err := in.Tree.HashFile(e.Path, limits.MaxAttestedEvidence)
				if err != nil {
					doc.Problem = err.Error()
				} else {
					doc.Actual = sum
				}
			}
			fact.Evidence = append(fact.Evidence, doc)
		}
		loc := evidence.Location{Path: c.cfg.File, Line: a.Pos.Line, Column: a.Pos.Column}
		out = append(out, evidence.Record{Fact: fact, Provenance: in.Provenance(Name, loc, "")})
	}
	return out, nil
}

// checkSignature verifies one attestation signature. Problems that mean
// the signature is wrong start with "bad signature", which the evaluator
// turns into the bad_signature status; a signature that is sound but whose
// key is not trusted stays "not verified".
func checkSignature(in *collector.Input, message []byte, armored, attestedBy string, signers *sign.AllowedSigners, from string, loadErr error) evidence.SignatureCheck {
	armored = strings.TrimSpace(armored)
	if armored == "" {
		return evidence.SignatureCheck{}
	}
	check := evidence.SignatureCheck{Signed: true}
	key, err := sign.VerifyKey(message, []byte(armored+"\n"), sign.Namespace)
	if err != nil {
		check.Problem = "bad signature: " + strings.TrimPrefix(strings.TrimPrefix(err.Error(), sign.ErrBadSignature.Error()+": "), sign.ErrMalformedSignature.Error()+": ")
		if errors.Is(err, sign.ErrMalformedSignature) {
			check.Problem = "bad signature: malformed: " + strings.TrimPrefix(err.Error(), sign.ErrMalformedSignature.Error()+": ")
		}
		return check
	}
	switch {
	case loadErr != nil:
		check.Problem = "signature not verified: " + loadErr.Error()
		return check
	case signers == nil:
		check.Problem = "signature not verified: no allowed signers configured (set allowed_signers in assay.yaml or pass --allowed-signers)"
		return check
	}
	identity := config.Identity(attestedBy)
	principal, err := signers.Authorize(key, sign.Namespace, identity, in.Now)
	if err != nil {
		check.Problem = fmt.Sprintf("signature not verified against %s: %v", from, err)
		return check
	}
	check.Verified = true
	check.Signer = principal
	return check
}
