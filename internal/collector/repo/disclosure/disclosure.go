// Package disclosure finds the files that publish a vulnerability disclosure
// process (principle 3.2): SECURITY.md, security.txt (RFC 9116) and OpenSSF
// Security Insights, security sections of READMEs and documentation pages,
// and security links in the issue-template chooser, and parses each. It records what the files say; the
// rules decide whether that is enough.
package disclosure

import (
	"context"
	"errors"
	"path"
	"strings"
	"time"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/parse/doctext"
	"github.com/assaysec/assay/internal/parse/securityinsights"
	"github.com/assaysec/assay/internal/parse/securitypolicy"
	"github.com/assaysec/assay/internal/parse/securitytxt"
	"github.com/assaysec/assay/internal/source"
)

// Name of the collector.
const Name = "repo/disclosure"

// Collector reads disclosure files.
type Collector struct{}

// New returns the collector.
func New() collector.Collector { return Collector{} }

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind {
	return []evidence.Kind{evidence.KindSecurityPolicy, evidence.KindSecurityTxt, evidence.KindSecurityInsights, evidence.KindParseProblem}
}

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// policyDirs are where GitHub and GitLab look for a security policy.
var policyDirs = map[string]bool{".": true, ".github": true, "docs": true, ".gitlab": true}

// policyStems are the names of security policy files without extension:
// SECURITY, and the bug-bounty and disclosure-policy files some vendors
// keep instead (Square's BUG-BOUNTY.md).
var policyStems = map[string]bool{
	"security": true, "security-policy": true, "security_policy": true,
	"bug-bounty": true, "bug_bounty": true, "bugbounty": true,
	"vulnerability-disclosure": true, "vulnerability_disclosure": true, "vulnerability-disclosure-policy": true,
	"responsible-disclosure": true, "responsible_disclosure": true,
}

// policyExts are the text extensions a policy file may carry.
var policyExts = map[string]bool{"": true, ".md": true, ".markdown": true, ".rst": true, ".txt": true, ".adoc": true}

// IsSecurityPolicy reports whether p names a security policy file (any
// case, see policyStems) with a text extension in the root, .github/,
// docs/ or .gitlab/.
func IsSecurityPolicy(p string) bool {
	if !policyDirs[path.Dir(p)] {
		return false
	}
	base := strings.ToLower(path.Base(p))
	ext := path.Ext(base)
	if !policyExts[ext] || !policyStems[strings.TrimSuffix(base, ext)] {
		return false
	}
	// security.txt in the root is RFC 9116's fallback location, not a policy.
	return !(base == "security.txt" && path.Dir(p) == ".")
}

// rfc9116FieldRe matches a security.txt field line.
var rfc9116FieldRe = lazyre.New(`(?mi)^(?:contact|expires|encryption|policy|acknowledg(?:e)?ments|preferred-languages|canonical|hiring|csaf)\s*:`)

// IsSecurityTxt reports whether p is an RFC 9116 location.
func IsSecurityTxt(p string) bool {
	l := strings.ToLower(p)
	return l == ".well-known/security.txt" || l == "security.txt"
}

// IsSecurityInsights reports whether p is a Security Insights file.
func IsSecurityInsights(p string) bool {
	dir := path.Dir(p)
	if dir != "." && dir != ".github" {
		return false
	}
	switch strings.ToLower(path.Base(p)) {
	case "security-insights.yml", "security-insights.yaml":
		return true
	}
	return false
}

