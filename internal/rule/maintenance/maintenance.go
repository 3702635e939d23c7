// Package maintenance holds the rules over how a product is kept current:
// its own security fixes and how fast they ship, update bots in
// configuration and history, tooling bumps and end-of-life toolchains, and
// statements that vulnerabilities are kept on purpose.
package maintenance

import (
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/mod/semver"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
	"github.com/assaysec/assay/internal/textsafe"
)

//go:embed rules.yaml
var metaYAML []byte

//go:embed eol.yaml
var eolYAML []byte

// Rule ids of the area, each spelled once, here: Rules registers them, the
// rules put them on their findings and the tests name them. rules.yaml holds
// the same ids as data; rule.Builder checks that the two agree.
const (
	OwnSecurityFixesReleasedPromptly = "ownSecurityFixesReleasedPromptly"
	SecurityUpdatesInHistory         = "securityUpdatesInHistory"
	ToolchainsSupported              = "toolchainsSupported"
	ToolchainsSupportedOrUpdated     = "toolchainsSupportedOrUpdated"
	ToolingUpdatedByBot              = "toolingUpdatedByBot"
	ToolingUpdatedInHistory          = "toolingUpdatedInHistory"
	UpdateBotActiveInHistory         = "updateBotActiveInHistory"
	UpdateBotConfigured              = "updateBotConfigured"
	VulnerabilitiesNotKeptOnPurpose  = "vulnerabilitiesNotKeptOnPurpose"
)

// Rules returns the area's rules.
func Rules() ([]rule.Rule, error) {
	if _, err := EOLTable(); err != nil {
		return nil, err
	}
	b := rule.NewBuilder(metaYAML)
	rs := []rule.Rule{
		b.Rule(OwnSecurityFixesReleasedPromptly, []evidence.Kind{evidence.KindOwnSecurityFixes}, ownSecurityFixesReleasedPromptly).Reading(evidence.KindRemediationPolicy),
		b.Rule(VulnerabilitiesNotKeptOnPurpose, []evidence.Kind{evidence.KindVulnerablePurposeRan, evidence.KindVulnerableOnPurpose}, vulnerabilitiesNotKeptOnPurpose),
		b.Rule(ToolingUpdatedByBot, []evidence.Kind{evidence.KindUpdateConfig, evidence.KindPreCommit}, toolingUpdatedByBot),
		b.Rule(ToolingUpdatedInHistory, []evidence.Kind{evidence.KindToolingBumps}, toolingUpdatedInHistory),
		b.Rule(ToolchainsSupported, []evidence.Kind{evidence.KindToolchainRefs}, toolchainsSupported),
		b.Rule(ToolchainsSupportedOrUpdated, []evidence.Kind{evidence.KindToolchainRefs, evidence.KindUpdateConfig, evidence.KindPreCommit}, toolchainsSupportedOrUpdated).Reading(evidence.KindToolingBumps),
		b.Rule(UpdateBotConfigured, []evidence.Kind{evidence.KindUpdateConfig}, updateBotConfigured),
		b.Rule(UpdateBotActiveInHistory, []evidence.Kind{evidence.KindUpdateBotHistory}, updateBotActiveInHistory),
		b.Rule(SecurityUpdatesInHistory, []evidence.Kind{evidence.KindUpdateBotHistory}, securityUpdatesInHistory),
	}
	return rs, b.Err()
}

// DefaultFixTarget is the lag allowed when no remediation target is declared.
const DefaultFixTarget = 30

// FixLookback is how far back fixes are judged: the project's current
// practice, not its first years.
const FixLookback = 5 * 365 * 24 * time.Hour

// MinBumpMonths is how many distinct months of the window must show
// tooling bumps: one bump may be a one-off, two apart show a practice.
const MinBumpMonths = 2

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

func short(h string) string {
	if len(h) > 10 {
		return h[:10]
	}
	return h
}

func days(d time.Duration) int { return int(d.Hours() / 24) }

