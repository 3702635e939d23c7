package deps

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yarnEntry is one resolved package of a yarn.lock: every spec
// ("name@range") that resolved to it, and the specs it requires in turn.
type yarnEntry struct {
	specs     []string
	name      string
	version   string
	workspace bool        // a workspace or directory of the repository: the product's own code
	deps      [][2]string // name, range
}

// yarnGraph reads yarn.lock, classic (v1) or berry (v2 and later, whose
// "__metadata:" block marks YAML). A requirement is a range, resolved to
// the entry that lists name@range among its specs, as yarn does.
// manifest is the package.json beside the lockfile: its requirements,
// resolved the same way, and berry's workspace entries are the
// product's direct dependencies.
func yarnGraph(data, manifest []byte) *graph {
	var entries []yarnEntry
	if bytes.HasPrefix(data, []byte("__metadata:")) || bytes.Contains(data, []byte("\n__metadata:")) {
		entries = yarnBerry(data)
	} else {
		entries = yarnClassic(data)
	}
	bySpec := map[string]int{}
	for i := range entries {
		entries[i].workspace = entries[i].workspace || yarnLocal(entries[i].specs)
	}
	for i, e := range entries {
		for _, s := range e.specs {
			bySpec[s] = i
		}
	}
	resolve := func(name, rng string) (*yarnEntry, bool) {
		// Berry keys carry the protocol ("npm:^1.0.0") that older berry
		// lockfiles leave out of the requirement.
		for _, spec := range []string{name + "@" + rng, name + "@npm:" + rng} {
			if i, ok := bySpec[spec]; ok {
				return &entries[i], true
			}
		}
		return nil, false
	}
	g := &graph{local: map[string]bool{}, graphScopes: true}
	addDirect := func(name, rng, scope string) {
		if to, ok := resolve(name, rng); ok && !to.workspace && len(g.direct) < maxEdges {
			g.direct = append(g.direct, directDep{to.name, to.version, scope})
		}
	}
	if m, ok := npmManifest(manifest); ok {
		g.rootKnown = true
		for _, grp := range m {
			for name, rng := range grp.deps {
				addDirect(name, rng, grp.scope)
			}
		}
	}
	for _, e := range entries {
		if e.workspace {
			g.local[normName(e.name)+"@"+e.version] = true
			g.rootKnown = true
			for _, d := range e.deps {
				// Berry merges a workspace's dev and runtime requirements, and a
				// local directory's requirements are the product's own.
				addDirect(d[0], d[1], "")
			}
			continue
		}
		for _, d := range e.deps {
			if len(g.edges) >= maxEdges {
				return g
			}
			if to, ok := resolve(d[0], d[1]); ok && !to.workspace {
				g.edges = append(g.edges, rawEdge{e.name, e.version, to.name, to.version})
			}
		}
	}
	return g
}

// yarnLocal says whether an entry is a directory of the repository: a
// spec with the link:, portal:, workspace: protocol, or file: naming no
// archive.
func yarnLocal(specs []string) bool {
	for _, spec := range specs {
		i := strings.IndexByte(strings.TrimPrefix(spec, "@"), '@')
		if i < 0 {
			continue
		}
		rng := strings.TrimPrefix(spec, "@")[i+1:]
		switch {
		case strings.HasPrefix(rng, "link:"), strings.HasPrefix(rng, "portal:"), strings.HasPrefix(rng, "workspace:"):
			return true
		case strings.HasPrefix(rng, "file:"):
			p, _, _ := strings.Cut(rng, "#")
			if !strings.HasSuffix(p, ".tgz") && !strings.HasSuffix(p, ".tar.gz") && !strings.HasSuffix(p, ".tar") {
				return true
			}
		}
	}
	return false
}

// manifestGroup is one requirement map of a package.json.
type manifestGroup struct {
	scope string
	deps  map[string]string
}

// npmManifest reads a package.json's requirement maps, runtime first.
func npmManifest(data []byte) ([]manifestGroup, bool) {
	if data == nil {
		return nil, false
	}
	var pkg struct {
		Dependencies         map[string]any `json:"dependencies"`
		OptionalDependencies map[string]any `json:"optionalDependencies"`
		DevDependencies      map[string]any `json:"devDependencies"`
	}
	if json.Unmarshal(data, &pkg) != nil {
		return nil, false
	}
	var out []manifestGroup
	for _, grp := range []struct {
		scope string
		m     map[string]any
	}{{Runtime, pkg.Dependencies}, {Optional, pkg.OptionalDependencies}, {Dev, pkg.DevDependencies}} {
		mg := manifestGroup{scope: grp.scope, deps: map[string]string{}}
		for name, v := range grp.m {
			if s, ok := v.(string); ok {
				mg.deps[name] = s
			}
		}
		out = append(out, mg)
	}
	return out, true
}

