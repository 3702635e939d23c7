package deps

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/testutil/golden"
)

// scanAs scans a tree holding one fixture under the name its format is
// found by, with the given package.json beside it ("" for none).
func scanAs(t *testing.T, fixture, as, manifest string) File {
	t.Helper()
	data, err := os.ReadFile(filepath.FromSlash(fixture))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{as: string(data)}
	if manifest != "" {
		files["package.json"] = manifest
	}
	inv := scanFiles(t, files)
	if len(inv.Files) != 1 {
		t.Fatalf("%d files, want 1", len(inv.Files))
	}
	return inv.Files[0]
}

// short names a package key as name@version.
func short(key string) string {
	parts := strings.Split(key, "\x00")
	return parts[len(parts)-2] + "@" + parts[len(parts)-1]
}

// TestJSGraphCorpus reads the edges and direct dependencies of every pnpm
// and yarn lockfile of the corpus and compares them with the golden file.
func TestJSGraphCorpus(t *testing.T) {
	var b strings.Builder
	for _, dir := range []string{"osv-scalibr/javascript/pnpmlock", "osv-scalibr/javascript/yarnlock"} {
		files, err := filepath.Glob(filepath.Join("testdata", "lockfiles", filepath.FromSlash(dir), "*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range files {
			as := "pnpm-lock.yaml"
			if strings.Contains(dir, "yarn") {
				as = "yarn.lock"
			}
			b.WriteString(summarizeGraph(path.Join(dir, filepath.Base(p)), scanAs(t, filepath.ToSlash(p), as, "")))
		}
	}
	for _, p := range []string{"osv-scanner/locks-many/yarn.lock", "osv-scanner/locks-insecure/my-yarn.lock"} {
		b.WriteString(summarizeGraph(p, scanAs(t, "testdata/lockfiles/"+p, "yarn.lock", "")))
	}
	golden.Check(t, filepath.Join("testdata", "jsgraph.golden"), []byte(b.String()))
}

func summarizeGraph(name string, f File) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d packages, %d edges", name, len(f.Packages), len(f.Edges))
	if f.Err != "" {
		b.WriteString(" error")
	}
	b.WriteString("\n")
	for _, p := range f.Packages {
		if p.Relation != "" || p.Scope != "" {
			fmt.Fprintf(&b, "  %s@%s %s %s\n", p.Name, p.Version, p.Relation, p.Scope)
		}
	}
	for _, e := range f.Edges {
		fmt.Fprintf(&b, "  %s -> %s\n", short(e.From), short(e.To))
	}
	return b.String()
}