func fixTarget(ev *evidence.Set) (int, string) {
	for _, it := range evidence.Facts[evidence.RemediationPolicy](ev) {
		if d, ok := it.Fact.Targets["high"]; ok && d > 0 {
			return d, fmt.Sprintf("the declared high-severity target (%s)", it.Fact.Source)
		}
	}
	return DefaultFixTarget, "the default target"
}

func ownSecurityFixesReleasedPromptly(ev *evidence.Set) []rule.Finding {
	const id = OwnSecurityFixesReleasedPromptly
	it, ok := evidence.First[evidence.OwnSecurityFixes](ev)
	if !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "git history was not read")}
	}
	sf := it.Fact
	now := evidence.Now(ev)
	target, targetSrc := fixTarget(ev)
	from := now.Add(-FixLookback)
	first := map[string]time.Time{}
	for _, f := range sf.Fixes {
		if t, ok := first[f.Group]; !ok || f.When.Before(t) {
			first[f.Group] = f.When
		}
	}
	// released is when each group's fix first reached a release.
	released := map[string]evidence.OwnFix{}
	for _, f := range sf.Fixes {
		if r, ok := released[f.Group]; f.Tag != "" && (!ok || f.TagDate.Before(r.TagDate)) {
			released[f.Group] = f
		}
	}
	var good, bad, pending []rule.Finding
	older := 0
	for _, f := range sf.Fixes {
		start := first[f.Group]
		if start.Before(from) {
			older++
			continue
		}
		loc := evidence.Location{Commit: f.Commit, Path: pathOf(f.Changelog), Line: lineOf(f.Changelog)}
		what := fmt.Sprintf("%s (%s, %q; %s)", short(f.Commit), day(f.When), f.Subject, f.Why)
		if f.Changelog != "" {
			what += ", from " + f.Changelog
		}
		if start.Before(f.When.Add(-24 * time.Hour)) {
			what += fmt.Sprintf("; backport of a fix first committed %s", day(start))
		}
		if f.Tag == "" {
			open := days(now.Sub(start))
			if r, ok := released[f.Group]; ok && f.When.After(r.TagDate) {
				// Committed after the same fix had shipped: follow-up
				// work naming the advisory, a copy left on a topic
				// branch, or a backport to a line that may no longer
				// ship. The advisory's fix itself was released.
				pending = append(pending, rule.New(id, rule.NotAvailable, loc, "security fix %s is in no release tag, but it was committed after the same fix reached %s on %s (%s): not counted as a late fix", what, r.Tag, day(r.TagDate), short(r.Commit)))
				continue
			}
			if r, ok := released[f.Group]; ok && f.OffReleaseLine {
				// The same fix shipped through another commit, and this
				// copy lies off every release line: a pull request's
				// source branch or a line that has never released (an
				// unreleased next major). The released copy's lag,
				// counted from the group's first commit, already judges
				// how long users waited. A copy on a line that does
				// release is a backport still owed, and still counts.
				pending = append(pending, rule.New(id, rule.NotAvailable, loc, "security fix %s is in no release tag and lies on a branch that has released nothing since it left the assessed branch, and the same fix reached %s on %s through %s, whose delay is judged instead: not counted as a late fix", what, r.Tag, day(r.TagDate), short(r.Commit)))
				continue
			}
			if r, ok := newerThanHead(sf, f.Group); ok {
				// The same fix reached a newer version than any the
				// assessed branch contains: releases are cut from a
				// maintenance branch, and the copy here waits only for
				// the branch's next version. The released copies' lag
				// judges how long users waited. Any released copy
				// counts, not only the first: a project that ships the
				// fix the same day on 2.2, 3.1 and 3.2 while developing
				// 3.3 has its newest copy past the branch.
				pending = append(pending, rule.New(id, rule.NotAvailable, loc, "security fix %s is in no release tag, but the same fix reached %s on %s (%s), newer than every release the assessed branch contains (up to %s): not counted as a late fix", what, r.Tag, day(r.TagDate), short(r.Commit), sf.HeadVersion))
				continue
			}
			if f.ListedTag != "" && f.ListedTagDate.Before(f.When) {
				// The changelog lists an advisory this commit names under
				// a release tagged before the commit was made: that fix
				// shipped (through a commit not identified here), and
				// this is follow-up work citing it, as above.
				pending = append(pending, rule.New(id, rule.NotAvailable, loc, "security fix %s is in no release tag, but the changelog lists the advisory it names as fixed in %s on %s, before this commit: not counted as a late fix", what, f.ListedTag, day(f.ListedTagDate)))
				continue
			}
			if open > target {
				bad = append(bad, rule.Violated(id, loc, "security fix %s is in no release tag %d days after the fix, over %s of %d days", what, open, targetSrc, target))
			} else {
				// Not late yet, but not shown to ship either: it cannot
				// make the claim met on its own.
				pending = append(pending, rule.New(id, rule.NotAvailable, loc, "security fix %s is not released yet, %d days after the fix (within %d): timeliness is judged once it reaches a release", what, open, target))
			}
			continue
		}
		if g, ok := earlierOnLine(sf.Fixes, f); ok {
			// The line already shipped the fix through another commit:
			// this one re-applies it, and is no late delivery.
			pending = append(pending, rule.New(id, rule.NotAvailable, loc, "security fix %s reached %s on %s, but the same fix had reached that release line in %s on %s (%s): not counted again", what, f.Tag, day(f.TagDate), g.Tag, day(g.TagDate), short(g.Commit)))
			continue
		}
		lag := max(0, days(f.TagDate.Sub(start)))
		if r, ok := released[f.Group]; ok && lag > target && f.TagOpensLine && r.TagDate.Before(f.TagDate) &&
			r.TagVersion != "" && f.TagVersion != "" && semver.Compare(semver.MajorMinor(r.TagVersion), semver.MajorMinor(f.TagVersion)) < 0 {
			// The fix shipped first on an older line, and this copy was
			// carried into the first release of a newer one: that line
			// had no release, and so no user, before this tag. The
			// released copy's lag judges how long users waited.
			pending = append(pending, rule.New(id, rule.NotAvailable, loc, "security fix %s reached %s on %s, the first release of its line, after the same fix had reached %s on %s (%s): not counted as a late fix", what, f.Tag, day(f.TagDate), r.Tag, day(r.TagDate), short(r.Commit)))
			continue
		}
		if lag > target {
			bad = append(bad, rule.Violated(id, loc, "security fix %s first reached a release in %s on %s, %d days after the fix, over %s of %d days", what, f.Tag, day(f.TagDate), lag, targetSrc, target))
		} else {
			good = append(good, rule.New(id, rule.True, loc, "security fix %s reached %s on %s, %d days after the fix", what, f.Tag, day(f.TagDate), lag))
		}
	}
	scope := fmt.Sprintf("%s on all branches and tags scanned", textsafe.Count(sf.Scan.Scanned, "commit"))
	if sf.Scan.Capped {
		scope += fmt.Sprintf(" (cap of %d reached at %s)", sf.Scan.MaxCommits, day(sf.Scan.Oldest))
	}
	if len(bad) > 0 {
		return slices.Concat(bad, good, pending)
	}
	if len(good) > 0 {
		return append(good, pending...)
	}
	if len(pending) > 0 {
		return pending
	}
	if sf.Scan.Capped && sf.Scan.Oldest.After(from) {
		return []rule.Finding{rule.New(id, rule.NotAvailable, it.Provenance.Location, "no security fix identified in the %s; the cap stopped the scan before the five-year lookback", scope)}
	}
	for _, u := range sf.Unlinked {
		if u.TagDate.Before(from) {
			continue
		}
		named := ""
		if len(u.IDs) > 0 {
			named = " (" + strings.Join(u.IDs, ", ") + ")"
		}
		// A release shipped a security fix, but with no commit to date the
		// fix, how long it waited for that release cannot be shown.
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{Path: pathOf(u.Changelog), Line: lineOf(u.Changelog)},
			"%s lists a security fix%s in %s, released %s, but no commit in the history matches the pull request or commit it cites, so when the fix was made and how long it waited for the release cannot be shown; %s", u.Changelog, named, u.Tag, day(u.TagDate), scope)}
	}
	msg := fmt.Sprintf("no commit since %s is identifiable as a fix of the product's own vulnerability (advisory id, advisory merge, security wording or security-labelled changelog entry, changing product source); %s", day(from), scope)
	if older > 0 {
		msg += fmt.Sprintf("; %d older fixes are outside the five-year lookback", older)
	}
	if sf.DependencyOnly > 0 && len(sf.DependencyOnlyCommits) > 0 {
		msg += fmt.Sprintf("; %d advisory-naming commits changed only dependency manifests or lockfiles (e.g. %s), which updates components rather than fixing the product", sf.DependencyOnly, short(sf.DependencyOnlyCommits[0]))
	}
	return []rule.Finding{rule.Absent(id, it.Provenance.Location, "%s", msg)}
}

