// Package attestations turns the attestations declared in assay.yaml into
// evidence, hashing each evidence file so that a document changed after it
// was attested is caught.
package attestations

import (
	"context"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
)

// Name of the collector.
const Name = "declared/attestations"

// maxEvidenceSize caps an evidence file that is hashed (streamed, not held).
const maxEvidenceSize = 256 << 20

// Collector reads declared attestations.
type Collector struct{}

// New returns the collector.
func New() collector.Collector { return Collector{} }

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind { return []evidence.Kind{evidence.KindAttestation} }

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// Collect implements collector.Collector.
func (Collector) Collect(ctx context.Context, in *collector.Input) ([]evidence.Record, error) {
	var out []evidence.Record
	for i, a := range in.Config.Attestations {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		fact := evidence.Attestation{
			Index: i, Claim: a.Claim, Statement: a.Statement, AttestedBy: a.AttestedBy,
			Date: a.Date.Time, Expires: a.Expires.Time,
			Signature: evidence.SignatureCheck{Signed: a.Signature != ""},
		}
		if fact.Signature.Signed {
			fact.Signature.Problem = "signature present but not verified: no allowed signers configured"
		}
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
		loc := evidence.Location{Path: in.Config.File, Line: a.Pos.Line, Column: a.Pos.Column}
		out = append(out, evidence.Record{Fact: fact, Provenance: in.Provenance(Name, loc, "")})
	}
	return out, nil
}
