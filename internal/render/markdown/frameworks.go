package markdown

import (
	"fmt"
	"strings"

	"github.com/assaysec/assay/internal/report"
)

// writeFrameworks renders each other framework's controls, grouped by
// their top-level group, after the UK claims.
func writeFrameworks(b *strings.Builder, r *report.Report) {
	for _, f := range r.Frameworks {
		fmt.Fprintf(b, "## %s (%s %s)\n\n", esc(f.Title), f.ID, esc(f.Version))
		s := f.Summary
		fmt.Fprintf(b, "%d controls: %d met, %d not met, %d unknown, %d not applicable. Mapping: %s.", s.Total, s.Met, s.NotMet, s.Unknown, s.NotApplicable, f.MappingSource)
		if f.MappingNote != "" {
			fmt.Fprintf(b, " %s", esc(f.MappingNote))
		}
		b.WriteString("\n\n")
		titles := map[string]string{}
		for _, g := range f.Groups {
			titles[g.ID] = g.Title
		}
		current := ""
		for i, c := range f.Controls {
			if t := heading(f, c, titles); t != current {
				if i > 0 {
					b.WriteString("\n")
				}
				current = t
				fmt.Fprintf(b, "### %s\n\n| Control | Level | Status | Evidence | Reason | Mapping |\n|---|---|---|---|---|---|\n", esc(t))
			}
			level := ""
			if c.Level > 0 {
				level = fmt.Sprint(c.Level)
			}
			fmt.Fprintf(b, "| **%s** %s | %s | %s | %s | %s | %s |\n", esc(c.ID), esc(c.Title), level, statusText[c.Status], controlEvidence(c), esc(c.Reason), c.Source)
		}
		b.WriteString("\n")
	}
}

// heading groups controls by maturity level where the framework has
// levels, else by their top-level group.
func heading(f report.FrameworkView, c report.ControlVerdict, titles map[string]string) string {
	if c.Level > 0 {
		return fmt.Sprintf("Maturity level %d", c.Level)
	}
	top := c.Group
	for _, g := range f.Groups {
		if g.ID == c.Group && g.Parent != "" {
			top = g.Parent
		}
	}
	return top + " " + titles[top]
}

// controlEvidence lists the mapped claims with their status and the
// deciding rules' findings with their location.
func controlEvidence(c report.ControlVerdict) string {
	var parts []string
	for _, cl := range c.Claims {
		parts = append(parts, fmt.Sprintf("claim %s %s", cl.ID, strings.ReplaceAll(string(cl.Status), "_", " ")))
	}
	for _, f := range c.Findings {
		p := fmt.Sprintf("%s %s: %s", esc(f.Rule), f.Outcome, esc(f.Message))
		if l := loc(f.Location); l != "" {
			p += " " + l
		}
		parts = append(parts, p)
	}
	if len(parts) > 6 {
		parts = append(parts[:6], fmt.Sprintf("and %d more", len(parts)-6))
	}
	return strings.Join(parts, "<br>")
}
