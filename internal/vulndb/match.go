package vulndb

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/osv-scalibr/semantic"

	"github.com/assaysec/assay/internal/evidence"
)

// Hit is one record affecting one package version.
type Hit struct {
	Record   *Record
	Affected *Affected
	Fixed    []string // fixed versions above the installed one
}

// versionFor prepares a version string for comparison in eco.
func versionFor(eco, v string) string {
	if BaseEcosystem(eco) == "Go" {
		return strings.TrimPrefix(v, "v")
	}
	return v
}

// Affects reports whether version of the package is affected by a, and the
// fixed versions above it. Only SEMVER and ECOSYSTEM ranges are evaluated
// (GIT ranges name commits, which lockfiles do not pin), plus the explicit
// versions list.
func Affects(a *Affected, eco, version string) (bool, []string) {
	version = versionFor(eco, version)
	affected := false
	for _, v := range a.Versions {
		if versionFor(eco, v) == version {
			affected = true
			break
		}
	}
	parsed, err := semantic.Parse(version, BaseEcosystem(eco))
	if err != nil {
		return affected, nil
	}
	var fixed []string
	for _, r := range a.Ranges {
		if r.Type != "SEMVER" && r.Type != "ECOSYSTEM" {
			continue
		}
		in, fx := inRange(r, eco, parsed)
		if in {
			affected = true
		}
		fixed = append(fixed, fx...)
	}
	if !affected {
		return false, nil
	}
	return true, sortVersions(eco, dedupe(fixed))
}

type event struct {
	kind string // "introduced", "fixed", "last_affected"
	raw  string
	v    semantic.Version
	zero bool
}

// inRange evaluates one range's events in version order, as the OSV
// specification describes, and returns the fixed versions above v.
func inRange(r Range, eco string, v semantic.Version) (bool, []string) {
	var evs []event
	for _, e := range r.Events {
		var ev event
		switch {
		case e.Introduced != "":
			ev = event{kind: "introduced", raw: versionFor(eco, e.Introduced)}
			ev.zero = ev.raw == "0"
		case e.Fixed != "":
			ev = event{kind: "fixed", raw: versionFor(eco, e.Fixed)}
		case e.LastAffected != "":
			ev = event{kind: "last_affected", raw: versionFor(eco, e.LastAffected)}
		default:
			continue
		}
		if !ev.zero {
			pv, err := semantic.Parse(ev.raw, BaseEcosystem(eco))
			if err != nil {
				continue
			}
			ev.v = pv
		}
		evs = append(evs, ev)
	}
	sort.SliceStable(evs, func(i, j int) bool {
		a, b := evs[i], evs[j]
		if a.zero || b.zero {
			return a.zero && !b.zero
		}
		c, err := a.v.Compare(b.v)
		return err == nil && c < 0
	})
	vulnerable := false
	var fixed []string
	for _, ev := range evs {
		var c int // comparison of v with the event's version
		if ev.zero {
			c = 1
		} else {
			x, err := v.Compare(ev.v)
			if err != nil {
				continue
			}
			c = x
		}
		switch ev.kind {
		case "introduced":
			if c >= 0 {
				vulnerable = true
			}
		case "fixed":
			if c >= 0 {
				vulnerable = false
			}
			fixed = append(fixed, ev.raw)
		case "last_affected":
			if c > 0 {
				vulnerable = false
			}
		}
	}
	if !vulnerable {
		return false, nil
	}
	// Only fixes above the installed version are remediations.
	var above []string
	for _, f := range fixed {
		if x, err := v.CompareStr(f); err == nil && x < 0 {
			above = append(above, f)
		}
	}
	return true, above
}

