package vulndb

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
)

// goDB imports a small Go database: a stdlib GO- record with zero dates
// and no rating whose GHSA alias (a separate source, as osv.dev's GHSA
// export is) carries both, a stdlib record introduced above the floor,
// and one fixed below it.
func goDB(t *testing.T) *DB {
	t.Helper()
	files := map[string]string{
		"go/GO-2024-2963.json": `{"id":"GO-2024-2963","modified":"0001-01-01T00:00:00Z","published":"0001-01-01T00:00:00Z","aliases":["CVE-2024-24791","GHSA-hw49-2p59-3mhj"],"summary":"Denial of service in net/http",
  "affected":[{"package":{"ecosystem":"Go","name":"stdlib"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.21.12"},{"introduced":"1.22.0-0"},{"fixed":"1.22.5"}]}]}]}`,
		"go/GO-2024-3000.json": `{"id":"GO-2024-3000","modified":"2024-08-01T00:00:00Z","published":"2024-08-01T00:00:00Z","summary":"A flaw in a package added in 1.22",
  "affected":[{"package":{"ecosystem":"Go","name":"stdlib"},"ranges":[{"type":"SEMVER","events":[{"introduced":"1.22.0-0"},{"fixed":"1.22.7"}]}]}]}`,
		"go/GO-2019-0001.json": `{"id":"GO-2019-0001","modified":"2019-01-01T00:00:00Z","published":"2019-01-01T00:00:00Z",
  "affected":[{"package":{"ecosystem":"Go","name":"stdlib"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.10.1"}]}]}]}`,
		"ghsa/GHSA-hw49-2p59-3mhj.json": `{"id":"GHSA-hw49-2p59-3mhj","modified":"2024-07-08T00:00:00Z","published":"2024-07-02T00:00:00Z","aliases":["CVE-2024-24791"],
  "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],
  "affected":[{"package":{"ecosystem":"Go","name":"net/http-alias-only"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}`,
	}
	src := t.TempDir()
	for name, body := range files {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	if _, probs, err := Import(context.Background(), dir, []string{filepath.Join(src, "go"), filepath.Join(src, "ghsa")}, ImportOptions{Now: now}); err != nil || len(probs) > 0 {
		t.Fatalf("import: %v %+v", err, probs)
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestAssessGoToolchainAndAliases(t *testing.T) {
	db := goDB(t)
	type row struct {
		ID, Version, Severity, Published string
		Toolchain                        bool
		Fixed                            []string
		Locations                        []evidence.PinLocation
		Ranges                           int
	}
	stdlib := func(v, p string, floor bool) evidence.DepPackage {
		return evidence.DepPackage{Ecosystem: "Go", Name: "stdlib", Version: v, Path: p, Line: 3, Floor: floor}
	}
	tests := []struct {
		name string
		pkgs []evidence.DepPackage
		want []row
	}{
		{
			// Two go.mod files pinning the same floor: one finding each, both
			// files listed; the record introduced in 1.22 applies to a
			// build at 1.21 or above, the one fixed in 1.10.1 does not.
			name: "floor, two go.mod files",
			pkgs: []evidence.DepPackage{stdlib("1.21", "go.mod", true), stdlib("1.21", "tools/go.mod", true)},
			want: []row{
				{ID: "GHSA-hw49-2p59-3mhj", Version: "1.21", Severity: "high", Published: "2024-07-02", Toolchain: true, Fixed: []string{"1.21.12", "1.22.5"}, Locations: []evidence.PinLocation{{Path: "go.mod", Line: 3}, {Path: "tools/go.mod", Line: 3}}, Ranges: 1},
				{ID: "GO-2024-3000", Version: "1.21", Published: "2024-08-01", Toolchain: true, Fixed: []string{"1.22.7"}, Locations: []evidence.PinLocation{{Path: "go.mod", Line: 3}, {Path: "tools/go.mod", Line: 3}}, Ranges: 1},
			},
		},
		{
			// A pinned toolchain is matched at its version only.
			name: "pinned 1.22.5",
			pkgs: []evidence.DepPackage{stdlib("1.22.5", "go.mod", false)},
			want: []row{
				{ID: "GO-2024-3000", Version: "1.22.5", Published: "2024-08-01", Fixed: []string{"1.22.7"}, Locations: []evidence.PinLocation{{Path: "go.mod", Line: 3}}},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			found, err := db.Assess(tc.pkgs)
			if err != nil {
				t.Fatal(err)
			}
			var got []row
			for _, v := range found {
				r := row{ID: v.ID, Version: v.Package.Version, Severity: v.Severity, Toolchain: v.Toolchain, Fixed: v.Fixed, Locations: v.Locations, Ranges: len(v.Ranges)}
				if !v.Published.IsZero() {
					r.Published = v.Published.Format(time.DateOnly)
				}
				got = append(got, r)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCoverageTable(t *testing.T) {
	db := goDB(t)
	pkgs := []evidence.DepPackage{
		{Ecosystem: "Go", Name: "stdlib", Version: "1.22.5", Path: "go.mod"},
		{Ecosystem: "npm", Name: "left-pad", Version: "1.0.0", Path: "package-lock.json"},
		{Ecosystem: "npm", Name: "left-pad", Version: "1.0.0", Path: "web/package-lock.json"},
		{Ecosystem: "npm", Name: "ansi-html", Version: "0.0.1", Path: "package-lock.json"},
		{Ecosystem: "npm", Name: "unpinned", Path: "package.json"},
	}
	var st evidence.VulnDB
	db.Coverage(&st, pkgs)
	found, err := db.Assess(pkgs)
	if err != nil {
		t.Fatal(err)
	}
	Tally(&st, found)
	want := evidence.VulnDB{
		Checked:    1,
		Uncovered:  []evidence.EcosystemCount{{Ecosystem: "npm", Components: 2}},
		Ecosystems: []evidence.EcosystemCoverage{{Ecosystem: "Go", Components: 1, Records: 4, Findings: 1, Covered: true}, {Ecosystem: "npm", Components: 2}},
	}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("coverage (-want +got):\n%s", diff)
	}
	var lines []string
	for _, e := range st.Ecosystems {
		lines = append(lines, e.Text())
	}
	if diff := cmp.Diff([]string{"Go: 1 component, 4 records, 1 finding", "npm: not covered by the database (2 components not checked)"}, lines); diff != "" {
		t.Errorf("coverage text (-want +got):\n%s", diff)
	}
}
