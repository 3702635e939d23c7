// Package vulns matches the inventory against the offline vulnerability
// database, applies VEX statements, and records the remediation policy the
// vendor declared or wrote down.
package vulns

import (
	"context"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/vuln"
)

// Name of the collector.
const Name = "deps/vulns"

// Collector matches vulnerabilities.
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
	return []evidence.Kind{evidence.KindVulnDB, evidence.KindVulnerability, evidence.KindVEXDocument, evidence.KindRemediationPolicy}
}

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// Collect implements collector.Collector.
func (c Collector) Collect(ctx context.Context, in *collector.Input) ([]evidence.Record, error) {
	res, err := vuln.Assess(ctx, in.Tree, vuln.Options{DBDir: in.Options.DBDir, SBOMFiles: in.Options.SBOMFiles}.WithBuild(c.cfg))
	if err != nil {
		return nil, err
	}
	// The allowed age is the command line's, else the declaration's.
	res.DB.MaxAge = in.Options.DBMaxAge
	if res.DB.MaxAge == 0 && c.cfg.VulnDBMaxAge != "" {
		res.DB.MaxAge, _ = config.ParseAge(c.cfg.VulnDBMaxAge) // validated when assay.yaml was read
	}
	var out []evidence.Record
	out = append(out, evidence.Record{Fact: res.DB, Provenance: in.Provenance(Name, evidence.Location{}, "")})
	for _, v := range res.Findings {
		loc := evidence.Location{Path: v.Package.Path, Line: v.Package.Line}
		out = append(out, evidence.Record{Fact: v, Provenance: in.Provenance(Name, loc, "")})
	}
	for _, f := range res.VEX {
		out = append(out, evidence.Record{Fact: f.Doc, Provenance: in.Provenance(Name, evidence.Location{Path: f.Doc.Path}, "")})
		if f.Doc.Error != "" {
			out = append(out, evidence.Record{
				Fact:       evidence.ParseProblem{Path: f.Doc.Path, Format: "VEX document", Error: f.Doc.Error},
				Provenance: in.Provenance(Name, evidence.Location{Path: f.Doc.Path}, ""),
			})
		}
	}
	for _, p := range vuln.Policies(in.Tree, c.cfg) {
		out = append(out, evidence.Record{Fact: p, Provenance: in.Provenance(Name, evidence.Location{Path: p.Source, Line: p.Line}, "")})
	}
	return out, nil
}
