// Package deps holds the rules about third-party components: inventory,
// SBOMs, integrity, known vulnerabilities and how fast they are fixed.
package deps

import (
	_ "embed"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/semver"

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
	ComponentInventoryAvailable           = "componentInventoryAvailable"
	ComponentsMaintained                  = "componentsMaintained"
	DependenciesIntegrityPinned           = "dependenciesIntegrityPinned"
	DependencyFilesParse                  = "dependencyFilesParse"
	ExploitedVulnerabilitiesAbsent        = "exploitedVulnerabilitiesAbsent"
	KnownVulnerabilitiesWithinTargets     = "knownVulnerabilitiesWithinTargets"
	ManifestsHaveParsedLockfile           = "manifestsHaveParsedLockfile"
	RemediationPolicyDeclared             = "remediationPolicyDeclared"
	SbomMeetsNTIAMinimum                  = "sbomMeetsNTIAMinimum"
	VexDocumentsPublished                 = "vexDocumentsPublished"
	VulnerabilityDatabaseCurrent          = "vulnerabilityDatabaseCurrent"
	VulnerabilityDatabaseCoversEcosystems = "vulnerabilityDatabaseCoversEcosystems"
	VulnerableVersionsReplacedPromptly    = "vulnerableVersionsReplacedPromptly"
)

// Rules returns the area's rules.
func Rules() ([]rule.Rule, error) {
	b := rule.NewBuilder(metaYAML)
	files := []evidence.Kind{evidence.KindDependencyFile}
	vulns := []evidence.Kind{evidence.KindVulnDB, evidence.KindVulnerability}
	rs := []rule.Rule{
		b.Rule(DependencyFilesParse, files, dependencyFilesParse).Reading(evidence.KindManifest),
		b.Rule(ManifestsHaveParsedLockfile, []evidence.Kind{evidence.KindManifest, evidence.KindDependencyFile}, manifestsHaveParsedLockfile),
		b.Rule(ComponentInventoryAvailable, []evidence.Kind{evidence.KindDependencyFile, evidence.KindSBOM, evidence.KindManifest, evidence.KindVendored}, componentInventoryAvailable),
		b.Rule(SbomMeetsNTIAMinimum, []evidence.Kind{evidence.KindSBOM}, sbomMeetsNTIAMinimum),
		b.Rule(DependenciesIntegrityPinned, []evidence.Kind{evidence.KindDependencyFile, evidence.KindManifest}, dependenciesIntegrityPinned),
		b.Rule(VulnerabilityDatabaseCurrent, []evidence.Kind{evidence.KindVulnDB}, vulnerabilityDatabaseCurrent),
		b.Rule(VulnerabilityDatabaseCoversEcosystems, []evidence.Kind{evidence.KindVulnDB}, vulnerabilityDatabaseCoversEcosystems),
		b.Rule(KnownVulnerabilitiesWithinTargets, vulns, knownVulnerabilitiesWithinTargets).Reading(evidence.KindRemediationPolicy, evidence.KindToolchainRefs),
		b.Rule(ExploitedVulnerabilitiesAbsent, vulns, exploitedVulnerabilitiesAbsent).Reading(evidence.KindToolchainRefs),
		b.Rule(ComponentsMaintained, vulns, componentsMaintained),
		b.Rule(RemediationPolicyDeclared, []evidence.Kind{evidence.KindRemediationPolicy}, remediationPolicyDeclared),
		b.Rule(VexDocumentsPublished, []evidence.Kind{evidence.KindVEXDocument}, vexDocumentsPublished),
		b.Rule(VulnerableVersionsReplacedPromptly, []evidence.Kind{evidence.KindRemediationLag}, vulnerableVersionsReplacedPromptly),
	}
	return rs, b.Err()
}

// outside lists a file that is not part of the product: shown, never
// deciding a claim.
func outside(id, p, why string) rule.Finding {
	return rule.New(id, rule.NotApplicable, evidence.Location{Path: p}, "%s is outside the product (%s): listed, not assessed; adjust with scope in assay.yaml", p, why)
}

func dependencyFilesParse(ev *evidence.Set) []rule.Finding {
	const id = DependencyFilesParse
	var out []rule.Finding
	for _, it := range evidence.Facts[evidence.DependencyFile](ev) {
		f := it.Fact
		loc := evidence.Location{Path: f.Path}
		switch {
		case f.OutOfScope != "":
			out = append(out, outside(id, f.Path, f.OutOfScope))
		case f.Error != "":
			// Assay's parser may be the one at fault: the components are
			// unknown, which is an absence of evidence, not a violation.
			out = append(out, rule.Absent(id, loc, "%s could not be read as %s: %s", f.Path, f.Format, f.Error))
		case len(f.Packages) == 0 && len(f.Unresolved) > 0:
			loc.Line = f.Unresolved[0].Line
			out = append(out, rule.Absent(id, loc, "%s: manifest present but no components could be read: %s", f.Path, f.UnresolvedText()))
		case len(f.Unresolved) > 0:
			out = append(out, rule.New(id, rule.True, loc, "%s (%s) lists %s; not listed: %s", f.Path, f.Format, textsafe.Count(len(f.Packages), "package"), f.UnresolvedText()))
		default:
			out = append(out, rule.New(id, rule.True, loc, "%s (%s) lists %s", f.Path, f.Format, textsafe.Count(len(f.Packages), "package")))
		}
	}
	if len(out) == 0 {
		// A manifest with no lockfile has nothing here to parse; say so
		// rather than that there are no manifests (the inventory and
		// lockfile rules judge it).
		var unlocked []string
		for _, it := range evidence.Facts[evidence.Manifest](ev) {
			if m := it.Fact; m.OutOfScope == "" && len(m.Lockfiles) == 0 {
				unlocked = append(unlocked, m.Path)
			}
		}
		if len(unlocked) > 0 {
			shown := unlocked[:min(3, len(unlocked))]
			more := ""
			if n := len(unlocked) - len(shown); n > 0 {
				more = fmt.Sprintf(" and %d more", n)
			}
			return append(out, rule.New(id, rule.NotApplicable, evidence.Location{Path: unlocked[0]}, "no lockfile to parse: %s%s %s none", strings.Join(shown, ", "), more, hasHave(len(unlocked))))
		}
		out = append(out, rule.New(id, rule.NotApplicable, evidence.Location{}, "no lockfiles or dependency manifests found"))
	}
	// The files nearest the root come first: the project's own lockfile,
	// not a release script's, is the one a summary should name.
	slices.SortStableFunc(out, func(a, b rule.Finding) int {
		return strings.Count(a.Location.Path, "/") - strings.Count(b.Location.Path, "/")
	})
	return out
}

