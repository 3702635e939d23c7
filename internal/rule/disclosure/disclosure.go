// Package disclosure holds the rules about vulnerability disclosure
// (principle 3.2): "Implement and publish an effective vulnerability
// disclosure process." The APC splits it into a published policy (3.2.1) and
// a confidential reporting route (3.2.2).
package disclosure

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
	"github.com/assaysec/assay/internal/textsafe"
)

//go:embed rules.yaml
var metaYAML []byte

// Rule ids of the area, each spelled once, here: Rules registers them, the
// rules put them on their findings and the tests name them. rules.yaml holds
// the same ids as data; rule.Builder checks that the two agree.
const (
	SecurityInsightsDeclaresReporting  = "securityInsightsDeclaresReporting"
	SecurityPolicyHasConfidentialRoute = "securityPolicyHasConfidentialRoute"
	SecurityPolicyPublished            = "securityPolicyPublished"
	SecurityTxtHasContact              = "securityTxtHasContact"
	SecurityTxtValid                   = "securityTxtValid"
)

// Rules returns the area's rules.
func Rules() ([]rule.Rule, error) {
	b := rule.NewBuilder(metaYAML)
	policy := []evidence.Kind{evidence.KindSecurityPolicy}
	txt := []evidence.Kind{evidence.KindSecurityTxt, evidence.KindAssessment}
	rs := []rule.Rule{
		b.Rule(SecurityPolicyPublished, policy, securityPolicyPublished),
		b.Rule(SecurityPolicyHasConfidentialRoute, policy, securityPolicyHasConfidentialRoute),
		b.Rule(SecurityTxtValid, txt, securityTxtValid),
		b.Rule(SecurityTxtHasContact, txt, securityTxtHasContact),
		b.Rule(SecurityInsightsDeclaresReporting, []evidence.Kind{evidence.KindSecurityInsights}, securityInsightsDeclaresReporting),
	}
	return rs, b.Err()
}

// candidate is one place disclosure text was found, with its rank: SECURITY
// files first, then sections of other documents, then single sentences of
// them, then issue-template links.
type candidate struct {
	p    evidence.SecurityPolicy
	rank int
}

func ranked(ev *evidence.Set) []candidate {
	var out []candidate
	for _, it := range evidence.Facts[evidence.SecurityPolicy](ev) {
		r := 0
		switch it.Fact.Origin {
		case evidence.OriginSection:
			r = 1
		case evidence.OriginSentence:
			r = 2
		case evidence.OriginIssueTemplate:
			r = 3
		}
		out = append(out, candidate{it.Fact, r})
	}
	slices.SortStableFunc(out, func(a, b candidate) int { return a.rank - b.rank })
	return out
}

// where names the text for a message: "SECURITY.md", "README.md section
// "Security" (lines 82-84)", "the issue-template chooser .github/...".
func where(p evidence.SecurityPolicy) string {
	switch p.Origin {
	case evidence.OriginSection:
		return fmt.Sprintf("%s section %q (lines %d-%d)", p.Path, textsafe.Truncate(p.Section, 80), p.StartLine, p.EndLine)
	case evidence.OriginSentence:
		return fmt.Sprintf("%s line %d", p.Path, p.StartLine)
	case evidence.OriginIssueTemplate:
		return "the issue-template chooser " + p.Path
	}
	return p.Path
}

const weakTemplate = "; weaker evidence: only a link in the issue-template chooser, not a written process"

const weakSentence = "; weaker evidence: a single sentence outside any security section, not a written process"

func weakness(p evidence.SecurityPolicy) string {
	switch p.Origin {
	case evidence.OriginIssueTemplate:
		return weakTemplate
	case evidence.OriginSentence:
		return weakSentence
	}
	return ""
}

// negative answers the rule when no candidate shows the positive signal:
// a refusal is a violation, pointers elsewhere are elsewhere, the rest is
// an absence.
func negative(id string, cs []candidate, what string) []rule.Finding {
	for _, c := range cs {
		p := c.p
		if p.Err == "" && p.Policy.RefusesReports && !hasConfidential(p.Policy) {
			return []rule.Finding{rule.Violated(id, evidence.Location{Path: p.Path, Line: p.Policy.RefusalLine},
				"%s:%d refuses vulnerability reports (%q)", p.Path, p.Policy.RefusalLine, p.Policy.Refusal)}
		}
	}
	for _, c := range cs {
		p := c.p
		if p.Err == "" && len(p.Policy.Pointers) > 0 {
			ptr := p.Policy.Pointers[0]
			return []rule.Finding{rule.PointsElsewhere(id, evidence.Location{Path: p.Path, Line: ptr.Line},
				"%s:%d points to a disclosure policy kept elsewhere (%s), which is not read offline; the text here names %s", where(p), ptr.Line, ptr.URL, what)}
		}
	}
	var out []rule.Finding
	for _, c := range cs {
		p := c.p
		loc := evidence.Location{Path: p.Path, Line: p.StartLine}
		switch {
		case p.Err != "":
			out = append(out, rule.New(id, rule.NotAvailable, loc, "%s could not be read: %s", p.Path, p.Err))
		case p.Policy.Empty:
			out = append(out, rule.Absent(id, loc, "%s is empty", where(p)))
		default:
			out = append(out, rule.Absent(id, loc, "%s names %s", where(p), what))
		}
	}
	if len(out) == 0 {
		out = append(out, rule.Absent(id, evidence.Location{}, "no security policy found: no SECURITY file (root, .github/, docs/, .gitlab/), no security section in a README, CONTRIBUTING or documentation page, and no security link in the issue-template chooser"))
	}
	return out
}

