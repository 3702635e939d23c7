package deps

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/parse/ciyaml"
)

// maxYAMLDocuments bounds the documents read from one YAML lockfile: pnpm
// writes one, or two when it also locks its own configuration.
const maxYAMLDocuments = 4

// yamlDocuments decodes the documents of a lockfile, each checked against
// the alias, depth and node bounds of ciyaml. A document that fails ends
// the reading; those before it are kept.
func yamlDocuments(data []byte) []*yaml.Node {
	var out []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for range maxYAMLDocuments {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) || err != nil || ciyaml.Check(&doc) != nil {
			break
		}
		root := &doc
		if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
			root = root.Content[0]
		}
		if root = ciyaml.Resolve(root); root != nil && root.Kind == yaml.MappingNode {
			out = append(out, root)
		}
	}
	return out
}

// yamlPairs calls fn for each key and value of a mapping, aliases
// resolved; fn returns false to stop.
func yamlPairs(n *yaml.Node, fn func(key string, v *yaml.Node) bool) {
	n = ciyaml.Resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := ciyaml.Resolve(n.Content[i]), ciyaml.Resolve(n.Content[i+1])
		if k == nil || v == nil || k.Kind != yaml.ScalarNode {
			continue
		}
		if !fn(k.Value, v) {
			return
		}
	}
}

// yamlGet returns the value of key in a mapping, nil when absent.
func yamlGet(n *yaml.Node, key string) *yaml.Node {
	var out *yaml.Node
	yamlPairs(n, func(k string, v *yaml.Node) bool {
		if k == key {
			out = v
			return false
		}
		return true
	})
	return out
}

