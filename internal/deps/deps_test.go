package deps

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/modfile"

	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/testutil/golden"
	"github.com/assaysec/assay/internal/testutil/treetest"
)

// extractorByFolder maps the corpus folder of scalibr's fixtures to the
// extractor they exercise; the fixture names are arbitrary, so the folder
// picks the parser as osv-scanner's --lockfile=TYPE:PATH would.
func extractorByFolder(p string) (string, bool) {
	parts := strings.Split(p, "/")
	if len(parts) < 4 || parts[0] != "osv-scalibr" {
		return "", false
	}
	name := parts[2]
	for _, f := range formats() {
		if path.Base(f.ex.Name()) == name {
			return f.ex.Name(), true
		}
	}
	return "", false
}

// TestCorpus extracts every lockfile fixture and compares a summary with
// the golden file: the package count and each name@version (relation,
// scope, line) or the error.
func TestCorpus(t *testing.T) {
	root := filepath.Join("testdata", "lockfiles")
	var b strings.Builder
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if strings.HasSuffix(rel, "MANIFEST.tsv") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		exName, ok := extractorByFolder(rel)
		// osv-scanner's fixtures are named for its --lockfile flag; pick
		// the parser the name ends with, as that flag does.
		for suffix, name := range map[string]string{"package-lock.json": "javascript/packagelockjson", "yarn.lock": "javascript/yarnlock", "replace-local.mod": "go/gomod"} {
			if !ok && strings.HasSuffix(rel, suffix) && strings.HasPrefix(rel, "osv-scanner/") {
				exName, ok = name, true
			}
		}
		var exs []format
		for _, f := range formats() {
			if ok && f.ex.Name() == exName || !ok && f.ex.FileRequired(fileAPI{p: rel, size: int64(len(data))}) {
				exs = append(exs, f)
			}
		}
		if len(exs) == 0 {
			fmt.Fprintf(&b, "%s: unsupported\n", rel)
			return nil
		}
		tree, err := source.OpenTree(filepath.Dir(p))
		if err != nil {
			return err
		}
		defer tree.Close()
		pkgs, err := Extract(context.Background(), exs[0].ex, &treeFS{t: tree}, path.Base(rel), data)
		if err != nil {
			fmt.Fprintf(&b, "%s [%s]: error\n", rel, exs[0].ex.Name())
			return nil
		}
		fmt.Fprintf(&b, "%s [%s]: %d packages\n", rel, exs[0].ex.Name(), len(pkgs))
		for _, pk := range pkgs {
			// scalibr picks among nested npm copies in map order, so the
			// exact line can vary between runs; record only that one is known.
			fmt.Fprintf(&b, "  %s %s@%s %s %s scope=%s line=%v\n", pk.Ecosystem, pk.Name, pk.Version, pk.PURL, pk.Relation, pk.Scope, pk.Line > 0)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "lockfiles.golden"), []byte(b.String()))
}

// TestScanTree checks discovery by file name, direct/transitive marking,
// and integrity counting on a small tree.
func TestScanTree(t *testing.T) {
	tree := openFiles(t, map[string]string{
		"go.mod":                     "module example.com/m\n\ngo 1.22\n\nrequire (\n\tgolang.org/x/sys v0.1.0\n\tgolang.org/x/text v0.3.0 // indirect\n)\n",
		"go.sum":                     "golang.org/x/sys v0.1.0 h1:abc=\ngolang.org/x/sys v0.1.0/go.mod h1:def=\n",
		"testdata/package-lock.json": `{"lockfileVersion":3,"packages":{"node_modules/x":{"version":"1.0.0"}}}`,
	})
	inv := Scan(context.Background(), tree, Options{})
	if len(inv.Files) != 1 {
		t.Fatalf("files = %+v, want only go.mod (testdata skipped)", inv.Files)
	}
	got := map[string]string{}
	for _, p := range inv.Files[0].Packages {
		got[p.Name] = p.Relation
	}
	want := map[string]string{"golang.org/x/sys": Direct, "golang.org/x/text": Transitive, "stdlib": ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("relations (-want +got):\n%s", diff)
	}
	// The go directive is the oldest Go accepted, so only stdlib is a floor.
	floors := map[string]bool{}
	for _, p := range inv.Files[0].Packages {
		floors[p.Name] = p.Floor
	}
	if diff := cmp.Diff(map[string]bool{"golang.org/x/sys": false, "golang.org/x/text": false, "stdlib": true}, floors); diff != "" {
		t.Errorf("floors (-want +got):\n%s", diff)
	}
	if in := inv.Files[0].Integrity; in.Hashed != 1 || in.Total != 2 {
		t.Errorf("integrity = %+v, want 1 of 2 in go.sum", in)
	}
	if all := Scan(context.Background(), tree, Options{All: true}); len(all.Files) != 2 {
		t.Errorf("with All: %d files, want 2", len(all.Files))
	}
}