func hasHave(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}

// coverage says whether one in-scope manifest's components are completely
// listed: by a parsed lockfile, by declaring nothing, or by an exact-version
// build (Maven, Gradle). A manifest that resolves from ranges with nothing
// to lock them is a violation.
func coverage(id string, m evidence.Manifest, parsed map[string]evidence.DependencyFile) rule.Finding {
	f := listCoverage(id, m, parsed)
	if len(m.Native) > 0 && f.Outcome == rule.True {
		// The Go side is complete, but the build links host libraries
		// that no lockfile lists, at whatever version the host has.
		return rule.Violated(id, evidence.Location{Path: m.Path}, "%s: the Go modules are listed, but the build links host libraries through cgo that no lockfile or SBOM lists: %s", m.Path, strings.Join(m.Native[:min(3, len(m.Native))], ", "))
	}
	return f
}

func listCoverage(id string, m evidence.Manifest, parsed map[string]evidence.DependencyFile) rule.Finding {
	loc := evidence.Location{Path: m.Path}
	if len(m.Lockfiles) == 0 {
		switch {
		case m.NoDependencies:
			return rule.New(id, rule.True, loc, "%s declares no dependencies (%s): it is a complete list by itself", m.Path, m.Note)
		case exactBuild(m) && parsed[m.Path].Error != "":
			return rule.Absent(id, loc, "%s: manifest present but no components could be read: %s", m.Path, parsed[m.Path].Error)
		case exactBuild(m) && len(parsed[m.Path].Unresolved) > 0,
			// A NuGet version range resolves to the lowest version the
			// feed has: the same every restore, but not known here.
			!m.LockNeeded && m.Manager == "dotnet" && m.Range == "" && len(parsed[m.Path].Unresolved) > 0:
			f := parsed[m.Path]
			loc.Line = f.Unresolved[0].Line
			settle := "an SBOM generated by the build (CycloneDX Maven or Gradle plugin) or a gradle.lockfile"
			if m.Manager == "dotnet" {
				settle = "an SBOM generated by the build (CycloneDX for .NET) or packages.lock.json (RestorePackagesWithLockFile)"
			}
			return rule.New(id, rule.NotAvailable, loc, "%s pins its versions in the build files, but the list Assay could read is incomplete: %s; settle it with %s", m.Path, f.UnresolvedText(), settle)
		case exactBuild(m):
			if m.Manager == "dotnet" {
				return rule.New(id, rule.True, loc, "%s pins every version exactly (no ranges or floating versions): NuGet restores the same components every time, so the project files are a complete list without a lockfile", m.Path)
			}
			return rule.New(id, rule.True, loc, "%s pins every version exactly (no ranges, LATEST/RELEASE or dynamic versions): %s resolves the same components every build, so the build files are a complete list without a lockfile", m.Path, m.Manager)
		case !m.LockNeeded && m.Range != "":
			loc.Line = m.RangeLine
			return rule.Violated(id, loc, "%s resolves %q from a range at line %d and no lockfile pins it", m.Path, m.Range, m.RangeLine)
		case !m.LockNeeded:
			return rule.New(id, rule.NotApplicable, loc, "%s: %s", m.Path, m.Note)
		}
		loc.Line = m.RangeLine
		msg := fmt.Sprintf("%s (%s) has no lockfile, so its transitive components resolve afresh at every install", m.Path, m.Ecosystem)
		if m.Range != "" {
			msg += fmt.Sprintf("; e.g. %q at line %d is not pinned exactly", m.Range, m.RangeLine)
		}
		if len(m.Rejected) > 0 {
			msg += "; not a lock: " + strings.Join(m.Rejected, "; ")
		}
		return rule.Violated(id, loc, "%s", msg)
	}
	if f, found := parsed[m.Path]; found && f.Error == "" && len(m.Lockfiles) == 1 && m.Lockfiles[0] == m.Path {
		return rule.New(id, rule.True, loc, "%s pins all %s exactly, so it is its own lock", m.Path, textsafe.Count(len(f.Packages), "requirement"))
	}
	// go.mod is read as its own lockfile: with go.sum beside it, it
	// lists every module of the build (Go 1.17+ module graph pruning).
	if f, found := parsed[m.Path]; found && f.Lockfile && f.Error == "" {
		return rule.New(id, rule.True, loc, "%s lists all %s of the build, pinned by %s", m.Path, textsafe.Count(len(f.Packages), "module"), strings.Join(m.Lockfiles, ", "))
	}
	var ok, broken []string
	for _, l := range m.Lockfiles {
		f, found := parsed[l]
		switch {
		case !found:
		case f.Error != "":
			broken = append(broken, l)
		default:
			ok = append(ok, fmt.Sprintf("%s (%s)", l, textsafe.Count(len(f.Packages), "package")))
		}
	}
	switch {
	case len(ok) > 0:
		return rule.New(id, rule.True, evidence.Location{Path: strings.Fields(ok[0])[0]}, "%s is pinned by %s", m.Path, strings.Join(ok, ", "))
	case len(broken) > 0:
		return rule.Absent(id, evidence.Location{Path: broken[0]}, "%s: its lockfile %s could not be parsed, so its components are unknown", m.Path, strings.Join(broken, ", "))
	}
	return rule.New(id, rule.NotAvailable, loc, "%s: lockfile %s is in a format Assay does not read", m.Path, strings.Join(m.Lockfiles, ", "))
}