// earlierOnLine returns another commit of f's fix that reached an earlier
// release of the same major.minor line as f's first release.
func earlierOnLine(fixes []evidence.OwnFix, f evidence.OwnFix) (evidence.OwnFix, bool) {
	if f.TagVersion == "" {
		return evidence.OwnFix{}, false
	}
	line := semver.MajorMinor(f.TagVersion)
	for _, g := range fixes {
		if g.Group == f.Group && g.Commit != f.Commit && g.TagVersion != "" && g.TagDate.Before(f.TagDate) &&
			semver.MajorMinor(g.TagVersion) == line && semver.Compare(g.TagVersion, f.TagVersion) <= 0 {
			return g, true
		}
	}
	return evidence.OwnFix{}, false
}

// newerThanHead returns a released copy of group whose version is newer
// than every release the assessed branch contains.
func newerThanHead(sf evidence.OwnSecurityFixes, group string) (evidence.OwnFix, bool) {
	if sf.HeadVersion == "" {
		return evidence.OwnFix{}, false
	}
	var best evidence.OwnFix
	for _, g := range sf.Fixes {
		if g.Group == group && g.Tag != "" && g.TagVersion != "" && semver.Compare(g.TagVersion, sf.HeadVersion) > 0 &&
			(best.Tag == "" || g.TagDate.Before(best.TagDate)) {
			best = g
		}
	}
	return best, best.Tag != ""
}

