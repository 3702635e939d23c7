package vuln

import (
	"time"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/vex"
)

// Row is one finding as `assay vulns --format json` prints it.
type Row struct {
	ID            string   `json:"id"`
	Aliases       []string `json:"aliases"`
	Summary       string   `json:"summary,omitempty"`
	Ecosystem     string   `json:"ecosystem"`
	Package       string   `json:"package"`
	Version       string   `json:"version"`
	PURL          string   `json:"purl,omitempty"`
	Fixed         []string `json:"fixed"`
	Severity      string   `json:"severity,omitempty"`
	CVSS          float64  `json:"cvss,omitempty"`
	Vector        string   `json:"vector,omitempty"`
	KEV           bool     `json:"kev"`
	KEVAdded      string   `json:"kevAdded,omitempty"`
	EPSS          *float64 `json:"epss,omitempty"`
	Published     string   `json:"published,omitempty"`
	AgeDays       int      `json:"ageDays"`
	Informational string   `json:"informational,omitempty"`
	Status        string   `json:"status"`
	Justification string   `json:"justification,omitempty"`
	StatusSource  string   `json:"statusSource,omitempty"`
	Path          string   `json:"path"`
	Line          int      `json:"line,omitempty"`
	// Locations lists every file that pins the component, Path first.
	Locations []evidence.PinLocation `json:"locations"`
	// Toolchain marks a Go standard-library finding that depends on the
	// Go used to build, which the repository does not fix: Version is
	// then the highest go.mod floor.
	Toolchain bool   `json:"toolchain,omitempty"`
	Relation  string `json:"relation,omitempty"`
	Scope     string `json:"scope,omitempty"`
}

// UnknownSeverity is the rating shown for a finding no record rates.
const UnknownSeverity = "unknown"

// RowOf is v as a row, its age counted at at.
func RowOf(v evidence.Vulnerability, at time.Time) Row {
	r := Row{
		ID: v.ID, Aliases: v.Aliases, Summary: v.Summary, Ecosystem: v.Package.Ecosystem, Package: v.Package.Name,
		Version: v.Package.Version, PURL: v.Package.PURL, Fixed: v.Fixed, Severity: v.Severity, CVSS: v.CVSS, Vector: v.Vector,
		KEV: v.KEV, Informational: v.Informational, Status: v.Status, Justification: v.Justification, StatusSource: v.StatusSource,
		Path: v.Package.Path, Line: v.Package.Line, Locations: v.Locations, Toolchain: v.Toolchain, Relation: v.Package.Relation, Scope: v.Package.Scope,
	}
	if r.Severity == "" && r.Informational == "" {
		r.Severity = UnknownSeverity
	}
	if r.Locations == nil {
		r.Locations = []evidence.PinLocation{{Path: v.Package.Path, Line: v.Package.Line}}
	}
	if r.Fixed == nil {
		r.Fixed = []string{}
	}
	if v.KEV {
		r.KEVAdded = v.KEVAdded.UTC().Format(time.DateOnly)
	}
	if v.EPSS >= 0 {
		e := v.EPSS
		r.EPSS = &e
	}
	if !v.Published.IsZero() {
		r.Published = v.Published.UTC().Format(time.DateOnly)
		r.AgeDays = int(at.Sub(v.Published).Hours() / 24)
	}
	return r
}

// ParseFailOn reads a --fail-on level: the lowest severity rank that fails
// (0 for any), -1 for never; false when the word is not a level.
func ParseFailOn(s string) (int, bool) {
	switch s {
	case "", "never":
		return -1, true
	case "any":
		return 0, true
	}
	r := evidence.SeverityRank(s)
	return r, r > 0
}

// ParseUnknownSeverity reads --unknown-severity: "fail" (the default)
// counts a finding no record rates as at least the --fail-on level,
// "ignore" never fails on it; false when the word is neither.
func ParseUnknownSeverity(s string) (ignore, ok bool) {
	switch s {
	case "", "fail":
		return false, true
	case "ignore":
		return true, true
	}
	return false, false
}

// Fails reports whether v fails a --fail-on rank: it is open under VEX, not
// informational, not a toolchain finding, and at or above minRank (never when minRank < 0). A
// finding of unknown severity fails any threshold unless ignoreUnknown:
// an unrated vulnerability is not known to be below it.
func Fails(v evidence.Vulnerability, minRank int, ignoreUnknown bool) bool {
	if minRank < 0 || !vex.Open(v) || v.Informational != "" || v.Toolchain {
		// A toolchain finding is not known to apply: which Go builds the
		// product is not fixed by the repository.
		return false
	}
	r := evidence.SeverityRank(v.Severity)
	if r == 0 {
		return !ignoreUnknown
	}
	return r >= minRank
}
