// Package governance finds where a repository writes down who may change or
// release it (claim 2.1.1, human roles): CODEOWNERS, maintainer and
// governance files, collaborator guides, maintainer pages in the
// documentation or website sources, incident plans that name roles, and
// CONTRIBUTING text on commit access and release rights. It records what it
// found; the rule decides.
package governance

import (
	"context"
	"path"
	"strings"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/parse/codeowners"
	"github.com/assaysec/assay/internal/parse/doctext"
	"github.com/assaysec/assay/internal/textsafe"
)

// Name of the collector.
const Name = "repo/governance"

// Bounds.
const (
	maxDocs    = 200
	maxDepth   = 4
	maxExcerpt = 120
	// minWords is how much prose a roles file needs to count: an empty
	// MAINTAINERS placeholder names nobody.
	minWords = 3
)

// Collector finds roles documents.
type Collector struct{}

// New returns the collector.
func New() collector.Collector { return Collector{} }

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind { return []evidence.Kind{evidence.KindRolesDocument} }

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

var (
	// roleFileRe: files whose name says they list roles, wherever the
	// repository keeps community files.
	roleFileRe = lazyre.New(`(?i)^(?:maintainers|owners|owners_aliases|committers|governance|collaborator[-_]?guide|collaborators|security[-_]?team)(?:\.(?:md|markdown|rst|txt|adoc|ya?ml|toml))?$`)
	// rolePageRe: maintainer and governance pages under docs/ or a website
	// source tree.
	rolePageRe = lazyre.New(`(?i)(?:^|[-_/])(?:maintainers|governance|committers|collaborators|core[-_]team)(?:[-_][a-z]+)?\.(?:md|markdown|rst|adoc|txt|html?)$`)
	incidentRe = lazyre.New(`(?i)incident[^/]*\.(?:md|markdown|rst|adoc|txt)$`)
	contribRe  = lazyre.New(`(?i)^contributing(?:\.(?:md|markdown|rst|adoc|txt))?$`)
	readmeRe   = lazyre.New(`(?i)^readme(?:\.(?:md|markdown|rst|adoc|txt))?$`)
	// authorsRe: credit files; most list contributors only, so they count
	// just where a section names who maintains the project.
	authorsRe = lazyre.New(`(?i)^(?:authors|credits)(?:\.(?:md|markdown|rst|txt))?$`)
	// maintainerLabelRe: a credit-file line that opens the maintainers
	// part ("Maintained by:", "Current maintainers", "## Maintainers").
	maintainerLabelRe = lazyre.New(`(?i)^[#*\s]*(?:current\s+|active\s+|core\s+)?(?:maintainers|maintained\s+by|core\s+team)\b[^a-z]*$`)
	// creditPersonRe: a credit line naming a person by e-mail address or
	// forge handle.
	creditPersonRe = lazyre.New(`(?i)<?[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}>?|(?:^|[\s(\[])@[a-z0-9][a-z0-9-]{1,38}\b|(?:github\.com|gitlab\.com|codeberg\.org)/[a-z0-9][a-z0-9-]*`)
	// teamHeadingRe: README headings over a list of the people who run
	// the project ("Maintainers", "Core team", "Core developers", "TC
	// (Technical Committee)", "Triagers", a heading that is just "Team");
	// not "Contributors", who hold no role. The section must still name
	// people by forge profile or handle.
	teamHeadingRe = lazyre.New(`(?i)\b(?:maintainers?|maintained by|core team|core developers|project team|team members|committers|collaborators|triagers|technical (?:steering |oversight )?committee|steering committee|project leads?|release managers?)\b|^\W*(?:the |our )?team\W*$`)
	// personRe: a line naming a person by forge profile or handle.
	personRe     = lazyre.New(`(?i)(?:github\.com|gitlab\.com|codeberg\.org)/[a-z0-9][a-z0-9-]*(?:[)\s/"'\]]|$)|(?:^|[\s(\[])@[a-z0-9][a-z0-9-]{1,38}\b`)
	pageDirs     = []string{"docs/", "doc/", "www/", "website/", "site/"}
	communityDir = map[string]bool{".": true, ".github": true, "docs": true, ".gitlab": true}
	// incidentRolesRe: an incident plan that assigns people to roles.
	incidentRolesRe = lazyre.New(`(?i)\broles?\b|\bresponsibilit(?:y|ies)\b|\bincident\s+(?:lead|commander|manager|coordinator|owner)\b|\bsecurity\s+(?:contact|team|lead|officer)\b|\bon-call\b`)
	// accessRe: CONTRIBUTING wording that grants or limits access to change
	// or release the project.
	accessRe = lazyre.New(`(?i)\b(?:commit|write|push|merge|admin(?:istrator)?|maintainer|release|publish(?:ing)?)[- ](?:access|rights|permissions?|privileges?|bit)\b|\b(?:prerogative|responsibility|privilege)\s+of\s+(?:the\s+)?(?:project\s+|core\s+|lead\s+)?(?:maintainers?|owners?|team|lead|release\s+managers?)\b|\bonly\s+(?:the\s+)?(?:project\s+|core\s+)?(?:maintainers?|owners?|collaborators?|committers?)\s+(?:can|may|are\s+allowed\s+to)\s+(?:merge|release|publish|push|tag|approve)\b|\brelease\s+managers?\b`)
)

func depth(p string) int { return strings.Count(p, "/") }

