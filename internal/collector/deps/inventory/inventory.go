// Package inventory lists the third-party components pinned by every
// lockfile and manifest in the tree, through OSV-SCALIBR's extractors.
// Files outside the product scope (examples, docs sites, test harnesses)
// are listed with the reason, so rules can set them apart.
package inventory

import (
	"context"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/deps"
	"github.com/assaysec/assay/internal/evidence"
)

// Name of the collector.
const Name = "deps/inventory"

// Collector inventories dependency files.
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
	return []evidence.Kind{evidence.KindDependencyFile}
}

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// Collect implements collector.Collector.
func (c Collector) Collect(ctx context.Context, in *collector.Input) ([]evidence.Record, error) {
	inv := deps.ScanCached(ctx, in.Tree)
	sc := c.cfg.ProductScope()
	var out []evidence.Record
	for _, f := range inv.Files {
		fact := evidence.DependencyFile{
			Path: f.Path, Format: f.Format, Lockfile: f.Lockfile, Error: f.Err,
			Integrity:  evidence.DepIntegrity(f.Integrity),
			OutOfScope: sc.Classify(f.Path).Why(),
		}
		for _, p := range f.Packages {
			fact.Packages = append(fact.Packages, p.Evidence())
		}
		for _, u := range f.Unresolved {
			fact.Unresolved = append(fact.Unresolved, evidence.DepUnresolved(u))
		}
		prov := in.Provenance(Name, evidence.Location{Path: f.Path}, f.Digest)
		out = append(out, evidence.Record{Fact: fact, Provenance: prov})
		if f.Err != "" {
			out = append(out, evidence.Record{
				Fact:       evidence.ParseProblem{Path: f.Path, Format: f.Format, Error: f.Err},
				Provenance: prov,
			})
		}
	}
	return out, ctx.Err()
}
