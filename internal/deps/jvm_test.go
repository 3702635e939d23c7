package deps

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/osv-scalibr/extractor/filesystem"

	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/testutil/golden"
)

// TestJVM scans a Gradle Kotlin-DSL build with a version catalog and a
// Maven multi-module build with an in-repository parent, and compares
// every file's packages, unresolved declarations and integrity with the
// golden file.
func TestJVM(t *testing.T) {
	for _, name := range []string{"gradle-kts", "maven-multi"} {
		t.Run(name, func(t *testing.T) {
			tree, err := source.OpenTree(filepath.Join("testdata", "jvm", name))
			if err != nil {
				t.Fatal(err)
			}
			defer tree.Close()
			golden.Check(t, filepath.Join("testdata", "jvm", name+".golden"), []byte(summarize(Scan(context.Background(), tree, Options{}))))
		})
	}
}

func summarize(inv *Inventory) string {
	var b strings.Builder
	for _, f := range inv.Files {
		fmt.Fprintf(&b, "%s [%s] %d packages", f.Path, f.Format, len(f.Packages))
		if f.Err != "" {
			fmt.Fprintf(&b, " error=%q", f.Err)
		}
		fmt.Fprintf(&b, " integrity=%q %d/%d", f.Integrity.Method, f.Integrity.Hashed, f.Integrity.Total)
		if e := f.Empty(); e != "" {
			fmt.Fprintf(&b, " empty=%q", e)
		}
		b.WriteString("\n")
		for _, p := range f.Packages {
			fmt.Fprintf(&b, "  %s@%s %s scope=%s relation=%s line=%d", p.Name, p.Version, p.PURL, p.Scope, p.Relation, p.Line)
			if p.Path != f.Path {
				fmt.Fprintf(&b, " in=%s", p.Path)
			}
			b.WriteString("\n")
		}
		for _, u := range f.Unresolved {
			fmt.Fprintf(&b, "  unresolved %s line=%d: %s\n", u.Name, u.Line, u.Reason)
		}
	}
	return b.String()
}

// FuzzGradle feeds arbitrary bytes to the catalog and build-script
// readers: neither may panic or run unbounded.
func FuzzGradle(f *testing.F) {
	for _, p := range []string{"gradle-kts/gradle/libs.versions.toml", "gradle-kts/app/build.gradle.kts", "gradle-kts/lib/build.gradle"} {
		if data, err := os.ReadFile(filepath.Join("testdata", "jvm", p)); err == nil {
			f.Add(data, false)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, asCatalog bool) {
		var ex filesystem.Extractor = buildExtractor{}
		name := "app/build.gradle.kts"
		if asCatalog {
			name, ex = "gradle/libs.versions.toml", catalogExtractor{}
		}
		if _, err := Extract(context.Background(), ex, nil, name, data); err != nil && !asCatalog {
			t.Fatalf("a build script never fails to parse: %v", err)
		}
		_, _ = parseCatalog(data)
	})
}

// FuzzPomRaw feeds arbitrary bytes to the raw pom reader.
func FuzzPomRaw(f *testing.F) {
	for _, p := range []string{"maven-multi/pom.xml", "maven-multi/core/pom.xml"} {
		if data, err := os.ReadFile(filepath.Join("testdata", "jvm", p)); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := readPomRaw(data)
		if len(r.deps) > maxDeclarations {
			t.Fatalf("%d dependencies, over the bound", len(r.deps))
		}
	})
}

// FuzzGraph feeds arbitrary bytes to every lockfile edge reader and
// resolves the result against an empty file: no panic, bounded output.
func FuzzGraph(f *testing.F) {
	for _, p := range []string{"lockfiles/osv-scalibr/javascript/packagelockjson/nested-dependencies.v2.json", "lockfiles/osv-scalibr/javascript/packagelockjson/nested-dependencies.v1.json", "lockfiles/osv-scanner/exp-plugins-pkgdeprecate/deprecated-novuln/Cargo.lock", "lockfiles/osv-scanner/locks-many/composer.lock", "lockfiles/osv-scalibr/python/uvlock/grouped-packages.lock", "lockfiles/osv-scalibr/python/poetrylock/multiple-packages.v2.lock"} {
		if data, err := os.ReadFile(filepath.Join("testdata", p)); err == nil {
			f.Add(data)
		}
	}
	formats := []string{"javascript/packagelockjson", "rust/cargolock", "php/composerlock", "python/poetrylock", "python/uvlock"}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range formats {
			g := readGraph(format, data, nil)
			if g != nil && len(g.edges) > maxEdges {
				t.Fatalf("%s: %d edges, over the bound", format, len(g.edges))
			}
			file := File{Packages: []Package{{Ecosystem: "npm", Name: "a", Version: "1.0.0"}, {Ecosystem: "npm", Name: "b", Version: "1.0.0"}}}
			applyGraph(&file, g)
		}
	})
}

// TestGradleConstraints: a constraint bounds a version and adds no
// component, so one named by an expression (a platform that lists the
// build's own subprojects) is no gap in the inventory, while constraints
// and dependencies with coordinates are still read.
func TestGradleConstraints(t *testing.T) {
	tests := []struct {
		name       string
		script     string
		packages   int
		unresolved int
	}{
		{"platform of own subprojects", "dependencies {\n  constraints {\n    rootProject.subprojects { subproject ->\n      api subproject\n    }\n  }\n}\n", 0, 0},
		{"constraint with coordinates", "dependencies {\n  constraints {\n    api(\"com.squareup.okio:okio:3.9.0\")\n  }\n}\n", 1, 0},
		{"expression after the block closes", "dependencies {\n  constraints {\n    api(\"a:b:1.0\")\n  }\n  implementation someLibrary\n}\n", 2, 1},
		{"expression outside constraints", "dependencies {\n  implementation someLibrary\n}\n", 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := run(context.Background(), buildExtractor{}, nil, "lib/build.gradle", []byte(tc.script))
			if err != nil {
				t.Fatal(err)
			}
			if len(r.pkgs)+len(r.unresolved) != tc.packages || len(r.unresolved) != tc.unresolved {
				t.Errorf("got %d packages and %d unresolved, want %d declarations of which %d unresolved: %+v %+v", len(r.pkgs), len(r.unresolved), tc.packages, tc.unresolved, r.pkgs, r.unresolved)
			}
		})
	}
}
