package deps

import (
	"encoding/json"
	"path"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
)

// OSV-SCALIBR's extractors return a flat package list; the lockfiles
// record who requires whom, and an SBOM should carry that graph. These
// readers take only the edges (and which entries are the product's own
// workspace members), each bounded by the file size the tree allows and
// by maxEdges. An edge whose target cannot be matched to a listed package
// is dropped rather than guessed.

// maxEdges bounds the relationships read from one lockfile.
const maxEdges = 200000

// Edge says that the package From requires To; both are Package.Key()
// values of packages of the same file.
type Edge struct{ From, To string }

// rawEdge is an edge as a lockfile spells it: names, and a version when
// the format records one (else the single listed version of that name).
type rawEdge struct{ fromName, fromVersion, toName, toVersion string }

// graph is what an edge reader returns.
type graph struct {
	edges []rawEdge
	// local holds name@version of entries built from the repository itself
	// (workspace members, path packages, the root project): the product,
	// not components of it.
	local map[string]bool
	// rootKnown says the format (or the manifest beside it) names what the
	// product itself requires: direct then lists it, and every other
	// package is transitive.
	rootKnown bool
	direct    []directDep
	// graphScopes says the extractor's scopes are not to be trusted (pnpm
	// 9 records no dev flag, yarn none at all): each package then takes
	// the scope of the direct dependencies it is reached from.
	graphScopes bool
}

// directDep is one requirement of the product (or a workspace member).
type directDep struct{ name, version, scope string }

// readGraph reads the dependency graph of a lockfile, or nil when the
// format records none or Assay has no reader for it. sibling reads a file
// of the lockfile's directory (nil when there is none to read).
func readGraph(format string, data []byte, sibling func(name string) []byte) *graph {
	return readGraphMemo(format, data, sibling, nil)
}

// readGraphMemo is readGraph reusing what the extractor decoded.
func readGraphMemo(format string, data []byte, sibling func(name string) []byte, memo *lockMemo) *graph {
	if len(data) > limits.MaxFileSize {
		return nil
	}
	if memo != nil && memo.npm != nil && format == "javascript/packagelockjson" {
		return npmGraphOf(memo.npm)
	}
	if sibling == nil {
		sibling = func(string) []byte { return nil }
	}
	switch format {
	case "javascript/pnpmlock":
		return pnpmGraph(data)
	case "javascript/yarnlock":
		return yarnGraph(data, sibling("package.json"))
	case "javascript/packagelockjson":
		return npmGraph(data)
	case "rust/cargolock":
		return cargoGraph(data)
	case "php/composerlock":
		return composerGraph(data)
	case "python/poetrylock":
		return poetryGraph(data)
	case "python/uvlock":
		return uvGraph(data)
	}
	return nil
}

var reNameSep = lazyre.New(`[-_.]+`)

// normName folds the spellings ecosystems treat as one name (PyPI's
// case and separators, Composer's case).
func normName(s string) string { return reNameSep.ReplaceAllString(strings.ToLower(s), "-") }

// applyGraph resolves a lockfile's edges against the file's packages and
// drops the packages that are the product's own workspace members.
func applyGraph(f *File, g *graph) {
	if g == nil {
		return
	}
	if len(g.local) > 0 {
		before := len(f.Packages)
		f.Packages = slices.DeleteFunc(f.Packages, func(p Package) bool {
			return g.local[normName(p.Name)+"@"+p.Version]
		})
		f.localDropped = before - len(f.Packages)
	}
	find := packageFinder(f.Packages)
	seen := map[Edge]bool{}
	for _, e := range g.edges {
		from, ok := find(e.fromName, e.fromVersion)
		if !ok {
			continue // the root or a workspace member: its edges are the direct relations
		}
		to, ok := find(e.toName, e.toVersion)
		if !ok || to.Key() == from.Key() {
			continue
		}
		edge := Edge{From: from.Key(), To: to.Key()}
		if !seen[edge] && len(f.Edges) < maxEdges {
			seen[edge] = true
			f.Edges = append(f.Edges, edge)
		}
	}
	slices.SortFunc(f.Edges, func(a, b Edge) int { return strings.Compare(a.From+"\x01"+a.To, b.From+"\x01"+b.To) })
}

// packageFinder matches a lockfile's name and version to one of its
// packages: the exact version, else the only version of that name when
// the format gives none.
func packageFinder(pkgs []Package) func(name, version string) (Package, bool) {
	byName := map[string][]Package{}
	for _, p := range pkgs {
		byName[normName(p.Name)] = append(byName[normName(p.Name)], p)
	}
	return func(name, version string) (Package, bool) {
		list := byName[normName(name)]
		for _, p := range list {
			if version != "" && p.Version == version {
				return p, true
			}
		}
		if version == "" && len(list) == 1 {
			return list[0], true
		}
		return Package{}, false
	}
}