// TestJSGraphChains checks transitive chains and the product's direct
// dependencies in each pnpm lockfile version and in both yarn formats.
func TestJSGraphChains(t *testing.T) {
	const pnpm = "testdata/lockfiles/osv-scalibr/javascript/pnpmlock/"
	const yarn = "testdata/lockfiles/osv-scalibr/javascript/yarnlock/"
	tests := []struct {
		name, fixture, as, manifest string
		chains                      [][]string
		direct                      []string // name@version the product requires itself
		notPackage                  []string // workspace members, the product's own
	}{
		{"pnpm 5.3 peers", pnpm + "peer-dependencies-advanced.yaml", "pnpm-lock.yaml", "",
			[][]string{{"@typescript-eslint/eslint-plugin@5.13.0", "@typescript-eslint/type-utils@5.13.0", "@typescript-eslint/utils@5.13.0"}},
			// typescript is required but its entry was cut from the fixture.
			[]string{"@typescript-eslint/eslint-plugin@5.13.0", "@typescript-eslint/parser@5.13.0", "eslint@8.10.0"}, nil},
		{"pnpm 6.0 peers", pnpm + "peer-dependencies-advanced-v6.yaml", "pnpm-lock.yaml", "",
			[][]string{{"react-dom@18.3.0-canary-ab31a9ed2-20230824", "react@18.3.0-canary-ab31a9ed2-20230824", "loose-envify@1.4.0", "js-tokens@4.0.0"}},
			[]string{"react-dom@18.3.0-canary-ab31a9ed2-20230824"}, nil},
		{"pnpm 9.0 snapshots", pnpm + "peer-dependencies-advanced.v9.yaml", "pnpm-lock.yaml", "",
			[][]string{{"@typescript-eslint/eslint-plugin@5.62.0", "@typescript-eslint/type-utils@5.62.0", "@typescript-eslint/utils@5.62.0"}},
			[]string{"@typescript-eslint/eslint-plugin@5.62.0", "@typescript-eslint/parser@5.62.0", "eslint@8.57.0", "typescript@4.9.5"}, nil},
		{"yarn v1 local directories", yarn + "files.v1.lock", "yarn.lock", `{"dependencies":{"other_package":"file:./deps/other_package"}}`,
			// other_package is a directory of the repository: its requirements are the product's.
			nil, []string{"etag@1.8.1", "lodash@1.3.1"}, []string{"other_package@0.0.2", "filedep@1.2.0", "etag@1.8.0"}},
		{"yarn v1 ranges resolve by spec", "testdata/yarn/classic.lock", "yarn.lock", `{"dependencies":{"app-lib":"^1.0.0"},"devDependencies":{"b":"^2.0.0"}}`,
			[][]string{{"app-lib@1.2.0", "b@1.5.0", "c@3.0.1"}, {"b@2.1.0", "c@3.0.1"}, {"@scope/d@1.0.0", "alias-target@4.0.0"}}, []string{"app-lib@1.2.0", "b@2.1.0"}, nil},
		{"yarn berry ranges resolve by spec", "testdata/yarn/berry.lock", "yarn.lock", "",
			[][]string{{"app-lib@1.2.0", "b@1.5.0", "c@3.0.1"}, {"b@2.1.0", "c@3.0.1"}}, []string{"app-lib@1.2.0", "b@2.1.0"}, []string{"member@0.0.0-use.local"}},
		{"yarn berry workspaces", yarn + "exclude-root.v2.lock", "yarn.lock", "",
			nil, []string{"ansi-regex@6.1.0"}, []string{"@ws/ansi-regex@0.0.0-use.local"}},
		{"yarn berry aliases", yarn + "with-aliases.v2.lock", "yarn.lock", "",
			nil, []string{"ansi-regex@5.0.1", "ansi-regex@6.0.1", "@babel/helper-validator-identifier@7.22.20"}, nil},
		{"yarn v1 aliases through package.json", yarn + "with-aliases.v1.lock", "yarn.lock", `{"dependencies":{"ansi-regex":"^6.0.0"},"devDependencies":{"ansi-regex-cjs":"npm:ansi-regex@^5.0.0"}}`,
			nil, []string{"ansi-regex@5.0.1", "ansi-regex@6.0.1"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := scanAs(t, tc.fixture, tc.as, tc.manifest)
			edges := map[[2]string]bool{}
			for _, e := range f.Edges {
				edges[[2]string{short(e.From), short(e.To)}] = true
			}
			for _, c := range tc.chains {
				for i := 0; i+1 < len(c); i++ {
					if !edges[[2]string{c[i], c[i+1]}] {
						t.Errorf("no edge %s -> %s", c[i], c[i+1])
					}
				}
			}
			var direct, names []string
			for _, p := range f.Packages {
				names = append(names, p.Name+"@"+p.Version)
				if p.Relation == Direct {
					direct = append(direct, p.Name+"@"+p.Version)
				} else if p.Relation != Transitive {
					t.Errorf("%s@%s: relation %q, want direct or transitive", p.Name, p.Version, p.Relation)
				}
			}
			slices.Sort(direct)
			want := slices.Sorted(slices.Values(tc.direct))
			if tc.direct != nil && !slices.Equal(direct, want) {
				t.Errorf("direct = %v, want %v", direct, want)
			}
			for _, n := range tc.notPackage {
				if slices.Contains(names, n) {
					t.Errorf("%s is the product's own workspace, listed as a component", n)
				}
			}
		})
	}
}

