package updates

import (
	"testing"
	"time"

	"github.com/assaysec/assay/internal/testutil/treetest"

	"github.com/assaysec/assay/internal/evidence"
)

func TestCollect(t *testing.T) {
	files := map[string]string{
		".github/dependabot.yml": "version: 2\nupdates:\n  - package-ecosystem: gomod\n    directory: /\n",
		".github/renovate.json5": "{extends: ['config:recommended'], /* broken */ enabled: }",
		"package.json":           `{"name": "x", "renovate": {"enabledManagers": ["npm"]}}`,
		".gitlab/renovate.json":  `{"enabled": false}`,
		"renovate.json":          "",
	}
	dir := treetest.Write(t, files)
	recs := treetest.Collect(t, New(), dir, time.Time{})
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
