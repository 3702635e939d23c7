package history

import (
	"context"
	"os"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/deps"
)

// full is what full extraction gives of a go.mod, reduced to what the
// history reads.
func full(t testing.TB, data []byte) map[string]deps.Package { return fullOf(t, "go.mod", data) }

func fullOf(t testing.TB, file string, data []byte) map[string]deps.Package {
	ex, ok := deps.ExtractorFor(file, int64(len(data)))
	if !ok {
		t.Fatalf("no extractor for %s", file)
	}
	return reduce(extractData(context.Background(), ex, file, data))
}

func reduce(m map[string]deps.Package) map[string]deps.Package {
	out := map[string]deps.Package{}
	for k, p := range m {
		out[k] = deps.Package{Ecosystem: p.Ecosystem, Name: p.Name, Version: p.Version, Path: p.Path}
	}
	return out
}

var goModCases = map[string]string{
	"empty":          "",
	"module":         "module example.test/m\n",
	"plain":          "module example.test/m\n\ngo 1.22\n\nrequire github.com/a/b v1.2.3\n",
	"block":          "module m\n\ngo 1.21.4\n\nrequire (\n\tgithub.com/a/b v1.2.3\n\tgithub.com/c/d v0.0.0-20240101000000-abcdefabcdef // indirect\n\tgopkg.in/yaml.v3 v3.0.1\n)\n",
	"toolchain":      "module m\n\ngo 1.22\n\ntoolchain go1.22.5\n\nrequire github.com/a/b v1.2.3\n",
	"tcdefault":      "module m\ngo 1.22\ntoolchain default\n",
	"replace":        "module m\n\ngo 1.20\n\nrequire (\n\tgithub.com/a/b v1.2.3\n\tgithub.com/c/d v1.0.0\n)\n\nreplace github.com/a/b => github.com/fork/b v1.2.4\n\nreplace github.com/c/d v1.0.0 => ../d\n",
	"replaceblock":   "module m\nrequire github.com/a/b v1.2.3\nreplace (\n\tgithub.com/a/b v1.2.3 => github.com/x/b v1.9.0\n\tgithub.com/z/z => github.com/y/y v1.0.0\n)\n",
	"replacemissing": "module m\nrequire github.com/a/b v1.2.3\nreplace github.com/a/b v1.0.0 => github.com/x/b v1.9.0\n",
	"chain":          "module m\nrequire github.com/a/b v1.2.3\nreplace github.com/a/b => github.com/x/b v1.9.0\nreplace github.com/x/b => github.com/y/b v2.0.0+incompatible\n",
	"incompat":       "module m\nrequire github.com/a/b v2.0.0+incompatible\n",
	"major":          "module m\nrequire github.com/a/b/v2 v1.0.0\n",
	"shortver":       "module m\nrequire github.com/a/b v1.2\n",
	"badgo":          "module m\ngo 1.22.x\n",
	"quoted":         "module m\nrequire \"github.com/a/b\" v1.2.3\n",
	"exclude":        "module m\nexclude github.com/a/b v1.2.3\n",
	"retract":        "module m\nretract v1.0.0\n",
	"unclosed":       "module m\nrequire (\n\tgithub.com/a/b v1.2.3\n",
	"crlf":           "module m\r\nrequire github.com/a/b v1.2.3\r\n",
	"dup":            "module m\nrequire github.com/a/b v1.2.3\nrequire github.com/a/b v1.2.3\n",
	"twomods":        "module m\nmodule n\n",
	"comment":        "// top\nmodule m // the module\n\ngo 1.22 // go\n",
	"slashes":        "module m\nrequire github.com/a//b v1.2.3\n",
	"winpath":        "module m\nrequire github.com/a/b v1.2.3\nreplace github.com/a/b => ..\\b\n",
	"dirver":         "module m\nrequire github.com/a/b v1.2.3\nreplace github.com/a/b => ../b v1.0.0\n",
}

// TestGoModPins: where the line scanner answers, it answers as full
// extraction does.
func TestGoModPins(t *testing.T) {
	for name, src := range goModCases {
		t.Run(name, func(t *testing.T) {
			got, ok := goModPins("go.mod", []byte(src))
			if !ok {
				return // full extraction takes over
			}
			if diff := cmp.Diff(full(t, []byte(src)), reduce(got)); diff != "" {
				t.Errorf("goModPins differs from full extraction (-full +scanner):\n%s", diff)
			}
		})
	}
	// The plain forms must not fall back.
	for _, name := range []string{"plain", "block", "toolchain", "replace", "replaceblock", "comment"} {
		if _, ok := goModPins("go.mod", []byte(goModCases[name])); !ok {
			t.Errorf("%s: the scanner fell back", name)
		}
	}
}