func TestFromPURL(t *testing.T) {
	tests := []struct{ in, eco, name, version string }{
		{"pkg:npm/%40babel/core@7.0.0", "npm", "@babel/core", "7.0.0"},
		{"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"},
		{"pkg:golang/golang.org/x/net@v0.1.0", "Go", "golang.org/x/net", "v0.1.0"},
		{"pkg:deb/debian/zlib@1.2.11?distro=debian-11", "Debian:11", "zlib", "1.2.11"},
		{"pkg:apk/alpine/zlib@1.2.11-r3?distro=alpine-3.16.2", "Alpine:v3.16", "zlib", "1.2.11-r3"},
		{"pkg:composer/league/flysystem@1.0.8", "Packagist", "league/flysystem", "1.0.8"},
	}
	for _, tc := range tests {
		p, ok := FromPURL(tc.in)
		if !ok || p.Ecosystem != tc.eco || p.Name != tc.name || p.Version != tc.version {
			t.Errorf("FromPURL(%q) = %+v, %v; want %s %s %s", tc.in, p, ok, tc.eco, tc.name, tc.version)
		}
	}
}

func TestGoStdlibFloor(t *testing.T) {
	tests := []struct {
		name string
		p    Package
		want bool
	}{
		{"go.mod stdlib", Package{Ecosystem: "Go", Name: "stdlib", Version: "1.15", Path: "go.mod"}, true},
		{"nested go.mod stdlib", Package{Ecosystem: "Go", Name: "stdlib", Version: "1.22", Path: "tools/go.mod"}, true},
		{"go.mod module", Package{Ecosystem: "Go", Name: "golang.org/x/sys", Version: "0.1.0", Path: "go.mod"}, false},
		// An SBOM records the stdlib a binary was built with: a pin.
		{"sbom stdlib", Package{Ecosystem: "Go", Name: "stdlib", Version: "1.22.3", Path: "bom.cdx.json"}, false},
		{"npm stdlib", Package{Ecosystem: "npm", Name: "stdlib", Version: "1.0.0", Path: "go.mod"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := GoStdlibFloor(tt.p); got != tt.want {
				t.Errorf("GoStdlibFloor(%+v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

// A replace directive changes what go.sum must hold: nothing for a module
// built from a directory of the tree (which is no component either), the
// replacement's hash for a module swapped for another.
func TestGoSumIntegrityReplacements(t *testing.T) {
	const sum = "golang.org/x/sys v0.1.0 h1:abc=\n" +
		"example.com/fork v1.5.0 h1:fff=\n" +
		"example.com/pinned v2.0.0 h1:ppp=\n"
	tests := []struct {
		name     string
		gomod    string
		want     Integrity
		wantNote bool
	}{
		{
			name:  "no replace",
			gomod: "module m\n\nrequire (\n\tgolang.org/x/sys v0.1.0\n\texample.com/parent v1.2.0\n)\n",
			want:  Integrity{Method: "go.sum", Hashed: 1, Total: 2},
		},
		{
			name:     "parent module replaced by a directory",
			gomod:    "module m/sub\n\nreplace example.com/parent => ../\n\nrequire (\n\tgolang.org/x/sys v0.1.0\n\texample.com/parent v1.2.0\n)\n",
			want:     Integrity{Method: "go.sum", Hashed: 1, Total: 1},
			wantNote: true,
		},
		{
			name:  "replaced by another module",
			gomod: "module m\n\nreplace example.com/parent => example.com/fork v1.5.0\n\nrequire (\n\tgolang.org/x/sys v0.1.0\n\texample.com/parent v1.2.0\n)\n",
			want:  Integrity{Method: "go.sum", Hashed: 2, Total: 2},
		},
		{
			name:  "versioned replace wins over unversioned",
			gomod: "module m\n\nreplace example.com/parent => ../\n\nreplace example.com/parent v1.2.0 => example.com/pinned v2.0.0\n\nrequire example.com/parent v1.2.0\n",
			want:  Integrity{Method: "go.sum", Hashed: 1, Total: 1},
		},
		{
			name:  "replace of another version does not apply",
			gomod: "module m\n\nreplace example.com/parent v1.0.0 => ../\n\nrequire example.com/parent v1.2.0\n",
			want:  Integrity{Method: "go.sum", Hashed: 0, Total: 1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := scanFiles(t, map[string]string{"go.mod": tc.gomod, "go.sum": sum})
			if len(inv.Files) != 1 {
				t.Fatalf("files = %+v, want go.mod", inv.Files)
			}
			got := inv.Files[0].Integrity
			var names []string
			for _, p := range inv.Files[0].Packages {
				if modfile.IsDirectoryPath(p.Name) {
					names = append(names, p.Name)
				}
			}
			if len(names) > 0 {
				t.Errorf("directories listed as components: %v", names)
			}
			if (got.Note != "") != tc.wantNote {
				t.Errorf("note = %q, want note: %v", got.Note, tc.wantNote)
			}
			got.Note = ""
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("integrity (-want +got):\n%s", diff)
			}
		})
	}
}

// openFiles writes files (paths relative to a new directory) and opens
// the tree they make.
func openFiles(t *testing.T, files map[string]string) *source.Tree {
	t.Helper()
	tree, err := source.OpenTree(treetest.Write(t, files))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tree.Close() })
	return tree
}

// scanFiles scans the tree openFiles makes of files.
func scanFiles(t *testing.T, files map[string]string) *Inventory {
	t.Helper()
	return Scan(context.Background(), openFiles(t, files), Options{})
}
