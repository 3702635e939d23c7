// Package manifests finds package manifests in the tree and the lockfiles
// that pin them, and whether those lockfiles are committed. It reads only
// manifests, never runs a package manager.
package manifests

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"path"
	"slices"
	"strings"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/deps"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/source"
)

// Name of the collector.
const Name = "deps/manifests"

// Collector finds manifests and lockfiles.
type Collector struct{ cfg *config.Config }

// New returns the collector reading the declaration cfg; nil is an empty
// declaration.
func New(cfg *config.Config) collector.Collector {
	if cfg == nil {
		cfg = &config.Config{}
	}
	return Collector{cfg: cfg}
}

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind {
	return []evidence.Kind{evidence.KindManifest, evidence.KindVendored}
}

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// kind describes one manifest format.
type kind struct {
	ecosystem, manager string
	lockfiles          []string
	// needsLock decides from the manifest's bytes whether it declares
	// dependencies that a lockfile should pin; nil means always.
	needsLock func(data []byte) (bool, string)
	// noLock is set for ecosystems without a standard lockfile.
	noLock string
}

// pythonLockfiles lock a Python project whatever declares its
// dependencies (pyproject.toml, setup.cfg or setup.py).
var pythonLockfiles = []string{"uv.lock", "poetry.lock", "pdm.lock", "pylock.toml", "Pipfile.lock", "requirements.txt"}

var kinds = map[string]kind{
	"package.json":     {ecosystem: "npm", manager: "npm", lockfiles: []string{"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb"}, needsLock: npmNeedsLock},
	"go.mod":           {ecosystem: "Go", manager: "go", lockfiles: []string{"go.sum"}, needsLock: goNeedsLock},
	"Cargo.toml":       {ecosystem: "crates.io", manager: "cargo", lockfiles: []string{"Cargo.lock"}, needsLock: tomlSectionNeedsLock("[dependencies]", "[workspace]")},
	"pyproject.toml":   {ecosystem: "PyPI", manager: "python", lockfiles: pythonLockfiles, needsLock: pyprojectNeedsLock},
	"setup.cfg":        {ecosystem: "PyPI", manager: "setuptools", lockfiles: pythonLockfiles, needsLock: setuptoolsNeedsLock("setup.cfg")},
	"setup.py":         {ecosystem: "PyPI", manager: "setuptools", lockfiles: pythonLockfiles, needsLock: setuptoolsNeedsLock("setup.py")},
	"Pipfile":          {ecosystem: "PyPI", manager: "pipenv", lockfiles: []string{"Pipfile.lock"}},
	"requirements.in":  {ecosystem: "PyPI", manager: "pip-tools", lockfiles: []string{"requirements.txt", "pylock.toml"}},
	"Gemfile":          {ecosystem: "RubyGems", manager: "bundler", lockfiles: []string{"Gemfile.lock"}},
	"composer.json":    {ecosystem: "Packagist", manager: "composer", lockfiles: []string{"composer.lock"}, needsLock: composerNeedsLock},
	"Package.swift":    {ecosystem: "SwiftURL", manager: "swiftpm", lockfiles: []string{"Package.resolved"}, needsLock: swiftNeedsLock},
	"pubspec.yaml":     {ecosystem: "Pub", manager: "pub", lockfiles: []string{"pubspec.lock"}},
	"mix.exs":          {ecosystem: "Hex", manager: "mix", lockfiles: []string{"mix.lock"}},
	"pom.xml":          {ecosystem: "Maven", manager: "maven", noLock: "Maven has no lockfile; versions are fixed in pom.xml"},
	"build.gradle":     {ecosystem: "Maven", manager: "gradle", lockfiles: []string{"gradle.lockfile"}, noLock: "Gradle dependency locking is optional; gradle.lockfile is used when present"},
	"build.gradle.kts": {ecosystem: "Maven", manager: "gradle", lockfiles: []string{"gradle.lockfile"}, noLock: "Gradle dependency locking is optional; gradle.lockfile is used when present"},
}