// yamlScalar returns the text of a scalar value, "" otherwise.
func yamlScalar(n *yaml.Node) string {
	n = ciyaml.Resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// pnpmDepGroups are the maps of a pnpm package or importer naming what it
// requires, with the scope each gives. Peer dependencies are resolved by
// pnpm into the dependencies map of the snapshot that needs them.
var pnpmDepGroups = []struct{ key, scope string }{
	{"dependencies", Runtime},
	{"optionalDependencies", Optional},
	{"devDependencies", Dev},
}

// nameVersion is a package as a lockfile key names it.
type nameVersion struct{ name, version string }

// pnpmGraph reads pnpm-lock.yaml, lockfile versions 5.x, 6.x and 9.x.
//
// Packages are keyed "/name/1.0.0_peer@2" (5.x), "/name@1.0.0(peer@2)"
// (6.x) or "name@1.0.0" with the peer-resolved copies under "snapshots:"
// as "name@1.0.0(peer@2)" (9.x). A dependency map gives, per name, the
// key's tail ("1.0.0(peer@2)"), a whole key for an aliased package, or
// "link:dir" for a workspace member. Importers (or, before workspaces,
// the top-level maps) list what each project of the repository requires.
func pnpmGraph(data []byte) *graph {
	g := &graph{local: map[string]bool{}}
	for _, doc := range yamlDocuments(data) {
		pnpmDocument(doc, g)
	}
	return g
}

func pnpmDocument(doc *yaml.Node, g *graph) {
	lockVersion, _ := strconv.ParseFloat(strings.Trim(yamlScalar(yamlGet(doc, "lockfileVersion")), "'\""), 64)
	// From 9.0 the lockfile no longer marks dev packages.
	g.graphScopes = g.graphScopes || lockVersion >= 9
	packages, snapshots := yamlGet(doc, "packages"), yamlGet(doc, "snapshots")
	entries := map[string]nameVersion{}
	// Entries whose key carries no usable version name it in fields, as
	// OSV-SCALIBR's extractor reads them; snapshots take over the fields
	// of the package they are a copy of.
	fields := func(key string, v *yaml.Node) nameVersion {
		nv := pnpmKey(key, lockVersion)
		if base, ok := entries[pnpmBase(key)]; ok {
			nv = base
		}
		if n := yamlScalar(yamlGet(v, "name")); n != "" {
			nv.name = n
		}
		if ver := yamlScalar(yamlGet(v, "version")); ver != "" {
			nv.version = ver
		}
		return nv
	}
	for _, section := range []*yaml.Node{packages, snapshots} {
		yamlPairs(section, func(key string, v *yaml.Node) bool {
			if len(entries) >= maxEdges {
				return false
			}
			nv := fields(key, v)
			entries[key] = nv
			if yamlScalar(yamlGet(yamlGet(v, "resolution"), "directory")) != "" {
				g.local[normName(nv.name)+"@"+nv.version] = true // a directory of the repository
			}
			return true
		})
	}
	resolve := func(name, ref string) (nameVersion, bool) {
		if ref == "" || strings.HasPrefix(ref, "link:") {
			return nameVersion{}, false // a workspace member: the product
		}
		for _, key := range []string{name + "@" + ref, "/" + name + "@" + ref, "/" + name + "/" + ref, ref, "/" + ref} {
			if nv, ok := entries[key]; ok {
				return nv, true
			}
		}
		// Not listed under its own key: a path whose package the lockfile
		// omits. Read what the reference names and let the match decide.
		base := pnpmBase(ref)
		if lockVersion < 6 {
			base, _, _ = strings.Cut(base, "_")
		}
		switch {
		case strings.HasPrefix(base, "/"):
			nv := pnpmKey(base, lockVersion)
			return nv, nv.name != ""
		case strings.Contains(strings.TrimPrefix(base, "@"), "@"): // 9.x alias: real@1.0.0
			nv := pnpmKey(base, 9)
			return nv, nv.name != ""
		}
		return nameVersion{name, base}, true
	}
	depsOf := func(v *yaml.Node, fn func(name, ref, scope string) bool) {
		for _, grp := range pnpmDepGroups {
			yamlPairs(yamlGet(v, grp.key), func(name string, spec *yaml.Node) bool {
				ref := yamlScalar(spec)
				if spec.Kind == yaml.MappingNode { // 6.x and 9.x importers: {specifier, version}
					ref = yamlScalar(yamlGet(spec, "version"))
				}
				return fn(name, ref, grp.scope)
			})
		}
	}
	for _, section := range []*yaml.Node{packages, snapshots} {
		yamlPairs(section, func(key string, v *yaml.Node) bool {
			from := entries[key]
			if from.name == "" {
				return true
			}
			ok := true
			depsOf(v, func(name, ref, _ string) bool {
				if len(g.edges) >= maxEdges {
					ok = false
					return false
				}
				if to, found := resolve(name, ref); found {
					g.edges = append(g.edges, rawEdge{from.name, from.version, to.name, to.version})
				}
				return true
			})
			return ok
		})
	}
	direct := func(importer *yaml.Node) {
		g.rootKnown = true
		depsOf(importer, func(name, ref, scope string) bool {
			if len(g.direct) >= maxEdges {
				return false
			}
			if to, ok := resolve(name, ref); ok {
				g.direct = append(g.direct, directDep{to.name, to.version, scope})
			}
			return true
		})
	}
	if importers := yamlGet(doc, "importers"); importers != nil {
		yamlPairs(importers, func(_ string, v *yaml.Node) bool {
			direct(v)
			return true
		})
	} else if packages != nil || yamlGet(doc, "dependencies") != nil {
		direct(doc) // a single project: its maps are at the top level
	}
}

// pnpmBase cuts the peer suffix off a key or reference: "(peer@2)" since
// 6.x, "_peer@2" before.
func pnpmBase(s string) string {
	if i := strings.IndexByte(s, '('); i > 0 {
		s = s[:i]
	}
	return s
}

// pnpmKey reads the name and version a pnpm package key spells; the
// version is "" when the key does not carry one (file:, git and tarball
// packages name theirs in fields).
func pnpmKey(key string, lockVersion float64) nameVersion {
	key = pnpmBase(strings.Trim(key, "'\""))
	if strings.HasPrefix(key, "file:") {
		return nameVersion{}
	}
	rest, slash := strings.CutPrefix(key, "/")
	if !slash || lockVersion >= 6 || !strings.Contains(strings.TrimPrefix(rest, "@"), "/") && strings.Contains(strings.TrimPrefix(rest, "@"), "@") {
		// name@version: the separator is the first @ after a scope's.
		scoped := strings.HasPrefix(rest, "@")
		name, version, ok := strings.Cut(strings.TrimPrefix(rest, "@"), "@")
		if !ok {
			return nameVersion{}
		}
		if scoped {
			name = "@" + name
		}
		return nameVersion{name, version}
	}
	// 5.x: /name/version or /@scope/name/version, peers after "_".
	parts := strings.Split(rest, "/")
	n := 1
	if strings.HasPrefix(parts[0], "@") {
		n = 2
	}
	if len(parts) <= n {
		return nameVersion{}
	}
	version, _, _ := strings.Cut(parts[n], "_")
	return nameVersion{strings.Join(parts[:n], "/"), version}
}
