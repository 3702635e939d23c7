package ci

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/rule"
)

// TestCoverageGateEnforced: a coverage threshold counts when CI checks it
// on pull requests or the default branch, directly or through the
// repository's own script, and only when falling below it fails the run.
func TestCoverageGateEnforced(t *testing.T) {
	const onPR = "on: [push, pull_request]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
	type answer struct {
		Outcome  rule.Outcome
		Negative rule.Negative
		Path     string
		Line     int
	}
	tests := []struct {
		name  string
		files map[string]string
		want  answer
	}{
		{"script_with_fail_under", map[string]string{
			".github/workflows/ci.yml": onPR + "      - run: scripts/test\n      - run: scripts/coverage\n",
			"scripts/test":             "#!/bin/sh\n${PREFIX}coverage run -m pytest\n",
			"scripts/coverage":         "#!/bin/sh -e\nexport PREFIX=\"\"\n${PREFIX}coverage report --show-missing --skip-covered --fail-under=100\n",
		}, answer{rule.True, "", "scripts/coverage", 3}},
		{"pytest_cov_fail_under_inline", map[string]string{
			".github/workflows/ci.yml": onPR + "      - run: pytest --cov=pkg --cov-fail-under=90\n",
		}, answer{rule.True, "", ".github/workflows/ci.yml", 6}},
		{"coverage_report_without_threshold", map[string]string{
			".github/workflows/ci.yml": onPR + "      - run: coverage run -m pytest\n      - run: coverage report\n",
		}, answer{rule.False, rule.NoSignal, "", 0}},
		{"fail_under_in_pyproject_with_a_report_run", map[string]string{
			".github/workflows/ci.yml": onPR + "      - run: coverage run -m pytest\n      - run: coverage report\n",
			"pyproject.toml":           "[project]\nname = \"pkg\"\n\n[tool.coverage.report]\nshow_missing = true\nfail_under = 100\n",
		}, answer{rule.True, "", ".github/workflows/ci.yml", 7}},
		{"fail_under_in_coveragerc_with_pytest_cov", map[string]string{
			".github/workflows/ci.yml": onPR + "      - run: pytest --cov=pkg\n",
			".coveragerc":              "[run]\nbranch = True\n\n[report]\nfail_under = 85.5\n",
		}, answer{rule.True, "", ".github/workflows/ci.yml", 6}},
		{"fail_under_zero_checks_nothing", map[string]string{
			".github/workflows/ci.yml": onPR + "      - run: coverage report\n",
			"setup.cfg":                "[coverage:report]\nfail_under = 0\n",
		}, answer{rule.False, rule.NoSignal, "", 0}},
		{"fail_under_in_another_section", map[string]string{
			".github/workflows/ci.yml": onPR + "      - run: coverage report\n",
			"pyproject.toml":           "[tool.other]\nfail_under = 90\n",
		}, answer{rule.False, rule.NoSignal, "", 0}},
		{"fail_under_without_a_report_run", map[string]string{
			".github/workflows/ci.yml": onPR + "      - run: coverage run -m pytest\n",
			"pyproject.toml":           "[tool.coverage.report]\nfail_under = 100\n",
		}, answer{rule.False, rule.NoSignal, "", 0}},
		{"threshold_in_continue_on_error_step", map[string]string{
			".github/workflows/ci.yml": onPR + "      - run: cargo llvm-cov --fail-under-lines 80\n        continue-on-error: true\n",
		}, answer{rule.False, rule.NoSignal, ".github/workflows/ci.yml", 6}},
		{"threshold_only_on_a_schedule", map[string]string{
			".github/workflows/nightly.yml": "on:\n  schedule:\n    - cron: '0 0 * * *'\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx nyc --check-coverage --lines 90 npm test\n",
		}, answer{rule.False, rule.NoSignal, "", 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tc.files {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			fs := evalAll(t, collectDir(t, dir))[CoverageGateEnforced]
			if len(fs) == 0 {
				t.Fatal("no findings")
			}
			f := fs[0]
			t.Log(f.Message)
			got := answer{f.Outcome, f.Negative, f.Location.Path, f.Location.Line}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
