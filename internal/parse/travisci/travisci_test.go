package travisci

import (
	"strings"
	"testing"
)

const seed = "language: node_js\nbranches:\n  only: [main]\nscript:\n  - npm test\njobs:\n  include:\n    - name: lint\n      script: npm run lint\n"

func TestParseSeed(t *testing.T) {
	p, err := Parse(".travis.yml", []byte(seed))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Jobs) == 0 || len(p.Triggers)+len(p.Jobs[0].Triggers) == 0 {
		t.Fatalf("want jobs and triggers, got %+v", p)
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{"", "- a\n- b\n", "a: [\n"} {
		if _, err := Parse(".travis.yml", []byte(in)); err == nil {
			t.Errorf("%q: want an error", in)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(seed))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(".travis.yml", data)
		if err == nil && strings.TrimSpace(string(data)) == "" {
			t.Fatalf("empty input parsed: %+v", p)
		}
	})
}
