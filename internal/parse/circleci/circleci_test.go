package circleci

import (
	"strings"
	"testing"
)

const seed = "version: 2.1\njobs:\n  test:\n    steps:\n      - checkout\n      - run: go test ./...\nworkflows:\n  w:\n    jobs:\n      - test:\n          filters:\n            branches:\n              only: main\n"

func TestParseSeed(t *testing.T) {
	p, err := Parse(".circleci/config.yml", []byte(seed))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Jobs) == 0 || len(p.Triggers)+len(p.Jobs[0].Triggers) == 0 {
		t.Fatalf("want jobs and triggers, got %+v", p)
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{"", "- a\n- b\n", "a: [\n"} {
		if _, err := Parse(".circleci/config.yml", []byte(in)); err == nil {
			t.Errorf("%q: want an error", in)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(seed))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(".circleci/config.yml", data)
		if err == nil && strings.TrimSpace(string(data)) == "" {
			t.Fatalf("empty input parsed: %+v", p)
		}
	})
}
