// Package tree reports what was unusual in the scanned tree: symlinks that
// leave it or loop, FIFOs and devices, oversized files and hostile file names.
// The tree index (package source) already refused to follow or open them;
// this collector turns each into evidence so the report can show it.
package tree

import (
	"context"
	"fmt"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
)

// Name of the collector.
const Name = "repo/tree"

// Collector reports tree oddities.
type Collector struct{}

// New returns the collector.
func New() collector.Collector { return Collector{} }

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind { return []evidence.Kind{evidence.KindTreeOddity} }

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// Collect implements collector.Collector.
func (Collector) Collect(_ context.Context, in *collector.Input) ([]evidence.Record, error) {
	odd, more := in.Tree.Oddities()
	var out []evidence.Record
	for _, o := range odd {
		out = append(out, evidence.Record{
			Fact:       evidence.TreeOddity{Problem: string(o.Kind), Path: o.Path, Detail: o.Detail},
			Provenance: in.Provenance(Name, evidence.Location{Path: o.Path}, ""),
		})
	}
	if more > 0 {
		out = append(out, evidence.Record{
			Fact:       evidence.TreeOddity{Problem: "too_many_oddities", Detail: fmt.Sprintf("%d more oddities were not listed", more)},
			Provenance: in.Provenance(Name, evidence.Location{}, ""),
		})
	}
	return out, nil
}