// applyDirect marks which packages the product requires itself, when the
// lockfile (pnpm importers, yarn workspaces) or the manifest resolved
// through it says so by version, which is more precise than matching the
// manifest's names: a name locked at two versions is direct at one only.
// It runs after annotate and overrides its name-based marking.
func applyDirect(f *File, g *graph) {
	if g == nil || !g.rootKnown {
		return
	}
	find := packageFinder(f.Packages)
	scopes := map[string]string{}
	for _, d := range g.direct {
		p, ok := find(d.name, d.version)
		if !ok {
			continue
		}
		// Required at run time by one importer outranks dev use by another.
		if s, seen := scopes[p.Key()]; !seen || s != Runtime && d.scope == Runtime {
			scopes[p.Key()] = d.scope
		}
	}
	var reached map[string]string
	if g.graphScopes {
		reached = scopeByReach(scopes, f.Edges)
	}
	for i := range f.Packages {
		p := &f.Packages[i]
		if s, ok := reached[p.Key()]; ok {
			p.Scope = s
		}
		scope, ok := scopes[p.Key()]
		if !ok {
			p.Relation = Transitive
			continue
		}
		p.Relation = Direct
		if p.Scope == "" {
			p.Scope = scope
		}
	}
}

// scopeByReach walks the edges from the direct dependencies: a package
// reached from a runtime one (or one of unknown scope) is runtime, else
// from an optional one optional, else dev. Packages no walk reaches are
// left out.
func scopeByReach(direct map[string]string, edges []Edge) map[string]string {
	next := map[string][]string{}
	for _, e := range edges {
		next[e.From] = append(next[e.From], e.To)
	}
	out := map[string]string{}
	for _, scope := range []string{Runtime, Optional, Dev} {
		var queue []string
		for key, s := range direct {
			if s == "" {
				s = Runtime
			}
			if s == scope {
				queue = append(queue, key)
			}
		}
		for len(queue) > 0 {
			key := queue[len(queue)-1]
			queue = queue[:len(queue)-1]
			if _, done := out[key]; done {
				continue
			}
			out[key] = scope
			queue = append(queue, next[key]...)
		}
	}
	return out
}

// npmGraph reads package-lock.json: the "packages" map of lockfile v2/v3,
// else the nested "dependencies" of v1.
func npmGraph(data []byte) *graph {
	doc, err := decodeNPMLock(data)
	if err != nil {
		return nil
	}
	return npmGraphOf(doc)
}

// npmGraphOf builds the graph of a decoded lock. A dependency resolves as
// Node does: the nearest node_modules up the installing package's path.
func npmGraphOf(lock *npmLockDoc) *graph {
	type entry = npmLockPackage
	g := &graph{local: map[string]bool{}}
	if lock.Packages == nil {
		npmV1(lock.v1, nil, g, 0)
		return g
	}
	nameOf := func(key string, e entry) string {
		if i := strings.LastIndex(key, "node_modules/"); i >= 0 {
			return key[i+len("node_modules/"):]
		}
		if e.Name != "" {
			return e.Name
		}
		return path.Base(key)
	}
	for key, e := range lock.Packages {
		if key != "" && !strings.Contains(key, "node_modules/") {
			g.local[normName(nameOf(key, e))+"@"+e.Version] = true // a workspace member
		}
		if e.Link {
			if t, ok := lock.Packages[e.Resolved]; ok {
				g.local[normName(nameOf(key, e))+"@"+t.Version] = true
			}
		}
	}
	for key, e := range lock.Packages {
		if !strings.Contains(key, "node_modules/") || e.Link {
			continue
		}
		from := nameOf(key, e)
		for _, deps := range []map[string]string{e.Dependencies, e.OptionalDependencies, e.PeerDependencies} {
			for dep := range deps {
				if len(g.edges) >= maxEdges {
					return g
				}
				if t, ok := npmResolve(lock.Packages, key, dep); ok {
					g.edges = append(g.edges, rawEdge{from, e.Version, dep, t.Version})
				}
			}
		}
	}
	return g
}

// npmResolve finds the copy of dep that the package at key loads.
func npmResolve[E any](pkgs map[string]E, key, dep string) (E, bool) {
	dir := key
	for {
		if e, ok := pkgs[dir+"/node_modules/"+dep]; ok {
			return e, true
		}
		i := strings.LastIndex(dir, "/node_modules/")
		if i < 0 {
			break
		}
		dir = dir[:i]
	}
	e, ok := pkgs["node_modules/"+dep]
	return e, ok
}

