// Package fix proposes mechanical repairs for failing findings, as text
// edits that keep the comments and formatting of the YAML they touch (files
// are edited as lines, never re-marshalled). Every fixer is idempotent: on
// its own output it proposes nothing.
//
// Fixers are pure: they read file contents and evidence, and return the new
// contents; the CLI shows them as unified diffs or writes them.
package fix

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/parse/dependabot"
	"github.com/assaysec/assay/internal/parse/ghactions"
)

// Change is a proposed edit of one file. Old is nil for a new file.
type Change struct {
	Path   string
	Old    []byte
	New    []byte
	Reason string
	Notes  []string // what a person should check
}

// Files reads a file of the tree; ok is false when it does not exist.
type Files func(p string) (data []byte, ok bool, err error)

var topJobs = lazyre.New(`^jobs:\s*(#.*)?$`)

// Permissions adds a top-level `permissions: contents: read` to a GitHub
// Actions workflow that has none, inserted before its top-level jobs: key
// (and any comment lines directly above it). It returns false when the
// workflow already sets permissions or is not one it can edit.
func Permissions(p string, data []byte) (Change, bool, error) {
	pl, err := ghactions.ParseWorkflow(p, data)
	if err != nil {
		return Change{}, false, fmt.Errorf("%s: %w", p, err)
	}
	if pl.Permissions != nil {
		return Change{}, false, nil
	}
	lines := splitLines(string(data))
	at := -1
	for i, l := range lines {
		if topJobs.MatchString(strings.TrimRight(l, "\r\n")) {
			at = i
			break
		}
	}
	if at < 0 {
		return Change{}, false, nil
	}
	for at > 0 && strings.HasPrefix(lines[at-1], "#") {
		at--
	}
	nl := "\n"
	if strings.HasSuffix(lines[0], "\r\n") {
		nl = "\r\n"
	}
	block := []string{"permissions:" + nl, "  contents: read" + nl, nl}
	out := slices.Concat(lines[:at], block, lines[at:])
	c := Change{Path: p, Old: data, New: []byte(strings.Join(out, "")), Reason: "the workflow sets no top-level permissions, so every job gets the repository's default token permissions"}
	for _, j := range pl.Jobs {
		if j.Permissions == nil && j.Uses == "" {
			c.Notes = append(c.Notes, fmt.Sprintf("job %q has no permissions: of its own and now gets contents: read; grant what it needs if it writes (releases, pages, packages, comments)", j.ID))
		}
	}
	return c, true, nil
}

// splitLines splits keeping line endings.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	out := strings.SplitAfter(s, "\n")
	if out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// Target is an ecosystem in a directory that update automation should
// cover, as a Dependabot package-ecosystem and directory ("/" for the root).
type Target struct {
	Ecosystem string
	Directory string
}

// dependabotEcosystem maps a manifest's ecosystem (and Maven's manager) to
// Dependabot's package-ecosystem.
var dependabotEcosystem = map[string]string{
	"npm": "npm", "Go": "gomod", "crates.io": "cargo", "PyPI": "pip", "RubyGems": "bundler",
	"Packagist": "composer", "SwiftURL": "swift", "Pub": "pub", "Hex": "mix",
	"Maven/maven": "maven", "Maven/gradle": "gradle", "NuGet": "nuget",
}

// Targets derives what Dependabot should cover from the evidence: each
// product manifest's ecosystem and directory (subprojects of a workspace
// root are covered by the root's entry), GitHub Actions when workflows use
// actions, and Docker for Dockerfiles.
func Targets(ev *evidence.Set) []Target {
	var out []Target
	add := func(eco, dir string) {
		d := "/" + strings.TrimPrefix(path.Clean("/"+dir), "/")
		t := Target{Ecosystem: eco, Directory: d}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	roots := map[string][]string{} // ecosystem -> workspace root dirs
	ms := evidence.Facts[evidence.Manifest](ev)
	key := func(m evidence.Manifest) string {
		if m.Ecosystem == "Maven" {
			return "Maven/" + m.Manager
		}
		return m.Ecosystem
	}
	for _, it := range ms {
		if len(it.Fact.Members) > 0 && it.Fact.OutOfScope == "" {
			roots[key(it.Fact)] = append(roots[key(it.Fact)], path.Dir(it.Fact.Path))
		}
	}
	for _, it := range ms {
		m := it.Fact
		eco, ok := dependabotEcosystem[key(m)]
		if !ok || m.OutOfScope != "" || m.NoDependencies && len(m.Members) == 0 {
			continue
		}
		dir := path.Dir(m.Path)
		if slices.ContainsFunc(roots[key(m)], func(r string) bool { return r != dir && (r == "." || strings.HasPrefix(dir, r+"/")) }) {
			continue
		}
		add(eco, dir)
	}
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		if it.Fact.System != evidence.CIGitHubActions {
			continue
		}
		for _, j := range it.Fact.Jobs {
			if j.Uses != "" || slices.ContainsFunc(j.Steps, func(s evidence.CIStep) bool { return s.Uses != "" && !strings.HasPrefix(s.Uses, "./") }) {
				add("github-actions", ".")
			}
		}
	}
	for _, it := range evidence.Facts[evidence.Dockerfile](ev) {
		add("docker", path.Dir(it.Fact.Path))
	}
	slices.SortStableFunc(out, func(a, b Target) int { return strings.Compare(a.Ecosystem+a.Directory, b.Ecosystem+b.Directory) })
	return out
}