func pathOf(pl string) string {
	p, _, _ := strings.Cut(pl, ":")
	return p
}

func lineOf(pl string) int {
	_, l, ok := strings.Cut(pl, ":")
	if !ok {
		return 0
	}
	n := 0
	fmt.Sscanf(l, "%d", &n)
	return n
}

func vulnerabilitiesNotKeptOnPurpose(ev *evidence.Set) []rule.Finding {
	const id = VulnerabilitiesNotKeptOnPurpose
	var out []rule.Finding
	for _, it := range evidence.Facts[evidence.VulnerableOnPurpose](ev) {
		f := it.Fact
		if f.Ended {
			out = append(out, rule.Violated(id, evidence.Location{Path: f.Path, Line: f.Line}, "%s:%d says security fixes have ended for every version (%q); known and new vulnerabilities will not be fixed", f.Path, f.Line, f.Text))
			continue
		}
		out = append(out, rule.Violated(id, evidence.Location{Path: f.Path, Line: f.Line}, "%s:%d says the software is vulnerable on purpose (%q); those vulnerabilities will not be fixed", f.Path, f.Line, f.Text))
	}
	if len(out) > 0 {
		return out
	}
	scan, _ := evidence.First[evidence.PurposeScan](ev)
	if len(scan.Fact.Files) == 0 {
		return []rule.Finding{rule.New(id, rule.True, evidence.Location{}, "no README or security file states a deliberately vulnerable purpose (none present)")}
	}
	return []rule.Finding{rule.New(id, rule.True, evidence.Location{Path: scan.Fact.Files[0]}, "no deliberately-vulnerable statement in %s", strings.Join(scan.Fact.Files, ", "))}
}

