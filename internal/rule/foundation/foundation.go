// Package foundation holds the rules about the repository itself: version
// control, committed lockfiles, release tags, and the hygiene rules that
// report files Assay refused or could not parse.
package foundation

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

//go:embed rules.yaml
var metaYAML []byte

// Rule ids of the area, each spelled once, here: Rules registers them, the
// rules put them on their findings and the tests name them. rules.yaml holds
// the same ids as data; rule.Builder checks that the two agree.
const (
	BuildRolesDocumented          = "buildRolesDocumented"
	FilesAreParseable             = "filesAreParseable"
	LockfilesCommitted            = "lockfilesCommitted"
	ReleasesAreTagged             = "releasesAreTagged"
	RepositoryUnderVersionControl = "repositoryUnderVersionControl"
	TreeIsWellFormed              = "treeIsWellFormed"
)

// Rules returns the area's rules.
func Rules() ([]rule.Rule, error) {
	b := rule.NewBuilder(metaYAML)
	rs := []rule.Rule{
		b.Rule(RepositoryUnderVersionControl, []evidence.Kind{evidence.KindVCS}, repositoryUnderVersionControl),
		b.Rule(LockfilesCommitted, []evidence.Kind{evidence.KindManifest}, lockfilesCommitted),
		b.Rule(ReleasesAreTagged, []evidence.Kind{evidence.KindVCS, evidence.KindTags}, releasesAreTagged),
		b.Rule(TreeIsWellFormed, []evidence.Kind{evidence.KindTreeOddity}, treeIsWellFormed),
		b.Rule(FilesAreParseable, nil, filesAreParseable).Reading(evidence.KindParseProblem),
		b.Rule(BuildRolesDocumented, []evidence.Kind{evidence.KindRolesDocument}, buildRolesDocumented),
	}
	return rs, b.Err()
}

func repositoryUnderVersionControl(ev *evidence.Set) []rule.Finding {
	const id = RepositoryUnderVersionControl
	v, ok := evidence.First[evidence.VCS](ev)
	switch {
	case !ok:
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "version control was not examined")}
	case !v.Fact.Present:
		// A tree without .git may be an export or a CI checkout of a
		// repository: absence here is not evidence that no VCS is used.
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "cannot tell whether the tree is under version control: %s; assess a git clone", v.Fact.Reason)}
	case v.Fact.Head == "":
		return []rule.Finding{rule.New(id, rule.False, v.Provenance.Location, "the git repository has no commits")}
	}
	return []rule.Finding{rule.New(id, rule.True, v.Provenance.Location, "under git version control, HEAD %s on %s", shortHash(v.Fact.Head), v.Fact.Branch)}
}

func lockfilesCommitted(ev *evidence.Set) []rule.Finding {
	const id = LockfilesCommitted
	var out []rule.Finding
	for _, it := range evidence.Facts[evidence.Manifest](ev) {
		m := it.Fact
		loc := evidence.Location{Path: m.Path}
		switch {
		case m.OutOfScope != "":
			out = append(out, rule.New(id, rule.NotApplicable, loc, "%s is outside the product (%s): listed, not assessed", m.Path, m.OutOfScope))
		case len(m.Lockfiles) == 0 && m.NoDependencies:
			out = append(out, rule.New(id, rule.True, loc, "%s declares no dependencies (%s): nothing to lock", m.Path, m.Note))
		case len(m.Lockfiles) == 0 && !m.LockNeeded && m.Exact && (m.Manager == "maven" || m.Manager == "gradle" || m.Manager == "dotnet"):
			out = append(out, rule.New(id, rule.True, loc, "%s has no lockfile, but every version in it is exact, so %s resolves the same components every build", m.Path, m.Manager))
		case len(m.Lockfiles) == 0 && !m.LockNeeded && m.Range != "":
			loc.Line = m.RangeLine
			out = append(out, rule.Violated(id, loc, "%s resolves %q from a range at line %d and no lockfile pins it", m.Path, m.Range, m.RangeLine))
		case len(m.Lockfiles) == 0 && !m.LockNeeded:
			out = append(out, rule.New(id, rule.NotApplicable, loc, "%s: %s", m.Path, m.Note))
		case len(m.Lockfiles) == 0:
			loc.Line = m.RangeLine
			msg := fmt.Sprintf("%s (%s) has no lockfile", m.Path, m.Ecosystem)
			if m.Range != "" {
				msg += fmt.Sprintf(": it resolves from ranges, e.g. %q at line %d", m.Range, m.RangeLine)
			}
			if len(m.Rejected) > 0 {
				msg += "; not a lock: " + strings.Join(m.Rejected, "; ")
			}
			out = append(out, rule.Violated(id, loc, "%s", msg))
		case len(m.Untracked) == len(m.Lockfiles):
			out = append(out, rule.Violated(id, evidence.Location{Path: m.Untracked[0]}, "%s is present but not committed to git", strings.Join(m.Untracked, ", ")))
		case !m.TrackingKnown:
			out = append(out, rule.New(id, rule.True, evidence.Location{Path: m.Lockfiles[0]}, "%s is pinned by %s (whether it is committed is unknown without git history)", m.Path, m.Lockfiles[0]))
		default:
			locked := committed(m)
			out = append(out, rule.New(id, rule.True, evidence.Location{Path: locked}, "%s is pinned by committed %s", m.Path, locked))
		}
	}
	if len(out) == 0 {
		out = append(out, rule.New(id, rule.NotApplicable, evidence.Location{}, "no package manifests found"))
	}
	return out
}

