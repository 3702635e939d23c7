package config

import (
	"fmt"
	"net/mail"
	"strconv"
	"strings"
)

// Starter holds the answers a first declaration is written from (`assay
// init` gathers them from flags, an answers file with these keys, or its
// questionnaire).
type Starter struct {
	Product         string `yaml:"product"`
	Vendor          string `yaml:"vendor"`
	Role            string `yaml:"role"`
	Delivery        string `yaml:"delivery"`
	SROName         string `yaml:"sro_name"`
	SRORole         string `yaml:"sro_role"`
	SROEmail        string `yaml:"sro_email"`
	Framework       string `yaml:"framework"`
	FrameworkDoc    string `yaml:"framework_document"`
	SupportPolicy   string `yaml:"support_policy"`
	UpdateFrequency string `yaml:"update_frequency"`
	NoticePeriod    string `yaml:"notice_period"`
	Security        string `yaml:"security_contact"`
	Incidents       string `yaml:"incidents_contact"`
	Critical        string `yaml:"remediation_critical"`
	High            string `yaml:"remediation_high"`
	Medium          string `yaml:"remediation_medium"`
	Low             string `yaml:"remediation_low"`
	ReviewEvery     string `yaml:"review_every"`
}

// q quotes a value for YAML: always a double-quoted scalar, so no answer
// can change the document's structure.
func q(s string) string { return strconv.Quote(s) }

// Render writes the starter declaration: every answer given, commented
// examples for the rest, and a comment per section naming the principle it
// serves. Answers are always quoted, so none can change its structure.
func (a Starter) Render() []byte {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# assay.yaml: the product declaration Assay reads alongside the repository.\n")
	w("# Written by `assay init`; edit freely. Reference: docs/configuration.md.\n\n")
	w("product: %s\n", q(a.Product))
	if a.Vendor != "" {
		w("vendor: %s\n", q(a.Vendor))
	}
	w("# Your role for this product (Code of Practice, Table 1) and how it is delivered.\n")
	w("role: %s\ndelivery: %s\n\n", q(a.Role), q(a.Delivery))
	if a.SROName != "" {
		w("# The Senior Responsible Owner accountable for the assessment; `assay signoff`\n# records their signed sign-off.\n")
		w("sro:\n  name: %s\n", q(a.SROName))
		if a.SRORole != "" {
			w("  role: %s\n", q(a.SRORole))
		}
		if a.SROEmail != "" {
			w("  email: %s\n", q(a.SROEmail))
		}
	}
	w("review_every: %s\n\n", q(a.ReviewEvery))
	w("# Published contacts: security is used for security.txt.\ncontact:\n")
	if a.Security != "" {
		w("  security: %s\n", q(a.Security))
	} else {
		w("  # security: \"mailto:security@example.com\"\n")
	}
	if a.Incidents != "" {
		w("  incidents: %s\n", q(a.Incidents))
	} else {
		w("  # incidents: \"https://status.example.com\"\n")
	}
	w("\n# Principle 1.1: the secure development framework you follow.\n")
	if a.Framework != "" {
		w("framework:\n  name: %s\n", q(a.Framework))
		if a.FrameworkDoc != "" {
			w("  document: %s\n", q(a.FrameworkDoc))
		}
	} else {
		w("# framework: {name: \"NIST SSDF\", document: docs/sdl.md}\n")
	}
	w("\n# Principle 4: support lifecycle. Add each release line with its dates:\n")
	w("# release_lines:\n#   - version: \"1.x\"\n#     released: \"2026-01-10\"\n#     end_of_security_support: \"2028-01-31\"\n#     end_of_life: \"2028-06-30\"\n")
	w("support:\n")
	if a.SupportPolicy != "" {
		w("  policy: %s\n", q(a.SupportPolicy))
	}
	if a.UpdateFrequency != "" {
		w("  update_frequency: %s\n", q(a.UpdateFrequency))
	}
	w("  notice_period: %s\n", q(a.NoticePeriod))
	w("  # update_policy: SUPPORT.md\n  # user_docs: [docs/upgrading.md, docs/hardening.md]\n  # incident_plan: docs/incident-plan.md\n")
	w("\n# Principle 3.3: how long a known vulnerability may stay unfixed, by severity.\n")
	w("remediation_targets:\n  critical: %s\n  high: %s\n  medium: %s\n  low: %s\n", q(a.Critical), q(a.High), q(a.Medium), q(a.Low))
	w("\n# Human attestations for what files cannot prove; add them with `assay attest`.\nattestations: []\n")
	w("\n# Incident and advisory logs (principles 4.3 and 3.4):\n# incidents:\n#   - {id: INC-1, started: \"2026-03-01T10:00:00Z\", customers_notified: \"2026-03-02T09:00:00Z\", report: \"https://...\"}\n")
	w("# advisories:\n#   - {id: EX-2026-001, cve: CVE-2026-0001, title: \"...\", severity: high, published: \"2026-04-01\", fixed: [\"1.2.3\"]}\n")
	w("\n# Principle 1.2: what is the product. examples/, testdata/, fixtures/, test harnesses, docs/\n")
	w("# and docs sites (www/, website/, site/) are reported apart by default; adjust with globs:\n")
	w("# scope:\n#   exclude: [\"extras/\", \"**/bench\"]\n#   include: [\"site/\"]\n")
	return []byte(b.String())
}

// ContactURIOK reports whether v is a contact the declaration accepts: a
// mailto: or https: URI.
func ContactURIOK(v string) bool {
	return strings.HasPrefix(v, "mailto:") || strings.HasPrefix(v, "https://")
}

// BareEmailOK reports whether v is one bare address with a dotted domain
// (jane@example.com), as an SRO's e-mail must be: it is the identity their
// signatures are checked against.
func BareEmailOK(v string) bool {
	addr, err := mail.ParseAddress(v)
	return err == nil && addr.Address == v && strings.Contains(v[strings.LastIndex(v, "@")+1:], ".")
}