// skipSegments are directories whose manifests are other people's code
// (installed or vendored copies), never the product's own. Examples,
// fixtures and test harnesses are listed, marked out of scope.
var skipSegments = map[string]bool{"node_modules": true, "vendor": true, "third_party": true, "bower_components": true}

// Collect implements collector.Collector.
func (c Collector) Collect(_ context.Context, in *collector.Input) ([]evidence.Record, error) {
	var out []evidence.Record
	sc := c.cfg.ProductScope()
	native := cgoLibraries(in.Tree, sc)
	pylocks := namedPylocks(in.Tree)
	for _, e := range in.Tree.Entries() {
		base := path.Base(e.Path)
		k, ok := kinds[base]
		if !ok && deps.ProjectFile(base) {
			k, ok = kind{ecosystem: "NuGet", manager: "dotnet", lockfiles: []string{"packages.lock.json"}, noLock: "NuGet lockfiles are opt-in (RestorePackagesWithLockFile)"}, true
		}
		if !ok && base == "requirements.txt" && standalone(in.Tree, path.Dir(e.Path)) {
			// A requirements file with no project beside it is the manifest:
			// it locks itself when it pins everything exactly.
			k, ok = kind{ecosystem: "PyPI", manager: "pip", needsLock: requirementsNeedsLock}, true
		}
		if !ok || skipped(e.Path) {
			continue
		}
		m := evidence.Manifest{Path: e.Path, Ecosystem: k.ecosystem, Manager: k.manager, LockNeeded: k.noLock == ""}
		m.OutOfScope = sc.Classify(e.Path).Why()
		if k.noLock != "" {
			m.Note = k.noLock
		}
		data, err := in.Tree.ReadFile(e.Path, limits.MaxSmallFileSize)
		if err != nil {
			out = append(out, evidence.Record{
				Fact:       evidence.ParseProblem{Path: e.Path, Format: base, Error: err.Error()},
				Provenance: in.Provenance(Name, evidence.Location{Path: e.Path}, ""),
			})
			continue
		}
		digest := source.Digest(data)
		if k.needsLock != nil {
			m.LockNeeded, m.Note = k.needsLock(data)
			m.NoDependencies = !m.LockNeeded
		}
		if (base == "setup.cfg" || base == "setup.py") && (m.NoDependencies || declaredByPyproject(in.Tree, path.Dir(e.Path))) {
			// A setup file without install_requires is a build shim, and a
			// pyproject.toml that declares the dependencies is the manifest
			// already: neither adds a component list of its own.
			continue
		}
		m.Lockfiles = findLockfiles(in.Tree, path.Dir(e.Path), k.lockfiles, pylocks)
		resolution(in.Tree, base, data, &m)
		if base == "go.mod" {
			m.Native = native[path.Dir(e.Path)]
		}
		if in.History != nil {
			m.TrackingKnown = true
			for _, l := range m.Lockfiles {
				if tracked, err := in.History.Tracked(l); err == nil && !tracked {
					m.Untracked = append(m.Untracked, l)
				}
			}
		}
		out = append(out, evidence.Record{Fact: m, Provenance: in.Provenance(Name, evidence.Location{Path: e.Path}, digest)})
	}
	for _, v := range vendoredCode(in.Tree, sc) {
		out = append(out, evidence.Record{Fact: v, Provenance: in.Provenance(Name, evidence.Location{Path: v.Example}, "")})
	}
	return out, nil
}

