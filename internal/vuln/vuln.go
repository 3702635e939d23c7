// Package vuln joins the component inventory, the offline vulnerability
// database and VEX statements into vulnerability findings. The deps/vulns
// collector and the `assay vulns` command share it.
package vuln

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"golang.org/x/mod/semver"

	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/deps"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/parse/vulnplan"
	"github.com/assaysec/assay/internal/sbom"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/vex"
	"github.com/assaysec/assay/internal/vulndb"
)

// Options tune an assessment.
type Options struct {
	DBDir     string   // "" means vulndb.DefaultDir
	SBOMFiles []string // extra SBOMs whose components are matched too
	VEXFiles  []string // extra VEX documents
	// GoVersion is the Go release the product is declared to be built
	// with (build.go in assay.yaml), GoVersionSource where it was declared:
	// the standard library is matched at that version instead of at
	// go.mod's floor.
	GoVersion       string
	GoVersionSource evidence.PinLocation
}

// WithBuild returns o with the build toolchain the declaration names.
func (o Options) WithBuild(cfg *config.Config) Options {
	if cfg == nil || cfg.Build.Go == "" {
		return o
	}
	file := cfg.File
	if file == "" {
		file = config.FileName
	}
	o.GoVersion = cfg.Build.Go
	o.GoVersionSource = evidence.PinLocation{Path: file, Line: cfg.Build.Pos.Line}
	return o
}

// Result is what was found.
type Result struct {
	DB       evidence.VulnDB
	Packages int
	Findings []evidence.Vulnerability
	VEX      []VEXFile
}

// Uncovered lists, per ecosystem, the components the database could not
// check because it holds no record of their ecosystem, as {"npm": 12}.
func (r *Result) Uncovered() map[string]int {
	out := map[string]int{}
	for _, e := range r.DB.Uncovered {
		out[e.Ecosystem] = e.Components
	}
	return out
}

// Coverage is the per-ecosystem coverage table, never nil.
func (r *Result) Coverage() []evidence.EcosystemCoverage {
	if r.DB.Ecosystems == nil {
		return []evidence.EcosystemCoverage{}
	}
	return r.DB.Ecosystems
}

// VEXFile is a VEX document and where it was found.
type VEXFile struct {
	Doc   evidence.VEXDocument
	Line  int
	stmts []vex.Statement
}

// ErrInput marks an SBOM or VEX file the user named (--sbom, --vex) that
// cannot be used: missing, empty, not JSON or not of a kind Assay reads.
// Matching without it would report "no known vulnerabilities" for
// components never looked at.
var ErrInput = errors.New("unusable input file")

// Assess matches the tree's components against the database and applies
// VEX statements. A missing database is not an error: Result.DB says so.
// An unusable file named in Options is an error wrapping ErrInput.
func Assess(ctx context.Context, t *source.Tree, opts Options) (*Result, error) {
	res := &Result{}
	sboms := sbom.Discover(t, opts.SBOMFiles)
	for _, d := range sboms {
		if !d.External {
			continue
		}
		switch {
		case d.Error != "":
			return res, fmt.Errorf("%w: --sbom %s: %s", ErrInput, d.Path, d.Error)
		case !d.Supported:
			return res, fmt.Errorf("%w: --sbom %s: %s", ErrInput, d.Path, orDefault(d.Note, "not an SBOM Assay reads"))
		}
	}
	vexFiles, err := discoverVEX(t, opts.VEXFiles)
	if err != nil {
		return res, err
	}
	dir := opts.DBDir
	if dir == "" {
		d, err := vulndb.DefaultDir()
		if err != nil {
			res.DB = evidence.VulnDB{Problem: err.Error()}
			return res, nil
		}
		dir = d
	}
	var pkgs []evidence.DepPackage
	if t != nil {
		for _, p := range deps.ScanCached(ctx, t).Packages() {
			pkgs = append(pkgs, p.Evidence())
		}
	}
	for _, d := range sboms {
		pkgs = append(pkgs, d.Packages...)
	}
	pkgs = goStdlib(t, pkgs, opts)
	// Count components as the SBOM lists them, once per identity however
	// many files pin them; the Go floors of several go.mod files are the
	// one toolchain component goStdlib made of them.
	ids := map[string]bool{}
	for _, p := range pkgs {
		if p.Floor {
			ids["\x00go toolchain"] = true
			continue
		}
		ids[deps.Package(p).Ref()] = true
	}
	res.Packages = len(ids)
	res.VEX = vexFiles
	db, err := vulndb.Open(dir)
	if err != nil {
		res.DB = evidence.VulnDB{Dir: dir, Problem: err.Error()}
		if errors.Is(err, vulndb.ErrNoDatabase) {
			return res, nil
		}
		return res, nil
	}
	defer db.Close()
	res.DB = db.Status()
	if !res.DB.Present {
		return res, nil
	}
	db.Coverage(&res.DB, pkgs)
	found, err := db.Assess(pkgs)
	if err != nil {
		return res, fmt.Errorf("match against %s: %w", dir, err)
	}
	vulndb.Tally(&res.DB, found)
	var stmts []vex.Statement
	for _, f := range res.VEX {
		stmts = append(stmts, f.stmts...)
	}
	res.Findings = vex.Apply(found, stmts)
	return res, nil
}