// exactBuild reports a manifest of an ecosystem without a standard
// lockfile (Maven, Gradle, NuGet) whose build files pin every version
// exactly: the build resolves the same components every time.
func exactBuild(m evidence.Manifest) bool {
	return !m.LockNeeded && m.Exact && (m.Manager == "maven" || m.Manager == "gradle" || m.Manager == "dotnet")
}

func parsedFiles(ev *evidence.Set) map[string]evidence.DependencyFile {
	parsed := map[string]evidence.DependencyFile{}
	for _, it := range evidence.Facts[evidence.DependencyFile](ev) {
		parsed[it.Fact.Path] = it.Fact
	}
	return parsed
}

func manifestsHaveParsedLockfile(ev *evidence.Set) []rule.Finding {
	const id = ManifestsHaveParsedLockfile
	parsed := parsedFiles(ev)
	var out []rule.Finding
	for _, it := range evidence.Facts[evidence.Manifest](ev) {
		m := it.Fact
		if m.OutOfScope != "" {
			out = append(out, outside(id, m.Path, m.OutOfScope))
			continue
		}
		out = append(out, coverage(id, m, parsed))
	}
	if len(out) == 0 {
		out = append(out, rule.New(id, rule.NotApplicable, evidence.Location{}, "no package manifests found"))
	}
	return out
}

func componentInventoryAvailable(ev *evidence.Set) []rule.Finding {
	const id = ComponentInventoryAvailable
	for _, it := range evidence.Facts[evidence.SBOMDocument](ev) {
		d := it.Fact
		if d.Type == "software" && d.Supported && d.Error == "" && len(d.Gaps) == 0 && d.Components > 0 {
			return []rule.Finding{rule.New(id, rule.True, evidence.Location{Path: d.Path}, "%s is a complete %s %s SBOM of %s", d.Path, d.Format, d.SpecVersion, textsafe.Count(d.Components, "component"))}
		}
	}
	files := evidence.Facts[evidence.DependencyFile](ev)
	pkgs, inFiles, outFiles := 0, 0, 0
	for _, it := range files {
		switch {
		case it.Fact.OutOfScope != "":
			outFiles++
		case it.Fact.Error == "":
			inFiles++
			pkgs += len(it.Fact.Packages)
		}
	}
	parsed := parsedFiles(ev)
	var gaps, unknown []rule.Finding
	covered, skipped := 0, 0
	for _, it := range evidence.Facts[evidence.Manifest](ev) {
		if it.Fact.OutOfScope != "" {
			skipped++
			continue
		}
		f := coverage(id, it.Fact, parsed)
		switch {
		case f.Outcome == rule.True:
			covered++
		case f.Outcome == rule.False && f.Negative == rule.Violation:
			gaps = append(gaps, f)
		case f.Outcome == rule.False || f.Outcome == rule.NotAvailable:
			unknown = append(unknown, f)
		}
	}
	scopeNote := ""
	if skipped+outFiles > 0 {
		scopeNote = fmt.Sprintf("; %s and %d dependency files outside the product are not counted", textsafe.Count(skipped, "manifest"), outFiles)
	}
	for _, it := range evidence.Facts[evidence.VendoredCode](ev) {
		v := it.Fact
		gaps = append(gaps, rule.Violated(id, evidence.Location{Path: v.Example}, "%s/ holds third-party code copied into the tree (%d source files, e.g. %s) that no manifest, lockfile or version record lists", v.Path, v.Files, v.Example))
	}
	switch {
	case len(gaps) > 0:
		f := gaps[0]
		f.Message = fmt.Sprintf("the inventory is incomplete (gaps: %d; product manifests completely listed: %d); first: %s%s", len(gaps), covered, f.Message, scopeNote)
		return []rule.Finding{f}
	case len(unknown) > 0:
		f := unknown[0]
		f.Message = fmt.Sprintf("the inventory cannot be confirmed for %d product manifests; first: %s%s", len(unknown), f.Message, scopeNote)
		return []rule.Finding{f}
	case covered > 0:
		return []rule.Finding{rule.New(id, rule.True, evidence.Location{}, "every product manifest (%d) is completely listed: %s in %s and manifests; `assay sbom` produces a CycloneDX or SPDX SBOM from them%s", covered, textsafe.Count(pkgs, "component"), textsafe.Count(inFiles, "lockfile"), scopeNote)}
	case pkgs > 0:
		return []rule.Finding{rule.New(id, rule.True, evidence.Location{}, "%s pinned in %s; `assay sbom` produces a CycloneDX or SPDX SBOM from them%s", textsafe.Count(pkgs, "component"), textsafe.Count(inFiles, "lockfile"), scopeNote)}
	case inFiles+len(files)-outFiles > 0:
		return []rule.Finding{rule.Absent(id, evidence.Location{Path: files[0].Fact.Path}, "dependency files were found but no component could be read from them")}
	}
	return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no third-party components declared in the product%s", scopeNote)}
}

