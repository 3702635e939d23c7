// Package disclosure holds the rules about vulnerability disclosure
// (principle 3.2): "Implement and publish an effective vulnerability
// disclosure process." The APC splits it into a published policy (3.2.1) and
// a confidential reporting route (3.2.2).
package disclosure

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/parse/securitypolicy"
	"github.com/assaysec/assay/internal/parse/securitytxt"
	"github.com/assaysec/assay/internal/rule"
)

//go:embed rules.yaml
var metaYAML []byte

// Rules returns the area's rules.
func Rules() ([]rule.Rule, error) {
	b := rule.NewBuilder(metaYAML)
	policy := []evidence.Kind{evidence.KindSecurityPolicy}
	txt := []evidence.Kind{evidence.KindSecurityTxt, evidence.KindAssessment}
	rs := []rule.Rule{
		b.Rule("securityPolicyPublished", policy, securityPolicyPublished),
		b.Rule("securityPolicyHasConfidentialRoute", policy, securityPolicyHasConfidentialRoute),
		b.Rule("securityTxtValid", txt, securityTxtValid),
		b.Rule("securityTxtHasContact", txt, securityTxtHasContact),
		b.Rule("securityInsightsDeclaresReporting", []evidence.Kind{evidence.KindSecurityInsights}, securityInsightsDeclaresReporting),
	}
	return rs, b.Err()
}

func securityPolicyPublished(ev *evidence.Set) []rule.Finding {
	const id = "securityPolicyPublished"
	items := evidence.Facts[evidence.SecurityPolicy](ev)
	if len(items) == 0 {
		return []rule.Finding{rule.New(id, rule.False, evidence.Location{}, "no security policy: no SECURITY.md in the root, .github/, docs/ or .gitlab/")}
	}
	var out []rule.Finding
	for _, it := range items {
		p := it.Fact
		loc := evidence.Location{Path: p.Path}
		switch {
		case p.Err != "":
			out = append(out, rule.New(id, rule.False, loc, "%s could not be read: %s", p.Path, p.Err))
		case p.Policy.Empty:
			out = append(out, rule.New(id, rule.False, loc, "%s is empty", p.Path))
		case len(p.Policy.Contacts) == 0:
			out = append(out, rule.New(id, rule.False, loc, "%s names no way to report a vulnerability (no email, advisory link, form or platform)", p.Path))
		default:
			c := p.Policy.Contacts[0]
			loc.Line = c.Line
			extras := policyExtras(p.Policy)
			// One good policy is the published policy; problems with other
			// copies are reported by the hygiene rules, not against 3.2.
			return []rule.Finding{rule.New(id, rule.True, loc, "%s describes how to report a vulnerability (%s)%s", p.Path, contactKinds(p.Policy.Contacts), extras)}
		}
	}
	return out
}

func policyExtras(p securitypolicy.Policy) string {
	var parts []string
	if p.ResponseTimeline {
		parts = append(parts, "response times")
	}
	if p.DisclosureTimeline {
		parts = append(parts, "disclosure timeline")
	}
	if p.SupportedVersions {
		parts = append(parts, "supported versions")
	}
	if p.SafeHarbour {
		parts = append(parts, "safe harbour")
	}
	if len(parts) == 0 {
		return ""
	}
	return "; states " + strings.Join(parts, ", ")
}

func contactKinds(cs []securitypolicy.Contact) string {
	seen := map[securitypolicy.ContactKind]bool{}
	var kinds []string
	for _, c := range cs {
		if !seen[c.Kind] {
			seen[c.Kind] = true
			kinds = append(kinds, string(c.Kind))
		}
	}
	return strings.Join(kinds, ", ")
}

func securityPolicyHasConfidentialRoute(ev *evidence.Set) []rule.Finding {
	const id = "securityPolicyHasConfidentialRoute"
	items := evidence.Facts[evidence.SecurityPolicy](ev)
	if len(items) == 0 {
		return []rule.Finding{rule.New(id, rule.False, evidence.Location{}, "no security policy, so no confidential reporting route is published")}
	}
	var out []rule.Finding
	for _, it := range items {
		p := it.Fact
		loc := evidence.Location{Path: p.Path}
		if p.Err != "" {
			out = append(out, rule.New(id, rule.False, loc, "%s could not be read: %s", p.Path, p.Err))
			continue
		}
		var private *securitypolicy.Contact
		publicOnly := false
		for i, c := range p.Policy.Contacts {
			if c.Confidential {
				private = &p.Policy.Contacts[i]
				break
			}
			if c.Kind == securitypolicy.ContactKind("public-issue") {
				publicOnly = true
			}
		}
		switch {
		case private != nil:
			loc.Line = private.Line
			enc := ""
			if p.Policy.MentionsEncryption {
				enc = "; encryption offered"
			}
			return []rule.Finding{rule.New(id, rule.True, loc, "%s gives a confidential route: %s %s%s", p.Path, private.Kind, private.Value, enc)}
		case publicOnly:
			out = append(out, rule.New(id, rule.False, loc, "%s only asks for public issues; reports would be disclosed before a fix", p.Path))
		default:
			out = append(out, rule.New(id, rule.False, loc, "%s gives no confidential route (no security email, private advisory or bug-bounty link)", p.Path))
		}
	}
	return out
}