// resolution fills what the manifest says about how its components
// resolve: the first range, whether a lockfile-less build is exact, the
// workspace members, and candidate lockfiles that lock nothing.
func resolution(t *source.Tree, base string, data []byte, m *evidence.Manifest) {
	dir := path.Dir(m.Path)
	members := func(list []string) {
		for _, x := range list {
			if c := cleanMember(dir, x); c != "" {
				m.Members = append(m.Members, c)
			}
		}
	}
	if deps.ProjectFile(base) {
		// NuGet has no lockfile by default; like a Maven build, a project
		// whose references are all exact resolves the same components
		// every restore (NuGet takes the lowest applicable version), and
		// a floating version is the range nothing pins.
		r := deps.ResolveMSBuild(t, m.Path)
		m.Range, m.RangeLine = r.Floating, r.FloatingLine
		m.Exact = r.Floating == "" && !r.Ranged
		return
	}
	switch base {
	case "package.json":
		m.Range, m.RangeLine = firstRange(data, "dependencies", "optionalDependencies", "devDependencies")
		members(npmMembers(data))
	case "composer.json":
		m.Range, m.RangeLine = firstRange(data, "require", "require-dev")
	case "pyproject.toml", "setup.cfg", "setup.py":
		if base == "pyproject.toml" {
			m.Range, m.RangeLine = pyprojectRange(data)
		} else {
			m.Range, m.RangeLine = setuptoolsRange(base, data)
		}
		// A requirements.txt beside the project locks it only when it
		// pins everything exactly and does not install the project itself.
		var keep []string
		for _, l := range m.Lockfiles {
			if path.Base(l) != "requirements.txt" {
				keep = append(keep, l)
				continue
			}
			req, err := t.ReadFile(l, limits.MaxSmallFileSize)
			if err != nil {
				keep = append(keep, l)
				continue
			}
			if ok, why := requirementsLocks(req); !ok {
				m.Rejected = append(m.Rejected, l+": "+why)
				continue
			}
			keep = append(keep, l)
		}
		m.Lockfiles = keep
	case "requirements.txt":
		if ok, why := requirementsLocks(data); ok {
			m.Lockfiles = []string{m.Path}
		} else {
			m.Range, m.RangeLine = requirementsRange(data)
			m.Rejected = append(m.Rejected, m.Path+": "+why)
		}
	case "Cargo.toml":
		m.Range, m.RangeLine = cargoRange(data)
		members(cargoMembers(data))
	case "pom.xml":
		info := readPom(data)
		members(info.modules)
		m.Range, m.RangeLine = info.rangeText, info.rangeLine
		m.Exact = info.rangeText == ""
	case "build.gradle", "build.gradle.kts":
		m.Range, m.RangeLine = gradleRange(data)
		for _, s := range []string{"settings.gradle", "settings.gradle.kts"} {
			if b, err := t.ReadFile(path.Join(dir, s), limits.MaxSmallFileSize); err == nil {
				members(gradleMembers(b))
			}
		}
		if m.Range == "" {
			if b, err := t.ReadFile(path.Join(dir, "gradle", "libs.versions.toml"), limits.MaxSmallFileSize); err == nil {
				if r, line := gradleRange(b); r != "" {
					m.Range, m.RangeLine = path.Join(dir, "gradle", "libs.versions.toml")+": "+r, line
				}
			}
		}
		m.Exact = m.Range == ""
	}
}

func skipped(p string) bool {
	for _, seg := range strings.Split(path.Dir(p), "/") {
		if skipSegments[seg] {
			return true
		}
	}
	return false
}

// findLockfiles looks for lockfiles next to the manifest, then in ancestor
// directories (workspaces keep one lockfile at their root). Where names
// include pylock.toml, the named PEP 751 locks of a directory
// (pylock.<name>.toml, from pylocks) count too.
func findLockfiles(t *source.Tree, dir string, names []string, pylocks map[string][]string) []string {
	named := slices.Contains(names, "pylock.toml")
	for {
		var found []string
		for _, n := range names {
			p := path.Join(dir, n)
			if t.Exists(p) {
				found = append(found, p)
			}
		}
		if named {
			found = append(found, pylocks[dir]...)
		}
		if len(found) > 0 || dir == "." || dir == "/" || dir == "" {
			return found
		}
		dir = path.Dir(dir)
	}
}

// namedPylocks returns, by directory, the PEP 751 lockfiles named for
// what they lock: pylock.<name>.toml (pylock.314.toml for one Python
// version, pylock.docs.toml for one environment). The name has no dot.
func namedPylocks(t *source.Tree) map[string][]string {
	out := map[string][]string{}
	for _, e := range t.Entries() {
		base := path.Base(e.Path)
		name, ok := strings.CutPrefix(base, "pylock.")
		if !ok {
			continue
		}
		name, ok = strings.CutSuffix(name, ".toml")
		if !ok || name == "" || strings.Contains(name, ".") {
			continue
		}
		dir := path.Dir(e.Path)
		out[dir] = append(out[dir], e.Path)
	}
	return out
}

