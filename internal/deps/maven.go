package deps

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/source"
)

// OSV-SCALIBR's pomxml extractor merges parents found in the repository
// (relativePath or ../pom.xml, with cycle detection and a depth limit),
// interpolates properties and applies dependencyManagement. What it does
// not do is say what it could not resolve: a dependency whose version
// property is defined nowhere it can see is dropped without a word, and
// one managed by an external parent comes back without a version. The raw
// reader here lists the direct dependencies as written, so those become
// Unresolved entries, and names the modules the repository builds itself.

// maxPoms bounds how many pom.xml files are read to learn the modules the
// repository builds.
const maxPoms = 2000

// pomDep is a <dependency> of a pom's own <dependencies>.
type pomDep struct {
	group, artifact, version, scope string
	line                            int
}

// pomRaw is what the raw reader takes from a pom.xml.
type pomRaw struct {
	group, artifact, version string
	parent                   struct{ group, artifact, version, relativePath string }
	hasRelativePath          bool
	properties               map[string]string
	deps                     []pomDep
}

// readPomRaw streams a pom.xml, keeping the coordinates of the project
// and its direct dependencies (not dependencyManagement, plugins or
// profiles). It is bounded by the token count and never fails: an
// unreadable pom yields what was read before the problem.
func readPomRaw(data []byte) pomRaw {
	out := pomRaw{properties: map[string]string{}}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var stack []string
	var text strings.Builder
	var cur *pomDep
	for n := 0; n < 500000; n++ {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			text.Reset()
			if strings.Join(stack, "/") == "project/dependencies/dependency" {
				cur = &pomDep{line: bytes.Count(data[:min(int(off), len(data))], []byte("\n")) + 1}
			}
		case xml.CharData:
			if text.Len() < 1024 {
				text.Write(t)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				break
			}
			where := strings.Join(stack, "/")
			v := strings.TrimSpace(text.String())
			if len(stack) == 3 && stack[1] == "properties" && len(out.properties) < 10000 {
				out.properties[stack[2]] = v
			}
			switch where {
			case "project/groupId":
				out.group = v
			case "project/artifactId":
				out.artifact = v
			case "project/version":
				out.version = v
			case "project/parent/groupId":
				out.parent.group = v
			case "project/parent/artifactId":
				out.parent.artifact = v
			case "project/parent/version":
				out.parent.version = v
			case "project/parent/relativePath":
				out.parent.relativePath, out.hasRelativePath = v, true
			case "project/dependencies/dependency/groupId":
				if cur != nil {
					cur.group = v
				}
			case "project/dependencies/dependency/artifactId":
				if cur != nil {
					cur.artifact = v
				}
			case "project/dependencies/dependency/version":
				if cur != nil {
					cur.version = v
				}
			case "project/dependencies/dependency/scope":
				if cur != nil {
					cur.scope = v
				}
			case "project/dependencies/dependency":
				if cur != nil && cur.group != "" && cur.artifact != "" && len(out.deps) < maxDeclarations {
					out.deps = append(out.deps, *cur)
				}
				cur = nil
			}
			stack = stack[:len(stack)-1]
			text.Reset()
		}
	}
	if out.group == "" {
		out.group = out.parent.group
	}
	if out.version == "" {
		out.version = out.parent.version
	}
	return out
}

// repoModules lists the group:artifact of every pom.xml in the tree: the
// modules the repository builds itself, which are the product, not
// third-party components.
func repoModules(t *source.Tree) map[string]bool {
	mods := map[string]bool{}
	if t == nil {
		return mods
	}
	n := 0
	for _, e := range t.Entries() {
		if path.Base(e.Path) != "pom.xml" || SkipDir(e.Path) {
			continue
		}
		if n++; n > maxPoms {
			break
		}
		data, err := t.ReadFile(e.Path, limits.MaxSmallFileSize)
		if err != nil {
			continue
		}
		if r := readPomRaw(data); r.group != "" && r.artifact != "" && !strings.Contains(r.group+r.artifact, "${") {
			mods[r.group+":"+r.artifact] = true
		}
	}
	return mods
}

// maxParents bounds the chain of in-repository parents followed.
const maxParents = 16

