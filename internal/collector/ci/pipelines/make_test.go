package pipelines

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
)

func TestParseMakeRules(t *testing.T) {
	text := "GO ?= go\n.PHONY: test richtest ci\n\nrichtest: install-deps\n\t@richgo test -v ./...\n\nci: lint test # both\n\ntest:\n\t-$(GO) test ./...\n\tgo vet ./...\nlint:\n\tgolangci-lint run\n%.o: %.c\n\tcc -c $<\n"
	got := parseMakeRules(text)
	want := map[string]makeRule{
		"richtest": {prereqs: []string{"install-deps"}, recipe: "richgo test -v ./...\n", line: 5},
		"ci":       {prereqs: []string{"lint", "test"}},
		"test":     {recipe: "$(GO) test ./...\ngo vet ./...\n", line: 10},
		"lint":     {recipe: "golangci-lint run\n", line: 13},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(makeRule{})); diff != "" {
		t.Errorf("parseMakeRules (-want +got):\n%s", diff)
	}
}

func FuzzParseMakeRules(f *testing.F) {
	f.Add("a: b\n\tcmd\n")
	f.Add("x:=1\n\t\n:\n")
	f.Fuzz(func(t *testing.T, s string) {
		_ = parseMakeRules(s)
	})
}

// A CI step that runs `make richtest` carries the target's recipe, and a
// `make ci` its prerequisites' recipes, so what the target runs is judged.
func TestFollowMakeTarget(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".github/workflows/t.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: make richtest\n      - run: make -C sub other\n  b:\n    runs-on: x\n    steps:\n      - run: make ci\n")
	write(t, dir, "Makefile", "richtest:\n\trichgo test ./...\nci: lint unit\nlint:\n\tgolangci-lint run\nunit:\n\tgo test ./...\n")
	var got [][]string
	for _, r := range collect(t, dir) {
		if pl, ok := r.Fact.(evidence.CIPipeline); ok {
			for _, j := range pl.Jobs {
				var sec []string
				for _, s := range j.Steps {
					if s.File == "Makefile" {
						sec = append(sec, s.Section+" @"+strconv.Itoa(s.RunLine))
					}
				}
				got = append(got, sec)
			}
		}
	}
	want := [][]string{{"make target richtest @2"}, {"make target lint @5", "make target unit @7"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("make steps (-want +got):\n%s", diff)
	}
}
