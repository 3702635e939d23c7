package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/catalog"
	"github.com/assaysec/assay/internal/textsafe"
)

func newExplainCmd(streams *IO) *cobra.Command {
	var repo string
	cmd := &cobra.Command{
		Use:   "explain ID",
		Short: "Explain a theme, principle, claim or rule: what it asks, what evidence supports it, how Assay decides, how to remediate",
		Example: `  assay explain 3.2
  assay explain 3.2.2
  assay explain securityTxtValid`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			d, err := loadCatalogData()
			if err != nil {
				return err
			}
			id := d.canonicalID(args[0])
			text, ok := explain(d, id)
			if !ok {
				text, ok, err = explainCustom(repo, args[0])
				if err != nil {
					return err
				}
			}
			if !ok {
				return usagef("nothing called %q%s: want a theme (3), principle (3.2), claim (3.2.1), rule id or framework control such as PO.1.1, OSPS-AC-01.01 or cra-annex-i:II.5 (see `assay catalog`)", textsafe.Clean(args[0]), didYouMean(args[0], d.ids()))
			}
			_, err = io.WriteString(streams.Out, text)
			return err
		},
	}
	cmd.Flags().StringVar(&repo, "repo", ".", "repository `PATH` whose custom rules (assay.yaml rules:, rules/*.yaml) explain also knows")
	return cmd
}

