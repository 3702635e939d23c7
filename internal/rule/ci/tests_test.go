package ci

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

// TestTestCommandRecognition: test commands behind wrappers, inline
// assignments, variables, matrix values, task runners and scripts.
func TestTestCommandRecognition(t *testing.T) {
	tests := []struct {
		run    string
		env    map[string]string
		matrix map[string][]string
		line   int // 0: not recognised
	}{
		{run: "${{ env.CARGO }} test --all", env: map[string]string{"CARGO": "cargo"}, line: 1},
		{run: "$BUILD_CMD test", line: 1},
		{run: "echo hi\n${{ matrix.cmd }}", matrix: map[string][]string{"cmd": {"npm run lint", "npm test"}}, line: 2},
		{run: "${{ matrix.cmd }}", matrix: map[string][]string{"cmd": {"npm run lint", "npm run build"}}},
		{run: "CGO_ENABLED=1 go test -race ./...", line: 1},
		{run: "env GOFLAGS=-mod=mod go test ./...", line: 1},
		{run: "uv run --locked --no-default-groups --group dev tox run", line: 1},
		{run: "poetry run pytest", line: 1},
		{run: "hatch run test:cov", line: 1},
		{run: "nox -s tests", line: 1},
		{run: "tox -e py312", line: 1},
		{run: "pipx run nox", line: 1},
		{run: "uvx nox -s test", line: 1},
		{run: "xvfb-run -a npm test", line: 1},
		{run: "make ci", line: 1},
		{run: "just test", line: 1},
		{run: "mage -v check", line: 1}, // hugo: Magefile targets, like make and just
		{run: "mage -v test", line: 1},
		{run: "mage testRace", line: 1},
		{run: "mage -v hugo"},
		{run: "mage install"},
		{run: "bundle exec rake", line: 1},
		{run: "bundle exec rspec", line: 1},
		{run: "pnpm run test:unit", line: 1},
		{run: "yarn jest --ci", line: 1},
		{run: "npm run coverage", line: 1},
		{run: "deno test -A", line: 1},
		{run: "cargo hack test --feature-powerset", line: 1},
		{run: "./gradlew check", line: 1},
		{run: "./mvnw -B verify", line: 1},
		{run: "bazel test //...", line: 1},
		{run: "cd build && ctest --output-on-failure", line: 1},
		{run: "vendor/bin/phpunit", line: 1},
		{run: "composer test", line: 1},
		{run: "composer exec phpunit -- --exclude-group Elasticsearch", line: 1}, // monolog
		{run: "composer exec -v -- phpunit", line: 1},
		{run: "composer exec phpstan analyse"},
		{run: "vendor/bin/simple-phpunit --verbose", line: 1}, // the Symfony PHPUnit bridge
		{run: "vendor/bin/paratest -p4", line: 1},
		{run: "php vendor/bin/codecept run unit", line: 1},
		{run: "bin/phpspec run --format=dot", line: 1},
		{run: "php -d memory_limit=-1 vendor/bin/phpunit", line: 1},
		{run: "php artisan test --parallel", line: 1},
		{run: "php bin/console lint:yaml config"},
		{run: "scripts/test", line: 1},
		{run: "ci/test-linux.sh", line: 1},
		{run: "./test.sh", line: 1},
		{run: "${PREFIX}coverage run -m pytest \"$@\"", line: 1},
		// Not tests: a server whose name mentions test, the test builtin, lint.
		{run: "node tests/server.js &\n./vendor/bin/http_test_server &"},
		{run: "test -f go.mod && echo ok"},
		{run: "scripts/check"},
		{run: "npm run lint"},
	}
	for _, tc := range tests {
		l, _ := tests0().matchVars(evidence.CIStep{Run: tc.run, RunLine: 1}, tc.env, tc.matrix)
		if l != tc.line {
			t.Errorf("%q: line %d, want %d", tc.run, l, tc.line)
		}
	}
}

