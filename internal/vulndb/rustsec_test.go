package vulndb

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// essentials is the part of a RustSec record that osv.dev's export and
// Assay's conversion must agree on: what matching and reporting read.
type essentials struct {
	ID, Summary, Informational string
	Published, Withdrawn       time.Time
	Aliases                    []string
	Severity                   []Severity
	Pkg                        Pkg
	Ranges                     []Range
}

func comparableOf(r *Record) essentials {
	// osv.dev keeps the space of a "#  Title" heading; Assay trims it.
	c := essentials{ID: r.ID, Summary: strings.TrimSpace(r.Summary), Informational: r.Informational(), Published: r.Published, Withdrawn: r.Withdrawn, Aliases: r.Aliases, Severity: r.Severity}
	if len(r.Affected) > 0 {
		c.Pkg, c.Ranges = r.Affected[0].Package, r.Affected[0].Ranges
	}
	return c
}

// compareRustSec converts every native advisory under nativeRoot and
// compares it with osv.dev's record of the same id under osvDir. It
// returns how many were compared and the differences.
func compareRustSec(t *testing.T, nativeRoot, osvDir string) (int, []string) {
	t.Helper()
	var diffs []string
	n := 0
	err := filepath.WalkDir(nativeRoot, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isRustSecName(d.Name()) {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		got, err := ParseRustSec(data)
		if err != nil {
			diffs = append(diffs, p+": "+err.Error())
			return nil
		}
		want, err := os.ReadFile(filepath.Join(osvDir, got.ID+".json"))
		if os.IsNotExist(err) {
			return nil // not yet exported, or withdrawn and dropped
		}
		if err != nil {
			return err
		}
		wr, err := ParseRecord(want, false, "")
		if err != nil {
			return err
		}
		n++
		if d := cmp.Diff(comparableOf(wr), comparableOf(got), cmpopts.EquateEmpty()); d != "" {
			diffs = append(diffs, got.ID+" (-osv.dev +assay):\n"+d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n, diffs
}

// TestRustSecMatchesOSVExport: the native advisories of the records in
// testdata/crates (osv.dev's export) convert to the same ids, dates,
// aliases, severities and ranges.
func TestRustSecMatchesOSVExport(t *testing.T) {
	n, diffs := compareRustSec(t, "testdata/rustsec-native", "testdata/crates")
	if n != 11 {
		t.Errorf("compared %d advisories, want 11", n)
	}
	for _, d := range diffs {
		t.Error(d)
	}
}

// TestRustSecWholeRepository compares a checkout of rustsec/advisory-db
// (main branch, in ASSAY_RUSTSEC_NATIVE) with its osv branch (in
// ASSAY_RUSTSEC_OSV). It is skipped unless both are given.
func TestRustSecWholeRepository(t *testing.T) {
	native, osvRoot := os.Getenv("ASSAY_RUSTSEC_NATIVE"), os.Getenv("ASSAY_RUSTSEC_OSV")
	if native == "" || osvRoot == "" {
		t.Skip("set ASSAY_RUSTSEC_NATIVE and ASSAY_RUSTSEC_OSV to checkouts of rustsec/advisory-db's main and osv branches")
	}
	n, diffs := compareRustSec(t, filepath.Join(native, "crates"), filepath.Join(osvRoot, "crates"))
	t.Logf("compared %d advisories, %d differ", n, len(diffs))
	for _, d := range diffs {
		t.Error(d)
	}
}

func TestRustSecEvents(t *testing.T) {
	tests := []struct {
		name                string
		unaffected, patched []string
		want                []Event
		dropped             []string
	}{
		{"all affected", nil, nil, []Event{{Introduced: "0.0.0-0"}}, nil},
		{"patched only", nil, []string{">= 1.2.0"}, []Event{{Introduced: "0.0.0-0"}, {Fixed: "1.2.0"}}, nil},
		{"unaffected below, patched above", []string{"< 0.6.5"}, []string{">= 0.6.10"},
			[]Event{{Introduced: "0.6.5"}, {Fixed: "0.6.10"}}, nil},
		{"caret patches per line", nil, []string{"^0.2.23", ">= 0.3.0"},
			[]Event{{Introduced: "0.0.0-0"}, {Fixed: "0.2.23"}, {Introduced: "0.3.0-0"}, {Fixed: "0.3.0"}}, nil},
		{"tilde", nil, []string{"~1.2.3", ">= 1.4"},
			[]Event{{Introduced: "0.0.0-0"}, {Fixed: "1.2.3"}, {Introduced: "1.3.0-0"}, {Fixed: "1.4.0"}}, nil},
		{"exclusive lower bound", nil, []string{"> 1.0.0"}, []Event{{Introduced: "0.0.0-0"}, {Fixed: "1.0.1-0"}}, nil},
		{"inclusive upper bound", []string{"<= 0.1.0"}, nil, []Event{{Introduced: "0.1.1-0"}}, nil},
		{"exact version", []string{"=0.3.1"}, []string{">= 0.4"},
			[]Event{{Introduced: "0.0.0-0"}, {Fixed: "0.3.1"}, {Introduced: "0.3.2-0"}, {Fixed: "0.4.0"}}, nil},
		{"pre-release bound", nil, []string{">= 1.0.0-rc.1"}, []Event{{Introduced: "0.0.0-0"}, {Fixed: "1.0.0-rc.1"}}, nil},
		{"overlapping requirements are united", []string{"< 0.3"}, []string{">= 0.2, < 0.5", ">= 1.0"},
			[]Event{{Introduced: "0.5.0"}, {Fixed: "1.0.0"}}, nil},
		// A wildcard has no interval here: left out, the affected range
		// is wider than osv.dev's, never narrower.
		{"wildcard is conservative", []string{"0.1.*"}, []string{">= 0.3"},
			[]Event{{Introduced: "0.0.0-0"}, {Fixed: "0.3.0"}}, []string{"0.1.*"}},
		{"two lower bounds are conservative", nil, []string{">= 1.0, >= 2.0"}, []Event{{Introduced: "0.0.0-0"}}, []string{">= 1.0, >= 2.0"}},
		{"nothing affected", []string{">= 0.0.0"}, nil, []Event{{Introduced: "0.0.0-0"}, {Fixed: "0.0.0"}}, nil},
		{"unbounded unaffected", []string{"*"}, nil, []Event{{Introduced: "0.0.0-0"}}, []string{"*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, dropped := rustsecEvents(tt.unaffected, tt.patched)
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("events (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.dropped, dropped); d != "" {
				t.Errorf("dropped (-want +got):\n%s", d)
			}
		})
	}
}

// TestRustSecConservativeMatch: a requirement that cannot be converted
// leaves its versions affected, and the record says which it was.
func TestRustSecConservativeMatch(t *testing.T) {
	adv := "```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\npackage = \"demo\"\ndate = \"2099-01-02\"\n\n[versions]\npatched = [\">= 2.0\"]\nunaffected = [\"1.*\"]\n```\n\n# Demo flaw\n\nText.\n"
	r, err := ParseRustSec([]byte(adv))
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary != "Demo flaw" || !r.Published.Equal(time.Date(2099, 1, 2, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("summary %q published %v", r.Summary, r.Published)
	}
	if got := r.Affected[0].DatabaseSpecific["assay_unconverted_requirements"]; !cmp.Equal(got, []string{"1.*"}) {
		t.Errorf("unconverted requirements recorded as %v", got)
	}
	for _, v := range []struct {
		version string
		want    bool
	}{{"1.5.0", true}, {"0.9.0", true}, {"2.0.0", false}} {
		if got, _ := Affects(&r.Affected[0], "crates.io", v.version); got != v.want {
			t.Errorf("affects %s = %v, want %v", v.version, got, v.want)
		}
	}
}

func TestParseRustSecRejects(t *testing.T) {
	for name, in := range map[string]string{
		"no fence":       "[advisory]\nid = \"RUSTSEC-2020-0001\"\n",
		"unclosed fence": "```toml\n[advisory]\nid = \"RUSTSEC-2020-0001\"\npackage = \"x\"\ndate = \"2020-01-01\"\n",
		"no id":          "```toml\n[advisory]\npackage = \"x\"\ndate = \"2020-01-01\"\n```\n",
		"no package":     "```toml\n[advisory]\nid = \"RUSTSEC-2020-0001\"\ndate = \"2020-01-01\"\n```\n",
		"bad date":       "```toml\n[advisory]\nid = \"RUSTSEC-2020-0001\"\npackage = \"x\"\ndate = \"yesterday\"\n```\n",
		"bad toml":       "```toml\n[advisory\n```\n",
	} {
		if _, err := ParseRustSec([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestImportRustSecRepository: a directory laid out as advisory-db (and
// RustSec advisories inside it only) imports as crates.io records.
func TestImportRustSecRepository(t *testing.T) {
	dir := t.TempDir()
	m, _, err := Import(context.Background(), dir, []string{"testdata/rustsec-native"}, ImportOptions{Now: time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	s := m.Sources[0]
	if s.Records != 11 || s.Ecosystems["crates.io"] != 11 || s.Format != FormatRustSec {
		t.Errorf("imported %+v", s)
	}
}

// TestImportGHSARepository: github/advisory-database's root imports its
// reviewed advisories.
func TestImportGHSARepository(t *testing.T) {
	root := t.TempDir()
	for _, id := range []string{"GHSA-9f46-5r25-5wfm", "GHSA-whgm-jr23-g3j9"} {
		data, err := os.ReadFile(filepath.Join("testdata/ghsa", id+".json"))
		if err != nil {
			t.Fatal(err)
		}
		d := filepath.Join(root, "advisories/github-reviewed/2021/06", id)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, id+".json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Unreviewed advisories name no package; the layout's importer skips them.
	un := filepath.Join(root, "advisories/unreviewed/2021/06/GHSA-xxxx-xxxx-xxxx")
	if err := os.MkdirAll(un, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(un, "GHSA-xxxx-xxxx-xxxx.json"), []byte(`{"id":"GHSA-xxxx-xxxx-xxxx","modified":"2021-06-01T00:00:00Z"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	m, _, err := Import(context.Background(), dir, []string{root}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s := m.Sources[0]; s.Records != 2 || s.Format != FormatGHSA {
		t.Errorf("imported %+v", s)
	}
}

// TestImportNothingIsAnError: a source with no records is an error that
// names the formats tried, and the database is left as it was.
func TestImportNothingIsAnError(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := Import(context.Background(), dir, []string{"testdata/ghsa"}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(dir, currentFile))
	if err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	if err := os.WriteFile(filepath.Join(empty, "README.md"), []byte("# nothing here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, "RUSTSEC-2020-0001.md"), []byte("no front matter\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{empty, broken} {
		_, _, err := Import(context.Background(), dir, []string{src}, ImportOptions{})
		if err == nil {
			t.Fatalf("%s: imported nothing without an error", src)
		}
		for _, want := range []string{"no vulnerability records", FormatRustSec, FormatGHSA, FormatOSVJSON} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
	}
	after, err := os.ReadFile(filepath.Join(dir, currentFile))
	if err != nil {
		t.Fatal(err)
	}
	if string(before) != string(after) {
		t.Error("a failed import changed the database")
	}
}

func FuzzParseRustSec(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/rustsec-native/crates/*/*.md")
	for _, p := range seeds {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("```toml\n[advisory]\nid = \"RUSTSEC-2020-0001\"\npackage = \"x\"\ndate = \"2020-01-01\"\n[versions]\npatched = [\"^0.0\", \"~1\", \"> 1.2.3-alpha\"]\n```\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRustSec(data)
		if err != nil {
			return
		}
		if r.ID == "" || len(r.Affected) != 1 || len(r.Affected[0].Ranges) != 1 || len(r.Affected[0].Ranges[0].Events) == 0 {
			t.Fatalf("accepted record without id or range: %+v", r)
		}
		for _, e := range r.Affected[0].Ranges[0].Events {
			if v := e.Introduced + e.Fixed; !strings.HasPrefix(cmpVSafe(v), "v") {
				t.Fatalf("event version %q is not semantic", v)
			}
		}
	})
}

func cmpVSafe(v string) string {
	if _, _, _, _, err := partialVersion(v); err != nil {
		return ""
	}
	return "v" + v
}
