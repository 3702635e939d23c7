package vulndb

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/deps"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/source"
)

var now = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

func importTestdata(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	srcs := []string{"testdata/go", "testdata/crates", "testdata/pypi", "testdata/ghsa"}
	m, probs, err := Import(context.Background(), dir, srcs, ImportOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(probs) != 0 {
		t.Fatalf("import problems: %+v", probs)
	}
	if got := len(m.Sources); got != 4 {
		t.Fatalf("%d sources, want 4", got)
	}
	return dir
}

// scanFixture inventories one corpus lockfile with the extractor its name implies.
func scanFixture(t *testing.T, rel, as string) []evidence.DepPackage {
	t.Helper()
	p := filepath.Join("..", "deps", "testdata", "lockfiles", rel)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	ex, ok := deps.ExtractorFor(as, int64(len(data)))
	if !ok {
		t.Fatalf("no extractor for %s", as)
	}
	tree, err := source.OpenTree(filepath.Dir(p))
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	pkgs, err := deps.Extract(context.Background(), ex, nil, as, data)
	if err != nil {
		t.Fatal(err)
	}
	var out []evidence.DepPackage
	for _, pk := range pkgs {
		out = append(out, pk.Evidence())
	}
	return out
}

func TestMatchCorpus(t *testing.T) {
	db, err := Open(importTestdata(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct {
		fixture, as string
		want        []string // "package@version ID fixed"
	}{
		{"osv-scanner/locks-insecure/my-package-lock.json", "package-lock.json", []string{"ansi-html@0.0.1 GHSA-whgm-jr23-g3j9 [0.0.9]"}},
		{"osv-scanner/locks-insecure/my-yarn.lock", "yarn.lock", []string{"ansi-html@0.0.1 GHSA-whgm-jr23-g3j9 [0.0.9]"}},
		{"osv-scanner/locks-insecure/composer.lock", "composer.lock", []string{"league/flysystem@1.0.8 GHSA-9f46-5r25-5wfm [1.1.4]"}},
		{"osv-scanner/locks-requirements/requirements.txt", "requirements.txt", []string{
			"flask@1.0.0 GHSA-m2qf-hxjv-5gpq [2.2.5 2.3.2]",
			"requests@2.20.0 GHSA-j8r2-6x86-q33q [2.31.0]",
		}},
		{"osv-scanner/exp-plugins-pkgdeprecate/deprecated-vuln/Cargo.lock", "Cargo.lock", []string{
			"net2@0.2.33 GHSA-458v-4hrf-g3m4 [0.2.36]",
			"net2@0.2.33 RUSTSEC-2020-0016 []",
		}},
		{"osv-scanner/exp-plugins-pkgdeprecate/clean/Cargo.lock", "Cargo.lock", nil},
		{"osv-scanner/exp-plugins-pkgdeprecate/deprecated-novuln/Cargo.lock", "Cargo.lock", nil},
		// The Go records were picked to hit this fixture, stdlib included.
		{"osv-scalibr/golang/gomod/indirect-packages.mod", "go.mod", []string{
			"golang.org/x/sys@0.0.0-20210630005230-0f9fa26af87c GHSA-p782-xgp4-8hr8 [0.0.0-20220412211240-33da011f77ad]",
			"golang.org/x/sys@0.0.0-20210630005230-0f9fa26af87c GO-2026-5024 [0.44.0]",
			"stdlib@1.17 GHSA-69cg-p879-7622 [1.18.6 1.19.1]",
			"stdlib@1.17 GHSA-p782-xgp4-8hr8 [1.17.10 1.18.2]",
			"stdlib@1.17 GHSA-vvpx-j8f3-3w6h [1.19.6 1.20.1]",
			"stdlib@1.17 GO-2024-2963 [1.21.12 1.22.5]",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.fixture, func(t *testing.T) {
			vs, err := db.Assess(scanFixture(t, tc.fixture, tc.as))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range vs {
				got = append(got, v.Package.Name+"@"+v.Package.Version+" "+v.ID+" ["+strings.Join(v.Fixed, " ")+"]")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAliasesMergedAndSeverity(t *testing.T) {
	db, err := Open(importTestdata(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	vs, err := db.Assess([]evidence.DepPackage{{Ecosystem: "Go", Name: "golang.org/x/sys", Version: "v0.0.0-20210101000000-aaaaaaaaaaaa"}})
	if err != nil {
		t.Fatal(err)
	}
	var ids [][]string
	for _, v := range vs {
		ids = append(ids, v.Aliases)
	}
	if !slices.ContainsFunc(ids, func(a []string) bool {
		return slices.Equal(a, []string{"GHSA-p782-xgp4-8hr8", "GO-2022-0493", "CVE-2022-29526"})
	}) {
		t.Errorf("aliases = %v; want GO-2022-0493 merged with its GHSA and CVE", ids)
	}
	vs, _ = db.Assess([]evidence.DepPackage{{Ecosystem: "Packagist", Name: "League/Flysystem", Version: "1.0.8"}})
	if len(vs) != 1 || vs[0].Severity != "critical" || vs[0].CVSS != 9.8 {
		t.Errorf("flysystem = %+v; want one critical 9.8 finding (names are case-insensitive on Packagist)", vs)
	}
}

func TestAffects(t *testing.T) {
	a := &Affected{
		Package: Pkg{Ecosystem: "PyPI", Name: "x"},
		Ranges: []Range{
			{Type: "ECOSYSTEM", Events: []Event{{Introduced: "1.0"}, {Fixed: "1.5"}, {Introduced: "2.0"}, {LastAffected: "2.3"}}},
		},
		Versions: []string{"0.9"},
	}
	for v, want := range map[string]bool{"0.8": false, "0.9": true, "1.0": true, "1.4.9": true, "1.5": false, "1.10": false, "2.0rc1": false, "2.0": true, "2.3": true, "2.3.1": false} {
		if got, _ := Affects(a, "PyPI", v); got != want {
			t.Errorf("Affects(%s) = %v, want %v", v, got, want)
		}
	}
	_, fixed := Affects(a, "PyPI", "1.2")
	if diff := cmp.Diff([]string{"1.5"}, fixed); diff != "" {
		t.Errorf("fixed (-want +got):\n%s", diff)
	}
}

func TestCVSS3(t *testing.T) {
	for vec, want := range map[string]float64{
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H": 9.8,
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H": 7.5,
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N": 6.1,
		"CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H": 5.5,
		"CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N": 0,
	} {
		got, ok := CVSS3Score(vec)
		if !ok || got != want {
			t.Errorf("CVSS3Score(%s) = %v, %v; want %v", vec, got, ok, want)
		}
	}
	if _, ok := CVSS3Score("CVSS:4.0/AV:N"); ok {
		t.Error("CVSS v4 vector scored")
	}
}

// TestImportAtomic checks that a failed import leaves the previous
// database intact and that re-importing a source replaces it.
func TestImportAtomic(t *testing.T) {
	dir := importTestdata(t)
	before, err := os.ReadFile(filepath.Join(dir, currentFile))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Import(ctx, dir, []string{"testdata/go"}, ImportOptions{Now: now}); err == nil {
		t.Fatal("cancelled import succeeded")
	}
	after, _ := os.ReadFile(filepath.Join(dir, currentFile))
	if string(before) != string(after) {
		t.Error("a failed import changed CURRENT.json")
	}
	if _, _, err := Import(context.Background(), dir, []string{"testdata/missing"}, ImportOptions{Now: now}); err == nil {
		t.Error("import of a missing source succeeded")
	}
	m, _, err := Import(context.Background(), dir, []string{"testdata/go"}, ImportOptions{Now: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Sources) != 4 {
		t.Errorf("%d sources after re-import, want 4", len(m.Sources))
	}
	ents, _ := os.ReadDir(filepath.Join(dir, sourcesDir))
	if len(ents) != 4 {
		t.Errorf("%d source directories, want 4 (stale ones collected)", len(ents))
	}
}

func TestFeeds(t *testing.T) {
	kev := `{"catalogVersion":"2026.08.20","dateReleased":"2026-08-20T17:00:00.000Z","count":1,"vulnerabilities":[{"cveID":"CVE-2021-23424","vendorProject":"x","product":"ansi-html","vulnerabilityName":"ansi-html ReDoS","dateAdded":"2026-08-01","dueDate":"2026-08-22","knownRansomwareCampaignUse":"Unknown"}]}`
	epss := "#model_version:v2025.03.14,score_date:2026-08-21T12:55:00+0000\ncve,epss,percentile\nCVE-2021-23424,0.01234,0.75\n"
	dir := importTestdata(t)
	tmp := t.TempDir()
	os.WriteFile(filepath.Join(tmp, "known_exploited_vulnerabilities.json"), []byte(kev), 0o644)
	os.WriteFile(filepath.Join(tmp, "epss_scores.csv"), []byte(epss), 0o644)
	if _, _, err := Import(context.Background(), dir, []string{filepath.Join(tmp, "known_exploited_vulnerabilities.json"), filepath.Join(tmp, "epss_scores.csv")}, ImportOptions{Now: now}); err != nil {
		t.Fatal(err)
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	vs, err := db.Assess([]evidence.DepPackage{{Ecosystem: "npm", Name: "ansi-html", Version: "0.0.1"}})
	if err != nil || len(vs) != 1 {
		t.Fatalf("assess: %v %+v", err, vs)
	}
	if !vs[0].KEV || vs[0].EPSS != 0.01234 || vs[0].EPSSPct != 0.75 {
		t.Errorf("KEV/EPSS not attached: %+v", vs[0])
	}
	if _, err := ParseEPSS([]byte("cve,epss\nCVE-1,2.0\n")); err == nil {
		t.Error("EPSS score above 1 accepted")
	}
	if _, err := ParseKEV([]byte(`{"vulnerabilities":[{"cveID":"X","dateAdded":"2020-01-01"}]}`)); err == nil {
		t.Error("KEV entry without a CVE id accepted")
	}
}

func FuzzParseRecord(f *testing.F) {
	for _, p := range []string{"testdata/ghsa/GHSA-whgm-jr23-g3j9.json", "testdata/crates/RUSTSEC-2020-0016.json"} {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data, false)
		}
	}
	if data, err := os.ReadFile("testdata/pypi/flask/PYSEC-2018-66.yaml"); err == nil {
		f.Add(data, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, yamlDoc bool) {
		r, err := ParseRecord(data, yamlDoc, "PyPI")
		if err != nil {
			return
		}
		for i := range r.Affected {
			Affects(&r.Affected[i], r.Affected[i].Package.Ecosystem, "1.0.0")
		}
	})
}

func FuzzParseKEV(f *testing.F) {
	f.Add([]byte(`{"catalogVersion":"1","dateReleased":"2026-08-20T17:00:00.000Z","vulnerabilities":[{"cveID":"CVE-2021-1","dateAdded":"2026-08-01","dueDate":"2026-08-22"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) { _, _ = ParseKEV(data) })
}

func FuzzParseEPSS(f *testing.F) {
	f.Add([]byte("#model_version:v1,score_date:2026-08-21T12:55:00+0000\ncve,epss,percentile\nCVE-2021-1,0.5,0.9\n"))
	f.Fuzz(func(t *testing.T, data []byte) { _, _ = ParseEPSS(data) })
}

func FuzzCVSS3(f *testing.F) {
	f.Add("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
	f.Fuzz(func(t *testing.T, v string) {
		if s, ok := CVSS3Score(v); ok && (s < 0 || s > 10) {
			t.Errorf("score %v out of range", s)
		}
	})
}
