package deps

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

var now = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

func rec(f evidence.Fact) evidence.Record {
	return evidence.Record{Fact: f, Provenance: evidence.Provenance{Collector: "test", CollectedAt: now}}
}

func outcomes(fs []rule.Finding) []rule.Outcome {
	var out []rule.Outcome
	for _, f := range fs {
		out = append(out, f.Outcome)
	}
	return out
}

func TestRulesBuild(t *testing.T) {
	if _, err := Rules(); err != nil {
		t.Fatal(err)
	}
}

func TestRules(t *testing.T) {
	db := evidence.VulnDB{Present: true, ImportedAt: now.Add(-24 * time.Hour), Sources: []evidence.VulnDBSource{{Name: "osv", Kind: "osv", Records: 3}}}
	pkg := evidence.DepPackage{Ecosystem: "npm", Name: "ansi-html", Version: "0.0.1", Path: "package-lock.json", Line: 7}
	old := evidence.Vulnerability{ID: "GHSA-whgm-jr23-g3j9", Aliases: []string{"GHSA-whgm-jr23-g3j9"}, Package: pkg, Severity: "high", Published: now.AddDate(0, 0, -100), Status: "affected", Fixed: []string{"0.0.9"}}
	fresh := old
	fresh.Published = now.AddDate(0, 0, -5)
	vexed := old
	vexed.Status = "not_affected"
	kev := old
	kev.KEV = true
	undated := old
	undated.Published = time.Time{}
	// go.mod's go directive names the oldest Go accepted, not the stdlib built in.
	floor := old
	floor.Package = evidence.DepPackage{Ecosystem: "Go", Name: "stdlib", Version: "1.15", Path: "go.mod", Line: 3, Floor: true}
	floorKEV := floor
	floorKEV.KEV = true
	// A Go-only database has not checked npm components.
	goOnly := db
	goOnly.Checked, goOnly.Uncovered = 4, []evidence.EcosystemCount{{Ecosystem: "npm", Components: 12}}
	withKEV := db
	withKEV.KEV = true
	goOnly.Ecosystems = []evidence.EcosystemCoverage{{Ecosystem: "Go", Components: 4, Records: 13, Covered: true}, {Ecosystem: "npm", Components: 12}}
	covered := db
	covered.Checked, covered.Ecosystems = 1, []evidence.EcosystemCoverage{{Ecosystem: "npm", Components: 1, Records: 3, Findings: 1, Covered: true}}
	// A toolchain finding: fixed in 1.21.12 and 1.22.5; the release
	// workflow's Go decides whether it applies.
	toolchain := floor
	toolchain.Toolchain = true
	toolchain.Ranges = []evidence.VersionRange{{Events: []evidence.VersionEvent{{Introduced: "0"}, {Fixed: "1.21.12"}, {Introduced: "1.22.0-0"}, {Fixed: "1.22.5"}}}}
	releaseGo := func(v string) evidence.ToolchainRefs {
		return evidence.ToolchainRefs{Refs: []evidence.ToolchainRef{{Runtime: "go", Version: v, Path: ".github/workflows/release.yml", Line: 20, Context: "setup-go"}}}
	}
	testGo := evidence.ToolchainRefs{Refs: []evidence.ToolchainRef{{Runtime: "go", Version: "1.20", Path: ".github/workflows/test.yml", Line: 9, Context: "setup-go"}}}
	// Imported 10 days ago: stale at the default 7 days, current when
	// 14 days are allowed.
	stale := withKEV
	stale.ImportedAt = now.AddDate(0, 0, -10)
	lenient := stale
	lenient.MaxAge = 14 * 24 * time.Hour
	tests := []struct {
		name string
		fn   func(*evidence.Set) []rule.Finding
		ev   []evidence.Fact
		want []rule.Outcome
	}{
		{"no db", knownVulnerabilitiesWithinTargets, nil, []rule.Outcome{rule.NotAvailable}},
		{"old vuln", knownVulnerabilitiesWithinTargets, []evidence.Fact{db, old}, []rule.Outcome{rule.False}},
		{"fresh vuln", knownVulnerabilitiesWithinTargets, []evidence.Fact{db, fresh}, []rule.Outcome{rule.True}},
		// A record without a publication date has no observed age.
		{"undated vuln", knownVulnerabilitiesWithinTargets, []evidence.Fact{db, undated}, []rule.Outcome{rule.NotAvailable}},
		{"undated beside old", knownVulnerabilitiesWithinTargets, []evidence.Fact{db, undated, old}, []rule.Outcome{rule.False, rule.NotAvailable}},
		{"stdlib floor vuln", knownVulnerabilitiesWithinTargets, []evidence.Fact{db, floor}, []rule.Outcome{rule.NotAvailable}},
		{"stdlib floor beside old", knownVulnerabilitiesWithinTargets, []evidence.Fact{db, floor, old}, []rule.Outcome{rule.NotAvailable, rule.False}},
		{"toolchain, Go unknown", knownVulnerabilitiesWithinTargets, []evidence.Fact{db, toolchain}, []rule.Outcome{rule.NotAvailable}},
		{"toolchain, only a test workflow's Go", knownVulnerabilitiesWithinTargets, []evidence.Fact{db, toolchain, testGo}, []rule.Outcome{rule.NotAvailable}},
		{"toolchain, release Go line fixed", knownVulnerabilitiesWithinTargets, []evidence.Fact{db, toolchain, releaseGo("1.22")}, []rule.Outcome{rule.True}},
		{"toolchain, release Go patch affected", knownVulnerabilitiesWithinTargets, []evidence.Fact{db, toolchain, releaseGo("1.22.3")}, []rule.Outcome{rule.False}},
		{"toolchain, release Go line unfixed", knownVulnerabilitiesWithinTargets, []evidence.Fact{db, toolchain, releaseGo("1.23")}, []rule.Outcome{rule.True}},
		{"toolchain, release Go older line", knownVulnerabilitiesWithinTargets, []evidence.Fact{db, toolchain, releaseGo("1.20")}, []rule.Outcome{rule.False}},
		{"toolchain KEV, release Go affected", exploitedVulnerabilitiesAbsent, []evidence.Fact{withKEV, func() evidence.Vulnerability { v := toolchain; v.KEV = true; return v }(), releaseGo("1.22.1")}, []rule.Outcome{rule.False}},
		{"toolchain KEV, release Go fixed", exploitedVulnerabilitiesAbsent, []evidence.Fact{withKEV, func() evidence.Vulnerability { v := toolchain; v.KEV = true; return v }(), releaseGo("1.22.5")}, []rule.Outcome{rule.True}},
		{"coverage, no db", vulnerabilityDatabaseCoversEcosystems, nil, []rule.Outcome{rule.NotApplicable}},
		{"coverage, go-only db on npm", vulnerabilityDatabaseCoversEcosystems, []evidence.Fact{goOnly}, []rule.Outcome{rule.NotAvailable}},
		{"coverage, covered", vulnerabilityDatabaseCoversEcosystems, []evidence.Fact{covered}, []rule.Outcome{rule.True}},
		{"vex not affected", knownVulnerabilitiesWithinTargets, []evidence.Fact{db, vexed}, []rule.Outcome{rule.True}},
		{"declared target longer", knownVulnerabilitiesWithinTargets, []evidence.Fact{db, old, evidence.RemediationPolicy{Source: "assay.yaml", Targets: map[string]int{"high": 120}}}, []rule.Outcome{rule.True}},
		{"kev", exploitedVulnerabilitiesAbsent, []evidence.Fact{db, kev}, []rule.Outcome{rule.False}},
		{"kev in stdlib floor", exploitedVulnerabilitiesAbsent, []evidence.Fact{withKEV, floorKEV}, []rule.Outcome{rule.NotAvailable}},
		{"no kev catalogue", exploitedVulnerabilitiesAbsent, []evidence.Fact{db}, []rule.Outcome{rule.NotAvailable}},
		{"kev catalogue, none listed", exploitedVulnerabilitiesAbsent, []evidence.Fact{withKEV}, []rule.Outcome{rule.True}},
		{"uncovered ecosystem, nothing found", knownVulnerabilitiesWithinTargets, []evidence.Fact{goOnly}, []rule.Outcome{rule.NotAvailable}},
		{"uncovered ecosystem, fresh vuln", knownVulnerabilitiesWithinTargets, []evidence.Fact{goOnly, fresh}, []rule.Outcome{rule.NotAvailable}},
		{"uncovered ecosystem, overdue vuln", knownVulnerabilitiesWithinTargets, []evidence.Fact{goOnly, old}, []rule.Outcome{rule.False}},
		{"uncovered ecosystem, maintained", componentsMaintained, []evidence.Fact{goOnly}, []rule.Outcome{rule.NotAvailable}},
		{"covered, maintained", componentsMaintained, []evidence.Fact{db}, []rule.Outcome{rule.True}},
		{"db current", vulnerabilityDatabaseCurrent, []evidence.Fact{db}, []rule.Outcome{rule.True}},
		// A stale database is the assessor's gap, not the vendor's fault:
		// unknown, with the command that refreshes it.
		{"db stale", vulnerabilityDatabaseCurrent, []evidence.Fact{evidence.VulnDB{Present: true, ImportedAt: now.AddDate(0, 0, -30)}}, []rule.Outcome{rule.NotAvailable}},
		{"db stale, longer age allowed", vulnerabilityDatabaseCurrent, []evidence.Fact{lenient}, []rule.Outcome{rule.True}},
		{"stale db, nothing found", knownVulnerabilitiesWithinTargets, []evidence.Fact{stale}, []rule.Outcome{rule.NotAvailable}},
		{"stale db, fresh vuln", knownVulnerabilitiesWithinTargets, []evidence.Fact{stale, fresh}, []rule.Outcome{rule.NotAvailable}},
		// What a stale database did find is still observed.
		{"stale db, overdue vuln", knownVulnerabilitiesWithinTargets, []evidence.Fact{stale, old}, []rule.Outcome{rule.False}},
		{"stale db, none kev-listed", exploitedVulnerabilitiesAbsent, []evidence.Fact{stale}, []rule.Outcome{rule.NotAvailable}},
		{"stale db, kev-listed", exploitedVulnerabilitiesAbsent, []evidence.Fact{stale, kev}, []rule.Outcome{rule.False}},
		{"stale db, maintained", componentsMaintained, []evidence.Fact{stale}, []rule.Outcome{rule.NotAvailable}},
		{"longer age allowed, nothing found", knownVulnerabilitiesWithinTargets, []evidence.Fact{lenient}, []rule.Outcome{rule.True}},
		{"db missing", vulnerabilityDatabaseCurrent, []evidence.Fact{evidence.VulnDB{Problem: "none"}}, []rule.Outcome{rule.NotAvailable}},
		{"integrity full", dependenciesIntegrityPinned, []evidence.Fact{evidence.DependencyFile{Path: "Cargo.lock", Lockfile: true, Integrity: evidence.DepIntegrity{Method: "checksum", Hashed: 3, Total: 3}}}, []rule.Outcome{rule.True}},
		{"integrity partial", dependenciesIntegrityPinned, []evidence.Fact{evidence.DependencyFile{Path: "composer.lock", Lockfile: true, Integrity: evidence.DepIntegrity{Hashed: 1, Total: 3}}}, []rule.Outcome{rule.False}},
		{"broken lockfile", dependencyFilesParse, []evidence.Fact{evidence.DependencyFile{Path: "yarn.lock", Error: "line 3: bad"}}, []rule.Outcome{rule.False}},
		{"manifest locked", manifestsHaveParsedLockfile, []evidence.Fact{evidence.Manifest{Path: "package.json", LockNeeded: true, Lockfiles: []string{"package-lock.json"}}, evidence.DependencyFile{Path: "package-lock.json", Packages: []evidence.DepPackage{pkg}}}, []rule.Outcome{rule.True}},
		{"manifest unlocked", manifestsHaveParsedLockfile, []evidence.Fact{evidence.Manifest{Path: "package.json", LockNeeded: true}}, []rule.Outcome{rule.False}},
		{"ntia gaps", sbomMeetsNTIAMinimum, []evidence.Fact{evidence.SBOMDocument{Path: "bom.json", Format: "CycloneDX", Type: "software", Supported: true, Components: 2, Gaps: []evidence.NTIAGap{{Element: "author"}}}}, []rule.Outcome{rule.False}},
		{"hbom", sbomMeetsNTIAMinimum, []evidence.Fact{evidence.SBOMDocument{Path: "hbom.json", Format: "CycloneDX", Type: "HBOM", Supported: true}}, []rule.Outcome{rule.NotApplicable}},
		{"no policy", remediationPolicyDeclared, nil, []rule.Outcome{rule.False}},
		{"written statements one finding per document", remediationPolicyDeclared, []evidence.Fact{
			evidence.RemediationPolicy{Source: "INCIDENT_RESPONSE.md", Line: 51, What: "remediation timeline", Excerpt: "Resolution will typically be provided within 7 business days"},
			evidence.RemediationPolicy{Source: "INCIDENT_RESPONSE.md", Line: 33, What: "severity rating", Excerpt: "Assess the severity"},
			evidence.RemediationPolicy{Source: "SECURITY.md", Line: 10, What: "triage timeline", Excerpt: "assessment is typically provided within 7 business days"},
		}, []rule.Outcome{rule.True, rule.True}},
		{"lag", vulnerableVersionsReplacedPromptly, []evidence.Fact{evidence.RemediationLag{Since: now.AddDate(-1, 0, 0), Samples: []evidence.LagSample{{ID: "X", Severity: "high", Days: 10}, {ID: "Y", Severity: "high", Days: 40}}}}, []rule.Outcome{rule.False, rule.False}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := evidence.NewSet()
			for _, f := range tc.ev {
				ev.Add(rec(f))
			}
			if diff := cmp.Diff(tc.want, outcomes(tc.fn(ev))); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGoAffected(t *testing.T) {
	ranges := []evidence.VersionRange{{Events: []evidence.VersionEvent{{Introduced: "0"}, {Fixed: "1.21.12"}, {Introduced: "1.22.0-0"}, {Fixed: "1.22.5"}}}}
	lastAffected := []evidence.VersionRange{{Events: []evidence.VersionEvent{{Introduced: "1.20.0"}, {LastAffected: "1.20.4"}}}}
	tests := []struct {
		ranges  []evidence.VersionRange
		version string
		want    bool
	}{
		{ranges, "1.21.11", true},
		{ranges, "1.21.12", false},
		{ranges, "1.21", false}, // the newest 1.21 patch carries the fix
		{ranges, "1.22.0", true},
		{ranges, "1.22.4", true},
		{ranges, "go1.22.5", false},
		{ranges, "1.23", false},
		{lastAffected, "1.20.4", true},
		{lastAffected, "1.20.5", false},
		{lastAffected, "1.19.9", false},
		{lastAffected, "1.20", false},
		{ranges, "banana", true},
	}
	var got, want []string
	for _, tc := range tests {
		got = append(got, fmt.Sprintf("%s %v", tc.version, goAffected(tc.ranges, tc.version)))
		want = append(want, fmt.Sprintf("%s %v", tc.version, tc.want))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("goAffected (-want +got):\n%s", diff)
	}
}

func TestCoverageNamesEcosystems(t *testing.T) {
	db := evidence.VulnDB{Present: true, ImportedAt: now, Checked: 4,
		Uncovered:  []evidence.EcosystemCount{{Ecosystem: "npm", Components: 1672}},
		Ecosystems: []evidence.EcosystemCoverage{{Ecosystem: "Go", Components: 4, Records: 13, Findings: 2, Covered: true}, {Ecosystem: "npm", Components: 1672}}}
	ev := evidence.NewSet()
	ev.Add(rec(db))
	fs := vulnerabilityDatabaseCoversEcosystems(ev)
	want := "the vulnerability database holds no record of npm, so 1672 npm components were not checked against it (Go: 4 components, 13 records, 2 findings; npm: not covered by the database (1672 components not checked)); import or update OSV data for npm"
	if diff := cmp.Diff(want, fs[0].Message); diff != "" {
		t.Errorf("message (-want +got):\n%s", diff)
	}
}

// TestStaleDatabaseMessage: the stale answer says how old the database is
// and which command refreshes it, and carries the command for the next
// step shown.
func TestStaleDatabaseMessage(t *testing.T) {
	ev := evidence.NewSet()
	ev.Add(rec(evidence.VulnDB{Present: true, ImportedAt: now.AddDate(0, 0, -10)}))
	for _, fn := range []func(*evidence.Set) []rule.Finding{vulnerabilityDatabaseCurrent, knownVulnerabilitiesWithinTargets, componentsMaintained} {
		f := fn(ev)[0]
		for _, want := range []string{"stale database: imported 10 days ago", "more than the 7 days allowed", "assay db update --online", "assay db import"} {
			if !strings.Contains(f.Message, want) {
				t.Errorf("%s: %q does not say %q", f.Rule, f.Message, want)
			}
		}
		if f.Values[rule.ValueSettle] != RefreshCommand {
			t.Errorf("%s: settle %q", f.Rule, f.Values[rule.ValueSettle])
		}
	}
}

// The root lockfile heads the findings, whatever the walk order, so the
// claim's summary names the project's own.
func TestDependencyFilesParseRootFirst(t *testing.T) {
	ev := evidence.NewSet()
	for _, p := range []string{"scripts/release/yarn.lock", "packages/a/package.json", "yarn.lock"} {
		ev.Add(rec(evidence.DependencyFile{Path: p, Format: "javascript/yarnlock"}))
	}
	var got []string
	for _, f := range dependencyFilesParse(ev) {
		got = append(got, f.Location.Path)
	}
	want := []string{"yarn.lock", "scripts/release/yarn.lock", "packages/a/package.json"} // equal depths keep their order
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("finding order (-want +got):\n%s", diff)
	}
}

// With no lockfile to parse, the answer names the manifests that have none
// instead of saying there are no manifests.
func TestDependencyFilesParseNamesUnlockedManifests(t *testing.T) {
	tests := []struct {
		name  string
		facts []evidence.Fact
		want  string
	}{
		{"nothing at all", nil, "no lockfiles or dependency manifests found"},
		{"one manifest without a lockfile", []evidence.Fact{evidence.Manifest{Path: "package.json", Ecosystem: "npm", LockNeeded: true}},
			"no lockfile to parse: package.json has none"},
		{"out-of-scope manifests are not named", []evidence.Fact{
			evidence.Manifest{Path: "Gemfile", Ecosystem: "RubyGems", LockNeeded: true},
			evidence.Manifest{Path: "examples/package.json", Ecosystem: "npm", LockNeeded: true, OutOfScope: "example code"},
		}, "no lockfile to parse: Gemfile has none"},
		{"many manifests", []evidence.Fact{
			evidence.Manifest{Path: "a/package.json"}, evidence.Manifest{Path: "b/package.json"},
			evidence.Manifest{Path: "c/package.json"}, evidence.Manifest{Path: "d/package.json"},
		}, "no lockfile to parse: a/package.json, b/package.json, c/package.json and 1 more have none"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := evidence.NewSet()
			for _, f := range tc.facts {
				ev.Add(rec(f))
			}
			fs := dependencyFilesParse(ev)
			if len(fs) != 1 || fs[0].Outcome != rule.NotApplicable {
				t.Fatalf("want one not_applicable finding, got %+v", fs)
			}
			if diff := cmp.Diff(tc.want, fs[0].Message); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
		})
	}
}