// toolingEcosystems are the Dependabot ecosystems and Renovate managers
// that update tools rather than product components.
var toolingEcosystems = map[string]bool{
	"github-actions": true, "docker": true, "docker-compose": true, "devcontainers": true, "pre-commit": true,
	"dockerfile": true, "gitlabci": true, "gitlabci-include": true, "circleci": true, "nvm": true, "pyenv": true,
	"asdf": true, "gomod-toolchain": true, "regex": false, "terraform": true, "helm-values": true, "kubernetes": true,
}

func toolingCoverage(ev *evidence.Set) ([]string, evidence.Location) {
	var out []string
	var at evidence.Location
	for _, it := range evidence.Facts[evidence.UpdateConfig](ev) {
		c := it.Fact
		if c.Disabled {
			continue
		}
		if c.Tool == "renovate" {
			// Renovate runs every manager unless enabledManagers limits it.
			if len(c.EnabledManagers) == 0 {
				for _, m := range []string{"github-actions", "dockerfile"} {
					if !slices.Contains(c.DisabledManagers, m) {
						out = append(out, fmt.Sprintf("renovate %s (%s)", m, c.Path))
					}
				}
			}
			for _, m := range c.EnabledManagers {
				if toolingEcosystems[m] {
					out = append(out, fmt.Sprintf("renovate %s (%s)", m, c.Path))
				}
			}
			if len(out) > 0 && at.IsZero() {
				at = evidence.Location{Path: c.Path, Line: c.Line}
			}
			continue
		}
		for _, u := range c.Updates {
			if u.Disabled || !toolingEcosystems[u.Ecosystem] {
				continue
			}
			out = append(out, fmt.Sprintf("%s (%s:%d)", u.Ecosystem, c.Path, u.Line))
			if at.IsZero() {
				at = evidence.Location{Path: c.Path, Line: u.Line}
			}
		}
	}
	for _, it := range evidence.Facts[evidence.PreCommit](ev) {
		if it.Fact.AutoUpdate {
			out = append(out, fmt.Sprintf("pre-commit.ci autoupdate (%s)", it.Fact.Path))
			if at.IsZero() {
				at = evidence.Location{Path: it.Fact.Path}
			}
		}
	}
	return out, at
}

func toolingUpdatedByBot(ev *evidence.Set) []rule.Finding {
	const id = ToolingUpdatedByBot
	cov, at := toolingCoverage(ev)
	if len(cov) > 0 {
		return []rule.Finding{rule.New(id, rule.True, at, "an update bot covers tooling: %s", strings.Join(cov, ", "))}
	}
	if cfgs := evidence.Facts[evidence.UpdateConfig](ev); len(cfgs) > 0 {
		return []rule.Finding{rule.Absent(id, evidence.Location{Path: cfgs[0].Fact.Path}, "%s configures updates, but none for GitHub Actions, images, dev containers or toolchain files", cfgs[0].Fact.Path)}
	}
	return []rule.Finding{rule.Absent(id, evidence.Location{}, "no Dependabot or Renovate configuration and no pre-commit.ci autoupdate")}
}

// bumpMonths returns the distinct months with tooling bumps.
func bumpMonths(b evidence.ToolingBumps) []string {
	var months []string
	for _, x := range b.Bumps {
		m := x.When.UTC().Format("2006-01")
		if !slices.Contains(months, m) {
			months = append(months, m)
		}
	}
	return months
}

