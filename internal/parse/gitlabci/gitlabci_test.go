package gitlabci

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
)

const pipeline = `include:
  - local: ci/extra.yml
  - project: group/templates
    ref: 0123456789abcdef0123456789abcdef01234567
    file: [/a.yml, /b.yml]
  - remote: https://example.com/ci.yml
  - template: Jobs/SAST.gitlab-ci.yml
  - component: gitlab.com/org/comp/sast@1.0
stages: [build, test, release]
default:
  image: alpine:3
  before_script: [echo setup]
.tmpl: &tmpl
  image: golang:1.26
  script:
    - go test ./...
unit:
  extends: .tmpl
  stage: test
lint:
  <<: *tmpl
  script: [golangci-lint run]
  only: [merge_requests]
publish:
  stage: release
  needs: [unit]
  rules:
    - if: $CI_COMMIT_TAG
  id_tokens:
    SIGSTORE: {aud: sigstore}
  script:
    - goreleaser release
  release:
    tag_name: $CI_COMMIT_TAG
`

func TestParse(t *testing.T) {
	p, err := Parse(".gitlab-ci.yml", []byte(pipeline))
	if err != nil {
		t.Fatal(err)
	}
	wantIncludes := []evidence.CIInclude{
		{Kind: "local", Target: "ci/extra.yml", Line: 2},
		{Kind: "project", Target: "group/templates:/a.yml,/b.yml", Ref: "0123456789abcdef0123456789abcdef01234567", Line: 3},
		{Kind: "remote", Target: "https://example.com/ci.yml", Line: 6},
		{Kind: "template", Target: "Jobs/SAST.gitlab-ci.yml", Line: 7},
		{Kind: "component", Target: "gitlab.com/org/comp/sast@1.0", Ref: "1.0", Line: 8},
	}
	if diff := cmp.Diff(wantIncludes, p.Includes); diff != "" {
		t.Errorf("includes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"build", "test", "release"}, p.Stages); diff != "" {
		t.Errorf("stages: %s", diff)
	}
	jobs := map[string]evidence.CIJob{}
	for _, j := range p.Jobs {
		jobs[j.ID] = j
	}
	unit := jobs["unit"]
	if unit.Stage != "test" || len(unit.Images) != 1 || unit.Images[0].Ref != "golang:1.26" || unit.Images[0].Line != 14 {
		t.Errorf("unit = %+v", unit)
	}
	if len(unit.Steps) != 2 || unit.Steps[0].Run != "echo setup" || unit.Steps[1].Run != "go test ./..." || unit.Steps[1].RunLine != 16 {
		t.Errorf("unit steps = %+v", unit.Steps)
	}
	lint := jobs["lint"]
	if lint.Stage != "test" || lint.Images[0].Ref != "golang:1.26" || lint.Conditions[0] != "only: merge_requests" {
		t.Errorf("lint = %+v", lint)
	}
	pub := jobs["publish"]
	if !pub.NeedsSet || pub.Needs[0] != "unit" || pub.Conditions[0] != "rules: if $CI_COMMIT_TAG" || pub.Permissions == nil {
		t.Errorf("publish = %+v", pub)
	}
	if !jobs[".tmpl"].Hidden {
		t.Error(".tmpl should be hidden")
	}
}

func TestParseErrors(t *testing.T) {
	if _, err := Parse("x.yml", []byte("- a\n")); err == nil {
		t.Error("want error for a sequence")
	}
	if _, err := Parse("x.yml", []byte("a: [\n")); err == nil {
		t.Error("want syntax error")
	}
	if p, err := Parse("x.yml", nil); err != nil || len(p.Jobs) != 0 {
		t.Errorf("empty: %+v %v", p, err)
	}
}

// TestMergeFanOut: merge keys fanning out over anchors stay linear.
func TestMergeFanOut(t *testing.T) {
	var b strings.Builder
	b.WriteString("l0: &l0 {script: [x], image: a}\n")
	for i := 1; i <= 4; i++ {
		fmt.Fprintf(&b, "l%d: &l%d\n  <<: [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 8), ", "))
	}
	for j := range 3 {
		fmt.Fprintf(&b, "job%d:\n  <<: *l4\n", j)
	}
	st := time.Now()
	_, err := Parse("x", []byte(b.String()))
	t.Log(time.Since(st), err)
	if time.Since(st) > time.Second {
		t.Errorf("took %v", time.Since(st))
	}
}

// TestCorpus parses Scorecard's GitLab pipelines.
func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob("../../../../shared/corpus/workflows/scorecard/gitlab/*.yaml")
	if len(files) == 0 {
		t.Skip("shared corpus not present")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse(f, data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if len(p.Jobs) == 0 {
			t.Errorf("%s: no jobs", f)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(pipeline))
	f.Add([]byte("spec:\n  inputs: {}\n---\njob:\n  script: [x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		_, _ = Parse(".gitlab-ci.yml", data)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("took %v", d)
		}
	})
}
