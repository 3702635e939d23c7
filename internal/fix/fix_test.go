package fix

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/parse/dependabot"
	"github.com/assaysec/assay/internal/parse/ghactions"
)

// corpus holds real workflow files shared by the project's helpers; the
// test reads them in place and skips when they are absent.
const corpus = "../../../shared/corpus/workflows/real"

var topPermissions = regexp.MustCompile(`(?m)^permissions:.*\n(?:[ \t]+.*\n|\n)*`)

func TestPermissionsOnRealWorkflows(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpus, "*", "*.y*ml"))
	if len(files) == 0 {
		t.Skip("no workflow corpus at " + corpus)
	}
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// Remove the top-level permissions block where there is one, so
		// every file exercises the fixer.
		src := topPermissions.ReplaceAll(data, nil)
		if _, err := ghactions.ParseWorkflow(f, src); err != nil {
			continue
		}
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			c, ok, err := Permissions(".github/workflows/x.yml", src)
			if err != nil || !ok {
				t.Fatalf("Permissions: ok=%v err=%v", ok, err)
			}
			pl, err := ghactions.ParseWorkflow(f, c.New)
			if err != nil {
				t.Fatalf("fixed workflow does not parse: %v", err)
			}
			if pl.Permissions == nil || pl.Permissions.Scopes["contents"] != "read" {
				t.Errorf("fixed workflow permissions %+v, want contents: read", pl.Permissions)
			}
			for _, l := range strings.Split(string(src), "\n") {
				if strings.HasPrefix(strings.TrimSpace(l), "#") && !strings.Contains(string(c.New), l) {
					t.Errorf("comment lost: %q", l)
				}
			}
			if _, again, _ := Permissions(".github/workflows/x.yml", c.New); again {
				t.Error("a second run changes the file again")
			}
			if d := Diff(c); !strings.Contains(d, "+permissions:\n+  contents: read\n") {
				t.Errorf("diff:\n%s", d)
			}
		})
		n++
	}
	if n == 0 {
		t.Fatal("no workflow of the corpus parsed")
	}
}

func TestPermissionsKeepsCommentAboveJobs(t *testing.T) {
	src := "name: ci # the CI\non: push\n\n# The jobs.\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n"
	c, ok, err := Permissions("ci.yml", []byte(src))
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	want := "name: ci # the CI\non: push\n\npermissions:\n  contents: read\n\n# The jobs.\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n"
	if diff := cmp.Diff(want, string(c.New)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(c.Notes) != 1 || !strings.Contains(c.Notes[0], `job "test"`) {
		t.Errorf("notes %v", c.Notes)
	}
}

func TestDependabot(t *testing.T) {
	targets := []Target{{"github-actions", "/"}, {"gomod", "/"}, {"npm", "/web"}}
	none := func(string) ([]byte, bool, error) { return nil, false, nil }
	c, ok, err := Dependabot(none, targets, false)
	if err != nil || !ok || c.Path != ".github/dependabot.yml" || c.Old != nil {
		t.Fatalf("new file: %+v %v %v", c, ok, err)
	}
	cfg, err := dependabot.Parse(c.Path, c.New)
	if err != nil || len(cfg.Updates) != 3 {
		t.Fatalf("generated config: %+v %v", cfg, err)
	}
	existing := []byte("version: 2\nupdates:\n    # Go modules, weekly.\n    - package-ecosystem: gomod\n      directory: /\n      schedule: {interval: weekly}\n")
	read := func(p string) ([]byte, bool, error) { return existing, p == ".github/dependabot.yml", nil }
	c, ok, err = Dependabot(read, targets, false)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if !strings.HasPrefix(string(c.New), string(existing)) || !strings.Contains(string(c.New), "    - package-ecosystem: \"npm\"\n      directory: \"/web\"\n") {
		t.Errorf("appended:\n%s", c.New)
	}
	cfg, err = dependabot.Parse(c.Path, c.New)
	if err != nil || len(cfg.Updates) != 3 {
		t.Fatalf("appended config: %+v %v", cfg, err)
	}
	existing = c.New
	if _, again, err := Dependabot(read, targets, false); again || err != nil {
		t.Errorf("second run: %v %v", again, err)
	}
	if _, ok, _ := Dependabot(none, targets, true); ok {
		t.Error("proposed Dependabot where Renovate is configured")
	}
	existing = []byte("version: 2\nupdates:\n  - package-ecosystem: gomod\n    directory: /\n    schedule: {interval: weekly}\nregistries: {}\n")
	if _, _, err := Dependabot(read, targets, false); err == nil {
		t.Error("appended under a later top-level key")
	}
}

func TestTargets(t *testing.T) {
	ev := evidence.NewSet(
		evidence.Record{Fact: evidence.Manifest{Path: "go.mod", Ecosystem: "Go"}},
		evidence.Record{Fact: evidence.Manifest{Path: "package.json", Ecosystem: "npm", Members: []string{"packages/*"}}},
		evidence.Record{Fact: evidence.Manifest{Path: "packages/a/package.json", Ecosystem: "npm"}},
		evidence.Record{Fact: evidence.Manifest{Path: "examples/x/go.mod", Ecosystem: "Go", OutOfScope: "example"}},
		evidence.Record{Fact: evidence.CIPipeline{System: evidence.CIGitHubActions, Jobs: []evidence.CIJob{{Steps: []evidence.CIStep{{Uses: "actions/checkout@v4"}}}}}},
		evidence.Record{Fact: evidence.Dockerfile{Path: "build/Dockerfile"}},
	)
	want := []Target{{"docker", "/build"}, {"github-actions", "/"}, {"gomod", "/"}, {"npm", "/"}}
	if diff := cmp.Diff(want, Targets(ev)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func FuzzPermissions(f *testing.F) {
	f.Add([]byte("on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, ok, err := Permissions("w.yml", data)
		if err != nil || !ok {
			return
		}
		if _, again, _ := Permissions("w.yml", c.New); again {
			t.Fatalf("not idempotent on %q", data)
		}
	})
}
