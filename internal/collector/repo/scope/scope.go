// Package scope records the product scope in force for the assessment: the
// default exclusions (examples, fixtures, test harnesses, docs sites) and
// those declared under scope: in assay.yaml, so rules can classify any path
// the same way the collectors did.
package scope

import (
	"context"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
)

// Name of the collector.
const Name = "repo/scope"

// Collector records the product scope.
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
func (Collector) Produces() []evidence.Kind { return []evidence.Kind{evidence.KindScope} }

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// Collect implements collector.Collector.
func (c Collector) Collect(_ context.Context, in *collector.Input) ([]evidence.Record, error) {
	loc := evidence.Location{}
	if c.cfg.File != "" && c.cfg.Scope.Pos.Line > 0 {
		loc = evidence.Location{Path: c.cfg.File, Line: c.cfg.Scope.Pos.Line}
	}
	return []evidence.Record{{Fact: evidence.ProductScope{Scope: *c.cfg.ProductScope()}, Provenance: in.Provenance(Name, loc, "")}}, nil
}