// pomProperties merges the properties of a pom and its in-repository
// parents, nearest first, with the project.* built-ins. It follows
// relativePath (default ../pom.xml) only to a pom whose coordinates match
// the declared parent, stops at a cycle or after maxParents.
func pomProperties(t *source.Tree, p string, raw pomRaw) map[string]string {
	props := map[string]string{}
	set := func(k, v string) {
		if _, ok := props[k]; !ok && v != "" {
			props[k] = v
		}
	}
	cur, curPath := raw, p
	seen := map[string]bool{p: true}
	for depth := 0; ; depth++ {
		for k, v := range cur.properties {
			set(k, v)
		}
		if depth == 0 {
			for _, pre := range []string{"project.", "pom.", ""} {
				set(pre+"version", cur.version)
				set(pre+"groupId", cur.group)
				set(pre+"artifactId", cur.artifact)
			}
			set("project.parent.version", cur.parent.version)
			set("project.parent.groupId", cur.parent.group)
		}
		if depth >= maxParents || t == nil || cur.parent.artifact == "" {
			break
		}
		rel := "../pom.xml"
		if cur.hasRelativePath {
			rel = cur.parent.relativePath
		}
		if rel == "" {
			break // an empty relativePath means: look in the repository, never the tree
		}
		next := path.Join(path.Dir(curPath), rel)
		if !strings.HasSuffix(next, ".xml") {
			next = path.Join(next, "pom.xml")
		}
		if seen[next] || strings.HasPrefix(next, "../") || !t.Exists(next) {
			break
		}
		seen[next] = true
		data, err := t.ReadFile(next, limits.MaxSmallFileSize)
		if err != nil {
			break
		}
		parent := readPomRaw(data)
		if parent.group != cur.parent.group || parent.artifact != cur.parent.artifact {
			break
		}
		cur, curPath = parent, next
	}
	return props
}

// interpolate substitutes ${name} from props, a few rounds deep for
// properties defined through others.
func interpolate(s string, props map[string]string) string {
	for range 8 {
		if !strings.Contains(s, "${") {
			return s
		}
		changed := false
		var b strings.Builder
		rest := s
		for {
			i := strings.Index(rest, "${")
			if i < 0 {
				b.WriteString(rest)
				break
			}
			j := strings.Index(rest[i:], "}")
			if j < 0 {
				b.WriteString(rest)
				break
			}
			name := rest[i+2 : i+j]
			b.WriteString(rest[:i])
			if v, ok := props[name]; ok {
				b.WriteString(v)
				changed = true
			} else {
				b.WriteString(rest[i : i+j+1])
			}
			rest = rest[i+j+1:]
		}
		s = b.String()
		if !changed || len(s) > 1024 {
			break
		}
	}
	return s
}

// annotatePom removes the repository's own modules from a pom's packages
// and recovers the direct dependencies the extractor dropped: it
// interpolates a pom before merging its parents, so a version property
// defined in an in-repository parent loses the dependency altogether.
func annotatePom(t *source.Tree, f *File, data []byte, modules map[string]bool) {
	kept := f.Packages[:0]
	for _, p := range f.Packages {
		if !modules[p.Name] {
			kept = append(kept, p)
		}
	}
	f.Packages = kept
	seen := map[string]bool{}
	for _, p := range f.Packages {
		seen[p.Name] = true
	}
	var unresolved []Unresolved
	for _, u := range f.Unresolved {
		if !modules[u.Name] {
			unresolved = append(unresolved, u)
			seen[u.Name] = true
		}
	}
	raw := readPomRaw(data)
	var props map[string]string
	for _, d := range raw.deps {
		name := d.group + ":" + d.artifact
		if seen[name] || d.scope == "import" {
			continue
		}
		if props == nil {
			props = pomProperties(t, f.Path, raw)
		}
		group, artifact, version := interpolate(d.group, props), interpolate(d.artifact, props), interpolate(d.version, props)
		name = group + ":" + artifact
		if seen[name] || modules[name] {
			continue
		}
		seen[name] = true
		if strings.Contains(name, "${") {
			unresolved = append(unresolved, Unresolved{Name: name, Line: d.line, Reason: "coordinates use a property not defined in the file or its in-repository parents"})
			continue
		}
		v, problem := mavenVersion(version)
		if strings.Contains(version, "${") {
			problem = fmt.Sprintf("version %s: the property is not defined in the file or its in-repository parents", d.version)
		}
		if problem != "" {
			unresolved = append(unresolved, Unresolved{Name: name, Line: d.line, Reason: problem})
			continue
		}
		pkg := Package{Ecosystem: "Maven", Name: name, Version: v, Path: f.Path, Line: d.line, Scope: Runtime,
			PURL: packageurl.NewPackageURL("maven", group, artifact, v, nil, "").ToString()}
		if d.scope == "test" {
			pkg.Scope = Dev
		}
		f.Packages = append(f.Packages, pkg)
	}
	slices.SortStableFunc(f.Packages, func(a, b Package) int {
		return strings.Compare(a.Name+"\x00"+a.Version, b.Name+"\x00"+b.Version)
	})
	f.Unresolved = unresolved
}

// mavenVersion accepts an exact version or the single version of a
// "[1.2.3]" requirement; ranges are chosen at build time.
func mavenVersion(v string) (string, string) {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]") && !strings.Contains(v, ",") {
		v = strings.Trim(v, "[]")
	}
	switch {
	case v == "":
		return "", "no version in the file or its in-repository parents (a parent or imported BOM outside the repository may manage it)"
	case v == "LATEST" || v == "RELEASE":
		return "", fmt.Sprintf("version %s is chosen at build time", v)
	}
	return pinnedVersion(v)
}
