package config

import (
	"fmt"
	"strings"

	"github.com/assaysec/assay/internal/lazyre"
)

// This file holds the declarations no file in a repository can prove on its
// own: the secure development framework followed, the support lifecycle, the
// incident and advisory logs, and which keys may sign attestations. They feed
// principles 1.1, 3.4 and 4, and `assay publish`.

// Frameworks lists the secure development frameworks `assay init` offers
// (Implementation Guidance Appendix 1). Any other name is accepted too.
var Frameworks = []string{"NIST SSDF", "Microsoft SDL", "OWASP SAMM", "Cisco SDL", "SLSA", "S2C2F"}

// Framework names the secure development framework the vendor follows.
type Framework struct {
	Name     string `yaml:"name"`
	Version  string `yaml:"version"`
	Document string `yaml:"document"` // the SDL policy: a path in the repository or an https URL
	Pos      Pos    `yaml:"-"`
}

// ReleaseLine is one supported (or retired) line of the product.
type ReleaseLine struct {
	Version              string `yaml:"version"`
	Released             Date   `yaml:"released"`
	EndOfSecuritySupport Date   `yaml:"end_of_security_support"`
	EndOfLife            Date   `yaml:"end_of_life"`
	// Announced is when the end dates were first published to customers.
	// When empty, Assay takes it from the git history of assay.yaml.
	Announced Date `yaml:"announced"`
	Pos       Pos  `yaml:"-"`
}

// Support holds the vendor's support and update commitments (principle 4.1,
// 4.2 and 4.3.1). Document references are repository paths or https URLs.
type Support struct {
	// Lifecycle is a lifecycle file in the repository: an OpenEoX JSON
	// document or an endoflife.date-style product file (YAML front matter
	// or JSON release list).
	Lifecycle       string   `yaml:"lifecycle"`
	Policy          string   `yaml:"policy"`           // support policy
	UpdatePolicy    string   `yaml:"update_policy"`    // how often updates ship and how they are applied
	UpdateFrequency string   `yaml:"update_frequency"` // stated release cadence, e.g. "1mo"
	NoticePeriod    string   `yaml:"notice_period"`    // promised end-of-support notice, e.g. "12mo"
	UserDocs        []string `yaml:"user_docs"`        // upgrade and hardening guides
	IncidentPlan    string   `yaml:"incident_plan"`    // incident support plan (4.3.1)
	Pos             Pos      `yaml:"-"`
}

// Incident is one entry of the incident log (claim 4.3.2).
type Incident struct {
	ID                string `yaml:"id"`
	Title             string `yaml:"title"`
	Severity          string `yaml:"severity"`
	Started           Date   `yaml:"started"`
	CustomersNotified Date   `yaml:"customers_notified"`
	Resolved          Date   `yaml:"resolved"`
	Report            string `yaml:"report"` // post-incident report: path or https URL
	Pos               Pos    `yaml:"-"`
}

// Advisory is one published security advisory (claim 3.4.2), the source of
// the CSAF documents `assay publish` writes.
type Advisory struct {
	ID        string   `yaml:"id"` // vendor id, e.g. "EXAMPLE-2026-001"
	CVE       string   `yaml:"cve"`
	GHSA      string   `yaml:"ghsa"`
	Title     string   `yaml:"title"`
	Summary   string   `yaml:"summary"`
	Severity  string   `yaml:"severity"` // critical | high | medium | low
	Published Date     `yaml:"published"`
	Updated   Date     `yaml:"updated"`
	Affected  []string `yaml:"affected"` // product versions affected
	Fixed     []string `yaml:"fixed"`    // product versions with the fix
	URL       string   `yaml:"url"`
	Pos       Pos      `yaml:"-"`
}