// ids lists every claim and rule id, for suggestions.
func (d *catalogData) ids() []string {
	var out []string
	for _, c := range d.cat.Claims() {
		out = append(out, c.ID)
	}
	for id := range d.rules {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// canonicalID matches a rule id case-insensitively: `securitytxtvalid`
// is securityTxtValid. Theme, principle and claim ids are numbers.
func (d *catalogData) canonicalID(id string) string {
	if _, ok := d.rules[id]; ok {
		return id
	}
	for r := range d.rules {
		if strings.EqualFold(r, id) {
			return r
		}
	}
	return id
}

func explain(d *catalogData, id string) (string, bool) {
	var b strings.Builder
	if t, ok := d.cat.Theme(id); ok {
		fmt.Fprintf(&b, "Theme %s: %s\n\n%s\n\nPrinciples:\n", t.ID, t.Title, t.Goal)
		for _, p := range t.Principles {
			fmt.Fprintf(&b, "  %s %s\n", p.ID, p.Title)
		}
		var roles []string
		for _, r := range d.cat.Roles {
			for _, th := range r.Themes {
				if th == t.ID {
					roles = append(roles, r.ID)
				}
			}
		}
		fmt.Fprintf(&b, "\nApplies to: %s\n", strings.Join(roles, ", "))
		return b.String(), true
	}
	if p, ok := d.cat.Principle(id); ok {
		fmt.Fprintf(&b, "Principle %s: %s\n\n%s\n\n", p.ID, p.Title, p.Summary)
		b.WriteString("How Assay decides: the principle is met when every applicable claim is met; not met when any claim is not met; partially met when some are met and the rest unknown; unknown when none is known.\n\nClaims:\n")
		for _, c := range p.Claims {
			fmt.Fprintf(&b, "  %-6s [%s] %s\n", c.ID, c.Automation, c.Statement)
		}
		writeCrosswalk(&b, d, id)
		return b.String(), true
	}
	if c, ok := d.cat.Claim(id); ok {
		fmt.Fprintf(&b, "Claim %s (principle %s): %s\n\n", c.ID, c.Principle, c.Statement)
		fmt.Fprintf(&b, "Automation: %s\n", c.Automation)
		fmt.Fprintf(&b, "Evidence that can support it: %s\n", strings.Join(c.Evidence, ", "))
		if len(c.Signals) > 0 {
			b.WriteString("Signals Assay looks for:\n")
			for _, s := range c.Signals {
				fmt.Fprintf(&b, "  - %s\n", s)
			}
		}
		r := d.maps.Claim(c.ID)
		b.WriteString("\nDecision:\n")
		dec := c.Decision
		switch {
		case dec.MetWhen != "":
			fmt.Fprintf(&b, "  met when: %s\n", dec.MetWhen)
		case c.Automation == catalog.AutomationHuman:
			b.WriteString("  met when: a person attests it; no file can prove it\n")
		default:
			b.WriteString("  met when: a person attests it; what Assay observes is shown as supporting evidence\n")
		}
		if dec.NotMetWhen != "" {
			fmt.Fprintf(&b, "  not met when: %s\n", dec.NotMetWhen)
		} else {
			b.WriteString("  not met when: never on observation alone\n")
		}
		switch dec.Absence {
		case catalog.AbsenceDecisive:
			b.WriteString("  no signal found: not met (the repository itself must hold it)\n")
		case catalog.AbsenceIfNone:
			b.WriteString("  no signal found: not met when no deciding rule found any positive signal; unknown otherwise\n")
		default:
			b.WriteString("  no signal found: unknown (the truth can live outside the repository)\n")
		}
		b.WriteString("  otherwise: unknown, with the reason and what would settle it\n")
		for _, cf := range dec.Confirm {
			fmt.Fprintf(&b, "  confirm: %s\n", cf)
		}
		if c.Automation != catalog.AutomationAuto && dec.MetWhen != "" {
			b.WriteString("  at --assurance attested it also needs a valid attestation\n")
		}
		b.WriteString("\nRules:\n")
		if len(r.All) > 0 {
			fmt.Fprintf(&b, "  every one must hold: %s\n", strings.Join(r.All, ", "))
		}
		if len(r.Any) > 0 {
			fmt.Fprintf(&b, "  at least one must hold: %s\n", strings.Join(r.Any, ", "))
		}
		if len(r.Blocks) > 0 {
			fmt.Fprintf(&b, "  a violation of any makes it not met: %s\n", strings.Join(r.Blocks, ", "))
		}
		if len(r.Supporting) > 0 {
			fmt.Fprintf(&b, "  shown as supporting evidence: %s\n", strings.Join(r.Supporting, ", "))
		}
		if r.Deciding() == 0 {
			b.WriteString("  none decides it: it is met only by a valid attestation in assay.yaml\n")
		}
		if c.Attestation != "" {
			fmt.Fprintf(&b, "  attestation that settles it: %s\n", c.Attestation)
		}
		if c.SaaS != "" {
			fmt.Fprintf(&b, "\nFor SaaS delivery: %s\n", c.SaaS)
		}
		b.WriteString("\nRemediation:\n")
		for _, rem := range c.Remediation {
			fmt.Fprintf(&b, "  - %s\n", rem)
		}
		writeCrosswalk(&b, d, id)
		return b.String(), true
	}
	if m, ok := d.rules[id]; ok {
		fmt.Fprintf(&b, "Rule %s\n\n%s\n\nWhy: %s\n\nRemediation: %s\n", m.ID, m.Question, m.Rationale, m.Remediation)
		if claims := d.maps.ClaimsOf(id); len(claims) > 0 {
			b.WriteString("\nSupports claims:\n")
			for _, cid := range claims {
				if c, ok := d.cat.Claim(cid); ok {
					fmt.Fprintf(&b, "  %-6s (%s) %s\n", cid, d.maps.Claim(cid).Role(id), c.Statement)
				}
			}
		} else if m.Hygiene {
			b.WriteString("\nA hygiene rule: its failures are reported as notices about the input, not against a claim.\n")
		}
		return b.String(), true
	}
	return explainControl(id)
}

func writeCrosswalk(b *strings.Builder, d *catalogData, id string) {
	refs := d.cat.CrosswalkFor(id)
	if len(refs) == 0 {
		return
	}
	b.WriteString("\nRelated controls:\n")
	for _, r := range refs {
		title := ""
		if r.Title != "" {
			title = " " + r.Title
		}
		fmt.Fprintf(b, "  %s %s%s (%s, via %s)\n", r.Crosswalk, r.Ref, title, r.Source, r.Via)
	}
}
