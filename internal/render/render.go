// Package render turns a report into bytes. Renderers only render: every
// value they show is computed before, in the report. The registry below is
// the single list of format names; the --format flag and its help read it.
package render

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/assaysec/assay/internal/report"
)

// Options tune a renderer.
type Options struct {
	Color   bool // ANSI colour; only when writing to a terminal
	Verbose bool // include every finding with its location
}

// Renderer writes a report in one format.
type Renderer interface {
	Render(w io.Writer, r *report.Report) error
}

// Func adapts a function to Renderer.
type Func func(w io.Writer, r *report.Report) error

// Render implements Renderer.
func (f Func) Render(w io.Writer, r *report.Report) error { return f(w, r) }

// Registry maps format names to renderer constructors.
type Registry map[string]func(Options) Renderer

// Names returns the format names, sorted.
func (reg Registry) Names() []string {
	names := make([]string, 0, len(reg))
	for n := range reg {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Get returns the renderer for a format.
func (reg Registry) Get(format string, opts Options) (Renderer, error) {
	mk, ok := reg[format]
	if !ok {
		return nil, fmt.Errorf("unknown format %q; want one of %s", format, strings.Join(reg.Names(), ", "))
	}
	return mk(opts), nil
}

// Has reports whether format is registered.
func (reg Registry) Has(format string) bool { return slices.Contains(reg.Names(), format) }
