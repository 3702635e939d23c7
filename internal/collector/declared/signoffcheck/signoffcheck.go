// Package signoffcheck reads the Senior Responsible Owner's sign-off
// (assay-signoff.json and its SSH signature) from the repository and checks
// the signature against the allowed signers, so every report shows whether
// the assessment was signed off, by whom and until when.
package signoffcheck

import (
	"context"
	"errors"
	"os"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/sign"
	"github.com/assaysec/assay/internal/signoff"
	"github.com/assaysec/assay/internal/source"
)

// Name of the collector.
const Name = "declared/signoff"

// Collector reads the sign-off.
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
func (Collector) Produces() []evidence.Kind { return []evidence.Kind{evidence.KindSignOff} }

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// Collect implements collector.Collector.
func (c Collector) Collect(_ context.Context, in *collector.Input) ([]evidence.Record, error) {
	if !in.Tree.Exists(signoff.FileName) {
		return nil, nil
	}
	fact := evidence.SignOff{Path: signoff.FileName}
	prov := in.Provenance(Name, evidence.Location{Path: signoff.FileName}, "")
	data, err := in.Tree.ReadFile(signoff.FileName, signoff.MaxDocumentSize)
	if err != nil {
		fact.Problem = err.Error()
		return []evidence.Record{{Fact: fact, Provenance: prov}}, nil
	}
	prov.Digest = source.Digest(data)
	doc, err := signoff.Parse(data)
	if err != nil {
		fact.Problem = err.Error()
		return []evidence.Record{{Fact: fact, Provenance: prov}}, nil
	}
	fact.Name, fact.Role, fact.SignedAt, fact.NextReview = doc.SignedBy.Name, doc.SignedBy.Role, doc.SignedAt, doc.NextReview
	fact.Scope, fact.Commit = doc.Scope, doc.Subject.Commit
	sig, err := in.Tree.ReadFile(signoff.SigFileName, 64<<10)
	switch {
	case errors.Is(err, os.ErrNotExist) || !in.Tree.Exists(signoff.SigFileName):
		fact.Signature.Problem = "no " + signoff.SigFileName + " next to the sign-off"
	case err != nil:
		fact.Signature.Signed = true
		fact.Signature.Problem = "signature cannot be read: " + err.Error()
	default:
		fact.Signature.Signed = true
		signers, from, loadErr := collector.LoadAllowedSigners(in, c.cfg.AllowedSigners)
		switch {
		case loadErr != nil:
			fact.Signature.Problem = "signature not verified: " + loadErr.Error()
		case signers == nil:
			fact.Signature.Problem = "signature not verified: no allowed signers configured (set allowed_signers in assay.yaml or pass --allowed-signers)"
		default:
			principal, err := signers.Verify(data, sig, sign.Namespace, "", in.Now)
			if err != nil {
				fact.Signature.Problem = "bad signature: " + err.Error() + " (allowed signers from " + from + ")"
			} else {
				fact.Signature.Verified, fact.Signature.Signer = true, principal
			}
		}
	}
	return []evidence.Record{{Fact: fact, Provenance: prov}}, nil
}
