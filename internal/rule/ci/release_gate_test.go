package ci

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/rule"
)

// An ungated release job is a violation only when nothing in CI tests the
// commits it releases; when tests run on pull requests or the default
// branch in another workflow, the order is merely not enforced, and
// whether the released commit passed is a forge record.
func TestReleaseGateNegative(t *testing.T) {
	testsOnPR := `on:
  pull_request:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: go test ./...
`
	tests := []struct {
		name     string
		files    map[string]string
		outcome  rule.Outcome
		negative rule.Negative
		says     string
	}{
		{
			name:    "tag-only release, tests in another workflow on the default branch",
			files:   map[string]string{".github/workflows/release.yml": releaseUngated, ".github/workflows/test.yml": testsOnPR},
			outcome: rule.NotAvailable,
			says:    "runs only for release tags and tests run on pushes to the default branch (go test ./..., .github/workflows/test.yml:9)",
		},
		{
			name: "release on pushes to main, tests in another workflow",
			files: map[string]string{".github/workflows/test.yml": testsOnPR, ".github/workflows/release.yml": `on:
  push:
    branches: [main]
permissions: {}
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: npm publish
`},
			outcome:  rule.False,
			negative: rule.NoSignal,
			says:     "though tests run on pull requests and the default branch (go test ./..., .github/workflows/test.yml:9)",
		},
		{
			name:     "no tests anywhere in CI",
			files:    map[string]string{".github/workflows/release.yml": releaseUngated},
			outcome:  rule.False,
			negative: rule.Violation,
			says:     "no CI job runs tests on pull requests or the default branch",
		},
		{
			name: "release job needs the tests",
			files: map[string]string{".github/workflows/release.yml": `on:
  push:
    tags: ["v*"]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: npm test
  release:
    needs: test
    runs-on: ubuntu-latest
    steps:
      - run: npm publish
`},
			outcome: rule.True,
			says:    `needs "test"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := evalAll(t, collectDir(t, tree(t, tc.files)))[ReleaseJobDependsOnTests]
			if len(got) != 1 {
				t.Fatalf("want one finding, got %+v", got)
			}
			f := got[0]
			if diff := cmp.Diff([]any{tc.outcome, tc.negative}, []any{f.Outcome, f.Negative}); diff != "" {
				t.Errorf("outcome, negative (-want +got):\n%s\nmessage: %s", diff, f.Message)
			}
			if !strings.Contains(f.Message, tc.says) {
				t.Errorf("message %q does not say %q", f.Message, tc.says)
			}
		})
	}
}

// GitHub's own actions on a tag are trusted as platform for 1.2.2's
// component integrity, but for 2.2.2 a tag is a change to the build that
// no reviewed commit here makes.
func TestGitHubOwnedActionsOnTags(t *testing.T) {
	files := map[string]string{".github/workflows/ci.yml": `on: push
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: acme/lint@0123456789abcdef0123456789abcdef01234567
      - run: make test
`}
	got := evalAll(t, collectDir(t, tree(t, files)))
	if v := verdict(got[CiActionsPinned]); v != rule.True {
		t.Errorf("%s = %s, want true: %+v", CiActionsPinned, v, got[CiActionsPinned])
	}
	strict := got[CiActionsAllPinned]
	if len(strict) != 1 || strict[0].Outcome != rule.False || strict[0].Negative != rule.Violation || strict[0].Location.Line != 7 {
		t.Errorf("%s: want one violation at line 7, got %+v", CiActionsAllPinned, strict)
	}
}
