package evidence

import (
	"time"

	"github.com/assaysec/assay/internal/scope"
)

// Kinds of repository-level evidence.
const (
	KindTreeOddity   Kind = "repo/oddity"
	KindBinary       Kind = "repo/binary"
	KindBinaryScan   Kind = "repo/binary-scan"
	KindParseProblem Kind = "repo/parse-problem"
	KindVCS          Kind = "git/repository"
	KindTags         Kind = "git/tags"
	KindManifest     Kind = "deps/manifest"
	KindScope        Kind = "repo/scope"
	KindVendored     Kind = "deps/vendored"
)

// VendoredCode is third-party source copied into the tree under a
// conventional directory (third_party/, external/, vendor/ ...) with no
// manifest, lockfile or version record that lists what it is.
type VendoredCode struct {
	Path    string // the directory
	Files   int    // source files under it
	Example string // one of them
}

// Kind implements Fact.
func (VendoredCode) Kind() Kind { return KindVendored }

// ProductScope is the scope in force for the assessment: the default
// exclusions and those declared in assay.yaml. Rules classify paths with
// it (scope.Scope.Classify).
type ProductScope struct {
	Scope scope.Scope
}

// Kind implements Fact.
func (ProductScope) Kind() Kind { return KindScope }

// TreeOddity is something unusual in the scanned tree: a symlink leaving it,
// a FIFO, a file too large to read, a file name with control characters.
type TreeOddity struct {
	Problem string // source.OddityKind value
	Path    string
	Detail  string
}

// Kind implements Fact.
func (TreeOddity) Kind() Kind { return KindTreeOddity }

// ParseProblem records a file that a collector could not read or parse. It
// lets a broken file become a finding instead of aborting the assessment.
type ParseProblem struct {
	Path   string
	Line   int
	Format string // what the file was expected to be: "security.txt", "GitHub Actions workflow"
	Error  string
}

// Kind implements Fact.
func (ParseProblem) Kind() Kind { return KindParseProblem }

// VCS says whether the tree is under version control.
type VCS struct {
	System  string // "git", or "" when none was found
	Present bool
	Head    string // HEAD commit id
	Branch  string
	Reason  string // why there is no usable history, when Present is false
}

// Kind implements Fact.
func (VCS) Kind() Kind { return KindVCS }

// Tags lists the repository's tags, newest first.
type Tags struct {
	Tags  []TagInfo
	Total int // how many tags exist, when more than listed
}

// TagInfo is one tag.
type TagInfo struct {
	Name      string
	Commit    string
	Date      time.Time
	Annotated bool
	Signed    bool
	Release   bool // the name looks like a version (v1.2.3, 1.2, release-4)
}

// Kind implements Fact.
func (Tags) Kind() Kind { return KindTags }

// Manifest is a package manifest found in the tree, and the lockfiles that
// pin its dependencies.
type Manifest struct {
	Path      string
	Ecosystem string   // "npm", "Go", "PyPI", "crates.io", ...
	Manager   string   // "npm/yarn/pnpm/bun", "go", "cargo", ...
	Lockfiles []string // lockfiles found for it (same or an ancestor directory)
	Untracked []string // of Lockfiles, those present but not committed to git
	// TrackingKnown is set when git history was available to tell whether
	// the lockfiles are committed.
	TrackingKnown bool
	LockNeeded    bool   // false when the ecosystem has no lockfile or the manifest declares no dependencies
	Note          string // why no lockfile is needed, when LockNeeded is false
	// NoDependencies is set when the manifest declares nothing to resolve
	// (a go.mod with no require, a package.json without dependencies): it
	// is a complete list by itself.
	NoDependencies bool
	// Exact is set for ecosystems without a lockfile (Maven, Gradle) whose
	// build files pin every version exactly: no ranges, no LATEST/RELEASE,
	// no dynamic "+" versions. Such a build resolves the same components
	// every time, so the manifests are a complete list.
	Exact bool
	// Range is the first version range seen in the manifest, at RangeLine,
	// shown when nothing locks it ("httpcore==1.*").
	Range     string
	RangeLine int
	// Rejected lists candidate lockfiles that do not lock this manifest,
	// with why ("requirements.txt installs the package itself (-e .)").
	Rejected []string
	// Members are the subprojects a workspace or multi-module root
	// includes, as globs relative to the repository root (npm and
	// Cargo workspaces, Maven <modules>, Gradle include()).
	Members []string
	// Native lists host libraries the module's build links through cgo
	// (#cgo pkg-config: NAME), each with where it is named: third-party
	// components that no Go lockfile lists.
	Native []string
	// OutOfScope says why the manifest is not part of the product
	// ("example code under examples/ (default)"); empty when it is.
	OutOfScope string
}

// Kind implements Fact.
func (Manifest) Kind() Kind { return KindManifest }

// Binary is a binary artefact committed to the tree: an executable or
// library (recognised by its magic bytes or name) or compiled bytecode.
type Binary struct {
	Path   string
	Format string // "ELF", "PE", "Mach-O", "Java class", "jar", "pyc", "shared library", ...
	Size   int64
	// Allowed says why the file is expected (test data, a build tool's
	// wrapper); "" when it is not.
	Allowed string
}

// Kind implements Fact.
func (Binary) Kind() Kind { return KindBinary }

// BinaryScan records that the tree was searched for binary artefacts.
type BinaryScan struct {
	Files   int  // files examined
	Partial bool // the budget ran out before every file was examined
}

// Kind implements Fact.
func (BinaryScan) Kind() Kind { return KindBinaryScan }