func FuzzGoModPins(f *testing.F) {
	for _, src := range goModCases {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := goModPins("go.mod", data)
		if !ok {
			return
		}
		if diff := cmp.Diff(full(t, data), reduce(got)); diff != "" {
			t.Errorf("goModPins differs from full extraction for %q (-full +scanner):\n%s", data, diff)
		}
	})
}

// TestPinsHistory compares the cheap readers with full extraction on every
// revision of go.mod and package-lock.json in the repository named by
// ASSAY_PINS_REPO (skipped when unset).
func TestPinsHistory(t *testing.T) {
	dir := os.Getenv("ASSAY_PINS_REPO")
	if dir == "" {
		t.Skip("ASSAY_PINS_REPO is not set")
	}
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	head, err := repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	readers := map[string]func(string, []byte) (map[string]deps.Package, bool){
		"go.mod":            goModPins,
		"package-lock.json": npmLockPins,
	}
	for file, read := range readers {
		iter, err := repo.Log(&git.LogOptions{From: head.Hash()})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		n, fell := 0, 0
		_ = iter.ForEach(func(c *object.Commit) error {
			f, err := c.File(file)
			if err != nil || seen[f.Hash.String()] {
				return nil
			}
			seen[f.Hash.String()] = true
			src, err := f.Contents()
			if err != nil {
				t.Fatal(err)
			}
			n++
			got, ok := read(file, []byte(src))
			if !ok {
				fell++
				return nil
			}
			if diff := cmp.Diff(fullOf(t, file, []byte(src)), reduce(got)); diff != "" {
				t.Errorf("%s at %s: (-full +reader):\n%s", file, c.Hash, diff)
			}
			return nil
		})
		t.Logf("%s: %d revisions, %d fell back to full extraction", file, n, fell)
	}
}

var npmLockCases = map[string]string{
	"v3": `{"lockfileVersion":3,"packages":{"":{"name":"root","version":"1.0.0"},"node_modules/a":{"version":"1.2.3","resolved":"https://registry.npmjs.org/a/-/a-1.2.3.tgz"},` +
		`"node_modules/@s/b":{"version":"2.0.0-beta.1","dev":true},"node_modules/a/node_modules/c":{"version":"0.1.0"},"packages/w":{"version":"0.0.1"},"node_modules/w":{"resolved":"packages/w","link":true},` +
		`"node_modules/d":{"name":"real-d","version":"3.0.0"}}}`,
	"v1":        `{"lockfileVersion":1,"dependencies":{"a":{"version":"1.2.3","resolved":"https://registry.npmjs.org/a/-/a-1.2.3.tgz","requires":{"b":"^2"},"dependencies":{"b":{"version":"2.1.0"}}},"b":{"version":"2.0.0","dev":true}}}`,
	"alias":     `{"lockfileVersion":1,"dependencies":{"sw":{"version":"npm:string-width@4.2.0"}}}`,
	"git":       `{"lockfileVersion":3,"packages":{"node_modules/g":{"version":"1.0.0","resolved":"git+ssh://git@github.com/o/g.git#0123456789abcdef0123456789abcdef01234567"}}}`,
	"file":      `{"lockfileVersion":1,"dependencies":{"f":{"version":"file:../f"}}}`,
	"badtype":   `{"lockfileVersion":"3","packages":{}}`,
	"badfield":  `{"lockfileVersion":3,"packages":{"node_modules/a":{"version":"1.0.0","link":"yes"}}}`,
	"null":      `null`,
	"empty":     `{}`,
	"nopkgs":    `{"lockfileVersion":3,"packages":{}}`,
	"noversion": `{"lockfileVersion":3,"packages":{"node_modules/a":{}}}`,
}

// TestNPMLockPins: where the cheap reader answers, it answers as full
// extraction does.
func TestNPMLockPins(t *testing.T) {
	for name, src := range npmLockCases {
		t.Run(name, func(t *testing.T) {
			got, ok := npmLockPins("package-lock.json", []byte(src))
			if !ok {
				return
			}
			if diff := cmp.Diff(fullOf(t, "package-lock.json", []byte(src)), reduce(got)); diff != "" {
				t.Errorf("npmLockPins differs from full extraction (-full +reader):\n%s", diff)
			}
		})
	}
	for _, name := range []string{"v3", "v1", "nopkgs", "alias", "git", "file"} {
		if _, ok := npmLockPins("package-lock.json", []byte(npmLockCases[name])); !ok {
			t.Errorf("%s: the reader fell back", name)
		}
	}
}

func FuzzNPMLockPins(f *testing.F) {
	for _, src := range npmLockCases {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := npmLockPins("package-lock.json", data)
		if !ok {
			return
		}
		if diff := cmp.Diff(fullOf(t, "package-lock.json", data), reduce(got)); diff != "" {
			t.Errorf("npmLockPins differs from full extraction for %q (-full +reader):\n%s", data, diff)
		}
	})
}
