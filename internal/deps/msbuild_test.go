package deps

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/testutil/golden"
)

// TestMSBuild scans two .NET trees, one under Central Package Management
// with versions in an imported eng/Versions.props, one with versions in
// chained Directory.Build.props files, and compares every project's
// packages, unresolved declarations and integrity with the golden file.
func TestMSBuild(t *testing.T) {
	for _, name := range []string{"cpm", "props"} {
		t.Run(name, func(t *testing.T) {
			tree, err := source.OpenTree(filepath.Join("testdata", "dotnet", name))
			if err != nil {
				t.Fatal(err)
			}
			defer tree.Close()
			inv := Scan(context.Background(), tree, Options{})
			out := summarize(inv)
			for _, w := range inv.Warnings() {
				out += "warning: " + w + "\n"
			}
			golden.Check(t, filepath.Join("testdata", "dotnet", name+".golden"), []byte(out))
		})
	}
}

func TestNuGetVersion(t *testing.T) {
	t.Parallel()
	type result struct {
		Version  string
		Problem  bool
		Floating bool
	}
	tests := []struct {
		in   string
		want result
	}{
		{"1.2.3", result{Version: "1.2.3"}},
		{" 13.0.3 ", result{Version: "13.0.3"}},
		{"1.2.3.4", result{Version: "1.2.3.4"}},
		{"7.0.0-beta.22074.1", result{Version: "7.0.0-beta.22074.1"}},
		{"1.0.0+build.5", result{Version: "1.0.0+build.5"}},
		{"[1.2.3]", result{Version: "1.2.3"}},
		{"[ 1.2.3 ]", result{Version: "1.2.3"}},
		{"1.*", result{Problem: true, Floating: true}},
		{"*", result{Problem: true, Floating: true}},
		{"1.0.0-*", result{Problem: true, Floating: true}},
		{"[1.0,2.0)", result{Problem: true}},
		{"[1.0,)", result{Problem: true}},
		{"(,2.0]", result{Problem: true}},
		{"(1.0,2.0)", result{Problem: true}},
		{"", result{Problem: true}},
		{"latest", result{Problem: true}},
		{"$(X)", result{Problem: true}},
	}
	for _, tc := range tests {
		v, problem, floating := nugetVersion(tc.in)
		got := result{Version: v, Problem: problem != "", Floating: floating}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("nugetVersion(%q) mismatch (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestEvalCondition(t *testing.T) {
	t.Parallel()
	props := map[string]string{"Configuration": "Release", "Empty": "", "Flag": "true"}
	env := condEnv{
		expand: func(s string) (string, bool) {
			if len(s) >= 2 && s[0] == '\'' {
				s = s[1 : len(s)-1]
			}
			e := &msEval{props: map[string]*propState{}}
			for k, v := range props {
				e.props[lower(k)] = &propState{vals: []string{v}}
			}
			return e.expandOne(s)
		},
		exists: func(p string) tri { return triOf(p == "present.props") },
	}
	tests := []struct {
		in   string
		want tri
	}{
		{"", triTrue},
		{"'$(Configuration)' == 'Release'", triTrue},
		{"'$(Configuration)' == 'release'", triTrue}, // MSBuild compares case-insensitively
		{"'$(Configuration)' != 'Release'", triFalse},
		{"'$(Empty)' == ''", triTrue},
		{"'$(TargetFramework)' == 'net8.0'", triUnknown},
		{"'$(TargetFramework)' == 'net8.0' and '$(Configuration)' == 'Debug'", triFalse},
		{"'$(TargetFramework)' == 'net8.0' or '$(Configuration)' == 'Release'", triTrue},
		{"!('$(Configuration)' == 'Release')", triFalse},
		{"$(Flag)", triTrue},
		{"!$(Flag)", triFalse},
		{"Exists('present.props')", triTrue},
		{"!Exists('absent.props')", triTrue},
		{"$([MSBuild]::IsTargetFrameworkCompatible('$(TargetFramework)', 'net6.0'))", triUnknown},
		{"!$(MSBuildProjectName.EndsWith('Tests'))", triUnknown},
		{"'$(LangVersion)' >= '9.0'", triUnknown},
		{"'unterminated == 'x'", triUnknown},
		{"((((", triUnknown},
		{"== 'x'", triUnknown},
		{msOtherwise, triUnknown},
	}
	for _, tc := range tests {
		if got := evalCondition(tc.in, env); got != tc.want {
			t.Errorf("evalCondition(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func TestTreePath(t *testing.T) {
	t.Parallel()
	type result struct {
		Path string
		OK   bool
	}
	tests := []struct {
		dir, in string
		want    result
	}{
		{"src/App", `..\..\eng\Versions.props`, result{"eng/Versions.props", true}},
		{"src/App", "/eng/Versions.props", result{"eng/Versions.props", true}},
		{".", "Directory.Version.props", result{"Directory.Version.props", true}},
		{"src", "../../outside.props", result{}},
		{"src", "/../outside.props", result{}},
		{"src", `C:\build\x.props`, result{}},
		{"src", `\\server\share\x.props`, result{}},
		{"src", "$(Undefined)/x.props", result{}},
		{"src", "*.props", result{}},
	}
	for _, tc := range tests {
		p, ok := treePath(tc.dir, tc.in)
		if diff := cmp.Diff(tc.want, result{p, ok}); diff != "" {
			t.Errorf("treePath(%q, %q) mismatch (-want +got):\n%s", tc.dir, tc.in, diff)
		}
	}
}

// TestMSBuild_ImportCycle checks that files importing each other, and a
// property defined through itself, end.
func TestMSBuild_ImportCycle(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"Directory.Build.props": {Data: []byte(`<Project><Import Project="a.props"/><PropertyGroup><V>$(V).1</V></PropertyGroup></Project>`)},
		"a.props":               {Data: []byte(`<Project><Import Project="Directory.Build.props"/><Import Project="a.props"/><PropertyGroup><V>1</V></PropertyGroup></Project>`)},
	}
	proj := []byte(`<Project><ItemGroup><PackageReference Include="X" Version="$(V)"/></ItemGroup></Project>`)
	got, err := evaluateMSBuild(fsys, "App.csproj", proj)
	if err != nil {
		t.Fatal(err)
	}
	want := []msPackage{{name: "X", version: "1.1", path: "App.csproj", line: 1, raw: "1.1"}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(msPackage{})); diff != "" {
		t.Errorf("evaluateMSBuild mismatch (-want +got):\n%s", diff)
	}
}

// FuzzMSBuild feeds arbitrary bytes to the project reader, as the
// project and as the Directory.Build.props it imports: neither may panic,
// loop or fail outright.
func FuzzMSBuild(f *testing.F) {
	for _, p := range []string{"cpm/src/App/App.csproj", "cpm/Directory.Packages.props", "props/src/Lib/Lib.fsproj", "props/src/sub/Directory.Build.props"} {
		if data, err := os.ReadFile(filepath.Join("testdata", "dotnet", p)); err == nil {
			f.Add(data, false)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, asProps bool) {
		proj := data
		fsys := fstest.MapFS{}
		if asProps {
			fsys["Directory.Build.props"] = &fstest.MapFile{Data: data}
			fsys["Directory.Packages.props"] = &fstest.MapFile{Data: data}
			proj = []byte(`<Project><ItemGroup><PackageReference Include="X" Version="$(V)"/></ItemGroup></Project>`)
		}
		_, _ = parseMSBuild(data)
		start := time.Now()
		// Malformed XML is an error with what was read before it; only a
		// panic or a runaway evaluation fails.
		_, _ = evaluateMSBuild(fsys, "src/App.csproj", proj)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("evaluation took %s", d)
		}
	})
}