// VEXStatement declares the status of a vulnerability for the product, for
// the OpenVEX document `assay publish` writes.
type VEXStatement struct {
	Vulnerability   string   `yaml:"vulnerability"`
	Products        []string `yaml:"products"` // purls or versions; default the product
	Status          string   `yaml:"status"`   // not_affected | affected | fixed | under_investigation
	Justification   string   `yaml:"justification"`
	ImpactStatement string   `yaml:"impact_statement"`
	ActionStatement string   `yaml:"action_statement"`
	Pos             Pos      `yaml:"-"`
}

// VEX statuses and justifications from the OpenVEX specification.
var (
	VEXStatuses       = []string{"not_affected", "affected", "fixed", "under_investigation"}
	VEXJustifications = []string{"component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path", "vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist"}
)

var (
	cvePattern  = lazyre.New(`^CVE-[0-9]{4}-[0-9]{4,}$`)
	ghsaPattern = lazyre.New(`^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$`)
)

// DocRefOK reports whether a document reference is a relative repository
// path or an https URL.
func DocRefOK(ref string) bool {
	if strings.HasPrefix(ref, "https://") {
		return len(ref) > len("https://")
	}
	return validRelPath(ref)
}

// IsURL reports whether a document reference is a URL rather than a path.
func IsURL(ref string) bool {
	return strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://")
}

func (c *Config) validateHuman(add addFunc) {
	docRef := docRefChecker(add)
	if f := c.Framework; f != nil {
		if strings.TrimSpace(f.Name) == "" {
			add(f.Pos, "framework.name", "name the framework followed, such as %s", strings.Join(Frameworks, ", "))
		}
		docRef(f.Pos, "framework.document", f.Document)
	}
	if c.AllowedSigners != "" && strings.TrimSpace(c.AllowedSigners) == "" {
		add(Pos{}, "allowed_signers", "want the path of an ssh-keygen allowed signers file")
	}
	c.validateReleaseLines(add)
	c.validateSupport(add, docRef)
	c.validateIncidents(add, docRef)
	c.validateAdvisories(add)
	c.validateVEX(add)
}

// docRefChecker returns a check that a field names a document: a relative
// path inside the repository or an https URL.
func docRefChecker(add addFunc) func(p Pos, field, v string) {
	return func(p Pos, field, v string) {
		if v != "" && !DocRefOK(v) {
			add(p, field, "want a relative path inside the repository or an https:// URL; got %q", v)
		}
	}
}

func (c *Config) validateReleaseLines(add addFunc) {
	seen := map[string]int{}
	for i, l := range c.ReleaseLines {
		f := fmt.Sprintf("release_lines[%d]", i)
		if strings.TrimSpace(l.Version) == "" {
			add(l.Pos, f+".version", "the release line (such as \"2.x\") is required")
		} else if j, dup := seen[l.Version]; dup {
			add(l.Pos, f+".version", "release line %q is already declared at release_lines[%d]", l.Version, j)
		} else {
			seen[l.Version] = i
		}
		if !l.EndOfLife.IsZero() && !l.EndOfSecuritySupport.IsZero() && l.EndOfLife.Before(l.EndOfSecuritySupport.Time) {
			add(l.Pos, f+".end_of_life", "is before end_of_security_support %s", l.EndOfSecuritySupport)
		}
		if !l.Released.IsZero() && !l.EndOfSecuritySupport.IsZero() && !l.EndOfSecuritySupport.After(l.Released.Time) {
			add(l.Pos, f+".end_of_security_support", "is not after the release date %s", l.Released)
		}
	}
}

func (c *Config) validateSupport(add addFunc, docRef func(p Pos, field, v string)) {
	s := c.Support
	if s.Lifecycle != "" && (IsURL(s.Lifecycle) || !validRelPath(s.Lifecycle)) {
		add(s.Pos, "support.lifecycle", "want a relative path to a lifecycle file in the repository; got %q", s.Lifecycle)
	}
	docRef(s.Pos, "support.policy", s.Policy)
	docRef(s.Pos, "support.update_policy", s.UpdatePolicy)
	docRef(s.Pos, "support.incident_plan", s.IncidentPlan)
	for i, d := range s.UserDocs {
		docRef(s.Pos, fmt.Sprintf("support.user_docs[%d]", i), d)
	}
	for name, v := range map[string]string{"update_frequency": s.UpdateFrequency, "notice_period": s.NoticePeriod} {
		if v == "" {
			continue
		}
		if _, _, _, err := ParsePeriod(v); err != nil {
			add(s.Pos, "support."+name, "%v", err)
		}
	}
}

