// Package jsonfmt renders the report as JSON, Assay's machine contract (see
// docs/json-report.md and internal/report/report.schema.json).
package jsonfmt

import (
	"encoding/json"
	"io"

	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/report"
)

// New returns the JSON renderer.
func New(render.Options) render.Renderer {
	return render.Func(func(w io.Writer, r *report.Report) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	})
}
