package evidence

import (
	"fmt"
	"strings"
	"time"

	"github.com/assaysec/assay/internal/textsafe"
)

// Kinds of third-party component evidence (principles 1.2, 3.3, 3.5).
const (
	KindDependencyFile    Kind = "deps/file"
	KindSBOM              Kind = "deps/sbom"
	KindVulnDB            Kind = "vuln/db"
	KindVulnerability     Kind = "vuln/finding"
	KindVEXDocument       Kind = "vuln/vex"
	KindRemediationPolicy Kind = "vuln/policy"
	KindRemediationLag    Kind = "vuln/lag"
)

// DepPackage is one component pinned by a lockfile, manifest or SBOM.
type DepPackage struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	Version   string `json:"version"`
	PURL      string `json:"purl,omitempty"`
	Relation  string `json:"relation,omitempty"` // "direct", "transitive" or "" when unknown
	Scope     string `json:"scope,omitempty"`    // "runtime", "dev", "optional" or "" when unknown
	Path      string `json:"path"`
	Line      int    `json:"line,omitempty"`
	Floor     bool   `json:"floor,omitempty"` // the version is a minimum the build may exceed (Go's stdlib from go.mod)
}

// PinLocation is one file (and line) that pins a component.
type PinLocation struct {
	Path string `json:"path"`
	Line int    `json:"line,omitempty"`
}

// VersionRange is one affected range of a record, its events in the
// record's order, for judging a version the matcher did not know (the Go
// toolchain a release workflow installs).
type VersionRange struct {
	Events []VersionEvent `json:"events"`
}

