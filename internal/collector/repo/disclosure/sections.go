package disclosure

import (
	"path"
	"strings"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/parse/doctext"
	"github.com/assaysec/assay/internal/parse/issuetemplate"
	"github.com/assaysec/assay/internal/parse/securitypolicy"
	"github.com/assaysec/assay/internal/source"
)

// Bounds on the documents searched for security sections.
const (
	maxSectionDocs  = 300
	maxSectionDepth = 4
)

// docDirs are where projects keep prose documentation.
var docDirs = []string{"docs/", "doc/", "documentation/", ".github/"}

// notPolicyDoc matches documents whose "Security" headings list changes
// (changelogs, release notes), not a reporting process.
var notPolicyDoc = lazyre.New(`(?i)(^|/)[^/]*(changelog|changes|history|news|release[-_ ]?notes|releases|whatsnew|migration|upgrad)[^/]*$`)

// IsSectionCandidate reports whether p is a document that may hold a
// security section: a README or CONTRIBUTING file at the root or under
// .github/ or docs/, or any prose page under a documentation directory.
func IsSectionCandidate(p string) bool {
	if !doctext.IsText(p) || IsSecurityPolicy(p) || notPolicyDoc.MatchString(p) || strings.Count(p, "/") > maxSectionDepth {
		return false
	}
	base := strings.ToLower(path.Base(p))
	if path.Ext(base) == "" && !strings.HasPrefix(base, "readme") {
		return false
	}
	dir := path.Dir(p)
	if strings.HasPrefix(base, "readme") || strings.HasPrefix(base, "contributing") {
		if dir == "." || dir == ".github" || dir == "docs" {
			return true
		}
	}
	for _, d := range docDirs[:3] {
		if strings.HasPrefix(p, d) {
			return true
		}
	}
	return false
}

var (
	headingNorm = lazyre.New(`[^a-z0-9]+`)
	// securityHeadingRe matches headings of a disclosure section, after
	// normalisation (lowercase, words only): "Security", "Security
	// policy", "Reporting a vulnerability", "Reporting security issues",
	// "Responsible disclosure". Not "Security considerations" or "Web
	// security", which are about using the software safely.
	securityHeadingRe = lazyre.New(`^(?:\d+ )?(?:security(?: (?:policy|issues?|bugs?|vulnerabilit(?:y|ies)|contacts?|reports?|reporting|disclosures?))?|vulnerabilit(?:y|ies)(?: (?:reporting|reports?|disclosure|policy))?)$|\breport\w*\b.*\b(?:security|vulnerabilit\w*)\b|\b(?:security|vulnerabilit\w*)\b.*\breport\w*\b|\b(?:responsible|coordinated|vulnerability|security) disclosure\b`)
	// reportingWordsRe must occur in a section before it is read as a
	// process: a heading alone proves nothing.
	reportingWordsRe = lazyre.New(`(?i)\b(?:report\w*|disclos\w*|e-?mail\w*|contact\w*|send|submit\w*|advisor(?:y|ies))\b`)
	// securityReportRe and reportInstructionRe together pick out a line
	// outside any security section that tells readers where security
	// reports go: it names vulnerabilities or security issues and asks
	// for something ("please", "email", "instead", "contact"). A changelog
	// line such as "fixed a security issue reported by x@y" asks nothing.
	securityReportRe    = lazyre.New(`(?i)\bvulnerabilit(?:y|ies)\b|\bsecurity[- ](?:issues?|bugs?|problems?|vulnerabilit(?:y|ies)|reports?|concerns?|flaws?|holes?)\b`)
	reportInstructionRe = lazyre.New(`(?i)\b(?:please|instead|privately|e-?mail|contact|send|submit|reach out|get in touch)\b`)
)

// SecurityHeading reports whether a heading introduces a disclosure section.
func SecurityHeading(h string) bool {
	n := strings.TrimSpace(headingNorm.ReplaceAllString(strings.ToLower(h), " "))
	return securityHeadingRe.MatchString(n)
}