// effectiveSecurityTxt returns the file a client would fetch: RFC 9116 puts
// it at /.well-known/security.txt and allows the root only as a fallback.
func effectiveSecurityTxt(ev *evidence.Set) []evidence.Item[evidence.SecurityTxt] {
	items := evidence.Facts[evidence.SecurityTxt](ev)
	for _, it := range items {
		if strings.HasPrefix(strings.ToLower(it.Fact.Path), ".well-known/") {
			return []evidence.Item[evidence.SecurityTxt]{it}
		}
	}
	if len(items) > 1 {
		items = items[:1]
	}
	return items
}

func securityTxtValid(ev *evidence.Set) []rule.Finding {
	const id = "securityTxtValid"
	items := effectiveSecurityTxt(ev)
	if len(items) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no security.txt in the repository (.well-known/security.txt); it is optional when SECURITY.md is published")}
	}
	now := evidence.Now(ev)
	var out []rule.Finding
	for _, it := range items {
		t := it.Fact
		loc := evidence.Location{Path: t.Path}
		if t.File == nil {
			out = append(out, rule.New(id, rule.False, loc, "%s could not be read: %s", t.Path, t.Err))
			continue
		}
		probs := t.File.Validate(now)
		var warnings []string
		errs := 0
		for _, p := range probs {
			ploc := evidence.Location{Path: t.Path, Line: p.Line}
			if p.Severity == securitytxt.SeverityError {
				errs++
				out = append(out, rule.New(id, rule.False, ploc, "%s line %d: %s", t.Path, p.Line, p.Message))
			} else {
				warnings = append(warnings, fmt.Sprintf("line %d: %s", p.Line, p.Message))
			}
		}
		if errs == 0 {
			if len(t.File.Contact) > 0 {
				loc.Line = t.File.Contact[0].Line
			}
			msg := fmt.Sprintf("%s is valid under RFC 9116, expires %s", t.Path, t.File.ExpiresAt.UTC().Format("2006-01-02"))
			if t.File.Signed {
				msg += ", OpenPGP cleartext-signed"
			}
			if len(warnings) > 0 {
				msg += "; warnings: " + strings.Join(warnings, "; ")
			}
			out = append(out, rule.New(id, rule.True, loc, "%s", msg))
		}
	}
	return out
}

func securityTxtHasContact(ev *evidence.Set) []rule.Finding {
	const id = "securityTxtHasContact"
	items := effectiveSecurityTxt(ev)
	if len(items) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no security.txt in the repository")}
	}
	now := evidence.Now(ev)
	var out []rule.Finding
	for _, it := range items {
		t := it.Fact
		loc := evidence.Location{Path: t.Path}
		switch {
		case t.File == nil:
			out = append(out, rule.New(id, rule.False, loc, "%s could not be read: %s", t.Path, t.Err))
		case len(t.File.Contact) == 0:
			out = append(out, rule.New(id, rule.False, loc, "%s has no Contact field", t.Path))
		case t.File.ExpiresAt.IsZero() || !t.File.ExpiresAt.After(now):
			if t.File.Expires != nil {
				loc.Line = t.File.Expires.Line
			}
			out = append(out, rule.New(id, rule.False, loc, "%s is expired or has no valid Expires, so its contacts must not be relied on", t.Path))
		default:
			c := t.File.Contact[0]
			loc.Line = c.Line
			enc := ""
			if len(t.File.Encryption) > 0 {
				enc = "; Encryption key given"
			}
			out = append(out, rule.New(id, rule.True, loc, "%s gives a reporting contact %s%s", t.Path, c.Value, enc))
		}
	}
	return out
}

func securityInsightsDeclaresReporting(ev *evidence.Set) []rule.Finding {
	const id = "securityInsightsDeclaresReporting"
	items := evidence.Facts[evidence.SecurityInsights](ev)
	if len(items) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no Security Insights file")}
	}
	var out []rule.Finding
	for _, it := range items {
		s := it.Fact
		loc := evidence.Location{Path: s.Path, Line: s.ErrLine}
		if s.Doc == nil {
			out = append(out, rule.New(id, rule.False, loc, "%s could not be parsed: %s", s.Path, s.Err))
			continue
		}
		r := s.Doc.Reporting
		loc.Line = r.Line
		switch {
		case !r.Present:
			out = append(out, rule.New(id, rule.False, loc, "%s (v%s) has no vulnerability-reporting section", s.Path, s.Doc.SchemaVersion))
		case r.AcceptsReports != nil && !*r.AcceptsReports:
			out = append(out, rule.New(id, rule.False, loc, "%s says vulnerability reports are not accepted", s.Path))
		case r.Contact == "" && r.PolicyURL == "":
			out = append(out, rule.New(id, rule.False, loc, "%s declares reporting but gives neither a contact nor a policy", s.Path))
		default:
			what := r.PolicyURL
			if what == "" {
				what = r.Contact
			}
			out = append(out, rule.New(id, rule.True, loc, "%s (v%s) accepts vulnerability reports: %s", s.Path, s.Doc.SchemaVersion, what))
		}
	}
	return out
}
