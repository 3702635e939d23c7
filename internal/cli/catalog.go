package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/catalog"
	"github.com/assaysec/assay/internal/mapping"
	"github.com/assaysec/assay/internal/rule"
	rulelist "github.com/assaysec/assay/internal/rule/list"
)

// catalogView is the catalog as printed by `assay catalog --format json`:
// the embedded data plus the rules mapped to each claim.
type catalogView struct {
	Framework  catalog.Framework   `json:"framework"`
	Roles      []catalog.Role      `json:"roles"`
	Themes     []themeView         `json:"themes"`
	Crosswalks []catalog.Crosswalk `json:"crosswalks"`
}

type themeView struct {
	ID         string          `json:"id"`
	Title      string          `json:"title"`
	Goal       string          `json:"goal"`
	Principles []principleView `json:"principles"`
}

type principleView struct {
	ID      string      `json:"id"`
	Title   string      `json:"title"`
	Summary string      `json:"summary"`
	Claims  []claimView `json:"claims"`
}

type claimView struct {
	ID                 string   `json:"id"`
	Statement          string   `json:"statement"`
	Automation         string   `json:"automation"`
	ObservedSufficient bool     `json:"observedSufficient"`
	Evidence           []string `json:"evidence"`
	Signals            []string `json:"signals"`
	Attestation        string   `json:"attestation,omitempty"`
	SaaS               string   `json:"saas,omitempty"`
	Remediation        []string `json:"remediation"`
	RulesAll           []string `json:"rulesAll,omitempty"`
	RulesAny           []string `json:"rulesAny,omitempty"`
	RulesSupporting    []string `json:"rulesSupporting,omitempty"`
}

// catalogData loads the catalog, the mapping and the rule metadata.
type catalogData struct {
	cat   *catalog.Catalog
	maps  *mapping.Mapping
	rules map[string]rule.Meta
}

func loadCatalogData() (*catalogData, error) {
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
	return &catalogData{cat: cat, maps: maps, rules: metas}, nil
}

func (d *catalogData) view() catalogView {
	v := catalogView{Framework: d.cat.Framework, Roles: d.cat.Roles, Crosswalks: d.cat.Crosswalks}
	for _, t := range d.cat.Themes {
		tv := themeView{ID: t.ID, Title: t.Title, Goal: t.Goal}
		for _, p := range t.Principles {
			pv := principleView{ID: p.ID, Title: p.Title, Summary: p.Summary}
			for _, c := range p.Claims {
				r := d.maps.Claim(c.ID)
				pv.Claims = append(pv.Claims, claimView{
					ID: c.ID, Statement: c.Statement, Automation: string(c.Automation), ObservedSufficient: c.ObservedSufficient,
					Evidence: c.Evidence, Signals: c.Signals, Attestation: c.Attestation, SaaS: c.SaaS, Remediation: c.Remediation,
					RulesAll: r.All, RulesAny: r.Any, RulesSupporting: r.Supporting,
				})
			}
			tv.Principles = append(tv.Principles, pv)
		}
		v.Themes = append(v.Themes, tv)
	}
	return v
}

// catalogFormats are the formats of `assay catalog`; areas add one line.
var catalogFormats = map[string]func(w io.Writer, d *catalogData) error{
	"text":     writeCatalogText,
	"json":     writeCatalogJSON,
	"markdown": writeCatalogMarkdown,
	"oscal":    writeCatalogOSCAL,
}

func newCatalogCmd(streams *IO) *cobra.Command {
	var format, fw string
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "Print the Code of Practice: themes, principles, claims and the rules behind them",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if fw != "" && fw != "uk-sscop" {
				return writeFrameworkCatalog(streams.Out, fw, format)
			}
			write, ok := catalogFormats[format]
			if !ok {
				return usagef("--format: unknown format %q for catalog; want text, json, markdown or oscal", format)
			}
			d, err := loadCatalogData()
			if err != nil {
				return err
			}
			return write(streams.Out, d)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "text, json, markdown or oscal")
	cmd.Flags().StringVar(&fw, "framework", "", "print this framework's controls and mapping instead: uk-sscop (the default), ssdf, cra-annex-i or osps-baseline")
	return cmd
}

func writeCatalogJSON(w io.Writer, d *catalogData) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d.view())
}

func writeCatalogText(w io.Writer, d *catalogData) error {
	var b strings.Builder
	f := d.cat.Framework
	fmt.Fprintf(&b, "%s (%s %s, assurance claims v%s)\n%s\n", f.Title, f.ID, f.Version, f.ClaimsVersion, f.Publisher)
	for _, t := range d.cat.Themes {
		fmt.Fprintf(&b, "\nTheme %s: %s\n", t.ID, t.Title)
		for _, p := range t.Principles {
			fmt.Fprintf(&b, "  %s %s\n", p.ID, p.Title)
			for _, c := range p.Claims {
				rules := d.maps.Claim(c.ID).IDs()
				ruleText := ""
				if len(rules) > 0 {
					ruleText = "  [" + strings.Join(rules, ", ") + "]"
				}
				fmt.Fprintf(&b, "    %-6s %-7s %s%s\n", c.ID, c.Automation, c.Statement, ruleText)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeCatalogMarkdown(w io.Writer, d *catalogData) error {
	var b strings.Builder
	f := d.cat.Framework
	fmt.Fprintf(&b, "# %s\n\n`%s` version %s, assurance claims v%s. %s.\n\n", f.Title, f.ID, f.Version, f.ClaimsVersion, f.Publisher)
	for _, t := range d.cat.Themes {
		fmt.Fprintf(&b, "## Theme %s: %s\n\n%s\n\n", t.ID, t.Title, t.Goal)
		for _, p := range t.Principles {
			fmt.Fprintf(&b, "### %s %s\n\n%s\n\n| Claim | Statement | Automation | Rules |\n|---|---|---|---|\n", p.ID, p.Title, p.Summary)
			for _, c := range p.Claims {
				rules := d.maps.Claim(c.ID).IDs()
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.ID, c.Statement, c.Automation, strings.Join(rules, ", "))
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
