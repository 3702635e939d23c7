// Package text renders the report for a terminal: grouped by theme, one line
// per principle and claim with a status symbol and the reason. Every string
// that came from the repository or the declaration passes through textsafe,
// so a hostile file name or security.txt cannot drive the terminal.
package text

import (
	"fmt"
	"io"
	"strings"

	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/textsafe"
)

// New returns the text renderer.
func New(opts render.Options) render.Renderer {
	return render.Func(func(w io.Writer, r *report.Report) error {
		p := &printer{w: w, opts: opts}
		p.render(r)
		return p.err
	})
}

type printer struct {
	w    io.Writer
	opts render.Options
	err  error
}

func (p *printer) printf(format string, args ...any) {
	if p.err != nil {
		return
	}
	_, p.err = fmt.Fprintf(p.w, format, args...)
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiDim    = "\x1b[2m"
)

func (p *printer) color(code, s string) string {
	if !p.opts.Color {
		return s
	}
	return code + s + ansiReset
}

func (p *printer) claimMark(s report.ClaimStatus) string {
	switch s {
	case report.ClaimMet:
		return p.color(ansiGreen, "✓ MET    ")
	case report.ClaimNotMet:
		return p.color(ansiRed, "✗ NOT MET")
	case report.ClaimUnknown:
		return p.color(ansiYellow, "? UNKNOWN")
	}
	return p.color(ansiDim, "- N/A    ")
}

func (p *printer) principleMark(s report.PrincipleStatus) string {
	switch s {
	case report.PrincipleMet:
		return p.color(ansiGreen, "MET")
	case report.PrinciplePartiallyMet:
		return p.color(ansiYellow, "PARTIALLY MET")
	case report.PrincipleNotMet:
		return p.color(ansiRed, "NOT MET")
	case report.PrincipleUnknown:
		return p.color(ansiYellow, "UNKNOWN")
	}
	return p.color(ansiDim, "NOT APPLICABLE")
}

func clean(s string) string { return textsafe.Clean(s) }

func loc(l report.Location) string {
	switch {
	case l.Path != "" && l.Line > 0:
		return fmt.Sprintf("%s:%d", clean(l.Path), l.Line)
	case l.Path != "":
		return clean(l.Path)
	case l.URL != "":
		return clean(l.URL)
	case l.Commit != "":
		c := l.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		return "commit " + clean(c)
	}
	return ""
}

func (p *printer) render(r *report.Report) {
	s := r.Subject
	p.printf("%s\n", p.color(ansiBold, fmt.Sprintf("Assay %s: %s", clean(r.Tool.Version), clean(r.Framework.Title))))
	p.printf("Framework  %s %s (claims v%s)\n", r.Framework.ID, r.Framework.Version, r.Framework.ClaimsVersion)
	product := clean(s.Product)
	if s.Vendor != "" {
		product += " by " + clean(s.Vendor)
	}
	p.printf("Product    %s  [%s, %s]\n", product, s.Role, s.Delivery)
	if s.SRO != nil {
		p.printf("SRO        %s", clean(s.SRO.Name))
		if s.SRO.Role != "" {
			p.printf(" (%s)", clean(s.SRO.Role))
		}
		p.printf("\n")
	}
	commit := s.Commit
	if len(commit) > 12 {
		commit = commit[:12]
	}
	if commit == "" {
		commit = "not under git"
	}
	p.printf("Subject    %s @ %s\n", clean(render.SubjectName(s)), commit)
	p.printf("Assessed   %s   next review %s\n", r.AssessedAt.Format("2006-01-02 15:04 MST"), r.NextReview)
	if r.Assurance != "" {
		p.printf("Assurance  %s\n", r.Assurance)
	}
	if so := r.SignOff; so != nil {
		line := fmt.Sprintf("%s signed %s, next review %s", clean(so.Name), clean(so.SignedAt), clean(so.NextReview))
		switch so.Status {
		case report.SignOffCurrent:
			line += p.color(ansiGreen, " (signature verified: "+clean(so.Signer)+")")
		default:
			line += p.color(ansiYellow, " ("+strings.ReplaceAll(string(so.Status), "_", " ")+": "+clean(so.Reason)+")")
		}
		p.printf("Sign-off   %s\n", line)
	}

	principles := map[string]report.Principle{}
	for _, pr := range r.Principles {
		principles[pr.ID] = pr
	}
	for _, t := range r.Themes {
		p.printf("\n%s\n", p.color(ansiBold, fmt.Sprintf("Theme %s: %s", t.ID, t.Title)))
		for _, id := range t.Principles {
			pr := principles[id]
			p.printf("  %s %s  %s\n", p.color(ansiBold, pr.ID), pr.Title, p.principleMark(pr.Status))
			for _, c := range pr.Claims {
				reason := clean(c.Reason)
				if c.Waiver != nil {
					reason = fmt.Sprintf("WAIVED until %s by %s: %s; %s", c.Waiver.Expires, clean(c.Waiver.Owner), clean(c.Waiver.Reason), reason)
				}
				p.printf("    %-6s %s  %s\n", c.ID, p.claimMark(c.Status), reason)
				if p.opts.Verbose {
					p.claimDetail(c)
				}
			}
		}
	}
	p.frameworks(r)
	p.summary(r)
}

