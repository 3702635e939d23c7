package toolchains

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, path, data string
		want             []string // runtime version:line
	}{
		{"travis block list", ".travis.yml", "language: node_js\n\nnode_js:\n  - node\n  - 10\n  - 8\n  - \"6\"\n\nafter_script:\n  - npm test\n", []string{"node 10:5", "node 8:6", "node 6:7"}},
		{"matrix flow list", ".github/workflows/ci.yml", "    strategy:\n      matrix:\n        node-version: [12.x, 18.x, 22.x]\n", []string{"node 12:3", "node 18:3", "node 22:3"}},
		{"setup scalar", ".github/workflows/p.yml", "      - uses: actions/setup-python@v5\n        with:\n          python-version: '3.9'\n          python-version-file: pyproject.toml\n", []string{"python 3.9:3"}},
		{"expression skipped", ".github/workflows/p.yml", "          python-version: ${{ matrix.python }}\n          go-version: stable\n", nil},
		{"images", ".gitlab-ci.yml", "go:\n  image: golang:1.24-alpine\nold:\n  image: docker.io/library/php:7.3-cli\n", []string{"go 1.24:2", "php 7.3:4"}},
		{"dockerfile", "Dockerfile", "FROM --platform=linux/amd64 node:8-alpine AS web\nFROM python:3.12\n", []string{"node 8:1", "python 3.12:2"}},
		{"nvmrc", ".nvmrc", "v16.20.0\n", []string{"node 16.20:1"}},
	} {
		var got []string
		for _, r := range Parse(tc.path, []byte(tc.data)) {
			got = append(got, r.Runtime+" "+r.Version+":"+itoa(r.Line))
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestWanted(t *testing.T) {
	for p, want := range map[string]bool{".travis.yml": true, ".github/workflows/ci.yml": true, "ci/containers/fedora-43.Dockerfile": true, "Dockerfile": true, "tests/fixtures/Dockerfile": false, "src/.nvmrc": false} {
		if Wanted(p) != want {
			t.Errorf("Wanted(%q) = %v", p, !want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(".travis.yml", "node_js:\n  - 8\n")
	f.Add("Dockerfile", "FROM python:3.7\n")
	f.Fuzz(func(t *testing.T, p, data string) {
		for _, r := range Parse(p, []byte(data)) {
			_ = evidence.ToolchainRef(r)
		}
	})
}