// Collect implements collector.Collector.
func (Collector) Collect(_ context.Context, in *collector.Input) ([]evidence.Record, error) {
	var out []evidence.Record
	docs := 0
	for _, e := range in.Tree.Entries() {
		switch {
		case IsSecurityPolicy(e.Path):
			data, err := in.Tree.ReadFile(e.Path, limits.MaxSmallFileSize)
			fact := evidence.SecurityPolicy{Path: e.Path, Origin: evidence.OriginFile}
			digest := ""
			if err != nil {
				fact.Err = readError(err)
			} else {
				digest = source.Digest(data)
				if f := doctext.FormatOf(e.Path); f == doctext.RST || f == doctext.AsciiDoc {
					data = doctext.Parse(data, f).Prose() // code and comments are not policy text
				}
				fact.Policy = securitypolicy.Analyze(data)
			}
			out = append(out, evidence.Record{Fact: fact, Provenance: in.Provenance(Name, evidence.Location{Path: e.Path}, digest)})
		case IsSecurityTxt(e.Path):
			data, err := in.Tree.ReadFile(e.Path, limits.MaxSmallFileSize)
			fact := evidence.SecurityTxt{Path: e.Path}
			digest := ""
			if err != nil {
				fact.Err, fact.Unread = readError(err), true
			} else {
				fact = SecurityTxtFact(e.Path, data, in.Now)
				digest = source.Digest(data)
			}
			out = append(out, evidence.Record{Fact: fact, Provenance: in.Provenance(Name, evidence.Location{Path: e.Path}, digest)})
			// A root security.txt with no RFC 9116 field is prose: a
			// policy note written in a text file.
			if err == nil && path.Dir(e.Path) == "." && !rfc9116FieldRe.Match(data) {
				pol := evidence.SecurityPolicy{Path: e.Path, Policy: securitypolicy.Analyze(data), Origin: evidence.OriginFile}
				out = append(out, evidence.Record{Fact: pol, Provenance: in.Provenance(Name, evidence.Location{Path: e.Path}, digest)})
			}
		case IsSecurityInsights(e.Path):
			data, err := in.Tree.ReadFile(e.Path, limits.MaxSmallFileSize)
			fact := evidence.SecurityInsights{Path: e.Path}
			digest := ""
			if err != nil {
				fact.Err, fact.Unread = readError(err), true
			} else {
				digest = source.Digest(data)
				doc, perr := securityinsights.Parse(data)
				if perr != nil {
					fact.Err = perr.Error()
					var pe *securityinsights.ParseError
					if errors.As(perr, &pe) {
						fact.ErrLine = pe.Line
					}
				} else {
					fact.Doc = doc
				}
			}
			out = append(out, evidence.Record{Fact: fact, Provenance: in.Provenance(Name, evidence.Location{Path: e.Path, Line: fact.ErrLine}, digest)})
		case IsIssueTemplateConfig(e.Path):
			out = append(out, issueTemplate(in, e.Path)...)
		case IsSectionCandidate(e.Path) && docs < maxSectionDocs:
			docs++
			out = append(out, sections(in, e.Path)...)
		}
	}
	return out, nil
}

func readError(err error) string {
	switch {
	case errors.Is(err, source.ErrTooLarge):
		return "file is larger than the limit for a policy file; not read"
	case errors.Is(err, source.ErrNotRegular):
		return "not a regular file; not read"
	}
	return err.Error()
}

// SecurityTxtFact parses and validates a security.txt as of now: the
// validation is the collector's, so rules judge recorded problems and never
// parse.
func SecurityTxtFact(p string, data []byte, now time.Time) evidence.SecurityTxt {
	f := securitytxt.Parse(data)
	fact := evidence.SecurityTxt{Path: p, Signed: f.Signed, ExpiresAt: f.ExpiresAt}
	for _, c := range f.Contact {
		fact.Contacts = append(fact.Contacts, evidence.TxtField{Value: c.Value, Line: c.Line})
	}
	for _, c := range f.Encryption {
		fact.Encryption = append(fact.Encryption, evidence.TxtField{Value: c.Value, Line: c.Line})
	}
	if f.Expires != nil {
		fact.ExpiresLine = f.Expires.Line
	}
	for _, pr := range f.Validate(now) {
		fact.Problems = append(fact.Problems, evidence.TxtProblem{Line: pr.Line, Error: pr.Severity == securitytxt.SeverityError, Message: pr.Message})
	}
	return fact
}
