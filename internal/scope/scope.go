// Package scope decides which paths of a repository belong to the product.
// Examples, test fixtures, test-harness modules and documentation sites are
// part of the repository but not of what ships: their manifests and
// lockfiles are still listed, marked out of scope with the reason, but they
// never decide a claim. Projects adjust the defaults with scope.exclude and
// scope.include in assay.yaml.
//
// The package is pure: it matches slash-separated paths against globs and
// does no I/O, so collectors and rules can both ask it.
package scope

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// Pattern is one glob and why paths matching it are (or are not) in the
// product.
type Pattern struct {
	Glob   string `json:"glob"`
	Reason string `json:"reason"`
	// Source is "default" or the declaration position ("assay.yaml:12").
	Source string `json:"source"`
}

// Reasons for the default exclusions.
const (
	ReasonExample  = "example code"
	ReasonFixture  = "test fixtures"
	ReasonTest     = "test-harness module"
	ReasonDocs     = "documentation site"
	ReasonDeclared = "excluded by scope.exclude"
)

// Defaults are the directories reported apart from the product unless
// scope.include puts them back. Each matches at any depth.
var Defaults = []Pattern{
	{Glob: "**/examples", Reason: ReasonExample, Source: "default"},
	{Glob: "**/example", Reason: ReasonExample, Source: "default"},
	{Glob: "**/_examples", Reason: ReasonExample, Source: "default"},
	// Demonstration and manual-testing apps: samples/ of Gradle and Maven
	// builds, playground/ of front-end tool monorepos (Vite, Nuxt, Vitest),
	// sandbox/ pages run against a local server.
	{Glob: "**/samples", Reason: ReasonExample, Source: "default"},
	{Glob: "**/sample", Reason: ReasonExample, Source: "default"},
	{Glob: "**/playground", Reason: ReasonExample, Source: "default"},
	{Glob: "**/playgrounds", Reason: ReasonExample, Source: "default"},
	{Glob: "**/sandbox", Reason: ReasonExample, Source: "default"},
	{Glob: "**/testdata", Reason: ReasonFixture, Source: "default"},
	{Glob: "**/fixtures", Reason: ReasonFixture, Source: "default"},
	{Glob: "**/__fixtures__", Reason: ReasonFixture, Source: "default"},
	{Glob: "**/test", Reason: ReasonTest, Source: "default"},
	{Glob: "**/tests", Reason: ReasonTest, Source: "default"},
	{Glob: "**/__tests__", Reason: ReasonTest, Source: "default"},
	{Glob: "**/e2e", Reason: ReasonTest, Source: "default"},
	{Glob: "**/test-*", Reason: ReasonTest, Source: "default"},
	{Glob: "**/*-test", Reason: ReasonTest, Source: "default"},
	{Glob: "**/*-tests", Reason: ReasonTest, Source: "default"},
	// .NET names test projects after what they test (Lib.Tests,
	// Lib.UnitTests) or the kind of test (UnitTests, IntegrationTests).
	{Glob: "**/*.Tests", Reason: ReasonTest, Source: "default"},
	{Glob: "**/*.Test", Reason: ReasonTest, Source: "default"},
	{Glob: "**/*.UnitTests", Reason: ReasonTest, Source: "default"},
	{Glob: "**/*.IntegrationTests", Reason: ReasonTest, Source: "default"},
	{Glob: "**/UnitTests", Reason: ReasonTest, Source: "default"},
	{Glob: "**/IntegrationTests", Reason: ReasonTest, Source: "default"},
	{Glob: "**/docs", Reason: ReasonDocs, Source: "default"},
	{Glob: "**/www", Reason: ReasonDocs, Source: "default"},
	{Glob: "**/website", Reason: ReasonDocs, Source: "default"},
	{Glob: "**/site", Reason: ReasonDocs, Source: "default"},
}

// Scope classifies paths. The zero value applies no exclusions at all; use
// New for the defaults.
type Scope struct {
	Exclude []Pattern `json:"exclude,omitempty"` // declared exclusions, checked first
	Include []Pattern `json:"include,omitempty"` // declared inclusions, which override Defaults
	Default []Pattern `json:"default,omitempty"`
}

// New returns a scope with the default exclusions and the declared globs.
func New(exclude, include []Pattern) *Scope {
	return &Scope{Exclude: exclude, Include: include, Default: Defaults}
}

