package vuln

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/source"
)

func TestGoStdlib(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":       "module a\n\ngo 1.21\n",
		"tools/go.mod": "module a/tools\n\ngo 1.22.1\n",
		"pin/go.mod":   "module a/pin\n\ngo 1.21\n\ntoolchain go1.23.4\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tree, err := source.OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	std := func(v, p string, line int) evidence.DepPackage {
		return evidence.DepPackage{Ecosystem: "Go", Name: "stdlib", Version: v, Path: p, Line: line, Floor: true}
	}
	mod := evidence.DepPackage{Ecosystem: "Go", Name: "golang.org/x/net", Version: "0.1.0", Path: "go.mod", Line: 5}
	pkgs := []evidence.DepPackage{std("1.21", "go.mod", 3), mod, std("1.22.1", "tools/go.mod", 3), std("1.23.4", "pin/go.mod", 5)}
	tests := []struct {
		name string
		opts Options
		want []evidence.DepPackage
	}{
		{
			// The toolchain line pins; the go lines become one toolchain
			// component at the highest floor, that go.mod first.
			name: "floors",
			want: []evidence.DepPackage{
				mod,
				{Ecosystem: "Go", Name: "stdlib", Version: "1.23.4", Path: "pin/go.mod", Line: 5},
				std("1.22.1", "tools/go.mod", 3), std("1.22.1", "go.mod", 3),
			},
		},
		{
			name: "declared build toolchain",
			opts: Options{GoVersion: "go1.24.3", GoVersionSource: evidence.PinLocation{Path: "assay.yaml", Line: 7}},
			want: []evidence.DepPackage{
				mod,
				{Ecosystem: "Go", Name: "stdlib", Version: "1.23.4", Path: "pin/go.mod", Line: 5},
				{Ecosystem: "Go", Name: "stdlib", Version: "1.24.3", Path: "assay.yaml", Line: 7},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, goStdlib(tree, pkgs, tc.opts)); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFails(t *testing.T) {
	open := evidence.Vulnerability{ID: "GO-1", Status: "affected"}
	high := open
	high.Severity = "high"
	low := open
	low.Severity = "low"
	toolchain := high
	toolchain.Toolchain = true
	vexed := high
	vexed.Status = "not_affected"
	tests := []struct {
		name          string
		v             evidence.Vulnerability
		minRank       int
		ignoreUnknown bool
		want          bool
	}{
		{"unknown fails high", open, 3, false, true},
		{"unknown ignored", open, 3, true, false},
		{"unknown never", open, -1, false, false},
		{"high at high", high, 3, false, true},
		{"low at high", low, 3, false, false},
		{"toolchain not known to apply", toolchain, 0, false, false},
		{"vex not affected", vexed, 0, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Fails(tc.v, tc.minRank, tc.ignoreUnknown); got != tc.want {
				t.Errorf("Fails = %v, want %v", got, tc.want)
			}
		})
	}
}
