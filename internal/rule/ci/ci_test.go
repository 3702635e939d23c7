package ci

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

// verdict folds findings the way the evaluator does.
func verdict(fs []rule.Finding) rule.Outcome {
	has := map[rule.Outcome]bool{}
	for _, f := range fs {
		has[f.Outcome] = true
	}
	for _, o := range []rule.Outcome{rule.False, rule.True, rule.Error, rule.NotAvailable, rule.NotApplicable} {
		if has[o] {
			return o
		}
	}
	return ""
}

// tree writes files (path -> content) into a temporary directory.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const (
	goTestPR = `on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: go test ./...
`
	releaseGated = `on:
  push:
    tags: ["v*"]
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: go test ./...
  release:
    needs: [test]
    runs-on: ubuntu-latest
    permissions:
      contents: write
      id-token: write
    steps:
      - uses: goreleaser/goreleaser-action@9c156ee8a17a598857849441385a2041ef570552
        with:
          args: release --clean
      - uses: actions/attest-build-provenance@v2
      - uses: anchore/sbom-action@v0
`
	releaseUngated = `on:
  push:
    tags: ["v*"]
permissions: {}
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: npm publish
`
)

// imageRelease is a release that pushes an image with Docker's
// build-push-action, with the given inputs beside push.
func imageRelease(inputs string) string {
	return `on:
  release:
    types: [published]
permissions:
  packages: write
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/login-action@v3
      - name: Build and push
        uses: docker/build-push-action@v6
        with:
          push: true
          ` + inputs + `
`
}

