package ghactions

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/parse/ciyaml"
)

const workflow = `name: CI
on:
  push:
    branches: [main]
    tags: ["v*"]
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: [self-hosted, linux]
    container: golang:1.26
    steps:
      - uses: actions/checkout@v4
        with:
          ref: main
      - name: Test
        run: |
          go vet ./...
          go test ./...
  release:
    needs: test
    permissions: write-all
    uses: ./.github/workflows/release.yml
    secrets: inherit
`

func TestParseWorkflow(t *testing.T) {
	got, err := ParseWorkflow(".github/workflows/ci.yml", []byte(workflow))
	if err != nil {
		t.Fatal(err)
	}
	want := evidence.CIPipeline{
		Path: ".github/workflows/ci.yml", System: evidence.CIGitHubActions, Name: "CI",
		Triggers: []evidence.CITrigger{
			{Event: "push", Line: 3, Branches: []string{"main"}, Tags: []string{"v*"}},
			{Event: "pull_request", Line: 6},
		},
		Permissions: &evidence.CIPermissions{Line: 7, Scopes: map[string]string{"contents": "read"}},
		Jobs: []evidence.CIJob{
			{
				ID: "test", Line: 10, RunsOn: []string{"self-hosted", "linux"},
				Images: []evidence.CIImage{{Ref: "golang:1.26", Line: 12, Role: "container"}},
				Steps: []evidence.CIStep{
					{Line: 14, Uses: "actions/checkout@v4", With: map[string]string{"ref": "main"}},
					{Line: 17, Name: "Test", Run: "go vet ./...\ngo test ./...\n", RunLine: 19},
				},
			},
			{
				ID: "release", Line: 21, Needs: []string{"test"}, NeedsSet: true,
				Permissions: &evidence.CIPermissions{Line: 23, All: "write-all", Scopes: map[string]string{}},
				Uses:        "./.github/workflows/release.yml", UsesLine: 24, SecretsInherit: true,
			},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseWorkflowErrors(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"empty", "", "empty workflow"},
		{"not a mapping", "- a\n- b\n", "want a mapping"},
		{"syntax", "on: push\njobs:\n  a: [\n", "line"},
		{"no jobs or on", "name: x\n", "line 1"},
		{"alias bomb", "a: &a [x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x]\n" + strings.Repeat("", 0) + bomb(), "aliases"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseWorkflow("w.yml", []byte(tc.doc))
			var ye *ciyaml.Error
			if err == nil || !errors.As(err, &ye) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want *ciyaml.Error containing %q", err, tc.want)
			}
		})
	}
}

func bomb() string {
	var b strings.Builder
	prev := "a"
	for i := range 20 {
		n := string(rune('b' + i))
		b.WriteString(n + ": &" + n + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+",", 6), ",") + "]\n")
		prev = n
	}
	return b.String()
}

func TestParseAction(t *testing.T) {
	doc := "name: setup\nruns:\n  using: composite\n  steps:\n    - uses: owner/tool@v1\n      with: {version: 2}\n    - run: |\n        curl -sSL https://x | sh\n      shell: bash\n"
	p, composite, err := ParseAction("action.yml", []byte(doc))
	if err != nil || !composite {
		t.Fatalf("composite %v err %v", composite, err)
	}
	want := []evidence.CIStep{
		{Line: 5, Uses: "owner/tool@v1", With: map[string]string{"version": "2"}},
		{Line: 7, Run: "curl -sSL https://x | sh\n", RunLine: 8},
	}
	if diff := cmp.Diff(want, p.Jobs[0].Steps); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	p, composite, err = ParseAction("action.yml", []byte("runs:\n  using: docker\n  image: docker://alpine:3\n"))
	if err != nil || composite || p.Jobs[0].Images[0].Ref != "alpine:3" {
		t.Errorf("docker action: %+v %v %v", p, composite, err)
	}
	if _, _, err := ParseAction("action.yml", []byte("runs:\n  main: x.js\n")); err == nil {
		t.Error("want error for runs: without using:")
	}
}

// TestCorpusParses parses every workflow of the real workflow sets; none
// may fail.
func TestCorpusParses(t *testing.T) {
	root := "../../../../shared/corpus/workflows/real"
	files, _ := filepath.Glob(filepath.Join(root, "*", "*.y*ml"))
	if len(files) == 0 {
		t.Skip("shared corpus not present")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := ParseWorkflow(f, data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if len(p.Jobs) == 0 || len(p.Triggers) == 0 {
			t.Errorf("%s: %d jobs, %d triggers", f, len(p.Jobs), len(p.Triggers))
		}
	}
}

func FuzzParseWorkflow(f *testing.F) {
	f.Add([]byte(workflow))
	f.Add([]byte("on: [push]\njobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n"))
	f.Add([]byte("x: &x {on: push}\n<<: *x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParseWorkflow("w.yml", data)
	})
}

func FuzzParseAction(f *testing.F) {
	f.Add([]byte("runs:\n  using: composite\n  steps:\n    - run: echo\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, _ = ParseAction("action.yml", data)
	})
}

// TestParseWorkflowMatrix checks that matrix values are kept as the runner
// substitutes them: unquoted, from rows and include entries alike.
func TestParseWorkflowMatrix(t *testing.T) {
	tests := []struct {
		name     string
		strategy string
		want     map[string][]string
	}{
		{
			name:     "flow_sequence_with_colons",
			strategy: "      matrix:\n        node: [18, 20]\n        task: [test:nodejs, test:edge]\n",
			want:     map[string][]string{"node": {"18", "20"}, "task": {"test:nodejs", "test:edge"}},
		},
		{
			name:     "quoted_values_and_include",
			strategy: "      matrix:\n        cmd: [\"npm test\"]\n        include:\n          - cmd: 'npm run lint'\n",
			want:     map[string][]string{"cmd": {"npm test", "npm run lint"}},
		},
		{
			name:     "expression_rows_are_not_values",
			strategy: "      matrix:\n        os: ${{ fromJSON(inputs.os) }}\n",
			want:     nil,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wf := "on: push\njobs:\n  t:\n    runs-on: x\n    strategy:\n" + tc.strategy + "    steps:\n      - run: echo ${{ matrix.task }}\n"
			got, err := ParseWorkflow(".github/workflows/ci.yml", []byte(wf))
			if err != nil {
				t.Fatalf("ParseWorkflow: %v", err)
			}
			if len(got.Jobs) != 1 {
				t.Fatalf("got %d jobs, want 1", len(got.Jobs))
			}
			if diff := cmp.Diff(tc.want, got.Jobs[0].Matrix); diff != "" {
				t.Errorf("Matrix mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
