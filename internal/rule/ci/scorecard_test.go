package ci

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/rule"
)

// fixtureFiles reads testdata/scorecard/NAME/ as a repository: every file
// below it, with "dot-" path elements standing for "." (so fixtures need no
// hidden directories).
func fixtureFiles(t *testing.T, name string) map[string]string {
	t.Helper()
	root := filepath.Join("testdata", "scorecard", name)
	files := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		var parts []string
		for _, el := range strings.Split(filepath.ToSlash(rel), "/") {
			if after, ok := strings.CutPrefix(el, "dot-"); ok {
				el = "." + after
			}
			parts = append(parts, el)
		}
		files[strings.Join(parts, "/")] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestScorecardClasses checks each class of finding on a fixture in the
// shape of the real files: found where it should be (want False at the
// given path:line), silent on the safe variant (want True or
// NotApplicable).
// TestBinaryArtefacts: an executable committed outside test data is found
// by its magic bytes whatever its name; the same file under testdata/ is
// allowed and named in the answer.
func TestBinaryArtefacts(t *testing.T) {
	elf := "\x7fELF\x02\x01\x01" + strings.Repeat("\x00", 100)
	tests := []struct {
		name  string
		files map[string]string
		want  rule.Outcome
		locs  []string
	}{
		{"found", map[string]string{"tools/protoc": elf, "libs/helper.jar": "PK\x03\x04", "main.go": "package main\n"}, rule.False, []string{"libs/helper.jar:0", "tools/protoc:0"}},
		{"test data only", map[string]string{"internal/elf/testdata/hello": elf, "main.go": "package main\n"}, rule.True, nil},
		// An e2e test app's WebAssembly input does not ship with the product.
		{"outside the product", map[string]string{"playground/wasm/add.wasm": "\x00asm\x01\x00\x00\x00" + strings.Repeat("\x00", 100), "main.go": "package main\n"}, rule.True, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := evalAll(t, collectDir(t, tree(t, tc.files)))[NoBinaryArtefacts]
			if got := verdict(fs); got != tc.want {
				t.Fatalf("verdict %s, want %s: %+v", got, tc.want, fs)
			}
			var locs []string
			for _, f := range fs {
				if f.Outcome == rule.False {
					locs = append(locs, f.Location.Path+":"+strconv.Itoa(f.Location.Line))
				}
			}
			slices.Sort(locs)
			if diff := cmp.Diff(tc.locs, locs); diff != "" {
				t.Errorf("locations (-want +got):\n%s", diff)
			}
			if tc.want == rule.True && !strings.Contains(fs[0].Message, "1 allowed: ") {
				t.Errorf("message does not name the allowed file: %s", fs[0].Message)
			}
		})
	}
}

func TestScorecardClasses(t *testing.T) {
	tests := []struct {
		fixture string
		rule    string
		want    rule.Outcome
		locs    []string // path:line of the findings with outcome want
	}{
		{"injection-or", NoScriptInjection, rule.False, []string{".github/workflows/triage.yml:12"}},
		{"injection-or-safe", NoScriptInjection, rule.True, nil},
		{"comment-checkout", NoUntrustedCheckoutInPrivilegedTrigger, rule.False, []string{".github/workflows/bench.yml:12", ".github/workflows/bench.yml:17"}},
		{"comment-checkout-safe", NoUntrustedCheckoutInPrivilegedTrigger, rule.True, nil},
		{"composite-injection", NoScriptInjection, rule.False, []string{".github/actions/greet/action.yml:13"}},
		{"composite-injection-safe", NoScriptInjection, rule.True, nil},
		{"fetch-unpack-run", DownloadsVerified, rule.False, []string{".github/workflows/build.yml:13", ".github/workflows/build.yml:9"}},
		{"fetch-unpack-run-safe", DownloadsVerified, rule.True, nil},
		{"installs", PackageInstallsPinned, rule.False, []string{".github/workflows/lint.yml:10", ".github/workflows/lint.yml:11", ".github/workflows/lint.yml:8", ".github/workflows/lint.yml:9", "Dockerfile:2"}},
		{"installs-safe", PackageInstallsPinned, rule.True, nil},
		{"images", ContainerImagesPinned, rule.False, []string{".github/workflows/it.yml:8", ".ko.yaml:1", ".ko.yaml:3", "Dockerfile:2"}},
		{"images-safe", ContainerImagesPinned, rule.True, nil},
		{"cifuzz-elsewhere", FuzzingExists, rule.False, []string{".github/workflows/cifuzz.yml:9"}},
		{"cifuzz-in-tree", FuzzingExists, rule.True, []string{"src/test/java/org/example/DecoderTest.java:3"}},
	}
	for _, tc := range tests {
		t.Run(tc.fixture+"/"+tc.rule, func(t *testing.T) {
			dir := tree(t, fixtureFiles(t, tc.fixture))
			fs := evalAll(t, collectDir(t, dir))[tc.rule]
			if got := verdict(fs); got != tc.want {
				t.Fatalf("verdict %s, want %s: %+v", got, tc.want, fs)
			}
			if tc.fixture == "cifuzz-elsewhere" && fs[0].Negative != rule.Elsewhere {
				t.Errorf("negative %q, want %q", fs[0].Negative, rule.Elsewhere)
			}
			if tc.locs == nil {
				return
			}
			var locs []string
			for _, f := range fs {
				if f.Outcome == tc.want {
					locs = append(locs, f.Location.Path+":"+strconv.Itoa(f.Location.Line))
				}
			}
			slices.Sort(locs)
			if diff := cmp.Diff(tc.locs, locs); diff != "" {
				t.Errorf("locations (-want +got):\n%s", diff)
			}
		})
	}
}