func sbomMeetsNTIAMinimum(ev *evidence.Set) []rule.Finding {
	const id = SbomMeetsNTIAMinimum
	var out []rule.Finding
	for _, it := range evidence.Facts[evidence.SBOMDocument](ev) {
		d := it.Fact
		loc := evidence.Location{Path: d.Path}
		switch {
		case d.Error != "":
			out = append(out, rule.New(id, rule.False, loc, "%s could not be read: %s", d.Path, d.Error))
		case !d.Supported:
			out = append(out, rule.New(id, rule.NotAvailable, loc, "%s: %s", d.Path, d.Note))
		case d.Type != "software":
			out = append(out, rule.New(id, rule.NotApplicable, loc, "%s is a CycloneDX %s, not a software SBOM", d.Path, d.Type))
		case len(d.Gaps) == 0:
			out = append(out, rule.New(id, rule.True, loc, "%s (%s %s, %s) has every NTIA minimum element", d.Path, d.Format, d.SpecVersion, textsafe.Count(d.Components, "component")))
		default:
			var gaps []string
			for _, g := range d.Gaps {
				switch {
				case g.Total > 0:
					gaps = append(gaps, fmt.Sprintf("%s missing on %d of %s (e.g. %s)", g.Element, g.Missing, textsafe.Count(g.Total, "component"), g.Example))
				case g.Example != "":
					gaps = append(gaps, g.Element+": "+g.Example)
				default:
					gaps = append(gaps, "no "+g.Element)
				}
			}
			f := rule.New(id, rule.False, loc, "%s (%s %s) lacks NTIA minimum elements: %s", d.Path, d.Format, d.SpecVersion, strings.Join(gaps, "; "))
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		out = append(out, rule.New(id, rule.NotApplicable, evidence.Location{}, "no SBOM documents found or given with --sbom"))
	}
	return out
}

func dependenciesIntegrityPinned(ev *evidence.Set) []rule.Finding {
	const id = DependenciesIntegrityPinned
	var out []rule.Finding
	for _, it := range evidence.Facts[evidence.DependencyFile](ev) {
		f := it.Fact
		loc := evidence.Location{Path: f.Path}
		in := f.Integrity
		switch {
		case f.Error != "":
			continue // reported by dependencyFilesParse
		case f.OutOfScope != "":
			out = append(out, outside(id, f.Path, f.OutOfScope))
		case !f.Lockfile && f.Format == "python/requirements" && in.Hashed == 0 && in.Total > 0:
			out = append(out, rule.Violated(id, loc, "%s pins %s without hashes (pip-compile --generate-hashes, pip install --require-hashes)", f.Path, textsafe.Count(in.Total, "package")))
		case in.Total == 0:
			out = append(out, rule.New(id, rule.NotApplicable, loc, "%s pins no third-party packages", f.Path))
		case in.Hashed >= in.Total && in.Note != "":
			out = append(out, rule.New(id, rule.True, loc, "%s: all %s pinned by %s (%s)", f.Path, textsafe.Count(in.Total, "package"), in.Method, in.Note))
		case in.Hashed >= in.Total:
			out = append(out, rule.New(id, rule.True, loc, "%s: all %s pinned by %s", f.Path, textsafe.Count(in.Total, "package"), in.Method))
		case in.Hashed == 0 && f.Format == "dotnet/msbuild":
			// NuGet verifies the signature of every package it restores
			// (nuget.org signs them all, and nuget.config may require
			// trusted signers): an integrity mechanism, though not the
			// content hashes a lock pins. Whether the build goes further
			// is decided outside the project file.
			out = append(out, rule.PointsElsewhere(id, loc, "%s: %s", f.Path, in.Note))
		case in.Hashed == 0 && (f.Format == "java/pomxml" || f.Format == "java/gradlebuild" || f.Format == "java/gradleversioncatalog"):
			// Maven has no hash pinning in the pom; verification may be
			// configured elsewhere (an extension, a checksum policy, a
			// lockfile in another place).
			out = append(out, rule.Absent(id, loc, "%s: %s", f.Path, in.Note))
		case in.Hashed == 0:
			note := in.Note
			if note == "" {
				note = "no hashes recorded"
			}
			out = append(out, rule.Violated(id, loc, "%s: none of %s carries a hash: %s", f.Path, textsafe.Count(in.Total, "package"), note))
		default:
			out = append(out, rule.Violated(id, loc, "%s: only %d of %s carry a hash (%s)", f.Path, in.Hashed, textsafe.Count(in.Total, "package"), in.Method))
		}
	}
	// A product manifest that declares dependencies with no lockfile at
	// all has no integrity mechanism: nothing pins any content by hash.
	for _, it := range evidence.Facts[evidence.Manifest](ev) {
		m := it.Fact
		if m.OutOfScope != "" || !m.LockNeeded || m.NoDependencies || len(m.Lockfiles) > 0 {
			continue
		}
		out = append(out, rule.Violated(id, evidence.Location{Path: m.Path, Line: m.RangeLine}, "%s (%s) declares dependencies but has no lockfile, so no component's content is pinned by a hash", m.Path, m.Ecosystem))
	}
	if len(out) == 0 {
		out = append(out, rule.New(id, rule.NotApplicable, evidence.Location{}, "no lockfiles found"))
	}
	return out
}

func vulnerabilityDatabaseCurrent(ev *evidence.Set) []rule.Finding {
	const id = VulnerabilityDatabaseCurrent
	it, ok := evidence.First[evidence.VulnDB](ev)
	if !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "the vulnerability database was not consulted")}
	}
	db := it.Fact
	if !db.Present {
		f := rule.New(id, rule.NotAvailable, evidence.Location{}, "no vulnerability database: %s", db.Problem)
		f.Values = map[string]string{rule.ValueSettle: RefreshCommand}
		return []rule.Finding{f}
	}
	now := it.Provenance.CollectedAt
	stale, age := db.Stale(now)
	var srcs []string
	for _, s := range db.Sources {
		srcs = append(srcs, fmt.Sprintf("%s (%s, %s)", s.Name, s.Kind, textsafe.Count(s.Records, "record")))
	}
	f := rule.New(id, rule.True, evidence.Location{}, "vulnerability database imported %s (%s old): %s", db.ImportedAt.UTC().Format(time.DateOnly), days(age), strings.Join(srcs, ", "))
	if stale {
		// The assessor's copy of the advisories is old; that says nothing
		// about the vendor's practice, only that this run cannot tell.
		f = staleFinding(id, db, age)
	}
	f.Values = map[string]string{"importedAt": db.ImportedAt.UTC().Format(time.RFC3339), "ageDays": fmt.Sprint(int(age.Hours() / 24))}
	if stale {
		f.Values[rule.ValueSettle] = RefreshCommand
	}
	return []rule.Finding{f}
}