func toolingUpdatedInHistory(ev *evidence.Set) []rule.Finding {
	const id = ToolingUpdatedInHistory
	it, ok := evidence.First[evidence.ToolingBumps](ev)
	if !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "git history was not read")}
	}
	b := it.Fact
	months := bumpMonths(b)
	scope := fmt.Sprintf("since %s", day(b.Since))
	if b.Truncated {
		scope = fmt.Sprintf("in the last %d commits (cap reached)", b.Walked)
	}
	if len(months) >= MinBumpMonths {
		out := []rule.Finding{rule.New(id, rule.True, it.Provenance.Location, "%s bumped tooling versions in %d distinct months %s", textsafe.Count(len(b.Bumps), "commit"), len(months), scope)}
		for i, x := range b.Bumps {
			if i == 3 {
				break
			}
			out = append(out, rule.New(id, rule.True, evidence.Location{Commit: x.Commit}, "%s on %s: %s", short(x.Commit), day(x.When), strings.Join(x.Changes, "; ")))
		}
		return out
	}
	if len(b.Bumps) == 0 {
		return []rule.Finding{rule.Absent(id, it.Provenance.Location, "no commit %s changed an action, image, runtime or hook version in CI, build or toolchain files", scope)}
	}
	return []rule.Finding{rule.Absent(id, evidence.Location{Commit: b.Bumps[0].Commit}, "only %s in %s (%s) bumped tooling versions %s; regular bumps need %s", textsafe.Count(len(b.Bumps), "commit"), textsafe.Count(len(months), "month"), strings.Join(months, ", "), scope, textsafe.Count(MinBumpMonths, "month"))}
}

// EOLEntry is one runtime line's end of upstream support.
type EOLEntry struct {
	Runtime string    `yaml:"runtime"`
	Version string    `yaml:"version"`
	EOL     time.Time `yaml:"eol"`
}

// EOLTable parses the embedded end-of-life table.
func EOLTable() (map[string]time.Time, error) {
	var list []EOLEntry
	dec := yaml.NewDecoder(bytes.NewReader(eolYAML))
	dec.KnownFields(true)
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("parse end-of-life table: %w", err)
	}
	out := map[string]time.Time{}
	for _, e := range list {
		out[e.Runtime+" "+e.Version] = e.EOL
	}
	return out, nil
}

// lineOfVersion maps a written version to its release line: the major for
// Node, major.minor for the rest.
func lineOfVersion(runtime, v string) string {
	parts := strings.Split(v, ".")
	if runtime == "node" {
		if parts[0] == "0" && len(parts) > 1 {
			return "0." + parts[1]
		}
		return parts[0]
	}
	if len(parts) < 2 {
		return ""
	}
	return parts[0] + "." + parts[1]
}

type eolRef struct {
	ref evidence.ToolchainRef
	eol time.Time
}

func eolRefs(ev *evidence.Set) ([]eolRef, int) {
	table, _ := EOLTable()
	now := evidence.Now(ev)
	var out []eolRef
	n := 0
	for _, it := range evidence.Facts[evidence.ToolchainRefs](ev) {
		for _, r := range it.Fact.Refs {
			n++
			if e, ok := table[r.Runtime+" "+lineOfVersion(r.Runtime, r.Version)]; ok && !now.Before(e) {
				out = append(out, eolRef{ref: r, eol: e})
			}
		}
	}
	return out, n
}

func toolchainsSupported(ev *evidence.Set) []rule.Finding {
	const id = ToolchainsSupported
	eol, n := eolRefs(ev)
	if n == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no CI definition, version file or image names a Node, Python, Go or PHP version")}
	}
	if len(eol) == 0 {
		return []rule.Finding{rule.New(id, rule.True, evidence.Location{}, "all %d runtime versions named in CI, version files and images are supported upstream", n)}
	}
	var out []rule.Finding
	for _, e := range eol {
		r := e.ref
		out = append(out, rule.Violated(id, evidence.Location{Path: r.Path, Line: r.Line}, "%s:%d names %s %s (%s), out of upstream support since %s", r.Path, r.Line, r.Runtime, r.Version, r.Context, day(e.eol)))
	}
	return out
}