func npmNeedsLock(data []byte) (bool, string) {
	var pkg struct {
		Dependencies         map[string]any `json:"dependencies"`
		DevDependencies      map[string]any `json:"devDependencies"`
		OptionalDependencies map[string]any `json:"optionalDependencies"`
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		return true, ""
	}
	if len(pkg.Dependencies)+len(pkg.DevDependencies)+len(pkg.OptionalDependencies) == 0 {
		return false, "package.json declares no dependencies"
	}
	return true, ""
}

var goRequire = lazyre.New(`(?m)^\s*require\b`)

func goNeedsLock(data []byte) (bool, string) {
	if !goRequire.Match(data) {
		return false, "go.mod requires no modules"
	}
	return true, ""
}

// swiftPackageDependency is a .package(url:/path:/name:/id:) entry of a
// Package.swift dependencies list; a target's dependencies: ["Name"]
// names a target of the same package and resolves nothing.
var swiftPackageDependency = lazyre.New(`\.package\s*\(`)

func swiftNeedsLock(data []byte) (bool, string) {
	// The template SwiftPM writes keeps an example dependency in a comment
	// ("// .package(url: /* package url */, from: \"1.0.0\")").
	if !swiftPackageDependency.MatchString(swiftCode(data)) {
		return false, "Package.swift depends on no packages"
	}
	return true, ""
}

// swiftCode returns Swift source without its comments: line comments and
// block comments (nested, as Swift allows), leaving string literals, whose
// URLs hold "//", as they are.
func swiftCode(data []byte) string {
	var b strings.Builder
	depth, inString := 0, false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case depth > 0:
			if c == '*' && i+1 < len(data) && data[i+1] == '/' {
				depth, i = depth-1, i+1
			} else if c == '/' && i+1 < len(data) && data[i+1] == '*' {
				depth, i = depth+1, i+1
			}
			continue
		case inString:
			if c == '\\' && i+1 < len(data) {
				b.WriteByte(c)
				i++
				c = data[i]
			} else if c == '"' || c == '\n' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '/' && i+1 < len(data) && data[i+1] == '/':
			for i < len(data) && data[i] != '\n' {
				i++
			}
			c = '\n'
		case c == '/' && i+1 < len(data) && data[i+1] == '*':
			depth, i = 1, i+1
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func composerNeedsLock(data []byte) (bool, string) {
	var c struct {
		Require    map[string]any `json:"require"`
		RequireDev map[string]any `json:"require-dev"`
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return true, ""
	}
	deps := 0
	for name := range c.Require {
		if name != "php" && !strings.HasPrefix(name, "ext-") {
			deps++
		}
	}
	if deps+len(c.RequireDev) == 0 {
		return false, "composer.json requires no packages"
	}
	return true, ""
}

// tomlSectionNeedsLock is a line scan, not a TOML parser: it only needs to
// know whether a dependencies table has entries.
func tomlSectionNeedsLock(sections ...string) func([]byte) (bool, string) {
	return func(data []byte) (bool, string) {
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		in := false
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if strings.HasPrefix(line, "[") {
				in = false
				for _, s := range sections {
					if line == s {
						in = true
					}
				}
				continue
			}
			if in && line != "" && !strings.HasPrefix(line, "#") {
				return true, ""
			}
		}
		return false, "no dependencies declared"
	}
}

func pyprojectNeedsLock(data []byte) (bool, string) {
	s := string(data)
	if strings.Contains(s, "[tool.poetry") || strings.Contains(s, "[tool.uv") || strings.Contains(s, "[tool.pdm") {
		return true, ""
	}
	if need, _ := tomlSectionNeedsLock("[project]")(data); need && strings.Contains(s, "dependencies") {
		return true, ""
	}
	return false, "pyproject.toml declares no dependencies"
}