func tests0() recogniser { return tests }

func TestTestsTriggersAndOutcomes(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		defaultB string // origin/HEAD branch
		want     map[string]rule.Outcome
		negative map[string]rule.Negative
		line     map[string]int
	}{
		{
			name: "push with a branches key and no value, default branch from git",
			files: map[string]string{".github/workflows/ci.yml": `name: CI
on:
  push:
    branches:
  pull_request:
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - run: vendor/bin/phpunit
`},
			defaultB: "7.8",
			want:     map[string]rule.Outcome{TestsRunOnChanges: rule.True},
			line:     map[string]int{TestsRunOnChanges: 10},
		},
		{
			name: "glob branch filter matches a numbered default branch",
			files: map[string]string{".github/workflows/ci.yml": `on:
  push:
    branches: ['2.*']
  pull_request:
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - run: go test ./...
`},
			defaultB: "2.x",
			want:     map[string]rule.Outcome{TestsRunOnChanges: rule.True},
		},
		{
			name: "branch filter that misses the default branch",
			files: map[string]string{".github/workflows/ci.yml": `on:
  push:
    branches: [release]
  pull_request:
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - run: go test ./...
`},
			defaultB: "main",
			want:     map[string]rule.Outcome{TestsRunOnChanges: rule.False, TestsRunOnPullRequests: rule.True, TestsRunOnDefaultBranch: rule.False},
			negative: map[string]rule.Negative{TestsRunOnChanges: rule.NoSignal, TestsRunOnDefaultBranch: rule.NoSignal},
		},
		{
			// rich: tests on pull requests only.
			name: "pull requests only",
			files: map[string]string{".github/workflows/ci.yml": `on: [pull_request]
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - run: pytest tests -v
`},
			want:     map[string]rule.Outcome{TestsRunOnChanges: rule.False, TestsRunOnPullRequests: rule.True, TestsRunOnDefaultBranch: rule.False},
			negative: map[string]rule.Negative{TestsRunOnDefaultBranch: rule.NoSignal},
			line:     map[string]int{TestsRunOnPullRequests: 6},
		},
		{
			name: "pushes only",
			files: map[string]string{".github/workflows/ci.yml": `on: [push]
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - run: go test ./...
`},
			want:     map[string]rule.Outcome{TestsRunOnChanges: rule.False, TestsRunOnPullRequests: rule.False, TestsRunOnDefaultBranch: rule.True},
			negative: map[string]rule.Negative{TestsRunOnPullRequests: rule.NoSignal},
			line:     map[string]int{TestsRunOnDefaultBranch: 6},
		},
		{
			name: "continue-on-error tests are not decisive",
			files: map[string]string{".github/workflows/ci.yml": `on: [push, pull_request]
jobs:
  t:
    runs-on: ubuntu-latest
    continue-on-error: true
    steps:
      - run: pytest
`},
			want:     map[string]rule.Outcome{TestsRunOnChanges: rule.False, TestsRunOnPullRequests: rule.False},
			negative: map[string]rule.Negative{TestsRunOnChanges: rule.NoSignal},
			line:     map[string]int{TestsRunOnChanges: 7},
		},
		{
			name: "GitLab allow_failure tests are not decisive",
			files: map[string]string{".gitlab-ci.yml": `test:
  allow_failure: true
  script:
    - go test ./...
`},
			want: map[string]rule.Outcome{TestsRunOnPullRequests: rule.False},
		},
		{
			name:     "no CI of any kind is a violation",
			files:    map[string]string{"README.md": "hi\n"},
			want:     map[string]rule.Outcome{TestsRunOnChanges: rule.False, DependencyReviewOnChanges: rule.False},
			negative: map[string]rule.Negative{TestsRunOnChanges: rule.Violation, DependencyReviewOnChanges: rule.NoSignal},
		},
		{
			name:     "CI without a recognised test command is no signal",
			files:    map[string]string{".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo build\n"},
			want:     map[string]rule.Outcome{TestsRunOnChanges: rule.False},
			negative: map[string]rule.Negative{TestsRunOnChanges: rule.NoSignal},
		},
		{
			name:  "a CI system that is detected but not parsed",
			files: map[string]string{"Jenkinsfile": "pipeline {}\n", "disabled.appveyor.yml": "x: 1\n"},
			want:  map[string]rule.Outcome{TestsRunOnChanges: rule.NotAvailable, DependencyReviewOnChanges: rule.NotAvailable},
		},
		{
			// Broken CI is not "no CI": every rule that would say so points
			// at the parse problems instead.
			name:  "CI files that cannot be parsed",
			files: map[string]string{".travis.yml": "language: node_js\nscript: [\n", ".circleci/config.yml": "version: 2.1\njobs: {a: [}\n"},
			want: map[string]rule.Outcome{TestsRunOnChanges: rule.Error, DependencyReviewOnChanges: rule.Error,
				StaticAnalysisRuns: rule.Error, ScaScanScheduled: rule.Error, ReleaseJobDependsOnTests: rule.Error},
		},
		{
			name:  "a broken workflow is not an absent one",
			files: map[string]string{".github/workflows/ci.yml": "on: push\njobs: [\n"},
			want:  map[string]rule.Outcome{WorkflowPermissionsLeastPrivilege: rule.Error, TestsRunOnChanges: rule.Error},
		},
		{
			name:  "broken Travis with no workflows: token scopes are not observable",
			files: map[string]string{".travis.yml": "script: [\n"},
			want:  map[string]rule.Outcome{WorkflowPermissionsLeastPrivilege: rule.NotAvailable},
		},
		{
			name:     "no CI at all",
			files:    map[string]string{"README.md": "x\n"},
			want:     map[string]rule.Outcome{TestsRunOnChanges: rule.False, DependencyReviewOnChanges: rule.False},
			negative: map[string]rule.Negative{TestsRunOnChanges: rule.Violation, DependencyReviewOnChanges: rule.NoSignal},
		},
		{
			name:  "Travis node_js runs npm test by default",
			files: map[string]string{".travis.yml": "language: node_js\nnode_js:\n  - 18\nafter_script:\n  - npm run test-cov\n"},
			want:  map[string]rule.Outcome{TestsRunOnChanges: rule.True, TestsRunOnPullRequests: rule.True},
			line:  map[string]int{TestsRunOnChanges: 1},
		},
		{
			name:  "Travis after_script tests are not decisive",
			files: map[string]string{".travis.yml": "language: python\nscript:\n  - echo ok\nafter_script:\n  - pytest\n"},
			want:  map[string]rule.Outcome{TestsRunOnChanges: rule.False},
		},
		{
			name: "CircleCI workflow job runs tests",
			files: map[string]string{".circleci/config.yml": `version: 2.1
jobs:
  test:
    docker:
      - image: cimg/go:1.22
    steps:
      - checkout
      - run:
          name: tests
          command: go test ./...
workflows:
  main:
    jobs:
      - test
`},
			want: map[string]rule.Outcome{TestsRunOnChanges: rule.True},
			line: map[string]int{TestsRunOnChanges: 10},
		},
		{
			name: "Azure Pipelines script and trigger",
			files: map[string]string{"azure-pipelines.yml": `trigger:
  - main
pr:
  - main
steps:
  - script: dotnet test
    displayName: test
`},
			want: map[string]rule.Outcome{TestsRunOnChanges: rule.True},
			line: map[string]int{TestsRunOnChanges: 6},
		},
		{
			name: "Azure Pipelines with triggers off",
			files: map[string]string{"azure-pipelines.yml": `trigger: none
pr: none
steps:
  - script: dotnet test
`},
			want: map[string]rule.Outcome{TestsRunOnChanges: rule.False},
		},
		{
			name: "cargo-deny with continue-on-error still vets dependencies",
			files: map[string]string{".github/workflows/ci.yml": `on:
  push:
    branches: [main]
  pull_request: {}
jobs:
  deny:
    runs-on: ubuntu-latest
    continue-on-error: ${{ matrix.checks == 'advisories' }}
    strategy:
      matrix:
        checks: [advisories, bans licenses sources]
    steps:
      - uses: EmbarkStudios/cargo-deny-action@v2
        with:
          command: check ${{ matrix.checks }}
`},
			want: map[string]rule.Outcome{DependencyReviewOnChanges: rule.True},
			line: map[string]int{DependencyReviewOnChanges: 13},
		},
		{
			name:     "no vetting step is no signal",
			files:    map[string]string{".github/workflows/ci.yml": goTestPR},
			want:     map[string]rule.Outcome{DependencyReviewOnChanges: rule.False},
			negative: map[string]rule.Negative{DependencyReviewOnChanges: rule.NoSignal},
		},
	}
	rs, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	metas := map[string]rule.Meta{}
	for _, r := range rs {
		metas[r.Meta().ID] = r.Meta()
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := collectDir(t, tree(t, tc.files))
			if tc.defaultB != "" {
				setDefaultBranch(ev, tc.defaultB)
			}
			got := evalAll(t, ev)
			for id, want := range tc.want {
				fs := got[id]
				if len(fs) == 0 {
					t.Fatalf("%s: no findings", id)
				}
				if diff := cmp.Diff(want, fs[0].Outcome); diff != "" {
					t.Errorf("%s outcome (-want +got):\n%s\n%s", id, diff, fs[0].Message)
				}
				if n, ok := tc.negative[id]; ok {
					if g := rule.NegativeOf(fs[0], metas[id]); g != n {
						t.Errorf("%s negative = %s, want %s (%s)", id, g, n, fs[0].Message)
					}
				}
				if l, ok := tc.line[id]; ok && fs[0].Location.Line != l {
					t.Errorf("%s line = %d, want %d (%s)", id, fs[0].Location.Line, l, fs[0].Message)
				}
			}
		})
	}
}

