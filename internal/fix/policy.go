package fix

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/publish"
	"github.com/assaysec/assay/internal/textsafe"
)

// Where the disclosure and support rules look for each document; a
// document is written only when none of its places holds a file.
var (
	securityPolicyPaths = []string{"SECURITY.md", ".github/SECURITY.md", "docs/SECURITY.md", ".gitlab/SECURITY.md", "SECURITY.rst", "SECURITY.txt", "SECURITY.markdown", "SECURITY.adoc"}
	securityTxtPaths    = []string{".well-known/security.txt", "security.txt"}
	supportPaths        = []string{"SUPPORT.md", "docs/SUPPORT.md", ".github/SUPPORT.md", "docs/support.md"}
)

// Policies proposes the documents the disclosure and support claims look
// for, generated from assay.yaml through what `assay publish` renders:
// .well-known/security.txt (publish.SecurityTxt), SECURITY.md from the
// security contact and remediation targets, and SUPPORT.md from the
// support statement (publish.SupportStatement). It never proposes a file
// where one exists, and says which documents it could not write for lack
// of declarations.
func Policies(read Files, in publish.Input) ([]Change, []string, error) {
	var out []Change
	var skipped []string
	exists := func(ps []string) (string, bool, error) {
		for _, p := range ps {
			_, ok, err := read(p)
			if err != nil {
				return "", false, err
			}
			if ok {
				return p, true, nil
			}
		}
		return "", false, nil
	}
	c := in.Config
	if c == nil {
		c = &config.Config{}
		in.Config = c
	}
	if _, ok, err := exists(securityTxtPaths); err != nil {
		return nil, nil, err
	} else if !ok {
		arts, why, err := publish.SecurityTxt(in)
		if err != nil {
			return nil, nil, err
		}
		if why != "" {
			skipped = append(skipped, why)
		}
		for _, a := range arts {
			out = append(out, Change{Path: ".well-known/security.txt", New: a.Data, Reason: "no security.txt; generated from contact.security", Notes: []string{"security.txt expires in a year: regenerate it with `assay publish` before then"}})
		}
	}
	if _, ok, err := exists(securityPolicyPaths); err != nil {
		return nil, nil, err
	} else if !ok {
		if c.Contact.Security == "" {
			skipped = append(skipped, "SECURITY.md: skipped, contact.security is not declared in assay.yaml")
		} else {
			out = append(out, Change{Path: "SECURITY.md", New: []byte(securityPolicy(c)), Reason: "no security policy; generated from contact.security and remediation_targets", Notes: []string{"SECURITY.md states response and fix times: make sure the team can keep them"}})
		}
	}
	if _, ok, err := exists(supportPaths); err != nil {
		return nil, nil, err
	} else if !ok {
		arts, why, err := publish.SupportStatement(in)
		if err != nil {
			return nil, nil, err
		}
		if why != "" {
			skipped = append(skipped, strings.Replace(why, "support-statement:", "SUPPORT.md:", 1))
		}
		for _, a := range arts {
			if a.Name != "support-statement.json" {
				continue
			}
			var st publish.Statement
			if err := json.Unmarshal(a.Data, &st); err != nil {
				return nil, nil, fmt.Errorf("read the support statement: %w", err)
			}
			out = append(out, Change{Path: "SUPPORT.md", New: []byte(supportDoc(st)), Reason: "no support statement; generated from release_lines and support in assay.yaml"})
		}
	}
	return out, skipped, nil
}

// clean keeps declared text to one safe line for Markdown.
func clean(s string) string {
	return strings.Join(strings.Fields(textsafe.Clean(s)), " ")
}

// contactText names a contact URI the way a reader uses it.
func contactText(uri string) string {
	if addr, ok := strings.CutPrefix(uri, "mailto:"); ok {
		return "email " + clean(addr)
	}
	return "use " + clean(uri)
}