// sections reads the security sections of one document.
func sections(in *collector.Input, p string) []evidence.Record {
	data, err := in.Tree.ReadFile(p, limits.MaxSmallFileSize)
	if err != nil {
		return nil // not a policy file: an unreadable page is not evidence
	}
	doc := doctext.Parse(data, doctext.FormatOf(p))
	var out []evidence.Record
	for _, s := range doc.Sections(SecurityHeading) {
		text := doc.Text(s.Heading.Line, s.End)
		pol := securitypolicy.Analyze(text)
		// A heading alone proves nothing: the section must speak of
		// reporting, or send the reader to a policy ("If you discover a
		// vulnerability, please see [Security Policies](...)"), which is
		// a pointer elsewhere, not an absence.
		if !reportingWordsRe.Match(text) && len(pol.Pointers) == 0 {
			continue
		}
		if len(pol.Contacts) == 0 && len(pol.Pointers) == 0 && !pol.RefusesReports {
			continue
		}
		fact := evidence.SecurityPolicy{Path: p, Policy: pol, Origin: evidence.OriginSection,
			Section: s.Heading.Text, StartLine: s.Heading.Line, EndLine: s.End}
		out = append(out, evidence.Record{Fact: fact, Provenance: in.Provenance(Name, evidence.Location{Path: p, Line: s.Heading.Line}, source.Digest(data))})
	}
	if len(out) == 0 {
		out = sentences(in, p, doc, source.Digest(data))
	}
	return out
}

// sentences reads the first line of a document without a security section
// that tells readers where to send security reports, such as a
// CONTRIBUTING bullet asking for sensitive issues by e-mail. Only a line
// that names a channel counts: "report security issues responsibly"
// alone gives reporters nowhere to go.
func sentences(in *collector.Input, p string, doc doctext.Doc, digest string) []evidence.Record {
	for i, l := range doc.Lines {
		if !securityReportRe.MatchString(l) || !reportInstructionRe.MatchString(l) {
			continue
		}
		text := doc.Text(i+1, i+1)
		pol := securitypolicy.Analyze(text)
		if len(pol.Contacts) == 0 && len(pol.Pointers) == 0 {
			continue
		}
		fact := evidence.SecurityPolicy{Path: p, Policy: pol, Origin: evidence.OriginSentence, StartLine: i + 1, EndLine: i + 1}
		return []evidence.Record{{Fact: fact, Provenance: in.Provenance(Name, evidence.Location{Path: p, Line: i + 1}, digest)}}
	}
	return nil
}

// IsIssueTemplateConfig reports whether p is the issue-template chooser.
func IsIssueTemplateConfig(p string) bool {
	l := strings.ToLower(p)
	return l == ".github/issue_template/config.yml" || l == ".github/issue_template/config.yaml"
}

var securityLinkRe = lazyre.New(`(?i)securi|vulnerab|advisor|disclos`)

// issueTemplate reads the chooser's contact links that point security
// reporters somewhere. Each link is analysed as one line of text ("name.
// about url") placed on the url's own line, so locations stay in the file.
func issueTemplate(in *collector.Input, p string) []evidence.Record {
	data, err := in.Tree.ReadFile(p, limits.MaxSmallFileSize)
	if err != nil {
		return nil
	}
	links, err := issuetemplate.Parse(data)
	if err != nil {
		loc := evidence.Location{Path: p}
		return []evidence.Record{{Fact: evidence.ParseProblem{Path: p, Format: "issue-template config", Error: err.Error()}, Provenance: in.Provenance(Name, loc, "")}}
	}
	lines := make([]string, strings.Count(string(data), "\n")+1)
	found := false
	first := 0
	for _, l := range links {
		if !securityLinkRe.MatchString(l.Name + " " + l.About + " " + l.URL) {
			continue
		}
		if l.Line < 1 || l.Line > len(lines) {
			continue
		}
		if !found {
			first = l.Line
		}
		found = true
		lines[l.Line-1] = strings.TrimRight(l.Name, ". ") + ". " + l.About + " " + l.URL
	}
	if !found {
		return nil
	}
	pol := securitypolicy.Analyze([]byte(strings.Join(lines, "\n")))
	if len(pol.Contacts) == 0 && len(pol.Pointers) == 0 {
		return nil
	}
	fact := evidence.SecurityPolicy{Path: p, Policy: pol, Origin: evidence.OriginIssueTemplate, Section: "contact_links", StartLine: first, EndLine: first}
	return []evidence.Record{{Fact: fact, Provenance: in.Provenance(Name, evidence.Location{Path: p, Line: first}, source.Digest(data))}}
}
