package pipelines

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/source"
)

func write(t *testing.T, dir, p, content string) {
	t.Helper()
	full := filepath.Join(dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func collect(t *testing.T, dir string) []evidence.Record {
	t.Helper()
	tree, err := source.OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	recs, err := New().Collect(context.Background(), &collector.Input{Tree: tree, Now: time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestHostileFiles: every hostile file becomes a parse problem naming the
// file (and the line when there is one); none aborts collection, and the
// whole run stays fast.
func TestHostileFiles(t *testing.T) {
	dir := t.TempDir()
	bomb := "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		bomb += n + ": &" + n + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+",", 10), ",") + "]\n"
		prev = n
	}
	write(t, dir, ".github/workflows/bomb.yml", bomb)
	write(t, dir, ".github/workflows/deep.yml", "on: push\njobs: "+strings.Repeat("[", 10000)+strings.Repeat("]", 10000)+"\n")
	write(t, dir, ".github/workflows/bad.yml", "on: push\njobs:\n  a: [\n")
	write(t, dir, ".github/workflows/ok.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: go test ./...}]\n")
	big := filepath.Join(dir, ".github/workflows/big.yml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("on: push\n")
	if err := f.Truncate(50 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// GitLab includes that include each other.
	write(t, dir, ".gitlab-ci.yml", "include: [{local: ci/a.yml}]\nunit:\n  script: [make test]\n")
	write(t, dir, "ci/a.yml", "include: [{local: .gitlab-ci.yml}, {local: ci/a.yml}]\nlint:\n  script: [make lint]\n")

	start := time.Now()
	recs := collect(t, dir)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("collection took %v", d)
	}
	problems := map[string]evidence.ParseProblem{}
	var pipelines []string
	var scan evidence.CIScan
	for _, r := range recs {
		switch f := r.Fact.(type) {
		case evidence.ParseProblem:
			problems[f.Path] = f
		case evidence.CIPipeline:
			pipelines = append(pipelines, f.Path)
		case evidence.CIScan:
			scan = f
		}
	}
	for p, want := range map[string]string{
		".github/workflows/bomb.yml": "aliases",
		".github/workflows/deep.yml": "",
		".github/workflows/bad.yml":  "line 3",
		".github/workflows/big.yml":  "exceeds size limit",
	} {
		pr, ok := problems[p]
		if !ok {
			t.Errorf("%s: no parse problem", p)
			continue
		}
		if !strings.Contains(pr.Error, want) {
			t.Errorf("%s: problem %q does not mention %q", p, pr.Error, want)
		}
	}
	if strings.Join(pipelines, ",") != ".github/workflows/ok.yml,.gitlab-ci.yml,ci/a.yml" {
		t.Errorf("pipelines = %v", pipelines)
	}
	if scan.Pipelines != 3 || scan.Broken != 4 {
		t.Errorf("scan = %+v", scan)
	}
}

func TestFollowScripts(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".github/workflows/ci.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: bash .ci/test.sh && ./scripts/missing.sh\n")
	write(t, dir, ".ci/test.sh", "#!/bin/sh\ngo test ./...\n")
	for _, r := range collect(t, dir) {
		if pl, ok := r.Fact.(evidence.CIPipeline); ok {
			steps := pl.Jobs[0].Steps
			if len(steps) != 2 || steps[1].File != ".ci/test.sh" || !strings.Contains(steps[1].Run, "go test") {
				t.Errorf("steps = %+v", steps)
			}
		}
	}
}

// A step whose whole command is a relative path with a directory runs
// that file.
func TestFollowScriptByPath(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".github/workflows/p.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: \"scripts/publish\"\n      - run: dist/app --version extra\n")
	write(t, dir, "scripts/publish", "#!/bin/sh\ntwine upload dist/*\n")
	for _, r := range collect(t, dir) {
		if pl, ok := r.Fact.(evidence.CIPipeline); ok {
			steps := pl.Jobs[0].Steps
			if len(steps) != 3 || steps[1].File != "scripts/publish" {
				t.Errorf("steps = %+v", steps)
			}
		}
	}
}

// Windows pipelines run PowerShell scripts as .\dir\script.ps1.
func TestFollowScriptWindowsPath(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "azure-pipelines.yml", "trigger: [main]\nsteps:\n- pwsh: |\n    $x = 1\n    .\\Build\\runbuild.ps1 -properties @{}\n")
	write(t, dir, "Build/runbuild.ps1", "dotnet test src\n")
	found := false
	for _, r := range collect(t, dir) {
		if pl, ok := r.Fact.(evidence.CIPipeline); ok {
			found = true
			steps := pl.Jobs[0].Steps
			if len(steps) != 2 || steps[1].File != "Build/runbuild.ps1" {
				t.Errorf("steps = %+v", steps)
			}
		}
	}
	if !found {
		t.Fatal("no pipeline")
	}
}
