// Package codequality renders the report as a GitLab code-quality report:
// a JSON array of issues ({description, check_name, fingerprint, severity,
// location{path, lines{begin}}}) that merge requests show beside the diff.
//
// The issues are the SARIF renderer's results, so both reports agree: one
// issue per failing finding at a file, and one per claim not met or unknown
// that no finding explains, against the declaration. Fingerprints are the
// SARIF partial fingerprints (stable across runs, line numbers left out).
// Severities follow the SARIF levels: error (the finding decides a claim
// not met) is major, warning minor, note (evidence missing) info. Waived
// findings are left out: GitLab has no suppressions.
package codequality

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"

	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/render/sarif"
	"github.com/assaysec/assay/internal/report"
)

// Issue is one code-quality issue.
type Issue struct {
	Description string   `json:"description"`
	CheckName   string   `json:"check_name"`
	Fingerprint string   `json:"fingerprint"`
	Severity    string   `json:"severity"`
	Location    Location `json:"location"`
}

// Location is a file and the line the issue starts at.
type Location struct {
	Path  string `json:"path"`
	Lines Lines  `json:"lines"`
}

// Lines holds the first line.
type Lines struct {
	Begin int `json:"begin"`
}

var severities = map[string]string{"error": "major", "warning": "minor", "note": "info"}

// New returns the code-quality renderer.
func New(render.Options) render.Renderer {
	return render.Func(func(w io.Writer, r *report.Report) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(Build(r)); err != nil {
			return fmt.Errorf("render codequality: %w", err)
		}
		return nil
	})
}

// Build converts a report to code-quality issues (never nil).
func Build(r *report.Report) []Issue {
	out := []Issue{}
	for _, run := range sarif.Build(r).Runs {
		for _, res := range run.Results {
			if len(res.Suppressions) > 0 || len(res.Locations) == 0 {
				continue
			}
			pl := res.Locations[0].PhysicalLocation
			p, err := url.PathUnescape(pl.ArtifactLocation.URI)
			if err != nil {
				p = pl.ArtifactLocation.URI
			}
			line := 1
			if pl.Region != nil && pl.Region.StartLine > 0 {
				line = pl.Region.StartLine
			}
			sev, ok := severities[res.Level]
			if !ok {
				sev = "info"
			}
			out = append(out, Issue{
				Description: res.Message.Text,
				CheckName:   res.RuleID,
				Fingerprint: res.PartialFingerprints[sarif.FingerprintKey],
				Severity:    sev,
				Location:    Location{Path: p, Lines: Lines{Begin: line}},
			})
		}
	}
	return out
}
