package text

import (
	"fmt"

	"github.com/assaysec/assay/internal/report"
)

// frameworks prints each other framework's controls with status and reason.
func (p *printer) frameworks(r *report.Report) {
	for _, f := range r.Frameworks {
		p.printf("\n%s\n", p.color(ansiBold, fmt.Sprintf("%s (%s %s, mapping %s)", clean(f.Title), f.ID, clean(f.Version), f.MappingSource)))
		for _, c := range f.Controls {
			level := ""
			if c.Level > 0 {
				level = fmt.Sprintf(" L%d", c.Level)
			}
			p.printf("  %-14s%s %s  %s\n", c.ID, level, p.claimMark(c.Status), clean(c.Reason))
			if p.opts.Verbose {
				for _, fd := range c.Findings {
					where := loc(fd.Location)
					if where != "" {
						where = "  (" + where + ")"
					}
					p.printf("                 %s %s: %s%s\n", p.color(ansiDim, "·"), fd.Rule, clean(fd.Message), where)
				}
			}
		}
		s := f.Summary
		p.printf("  Controls    %d met, %d not met, %d unknown, %d not applicable (of %d)\n", s.Met, s.NotMet, s.Unknown, s.NotApplicable, s.Total)
	}
}