func (c *Config) validateIncidents(add addFunc, docRef func(p Pos, field, v string)) {
	for i, in := range c.Incidents {
		f := fmt.Sprintf("incidents[%d]", i)
		if strings.TrimSpace(in.ID) == "" && strings.TrimSpace(in.Title) == "" {
			add(in.Pos, f, "an id or title is required")
		}
		if in.Started.IsZero() {
			add(in.Pos, f+".started", "when the incident started is required (YYYY-MM-DD or RFC 3339)")
		}
		if !in.CustomersNotified.IsZero() && !in.Started.IsZero() && in.CustomersNotified.Before(in.Started.Time) {
			add(in.Pos, f+".customers_notified", "is before the incident started (%s)", in.Started)
		}
		if !in.Resolved.IsZero() && !in.Started.IsZero() && in.Resolved.Before(in.Started.Time) {
			add(in.Pos, f+".resolved", "is before the incident started (%s)", in.Started)
		}
		docRef(in.Pos, f+".report", in.Report)
	}
}

func (c *Config) validateAdvisories(add addFunc) {
	for i, a := range c.Advisories {
		f := fmt.Sprintf("advisories[%d]", i)
		if a.ID == "" && a.CVE == "" && a.GHSA == "" {
			add(a.Pos, f, "an id, cve or ghsa is required")
		}
		if a.CVE != "" && !cvePattern.MatchString(a.CVE) {
			add(a.Pos, f+".cve", "want CVE-YYYY-NNNN; got %q", a.CVE)
		}
		if a.GHSA != "" && !ghsaPattern.MatchString(a.GHSA) {
			add(a.Pos, f+".ghsa", "want GHSA-xxxx-xxxx-xxxx; got %q", a.GHSA)
		}
		if strings.TrimSpace(a.Title) == "" {
			add(a.Pos, f+".title", "a title is required")
		}
		if a.Published.IsZero() {
			add(a.Pos, f+".published", "the publication date is required")
		}
		switch a.Severity {
		case "", "critical", "high", "medium", "low":
		default:
			add(a.Pos, f+".severity", "want critical, high, medium or low; got %q", a.Severity)
		}
		if a.URL != "" && !strings.HasPrefix(a.URL, "https://") {
			add(a.Pos, f+".url", "want an https:// URL; got %q", a.URL)
		}
	}
}

func (c *Config) validateVEX(add addFunc) {
	for i, v := range c.VEX {
		f := fmt.Sprintf("vex[%d]", i)
		if strings.TrimSpace(v.Vulnerability) == "" {
			add(v.Pos, f+".vulnerability", "a vulnerability id (CVE, GHSA, ...) is required")
		}
		if !contains(VEXStatuses, v.Status) {
			add(v.Pos, f+".status", "want one of %s; got %q", strings.Join(VEXStatuses, ", "), v.Status)
		}
		if v.Status == "not_affected" && v.Justification == "" && v.ImpactStatement == "" {
			add(v.Pos, f+".justification", "not_affected needs a justification (%s) or an impact_statement", strings.Join(VEXJustifications, ", "))
		}
		if v.Justification != "" && !contains(VEXJustifications, v.Justification) {
			add(v.Pos, f+".justification", "want one of %s; got %q", strings.Join(VEXJustifications, ", "), v.Justification)
		}
		if v.Status == "affected" && v.ActionStatement == "" {
			add(v.Pos, f+".action_statement", "affected needs an action_statement telling users what to do")
		}
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