// Dependabot proposes a Dependabot configuration covering targets: a new
// .github/dependabot.yml when there is none, or entries appended to the
// existing file's updates: list for the targets it leaves out. It returns
// false when nothing is missing, when Renovate is configured instead, or when
// the file cannot be edited safely (then the reason is in the error).
func Dependabot(read Files, targets []Target, renovate bool) (Change, bool, error) {
	if len(targets) == 0 || renovate {
		return Change{}, false, nil
	}
	for _, p := range dependabot.Locations {
		data, ok, err := read(p)
		if err != nil {
			return Change{}, false, err
		}
		if !ok {
			continue
		}
		return appendEntries(p, data, targets)
	}
	var b strings.Builder
	b.WriteString("# Dependabot keeps dependencies and CI actions current (written by assay fix).\n# Reference: https://docs.github.com/code-security/dependabot/working-with-dependabot/dependabot-options-reference\nversion: 2\nupdates:\n")
	for _, t := range targets {
		writeEntry(&b, "  ", t)
	}
	return Change{Path: dependabot.Locations[0], New: []byte(b.String()), Reason: "no update automation is configured for the detected ecosystems"}, true, nil
}

func writeEntry(b *strings.Builder, indent string, t Target) {
	fmt.Fprintf(b, "%s- package-ecosystem: %q\n%s  directory: %q\n%s  schedule:\n%s    interval: \"weekly\"\n", indent, t.Ecosystem, indent, t.Directory, indent, indent)
}

var itemRe = lazyre.New(`^(\s*)- `)

func appendEntries(p string, data []byte, targets []Target) (Change, bool, error) {
	cfg, err := dependabot.Parse(p, data)
	if err != nil {
		return Change{}, false, fmt.Errorf("%s: cannot edit: %w", p, err)
	}
	var missing []Target
	for _, t := range targets {
		covered := slices.ContainsFunc(cfg.Updates, func(u evidence.UpdateEntry) bool {
			return u.Ecosystem == t.Ecosystem && slices.ContainsFunc(u.Directories, func(d string) bool {
				return "/"+strings.Trim(d, "/") == t.Directory || d == t.Directory
			})
		})
		if !covered {
			missing = append(missing, t)
		}
	}
	if len(missing) == 0 {
		return Change{}, false, nil
	}
	lines := splitLines(string(data))
	updates, indent := -1, ""
	for i, l := range lines {
		if strings.HasPrefix(l, "updates:") {
			updates = i
			continue
		}
		if updates >= 0 && indent == "" {
			if m := itemRe.FindStringSubmatch(l); m != nil {
				indent = m[1]
			}
		}
		// Another top-level key after updates: appending at the end would
		// land under it.
		if updates >= 0 && i > updates && len(l) > 0 && l[0] != ' ' && l[0] != '#' && l[0] != '\n' && l[0] != '\r' {
			return Change{}, false, fmt.Errorf("%s: updates: is not the last key; add entries for %v by hand", p, missing)
		}
	}
	if updates < 0 || strings.TrimSpace(strings.TrimPrefix(strings.TrimRight(lines[updates], "\r\n"), "updates:")) != "" {
		return Change{}, false, fmt.Errorf("%s: no block updates: list to append to; add entries for %v by hand", p, missing)
	}
	if indent == "" {
		indent = "  "
	}
	var b strings.Builder
	b.Write(data)
	if len(data) > 0 && data[len(data)-1] != '\n' {
		b.WriteString("\n")
	}
	for _, t := range missing {
		writeEntry(&b, indent, t)
	}
	return Change{Path: p, Old: data, New: []byte(b.String()), Reason: fmt.Sprintf("update automation leaves out %d detected ecosystem directories", len(missing))}, true, nil
}