func committed(m evidence.Manifest) string {
	for _, l := range m.Lockfiles {
		tracked := true
		for _, u := range m.Untracked {
			if u == l {
				tracked = false
			}
		}
		if tracked {
			return l
		}
	}
	return m.Lockfiles[0]
}

func releasesAreTagged(ev *evidence.Set) []rule.Finding {
	const id = ReleasesAreTagged
	v, ok := evidence.First[evidence.VCS](ev)
	if !ok || !v.Fact.Present {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "no git history to read tags from")}
	}
	t, ok := evidence.First[evidence.Tags](ev)
	if !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "tags were not read")}
	}
	var releases []evidence.TagInfo
	for _, tag := range t.Fact.Tags {
		if tag.Release {
			releases = append(releases, tag)
		}
	}
	if len(releases) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, t.Provenance.Location, "no release tags found; if the product has been released, tag each release")}
	}
	latest := releases[0]
	return []rule.Finding{rule.New(id, rule.True, evidence.Location{Commit: latest.Commit},
		"%d release tags; latest %s on %s", len(releases), latest.Name, latest.Date.UTC().Format("2006-01-02"))}
}

func treeIsWellFormed(ev *evidence.Set) []rule.Finding {
	const id = TreeIsWellFormed
	var out []rule.Finding
	for _, it := range evidence.Facts[evidence.TreeOddity](ev) {
		o := it.Fact
		out = append(out, rule.New(id, rule.False, evidence.Location{Path: o.Path}, "%s: %s", strings.ReplaceAll(o.Problem, "_", " "), o.Detail))
	}
	if len(out) == 0 {
		out = append(out, rule.New(id, rule.True, evidence.Location{}, "no unusual entries in the tree"))
	}
	return out
}

func filesAreParseable(ev *evidence.Set) []rule.Finding {
	const id = FilesAreParseable
	var out []rule.Finding
	for _, it := range evidence.Facts[evidence.ParseProblem](ev) {
		p := it.Fact
		out = append(out, rule.New(id, rule.False, evidence.Location{Path: p.Path, Line: p.Line}, "%s could not be read as %s: %s", p.Path, p.Format, p.Error))
	}
	if len(out) == 0 {
		out = append(out, rule.New(id, rule.True, evidence.Location{}, "every file read as evidence parsed"))
	}
	return out
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return fmt.Sprint(h)
}

// buildRolesDocumented answers the human half of claim 2.1.1: "Roles are
// defined that specify the data and functionality that each role is allowed
// to access." The repository half is whether it writes down who may change
// or release the software; workflow token scopes are the other half.
func buildRolesDocumented(ev *evidence.Set) []rule.Finding {
	const id = BuildRolesDocumented
	items := evidence.Facts[evidence.RolesDocument](ev)
	if len(items) == 0 {
		return []rule.Finding{rule.Absent(id, evidence.Location{}, "no roles written down: no CODEOWNERS with owners, no MAINTAINERS, GOVERNANCE, OWNERS or collaborator guide, no maintainers page under docs/ or the website sources, no incident plan naming roles, no README section listing the maintainers or a committee by name, and no CONTRIBUTING text on commit access or release rights")}
	}
	var parts []string
	for i, it := range items {
		d := it.Fact
		if i == 5 {
			parts = append(parts, fmt.Sprintf("and %d more", len(items)-5))
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%s:%d: %q)", d.What, d.Path, d.Line, d.Excerpt))
	}
	first := items[0].Fact
	return []rule.Finding{rule.New(id, rule.True, evidence.Location{Path: first.Path, Line: first.Line}, "roles are written down: %s", strings.Join(parts, "; "))}
}
