// Package list is the registry of report formats: the only list of format
// names. Adding a format is one line here.
package list

import (
	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/render/badge"
	"github.com/assaysec/assay/internal/render/cisa"
	"github.com/assaysec/assay/internal/render/codequality"
	"github.com/assaysec/assay/internal/render/html"
	"github.com/assaysec/assay/internal/render/jsonfmt"
	"github.com/assaysec/assay/internal/render/markdown"
	"github.com/assaysec/assay/internal/render/oscal"
	"github.com/assaysec/assay/internal/render/sarif"
	"github.com/assaysec/assay/internal/render/text"
)

// Formats maps each --format name to its renderer.
var Formats = render.Registry{
	"text":      text.New,
	"json":      jsonfmt.New,
	"markdown":  markdown.New,
	"html":      html.New,
	"sarif":     sarif.New,
	"oscal":     oscal.New,
	"svg-badge": badge.New,
	// cisa-attestation needs the SSDF view; assess adds it for this format.
	"cisa-attestation": cisa.New,
	"codequality":      codequality.New,
}