func (p *printer) claimDetail(c report.Claim) {
	for _, f := range c.Findings {
		where := loc(f.Location)
		if where != "" {
			where = "  (" + where + ")"
		}
		p.printf("             %s %s: %s%s\n", p.color(ansiDim, "·"), f.Rule, clean(f.Message), where)
	}
	for _, cf := range c.Confirm {
		p.printf("             confirm: %s\n", clean(cf))
	}
	if c.Settle != "" {
		p.printf("             settle: %s\n", clean(c.Settle))
	}
	for _, rem := range c.Remediation {
		p.printf("             fix: %s\n", clean(rem))
	}
}

func (p *printer) summary(r *report.Report) {
	c := r.Summary.Claims
	p.printf("\n%s\n", p.color(ansiBold, "Summary"))
	p.printf("  Claims      %d met, %d not met, %d unknown, %d not applicable (of %d)", c.Met, c.NotMet, c.Unknown, c.NotApplicable, r.Summary.Total)
	if c.Waived > 0 {
		p.printf(", %d waived", c.Waived)
	}
	p.printf("\n")
	pc := r.Summary.Principles
	p.printf("  Principles  %d met, %d partially met, %d not met, %d unknown, %d not applicable\n", pc.Met, pc.PartiallyMet, pc.NotMet, pc.Unknown, pc.NotApplicable)
	var stale []string
	for _, a := range r.Attestations {
		if a.Status != report.AttestationValid {
			stale = append(stale, fmt.Sprintf("%s (%s): %s", a.Claim, a.Status, clean(a.Reason)))
		}
	}
	if len(stale) > 0 {
		p.printf("\n%s\n", p.color(ansiBold, "Attestations that do not count"))
		for _, s := range stale {
			p.printf("  %s\n", s)
		}
	}
	var waivers []string
	for _, w := range r.Waivers {
		if w.Status != report.WaiverActive {
			target := w.Claim
			if target == "" {
				target = w.Rule
			}
			waivers = append(waivers, fmt.Sprintf("%s: %s (expires %s)", target, w.Status, w.Expires))
		}
	}
	if len(waivers) > 0 {
		p.printf("\n%s\n", p.color(ansiBold, "Waivers not in force"))
		for _, w := range waivers {
			p.printf("  %s\n", w)
		}
	}
	if len(r.Notices) > 0 {
		p.printf("\n%s\n", p.color(ansiBold, "Notices about the input"))
		for _, n := range r.Notices {
			where := loc(n.Location)
			if where != "" {
				where += ": "
			}
			p.printf("  %s%s\n", where, clean(n.Message))
		}
	}
	var troubled []string
	for _, col := range r.Collectors {
		if col.Status != report.CollectorSucceeded {
			troubled = append(troubled, fmt.Sprintf("%s %s: %s", col.Name, col.Status, clean(col.Reason)))
		}
	}
	if len(troubled) > 0 {
		p.printf("\n%s\n", p.color(ansiBold, "Evidence not collected"))
		for _, t := range troubled {
			p.printf("  %s\n", t)
		}
	}
	if len(r.FixFirst) > 0 {
		p.printf("\n%s\n", p.color(ansiBold, "Fix first"))
		for i, f := range r.FixFirst {
			if i == 5 {
				p.printf("  … and %d more (see --format markdown or json)\n", len(r.FixFirst)-5)
				break
			}
			p.printf("  %d. %s %s: %s\n", i+1, f.Claim, strings.ReplaceAll(string(f.Status), "_", " "), clean(f.Action))
		}
	}
}
