// Package sbom reads the SBOM documents found in the tree or given with
// --sbom and records their format and NTIA minimum-element gaps.
package sbom

import (
	"context"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	sbomfmt "github.com/assaysec/assay/internal/sbom"
)

// Name of the collector.
const Name = "deps/sbom"

// Collector reads SBOMs.
type Collector struct{}

// New returns the collector.
func New() collector.Collector { return Collector{} }

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind { return []evidence.Kind{evidence.KindSBOM} }

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// Collect implements collector.Collector.
func (Collector) Collect(_ context.Context, in *collector.Input) ([]evidence.Record, error) {
	var out []evidence.Record
	for _, d := range sbomfmt.Discover(in.Tree, in.Options.SBOMFiles) {
		loc := evidence.Location{Path: d.Path}
		out = append(out, evidence.Record{Fact: d, Provenance: in.Provenance(Name, loc, "")})
		if d.Error != "" && !d.External {
			out = append(out, evidence.Record{
				Fact:       evidence.ParseProblem{Path: d.Path, Format: "SBOM (" + d.Format + ")", Error: d.Error},
				Provenance: in.Provenance(Name, loc, ""),
			})
		}
	}
	return out, nil
}