// setDefaultBranch records a default branch as the collector would from
// origin/HEAD.
func setDefaultBranch(ev *evidence.Set, b string) {
	out := evidence.NewSet()
	for _, r := range ev.Records() {
		if s, ok := r.Fact.(evidence.CIScan); ok {
			s.DefaultBranch, s.DefaultBranchFrom = b, "origin/HEAD"
			r.Fact = s
		}
		out.Add(r)
	}
	*ev = *out
}

// TestPrintsToLog: an echo of a secret reaches the build log unless its
// output goes to a file or into another program.
func TestPrintsToLog(t *testing.T) {
	tests := []struct {
		command string
		want    bool
	}{
		{`echo ${{ secrets.TOKEN }}`, true},
		{`echo "key: $GPG_SIGNING_KEY"`, true},
		{`echo "$GPG_SIGNING_KEY" >&2`, true},
		{`printf '%s' "$KEY" 1>/dev/stderr`, true},
		{`echo "$KEY" | tee key.asc`, true},
		{`echo "$KEY" && echo done > log.txt`, true},
		{`echo "$GPG_SIGNING_KEY" > ~/.gnupg/private.key`, false},
		{`echo "TOKEN=${{ secrets.TOKEN }}" >> "$GITHUB_ENV"`, false},
		{`echo "${{ secrets.CERT }}" | base64 --decode > cert.p12`, false},
		{`echo "$TOKEN" | docker login ghcr.io -u bot --password-stdin`, false},
		{`echo "$KEY" | tee key.asc > /dev/null`, false},
		{`echo "::add-mask::${{ secrets.TOKEN }}"`, false},
		{`echo "a > b | c $KEY"`, true},
	}
	for _, tc := range tests {
		if got := printsToLog(tc.command); got != tc.want {
			t.Errorf("printsToLog(%q) = %v, want %v", tc.command, got, tc.want)
		}
	}
}
