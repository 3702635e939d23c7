package ci

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/assaysec/assay/internal/rule"
)

const corpus = "../../../../shared/corpus/workflows"

// TestCorpusFixtures places each Scorecard or zizmor fixture in an empty
// repository as its only workflow and checks the verdict and the lines of
// the findings. Fixtures without a known verdict for these rules, or out of
// scope (see the package notes), are not listed.
func TestCorpusFixtures(t *testing.T) {
	if _, err := os.Stat(corpus); err != nil {
		t.Skip("shared corpus not present")
	}
	tests := []struct {
		file  string
		rule  string
		want  rule.Outcome
		lines []int // lines of the findings with outcome want
	}{
		// Scorecard Dangerous-Workflow.
		{"scorecard/checks/github-workflow-dangerous-pattern-untrusted-checkout.yml", NoUntrustedCheckoutInPrivilegedTrigger, rule.False, []int{22}},
		{"scorecard/checks/github-workflow-dangerous-pattern-untrusted-checkout-workflow_run.yml", NoUntrustedCheckoutInPrivilegedTrigger, rule.False, []int{23}},
		{"scorecard/checks/github-workflow-dangerous-pattern-default-checkout.yml", NoUntrustedCheckoutInPrivilegedTrigger, rule.True, nil},
		{"scorecard/checks/github-workflow-dangerous-pattern-trusted-checkout.yml", NoUntrustedCheckoutInPrivilegedTrigger, rule.True, nil},
		{"scorecard/checks/github-workflow-dangerous-pattern-safe-trigger.yml", NoUntrustedCheckoutInPrivilegedTrigger, rule.NotApplicable, nil},
		{"scorecard/checks/github-workflow-dangerous-pattern-untrusted-script-injection.yml", NoScriptInjection, rule.False, []int{27}},
		{"scorecard/checks/github-workflow-dangerous-pattern-untrusted-inline-script-injection.yml", NoScriptInjection, rule.False, []int{28}},
		{"scorecard/checks/github-workflow-dangerous-pattern-untrusted-multiple-script-injection.yml", NoScriptInjection, rule.False, []int{27, 32}},
		{"scorecard/checks/github-workflow-dangerous-pattern-untrusted-script-injection-tojson.yml", NoScriptInjection, rule.False, []int{23}},
		{"scorecard/checks/github-workflow-dangerous-pattern-untrusted-script-injection-wildcard.yml", NoScriptInjection, rule.False, []int{27}},
		{"scorecard/checks/github-workflow-dangerous-pattern-trusted-script-injection.yml", NoScriptInjection, rule.True, nil},
		// Scorecard Token-Permissions.
		{"scorecard/checks/github-workflow-permissions-absent.yaml", WorkflowPermissionsLeastPrivilege, rule.False, []int{1}},
		{"scorecard/checks/github-workflow-permissions-writeall.yaml", WorkflowPermissionsLeastPrivilege, rule.False, nil},
		{"scorecard/checks/github-workflow-permissions-readall.yaml", WorkflowPermissionsLeastPrivilege, rule.True, nil},
		{"scorecard/checks/github-workflow-permissions-none.yaml", WorkflowPermissionsLeastPrivilege, rule.True, nil},
		// Scorecard SAST.
		{"scorecard/checks/github-workflow-sast-codeql.yaml", StaticAnalysisRuns, rule.True, nil},
		{"scorecard/checks/github-workflow-sast-no-codeql.yaml", StaticAnalysisRuns, rule.False, nil},
		// Scorecard Pinned-Dependencies.
		// Actions owned by GitHub are allowed by tag (see ciActionsPinned): true, saying how many.
		{"scorecard/raw/workflow-not-pinned.yaml", CiActionsPinned, rule.True, nil},
		{"scorecard/raw/workflow-mix-pinned-and-non-pinned-non-github.yaml", CiActionsPinned, rule.False, []int{41}},
		{"scorecard/raw/workflow-non-github-pinned.yaml", CiActionsPinned, rule.True, nil},
		{"scorecard/raw/workflow-local-action.yaml", CiActionsPinned, rule.NotApplicable, nil},
		{"scorecard/raw/github-workflow-curl-default.yaml", DownloadsVerified, rule.False, []int{50}},
		{"scorecard/raw/github-workflow-download-lines.yaml", DownloadsVerified, rule.False, []int{32, 27}},
		// zizmor.
		{"zizmor/test-data/template-injection.yml", NoScriptInjection, rule.False, []int{16}},
		{"zizmor/test-data/template-injection/dataflow.yml", NoScriptInjection, rule.False, []int{21, 22, 28, 29}},
		{"zizmor/test-data/template-injection/false-positive-menagerie.yml", NoScriptInjection, rule.True, nil},
		{"zizmor/test-data/template-injection/patterns.yml", NoScriptInjection, rule.True, nil},
		{"zizmor/test-data/excessive-permissions/workflow-write-all.yml", WorkflowPermissionsLeastPrivilege, rule.False, []int{5}},
		{"zizmor/test-data/excessive-permissions/workflow-default-perms.yml", WorkflowPermissionsLeastPrivilege, rule.False, []int{1}},
		{"zizmor/test-data/excessive-permissions/jobs-broaden-permissions.yml", WorkflowPermissionsLeastPrivilege, rule.False, []int{20}},
		{"zizmor/test-data/excessive-permissions/workflow-empty-perms.yml", WorkflowPermissionsLeastPrivilege, rule.True, nil},
		{"zizmor/test-data/excessive-permissions/workflow-read-all.yml", WorkflowPermissionsLeastPrivilege, rule.True, nil},
		{"zizmor/test-data/excessive-permissions/workflow-default-perms-all-jobs-explicit.yml", WorkflowPermissionsLeastPrivilege, rule.True, nil},
		{"zizmor/test-data/unpinned-uses/menagerie-of-uses.yml", CiActionsPinned, rule.False, []int{22}},
		{"zizmor/test-data/unpinned-uses/reusable-workflow-unpinned.yml", CiActionsPinned, rule.False, []int{17, 21}},
		{"zizmor/test-data/unpinned-uses/issue-433-repro.yml", CiActionsPinned, rule.NotApplicable, nil},
		{"zizmor/test-data/unpinned-images/issue-1942-repro.yml", ContainerImagesPinned, rule.False, []int{13}},
		{"zizmor/test-data/dangerous-triggers/actions-labeler.yml", NoUntrustedCheckoutInPrivilegedTrigger, rule.True, nil},
	}
	for _, tc := range tests {
		t.Run(tc.file+"/"+tc.rule, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpus, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			dir := tree(t, map[string]string{".github/workflows/" + filepath.Base(tc.file): string(data)})
			fs := evalAll(t, collectDir(t, dir))[tc.rule]
			if got := verdict(fs); got != tc.want {
				t.Fatalf("verdict %s, want %s: %+v", got, tc.want, fs)
			}
			if tc.lines == nil {
				return
			}
			var lines []int
			for _, f := range fs {
				if f.Outcome == tc.want {
					lines = append(lines, f.Location.Line)
				}
			}
			if !slices.Equal(lines, tc.lines) {
				t.Errorf("lines %v, want %v", lines, tc.lines)
			}
		})
	}
}