// yarnEntryName is the package an entry resolves to, read from its first
// spec as OSV-SCALIBR's extractor reads it, so the two agree: the name
// before the version's @, or the aliased package of "alias@npm:real@1".
func yarnEntryName(spec string) string {
	scoped := strings.HasPrefix(spec, "@")
	name, right, _ := strings.Cut(strings.TrimPrefix(spec, "@"), "@")
	if real, ok := strings.CutPrefix(right, "npm:"); ok && strings.Contains(real, "@") {
		return yarnEntryName(real)
	}
	if scoped {
		name = "@" + name
	}
	return name
}

// yarnSpecs splits an entry's key, "a@^1, a@~1.2" with each spec maybe
// quoted, into its specs.
func yarnSpecs(key string) []string {
	var out []string
	for _, s := range strings.Split(key, ",") {
		s = strings.TrimSpace(s)
		if u, err := strconv.Unquote(s); err == nil {
			s = u
		}
		s = strings.Trim(s, `"`)
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// yarnWord splits a classic line into its first word, maybe quoted, and
// the rest.
func yarnWord(s string) (word, rest string) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, `"`) {
		if q, err := strconv.QuotedPrefix(s); err == nil {
			u, _ := strconv.Unquote(q)
			return u, strings.TrimSpace(s[len(q):])
		}
	}
	word, rest, _ = strings.Cut(s, " ")
	return word, strings.TrimSpace(rest)
}

func yarnUnquote(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return strings.Trim(s, `"`)
}

// yarnClassic reads a v1 lockfile: an unindented line of specs ending in
// ":" starts an entry; two-space lines are its fields ("version", and
// "dependencies:" / "optionalDependencies:" blocks), four-space lines a
// block's requirements. Nothing nests deeper.
func yarnClassic(data []byte) []yarnEntry {
	var out []yarnEntry
	var cur *yarnEntry
	inDeps := false
	requirements := 0
	for line := range bytes.Lines(data) {
		s := strings.TrimRight(string(line), "\r\n")
		t := strings.TrimSpace(s)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		indent := len(s) - len(strings.TrimLeft(s, " "))
		switch {
		case indent == 0:
			if len(out) >= maxEdges {
				return out
			}
			out = append(out, yarnEntry{specs: yarnSpecs(strings.TrimSuffix(t, ":"))})
			cur = &out[len(out)-1]
			if len(cur.specs) > 0 {
				cur.name = yarnEntryName(cur.specs[0])
			}
			inDeps = false
		case cur == nil:
			continue
		case indent <= 2:
			key, rest := yarnWord(t)
			inDeps = rest == "" && (key == "dependencies:" || key == "optionalDependencies:")
			if key == "version" {
				cur.version = yarnUnquote(rest)
			}
		case inDeps:
			name, rng := yarnWord(t)
			if name != "" && rng != "" && requirements < maxEdges {
				requirements++
				cur.deps = append(cur.deps, [2]string{name, yarnUnquote(rng)})
			}
		}
	}
	return out
}

// yarnBerry reads a berry lockfile, a YAML mapping from specs to entries.
func yarnBerry(data []byte) []yarnEntry {
	docs := yamlDocuments(data)
	if len(docs) == 0 {
		return nil
	}
	var out []yarnEntry
	requirements := 0
	yamlPairs(docs[0], func(key string, v *yaml.Node) bool {
		if key == "__metadata" {
			return true
		}
		if len(out) >= maxEdges {
			return false
		}
		e := yarnEntry{specs: yarnSpecs(key), version: yamlScalar(yamlGet(v, "version"))}
		if len(e.specs) == 0 {
			return true
		}
		e.name = yarnEntryName(e.specs[0])
		e.workspace = strings.Contains(yamlScalar(yamlGet(v, "resolution")), "@workspace:")
		for _, grp := range []string{"dependencies", "optionalDependencies"} {
			yamlPairs(yamlGet(v, grp), func(name string, rng *yaml.Node) bool {
				if requirements >= maxEdges {
					return false
				}
				if r := yamlScalar(rng); r != "" {
					requirements++
					e.deps = append(e.deps, [2]string{name, r})
				}
				return true
			})
		}
		out = append(out, e)
		return true
	})
	return out
}