// goStdlib settles which Go standard library the product carries. go.mod's
// toolchain directive names the toolchain the go command builds with, so
// the stdlib it gives is a pin; the go directive is only the oldest Go
// the module accepts. A declared build toolchain replaces every floor.
// Otherwise the floors of all go.mod files become one toolchain
// component at the highest of them, so its findings are reported once,
// not once per go.mod in the tree.
func goStdlib(t *source.Tree, pkgs []evidence.DepPackage, opts Options) []evidence.DepPackage {
	out := make([]evidence.DepPackage, 0, len(pkgs))
	var floors []evidence.DepPackage
	for _, p := range pkgs {
		if !p.Floor {
			out = append(out, p)
			continue
		}
		if toolchainLine(t, p) {
			p.Floor = false
			out = append(out, p)
			continue
		}
		floors = append(floors, p)
	}
	if len(floors) == 0 {
		return out
	}
	if opts.GoVersion != "" {
		p := floors[0]
		p.Version = strings.TrimPrefix(opts.GoVersion, "go")
		p.Path, p.Line, p.Floor = opts.GoVersionSource.Path, opts.GoVersionSource.Line, false
		return append(out, p)
	}
	highest := floors[0].Version
	for _, p := range floors[1:] {
		if semver.Compare("v"+p.Version, "v"+highest) > 0 {
			highest = p.Version
		}
	}
	// The go.mod with the highest floor comes first: it names the version.
	slices.SortStableFunc(floors, func(a, b evidence.DepPackage) int {
		return semver.Compare("v"+b.Version, "v"+a.Version)
	})
	for _, p := range floors {
		p.Version = highest
		out = append(out, p)
	}
	return out
}

// toolchainLine reports whether the stdlib version of a go.mod came from
// its toolchain directive: the extractor takes the toolchain line over
// the go line and records which line it read.
func toolchainLine(t *source.Tree, p evidence.DepPackage) bool {
	if t == nil || p.Line <= 0 || path.Base(p.Path) != "go.mod" {
		return false
	}
	data, err := t.ReadFile(p.Path, limits.MaxFileSize)
	if err != nil {
		return false
	}
	lines := strings.Split(string(data), "\n")
	if p.Line > len(lines) {
		return false
	}
	return strings.HasPrefix(strings.TrimSpace(lines[p.Line-1]), "toolchain")
}