func dedupe(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

func sortVersions(eco string, vs []string) []string {
	sort.SliceStable(vs, func(i, j int) bool {
		a, err := semantic.Parse(vs[i], BaseEcosystem(eco))
		if err != nil {
			return vs[i] < vs[j]
		}
		c, err := a.CompareStr(vs[j])
		return err == nil && c < 0
	})
	return vs
}

// Match returns the records affecting one package version.
func (db *DB) Match(eco, name, version string) ([]Hit, error) {
	if version == "" || eco == "" {
		return nil, nil
	}
	return db.hits(eco, name, func(a *Affected) (bool, []string) { return Affects(a, eco, version) })
}

// hits returns, for each record of the package, its first affected entry
// for which affects holds, with the fixed versions affects returns.
func (db *DB) hits(eco, name string, affects func(*Affected) (bool, []string)) ([]Hit, error) {
	recs, err := db.Lookup(eco, name)
	if err != nil {
		return nil, err
	}
	base := BaseEcosystem(eco)
	norm := NormalizeName(base, name)
	var hits []Hit
	for _, r := range recs {
		for i := range r.Affected {
			a := &r.Affected[i]
			if BaseEcosystem(a.Package.Ecosystem) != base || NormalizeName(base, a.Package.Name) != norm {
				continue
			}
			// A record for one distribution release does not apply to another.
			if strings.Contains(a.Package.Ecosystem, ":") && strings.Contains(eco, ":") && a.Package.Ecosystem != eco {
				continue
			}
			if ok, fixed := affects(a); ok {
				hits = append(hits, Hit{Record: r, Affected: a, Fixed: fixed})
				break
			}
		}
	}
	return hits, nil
}

// idRank orders ids for display: the reviewed cross-ecosystem GHSA id
// first, then ecosystem databases, then CVE.
func idRank(id string) int {
	switch {
	case strings.HasPrefix(id, "GHSA-"):
		return 0
	case strings.HasPrefix(id, "RUSTSEC-"), strings.HasPrefix(id, "GO-"), strings.HasPrefix(id, "PYSEC-"):
		return 1
	case strings.HasPrefix(id, "CVE-"):
		return 3
	}
	return 2
}

// Assess matches packages and returns one finding per component (an
// ecosystem, name and version) and vulnerability, however many files pin
// the component: the finding's Locations lists them all. Aliases from
// every source are merged, KEV and EPSS attached, and a rating or a
// publication date the records lack is taken from their aliases'
// records. A package whose version is a floor (Go's stdlib from go.mod)
// is matched against every version from the floor up: its findings are
// toolchain findings, carrying the affected ranges. Results are sorted for
// stable output.
func (db *DB) Assess(pkgs []evidence.DepPackage) ([]evidence.Vulnerability, error) {
	var out []evidence.Vulnerability
	for _, c := range Components(pkgs) {
		p := c.Package
		var hits []Hit
		var err error
		if p.Floor {
			hits, err = db.MatchFrom(p.Ecosystem, p.Name, p.Version)
		} else {
			hits, err = db.Match(p.Ecosystem, p.Name, p.Version)
		}
		if err != nil {
			return nil, err
		}
		for _, v := range db.merge(p, hits) {
			v.Locations = c.Locations
			if p.Floor {
				v.Toolchain = true
				v.Ranges = rangesOf(hits, v.Aliases)
			}
			out = append(out, v)
		}
	}
	if err := db.fromAliases(out); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Package.Path != b.Package.Path {
			return a.Package.Path < b.Package.Path
		}
		if a.Package.Name != b.Package.Name {
			return a.Package.Name < b.Package.Name
		}
		if a.Package.Version != b.Package.Version {
			return a.Package.Version < b.Package.Version
		}
		return a.ID < b.ID
	})
	return out, nil
}

// Component is one distinct component (ecosystem, name, version) and
// every file that pins it, in the order the packages came.
type Component struct {
	Package   evidence.DepPackage
	Locations []evidence.PinLocation
}

// Components groups packages into distinct components. Packages without
// an ecosystem or version cannot be matched and are left out; the first
// package of a component stands for it.
func Components(pkgs []evidence.DepPackage) []Component {
	var out []Component
	at := map[string]int{}
	for _, p := range pkgs {
		if p.Ecosystem == "" || p.Version == "" {
			continue
		}
		base := BaseEcosystem(p.Ecosystem)
		key := p.Ecosystem + "\x00" + NormalizeName(base, p.Name) + "\x00" + versionFor(p.Ecosystem, p.Version)
		loc := evidence.PinLocation{Path: p.Path, Line: p.Line}
		i, ok := at[key]
		if !ok {
			at[key] = len(out)
			out = append(out, Component{Package: p, Locations: []evidence.PinLocation{loc}})
			continue
		}
		if !slices.Contains(out[i].Locations, loc) {
			out[i].Locations = append(out[i].Locations, loc)
		}
	}
	return out
}

