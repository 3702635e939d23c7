// Package cisa renders the CISA Secure Software Development Attestation
// Form as a Markdown draft: Sections I and II filled from the report's
// subject, Section III's attestations filled from the report's NIST SSDF
// view, each with the evidence per SSDF task and the items that still need a
// person. It reads the report only; the SSDF view must be in it (the CLI
// adds it for this format).
package cisa

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/textsafe"
)

// Framework is the framework view the form reads.
const Framework = "ssdf"

//go:embed form.yaml
var formYAML []byte

// Section is one attestation of the form's Section III.
type Section struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	Items []Item `yaml:"items"`
}

// Item is one attested statement and the SSDF tasks the form cites for it.
type Item struct {
	ID    string   `yaml:"id"`
	Title string   `yaml:"title"`
	Tasks []string `yaml:"tasks"`
}

// Form returns the form's Section III, parsed once.
var Form = sync.OnceValues(func() ([]Section, error) {
	var s []Section
	dec := yaml.NewDecoder(bytes.NewReader(formYAML))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("cisa form: %w", err)
	}
	return s, nil
})

// New returns the renderer.
func New(render.Options) render.Renderer {
	return render.Func(func(w io.Writer, r *report.Report) error {
		form, err := Form()
		if err != nil {
			return err
		}
		var view *report.FrameworkView
		for i := range r.Frameworks {
			if r.Frameworks[i].ID == Framework {
				view = &r.Frameworks[i]
			}
		}
		if view == nil {
			return fmt.Errorf("cisa-attestation: the report has no %s view; assess with --framework %s", Framework, Framework)
		}
		var b strings.Builder
		write(&b, r, view, form)
		_, err = io.WriteString(w, b.String())
		return err
	})
}

func esc(s string) string {
	s = textsafe.Clean(s)
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "|", `\|`, "`", "'", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`).Replace(s)
}

var statusText = map[report.ClaimStatus]string{
	report.ClaimMet:           "evidenced",
	report.ClaimNotMet:        "NOT MET",
	report.ClaimUnknown:       "needs a person",
	report.ClaimNotApplicable: "not applicable",
}

// itemStatus rolls the tasks up: not met when any task is not met,
// evidenced when every applicable task is met, otherwise it needs a person.
func itemStatus(tasks []report.ControlVerdict) report.ClaimStatus {
	met, na := 0, 0
	for _, t := range tasks {
		switch t.Status {
		case report.ClaimNotMet:
			return report.ClaimNotMet
		case report.ClaimMet:
			met++
		case report.ClaimNotApplicable:
			na++
		}
	}
	switch {
	case len(tasks) > 0 && na == len(tasks):
		return report.ClaimNotApplicable
	case met > 0 && met+na == len(tasks):
		return report.ClaimMet
	}
	return report.ClaimUnknown
}

func write(b *strings.Builder, r *report.Report, v *report.FrameworkView, form []Section) {
	s := r.Subject
	tasks := map[string]report.ControlVerdict{}
	for _, c := range v.Controls {
		tasks[c.ID] = c
	}
	fmt.Fprintf(b, "# Secure Software Development Attestation Form (draft)\n\n")
	fmt.Fprintf(b, "Prepared by Assay %s from an assessment on %s against %s %s. A draft for the software producer: every item marked *needs a person* must be confirmed, and the form must be signed by the producer's CEO or a designee, before it is submitted.\n\n",
		esc(r.Tool.Version), r.AssessedAt.Format("2006-01-02"), esc(v.Title), esc(v.Version))
	fmt.Fprintf(b, "## Section I: type of attestation and software\n\n| | |\n|---|---|\n| Type | ☐ New ☐ Revised |\n| Product | %s |\n| Version or commit | %s |\n| Scope | ☐ all software of the producer ☐ this product only |\n\n", esc(s.Product), esc(shortCommit(s.Commit)))
	fmt.Fprintf(b, "## Section II: software producer\n\n| | |\n|---|---|\n| Company | %s |\n| Address | ____________________ |\n| Contact | %s |\n| Website | ____________________ |\n\n", blank(s.Vendor), blank(sroName(s.SRO)))
	fmt.Fprintf(b, "## Section III: attestation\n\nThe producer attests that:\n\n")
	var person []string
	for _, sec := range form {
		fmt.Fprintf(b, "### %s. %s\n\n", sec.ID, esc(sec.Title))
		for _, it := range sec.Items {
			var ts []report.ControlVerdict
			for _, id := range it.Tasks {
				if t, ok := tasks[id]; ok {
					ts = append(ts, t)
				}
			}
			st := itemStatus(ts)
			fmt.Fprintf(b, "**%s** %s: **%s**\n\n| SSDF task | Status | Evidence | Reason |\n|---|---|---|---|\n", it.ID, esc(it.Title), statusText[st])
			for _, t := range ts {
				fmt.Fprintf(b, "| %s | %s | %s | %s |\n", t.ID, strings.ReplaceAll(string(t.Status), "_", " "), evidence(t), esc(t.Reason))
			}
			b.WriteString("\n")
			if st != report.ClaimMet && st != report.ClaimNotApplicable {
				line := fmt.Sprintf("%s %s", it.ID, it.Title)
				var asks []string
				for _, t := range ts {
					if t.Status != report.ClaimMet && t.Person != "" {
						asks = append(asks, t.ID+": "+t.Person)
					}
				}
				if len(asks) > 0 {
					line += " (" + strings.Join(asks, "; ") + ")"
				}
				person = append(person, line)
			}
		}
	}
	b.WriteString("## Items that need a person\n\n")
	if len(person) == 0 {
		b.WriteString("None: every item is evidenced by observation or attestation. Review the evidence before signing.\n\n")
	}
	for _, p := range person {
		fmt.Fprintf(b, "- %s\n", esc(p))
	}
	if len(person) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("## Signature\n\nName: ____________________  Title: ____________________  Date: __________\n")
}

func evidence(t report.ControlVerdict) string {
	var parts []string
	for _, c := range t.Claims {
		parts = append(parts, fmt.Sprintf("UK claim %s %s", c.ID, strings.ReplaceAll(string(c.Status), "_", " ")))
	}
	for _, f := range t.Findings {
		p := esc(f.Rule) + ": " + esc(f.Message)
		if f.Location.Path != "" {
			p += fmt.Sprintf(" (%s", esc(f.Location.Path))
			if f.Location.Line > 0 {
				p += fmt.Sprintf(":%d", f.Location.Line)
			}
			p += ")"
		}
		parts = append(parts, p)
	}
	if len(parts) > 4 {
		parts = append(parts[:4], fmt.Sprintf("and %d more", len(parts)-4))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "<br>")
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	if c == "" {
		return "____________________"
	}
	return c
}

func blank(s string) string {
	if s == "" {
		return "____________________"
	}
	return esc(s)
}

func sroName(p *report.Person) string {
	if p == nil {
		return ""
	}
	if p.Role != "" {
		return p.Name + " (" + p.Role + ")"
	}
	return p.Name
}