// compatFloorMargin is how long a sibling release line must still be
// supported for an end-of-life line beside it to read as a compatibility
// floor: a line with two years of support left is a recent release, while
// one near its own end (node 10 beside node 6 and 8 in early 2020) shows a
// toolchain that is behind as a whole.
const compatFloorMargin = 2 * 365 * 24 * time.Hour

// compatibilityFloors splits the end-of-life references into those whose
// file also names a recent line of the same runtime, so the file tests
// old and current releases side by side (a library's matrix spanning its
// declared engines), and the rest. Only the rest show a stale toolchain.
func compatibilityFloors(ev *evidence.Set, eol []eolRef) (floors, stale []eolRef) {
	table, _ := EOLTable()
	now := evidence.Now(ev)
	newest := map[string][2]int{}
	for k := range table {
		rt, line, _ := strings.Cut(k, " ")
		if v, ok := lineNumbers(line); ok && less(newest[rt], v) {
			newest[rt] = v
		}
	}
	recent := map[string]bool{} // path + runtime
	for _, it := range evidence.Facts[evidence.ToolchainRefs](ev) {
		for _, r := range it.Fact.Refs {
			line := lineOfVersion(r.Runtime, r.Version)
			if e, ok := table[r.Runtime+" "+line]; ok {
				if e.IsZero() || e.Sub(now) >= compatFloorMargin {
					recent[r.Path+"\x00"+r.Runtime] = true
				}
				continue
			}
			// A line newer than every listed one is a release the table
			// predates; an unlisted older one decides nothing.
			if v, ok := lineNumbers(line); ok && less(newest[r.Runtime], v) {
				recent[r.Path+"\x00"+r.Runtime] = true
			}
		}
	}
	for _, e := range eol {
		if recent[e.ref.Path+"\x00"+e.ref.Runtime] {
			floors = append(floors, e)
		} else {
			stale = append(stale, e)
		}
	}
	return floors, stale
}

// lineNumbers reads "22" or "3.12" as numbers for ordering.
func lineNumbers(line string) ([2]int, bool) {
	var v [2]int
	parts := strings.SplitN(line, ".", 2)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return v, false
		}
		v[i] = n
	}
	return v, true
}

func less(a, b [2]int) bool { return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]) }

func toolchainsSupportedOrUpdated(ev *evidence.Set) []rule.Finding {
	const id = ToolchainsSupportedOrUpdated
	eol, n := eolRefs(ev)
	if len(eol) == 0 {
		return []rule.Finding{rule.New(id, rule.True, evidence.Location{}, "no end-of-life runtime is named (%d runtime versions read)", n)}
	}
	floors, stale := compatibilityFloors(ev, eol)
	if len(stale) == 0 {
		f := floors[0].ref
		return []rule.Finding{rule.New(id, rule.True, evidence.Location{Path: f.Path, Line: f.Line}, "end-of-life runtimes are named only beside a recent release of the same runtime in the same file, as compatibility floors (%s %s at %s:%d; %s)", f.Runtime, f.Version, f.Path, f.Line, textsafe.Count(len(floors), "reference"))}
	}
	eol = stale
	var names []string
	for i, e := range eol {
		if i == 5 {
			names = append(names, fmt.Sprintf("%d more", len(eol)-5))
			break
		}
		names = append(names, fmt.Sprintf("%s %s at %s:%d", e.ref.Runtime, e.ref.Version, e.ref.Path, e.ref.Line))
	}
	first := evidence.Location{Path: eol[0].ref.Path, Line: eol[0].ref.Line}
	if cov, at := toolingCoverage(ev); len(cov) > 0 {
		return []rule.Finding{rule.New(id, rule.True, at, "end-of-life runtimes are named (%s), but an update bot maintains the tooling: %s", strings.Join(names, ", "), strings.Join(cov, ", "))}
	}
	if b, ok := evidence.First[evidence.ToolingBumps](ev); ok && len(bumpMonths(b.Fact)) >= MinBumpMonths {
		return []rule.Finding{rule.New(id, rule.True, first, "end-of-life runtimes are named (%s), but tooling versions were bumped in %s of the window", strings.Join(names, ", "), textsafe.Count(len(bumpMonths(b.Fact)), "month"))}
	}
	return []rule.Finding{rule.Violated(id, first, "end-of-life runtimes are named (%s) and nothing updates the tooling: no update bot covers it and the window shows no regular version bumps", strings.Join(names, ", "))}
}