// vulnerabilityDatabaseCoversEcosystems says, per ecosystem of the
// product's components, whether the database holds records of it. A
// component of an ecosystem it does not cover was not checked, so no
// answer about known vulnerabilities can rest on the match: the claim is
// unknown, naming the ecosystems, rather than met on an empty result.
func vulnerabilityDatabaseCoversEcosystems(ev *evidence.Set) []rule.Finding {
	const id = VulnerabilityDatabaseCoversEcosystems
	it, ok := evidence.First[evidence.VulnDB](ev)
	if !ok || !it.Fact.Present {
		// No match ran: the rules on findings say so; coverage is not in
		// question.
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no vulnerability database was consulted, so no component was matched")}
	}
	db := it.Fact
	var rows []string
	for _, e := range db.Ecosystems {
		rows = append(rows, e.Text())
	}
	table := strings.Join(rows, "; ")
	var f rule.Finding
	switch {
	case len(db.Ecosystems) == 0 && db.Checked == 0 && len(db.Uncovered) == 0:
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no versioned components to match")}
	case len(db.Uncovered) > 0:
		f = rule.New(id, rule.NotAvailable, evidence.Location{},
			"the vulnerability database holds no record of %s, so %s were not checked against it (%s); import or update OSV data for %s",
			db.UncoveredEcosystems(), db.UncoveredText(), table, db.UncoveredEcosystems())
		f.Values = map[string]string{"uncovered": db.UncoveredEcosystems()}
	default:
		f = rule.New(id, rule.True, evidence.Location{}, "the vulnerability database holds records of every ecosystem of the components: %s", table)
	}
	return []rule.Finding{f}
}

// RefreshCommand is what gets or refreshes the vulnerability database.
const RefreshCommand = "`assay db update --online` (or `assay db import` with an osv.dev export)"

// staleFinding is the answer of a rule that found nothing wrong in a
// database older than its allowed age: recent advisories are missing, so
// nothing found is not nothing there.
func staleFinding(id string, db evidence.VulnDB, age time.Duration) rule.Finding {
	f := rule.New(id, rule.NotAvailable, evidence.Location{},
		"stale database: imported %s ago (%s), more than the %s allowed (--db-max-age, or vulnerability_database_max_age in assay.yaml), so advisories published since are missing; refresh it with %s",
		days(age), db.ImportedAt.UTC().Format(time.DateOnly), days(db.AllowedAge()), RefreshCommand)
	f.Values = map[string]string{rule.ValueSettle: RefreshCommand}
	return f
}

