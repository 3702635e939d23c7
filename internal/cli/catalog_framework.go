package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/assaysec/assay/internal/framework"
)

// writeFrameworkCatalog prints one framework's controls and what each maps
// to, for `assay catalog --framework ID`.
func writeFrameworkCatalog(w io.Writer, id, format string) error {
	fws, err := framework.Default()
	if err != nil {
		return err
	}
	if id == framework.UK {
		return nil // the caller prints the UK catalog
	}
	f, ok := fws.Get(id)
	if !ok {
		return usagef("--framework: unknown framework %q; want one of %s", id, strings.Join(fws.IDs(), ", "))
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(f)
	case "text", "markdown":
	default:
		return usagef("--format: catalog --framework supports text, json or markdown; got %q", format)
	}
	var b strings.Builder
	m := f.Meta
	md := format == "markdown"
	if md {
		fmt.Fprintf(&b, "# %s\n\n`%s` version %s, %s. Mapping: %s. %s\n\n| Control | Level | Title | UK claims | Rules | Needs a person |\n|---|---|---|---|---|---|\n", m.Title, m.ID, m.Version, m.Publisher, m.Source, strings.TrimSpace(m.Note))
	} else {
		fmt.Fprintf(&b, "%s (%s %s, mapping %s)\n%s\n\n", m.Title, m.ID, m.Version, m.Source, m.Publisher)
	}
	for _, c := range f.Controls {
		var claims []string
		for _, l := range c.Links {
			claims = append(claims, l.ID+" ("+l.Source+")")
		}
		role := ""
		if c.ClaimsRole == framework.RoleSupporting && len(claims) > 0 {
			role = " supporting"
		}
		level := ""
		if c.Level > 0 {
			level = fmt.Sprint(c.Level)
		}
		if md {
			fmt.Fprintf(&b, "| %s | %s | %s | %s%s | %s | %s |\n", c.ID, level, c.Title, strings.Join(claims, ", "), role, strings.Join(c.Rules.IDs(), ", "), c.Person)
			continue
		}
		fmt.Fprintf(&b, "  %-14s %-2s %s\n", c.ID, level, c.Title)
		if len(claims) > 0 {
			fmt.Fprintf(&b, "                    claims%s: %s\n", role, strings.Join(claims, ", "))
		}
		if ids := c.Rules.IDs(); len(ids) > 0 {
			fmt.Fprintf(&b, "                    rules: %s\n", strings.Join(ids, ", "))
		}
		if !c.Deciding() {
			fmt.Fprintf(&b, "                    %s\n", framework.NoEvidence)
		}
	}
	_, err = io.WriteString(w, b.String())
	return err
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
	if len(r.All) > 0 {
		fmt.Fprintf(&b, "  rules, every one must hold: %s\n", strings.Join(r.All, ", "))
	}
	if len(r.Any) > 0 {
		fmt.Fprintf(&b, "  rules, at least one must hold: %s\n", strings.Join(r.Any, ", "))
	}
	if len(r.Blocks) > 0 {
		fmt.Fprintf(&b, "  rules whose violation makes it not met: %s\n", strings.Join(r.Blocks, ", "))
	}
	if len(r.Supporting) > 0 {
		fmt.Fprintf(&b, "  rules shown as supporting evidence: %s\n", strings.Join(r.Supporting, ", "))
	}
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