func TestRules(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  map[string]rule.Outcome // rule -> folded verdict
		line  map[string]int          // rule -> line of the first finding
		say   map[string]string       // rule -> words its first finding of the wanted outcome says
	}{
		{
			name:  "no CI at all",
			files: map[string]string{"main.go": "package main\n"},
			want: map[string]rule.Outcome{
				TestsRunOnChanges: rule.False, TestsRunOnPullRequests: rule.False, StaticAnalysisRuns: rule.False,
				ReleaseJobDependsOnTests: rule.NotApplicable, WorkflowPermissionsLeastPrivilege: rule.NotApplicable,
				CiActionsPinned: rule.NotApplicable, CodeownersCoverBuild: rule.NotApplicable, FuzzingExists: rule.False,
			},
		},
		{
			name:  "broken workflow is an error, not a negative",
			files: map[string]string{".github/workflows/ci.yml": "on: [push\njobs: {"},
			want:  map[string]rule.Outcome{TestsRunOnChanges: rule.Error},
		},
		{
			name:  "tests on pull requests and main",
			files: map[string]string{".github/workflows/ci.yml": goTestPR},
			want: map[string]rule.Outcome{
				TestsRunOnChanges: rule.True, TestsRunOnPullRequests: rule.True,
				WorkflowPermissionsLeastPrivilege: rule.True, CiActionsPinned: rule.True,
			},
			line: map[string]int{TestsRunOnChanges: 12},
		},
		{
			name: "tests only on push",
			files: map[string]string{".github/workflows/ci.yml": `on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - run: pytest -q
`},
			want: map[string]rule.Outcome{TestsRunOnChanges: rule.False, TestsRunOnPullRequests: rule.False, WorkflowPermissionsLeastPrivilege: rule.False},
			line: map[string]int{TestsRunOnChanges: 6, WorkflowPermissionsLeastPrivilege: 1},
		},
		{
			name:  "job named test that runs nothing",
			files: map[string]string{".github/workflows/ci.yml": "on: [pull_request, push]\njobs:\n  test:\n    runs-on: x\n    steps:\n      - run: echo ok\n"},
			want:  map[string]rule.Outcome{TestsRunOnChanges: rule.False},
		},
		{
			name: "release gated, signed, with SBOM",
			files: map[string]string{
				".github/workflows/ci.yml":      goTestPR,
				".github/workflows/release.yml": releaseGated,
			},
			want: map[string]rule.Outcome{
				ReleaseJobDependsOnTests: rule.True, ReleaseSignsArtifacts: rule.True, ReleaseProducesSBOM: rule.True,
				CiActionsPinned: rule.False, WorkflowPermissionsLeastPrivilege: rule.True,
			},
			line: map[string]int{ReleaseJobDependsOnTests: 17, CiActionsPinned: 21},
		},
		{
			name: "tag release not gated, but tests run on the default branch",
			files: map[string]string{".github/workflows/release.yml": releaseUngated, ".github/workflows/ci.yml": `on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: go test ./...
`},
			want: map[string]rule.Outcome{ReleaseJobDependsOnTests: rule.NotAvailable},
			line: map[string]int{ReleaseJobDependsOnTests: 9},
		},
		{
			name: "manually dispatched release not gated, tests on the default branch",
			files: map[string]string{".github/workflows/release.yml": strings.Replace(releaseUngated, "on:\n", "on:\n  workflow_dispatch:\n", 1), ".github/workflows/ci.yml": `on:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: go test ./...
`},
			want: map[string]rule.Outcome{ReleaseJobDependsOnTests: rule.False},
		},
		{
			name:  "release not gated",
			files: map[string]string{".github/workflows/release.yml": releaseUngated},
			want:  map[string]rule.Outcome{ReleaseJobDependsOnTests: rule.False, ReleaseSignsArtifacts: rule.False, ReleaseProducesSBOM: rule.False},
			line:  map[string]int{ReleaseJobDependsOnTests: 9},
		},
		{
			name: "Azure: a build script runs the tests and the job publishes their results",
			files: map[string]string{"azure-pipelines.yml": `trigger:
- master
pool:
  vmImage: windows-2022
steps:
- pwsh: ./Build/build.ps1 -configuration Release
  displayName: Run build
- task: PublishTestResults@2
  inputs:
    testResultsFiles: '**/*.trx'
  condition: succeededOrFailed()
`},
			want: map[string]rule.Outcome{TestsRunOnChanges: rule.True, TestsRunOnPullRequests: rule.True},
			line: map[string]int{TestsRunOnChanges: 8},
		},
		{
			name: "package signed on the default branch, published by hand",
			files: map[string]string{".github/workflows/build.yml": `on:
  push:
    branches: [main]
  pull_request:
permissions: {}
jobs:
  pack:
    runs-on: windows-latest
    steps:
      - run: dotnet pack -c Release
      - run: dotnet nuget sign out/*.nupkg --certificate-path cert.pfx
        if: github.event_name != 'pull_request'
`},
			want: map[string]rule.Outcome{ReleaseSignsArtifacts: rule.True},
			line: map[string]int{ReleaseSignsArtifacts: 11},
		},
		{
			name: "signing only on pull requests signs nothing shipped",
			files: map[string]string{".github/workflows/build.yml": `on: pull_request
permissions: {}
jobs:
  pack:
    runs-on: windows-latest
    steps:
      - run: signtool sign /fd SHA256 out/app.exe
`},
			want: map[string]rule.Outcome{ReleaseSignsArtifacts: rule.NotApplicable},
		},
		{
			// hugo's image.yml: BuildKit records an SBOM when the inputs
			// say so. Its provenance is unsigned, so it signs nothing.
			name:  "image pushed with provenance and SBOM attestations",
			files: map[string]string{".github/workflows/image.yml": imageRelease("provenance: mode=max\n          sbom: true")},
			want:  map[string]rule.Outcome{ReleaseSignsArtifacts: rule.False, ReleaseProducesSBOM: rule.True},
			line:  map[string]int{ReleaseProducesSBOM: 13},
			say:   map[string]string{ReleaseSignsArtifacts: "records unsigned BuildKit provenance"},
		},
		{
			name:  "image attests through the attests input",
			files: map[string]string{".github/workflows/image.yml": imageRelease("attests: type=provenance,mode=max,type=sbom")},
			want:  map[string]rule.Outcome{ReleaseSignsArtifacts: rule.False, ReleaseProducesSBOM: rule.True},
			say:   map[string]string{ReleaseSignsArtifacts: "records unsigned BuildKit provenance"},
		},
		{
			// Turned off, or left to the action's default or an
			// expression: the workflow does not show an attestation.
			name:  "image pushed with provenance off",
			files: map[string]string{".github/workflows/image.yml": imageRelease("provenance: false\n          sbom: ${{ inputs.sbom }}")},
			want:  map[string]rule.Outcome{ReleaseSignsArtifacts: rule.False, ReleaseProducesSBOM: rule.False},
		},
		{
			// hugo's release config: built-in steps and the config's own
			// commands fetch no third-party code and have nothing to pin.
			name: "CircleCI built-in steps and own commands need no pin",
			files: map[string]string{".circleci/config.yml": `version: 2.1
commands:
  git-config:
    steps:
      - run: git config --global user.name bot
jobs:
  release:
    docker:
      - image: cimg/go:1.22@sha256:0000000000000000000000000000000000000000000000000000000000000000
    steps:
      - setup_remote_docker
      - checkout:
          path: hugo
      - git-config
      - restore_cache:
          key: x
      - persist_to_workspace:
          root: /tmp
          paths: [x]
      - run: go test ./...
workflows:
  main:
    jobs: [release]
`},
			want: map[string]rule.Outcome{CiActionsPinned: rule.NotApplicable, CiActionsAllPinned: rule.NotApplicable},
		},
		{
			name: "a CircleCI orb command is still third-party code",
			files: map[string]string{".circleci/config.yml": `version: 2.1
orbs:
  node: circleci/node@5
jobs:
  test:
    docker:
      - image: cimg/node:20.0
    steps:
      - checkout
      - node/install-packages
workflows:
  main:
    jobs: [test]
`},
			want: map[string]rule.Outcome{CiActionsPinned: rule.False, CiActionsAllPinned: rule.False},
			line: map[string]int{CiActionsPinned: 10},
		},
		{
			name:  "npm provenance signs",
			files: map[string]string{".github/workflows/release.yml": strings.Replace(releaseUngated, "npm publish", "npm test\n      - run: npm publish --provenance", 1)},
			want:  map[string]rule.Outcome{ReleaseJobDependsOnTests: rule.True, ReleaseSignsArtifacts: rule.True},
		},
		{
			name: "GitLab: stages order gates release; template SAST",
			files: map[string]string{".gitlab-ci.yml": `include:
  - template: Jobs/SAST.gitlab-ci.yml
  - project: group/ci
    ref: main
    file: /x.yml
stages: [test, release]
unit:
  stage: test
  image: golang:1.26
  script:
    - go test ./...
publish:
  stage: release
  image: golang:1.26@sha256:0000000000000000000000000000000000000000000000000000000000000000
  rules:
    - if: $CI_COMMIT_TAG
  script:
    - curl -sSL https://example.com/install.sh | sh
    - goreleaser release
`},
			want: map[string]rule.Outcome{
				TestsRunOnChanges: rule.True, ReleaseJobDependsOnTests: rule.True, StaticAnalysisRuns: rule.True,
				CiActionsPinned: rule.False, ContainerImagesPinned: rule.False, DownloadsVerified: rule.False,
				WorkflowPermissionsLeastPrivilege: rule.NotApplicable,
			},
			line: map[string]int{CiActionsPinned: 3, ContainerImagesPinned: 9, DownloadsVerified: 18, ReleaseJobDependsOnTests: 19},
		},
		{
			name: "GitLab: needs [] skips the tests",
			files: map[string]string{".gitlab-ci.yml": `unit:
  script: [make test]
deploy:
  stage: deploy
  needs: []
  script: [docker push registry.example.com/app]
`},
			want: map[string]rule.Outcome{ReleaseJobDependsOnTests: rule.False},
			line: map[string]int{ReleaseJobDependsOnTests: 6},
		},
		{
			name: "dangerous pull_request_target",
			files: map[string]string{".github/workflows/pr.yml": `on: pull_request_target
permissions: read-all
jobs:
  build:
    runs-on: self-hosted
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: |
          echo building
          echo "${{ github.event.pull_request.title }}"
      - run: echo ${{ secrets.TOKEN }}
`},
			want: map[string]rule.Outcome{
				NoUntrustedCheckoutInPrivilegedTrigger: rule.False, NoScriptInjection: rule.False,
				SelfHostedRunnersNotExposed: rule.False, SecretsNotEchoed: rule.False,
			},
			line: map[string]int{NoUntrustedCheckoutInPrivilegedTrigger: 7, NoScriptInjection: 12, SelfHostedRunnersNotExposed: 4, SecretsNotEchoed: 13},
		},
		{
			// A Python helper builds "gh pr checkout" as text for another
			// job; its lines are code, not commands this job runs.
			name: "workflow_run runs a Python helper that mentions gh pr checkout",
			files: map[string]string{".github/workflows/comment.yml": `on:
  workflow_run:
    workflows: [build]
    types: [completed]
permissions: {}
jobs:
  comment:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: python scripts/helper.py comment-details
`, "scripts/helper.py": "def config(pr):\n    return f\"gh pr checkout {pr}\"\n"},
			want: map[string]rule.Outcome{NoUntrustedCheckoutInPrivilegedTrigger: rule.True},
		},
		{
			name: "workflow_run runs a shell script that checks out the pull request",
			files: map[string]string{".github/workflows/comment.yml": `on:
  workflow_run:
    workflows: [build]
    types: [completed]
permissions: {}
jobs:
  comment:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: bash scripts/fetch
`, "scripts/fetch": "#!/usr/bin/env bash\nset -e\ngh pr checkout \"$PR\"\n"},
			want: map[string]rule.Outcome{NoUntrustedCheckoutInPrivilegedTrigger: rule.False},
			line: map[string]int{NoUntrustedCheckoutInPrivilegedTrigger: 3},
		},
		{
			name: "safe variants",
			files: map[string]string{".github/workflows/pr.yml": `on: pull_request_target
permissions: {}
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - env:
          TITLE: ${{ github.event.pull_request.title }}
        run: echo "$TITLE"
`},
			want: map[string]rule.Outcome{NoUntrustedCheckoutInPrivilegedTrigger: rule.True, NoScriptInjection: rule.True, SelfHostedRunnersNotExposed: rule.NotApplicable, SecretsNotEchoed: rule.True},
		},
		{
			name: "write-all and cloud keys",
			files: map[string]string{".github/workflows/deploy.yml": `on: push
permissions: write-all
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: ${{ secrets.AWS_KEY }}
  deploy2:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - uses: google-github-actions/auth@v2
        with:
          workload_identity_provider: projects/1/locations/global/workloadIdentityPools/p/providers/gh
`},
			want: map[string]rule.Outcome{WorkflowPermissionsLeastPrivilege: rule.False, CloudCredentialsUseOIDC: rule.False},
			line: map[string]int{WorkflowPermissionsLeastPrivilege: 2, CloudCredentialsUseOIDC: 7},
		},
		// Tests in a script one step runs, the publish command in a
		// script a later step runs: the failed test step stops the job.
		{
			name: "release job gated by an earlier script step",
			files: map[string]string{
				".github/workflows/release.yml": `on:
  push:
    tags: ["*.*.*"]
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Build and Test
        run: ./build.sh
      - name: Push
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
        run: ./push.sh
`,
				"build.sh": "#!/bin/sh\nset -e\nnpm ci\nnpm test\n",
				"push.sh":  "#!/bin/sh\nset -e\nnpm publish\n",
			},
			want: map[string]rule.Outcome{ReleaseJobDependsOnTests: rule.True},
		},
		{
			name: "publish script step before the test step",
			files: map[string]string{
				".github/workflows/release.yml": `on:
  push:
    tags: ["*.*.*"]
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Push
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
        run: ./push.sh
      - name: Build and Test
        run: ./build.sh
`,
				"build.sh": "#!/bin/sh\nset -e\nnpm ci\nnpm test\n",
				"push.sh":  "#!/bin/sh\nset -e\nnpm publish\n",
			},
			want: map[string]rule.Outcome{ReleaseJobDependsOnTests: rule.False},
		},
		{
			name: "soft test step does not gate a later publish",
			files: map[string]string{
				".github/workflows/release.yml": `on:
  push:
    tags: ["*.*.*"]
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Test
        continue-on-error: true
        run: ./build.sh
      - name: Push
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
        run: ./push.sh
`,
				"build.sh": "#!/bin/sh\nset -e\nnpm ci\nnpm test\n",
				"push.sh":  "#!/bin/sh\nset -e\nnpm publish\n",
			},
			want: map[string]rule.Outcome{ReleaseJobDependsOnTests: rule.False},
		},
		{
			// A trigger workflow calling the repository's own reusable
			// workflow by its full name runs the repository's own code.
			name: "own reusable workflow called by full name",
			files: map[string]string{
				".github/workflows/periodic-trigger.yml": `on:
  schedule: [{cron: "0 1 * * *"}]
permissions: {}
jobs:
  run:
    uses: acme/widget/.github/workflows/periodic.yml@main
`,
				".github/workflows/periodic.yml": `on:
  workflow_call:
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: azure/login@a65d910e8af852a8061c627c456678983e180302
`,
			},
			want: map[string]rule.Outcome{CiActionsPinned: rule.True},
		},
		{
			name: "third-party reusable workflow with no copy here",
			files: map[string]string{
				".github/workflows/periodic-trigger.yml": `on:
  schedule: [{cron: "0 1 * * *"}]
permissions: {}
jobs:
  run:
    uses: acme/widget/.github/workflows/periodic.yml@main
  other:
    uses: acme/widget/.github/workflows/ci.yml@main
`,
				".github/workflows/ci.yml": `on: push
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
`,
			},
			want: map[string]rule.Outcome{CiActionsPinned: rule.False},
			line: map[string]int{CiActionsPinned: 6},
		},
		{
			// A job's own permissions block replaces the top-level one, so
			// a top-level grant that reaches one job is that job's scope.
			name: "top-level write reaching one job, the other scoped",
			files: map[string]string{".github/workflows/release.yml": `on:
  push:
    branches: [main]
permissions:
  id-token: write
  contents: read
jobs:
  prepare:
    runs-on: ubuntu-latest
    steps:
      - run: make dist
  publish:
    needs: prepare
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write
    steps:
      - run: npm publish --provenance
`},
			want: map[string]rule.Outcome{WorkflowPermissionsLeastPrivilege: rule.True},
			line: map[string]int{WorkflowPermissionsLeastPrivilege: 4},
		},
		{
			name: "top-level write reaching two of three jobs",
			files: map[string]string{".github/workflows/ci.yml": `on:
  push:
    branches: [main]
permissions:
  contents: write
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: make a
  b:
    runs-on: ubuntu-latest
    steps:
      - run: make b
  c:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - run: make c
`},
			want: map[string]rule.Outcome{WorkflowPermissionsLeastPrivilege: rule.False},
			line: map[string]int{WorkflowPermissionsLeastPrivilege: 4},
		},
		{
			// A workflow that runs only on release tags grants what its
			// release jobs need: the scopes are set, not left to defaults.
			name: "top-level write in a release-only workflow",
			files: map[string]string{".github/workflows/release.yml": `on:
  push:
    tags: ["[0-9]+.[0-9]+.[0-9]+"]
  workflow_dispatch:
permissions:
  contents: write
  id-token: write
jobs:
  create:
    runs-on: ubuntu-latest
    steps:
      - run: gh release create "$GITHUB_REF_NAME"
  build:
    runs-on: ubuntu-latest
    needs: [create]
    steps:
      - run: gh release upload "$GITHUB_REF_NAME" out.tar.gz
`},
			want: map[string]rule.Outcome{WorkflowPermissionsLeastPrivilege: rule.True},
			line: map[string]int{WorkflowPermissionsLeastPrivilege: 5},
		},
		{
			// Both jobs label and comment through the API: the top-level
			// grant is what each job needs.
			name: "top-level write where every job uses the token",
			files: map[string]string{".github/workflows/triage.yml": `on:
  pull_request_review:
  pull_request:
permissions:
  contents: read
  issues: write
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/github-script@3a2844b7e9c422d3c10d287c895573f7108da1b3
        with:
          script: github.rest.issues.addLabels({})
  comment:
    runs-on: ubuntu-latest
    steps:
      - run: gh pr comment "$PR" --body done
        env:
          GH_TOKEN: ${{ github.token }}
`},
			want: map[string]rule.Outcome{WorkflowPermissionsLeastPrivilege: rule.True},
			line: map[string]int{WorkflowPermissionsLeastPrivilege: 4},
		},
		{
			// A called workflow gets no more than its caller grants: jobs
			// that call a reusable workflow asking for the scope need it.
			name: "top-level write reaching jobs that call a reusable workflow asking for it",
			files: map[string]string{
				".github/workflows/tests.yml": `on:
  pull_request:
permissions:
  contents: write
jobs:
  lint:
    uses: ./.github/workflows/script.yml
  unit:
    uses: ./.github/workflows/script.yml
`,
				".github/workflows/script.yml": `on:
  workflow_call:
jobs:
  run:
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - run: npm test
`},
			want: map[string]rule.Outcome{WorkflowPermissionsLeastPrivilege: rule.True},
		},
		{
			name: "top-level write reaching jobs that call a reusable workflow asking for less",
			files: map[string]string{
				".github/workflows/tests.yml": `on:
  pull_request:
permissions:
  contents: write
  packages: write
jobs:
  lint:
    uses: ./.github/workflows/script.yml
  unit:
    uses: ./.github/workflows/script.yml
`,
				".github/workflows/script.yml": `on:
  workflow_call:
permissions:
  contents: write
jobs:
  run:
    runs-on: ubuntu-latest
    steps:
      - run: npm test
`},
			want: map[string]rule.Outcome{WorkflowPermissionsLeastPrivilege: rule.False},
			line: map[string]int{WorkflowPermissionsLeastPrivilege: 3},
		},
		{
			// mocha: id-token: write for coverage uploads reaches every job
			// of a test workflow that publishes nothing.
			name: "top-level id-token only in a workflow that neither publishes nor logs in",
			files: map[string]string{".github/workflows/tests.yml": `on:
  pull_request:
permissions:
  contents: read
  id-token: write
jobs:
  inputs:
    runs-on: ubuntu-latest
    steps:
      - run: echo split
  test:
    runs-on: ubuntu-latest
    steps:
      - run: npm test
      - uses: codecov/codecov-action@v5
        with:
          use_oidc: true
`},
			want: map[string]rule.Outcome{WorkflowPermissionsLeastPrivilege: rule.True},
			line: map[string]int{WorkflowPermissionsLeastPrivilege: 3},
		},
		{
			// Trusted publishing trusts the workflow's identity: a test job
			// holding it could publish.
			name: "top-level id-token only in a workflow that publishes",
			files: map[string]string{".github/workflows/release.yml": `on:
  push:
    branches: [main]
permissions:
  contents: read
  id-token: write
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: npm test
  publish:
    needs: test
    runs-on: ubuntu-latest
    steps:
      - run: npm publish --provenance
`},
			want: map[string]rule.Outcome{WorkflowPermissionsLeastPrivilege: rule.False},
			line: map[string]int{WorkflowPermissionsLeastPrivilege: 4},
		},
		{
			name: "top-level id-token only in a workflow that logs in to a cloud",
			files: map[string]string{".github/workflows/deploy.yml": `on:
  push:
    branches: [main]
permissions:
  id-token: write
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502
        with:
          role-to-assume: arn:aws:iam::1:role/deploy
`},
			want: map[string]rule.Outcome{WorkflowPermissionsLeastPrivilege: rule.False},
			line: map[string]int{WorkflowPermissionsLeastPrivilege: 4},
		},
		{
			name: "top-level id-token only with a job calling another repository's workflow",
			files: map[string]string{".github/workflows/ci.yml": `on:
  pull_request:
permissions:
  id-token: write
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
  release:
    uses: org/shared/.github/workflows/release.yml@e3dd6a429d7300a6a4c196c26e071d42e0343502
`},
			want: map[string]rule.Outcome{WorkflowPermissionsLeastPrivilege: rule.False},
			line: map[string]int{WorkflowPermissionsLeastPrivilege: 3},
		},
		{
			name: "top-level write where one job does not use the token",
			files: map[string]string{".github/workflows/triage.yml": `on:
  pull_request:
permissions:
  issues: write
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/github-script@3a2844b7e9c422d3c10d287c895573f7108da1b3
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: go test ./... # not gh, nor the token
`},
			want: map[string]rule.Outcome{WorkflowPermissionsLeastPrivilege: rule.False},
			line: map[string]int{WorkflowPermissionsLeastPrivilege: 3},
		},
		{
			name: "top-level write in a workflow that also runs on pull requests",
			files: map[string]string{".github/workflows/ci.yml": `on:
  push:
    tags: ["v*"]
  pull_request:
permissions:
  contents: write
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: go test ./...
  release:
    runs-on: ubuntu-latest
    steps:
      - run: gh release create "$GITHUB_REF_NAME"
`},
			want: map[string]rule.Outcome{WorkflowPermissionsLeastPrivilege: rule.False},
			line: map[string]int{WorkflowPermissionsLeastPrivilege: 5},
		},
		{
			name: "CODEOWNERS, Dependabot, fuzzing, SAST, SCA",
			files: map[string]string{
				".github/workflows/ci.yml": goTestPR,
				".github/workflows/scan.yml": `on:
  schedule: [{cron: "0 0 * * 1"}]
  pull_request:
permissions: {}
jobs:
  scan:
    runs-on: ubuntu-latest
    steps:
      - run: govulncheck ./...
      - uses: github/codeql-action/analyze@v3
`,
				".github/CODEOWNERS":     "* @org/maintainers\n",
				".github/dependabot.yml": "version: 2\nupdates:\n  - package-ecosystem: gomod\n    directory: /\n  - package-ecosystem: github-actions\n    directory: /\n",
				"go.mod":                 "module x\n\nrequire a v1\n",
				"go.sum":                 "",
				"parse_test.go":          "package x\n\nimport \"testing\"\n\nfunc FuzzParse(f *testing.F) {}\n",
				"Dockerfile":             "FROM golang:1.26\nRUN go build\n",
			},
			want: map[string]rule.Outcome{
				CodeownersCoverBuild: rule.True, UpdateAutomationCoversEcosystems: rule.False, FuzzingExists: rule.True,
				StaticAnalysisRuns: rule.True, DependencyReviewOnChanges: rule.True, ScaScanScheduled: rule.True,
				ContainerImagesPinned: rule.False,
			},
			line: map[string]int{FuzzingExists: 5, ContainerImagesPinned: 1},
		},
		{
			name: "Renovate JSON5 covers everything",
			files: map[string]string{
				".github/workflows/ci.yml": goTestPR,
				"renovate.json5":           "{\n  // keep it all current\n  extends: ['config:recommended',],\n}\n",
				"go.mod":                   "module x\n\nrequire a v1\n",
				"Dockerfile":               "FROM golang:1.26\n",
			},
			want: map[string]rule.Outcome{UpdateAutomationCoversEcosystems: rule.True, CodeownersCoverBuild: rule.False},
		},
		{
			// vercel/ms: the script name comes from a matrix whose values
			// carry a colon (test:nodejs), next to a second matrix variable.
			name: "test script named by a matrix value",
			files: map[string]string{".github/workflows/test.yml": `on:
  push:
    branches: [main]
  pull_request:
    branches: [main]
jobs:
  test:
    name: ${{ matrix.task }} / Node ${{ matrix.node }}
    runs-on: ubuntu-latest
    strategy:
      matrix:
        node: [18, 20, 22, 24]
        task: [test:nodejs, test:edge]
    steps:
      - name: Run ${{ matrix.task }}
        run: pnpm run ${{ matrix.task }}
`},
			want: map[string]rule.Outcome{TestsRunOnChanges: rule.True, TestsRunOnPullRequests: rule.True},
			line: map[string]int{TestsRunOnChanges: 16},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := evalAll(t, collectDir(t, tree(t, tc.files)))
			gotV := map[string]rule.Outcome{}
			for id := range tc.want {
				gotV[id] = verdict(got[id])
			}
			if diff := cmp.Diff(tc.want, gotV); diff != "" {
				t.Errorf("verdicts (-want +got):\n%s", diff)
				for id := range tc.want {
					for _, f := range got[id] {
						t.Logf("%s %s %s:%d %s", id, f.Outcome, f.Location.Path, f.Location.Line, f.Message)
					}
				}
			}
			for id, line := range tc.line {
				var first *rule.Finding
				for i, f := range got[id] {
					if f.Outcome == tc.want[id] {
						first = &got[id][i]
						break
					}
				}
				if first == nil || first.Location.Line != line {
					t.Errorf("%s: want first %s finding at line %d, got %+v", id, tc.want[id], line, first)
				}
			}
			for id, words := range tc.say {
				if fs := got[id]; len(fs) == 0 || !strings.Contains(fs[0].Message, words) {
					t.Errorf("%s: want the first finding to say %q, got %+v", id, words, fs)
				}
			}
		})
	}
}

