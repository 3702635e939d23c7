package vulndb

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/assaysec/assay/internal/evidence"
)

// sourceNamed returns the manifest entry of the source imported from name.
func sourceNamed(t *testing.T, dir, name string) SourceMeta {
	t.Helper()
	m, err := ReadMeta(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range m.Sources {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no source %s in %+v", name, m.Sources)
	return SourceMeta{}
}

// TestDatabaseDisagreeingWithManifest: files the manifest implies but that
// are gone make the database an error, never "no known vulnerabilities".
func TestDatabaseDisagreeingWithManifest(t *testing.T) {
	pkgs := []evidence.DepPackage{{Ecosystem: "npm", Name: "ansi-html", Version: "0.0.1"}}
	tests := []struct {
		name   string
		damage func(t *testing.T, sdir string)
	}{
		{"index removed", func(t *testing.T, sdir string) {
			if err := os.Remove(filepath.Join(sdir, indexFile("npm"))); err != nil {
				t.Fatal(err)
			}
		}},
		{"records removed", func(t *testing.T, sdir string) {
			if err := os.Remove(filepath.Join(sdir, "records.jsonl")); err != nil {
				t.Fatal(err)
			}
		}},
		{"source directory removed", func(t *testing.T, sdir string) {
			if err := os.RemoveAll(sdir); err != nil {
				t.Fatal(err)
			}
		}},
		{"index corrupt", func(t *testing.T, sdir string) {
			if err := os.WriteFile(filepath.Join(sdir, indexFile("npm")), []byte("not gob"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := importTestdata(t)
			s := sourceNamed(t, dir, "ghsa")
			tt.damage(t, filepath.Join(dir, sourcesDir, s.ID))
			db, err := Open(dir)
			if err == nil {
				defer db.Close()
				var vs []evidence.Vulnerability
				vs, err = db.Assess(pkgs)
				if err == nil {
					t.Fatalf("damaged database answered %d vulnerabilities and no error", len(vs))
				}
			}
			if !strings.Contains(err.Error(), "ghsa") {
				t.Errorf("error does not name the source: %v", err)
			}
		})
	}
	// An ecosystem the source never held has no index, and that is fine.
	db, err := Open(importTestdata(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Assess([]evidence.DepPackage{{Ecosystem: "Hex", Name: "plug", Version: "1.0.0"}}); err != nil {
		t.Errorf("ecosystem no source holds: %v", err)
	}
}

func TestParseMetaRefusesUnsafeIDs(t *testing.T) {
	for _, id := range []string{"", "..", "../x", "a/b", ".tmp-1", "/etc"} {
		data, _ := json.Marshal(Meta{Format: formatVer, Sources: []SourceMeta{{ID: id, Name: "s", Kind: KindOSV}}})
		if _, err := ParseMeta(data); err == nil {
			t.Errorf("id %q accepted", id)
		}
	}
}

func FuzzParseMeta(f *testing.F) {
	f.Add([]byte(`{"format":1,"sources":[{"id":"20260822T000000-0123456789ab","name":"ghsa","kind":"osv","records":3,"ecosystems":{"npm":3}}]}`))
	f.Add([]byte(`{"format":2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMeta(data)
		if err != nil {
			return
		}
		for _, s := range m.Sources {
			if !filepath.IsLocal(s.ID) || s.ID != filepath.Base(s.ID) {
				t.Fatalf("unsafe id %q accepted", s.ID)
			}
		}
	})
}

func FuzzDecodeIndex(f *testing.F) {
	var buf bytes.Buffer
	_ = gob.NewEncoder(&buf).Encode(map[string][]span{"ansi-html": {{Off: 0, Len: 120}}})
	f.Add(buf.Bytes())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		idx, err := decodeIndex(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, sps := range idx {
			for _, sp := range sps {
				if sp.Off < 0 || sp.Len <= 0 || sp.Len > MaxRecordSize {
					t.Fatalf("bad span %+v accepted", sp)
				}
			}
		}
	})
}

// FuzzImportZip walks arbitrary zip bytes as `db import` does.
func FuzzImportZip(f *testing.F) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	if data, err := os.ReadFile("testdata/ghsa/GHSA-whgm-jr23-g3j9.json"); err == nil {
		w, _ := zw.Create("advisories/GHSA-whgm-jr23-g3j9.json")
		w.Write(data)
	}
	w, _ := zw.Create("x/PYSEC-1.yaml")
	w.Write([]byte("id: PYSEC-1\naffected: [{package: {name: flask}}]\n"))
	zw.Close()
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		b := &osvBuilder{w: bufio.NewWriter(io.Discard), idx: map[string]map[string][]span{}, sm: &SourceMeta{Ecosystems: map[string]int{}}}
		_ = b.walkZipReader(context.Background(), "fuzz.zip", zr)
		if b.read > int64(len(zr.File))*(MaxRecordSize) {
			t.Fatalf("read %d bytes from %d entries", b.read, len(zr.File))
		}
	})
}

// A database knows which ecosystems it holds records for, so finding
// nothing for a component of another ecosystem is "not checked".
func TestCoverage(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := Import(context.Background(), dir, []string{"testdata/ghsa"}, ImportOptions{Now: now}); err != nil {
		t.Fatal(err)
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !db.Covers("npm") || !db.Covers("Packagist") || db.Covers("crates.io") || db.Covers("Go") {
		t.Fatalf("Covers: npm %v Packagist %v crates.io %v Go %v", db.Covers("npm"), db.Covers("Packagist"), db.Covers("crates.io"), db.Covers("Go"))
	}
	st := db.Status()
	db.Coverage(&st, []evidence.DepPackage{
		{Ecosystem: "npm", Name: "a", Version: "1"}, {Ecosystem: "crates.io", Name: "b", Version: "1"},
		{Ecosystem: "crates.io", Name: "c", Version: "2"}, {Ecosystem: "Go", Name: "d", Version: "v1"},
		{Ecosystem: "npm", Name: "unpinned"},
	})
	want := []evidence.EcosystemCount{{Ecosystem: "Go", Components: 1}, {Ecosystem: "crates.io", Components: 2}}
	if st.Checked != 1 || !slices.Equal(st.Uncovered, want) {
		t.Errorf("checked %d, uncovered %+v; want 1 and %+v", st.Checked, st.Uncovered, want)
	}
	if got := st.UncoveredText(); got != "1 Go and 2 crates.io components" {
		t.Errorf("UncoveredText = %q", got)
	}
}