// looksLikeVEX reports whether a tree path is where VEX documents live.
func looksLikeVEX(p string) bool {
	b := strings.ToLower(path.Base(p))
	if !strings.HasSuffix(b, ".json") {
		return false
	}
	if strings.Contains(b, "vex") || strings.HasSuffix(b, ".csaf.json") {
		return true
	}
	for _, seg := range strings.Split(strings.ToLower(path.Dir(p)), "/") {
		if seg == "vex" || seg == ".vex" || seg == "csaf" {
			return true
		}
	}
	return false
}

func discoverVEX(t *source.Tree, extra []string) ([]VEXFile, error) {
	var out []VEXFile
	add := func(p string, data []byte, err error) {
		if err != nil {
			out = append(out, VEXFile{Doc: evidence.VEXDocument{Path: p, Error: err.Error()}})
			return
		}
		doc, err := vex.Parse(p, data)
		if errors.Is(err, vex.ErrNotVEX) {
			return
		}
		if err != nil {
			out = append(out, VEXFile{Doc: evidence.VEXDocument{Path: p, Error: err.Error()}})
			return
		}
		out = append(out, VEXFile{Doc: evidence.VEXDocument{Path: p, Format: doc.Format, Statements: len(doc.Statements)}, stmts: doc.Statements})
	}
	if t != nil {
		for _, e := range t.Entries() {
			if !looksLikeVEX(e.Path) || deps.SkipDir(e.Path) {
				continue
			}
			data, err := t.ReadFile(e.Path, limits.MaxFileSize)
			add(e.Path, data, err)
		}
	}
	for _, p := range extra {
		data, err := readFile(p)
		if err != nil {
			return nil, fmt.Errorf("%w: --vex %s: %w", ErrInput, p, err)
		}
		doc, err := vex.Parse(p, data)
		if err != nil {
			return nil, fmt.Errorf("%w: --vex %s: %w (want OpenVEX, CycloneDX VEX or CSAF VEX JSON)", ErrInput, p, err)
		}
		out = append(out, VEXFile{Doc: evidence.VEXDocument{Path: p, Format: doc.Format, Statements: len(doc.Statements)}, stmts: doc.Statements})
	}
	return out, nil
}

// Policies finds declared remediation targets (assay.yaml) and written
// vulnerability-management statements (remediation and triage timelines,
// response times by severity, severity ratings) in security documents and
// incident plans.
func Policies(t *source.Tree, cfg *config.Config) []evidence.RemediationPolicy {
	var out []evidence.RemediationPolicy
	if cfg != nil {
		r := cfg.RemediationTargets
		if r.Critical != "" || r.High != "" || r.Medium != "" || r.Low != "" {
			out = append(out, evidence.RemediationPolicy{
				Source: orDefault(cfg.File, config.FileName), Line: r.Pos.Line,
				Targets: map[string]int{"critical": r.Days("critical"), "high": r.Days("high"), "medium": r.Days("medium"), "low": r.Days("low")},
			})
		}
	}
	if t == nil {
		return out
	}
	docs := 0
	for _, e := range t.Entries() {
		if !policyDoc(e.Path) || deps.SkipDir(e.Path) || docs >= maxPolicyDocs {
			continue
		}
		docs++
		data, err := t.ReadFile(e.Path, limits.MaxSmallFileSize)
		if err != nil {
			continue
		}
		for _, st := range vulnplan.Find(e.Path, data) {
			out = append(out, evidence.RemediationPolicy{Source: e.Path, Line: st.Line, Excerpt: st.Excerpt, What: st.What})
		}
	}
	return out
}

// maxPolicyDocs caps the documents read for written policies.
const maxPolicyDocs = 100

func policyDoc(p string) bool {
	b := strings.ToLower(path.Base(p))
	if !strings.HasSuffix(b, ".md") && !strings.HasSuffix(b, ".txt") && !strings.HasSuffix(b, ".rst") && !strings.HasSuffix(b, ".adoc") {
		return false
	}
	if strings.Count(p, "/") > 3 {
		return false
	}
	for _, k := range []string{"security", "vulnerab", "patch", "remediation", "support", "incident", "triage"} {
		if strings.Contains(b, k) {
			return true
		}
	}
	return false
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
