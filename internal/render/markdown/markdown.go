// Package markdown renders the report as a Code of Practice self-assessment:
// a header naming the product, vendor and Senior Responsible Owner with the
// assessment and next review dates, then per principle a table of claims with
// status, evidence, argument and remediation, then a summary table.
package markdown

import (
	"fmt"
	"io"
	"strings"

	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/textsafe"
)

// New returns the Markdown renderer.
func New(render.Options) render.Renderer {
	return render.Func(func(w io.Writer, r *report.Report) error {
		var b strings.Builder
		write(&b, r)
		_, err := io.WriteString(w, b.String())
		return err
	})
}

// esc makes a repository-supplied string safe inside a Markdown table cell:
// no control characters, no raw HTML, no table-breaking pipes or newlines.
func esc(s string) string {
	s = textsafe.Clean(s)
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "|", `\|`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`)
	return r.Replace(s)
}

var statusText = map[report.ClaimStatus]string{
	report.ClaimMet:           "✅ Met",
	report.ClaimNotMet:        "❌ Not met",
	report.ClaimUnknown:       "❔ Unknown",
	report.ClaimNotApplicable: "➖ Not applicable",
}

var principleText = map[report.PrincipleStatus]string{
	report.PrincipleMet:           "✅ Met",
	report.PrinciplePartiallyMet:  "🟡 Partially met",
	report.PrincipleNotMet:        "❌ Not met",
	report.PrincipleUnknown:       "❔ Unknown",
	report.PrincipleNotApplicable: "➖ Not applicable",
}

func loc(l report.Location) string {
	switch {
	case l.Path != "" && l.Line > 0:
		return fmt.Sprintf("`%s:%d`", codeSafe(l.Path), l.Line)
	case l.Path != "":
		return fmt.Sprintf("`%s`", codeSafe(l.Path))
	case l.URL != "":
		return esc(l.URL)
	case l.Commit != "":
		c := l.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		return "commit `" + codeSafe(c) + "`"
	}
	return ""
}

// codeSafe prepares a string for an inline code span inside a table.
func codeSafe(s string) string {
	return strings.NewReplacer("`", "'", "|", `\|`).Replace(textsafe.Clean(s))
}

func write(b *strings.Builder, r *report.Report) {
	writeHeader(b, r)
	writeThemes(b, r)
	writeSummary(b, r)
	writeFrameworks(b, r)
	writeAnnexes(b, r)
}

// writeHeader writes the table that says what was assessed, by whom and
// when.
func writeHeader(b *strings.Builder, r *report.Report) {
	s := r.Subject
	fmt.Fprintf(b, "# Software Security Code of Practice: self-assessment\n\n")
	fmt.Fprintf(b, "| | |\n|---|---|\n")
	fmt.Fprintf(b, "| Product | %s |\n", esc(s.Product))
	if s.Vendor != "" {
		fmt.Fprintf(b, "| Vendor | %s |\n", esc(s.Vendor))
	}
	fmt.Fprintf(b, "| Role | %s (%s) |\n", s.Role, s.Delivery)
	if s.SRO != nil {
		sro := esc(s.SRO.Name)
		if s.SRO.Role != "" {
			sro += ", " + esc(s.SRO.Role)
		}
		fmt.Fprintf(b, "| Senior Responsible Owner | %s |\n", sro)
	} else {
		fmt.Fprintf(b, "| Senior Responsible Owner | not declared (add `sro:` to assay.yaml) |\n")
	}
	fmt.Fprintf(b, "| Assessment date | %s |\n", r.AssessedAt.Format("2006-01-02"))
	if r.Assurance != "" {
		fmt.Fprintf(b, "| Assurance level | %s |\n", esc(r.Assurance))
	}
	fmt.Fprintf(b, "| Next review date | %s |\n", r.NextReview)
	if so := r.SignOff; so != nil {
		state := "signature verified (" + esc(so.Signer) + ")"
		if so.Status != report.SignOffCurrent {
			state = strings.ReplaceAll(string(so.Status), "_", " ") + ": " + esc(so.Reason)
		}
		fmt.Fprintf(b, "| SRO sign-off | %s, %s; next review %s; %s |\n", esc(so.Name), esc(so.SignedAt), esc(so.NextReview), state)
	}
	fmt.Fprintf(b, "| Framework | %s, %s (assurance claims v%s) |\n", esc(r.Framework.Title), r.Framework.Version, r.Framework.ClaimsVersion)
	commit := s.Commit
	if commit == "" {
		commit = "not under version control"
	}
	fmt.Fprintf(b, "| Source | `%s` at `%s` |\n", codeSafe(s.Path), codeSafe(commit))
	fmt.Fprintf(b, "| Assessed by | %s %s |\n\n", r.Tool.Name, esc(r.Tool.Version))
}