func days(d time.Duration) string {
	n := int(d.Hours() / 24)
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// targets returns the declared remediation targets, or the defaults.
func targets(ev *evidence.Set) (func(string) int, string) {
	for _, it := range evidence.Facts[evidence.RemediationPolicy](ev) {
		if t := it.Fact.Targets; len(t) > 0 {
			return func(sev string) int {
				if sev == "" {
					sev = "medium"
				}
				if d, ok := t[sev]; ok {
					return d
				}
				return evidence.DefaultRemediationDays(sev)
			}, "declared in " + it.Fact.Source
		}
	}
	return func(sev string) int {
		if sev == "" {
			sev = "medium"
		}
		return evidence.DefaultRemediationDays(sev)
	}, "default"
}

// vulnContext returns the findings when the database was consulted, or a
// not_available finding.
func vulnContext(ev *evidence.Set, id string) ([]evidence.Item[evidence.Vulnerability], time.Time, evidence.VulnDB, *rule.Finding) {
	it, ok := evidence.First[evidence.VulnDB](ev)
	if !ok || !it.Fact.Present {
		reason := "the vulnerability database was not consulted"
		if ok && it.Fact.Problem != "" {
			reason = it.Fact.Problem
		}
		f := rule.New(id, rule.NotAvailable, evidence.Location{}, "known vulnerabilities could not be checked: %s", reason)
		f.Values = map[string]string{rule.ValueSettle: RefreshCommand}
		return nil, time.Time{}, it.Fact, &f
	}
	return evidence.Facts[evidence.Vulnerability](ev), it.Provenance.CollectedAt, it.Fact, nil
}

// floorFinding is the answer for a toolchain finding whose Go is not
// known: go.mod's go directive is the oldest Go the module accepts, and
// the stdlib that ships is the builder's toolchain's, which the repository
// does not fix, so a flaw in the floor is not observed in the product.
func floorFinding(id string, v evidence.Vulnerability, what string) rule.Finding {
	f := rule.New(id, rule.NotAvailable, evidence.Location{Path: v.Package.Path, Line: v.Package.Line},
		"%s: toolchain finding, reported once for %s: %s %s is only the minimum Go the module accepts, and whether the Go used to build carries the fix cannot be told from the repository (pin it with a toolchain line in go.mod, build.go in assay.yaml, or go-version in the release workflow); %s",
		what, pinnedIn(v), v.Package.Name, v.Package.Version, fixText(v))
	f.Values = vulnValues(v)
	return f
}

// pinnedIn names the files that pin v's component: "go.mod", or
// "go.mod and 2 more".
func pinnedIn(v evidence.Vulnerability) string {
	s := v.Package.Path
	if n := len(v.Locations) - 1; n > 0 {
		s += fmt.Sprintf(" and %d more", n)
	}
	return s
}

// buildGo is a Go release a release workflow builds with, and where.
type buildGo struct {
	version string // "1.22" (the newest patch of that line) or "1.22.3"
	where   string // ".github/workflows/release.yml:20"
}

// releaseGo lists the Go versions release workflows install (setup-go's
// go-version, a matrix, a golang image), from the CI toolchain evidence.
func releaseGo(ev *evidence.Set) []buildGo {
	var out []buildGo
	seen := map[string]bool{}
	for _, it := range evidence.Facts[evidence.ToolchainRefs](ev) {
		for _, r := range it.Fact.Refs {
			if r.Runtime != "go" || !releaseWorkflow(r.Path) || seen[r.Version] {
				continue
			}
			seen[r.Version] = true
			out = append(out, buildGo{version: r.Version, where: fmt.Sprintf("%s:%d", r.Path, r.Line)})
		}
	}
	return out
}

// releaseWorkflow reports whether a CI file is a release workflow by its
// name: release.yml, goreleaser.yml, publish.yml.
func releaseWorkflow(p string) bool {
	b := strings.ToLower(path.Base(p))
	return strings.HasPrefix(p, ".github/workflows/") && (strings.Contains(b, "release") || strings.Contains(b, "publish"))
}

// toolchainVerdict judges a toolchain finding at the Go versions release
// workflows build with: the first one it affects, or "" with known set
// when none is affected; known is false when no release workflow names a
// Go version.
func toolchainVerdict(v evidence.Vulnerability, gos []buildGo) (affecting buildGo, known bool) {
	if len(gos) == 0 {
		return buildGo{}, false
	}
	for _, g := range gos {
		if goAffected(v.Ranges, g.version) {
			return g, true
		}
	}
	return buildGo{}, true
}

// goAffected reports whether Go release version is in one of the ranges.
// A version of two parts ("1.22", as setup-go's go-version is usually
// written) installs the newest patch of that line, so it is affected only
// when no patch of the line fixes the flaw.
func goAffected(ranges []evidence.VersionRange, version string) bool {
	v := "v" + strings.TrimPrefix(version, "go")
	if strings.Count(v, ".") == 1 {
		v += ".999999"
	}
	if !semver.IsValid(v) {
		return true // a version Assay cannot order is not known to be fixed
	}
	for _, r := range ranges {
		type ev struct {
			kind, v string
		}
		var evs []ev
		for _, e := range r.Events {
			switch {
			case e.Introduced != "":
				evs = append(evs, ev{"introduced", e.Introduced})
			case e.Fixed != "":
				evs = append(evs, ev{"fixed", e.Fixed})
			case e.LastAffected != "":
				evs = append(evs, ev{"last_affected", e.LastAffected})
			}
		}
		semverOf := func(s string) string {
			if s == "0" {
				return "v0.0.0-0"
			}
			return "v" + s
		}
		slices.SortStableFunc(evs, func(a, b ev) int { return semver.Compare(semverOf(a.v), semverOf(b.v)) })
		vulnerable := false
		for _, e := range evs {
			c := semver.Compare(v, semverOf(e.v))
			switch e.kind {
			case "introduced":
				if c >= 0 {
					vulnerable = true
				}
			case "fixed":
				if c >= 0 {
					vulnerable = false
				}
			case "last_affected":
				if c > 0 {
					vulnerable = false
				}
			}
		}
		if vulnerable {
			return true
		}
	}
	return false
}

// cleanOrUncovered is a rule's answer when it found nothing wrong: true
// when the database is current and could check every component;
// not_available when it is stale, or naming the ecosystems it holds no
// records of. A database without npm
// records that finds nothing for npm components has not checked them.
func cleanOrUncovered(id string, db evidence.VulnDB, now time.Time, clean string) rule.Finding {
	if stale, age := db.Stale(now); stale {
		return staleFinding(id, db, age)
	}
	if u := db.UncoveredText(); u != "" {
		return rule.New(id, rule.NotAvailable, evidence.Location{},
			"%s among the %d components the database could check; %s were not checked: the database holds no record of their ecosystem (import an OSV export that covers it)", clean, db.Checked, u)
	}
	return rule.New(id, rule.True, evidence.Location{}, "%s", clean)
}

func describe(v evidence.Vulnerability) string {
	sev := v.Severity
	if sev == "" {
		sev = "unknown severity"
	}
	s := fmt.Sprintf("%s (%s", v.ID, sev)
	if v.KEV {
		s += ", KEV-listed"
	}
	s += fmt.Sprintf(") in %s %s", v.Package.Name, v.Package.Version)
	if n := len(v.Locations) - 1; n > 0 {
		s += fmt.Sprintf(" (pinned by %s and %d more)", v.Package.Path, n)
	}
	return s
}

func fixText(v evidence.Vulnerability) string {
	if len(v.Fixed) == 0 {
		return "no fixed version known"
	}
	return "fixed in " + strings.Join(v.Fixed, ", ")
}

func vulnValues(v evidence.Vulnerability) map[string]string {
	m := map[string]string{"id": v.ID, "package": v.Package.Name, "version": v.Package.Version, "severity": v.Severity}
	if v.KEV {
		m["kev"] = "true"
	}
	if len(v.Fixed) > 0 {
		m["fixed"] = strings.Join(v.Fixed, ",")
	}
	return m
}

func knownVulnerabilitiesWithinTargets(ev *evidence.Set) []rule.Finding {
	const id = KnownVulnerabilitiesWithinTargets
	vulns, now, db, na := vulnContext(ev, id)
	if na != nil {
		return []rule.Finding{*na}
	}
	target, basis := targets(ev)
	gos := releaseGo(ev)
	var out []rule.Finding
	addressed := 0
	items := slices.Clone(vulns)
	// KEV-listed, then dated and older findings first, so the ones that
	// decide survive the per-rule cap.
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i].Fact, items[j].Fact
		if a.KEV != b.KEV {
			return a.KEV
		}
		if a.Published.IsZero() != b.Published.IsZero() {
			return !a.Published.IsZero()
		}
		return a.Published.Before(b.Published)
	})
	for _, it := range items {
		v := it.Fact
		loc := evidence.Location{Path: v.Package.Path, Line: v.Package.Line}
		if v.Informational != "" && v.Severity == "" {
			continue // reported by componentsMaintained
		}
		if v.Status == "not_affected" || v.Status == "fixed" {
			addressed++
			continue
		}
		limit := target(v.Severity)
		what := describe(v)
		if v.Package.Floor {
			g, known := toolchainVerdict(v, gos)
			switch {
			case !known:
				out = append(out, floorFinding(id, v, what))
				continue
			case g.version == "":
				continue // the Go the release builds with carries the fix
			}
			what += fmt.Sprintf(", the Go %s the release workflow builds with (%s)", g.version, g.where)
		}
		if v.Published.IsZero() {
			// Without a publication date nothing says how long the
			// vulnerability has been known, nor even that it was known at
			// the assessment's time: its age against the target is not
			// observed. (Raw golang/vulndb data/osv files carry zero dates;
			// osv.dev's exports fill them in.)
			f := rule.New(id, rule.NotAvailable, loc, "%s: the database gives no publication date, nor do its aliases' records, so whether it is past the %d-day target (%s) cannot be told; import records that carry dates (assay db update, or an osv.dev export); %s",
				what, limit, basis, fixText(v))
			f.Values = vulnValues(v)
			out = append(out, f)
			continue
		}
		age := int(now.Sub(v.Published).Hours() / 24)
		o := rule.True
		verb := "within"
		if age > limit {
			o, verb = rule.False, "past"
		}
		f := rule.New(id, o, loc, "%s published %s, open %d days, %s the %d-day target (%s); %s",
			what, v.Published.UTC().Format(time.DateOnly), age, verb, limit, basis, fixText(v))
		f.Values = vulnValues(v)
		f.Values["ageDays"] = fmt.Sprint(age)
		f.Values["targetDays"] = fmt.Sprint(limit)
		out = append(out, f)
	}
	if stale, _ := db.Stale(now); !slices.ContainsFunc(out, func(f rule.Finding) bool { return f.Outcome == rule.False }) && (db.UncoveredText() != "" || stale) {
		// Nothing overdue among what was checked is not "within targets"
		// while whole ecosystems went unchecked, or while the advisories
		// of the last days are missing.
		out = slices.DeleteFunc(out, func(f rule.Finding) bool { return f.Outcome == rule.True })
		out = append(out, cleanOrUncovered(id, db, now, "no overdue known vulnerability"))
	}
	if len(out) == 0 {
		msg := "no known vulnerabilities in the pinned components"
		if addressed > 0 {
			msg = fmt.Sprintf("no open known vulnerabilities; %d addressed by VEX statements", addressed)
		}
		out = append(out, rule.New(id, rule.True, evidence.Location{}, "%s", msg))
	}
	return out
}

