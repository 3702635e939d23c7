package codeowners

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"*", ".github/workflows/ci.yml", true},
		{"/.github/", ".github/workflows/ci.yml", true},
		{".github/workflows/", ".github/workflows/ci.yml", true},
		{"/.github/workflows/*.yml", ".github/workflows/ci.yml", true},
		{"workflows/", ".github/workflows/ci.yml", true},
		{"Dockerfile", "build/Dockerfile", true},
		{"/Dockerfile", "build/Dockerfile", false},
		{"*.yml", ".github/workflows/ci.yml", true},
		{"docs/**", ".github/workflows/ci.yml", false},
		{"**/workflows/**", ".github/workflows/ci.yml", true},
		{"/src/", ".github/workflows/ci.yml", false},
		{"ci.yml/", ".github/workflows/ci.yml", false},
	}
	for _, tc := range tests {
		if got := evidence.MatchCodeOwners(tc.pattern, tc.path); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
	}
}

func TestParseAndOwners(t *testing.T) {
	c := Parse("CODEOWNERS", []byte("# comment\n* @org/all\n/.github/ @org/infra # build\n/docs/\\ dir/ @writer\n\n[Security][2] @sec\n/SECURITY.md\n"))
	owners, line := c.Owners(".github/workflows/ci.yml")
	if diff := cmp.Diff([]string{"@org/infra"}, owners); diff != "" || line != 3 {
		t.Errorf("owners %v line %d", owners, line)
	}
	owners, _ = c.Owners("SECURITY.md")
	if diff := cmp.Diff([]string{"@org/all", "@sec"}, owners); diff != "" {
		t.Errorf("sectioned owners: %s", diff)
	}
	if c.Rules[2].Pattern != "/docs/ dir/" {
		t.Errorf("escaped space: %q", c.Rules[2].Pattern)
	}
}

// TestCorpus reads the real CODEOWNERS files and checks who owns the CI.
func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob("../../../../shared/corpus/repo-config/codeowners/*")
	if len(files) == 0 {
		t.Skip("shared corpus not present")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := Parse(f, data)
		if len(c.Rules) == 0 {
			t.Errorf("%s: no rules", f)
		}
		owners, _ := c.Owners(".github/workflows/ci.yml")
		t.Logf("%s: %d rules; workflows owned by %v", filepath.Base(f), len(c.Rules), owners)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("* @a\n/.github/ @b\n[S] @c\nx\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := Parse("CODEOWNERS", data)
		_, _ = c.Owners(".github/workflows/ci.yml")
	})
}