// npmV1 walks lockfile v1's nested dependencies; scopes is the chain of
// enclosing dependency maps, innermost last.
func npmV1(deps map[string]npmLockV1Entry, scopes []map[string]string, g *graph, depth int) {
	if depth > npmLockMaxDepth || len(deps) == 0 {
		return
	}
	versions := make(map[string]string, len(deps))
	for name, e := range deps {
		versions[name] = e.Version
	}
	scopes = append(scopes, versions)
	for name, e := range deps {
		// Nested copies shadow outer ones for this package's requires.
		inner := scopes
		if len(e.Dependencies) > 0 {
			own := make(map[string]string, len(e.Dependencies))
			for n, x := range e.Dependencies {
				own[n] = x.Version
			}
			inner = append(slices.Clip(scopes), own)
		}
		for req := range e.Requires {
			for i := len(inner) - 1; i >= 0; i-- {
				if v, ok := inner[i][req]; ok {
					if len(g.edges) < maxEdges {
						g.edges = append(g.edges, rawEdge{name, e.Version, req, v})
					}
					break
				}
			}
		}
		npmV1(e.Dependencies, scopes, g, depth+1)
	}
}

// cargoGraph reads Cargo.lock: each [[package]] lists "name", "name
// version" or "name version (source)" dependencies. Packages without a
// source are workspace members or path crates, built from the tree.
func cargoGraph(data []byte) *graph {
	var lock struct {
		Package []struct {
			Name         string   `toml:"name"`
			Version      string   `toml:"version"`
			Source       string   `toml:"source"`
			Dependencies []string `toml:"dependencies"`
		} `toml:"package"`
	}
	if _, err := toml.Decode(string(data), &lock); err != nil {
		return nil
	}
	g := &graph{local: map[string]bool{}}
	for _, p := range lock.Package {
		if p.Source == "" {
			g.local[normName(p.Name)+"@"+p.Version] = true
		}
		for _, d := range p.Dependencies {
			if len(g.edges) >= maxEdges {
				return g
			}
			fields := strings.Fields(d)
			if len(fields) == 0 {
				continue
			}
			e := rawEdge{fromName: p.Name, fromVersion: p.Version, toName: fields[0]}
			if len(fields) > 1 {
				e.toVersion = fields[1]
			}
			g.edges = append(g.edges, e)
		}
	}
	return g
}

// composerGraph reads composer.lock: one version per package name, so a
// requirement names its target; platform requirements (php, ext-*) are no
// packages.
func composerGraph(data []byte) *graph {
	type pkg struct {
		Name    string            `json:"name"`
		Version string            `json:"version"`
		Require map[string]string `json:"require"`
	}
	var lock struct {
		Packages    []pkg `json:"packages"`
		PackagesDev []pkg `json:"packages-dev"`
	}
	if json.Unmarshal(data, &lock) != nil {
		return nil
	}
	g := &graph{}
	for _, p := range append(lock.Packages, lock.PackagesDev...) {
		for req := range p.Require {
			if !strings.Contains(req, "/") || len(g.edges) >= maxEdges {
				continue
			}
			g.edges = append(g.edges, rawEdge{fromName: p.Name, toName: req})
		}
	}
	return g
}

// poetryGraph reads poetry.lock's [package.dependencies] tables.
func poetryGraph(data []byte) *graph {
	var lock struct {
		Package []struct {
			Name         string         `toml:"name"`
			Version      string         `toml:"version"`
			Dependencies map[string]any `toml:"dependencies"`
		} `toml:"package"`
	}
	if _, err := toml.Decode(string(data), &lock); err != nil {
		return nil
	}
	g := &graph{}
	for _, p := range lock.Package {
		for d := range p.Dependencies {
			if len(g.edges) >= maxEdges {
				return g
			}
			g.edges = append(g.edges, rawEdge{fromName: p.Name, fromVersion: p.Version, toName: d})
		}
	}
	return g
}

// uvGraph reads uv.lock: dependencies (and optional and dev groups) name
// their target, with a version when several are locked. Editable,
// virtual, directory and path sources are the project and its workspace.
func uvGraph(data []byte) *graph {
	type dep struct {
		Name    string `toml:"name"`
		Version string `toml:"version"`
	}
	var lock struct {
		Package []struct {
			Name                 string           `toml:"name"`
			Version              string           `toml:"version"`
			Source               map[string]any   `toml:"source"`
			Dependencies         []dep            `toml:"dependencies"`
			OptionalDependencies map[string][]dep `toml:"optional-dependencies"`
			DevDependencies      map[string][]dep `toml:"dev-dependencies"`
		} `toml:"package"`
	}
	if _, err := toml.Decode(string(data), &lock); err != nil {
		return nil
	}
	g := &graph{local: map[string]bool{}}
	for _, p := range lock.Package {
		for _, k := range []string{"editable", "virtual", "directory", "path"} {
			if _, ok := p.Source[k]; ok {
				g.local[normName(p.Name)+"@"+p.Version] = true
			}
		}
		all := slices.Clone(p.Dependencies)
		for _, m := range []map[string][]dep{p.OptionalDependencies, p.DevDependencies} {
			for _, list := range m {
				all = append(all, list...)
			}
		}
		for _, d := range all {
			if len(g.edges) >= maxEdges {
				return g
			}
			g.edges = append(g.edges, rawEdge{p.Name, p.Version, d.Name, d.Version})
		}
	}
	return g
}
