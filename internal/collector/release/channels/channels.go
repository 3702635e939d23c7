// Package channels records how releases reach customers: the download URLs
// the vendor declares in assay.yaml (releases[].download_urls), and where
// the repository's documentation tells customers how to verify what they
// downloaded. Security Insights distribution points are read by the
// disclosure collector; the release rules combine both.
package channels

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/release/verifydocs"
	"github.com/assaysec/assay/internal/source"
)

// Name of the collector.
const Name = "release/channels"

// Limits.
const (
	// MaxDocs caps how many documents are scanned for instructions.
	MaxDocs = 500
	// MaxDocSize caps one document; larger ones are scanned up to it.
	MaxDocSize = limits.MaxSmallFileSize
	// MaxURLs caps declared download URLs.
	MaxURLs = 1000
)

// Collector gathers distribution and verification-documentation facts.
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
	return []evidence.Kind{evidence.KindDistributionChannels, evidence.KindVerificationDocs}
}

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// Collect implements collector.Collector.
func (c Collector) Collect(ctx context.Context, in *collector.Input) ([]evidence.Record, error) {
	cfg := c.cfg
	var ch evidence.DistributionChannels
	for i, r := range cfg.Releases {
		for j, u := range r.DownloadURLs {
			if len(ch.URLs) >= MaxURLs {
				break
			}
			ch.URLs = append(ch.URLs, evidence.ChannelURL{URL: u, Source: cfg.File, Line: r.Pos.Line,
				Field: fmt.Sprintf("releases[%d].download_urls[%d]", i, j)})
		}
	}
	chLoc := evidence.Location{Path: cfg.File}
	out := []evidence.Record{{Fact: ch, Provenance: in.Provenance(Name, chLoc, "")}}

	docs := evidence.VerificationDocs{Methods: declaredMethods(in, c.cfg)}
	for _, e := range in.Tree.Entries() {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if !verifydocs.IsDoc(e.Path) {
			continue
		}
		if len(docs.Searched) >= MaxDocs {
			docs.Problems = append(docs.Problems, fmt.Sprintf("more than %d documents; the rest were not read", MaxDocs))
			break
		}
		data, err := in.Tree.ReadFile(e.Path, MaxDocSize)
		if err != nil {
			if errors.Is(err, source.ErrTooLarge) {
				err = fmt.Errorf("larger than %d bytes; not read", MaxDocSize)
			}
			docs.Problems = append(docs.Problems, fmt.Sprintf("%s: %v", e.Path, err))
			continue
		}
		docs.Searched = append(docs.Searched, e.Path)
		for _, m := range verifydocs.Scan(data) {
			docs.Mentions = append(docs.Mentions, evidence.DocMention{Path: e.Path, Line: m.Line, Command: m.Command, Method: m.Method})
		}
		if !verifydocs.IsSigningDoc(e.Path) {
			continue
		}
		for _, st := range verifydocs.SigningStatements(data) {
			docs.Statements = append(docs.Statements, evidence.DocMention{Path: e.Path, Line: st.Line, Command: st.Quote})
		}
	}
	out = append(out, evidence.Record{Fact: docs, Provenance: in.Provenance(Name, evidence.Location{}, "")})
	return out, nil
}

// declaredMethods are the signing methods the vendor's declarations imply,
// in verifydocs method names.
func declaredMethods(in *collector.Input, cfg *config.Config) []string {
	var m []string
	opt := in.Options.Release
	if opt.CertificateIdentity != "" || opt.CertificateIdentityRegexp != "" || opt.Key != "" {
		m = append(m, evidence.VerifySigstore)
	}
	for _, r := range cfg.Releases {
		if r.CertificateIdentity != "" || r.CertificateIdentityRegexp != "" || r.Key != "" {
			m = append(m, evidence.VerifySigstore)
		}
		if r.OpenPGPKeys != "" {
			m = append(m, evidence.VerifyOpenPGP)
		}
		if r.AllowedSigners != "" {
			m = append(m, evidence.VerifyGitTag)
		}
		if len(r.Builders) > 0 {
			m = append(m, evidence.VerifySLSA)
		}
	}
	slices.Sort(m)
	return slices.Compact(m)
}
