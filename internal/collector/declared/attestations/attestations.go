// Package attestations turns the attestations declared in assay.yaml into
// evidence, hashing each evidence file so that a document changed after it
// was attested is caught, and verifying each attestation's SSH signature
// against the allowed signers file.
package attestations

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/sign"
	"github.com/assaysec/assay/internal/signoff"
	"github.com/assaysec/assay/internal/source"
)

// Name of the collector.
const Name = "declared/attestations"

// maxEvidenceSize caps an evidence file that is hashed (streamed, not held).
const maxEvidenceSize = 256 << 20

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
	signers, signersFrom, signersErr := LoadAllowedSigners(in.Tree, in.Options.AllowedSigners, c.cfg.AllowedSigners)
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
				sum, err := in.Tree.HashFile(e.Path, maxEvidenceSize)
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

// LoadAllowedSigners reads the trusted keys: the --allowed-signers file when
// given (read from the local file system: it is the assessor's trust
// anchor), otherwise assay.yaml's allowed_signers (read from inside the
// tree). flag is the --allowed-signers value and declared assay.yaml's
// allowed_signers; either may be empty. from names the source ("" when none
// is configured; "--allowed-signers PATH" for the flag).
func LoadAllowedSigners(tree *source.Tree, flag, declared string) (a *sign.AllowedSigners, from string, err error) {
	if p := flag; p != "" {
		from = "--allowed-signers " + p
		f, err := os.Open(p)
		if err != nil {
			return nil, from, fmt.Errorf("read allowed signers: %w", err)
		}
		defer f.Close()
		a, err := sign.ReadAllowedSigners(f)
		if err != nil {
			return nil, from, fmt.Errorf("%s: %w", p, err)
		}
		return a, from, nil
	}
	p := declared
	if p == "" {
		return nil, "", nil
	}
	data, err := tree.ReadFile(p, limits.MaxSmallFileSize)
	if err != nil {
		return nil, p, fmt.Errorf("read allowed signers: %w", err)
	}
	a, err = sign.ParseAllowedSigners(data)
	if err != nil {
		return nil, p, err
	}
	return a, p, nil
}

// checkSignature verifies one attestation signature. A signature that is
// wrong is SignatureBad, which the evaluator turns into the bad_signature
// status; one that is sound but whose key is not trusted is
// SignatureUnverified.
func checkSignature(in *collector.Input, message []byte, armored, attestedBy string, signers *sign.AllowedSigners, from string, loadErr error) evidence.SignatureCheck {
	armored = strings.TrimSpace(armored)
	if armored == "" {
		return evidence.SignatureCheck{}
	}
	check := evidence.SignatureCheck{State: evidence.SignatureUnverified, Signed: true}
	key, err := sign.VerifyKey(message, []byte(armored+"\n"), sign.Namespace)
	if err != nil {
		check.State = evidence.SignatureBad
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
	identity := signoff.Identity(attestedBy)
	principal, err := signers.Authorize(key, sign.Namespace, identity, in.Now)
	if err != nil {
		check.Problem = fmt.Sprintf("signature not verified against %s: %v", from, err)
		return check
	}
	check.State, check.Verified = evidence.SignatureVerified, true
	check.Signer = principal
	return check
}
