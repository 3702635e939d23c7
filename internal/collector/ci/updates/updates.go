// Package updates reads dependency-update automation: Dependabot
// (.github/dependabot.yml) and Renovate (every location Renovate reads,
// JSON or JSON5, and the legacy "renovate" key of the root package.json).
package updates

import (
	"context"
	"errors"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/parse/ciyaml"
	"github.com/assaysec/assay/internal/parse/dependabot"
	"github.com/assaysec/assay/internal/parse/renovate"
	"github.com/assaysec/assay/internal/source"
)

// Name of the collector.
const Name = "ci/updates"

// Collector reads update-automation configuration.
type Collector struct{}

// New returns the collector.
func New() collector.Collector { return Collector{} }

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind { return []evidence.Kind{evidence.KindUpdateConfig} }

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// Collect implements collector.Collector.
func (Collector) Collect(_ context.Context, in *collector.Input) ([]evidence.Record, error) {
	var out []evidence.Record
	problem := func(p string, line int, format string, err error) {
		out = append(out, evidence.Record{
			Fact:       evidence.ParseProblem{Path: p, Line: line, Format: format, Error: err.Error()},
			Provenance: in.Provenance(Name, evidence.Location{Path: p, Line: line}, ""),
		})
	}
	for _, p := range dependabot.Locations {
		if !in.Tree.Exists(p) {
			continue
		}
		data, err := in.Tree.ReadFile(p, limits.MaxSmallFileSize)
		if err != nil {
			problem(p, 0, "Dependabot configuration", err)
			continue
		}
		cfg, err := dependabot.Parse(p, data)
		if err != nil {
			line := 0
			var ye *ciyaml.Error
			if errors.As(err, &ye) {
				line = ye.Line
			}
			problem(p, line, "Dependabot configuration", err)
			continue
		}
		out = append(out, evidence.Record{Fact: cfg, Provenance: in.Provenance(Name, evidence.Location{Path: p, Line: cfg.Line}, source.Digest(data))})
	}
	for _, p := range append(append([]string{}, renovate.Locations...), "package.json") {
		if !in.Tree.Exists(p) {
			continue
		}
		data, err := in.Tree.ReadFile(p, limits.MaxSmallFileSize)
		if err != nil {
			problem(p, 0, "Renovate configuration", err)
			continue
		}
		cfg, ok, err := renovate.Parse(p, data)
		if !ok {
			continue
		}
		if err != nil {
			line := 0
			var se *renovate.SyntaxError
			if errors.As(err, &se) {
				line = se.Line
			}
			problem(p, line, "Renovate configuration", err)
			continue
		}
		out = append(out, evidence.Record{Fact: cfg, Provenance: in.Provenance(Name, evidence.Location{Path: p}, source.Digest(data))})
	}
	return out, nil
}