// TestCorpusRealWorkflows checks what the complete workflow sets of mature
// projects prove.
func TestCorpusRealWorkflows(t *testing.T) {
	if _, err := os.Stat(corpus); err != nil {
		t.Skip("shared corpus not present")
	}
	tests := []struct {
		repo string
		want map[string]rule.Outcome
	}{
		{"ossf+scorecard", map[string]rule.Outcome{TestsRunOnChanges: rule.True, StaticAnalysisRuns: rule.True, DependencyReviewOnChanges: rule.True, ReleaseSignsArtifacts: rule.True, CiActionsPinned: rule.True, NoScriptInjection: rule.True}},
		{"sigstore+sigstore-go", map[string]rule.Outcome{TestsRunOnChanges: rule.True, StaticAnalysisRuns: rule.True, CiActionsPinned: rule.False}},
		{"anchore+grype", map[string]rule.Outcome{TestsRunOnChanges: rule.True, CiActionsPinned: rule.True, WorkflowPermissionsLeastPrivilege: rule.True}},
		{"zizmorcore+zizmor", map[string]rule.Outcome{TestsRunOnChanges: rule.True, CiActionsPinned: rule.True, ReleaseSignsArtifacts: rule.False}},
		{"google+osv-scanner", map[string]rule.Outcome{ScaScanScheduled: rule.True, NoUntrustedCheckoutInPrivilegedTrigger: rule.NotApplicable}},
	}
	for _, tc := range tests {
		t.Run(tc.repo, func(t *testing.T) {
			files := map[string]string{}
			src := filepath.Join(corpus, "real", tc.repo)
			entries, err := os.ReadDir(src)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				data, err := os.ReadFile(filepath.Join(src, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				files[".github/workflows/"+e.Name()] = string(data)
			}
			got := evalAll(t, collectDir(t, tree(t, files)))
			for id, want := range tc.want {
				if v := verdict(got[id]); v != want {
					t.Errorf("%s = %s, want %s: %+v", id, v, want, got[id])
				}
			}
		})
	}
}
