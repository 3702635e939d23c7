// Package explain builds the catalog and explain views: the Code of
// Practice's themes, principles and claims with the rules behind each, the
// other frameworks' controls, and the prose of `assay explain`. It reads the
// catalog, the mapping and the rule registry; the CLI only prints what it
// returns.
package explain

import (
	"fmt"
	"sort"
	"strings"

	"github.com/assaysec/assay/internal/catalog"
	"github.com/assaysec/assay/internal/framework"
	"github.com/assaysec/assay/internal/mapping"
	"github.com/assaysec/assay/internal/rule"
	rulelist "github.com/assaysec/assay/internal/rule/list"
)

// Data is what the catalog and explain views read: the catalog, the
// claim-to-rule mapping and the metadata of every registered rule.
type Data struct {
	cat   *catalog.Catalog
	maps  *mapping.Mapping
	rules map[string]rule.Meta
}

// Load reads the embedded catalog, the mapping and the rule registry.
func Load() (*Data, error) {
	cat, err := catalog.Default()
	if err != nil {
		return nil, err
	}
	maps, err := mapping.Load()
	if err != nil {
		return nil, err
	}
	rs, err := rulelist.All()
	if err != nil {
		return nil, err
	}
	metas := map[string]rule.Meta{}
	for _, r := range rs {
		metas[r.Meta().ID] = r.Meta()
	}
	return &Data{cat: cat, maps: maps, rules: metas}, nil
}