func TestRulesMetadata(t *testing.T) {
	rs, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if got := r.Evaluate(evidence.NewSet()); len(got) == 0 {
			t.Errorf("%s: no finding on empty evidence; want an explicit outcome", r.Meta().ID)
		}
	}
}

func TestDirCovered(t *testing.T) {
	tests := []struct {
		dir     string
		entries []string
		want    bool
	}{
		{".", []string{"/"}, true},
		{"web", []string{"/"}, false},
		{"web", []string{"/web"}, true},
		{"apps/a", []string{"/apps/*"}, true},
		{"apps/a/b", []string{"/apps/*"}, false},
		{"apps/a/b", []string{"/apps/**"}, true},
		{".", []string{"**/*"}, true},
		{"x/y", []string{"**/*"}, true},
		{".", []string{"/**"}, true},
	}
	for _, tc := range tests {
		if got := dirCovered(tc.dir, tc.entries); got != tc.want {
			t.Errorf("dirCovered(%q, %v) = %v, want %v", tc.dir, tc.entries, got, tc.want)
		}
	}
}

// TestContainerImageMessageSaysImageOnce: GitLab's job `image:` has the role
// "image"; the finding must not read "CI image image".
func TestContainerImageMessageSaysImageOnce(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".gitlab-ci.yml"), []byte("test:\n  image: golang:1.26\n  script:\n    - go test ./...\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := evalAll(t, collectDir(t, dir))[ContainerImagesPinned]
	if len(got) != 1 || got[0].Message != "CI image golang:1.26 is not pinned by digest" {
		t.Errorf("containerImagesPinned = %+v", got)
	}
}