// Collect implements collector.Collector.
func (Collector) Collect(ctx context.Context, in *collector.Input) ([]evidence.Record, error) {
	var out []evidence.Record
	add := func(d evidence.RolesDocument) {
		d.Excerpt = textsafe.Truncate(strings.Join(strings.Fields(d.Excerpt), " "), maxExcerpt)
		out = append(out, evidence.Record{Fact: d, Provenance: in.Provenance(Name, evidence.Location{Path: d.Path, Line: d.Line}, "")})
	}
	docs := 0
	for _, e := range in.Tree.Entries() {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		p := e.Path
		base := path.Base(p)
		dir := path.Dir(p)
		var what string
		switch {
		case strings.EqualFold(base, "CODEOWNERS") && communityDir[dir]:
			what = evidence.RolesCodeOwners
		case roleFileRe.MatchString(base) && communityDir[dir]:
			what = roleKind(base)
		case depth(p) <= maxDepth && underPages(p) && rolePageRe.MatchString(p):
			what = roleKind(base)
		case incidentRe.MatchString(base) && (dir == "." || communityDir[dir] || strings.HasPrefix(p, "docs/")):
			what = evidence.RolesIncidentPlan
		case contribRe.MatchString(base) && communityDir[dir]:
			what = evidence.RolesContributing
		case readmeRe.MatchString(base) && communityDir[dir]:
			what = evidence.RolesReadmeTeam
		case authorsRe.MatchString(base) && communityDir[dir]:
			what = rolesAuthors
		default:
			continue
		}
		if docs >= maxDocs {
			break
		}
		docs++
		data, err := in.Tree.ReadFile(p, limits.MaxSmallFileSize)
		if err != nil {
			continue // an unreadable file shows no roles; the tree rules report it
		}
		if what == evidence.RolesCodeOwners {
			co := codeowners.Parse(p, data)
			for _, r := range co.Rules {
				if len(r.Owners) > 0 {
					add(evidence.RolesDocument{Path: p, Line: r.Line, What: what, Excerpt: r.Pattern + " " + strings.Join(r.Owners, " ")})
					break
				}
			}
			continue
		}
		if what == evidence.RolesReadmeTeam {
			if n, l := teamSection(doctext.Parse(data, doctext.FormatOf(p))); n > 0 {
				add(evidence.RolesDocument{Path: p, Line: n, What: what, Excerpt: l})
			}
			continue
		}
		lines := doctext.Parse(data, doctext.FormatOf(p)).Lines
		switch what {
		case rolesAuthors:
			if n, l := maintainersInCredits(lines); n > 0 {
				add(evidence.RolesDocument{Path: p, Line: n, What: evidence.RolesMaintainers, Excerpt: l})
			}
		case evidence.RolesIncidentPlan:
			if n, l := firstMatch(lines, incidentRolesRe); n > 0 {
				add(evidence.RolesDocument{Path: p, Line: n, What: what, Excerpt: l})
			}
		case evidence.RolesContributing:
			if n, l := firstMatch(lines, accessRe); n > 0 {
				add(evidence.RolesDocument{Path: p, Line: n, What: what, Excerpt: l})
			}
		default:
			if n, l := firstProse(lines); n > 0 {
				add(evidence.RolesDocument{Path: p, Line: n, What: what, Excerpt: l})
			}
		}
	}
	return out, nil
}

// teamSection finds the first README section whose heading names a
// project role and whose text names people (forge profiles or handles),
// and returns its heading line and "heading: first person".
func teamSection(doc doctext.Doc) (int, string) {
	for _, sec := range doc.Sections(teamHeadingRe.MatchString) {
		for i := sec.Heading.Line + 1; i <= sec.End && i <= len(doc.Lines); i++ {
			if l := doc.Lines[i-1]; personRe.MatchString(l) {
				return sec.Heading.Line, sec.Heading.Text + ": " + strings.TrimSpace(l)
			}
		}
	}
	return 0, ""
}

// rolesAuthors marks a credit file while it is read; what it records is a
// maintainers list.
const rolesAuthors = "authors"

// maintainersInCredits finds a maintainers label in a credit file whose
// next non-blank line names a person, and returns the label's line and
// "label person".
func maintainersInCredits(lines []string) (int, string) {
	for i, l := range lines {
		if !maintainerLabelRe.MatchString(l) {
			continue
		}
		for j := i + 1; j < len(lines); j++ {
			t := strings.TrimSpace(lines[j])
			if t == "" {
				continue
			}
			if creditPersonRe.MatchString(t) {
				return i + 1, strings.TrimSpace(l) + " " + t
			}
			break
		}
	}
	return 0, ""
}

func underPages(p string) bool {
	for _, d := range pageDirs {
		if strings.HasPrefix(p, d) {
			return true
		}
	}
	return false
}

func roleKind(base string) string {
	b := strings.ToLower(base)
	switch {
	case strings.Contains(b, "governance"):
		return evidence.RolesGovernance
	case strings.Contains(b, "collaborator"):
		return evidence.RolesCollaborator
	}
	return evidence.RolesMaintainers
}

// firstMatch returns the first prose line matching re (1-based), joining a
// line with the next so wrapped phrases are found.
func firstMatch(lines []string, re *lazyre.Regexp) (int, string) {
	for i, l := range lines {
		joined := l
		if i+1 < len(lines) {
			joined += " " + lines[i+1]
		}
		if loc := re.FindStringIndex(joined); loc != nil {
			if loc[0] > len(l) {
				return i + 2, lines[i+1]
			}
			return i + 1, l
		}
	}
	return 0, ""
}

// firstProse returns the first line of a document that has enough words
// in it (front matter is already blank).
func firstProse(lines []string) (int, string) {
	words := 0
	first, text := 0, ""
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") && len(strings.Fields(t)) == 1 {
			continue
		}
		words += len(strings.Fields(t))
		if first == 0 {
			first, text = i+1, t
		}
		if words >= minWords {
			return first, text
		}
	}
	return 0, ""
}