// IDs lists every claim and rule id, for suggestions.
func (d *Data) IDs() []string {
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

// CanonicalID matches a rule id case-insensitively: `securitytxtvalid`
// is securityTxtValid. Theme, principle and claim ids are numbers.
func (d *Data) CanonicalID(id string) string {
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

// Text explains a theme, principle, claim, rule or framework control: what
// it asks, what evidence supports it, how Assay decides and how to
// remediate. It is false when nothing has that id.
func (d *Data) Text(id string) (string, bool) {
	var b strings.Builder
	if t, ok := d.cat.Theme(id); ok {
		d.themeText(&b, t)
		return b.String(), true
	}
	if p, ok := d.cat.Principle(id); ok {
		d.principleText(&b, p)
		return b.String(), true
	}
	if c, ok := d.cat.Claim(id); ok {
		d.claimText(&b, c)
		return b.String(), true
	}
	if m, ok := d.rules[id]; ok {
		d.ruleText(&b, id, m)
		return b.String(), true
	}
	return explainControl(id)
}

func (d *Data) themeText(b *strings.Builder, t *catalog.Theme) {
	fmt.Fprintf(b, "Theme %s: %s\n\n%s\n\nPrinciples:\n", t.ID, t.Title, t.Goal)
	for _, p := range t.Principles {
		fmt.Fprintf(b, "  %s %s\n", p.ID, p.Title)
	}
	var roles []string
	for _, r := range d.cat.Roles {
		for _, th := range r.Themes {
			if th == t.ID {
				roles = append(roles, r.ID)
			}
		}
	}
	fmt.Fprintf(b, "\nApplies to: %s\n", strings.Join(roles, ", "))
}

func (d *Data) principleText(b *strings.Builder, p *catalog.Principle) {
	id := p.ID
	fmt.Fprintf(b, "Principle %s: %s\n\n%s\n\n", p.ID, p.Title, p.Summary)
	b.WriteString("How Assay decides: the principle is met when every applicable claim is met; not met when any claim is not met; partially met when some are met and the rest unknown; unknown when none is known.\n\nClaims:\n")
	for _, c := range p.Claims {
		fmt.Fprintf(b, "  %-6s [%s] %s\n", c.ID, c.Automation, c.Statement)
	}
	writeCrosswalk(b, d, id)
}

func (d *Data) claimText(b *strings.Builder, c *catalog.Claim) {
	id := c.ID
	fmt.Fprintf(b, "Claim %s (principle %s): %s\n\n", c.ID, c.Principle, c.Statement)
	fmt.Fprintf(b, "Automation: %s\n", c.Automation)
	fmt.Fprintf(b, "Evidence that can support it: %s\n", strings.Join(c.Evidence, ", "))
	if len(c.Signals) > 0 {
		b.WriteString("Signals Assay looks for:\n")
		for _, s := range c.Signals {
			fmt.Fprintf(b, "  - %s\n", s)
		}
	}
	r := d.maps.Claim(c.ID)
	writeDecision(b, c)
	b.WriteString("\nRules:\n")
	writeRuleRoles(b, r, "")
	if r.Deciding() == 0 {
		b.WriteString("  none decides it: it is met only by a valid attestation in assay.yaml\n")
	}
	if c.Attestation != "" {
		fmt.Fprintf(b, "  attestation that settles it: %s\n", c.Attestation)
	}
	if c.SaaS != "" {
		fmt.Fprintf(b, "\nFor SaaS delivery: %s\n", c.SaaS)
	}
	b.WriteString("\nRemediation:\n")
	for _, rem := range c.Remediation {
		fmt.Fprintf(b, "  - %s\n", rem)
	}
	writeCrosswalk(b, d, id)
}

// writeDecision says how Assay decides the claim.
func writeDecision(b *strings.Builder, c *catalog.Claim) {
	b.WriteString("\nDecision:\n")
	dec := c.Decision
	switch {
	case dec.MetWhen != "":
		fmt.Fprintf(b, "  met when: %s\n", dec.MetWhen)
	case c.Automation == catalog.AutomationHuman:
		b.WriteString("  met when: a person attests it; no file can prove it\n")
	default:
		b.WriteString("  met when: a person attests it; what Assay observes is shown as supporting evidence\n")
	}
	if dec.NotMetWhen != "" {
		fmt.Fprintf(b, "  not met when: %s\n", dec.NotMetWhen)
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
		fmt.Fprintf(b, "  confirm: %s\n", cf)
	}
	if c.Automation != catalog.AutomationAuto && dec.MetWhen != "" {
		b.WriteString("  at --assurance attested it also needs a valid attestation\n")
	}
}

func (d *Data) ruleText(b *strings.Builder, id string, m rule.Meta) {
	fmt.Fprintf(b, "Rule %s\n\n%s\n\nWhy: %s\n\nRemediation: %s\n", m.ID, m.Question, m.Rationale, m.Remediation)
	if claims := d.maps.ClaimsOf(id); len(claims) > 0 {
		b.WriteString("\nSupports claims:\n")
		for _, cid := range claims {
			if c, ok := d.cat.Claim(cid); ok {
				fmt.Fprintf(b, "  %-6s (%s) %s\n", cid, d.maps.Claim(cid).Role(id), c.Statement)
			}
		}
	} else if m.Hygiene {
		b.WriteString("\nA hygiene rule: its failures are reported as notices about the input, not against a claim.\n")
	}
}

func writeCrosswalk(b *strings.Builder, d *Data, id string) {
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

// explainControl describes a control of another framework: what it asks,
// what decides it and who made the mapping.
func explainControl(id string) (string, bool) {
	fws, err := framework.Default()
	if err != nil {
		return "", false
	}
	f, c, ok := fws.Find(id)
	if !ok {
		return "", false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s %s)\n\n%s\n\n", f.Meta.Title, c.ID, f.Meta.ID, f.Meta.Version, c.Title)
	if g, ok := f.Group(c.Group); ok {
		fmt.Fprintf(&b, "Group: %s %s\n", g.ID, g.Title)
	}
	if c.Level > 0 {
		fmt.Fprintf(&b, "Maturity level: %d\n", c.Level)
	}
	fmt.Fprintf(&b, "Mapping: %s\n\nHow Assay decides:\n", c.Source)
	role := "every one must be met"
	if c.ClaimsRole == framework.RoleSupporting {
		role = "shown as context, never deciding"
	}
	if len(c.Links) > 0 {
		b.WriteString("  UK claims (" + role + "):\n")
		for _, l := range c.Links {
			fmt.Fprintf(&b, "    %s (%s)\n", l.ID, l.Source)
		}
	}
	r := c.Rules
	writeRuleRoles(&b, r, "rules, ")
	if len(c.Principles) > 0 {
		fmt.Fprintf(&b, "  related UK principles: %s\n", strings.Join(c.Principles, ", "))
	}
	if !c.Deciding() {
		fmt.Fprintf(&b, "  nothing decides it: it is unknown (%s)\n", framework.NoEvidence)
	}
	if c.Absence == "decisive" {
		b.WriteString("  a deciding rule that finds nothing makes it not met\n")
	} else {
		b.WriteString("  a deciding rule that finds nothing leaves it unknown\n")
	}
	if c.Person != "" {
		fmt.Fprintf(&b, "\nA person must attest: %s\n", c.Person)
	}
	return b.String(), true
}

// writeRuleRoles lists a claim's or control's rules by role, one line per
// role that has any, each line starting with prefix.
func writeRuleRoles(b *strings.Builder, r mapping.Rules, prefix string) {
	for _, role := range []struct {
		ids  []string
		what string
	}{
		{r.All, "every one must hold"},
		{r.Any, "at least one must hold"},
		{r.Blocks, "a violation of any makes it not met"},
		{r.Supporting, "shown as supporting evidence"},
	} {
		if len(role.ids) > 0 {
			fmt.Fprintf(b, "  %s%s: %s\n", prefix, role.what, strings.Join(role.ids, ", "))
		}
	}
}