func TestShellScript(t *testing.T) {
	tests := []struct {
		file, text string
		want       bool
	}{
		{"ci/build.sh", "make\n", true},
		{"scripts/test", "make test\n", true},
		{"scripts/test", "#!/bin/bash\nmake test\n", true},
		{"scripts/test", "#!/usr/bin/env -S bash -e\nmake test\n", true},
		{"scripts/gen", "#!/usr/bin/env python3\nprint(1)\n", false},
		{"scripts/helper.py", "print(1)\n", false},
		{"tools/release.js", "console.log(1)\n", false},
		{"build.ps1", "Write-Host hi\n", true},
	}
	for _, tt := range tests {
		if got := shellScript(tt.file, tt.text); got != tt.want {
			t.Errorf("shellScript(%q, %q) = %v, want %v", tt.file, tt.text, got, tt.want)
		}
	}
}

func TestJobUsesToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		step evidence.CIStep
		want bool
	}{
		{"github-script", evidence.CIStep{Uses: "actions/github-script@v7"}, true},
		{"gh cli", evidence.CIStep{Run: "set -e\ngh release upload v1 out.tgz"}, true},
		{"token input", evidence.CIStep{Uses: "peter-evans/create-pull-request@v6", With: map[string]string{"token": "${{ secrets.GITHUB_TOKEN }}"}}, true},
		{"token env", evidence.CIStep{Run: "./notify.sh", Env: map[string]string{"GH_TOKEN": "${{ github.token }}"}}, true},
		{"checkout only", evidence.CIStep{Uses: "actions/checkout@v4"}, false},
		{"word ending in gh", evidence.CIStep{Run: "make high && echo enough"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := jobUsesToken(evidence.CIJob{Steps: []evidence.CIStep{tc.step}}); got != tc.want {
				t.Errorf("jobUsesToken = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestRunMatchMemo checks that the memoised answer is the computed one,
// whether it comes from the memo or not, and that the memo stays bounded.
func TestRunMatchMemo(t *testing.T) {
	texts := []string{"go test ./...", "# go test\necho hi", "echo hi", "make lint\n  go  test -race ./..."}
	for _, text := range texts {
		want := -1
		for _, loc := range tests.run.FindAllStringIndex(text, 50) {
			if !evidence.InShellComment(text, loc[0]) {
				want = loc[0]
				break
			}
		}
		for i := range 2 {
			if got := runMatch(tests.run, text); got != want {
				t.Errorf("runMatch(%q) call %d = %d, want %d", text, i, got, want)
			}
		}
	}
	big := strings.Repeat("x", maxMemoBytes/2+1)
	runMatch(tests.run, big)
	runMatch(tests.run, big+"y")
	runMemo.mu.Lock()
	n := runMemo.bytes
	runMemo.mu.Unlock()
	if n > maxMemoBytes {
		t.Errorf("memo holds %d bytes, more than %d", n, maxMemoBytes)
	}
}