// Verdict says whether a path is in the product.
type Verdict struct {
	In      bool
	Pattern Pattern // the pattern that decided, when one did
	Dir     string  // the directory (or file) the pattern matched
}

// Why describes an out-of-scope verdict: "example code under examples/ (default)".
func (v Verdict) Why() string {
	if v.In {
		return ""
	}
	return fmt.Sprintf("%s under %s/ (%s)", v.Pattern.Reason, v.Dir, v.Pattern.Source)
}

// Classify reports whether p (slash-separated, relative to the repository
// root) is part of the product. A pattern that matches a directory covers
// everything below it. Declared exclusions win over declared inclusions,
// which win over the defaults.
func (s *Scope) Classify(p string) Verdict {
	if s == nil {
		return Verdict{In: true}
	}
	p = strings.Trim(path.Clean(strings.TrimPrefix(p, "./")), "/")
	if p == "." || p == "" {
		return Verdict{In: true}
	}
	if pat, dir, ok := first(s.Exclude, p); ok {
		return Verdict{Pattern: pat, Dir: dir}
	}
	if _, _, ok := first(s.Include, p); ok {
		return Verdict{In: true}
	}
	if pat, dir, ok := first(s.Default, p); ok {
		return Verdict{Pattern: pat, Dir: dir}
	}
	return Verdict{In: true}
}

// InProduct is Classify(p).In.
func (s *Scope) InProduct(p string) bool { return s.Classify(p).In }

// first returns the first pattern matching p or one of its parent
// directories, shallowest directory first.
func first(pats []Pattern, p string) (Pattern, string, bool) {
	segs := strings.Split(p, "/")
	for i := 1; i <= len(segs); i++ {
		prefix := segs[:i]
		for _, pat := range pats {
			if Match(pat.Glob, prefix) {
				return pat, strings.Join(prefix, "/"), true
			}
		}
	}
	return Pattern{}, "", false
}

// Match reports whether glob matches the path given as segments. "**"
// matches any number of segments, including none; "*", "?" and "[...]"
// match within one segment (path.Match). A trailing "/" or "/**" is
// ignored: a directory match covers its contents anyway.
func Match(glob string, segs []string) bool {
	return segMatch(split(glob), segs, 0)
}

func split(glob string) []string {
	g := strings.Trim(strings.TrimPrefix(glob, "./"), "/")
	for strings.HasSuffix(g, "/**") {
		g = strings.TrimSuffix(g, "/**")
	}
	if g == "" || g == "**" {
		return []string{"**"}
	}
	return strings.Split(g, "/")
}

// maxDepth bounds the backtracking of "**" on hostile globs.
const maxDepth = 64

func segMatch(pat, segs []string, depth int) bool {
	if depth > maxDepth {
		return false
	}
	if len(pat) == 0 {
		return len(segs) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(segs); i++ {
			if segMatch(pat[1:], segs[i:], depth+1) {
				return true
			}
		}
		return false
	}
	if len(segs) == 0 {
		return false
	}
	if ok, _ := path.Match(pat[0], segs[0]); !ok {
		return false
	}
	return segMatch(pat[1:], segs[1:], depth+1)
}

// ErrBadGlob is wrapped by Validate's errors.
var ErrBadGlob = errors.New("bad scope glob")

// MaxGlobLen caps a declared glob.
const MaxGlobLen = 256

// Validate checks a declared glob: relative to the repository root, no
// "..", valid path.Match syntax in every segment.
func Validate(glob string) error {
	switch {
	case strings.TrimSpace(glob) == "":
		return fmt.Errorf("%w: empty", ErrBadGlob)
	case len(glob) > MaxGlobLen:
		return fmt.Errorf("%w: longer than %d characters", ErrBadGlob, MaxGlobLen)
	case strings.HasPrefix(glob, "/"), strings.Contains(glob, "\\"):
		return fmt.Errorf("%w: want a slash-separated path relative to the repository root, such as extras/ or **/bench; got %q", ErrBadGlob, glob)
	}
	if strings.Count(glob, "**") > 8 {
		return fmt.Errorf("%w: too many ** in %q", ErrBadGlob, glob)
	}
	for _, seg := range split(glob) {
		if seg == ".." {
			return fmt.Errorf("%w: %q leaves the repository", ErrBadGlob, glob)
		}
		if _, err := path.Match(seg, ""); err != nil {
			return fmt.Errorf("%w: %q: %v", ErrBadGlob, glob, err)
		}
	}
	return nil
}