// VersionEvent is one event of a VersionRange; exactly one field is set.
type VersionEvent struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"lastAffected,omitempty"`
}

// DependencyFile is a lockfile or manifest and the packages it pins.
type DependencyFile struct {
	Path      string
	Format    string // extractor name: "javascript/packagelockjson", "go/gomod", ...
	Lockfile  bool   // exact, complete pins rather than a manifest's declarations
	Packages  []DepPackage
	Integrity DepIntegrity
	Error     string // set when the file could not be parsed
	// OutOfScope says why the file is not part of the product; empty when
	// it is (see evidence.Manifest.OutOfScope).
	OutOfScope string
	// Unresolved lists declared components whose coordinates or exact
	// version could not be determined without running the build (a
	// property defined nowhere in the repository, a version managed by an
	// external BOM, a range, a computed expression). They are not in
	// Packages.
	Unresolved []DepUnresolved
}

// DepUnresolved is one declaration that could not be pinned.
type DepUnresolved struct {
	Name   string
	Line   int
	Reason string
}

// UnresolvedText summarises the unresolved declarations, "" when none.
func (f DependencyFile) UnresolvedText() string {
	if len(f.Unresolved) == 0 {
		return ""
	}
	u := f.Unresolved[0]
	n := fmt.Sprintf("%d declared components", len(f.Unresolved))
	if len(f.Unresolved) == 1 {
		n = "1 declared component"
	}
	return fmt.Sprintf("%s with no version Assay could resolve; first %s (line %d): %s", n, u.Name, u.Line, u.Reason)
}

// DepIntegrity counts the packages of a file pinned by a content hash.
type DepIntegrity struct {
	Method string // "integrity fields", "go.sum", "--require-hashes", ...; "" when none
	Hashed int
	Total  int
	Note   string
}

// Kind implements Fact.
func (DependencyFile) Kind() Kind { return KindDependencyFile }

// SBOMDocument is an SBOM found in the tree or given with --sbom.
type SBOMDocument struct {
	Path        string
	External    bool   // given with --sbom rather than found in the tree
	Format      string // "CycloneDX", "SPDX"
	SpecVersion string // "1.6", "2.3", "3.0"
	Encoding    string // "json", "xml", "tag-value"
	// Type is "software" for a software bill of materials; "SaaSBOM",
	// "HBOM", "CBOM" for CycloneDX documents describing something else.
	Type string
	// Supported is false for documents recognised but not read (SPDX 3.0).
	Supported  bool
	Note       string
	Components int
	Packages   []DepPackage // components with a purl and version, for matching
	Gaps       []NTIAGap    // NTIA minimum elements missing
	Error      string       // set when the document could not be parsed
}

// NTIAGap is one NTIA minimum element missing from an SBOM.
type NTIAGap struct {
	Element string // "supplier", "name", "version", "unique identifier", "relationships", "author", "timestamp"
	Missing int    // components lacking it (0 for document-level elements)
	Total   int
	Example string // a component that lacks it
}

// Kind implements Fact.
func (SBOMDocument) Kind() Kind { return KindSBOM }

// VulnDB describes the offline vulnerability database consulted.
type VulnDB struct {
	Dir        string
	Present    bool
	Problem    string // why it could not be used
	ImportedAt time.Time
	Sources    []VulnDBSource
	// Checked counts the components matched against an ecosystem the
	// database holds records for; Uncovered lists, per ecosystem, the
	// components it could not check because it holds no record of that
	// ecosystem at all (a Go-only database has not checked npm).
	Checked   int
	Uncovered []EcosystemCount
	// Ecosystems is the coverage table, one row per ecosystem of the
	// matched components: how many there are, how many records the
	// database holds for the ecosystem, and how many findings matched.
	Ecosystems []EcosystemCoverage
	// KEV says a CISA KEV catalogue was imported, so "not KEV-listed"
	// means something.
	KEV bool
	// MaxAge is how old the database may be before it is stale (0 for
	// DefaultVulnDBMaxAge): --db-max-age or assay.yaml's
	// vulnerability_database_max_age.
	MaxAge time.Duration
}

// DefaultVulnDBMaxAge is how old a vulnerability database may be and still
// count as current.
const DefaultVulnDBMaxAge = 7 * 24 * time.Hour

// AllowedAge returns MaxAge or the default.
func (d VulnDB) AllowedAge() time.Duration {
	if d.MaxAge > 0 {
		return d.MaxAge
	}
	return DefaultVulnDBMaxAge
}

// Stale reports whether the database, last known current at ImportedAt,
// is older than its allowed age at now, and how old it is.
func (d VulnDB) Stale(now time.Time) (bool, time.Duration) {
	if !d.Present || d.ImportedAt.IsZero() {
		return false, 0
	}
	age := max(now.Sub(d.ImportedAt), 0) // an assessment pinned before the import sees a fresh database
	return age > d.AllowedAge(), age
}

// EcosystemCount is a number of components of one ecosystem.
type EcosystemCount struct {
	Ecosystem  string
	Components int
}

// EcosystemCoverage is one ecosystem's row of the coverage table.
type EcosystemCoverage struct {
	Ecosystem  string `json:"ecosystem"`
	Components int    `json:"components"`
	// Records counts the database's records naming a package of the
	// ecosystem; zero means the ecosystem is not covered and its
	// components were not checked.
	Records  int  `json:"records"`
	Findings int  `json:"findings"`
	Covered  bool `json:"covered"`
}

// Text is the row as a line: "npm: 1672 components, 4210 records, 3
// findings", or "npm: not covered by the database (1672 components not
// checked)".
func (e EcosystemCoverage) Text() string {
	if !e.Covered {
		return fmt.Sprintf("%s: not covered by the database (%s not checked)", e.Ecosystem, textsafe.Count(e.Components, "component"))
	}
	return fmt.Sprintf("%s: %s, %s, %s", e.Ecosystem, textsafe.Count(e.Components, "component"), textsafe.Count(e.Records, "record"), textsafe.Count(e.Findings, "finding"))
}

// UncoveredEcosystems names the ecosystems the database holds no record
// of, as "npm, PyPI", or "" when it covered every one.
func (d VulnDB) UncoveredEcosystems() string {
	var names []string
	for _, u := range d.Uncovered {
		names = append(names, u.Ecosystem)
	}
	return strings.Join(names, ", ")
}

// UncoveredText says which components the database could not check, as
// "12 npm and 3 PyPI components", or "" when it covered them all.
func (d VulnDB) UncoveredText() string {
	var parts []string
	for _, u := range d.Uncovered {
		parts = append(parts, fmt.Sprintf("%d %s", u.Components, u.Ecosystem))
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0] + " components"
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1] + " components"
}

// VulnDBSource is one imported source.
type VulnDBSource struct {
	Name       string
	Kind       string // "osv", "kev", "epss"
	Records    int
	ImportedAt time.Time
	Newest     time.Time // newest record modification date, when known
}

// Kind implements Fact.
func (VulnDB) Kind() Kind { return KindVulnDB }

// Vulnerability is a known vulnerability affecting a pinned package.
type Vulnerability struct {
	ID      string   // preferred id (GHSA, then CVE, then the first)
	Aliases []string // every id, merged across sources
	Summary string
	// Informational is set for advisories that are not vulnerabilities,
	// such as RustSec's "unmaintained" notices.
	Informational string
	Package       DepPackage
	// Locations lists every file that pins the same component at the same
	// version, Package's own path first: one finding per component and
	// vulnerability, however many manifests name it.
	Locations []PinLocation
	// Toolchain marks a finding of the Go standard library whose version
	// the repository does not fix: it depends on the Go used to build.
	// Package.Version is then the floor (the highest go.mod go line) and
	// Ranges the record's affected ranges, so a rule that learns the Go
	// version in use can judge it.
	Toolchain bool
	Ranges    []VersionRange
	Fixed     []string // versions that fix it, lowest first
	Severity  string   // "critical", "high", "medium", "low", "" when unknown
	CVSS      float64
	Vector    string
	Published time.Time
	Modified  time.Time
	KEV       bool
	KEVAdded  time.Time
	KEVDue    time.Time
	EPSS      float64 // probability of exploitation in 30 days; -1 when unknown
	EPSSPct   float64
	// Status is "affected", or "not_affected", "fixed",
	// "under_investigation" when a VEX statement says so.
	Status        string
	Justification string
	StatusSource  string // VEX document path
}

// Kind implements Fact.
func (Vulnerability) Kind() Kind { return KindVulnerability }

// VEXDocument is a VEX document found in the tree.
type VEXDocument struct {
	Path       string
	Format     string // "OpenVEX", "CycloneDX VEX", "CSAF VEX"
	Statements int
	Error      string
}

// Kind implements Fact.
func (VEXDocument) Kind() Kind { return KindVEXDocument }

// RemediationPolicy is a declared or written vulnerability remediation
// policy.
type RemediationPolicy struct {
	Source  string // "assay.yaml" or a file path
	Line    int
	Targets map[string]int // severity -> days, when declared
	Excerpt string
	// What a written statement commits to: "remediation timeline",
	// "triage timeline", "response times by severity", "severity rating".
	What string
}

// Kind implements Fact.
func (RemediationPolicy) Kind() Kind { return KindRemediationPolicy }

// RemediationLag summarises, from lockfile history, how long vulnerable
// versions stayed pinned after their fix was published.
type RemediationLag struct {
	Since    time.Time
	Commits  int // commits examined
	Samples  []LagSample
	Note     string
	Complete bool // false when history was truncated by limits
}

// LagSample is one vulnerable version and how long it stayed.
type LagSample struct {
	ID        string
	Package   string
	Version   string
	Path      string
	Severity  string
	Published time.Time // when the advisory (and so the fix) was published
	Removed   time.Time // commit time that dropped the version; zero while still pinned
	Days      int
	Open      bool
	Commit    string
}

// Kind implements Fact.
func (RemediationLag) Kind() Kind { return KindRemediationLag }

// DefaultRemediationDays is the remediation target, in days, for a severity
// when none is declared: common industry practice, documented in
// docs/configuration.md and kept equal to config.DefaultRemediationTargets
// by a test, so rules need not read the configuration.
func DefaultRemediationDays(severity string) int {
	switch severity {
	case "critical":
		return 14
	case "high":
		return 30
	case "medium", "moderate":
		return 90
	}
	return 180 // low, and any other rating
}

// SeverityRank orders Assay's four severity levels: 1 low, 2 medium, 3
// high, 4 critical; 0 for none or any other word.
func SeverityRank(s string) int {
	switch s {
	case "low":
		return 1
	case "medium":
		return 2
	case "high":
		return 3
	case "critical":
		return 4
	}
	return 0
}