func exploitedVulnerabilitiesAbsent(ev *evidence.Set) []rule.Finding {
	const id = ExploitedVulnerabilitiesAbsent
	vulns, now, db, na := vulnContext(ev, id)
	if na != nil {
		return []rule.Finding{*na}
	}
	gos := releaseGo(ev)
	var out []rule.Finding
	for _, it := range vulns {
		v := it.Fact
		if !v.KEV || v.Status == "not_affected" || v.Status == "fixed" {
			continue
		}
		what := describe(v)
		if v.Package.Floor {
			g, known := toolchainVerdict(v, gos)
			switch {
			case !known:
				out = append(out, floorFinding(id, v, what+" is in CISA's KEV catalogue"))
				continue
			case g.version == "":
				continue
			}
			what += fmt.Sprintf(", the Go %s the release workflow builds with (%s),", g.version, g.where)
		}
		f := rule.New(id, rule.False, evidence.Location{Path: v.Package.Path, Line: v.Package.Line},
			"%s is in CISA's KEV catalogue since %s; %s", what, v.KEVAdded.UTC().Format(time.DateOnly), fixText(v))
		f.Values = vulnValues(v)
		out = append(out, f)
	}
	if len(out) == 0 {
		if !db.KEV {
			return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "no KEV catalogue in the vulnerability database, so whether a component is exploited in the wild was not checked (assay db import known_exploited_vulnerabilities.json)")}
		}
		out = append(out, cleanOrUncovered(id, db, now, "no open vulnerability is listed in CISA's KEV catalogue"))
	}
	return out
}

