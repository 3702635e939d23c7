package renovate

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestToJSON(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{`{"a": 1}`, `{"a":1}`, ""},
		{"{\n  // comment\n  a: 'x',\n  b: [1, 2,],\n  /* block\n comment */ c: +5, d: 0x1F, e: .5,\n}", `{"a":"x","b":[1,2],"c":5,"d":31,"e":0.5}`, ""},
		{`{a: "q\"uote", b: 'it\'s'}`, `{"a":"q\"uote","b":"it's"}`, ""},
		{`{$k_1: null, t: true}`, `{"$k_1":null,"t":true}`, ""},
		{"{a: 1", "", "line 1: unterminated object"},
		{"{\n\n a: Infinity}", "", "line 3"},
		{"{a: 1} x", "", "after the document"},
		{"/* open", "", "unterminated /* comment"},
		{strings.Repeat("[", 200) + strings.Repeat("]", 200), "", "nesting deeper"},
	}
	for _, tc := range tests {
		got, err := ToJSON([]byte(tc.in))
		if tc.err != "" {
			var se *SyntaxError
			if err == nil || !errors.As(err, &se) || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ToJSON(%q) err = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || string(got) != tc.want {
			t.Errorf("ToJSON(%q) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	cfg, ok, err := Parse("renovate.json5", []byte(`{
  extends: ["config:recommended", ":enablePreCommit"],
  enabledManagers: ["gomod", "github-actions", "pre-commit"],
  npm: {enabled: false},
  ignorePaths: ["**/fixtures/**", "legacy/**"],
}`))
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if diff := cmp.Diff([]string{"**/fixtures/**", "legacy/**"}, cfg.IgnorePaths); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff([]string{"gomod", "github-actions", "pre-commit"}, cfg.EnabledManagers); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff([]string{"npm"}, cfg.DisabledManagers); diff != "" {
		t.Error(diff)
	}
	if len(cfg.Updates) != 1 || cfg.Updates[0].Ecosystem != "pre-commit" {
		t.Errorf("updates = %+v", cfg.Updates)
	}
	if _, ok, _ := Parse("package.json", []byte(`{"name": "x"}`)); ok {
		t.Error("package.json without renovate key should not count")
	}
	cfg, ok, err = Parse("package.json", []byte(`{"renovate": {"enabled": false}}`))
	if err != nil || !ok || !cfg.Disabled {
		t.Errorf("package.json renovate: %+v %v %v", cfg, ok, err)
	}
}

func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob("../../../../shared/corpus/repo-config/renovate/*.json")
	if len(files) == 0 {
		t.Skip("shared corpus not present")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		js, err := ToJSON(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var a, b any
		if err := json.Unmarshal(data, &a); err != nil {
			t.Fatalf("%s is not plain JSON: %v", f, err)
		}
		if err := json.Unmarshal(js, &b); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("%s: JSON5 reading changes plain JSON:\n%s", f, diff)
		}
		if _, _, err := Parse("renovate.json", data); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func FuzzToJSON(f *testing.F) {
	f.Add([]byte("{a: 'b', // c\n d: [1,2,], e: 0x10}"))
	f.Add([]byte(`{"extends": ["config:base"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := ToJSON(data)
		if err == nil && !json.Valid(out) {
			t.Fatalf("ToJSON(%q) = %q: not valid JSON", data, out)
		}
		_, _, _ = Parse("renovate.json5", data)
	})
}