// writeThemes writes each theme's principles with a row per claim.
func writeThemes(b *strings.Builder, r *report.Report) {
	principles := map[string]report.Principle{}
	for _, p := range r.Principles {
		principles[p.ID] = p
	}
	for _, t := range r.Themes {
		fmt.Fprintf(b, "## Theme %s: %s\n\n", t.ID, esc(t.Title))
		for _, id := range t.Principles {
			p := principles[id]
			fmt.Fprintf(b, "### %s %s\n\n", p.ID, esc(p.Title))
			fmt.Fprintf(b, "**Status:** %s (%s)\n\n", principleText[p.Status], esc(p.Reason))
			fmt.Fprintf(b, "| Claim | Status | Evidence | Argument or reason | Remediation |\n|---|---|---|---|---|\n")
			for _, c := range p.Claims {
				status := statusText[c.Status]
				if c.Waiver != nil {
					status += fmt.Sprintf(" (waived until %s)", c.Waiver.Expires)
				}
				fmt.Fprintf(b, "| **%s** %s | %s | %s | %s | %s |\n", c.ID, esc(c.Statement), status, evidenceCell(r, c), reasonCell(r, c), remediationCell(c))
			}
			b.WriteString("\n")
		}
	}
}

// writeSummary writes the principles' statuses and claim counts.
func writeSummary(b *strings.Builder, r *report.Report) {
	fmt.Fprintf(b, "## Summary\n\n")
	fmt.Fprintf(b, "| Principle | Status | Met | Not met | Unknown | Not applicable |\n|---|---|---|---|---|---|\n")
	for _, p := range r.Principles {
		fmt.Fprintf(b, "| %s %s | %s | %d | %d | %d | %d |\n", p.ID, esc(p.Title), principleText[p.Status], p.Counts.Met, p.Counts.NotMet, p.Counts.Unknown, p.Counts.NotApplicable)
	}
	c := r.Summary.Claims
	fmt.Fprintf(b, "| **All claims** | | **%d** | **%d** | **%d** | **%d** |\n\n", c.Met, c.NotMet, c.Unknown, c.NotApplicable)
}

// writeAnnexes writes what to fix first, notices, collectors and the
// sign-off line.
func writeAnnexes(b *strings.Builder, r *report.Report) {
	if len(r.FixFirst) > 0 {
		fmt.Fprintf(b, "## What to fix first\n\n")
		for i, f := range r.FixFirst {
			fmt.Fprintf(b, "%d. **%s** (%s): %s\n", i+1, f.Claim, strings.ReplaceAll(string(f.Status), "_", " "), esc(f.Action))
		}
		b.WriteString("\n")
	}
	if len(r.Notices) > 0 {
		fmt.Fprintf(b, "## Notices about the input\n\n")
		for _, n := range r.Notices {
			fmt.Fprintf(b, "- %s %s\n", loc(n.Location), esc(n.Message))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "## Evidence collectors\n\n| Collector | Status | Reason |\n|---|---|---|\n")
	for _, col := range r.Collectors {
		fmt.Fprintf(b, "| %s | %s | %s |\n", col.Name, col.Status, esc(col.Reason))
	}
	b.WriteString("\n")
	if r.SignOff == nil || r.SignOff.Status != report.SignOffCurrent {
		fmt.Fprintf(b, "## Sign-off\n\nSenior Responsible Owner: ____________________  Date: __________\n")
	}
}

func evidenceCell(r *report.Report, c report.Claim) string {
	var parts []string
	for _, f := range c.Findings {
		if f.Outcome != report.OutcomeTrue && f.Outcome != report.OutcomeFalse {
			continue
		}
		l := loc(f.Location)
		if l == "" {
			continue
		}
		mark := "✓"
		if f.Outcome == report.OutcomeFalse {
			mark = "✗"
		}
		parts = append(parts, mark+" "+l)
		if len(parts) == 4 {
			break
		}
	}
	for _, i := range c.Attestations {
		if i < len(r.Attestations) {
			a := r.Attestations[i]
			for _, d := range a.Evidence {
				if d.Path != "" {
					parts = append(parts, "attested: `"+codeSafe(d.Path)+"`")
				} else if d.URL != "" {
					parts = append(parts, "attested: "+esc(d.URL))
				}
			}
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "<br>")
}

func reasonCell(r *report.Report, c report.Claim) string {
	parts := []string{esc(c.Reason)}
	for _, i := range c.Attestations {
		if i < len(r.Attestations) {
			parts = append(parts, "Argument: "+esc(r.Attestations[i].Statement))
		}
	}
	for _, cf := range c.Confirm {
		parts = append(parts, "Confirm: "+esc(cf))
	}
	if c.Settle != "" {
		parts = append(parts, "To settle: "+esc(c.Settle))
	}
	if c.SaaS != "" {
		parts = append(parts, "SaaS: "+esc(c.SaaS))
	}
	return strings.Join(parts, "<br>")
}

func remediationCell(c report.Claim) string {
	if len(c.Remediation) == 0 {
		return ""
	}
	out := make([]string, len(c.Remediation))
	for i, r := range c.Remediation {
		out[i] = esc(r)
	}
	return strings.Join(out, "<br>")
}
