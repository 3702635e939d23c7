package deps

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/osv-scalibr/extractor/filesystem"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/packagelockjson"
	"github.com/google/osv-scalibr/extractor/filesystem/osv"

	cpb "github.com/google/osv-scalibr/binary/proto/config_go_proto"
)

// npmRow is what Assay keeps of an extracted npm package.
type npmRow struct {
	Name, Version, Commit, PURL string
	Groups                      []string
	Line                        int
}

func npmRows(t *testing.T, ex filesystem.Extractor, p string, data []byte) ([]npmRow, error) {
	t.Helper()
	res, err := ex.Extract(context.Background(), &filesystem.ScanInput{
		FS: emptyFS{}, Path: p, Root: ".", Info: fileInfo{name: filepath.Base(p), size: int64(len(data))},
		Reader: bytes.NewReader(data),
	})
	if err != nil {
		return nil, err
	}
	var rows []npmRow
	for _, sp := range res.Packages {
		r := npmRow{Name: sp.Name, Version: sp.Version}
		if sp.SourceCode != nil {
			r.Commit = sp.SourceCode.Commit
		}
		if u := sp.PURL(); u != nil {
			r.PURL = u.String()
		}
		if dg, ok := sp.Metadata.(osv.DepGroups); ok {
			r.Groups = dg.DepGroups()
		}
		if d := sp.Location.Descriptor; d != nil && d.File != nil {
			r.Line = d.File.LineNumber
		}
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b npmRow) int {
		return strings.Compare(a.Name+"@"+a.Version+"@"+a.Commit, b.Name+"@"+b.Version+"@"+b.Commit)
	})
	return rows, nil
}

// TestNPMLockMatchesScalibr checks the one-pass reader against the
// library's extractor on every real package-lock.json in the corpus and on
// a generated lockfile with nested copies, so replacing the extractor
// changed how fast it is and nothing else. Lines are compared only where a
// name@version occurs once: for repeats the library keeps the line of
// whichever copy its map order visits last, Assay the first.
func TestNPMLockMatchesScalibr(t *testing.T) {
	lib, err := packagelockjson.New(&cpb.PluginConfig{})
	if err != nil {
		t.Fatal(err)
	}
	mine := npmLock(lib)
	files, _ := filepath.Glob("testdata/lockfiles/osv-scalibr/javascript/packagelockjson/*.json")
	more, _ := filepath.Glob("testdata/lockfiles/*/*/*/package-lock.json")
	files = append(files, more...)
	inputs := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[f] = data
	}
	inputs["generated"] = generatedNPMLock(300)
	if len(inputs) < 10 {
		t.Fatalf("only %d lockfiles found; the corpus copy is missing", len(inputs))
	}
	for name, data := range inputs {
		t.Run(filepath.Base(name), func(t *testing.T) {
			want, wantErr := npmRows(t, lib, "package-lock.json", data)
			got, gotErr := npmRows(t, mine, "package-lock.json", data)
			if (wantErr != nil) != (gotErr != nil) {
				t.Fatalf("errors differ: library %v, Assay %v", wantErr, gotErr)
			}
			count := map[string]int{}
			entries, _ := parseNPMLock(data)
			for _, e := range entries {
				count[e.name+"@"+e.version]++
			}
			for i := range want {
				if i < len(got) && count[want[i].Name+"@"+want[i].Version] > 1 {
					got[i].Line = want[i].Line
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("package rows differ (-library +Assay):\n%s", diff)
			}
		})
	}
}

// generatedNPMLock is a v3 lockfile with n packages, a third of them
// repeated as nested copies in different groups.
func generatedNPMLock(n int) []byte {
	pkgs := map[string]any{"": map[string]any{"name": "root", "version": "1.0.0"}}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("pkg-%d", i)
		if i%7 == 0 {
			name = fmt.Sprintf("@scope/pkg-%d", i)
		}
		entry := map[string]any{"version": fmt.Sprintf("1.%d.0", i%5), "resolved": "https://registry.npmjs.org/" + name, "dev": i%2 == 0}
		pkgs["node_modules/"+name] = entry
		if i%3 == 0 {
			pkgs["node_modules/host/node_modules/"+name] = map[string]any{"version": fmt.Sprintf("1.%d.0", i%5), "optional": true}
		}
	}
	data, _ := json.MarshalIndent(map[string]any{"name": "root", "lockfileVersion": 3, "packages": pkgs}, "", "  ")
	return data
}

// TestNPMLockErrorLine: a lockfile that does not decode is reported with
// the line the decoder stopped at.
func TestNPMLockErrorLine(t *testing.T) {
	for name, tc := range map[string]struct {
		doc, want string
	}{
		"syntax": {"{\n  \"packages\": {\n    \"node_modules/a\": {\"version\": \"1\",,}\n  }\n}", "line 3: "},
		"type":   {"{\n  \"packages\": {\n    \"node_modules/a\": {\"version\": 1}\n  }\n}", "line 3: "},
	} {
		_, err := parseNPMLock([]byte(tc.doc))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to start %q", name, err, tc.want)
		}
	}
}

func TestJSONKeyLines(t *testing.T) {
	doc := []byte(`{
  "name": "x",
  "packages": {
    "": {"version": "1"},
    "node_modules/a": {
      "version": "1.0.0",
      "dependencies": {"b": "^1"}
    },
    "node_modules/@s/b": {"version": "2.0.0"}
  },
  "dependencies": {
    "a": {
      "version": "1.0.0",
      "dependencies": {
        "c": {"version": "3.0.0"}
      }
    }
  }
}`)
	got := jsonKeyLines(doc)
	want := map[string]int{
		"packages\x00":                           4,
		"packages\x00node_modules/a":             5,
		"packages\x00node_modules/@s/b":          9,
		"dependencies\x00a":                      12,
		"dependencies\x00a\x00dependencies\x00c": 15,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("key lines (-want +got):\n%s", diff)
	}
}

// FuzzNPMLock: the one-pass reader never panics, and whenever the library
// accepts a document it returns the same names and versions.
func FuzzNPMLock(f *testing.F) {
	files, _ := filepath.Glob("testdata/lockfiles/osv-scalibr/javascript/packagelockjson/*.json")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"dependencies":{"a":{"version":"npm:b@1.0.0","dependencies":{"c":{"version":"git+ssh://git@github.com/o/c.git#0123456789abcdef0123456789abcdef01234567"}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := parseNPMLock(data)
		if err != nil {
			return
		}
		_ = npmPackages(entries, "package-lock.json")
		// Every recorded key is on the line recorded for it.
		lines := bytes.Split(data, []byte("\n"))
		for p, n := range jsonKeyLines(data) {
			seg := p[strings.LastIndexByte(p, 0)+1:]
			if strings.ContainsAny(seg, "\\\"") || n < 1 || n > len(lines) {
				continue
			}
			if !bytes.Contains(lines[n-1], []byte(`"`+seg+`"`)) {
				t.Errorf("key %q recorded at line %d, which is %q", p, n, lines[n-1])
			}
		}
	})
}
