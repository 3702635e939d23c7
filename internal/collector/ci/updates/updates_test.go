package updates

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/source"
)

func TestCollect(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		".github/dependabot.yml": "version: 2\nupdates:\n  - package-ecosystem: gomod\n    directory: /\n",
		".github/renovate.json5": "{extends: ['config:recommended'], /* broken */ enabled: }",
		"package.json":           `{"name": "x", "renovate": {"enabledManagers": ["npm"]}}`,
		".gitlab/renovate.json":  `{"enabled": false}`,
		"renovate.json":          "",
	}
	for p, c := range files {
		full := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tree, err := source.OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	recs, err := New().Collect(context.Background(), &collector.Input{Tree: tree, Config: &config.Config{}, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range recs {
		switch f := r.Fact.(type) {
		case evidence.UpdateConfig:
			got[f.Path] = f.Tool
			if f.Path == "package.json" && (len(f.EnabledManagers) != 1 || f.EnabledManagers[0] != "npm") {
				t.Errorf("package.json managers = %v", f.EnabledManagers)
			}
			if f.Path == ".gitlab/renovate.json" && !f.Disabled {
				t.Error(".gitlab/renovate.json should be disabled")
			}
		case evidence.ParseProblem:
			got[f.Path] = "problem line " + string(rune('0'+f.Line))
		}
	}
	want := map[string]string{
		".github/dependabot.yml": "dependabot",
		".github/renovate.json5": "problem line 1",
		"package.json":           "renovate",
		".gitlab/renovate.json":  "renovate",
		"renovate.json":          "problem line 1",
	}
	for p, w := range want {
		if got[p] != w {
			t.Errorf("%s: got %q, want %q", p, got[p], w)
		}
	}
}
