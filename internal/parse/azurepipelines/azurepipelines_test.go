package azurepipelines

import (
	"strings"
	"testing"
)

const seed = "trigger:\n  branches:\n    include: [main]\npr: none\nstages:\n  - stage: s\n    jobs:\n      - job: j\n        continueOnError: true\n        steps:\n          - task: DotNetCoreCLI@2\n            inputs:\n              command: test\n"

func TestParseSeed(t *testing.T) {
	p, err := Parse("azure-pipelines.yml", []byte(seed))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Jobs) == 0 || len(p.Triggers)+len(p.Jobs[0].Triggers) == 0 {
		t.Fatalf("want jobs and triggers, got %+v", p)
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{"", "- a\n- b\n", "a: [\n"} {
		if _, err := Parse("azure-pipelines.yml", []byte(in)); err == nil {
			t.Errorf("%q: want an error", in)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(seed))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("azure-pipelines.yml", data)
		if err == nil && strings.TrimSpace(string(data)) == "" {
			t.Fatalf("empty input parsed: %+v", p)
		}
	})
}