func updateBotConfigured(ev *evidence.Set) []rule.Finding {
	const id = UpdateBotConfigured
	var out []rule.Finding
	for _, it := range evidence.Facts[evidence.UpdateConfig](ev) {
		c := it.Fact
		loc := evidence.Location{Path: c.Path, Line: c.Line}
		if c.Disabled {
			continue
		}
		var ecos []string
		for _, u := range c.Updates {
			if !u.Disabled && !slices.Contains(ecos, u.Ecosystem) {
				ecos = append(ecos, u.Ecosystem)
			}
		}
		switch {
		case c.Tool == "renovate":
			out = append(out, rule.New(id, rule.True, loc, "Renovate is configured in %s", c.Path))
		case len(ecos) > 0:
			out = append(out, rule.New(id, rule.True, loc, "Dependabot is configured in %s for %s", c.Path, strings.Join(ecos, ", ")))
		}
	}
	if len(out) > 0 {
		return out
	}
	return []rule.Finding{rule.Absent(id, evidence.Location{}, "no enabled Dependabot or Renovate configuration in the repository")}
}

func scanScope(s evidence.HistoryScan) string {
	msg := fmt.Sprintf("%s on all branches and tags", textsafe.Count(s.Scanned, "commit"))
	if s.Capped {
		msg += fmt.Sprintf(", back to %s where the cap of %d stopped the scan", day(s.Oldest), s.MaxCommits)
	}
	return msg
}

func updateBotActiveInHistory(ev *evidence.Set) []rule.Finding {
	const id = UpdateBotActiveInHistory
	it, ok := evidence.First[evidence.UpdateBotHistory](ev)
	if !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "git history was not read")}
	}
	h := it.Fact
	if len(h.Bots) == 0 {
		if h.Scan.Capped {
			return []rule.Finding{rule.New(id, rule.NotAvailable, it.Provenance.Location, "no update-bot commit in %s; older history was not read", scanScope(h.Scan))}
		}
		return []rule.Finding{rule.Absent(id, it.Provenance.Location, "no commit authored by an update-bot account in %s", scanScope(h.Scan))}
	}
	var out []rule.Finding
	for _, b := range h.Bots {
		out = append(out, rule.New(id, rule.True, evidence.Location{Commit: b.Latest}, "%s by %s from %s to %s (latest %s), in %s", textsafe.Count(b.Commits, "commit"), b.Account, day(b.First), day(b.Last), short(b.Latest), scanScope(h.Scan)))
	}
	return out
}

func securityUpdatesInHistory(ev *evidence.Set) []rule.Finding {
	const id = SecurityUpdatesInHistory
	it, ok := evidence.First[evidence.UpdateBotHistory](ev)
	if !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "git history was not read")}
	}
	h := it.Fact
	if h.SecurityUpdateCount == 0 {
		if h.Scan.Capped {
			return []rule.Finding{rule.New(id, rule.NotAvailable, it.Provenance.Location, "no bot security update in %s; older history was not read", scanScope(h.Scan))}
		}
		return []rule.Finding{rule.Absent(id, it.Provenance.Location, "no bot commit in %s is a security update", scanScope(h.Scan))}
	}
	out := []rule.Finding{rule.New(id, rule.True, it.Provenance.Location, "%d bot security updates in %s", h.SecurityUpdateCount, scanScope(h.Scan))}
	for i, u := range h.SecurityUpdates {
		if i == 3 {
			break
		}
		out = append(out, rule.New(id, rule.True, evidence.Location{Commit: u.Commit}, "%s %s by %s: %q (%s)", short(u.Commit), day(u.When), u.Account, u.Subject, u.Why))
	}
	return out
}