func hasConfidential(p evidence.PolicyAnalysis) bool {
	for _, c := range p.Contacts {
		if c.Confidential {
			return true
		}
	}
	return false
}

func securityPolicyPublished(ev *evidence.Set) []rule.Finding {
	const id = SecurityPolicyPublished
	cs := ranked(ev)
	for _, c := range cs {
		p := c.p
		if p.Err != "" || len(p.Policy.Contacts) == 0 || (p.Policy.RefusesReports && !hasConfidential(p.Policy)) {
			continue
		}
		ct := p.Policy.Contacts[0]
		// One good policy is the published policy; problems with other
		// copies are reported by the hygiene rules, not against 3.2.
		return []rule.Finding{rule.New(id, rule.True, evidence.Location{Path: p.Path, Line: ct.Line},
			"%s describes how to report a vulnerability (%s at line %d)%s%s", where(p), contactKinds(p.Policy.Contacts), ct.Line, policyExtras(p.Policy), weakness(p))}
	}
	return negative(id, cs, "no way to report a vulnerability (no e-mail, advisory link, form or platform)")
}
func policyExtras(p evidence.PolicyAnalysis) string {
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

func contactKinds(cs []evidence.PolicyContact) string {
	seen := map[evidence.ContactKind]bool{}
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
	const id = SecurityPolicyHasConfidentialRoute
	cs := ranked(ev)
	for _, c := range cs {
		p := c.p
		if p.Err != "" {
			continue
		}
		for _, ct := range p.Policy.Contacts {
			if !ct.Confidential {
				continue
			}
			enc := ""
			if p.Policy.MentionsEncryption {
				enc = "; encryption offered"
			}
			return []rule.Finding{rule.New(id, rule.True, evidence.Location{Path: p.Path, Line: ct.Line},
				"%s gives a confidential route: %s %s (line %d)%s%s", where(p), ct.Kind, textsafe.Truncate(ct.Value, 200), ct.Line, enc, weakness(p))}
		}
	}
	for _, c := range cs {
		p := c.p
		if p.Err != "" || p.Policy.RefusesReports {
			continue
		}
		for _, ct := range p.Policy.Contacts {
			if ct.Kind == evidence.ContactPublicIssue {
				return []rule.Finding{rule.Violated(id, evidence.Location{Path: p.Path, Line: ct.Line},
					"%s:%d asks for vulnerabilities to be reported in public (%s); they would be disclosed before a fix", where(p), ct.Line, textsafe.Truncate(ct.Value, 200))}
			}
		}
	}
	return negative(id, cs, "no confidential route (no security e-mail, private advisory or bug-bounty link)")
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
	const id = SecurityTxtValid
	items := effectiveSecurityTxt(ev)
	if len(items) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no security.txt in the repository (.well-known/security.txt); it is optional when SECURITY.md is published")}
	}
	var out []rule.Finding
	for _, it := range items {
		t := it.Fact
		loc := evidence.Location{Path: t.Path}
		if t.Unread {
			// Unread is unknown, not invalid: the file may well be valid.
			out = append(out, rule.New(id, rule.NotAvailable, loc, "%s could not be read: %s", t.Path, t.Err))
			continue
		}
		var warnings []string
		errs := 0
		for _, p := range t.Problems {
			ploc := evidence.Location{Path: t.Path, Line: p.Line}
			if p.Error {
				errs++
				out = append(out, rule.New(id, rule.False, ploc, "%s line %d: %s", t.Path, p.Line, p.Message))
			} else {
				warnings = append(warnings, fmt.Sprintf("line %d: %s", p.Line, p.Message))
			}
		}
		if errs == 0 {
			if len(t.Contacts) > 0 {
				loc.Line = t.Contacts[0].Line
			}
			msg := fmt.Sprintf("%s is valid under RFC 9116, expires %s", t.Path, t.ExpiresAt.UTC().Format("2006-01-02"))
			if t.Signed {
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
	const id = SecurityTxtHasContact
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
		case t.Unread:
			out = append(out, rule.New(id, rule.NotAvailable, loc, "%s could not be read: %s", t.Path, t.Err))
		case len(t.Contacts) == 0:
			out = append(out, rule.New(id, rule.False, loc, "%s has no Contact field", t.Path))
		case t.ExpiresAt.IsZero() || !t.ExpiresAt.After(now):
			if t.ExpiresLine > 0 {
				loc.Line = t.ExpiresLine
			}
			out = append(out, rule.New(id, rule.False, loc, "%s is expired or has no valid Expires, so its contacts must not be relied on", t.Path))
		default:
			c := t.Contacts[0]
			loc.Line = c.Line
			enc := ""
			if len(t.Encryption) > 0 {
				enc = "; Encryption key given"
			}
			out = append(out, rule.New(id, rule.True, loc, "%s gives a reporting contact %s%s", t.Path, c.Value, enc))
		}
	}
	return out
}

func securityInsightsDeclaresReporting(ev *evidence.Set) []rule.Finding {
	const id = SecurityInsightsDeclaresReporting
	items := evidence.Facts[evidence.SecurityInsights](ev)
	if len(items) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no Security Insights file")}
	}
	var out []rule.Finding
	for _, it := range items {
		s := it.Fact
		loc := evidence.Location{Path: s.Path, Line: s.ErrLine}
		if s.Doc == nil && s.Unread {
			out = append(out, rule.New(id, rule.NotAvailable, loc, "%s could not be read: %s", s.Path, s.Err))
			continue
		}
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