// MatchFrom returns the records affecting any version of the package at or
// above floor: the versions a build whose toolchain is only bounded below
// may carry. Each hit's Fixed lists every fixed version of its ranges.
func (db *DB) MatchFrom(eco, name, floor string) ([]Hit, error) {
	if floor == "" || eco == "" {
		return nil, nil
	}
	parsed, err := semantic.Parse(versionFor(eco, floor), BaseEcosystem(eco))
	if err != nil {
		return db.Match(eco, name, floor)
	}
	return db.hits(eco, name, func(a *Affected) (bool, []string) { return affectsFrom(a, eco, parsed, floor) })
}

// affectsFrom reports whether a affects floor or any later version: the
// floor itself is affected, or a range introduces the flaw above it. The
// fixed versions returned are those above the floor.
func affectsFrom(a *Affected, eco string, floor semantic.Version, raw string) (bool, []string) {
	if ok, fixed := Affects(a, eco, raw); ok {
		return true, fixed
	}
	affected := false
	var fixed []string
	for _, r := range a.Ranges {
		if r.Type != "SEMVER" && r.Type != "ECOSYSTEM" {
			continue
		}
		for _, e := range r.Events {
			if e.Introduced == "" || e.Introduced == "0" {
				continue
			}
			if c, err := floor.CompareStr(versionFor(eco, e.Introduced)); err == nil && c < 0 {
				affected = true
			}
		}
		for _, e := range r.Events {
			if e.Fixed == "" {
				continue
			}
			if c, err := floor.CompareStr(versionFor(eco, e.Fixed)); err == nil && c < 0 {
				fixed = append(fixed, versionFor(eco, e.Fixed))
			}
		}
	}
	for _, v := range a.Versions {
		if c, err := floor.CompareStr(versionFor(eco, v)); err == nil && c < 0 {
			affected = true
		}
	}
	if !affected {
		return false, nil
	}
	return true, sortVersions(eco, dedupe(fixed))
}

// rangesOf is the affected ranges of the hits whose record is one of ids,
// for a rule to judge a version learnt later.
func rangesOf(hits []Hit, ids []string) []evidence.VersionRange {
	var out []evidence.VersionRange
	for _, h := range hits {
		if !slices.Contains(ids, h.Record.ID) {
			continue
		}
		for _, r := range h.Affected.Ranges {
			if r.Type != "SEMVER" && r.Type != "ECOSYSTEM" {
				continue
			}
			var vr evidence.VersionRange
			for _, e := range r.Events {
				vr.Events = append(vr.Events, evidence.VersionEvent{Introduced: e.Introduced, Fixed: e.Fixed, LastAffected: e.LastAffected})
			}
			out = append(out, vr)
		}
	}
	return out
}

// merge groups hits whose ids overlap (one vulnerability published by
// several databases) into one finding each.
func (db *DB) merge(p evidence.DepPackage, hits []Hit) []evidence.Vulnerability {
	parent := make([]int, len(hits))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	owner := map[string]int{}
	for i, h := range hits {
		for _, id := range h.Record.IDs() {
			if j, ok := owner[id]; ok {
				parent[find(i)] = find(j)
			} else {
				owner[id] = i
			}
		}
	}
	groups := map[int][]Hit{}
	var order []int
	for i, h := range hits {
		r := find(i)
		if _, ok := groups[r]; !ok {
			order = append(order, r)
		}
		groups[r] = append(groups[r], h)
	}
	var out []evidence.Vulnerability
	for _, r := range order {
		out = append(out, db.finding(p, groups[r]))
	}
	return out
}