func componentsMaintained(ev *evidence.Set) []rule.Finding {
	const id = ComponentsMaintained
	vulns, now, db, na := vulnContext(ev, id)
	if na != nil {
		return []rule.Finding{*na}
	}
	var out []rule.Finding
	for _, it := range vulns {
		v := it.Fact
		if v.Informational != "unmaintained" {
			continue
		}
		out = append(out, rule.New(id, rule.False, evidence.Location{Path: v.Package.Path, Line: v.Package.Line},
			"%s %s is unmaintained (%s): %s", v.Package.Name, v.Package.Version, v.ID, v.Summary))
	}
	if len(out) == 0 {
		out = append(out, cleanOrUncovered(id, db, now, "no pinned component is flagged as unmaintained"))
	}
	return out
}

func remediationPolicyDeclared(ev *evidence.Set) []rule.Finding {
	const id = RemediationPolicyDeclared
	var out []rule.Finding
	// Written statements are reported once per document, first line first.
	written := map[string][]evidence.RemediationPolicy{}
	var order []string
	for _, it := range evidence.Facts[evidence.RemediationPolicy](ev) {
		p := it.Fact
		loc := evidence.Location{Path: p.Source, Line: p.Line}
		if len(p.Targets) > 0 {
			out = append(out, rule.New(id, rule.True, loc, "remediation targets declared in %s: critical %dd, high %dd, medium %dd, low %dd",
				p.Source, p.Targets["critical"], p.Targets["high"], p.Targets["medium"], p.Targets["low"]))
			continue
		}
		if _, ok := written[p.Source]; !ok {
			order = append(order, p.Source)
		}
		written[p.Source] = append(written[p.Source], p)
	}
	for _, src := range order {
		ps := written[src]
		slices.SortStableFunc(ps, func(a, b evidence.RemediationPolicy) int { return a.Line - b.Line })
		var parts []string
		for _, p := range ps {
			what := p.What
			if what == "" {
				what = "remediation timeline"
			}
			parts = append(parts, fmt.Sprintf("a %s at line %d (%q)", what, p.Line, textsafe.Truncate(p.Excerpt, 120)))
		}
		out = append(out, rule.New(id, rule.True, evidence.Location{Path: src, Line: ps[0].Line}, "%s states %s", src, strings.Join(parts, "; ")))
	}
	if len(out) == 0 {
		out = append(out, rule.Absent(id, evidence.Location{}, "no remediation targets in assay.yaml, and no remediation or triage timeline, severity response times or severity rating in the security documents or incident plans"))
	}
	return out
}

func vexDocumentsPublished(ev *evidence.Set) []rule.Finding {
	const id = VexDocumentsPublished
	var out []rule.Finding
	for _, it := range evidence.Facts[evidence.VEXDocument](ev) {
		d := it.Fact
		loc := evidence.Location{Path: d.Path}
		if d.Error != "" {
			out = append(out, rule.New(id, rule.False, loc, "%s could not be read as VEX: %s", d.Path, d.Error))
			continue
		}
		out = append(out, rule.New(id, rule.True, loc, "%s: %s document with %s", d.Path, d.Format, textsafe.Count(d.Statements, "statement")))
	}
	if len(out) == 0 {
		out = append(out, rule.New(id, rule.NotApplicable, evidence.Location{}, "no VEX documents in the repository"))
	}
	return out
}

func vulnerableVersionsReplacedPromptly(ev *evidence.Set) []rule.Finding {
	const id = VulnerableVersionsReplacedPromptly
	it, ok := evidence.First[evidence.RemediationLag](ev)
	if !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "lockfile history was not examined")}
	}
	lag := it.Fact
	if lag.Note != "" && len(lag.Samples) == 0 {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "%s", lag.Note)}
	}
	if len(lag.Samples) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no vulnerable component version was pinned after its advisory was published since %s (%s examined)", lag.Since.UTC().Format(time.DateOnly), textsafe.Count(lag.Commits, "commit"))}
	}
	target, basis := targets(ev)
	var ds []int
	var out []rule.Finding
	for _, s := range lag.Samples {
		ds = append(ds, s.Days)
		limit := target(s.Severity)
		if s.Days > limit {
			state := "replaced after"
			if s.Open {
				state = "still pinned after"
			}
			f := rule.New(id, rule.False, evidence.Location{Path: s.Path, Commit: s.Commit}, "%s %s (%s, %s) %s %d days, target %d days (%s)", s.Package, s.Version, s.ID, orUnknown(s.Severity), state, s.Days, limit, basis)
			out = append(out, f)
		}
	}
	slices.Sort(ds)
	median := ds[len(ds)/2]
	if len(ds)%2 == 0 {
		median = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	worst := ds[len(ds)-1]
	summary := rule.New(id, rule.True, evidence.Location{}, "%d vulnerable versions since %s: median %d days, worst %d days from advisory to replacement", len(ds), lag.Since.UTC().Format(time.DateOnly), median, worst)
	if len(out) > 0 {
		summary.Outcome = rule.False
	}
	summary.Values = map[string]string{"median": fmt.Sprint(median), "worst": fmt.Sprint(worst), "samples": fmt.Sprint(len(ds))}
	return append([]rule.Finding{summary}, out...)
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown severity"
	}
	return s
}
