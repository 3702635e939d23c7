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
			if ok, fixed := Affects(a, eco, version); ok {
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

// Assess matches packages and returns one finding per package and
// vulnerability, with aliases from every source merged, KEV and EPSS
// attached. Results are sorted for stable output.
func (db *DB) Assess(pkgs []evidence.DepPackage) ([]evidence.Vulnerability, error) {
	var out []evidence.Vulnerability
	cache := map[string][]Hit{}
	for _, p := range pkgs {
		key := p.Ecosystem + "\x00" + p.Name + "\x00" + p.Version
		hits, ok := cache[key]
		if !ok {
			var err error
			hits, err = db.Match(p.Ecosystem, p.Name, p.Version)
			if err != nil {
				return nil, err
			}
			cache[key] = hits
		}
		out = append(out, db.merge(p, hits)...)
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

// Coverage counts the components the database can check and, per
// ecosystem, those it cannot, into the status.
func (db *DB) Coverage(status *evidence.VulnDB, pkgs []evidence.DepPackage) {
	uncovered := map[string]int{}
	for _, p := range pkgs {
		if p.Ecosystem == "" || p.Version == "" {
			continue
		}
		if db.Covers(p.Ecosystem) {
			status.Checked++
		} else {
			uncovered[BaseEcosystem(p.Ecosystem)]++
		}
	}
	status.Uncovered = nil
	for _, eco := range slices.Sorted(maps.Keys(uncovered)) {
		status.Uncovered = append(status.Uncovered, evidence.EcosystemCount{Ecosystem: eco, Components: uncovered[eco]})
	}
}

// Age returns how old the database is at now.
func (db *DB) Age(now time.Time) time.Duration { return now.Sub(db.ImportedAt()) }
