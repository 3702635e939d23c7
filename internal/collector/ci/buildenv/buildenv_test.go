package buildenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/assaysec/assay/internal/testutil/treetest"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/source"
)

func TestCollect(t *testing.T) {
	files := map[string]string{
		"Dockerfile":                    "FROM alpine:3\n",
		"testdata/Dockerfile":           "FROM ignored\n",
		"CODEOWNERS":                    "* @root\n",
		".github/CODEOWNERS":            "* @github\n",
		".goreleaser.yaml":              "version: 2\nsigns:\n  - artifacts: checksum\nsboms:\n  - artifacts: archive\nbefore:\n  hooks: [go test ./...]\n",
		".golangci.yml":                 "linters:\n  enable:\n    - errcheck\n    - gosec\n",
		".pre-commit-config.yaml":       "repos:\n  - repo: https://github.com/x/y\n    rev: v1\n    hooks: []\n",
		"fuzz/Cargo.toml":               "[package]\nname = \"f\"\n[package.metadata]\ncargo-fuzz = true\n",
		"tests/fuzz/fuzz_parse.py":      "import sys\nimport atheris\n",
		"pkg/parse_test.go":             "package pkg\n\nfunc FuzzParse(f *testing.F) {}\n",
		".clusterfuzzlite/project.yaml": "language: go\n",
		"vendor/x/fuzz_test.go":         "func FuzzVendor(f *testing.F) {}\n",
	}
	dir := treetest.Write(t, files)
	recs := treetest.Collect(t, New(), dir, time.Time{})
	var got []string
	for _, r := range recs {
		switch f := r.Fact.(type) {
		case evidence.Dockerfile:
			got = append(got, "docker "+f.Path)
		case evidence.CodeOwners:
			got = append(got, "codeowners "+f.Path)
		case evidence.ReleaseTool:
			got = append(got, fmt.Sprintf("goreleaser signs %v sboms %v hooks %s", f.Signs, f.SBOMs, f.Hooks[0].Run))
		case evidence.ToolConfig:
			got = append(got, fmt.Sprintf("golangci gosec line %d", f.Line))
		case evidence.PreCommit:
			got = append(got, "pre-commit "+f.Repos[0].Rev)
		case evidence.FuzzHarness:
			got = append(got, "fuzz "+f.Engine+" "+f.Path)
		case evidence.ParseProblem:
			got = append(got, "problem "+f.Path+" "+f.Error)
		}
	}
	sort.Strings(got)
	want := []string{
		"codeowners .github/CODEOWNERS",
		"docker Dockerfile",
		"fuzz atheris tests/fuzz/fuzz_parse.py",
		"fuzz cargo-fuzz fuzz/Cargo.toml",
		"fuzz clusterfuzzlite .clusterfuzzlite/project.yaml",
		"fuzz go-fuzz pkg/parse_test.go",
		"golangci gosec line 4",
		"goreleaser signs [2] sboms [4] hooks go test ./...",
		"pre-commit v1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestFuzzHarnessesAnywhere: harnesses are recognised by their content
// wherever they sit, not by a "fuzz" path; mentions in comments and
// strings are not harnesses.
func TestFuzzHarnessesAnywhere(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"found", map[string]string{
			"src/test/java/com/example/ParserTest.java": "package com.example;\n\nclass ParserTest {\n  @FuzzTest\n  void parse(FuzzedDataProvider data) {}\n}\n",
			"tests/test_parse.py":                       "import sys\n\nimport atheris\n",
			"src/harness.cc":                            "#include <cstdint>\nextern \"C\" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return 0; }\n",
			"internal/codec/codec_test.go":              "package codec\n\nfunc FuzzDecode(f *testing.F) {}\n",
		}, []string{"atheris tests/test_parse.py:3", "go-fuzz internal/codec/codec_test.go:3", "jazzer src/test/java/com/example/ParserTest.java:4", "libfuzzer src/harness.cc:2"}},
		{"mentions only", map[string]string{
			"src/Notes.java": "class Notes {\n  // TODO: add a @FuzzTest for the parser\n}\n",
			"docs/conf.py":   "# import atheris when we fuzz\nprint('see LLVMFuzzerTestOneInput')\n",
			"src/util.c":     "/* LLVMFuzzerTestOneInput lives in the oss-fuzz repo */\n",
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for p, c := range tc.files {
				full := filepath.Join(dir, p)
				os.MkdirAll(filepath.Dir(full), 0o755)
				if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			tree, err := source.OpenTree(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer tree.Close()
			var got []string
			for _, h := range fuzzHarnesses(context.Background(), tree) {
				got = append(got, fmt.Sprintf("%s %s:%d", h.Engine, h.Path, h.Line))
			}
			sort.Strings(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzKoImages(f *testing.F) {
	f.Add([]byte("defaultBaseImage: x\nbaseImageOverrides:\n  a: b\n"))
	f.Add([]byte("baseImageOverrides: [1]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		imgs, _ := koImages(".ko.yaml", data)
		for _, img := range imgs {
			if img.Ref == "" {
				t.Fatal("empty image reference")
			}
		}
	})
}