func securityPolicy(c *config.Config) string {
	product := clean(c.Product)
	if product == "" {
		product = "this project"
	}
	t := c.RemediationTargets
	def := config.DefaultRemediationTargets
	pick := func(v, d string) string {
		if v == "" {
			v = d
		}
		return period(clean(v))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Security policy\n\n<!-- Written by assay fix from assay.yaml; edit freely. -->\n\n")
	fmt.Fprintf(&b, "## Reporting a vulnerability\n\nTo report a security vulnerability in %s, %s.\n\n", product, contactText(c.Contact.Security))
	b.WriteString("Please keep the report private until a fix is released: vulnerabilities must not be reported in public issues.\n\n")
	b.WriteString("Include what is affected (version, configuration), how to reproduce it, and what an attacker could do with it.\n\n")
	b.WriteString("## What to expect\n\nWe acknowledge a report within 5 working days, keep you informed of progress, and credit you in the advisory unless you ask us not to.\n\n")
	fmt.Fprintf(&b, "We aim to release a fix within these times of a report being confirmed, by severity: critical %s, high %s, medium %s, low %s.\n\n",
		pick(t.Critical, def.Critical), pick(t.High, def.High), pick(t.Medium, def.Medium), pick(t.Low, def.Low))
	if len(c.ReleaseLines) > 0 {
		b.WriteString("## Supported versions\n\n| Version | Security fixes until |\n| --- | --- |\n")
		for _, l := range c.ReleaseLines {
			end := l.EndOfSecuritySupport.String()
			if l.EndOfSecuritySupport.IsZero() {
				end = "not yet announced"
			}
			fmt.Fprintf(&b, "| %s | %s |\n", clean(l.Version), end)
		}
		b.WriteString("\n")
	}
	if c.Contact.Incidents != "" {
		fmt.Fprintf(&b, "## Incidents\n\nNotable security incidents are announced at %s.\n", clean(c.Contact.Incidents))
	}
	return b.String()
}

func supportDoc(st publish.Statement) string {
	var b strings.Builder
	name := clean(st.Product)
	if name == "" {
		name = "this product"
	}
	fmt.Fprintf(&b, "# Support\n\n<!-- Written by assay fix from assay.yaml (the support statement `assay publish` renders); edit freely. -->\n\n")
	fmt.Fprintf(&b, "This page states the support and maintenance provided for %s.\n\n", name)
	b.WriteString("## Release lines\n\n| Version | Released | Security support ends | End of life | Status |\n| --- | --- | --- | --- | --- |\n")
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return clean(s)
	}
	for _, l := range st.ReleaseLines {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", clean(l.Version), dash(l.Released), dash(l.EndOfSecuritySupport), dash(l.EndOfLife), clean(l.Status))
	}
	fmt.Fprintf(&b, "\n## Notice\n\n%s\n", clean(st.NoticePolicy))
	if st.UpdatePolicy != "" || st.UpdateFrequency != "" {
		b.WriteString("\n## Updates\n\n")
		if st.UpdateFrequency != "" {
			fmt.Fprintf(&b, "Updates are released %s.", clean(st.UpdateFrequency))
		}
		if st.UpdatePolicy != "" {
			fmt.Fprintf(&b, " How updates are delivered and applied: %s.", clean(st.UpdatePolicy))
		}
		b.WriteString("\n")
	}
	if st.SecurityContact != "" {
		fmt.Fprintf(&b, "\n## Security\n\nReport vulnerabilities privately (%s); see SECURITY.md.\n", contactText(st.SecurityContact))
	}
	return b.String()
}

var periodRe = lazyre.New(`^(\d+)\s*(d|w|mo|y)$`)

// period spells a declared period ("14d", "3mo") in words, as the
// disclosure rules read response times.
func period(s string) string {
	m := periodRe.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	unit := map[string]string{"d": "day", "w": "week", "mo": "month", "y": "year"}[m[2]]
	if m[1] != "1" {
		unit += "s"
	}
	return m[1] + " " + unit
}