// FuzzPnpmGraph feeds arbitrary bytes to the pnpm-lock.yaml edge reader:
// no panic, output within the bounds, resolvable against any file.
func FuzzPnpmGraph(f *testing.F) {
	for _, p := range []string{"peer-dependencies-advanced.yaml", "peer-dependencies-advanced-v6.yaml", "peer-dependencies-advanced.v9.yaml", "files.yaml", "commits.v9.yaml"} {
		if data, err := os.ReadFile(filepath.Join("testdata", "lockfiles", "osv-scalibr", "javascript", "pnpmlock", p)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("a: &a [*a, *a]\nb: &b [*a, *a, *a]\npackages: *b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkGraph(t, readGraph("javascript/pnpmlock", data, nil))
	})
}

// FuzzYarnGraph feeds arbitrary bytes to the yarn.lock edge reader, as
// the lockfile and as the package.json beside it.
func FuzzYarnGraph(f *testing.F) {
	for _, p := range []string{"lockfiles/osv-scalibr/javascript/yarnlock/files.v1.lock", "lockfiles/osv-scalibr/javascript/yarnlock/with-aliases.v2.lock", "lockfiles/osv-scalibr/javascript/yarnlock/exclude-root.v2.lock", "yarn/classic.lock", "yarn/berry.lock"} {
		if data, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(p))); err == nil {
			f.Add(data, []byte(`{"dependencies":{"app-lib":"^1.0.0"}}`))
		}
	}
	f.Fuzz(func(t *testing.T, data, manifest []byte) {
		checkGraph(t, readGraph("javascript/yarnlock", data, func(string) []byte { return manifest }))
		checkGraph(t, readGraph("javascript/yarnlock", manifest, func(string) []byte { return data }))
	})
}

func checkGraph(t *testing.T, g *graph) {
	t.Helper()
	if g == nil {
		return
	}
	if len(g.edges) > maxEdges || len(g.direct) > maxEdges {
		t.Fatalf("%d edges, %d direct: over the bound", len(g.edges), len(g.direct))
	}
	file := File{Packages: []Package{{Ecosystem: "npm", Name: "a", Version: "1.0.0"}, {Ecosystem: "npm", Name: "b", Version: "1.0.0"}}}
	applyGraph(&file, g)
	applyDirect(&file, g)
}

// TestJSGraphScopes checks that where the lockfile marks no dev packages
// (yarn, pnpm 9) each package takes the scope of the direct dependencies
// that reach it: runtime from any runtime one, else dev.
func TestJSGraphScopes(t *testing.T) {
	f := scanAs(t, "testdata/yarn/classic.lock", "yarn.lock", `{"dependencies":{"app-lib":"^1.0.0"},"devDependencies":{"b":"^2.0.0"}}`)
	got := map[string]string{}
	for _, p := range f.Packages {
		got[p.Name+"@"+p.Version] = p.Scope
	}
	want := map[string]string{"app-lib@1.2.0": Runtime, "b@1.5.0": Runtime, "c@3.0.1": Runtime, "@scope/d@1.0.0": Runtime, "alias-target@4.0.0": Runtime, "b@2.1.0": Dev}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("yarn scopes (-want +got):\n%s", diff)
	}
	f = scanAs(t, "testdata/lockfiles/osv-scalibr/javascript/pnpmlock/mixed-groups.v9.yaml", "pnpm-lock.yaml", "")
	got = map[string]string{}
	for _, p := range f.Packages {
		got[p.Name+"@"+p.Version] = p.Scope
	}
	want = map[string]string{"ansi-regex@5.0.1": Runtime, "is-number@7.0.0": Dev, "uuid@8.3.2": Optional}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pnpm 9 scopes (-want +got):\n%s", diff)
	}
}