func (db *DB) finding(p evidence.DepPackage, hits []Hit) evidence.Vulnerability {
	v := evidence.Vulnerability{Package: p, Status: "affected", EPSS: -1}
	var ids, fixed []string
	summaryRank := 99
	for _, h := range hits {
		r := h.Record
		ids = append(ids, r.IDs()...)
		fixed = append(fixed, h.Fixed...)
		if r.Summary != "" && idRank(r.ID) < summaryRank {
			v.Summary, summaryRank = r.Summary, idRank(r.ID)
		}
		if !r.Published.IsZero() && (v.Published.IsZero() || r.Published.Before(v.Published)) {
			v.Published = r.Published
		}
		if r.Modified.After(v.Modified) {
			v.Modified = r.Modified
		}
		sev, score, vector := severityOf(r, h.Affected)
		if score > v.CVSS || (v.CVSS == 0 && evidence.SeverityRank(sev) > evidence.SeverityRank(v.Severity)) {
			v.CVSS, v.Vector = score, vector
		}
		if evidence.SeverityRank(sev) > evidence.SeverityRank(v.Severity) {
			v.Severity = sev
		}
		if v.Vector == "" {
			v.Vector = vector
		}
		if inf := r.Informational(); inf != "" {
			v.Informational = inf
		}
	}
	ids = dedupe(ids)
	sort.SliceStable(ids, func(i, j int) bool {
		if idRank(ids[i]) != idRank(ids[j]) {
			return idRank(ids[i]) < idRank(ids[j])
		}
		return ids[i] < ids[j]
	})
	v.ID = ids[0]
	v.Aliases = ids
	v.Fixed = sortVersions(p.Ecosystem, dedupe(fixed))
	for _, id := range ids {
		if !strings.HasPrefix(id, "CVE-") {
			continue
		}
		if k, ok := db.KEV(id); ok {
			v.KEV, v.KEVAdded, v.KEVDue = true, k.Added, k.Due
		}
		if e, ok := db.EPSS(id); ok && e.Score > v.EPSS {
			v.EPSS, v.EPSSPct = e.Score, e.Percentile
		}
	}
	return v
}

// Status describes the database for evidence.
func (db *DB) Status() evidence.VulnDB {
	out := evidence.VulnDB{Dir: db.Dir, Present: true, ImportedAt: db.ImportedAt()}
	for _, s := range db.Meta.SortedSources() {
		out.Sources = append(out.Sources, evidence.VulnDBSource{Name: s.Name, Kind: s.Kind, Records: s.Records, ImportedAt: s.ImportedAt, Newest: s.Newest})
	}
	if !slices.ContainsFunc(db.Meta.Sources, func(s SourceMeta) bool { return s.Kind == KindOSV }) {
		out.Present = false
		out.Problem = "the database holds no OSV records, only KEV/EPSS feeds"
	}
	out.KEV = slices.ContainsFunc(db.Meta.Sources, func(s SourceMeta) bool { return s.Kind == KindKEV && s.Records > 0 })
	return out
}

// Covers reports whether any OSV source holds a record of the ecosystem,
// so that finding nothing for a component of it means it was checked. A
// source imported before ecosystems were counted is taken to cover all.
func (db *DB) Covers(ecosystem string) bool {
	base := BaseEcosystem(ecosystem)
	for _, s := range db.Meta.Sources {
		if s.Kind != KindOSV {
			continue
		}
		if s.Ecosystems == nil || s.Ecosystems[base] > 0 {
			return true
		}
	}
	return false
}

// Coverage fills the status's coverage: per ecosystem of the components,
// how many distinct components there are and how many records the
// database holds for it; the components of ecosystems it holds none of
// are listed as not checked. Findings are counted by Tally.
func (db *DB) Coverage(status *evidence.VulnDB, pkgs []evidence.DepPackage) {
	components := map[string]int{}
	for _, c := range Components(pkgs) {
		components[BaseEcosystem(c.Package.Ecosystem)]++
	}
	status.Checked = 0
	status.Uncovered = nil
	status.Ecosystems = nil
	for _, eco := range slices.Sorted(maps.Keys(components)) {
		n := components[eco]
		row := evidence.EcosystemCoverage{Ecosystem: eco, Components: n, Records: db.records(eco), Covered: db.Covers(eco)}
		status.Ecosystems = append(status.Ecosystems, row)
		if row.Covered {
			status.Checked += n
		} else {
			status.Uncovered = append(status.Uncovered, evidence.EcosystemCount{Ecosystem: eco, Components: n})
		}
	}
}

// records counts the OSV records naming a package of the ecosystem, over
// all sources.
func (db *DB) records(base string) int {
	n := 0
	for _, s := range db.Meta.Sources {
		if s.Kind == KindOSV {
			n += s.Ecosystems[base]
		}
	}
	return n
}

// Tally counts the findings of each ecosystem into the coverage table.
func Tally(status *evidence.VulnDB, found []evidence.Vulnerability) {
	for i := range status.Ecosystems {
		status.Ecosystems[i].Findings = 0
	}
	for _, v := range found {
		base := BaseEcosystem(v.Package.Ecosystem)
		for i := range status.Ecosystems {
			if status.Ecosystems[i].Ecosystem == base {
				status.Ecosystems[i].Findings++
			}
		}
	}
}

// Age returns how old the database is at now.
func (db *DB) Age(now time.Time) time.Duration { return now.Sub(db.ImportedAt()) }
