package explain

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/assaysec/assay/internal/framework"
	"github.com/assaysec/assay/internal/render/oscal"
	"github.com/assaysec/assay/internal/report"
)

// InputError is a request the user got wrong (an unknown framework or
// format): the CLI reports it as a usage error.
type InputError struct{ msg string }

func (e *InputError) Error() string { return e.msg }

func inputErrorf(format string, args ...any) error {
	return &InputError{msg: fmt.Sprintf(format, args...)}
}

// CatalogFormats are the formats of `assay catalog`.
var CatalogFormats = map[string]func(w io.Writer, c *report.Catalog) error{
	"text":     writeCatalogText,
	"json":     writeCatalogJSON,
	"markdown": writeCatalogMarkdown,
	"oscal":    oscal.WriteCatalog,
}

// Catalog is the Code of Practice with the rules mapped to each claim.
func (d *Data) Catalog() *report.Catalog {
	f := d.cat.Framework
	v := &report.Catalog{Framework: report.CatalogFramework{ID: f.ID, Version: f.Version, ClaimsVersion: f.ClaimsVersion, Title: f.Title, Publisher: f.Publisher, URL: f.URL}}
	for _, r := range d.cat.Roles {
		v.Roles = append(v.Roles, report.CatalogRole{ID: r.ID, Themes: r.Themes, Note: r.Note})
	}
	for _, cw := range d.cat.Crosswalks {
		c := report.CatalogCrosswalk{ID: cw.ID, Title: cw.Title, Version: cw.Version, Source: cw.Source, Note: cw.Note}
		for _, e := range cw.Entries {
			c.Entries = append(c.Entries, report.CatalogCrosswalkEntry{Control: e.Control, Practice: e.Practice, Title: e.Title, Claims: e.Claims, Principles: e.Principles})
		}
		v.Crosswalks = append(v.Crosswalks, c)
	}
	for _, t := range d.cat.Themes {
		tv := report.CatalogTheme{ID: t.ID, Title: t.Title, Goal: t.Goal}
		for _, p := range t.Principles {
			pv := report.CatalogPrinciple{ID: p.ID, Title: p.Title, Summary: p.Summary}
			for _, c := range p.Claims {
				r := d.maps.Claim(c.ID)
				cv := report.CatalogClaim{
					ID: c.ID, Statement: c.Statement, Automation: string(c.Automation), ObservedSufficient: c.ObservedSufficient,
					Evidence: c.Evidence, Signals: c.Signals, Attestation: c.Attestation, SaaS: c.SaaS, Remediation: c.Remediation,
					RulesAll: r.All, RulesAny: r.Any, RulesSupporting: r.Supporting,
				}
				for _, id := range r.IDs() {
					cv.Rules = append(cv.Rules, report.CatalogRule{ID: id, Role: r.Role(id), Question: d.rules[id].Question})
				}
				pv.Claims = append(pv.Claims, cv)
			}
			tv.Principles = append(tv.Principles, pv)
		}
		v.Themes = append(v.Themes, tv)
	}
	return v
}

func writeCatalogJSON(w io.Writer, c *report.Catalog) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(c)
}

func writeCatalogText(w io.Writer, c *report.Catalog) error {
	var b strings.Builder
	f := c.Framework
	fmt.Fprintf(&b, "%s (%s %s, assurance claims v%s)\n%s\n", f.Title, f.ID, f.Version, f.ClaimsVersion, f.Publisher)
	for _, t := range c.Themes {
		fmt.Fprintf(&b, "\nTheme %s: %s\n", t.ID, t.Title)
		for _, p := range t.Principles {
			fmt.Fprintf(&b, "  %s %s\n", p.ID, p.Title)
			for _, cl := range p.Claims {
				rules := cl.RuleIDs()
				ruleText := ""
				if len(rules) > 0 {
					ruleText = "  [" + strings.Join(rules, ", ") + "]"
				}
				fmt.Fprintf(&b, "    %-6s %-7s %s%s\n", cl.ID, cl.Automation, cl.Statement, ruleText)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeCatalogMarkdown(w io.Writer, c *report.Catalog) error {
	var b strings.Builder
	f := c.Framework
	fmt.Fprintf(&b, "# %s\n\n`%s` version %s, assurance claims v%s. %s.\n\n", f.Title, f.ID, f.Version, f.ClaimsVersion, f.Publisher)
	for _, t := range c.Themes {
		fmt.Fprintf(&b, "## Theme %s: %s\n\n%s\n\n", t.ID, t.Title, t.Goal)
		for _, p := range t.Principles {
			fmt.Fprintf(&b, "### %s %s\n\n%s\n\n| Claim | Statement | Automation | Rules |\n|---|---|---|---|\n", p.ID, p.Title, p.Summary)
			for _, cl := range p.Claims {
				rules := cl.RuleIDs()
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", cl.ID, cl.Statement, cl.Automation, strings.Join(rules, ", "))
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteFramework prints one framework's controls and what each maps
// to, for `assay catalog --framework ID`.
func WriteFramework(w io.Writer, id, format string) error {
	fws, err := framework.Default()
	if err != nil {
		return err
	}
	if id == framework.UK {
		return nil // the caller prints the UK catalog
	}
	f, ok := fws.Get(id)
	if !ok {
		return inputErrorf("--framework: unknown framework %q; want one of %s", id, strings.Join(fws.IDs(), ", "))
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(f)
	case "text", "markdown":
	default:
		return inputErrorf("--format: catalog --framework supports text, json or markdown; got %q", format)
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
