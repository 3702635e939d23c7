package scope

import (
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	sc := New(
		[]Pattern{{Glob: "extras/", Reason: ReasonDeclared, Source: "assay.yaml:3"}, {Glob: "**/bench/**", Reason: ReasonDeclared, Source: "assay.yaml:4"}},
		[]Pattern{{Glob: "site", Reason: "included", Source: "assay.yaml:6"}},
	)
	tests := []struct {
		path string
		in   bool
		why  string
	}{
		{"package.json", true, ""},
		{"go.mod", true, ""},
		{"packages/core/package.json", true, ""},
		{"examples/celery/requirements.txt", false, "example code under examples/ (default)"},
		{"crates/foo/examples/Cargo.toml", false, "example code under crates/foo/examples/ (default)"},
		{"test/module/cjs/package.json", false, "test-harness module under test/ (default)"},
		{"test-jpms/pom.xml", false, "test-harness module under test-jpms/ (default)"},
		{"integration-tests/go.mod", false, "test-harness module under integration-tests/ (default)"},
		{"pkg/testdata/go.mod", false, "test fixtures under pkg/testdata/ (default)"},
		{"docs/requirements.txt", false, "documentation site under docs/ (default)"},
		{"www/go.mod", false, "documentation site under www/ (default)"},
		{"site/package.json", true, ""},
		{"extras/pom.xml", false, "excluded by scope.exclude under extras/ (assay.yaml:3)"},
		{"a/bench/go.mod", false, "excluded by scope.exclude under a/bench/ (assay.yaml:4)"},
		{"playground/external/public/slash@3.0.0.js", false, "example code under playground/ (default)"},
		{"samples/build.gradle", false, "example code under samples/ (default)"},
		{"sandbox/client.js", false, "example code under sandbox/ (default)"},
		{"packages/playgrounds-kit/package.json", true, ""},
		{"src/AutoMapper.DI.Tests/AutoMapper.DI.Tests.csproj", false, "test-harness module under src/AutoMapper.DI.Tests/ (default)"},
		{"src/UnitTests/Lib.UnitTests.csproj", false, "test-harness module under src/UnitTests/ (default)"},
		{"src/IntegrationTests/Lib.IntegrationTests.csproj", false, "test-harness module under src/IntegrationTests/ (default)"},
		{"tests/Lib.Test/Lib.Test.csproj", false, "test-harness module under tests/ (default)"},
		{"src/Lib/Lib.csproj", true, ""},
		{"src/Lib.Testing/Lib.Testing.csproj", true, ""},
		{"latest/go.mod", true, ""},
		{"contest/go.mod", true, ""},
	}
	for _, tc := range tests {
		v := sc.Classify(tc.path)
		if v.In != tc.in || v.Why() != tc.why {
			t.Errorf("Classify(%q) = in %v, %q; want in %v, %q", tc.path, v.In, v.Why(), tc.in, tc.why)
		}
	}
	var none *Scope
	if !none.InProduct("examples/x") {
		t.Errorf("a nil scope must put everything in the product")
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"extras/", "**/bench", "tools/*", "a/**/b"} {
		if err := Validate(ok); err != nil {
			t.Errorf("Validate(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"", "/abs", "../up", "a\\b", "a/[b", strings.Repeat("a", 300), strings.Repeat("**/", 10)} {
		if err := Validate(bad); err == nil {
			t.Errorf("Validate(%q) = nil, want an error", bad)
		}
	}
}

func FuzzClassify(f *testing.F) {
	f.Add("**/a/**/b*", "a/x/b1/c")
	f.Add("[", "x")
	f.Fuzz(func(t *testing.T, glob, p string) {
		if Validate(glob) != nil {
			return
		}
		sc := New([]Pattern{{Glob: glob}}, nil)
		_ = sc.Classify(p)
	})
}
