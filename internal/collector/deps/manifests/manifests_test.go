package manifests

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/source"
)

// Fixtures written in the shape of real projects: a Maven parent whose
// only range is inside the enforcer's requireMavenVersion, a pyproject
// whose requirements.txt installs the package itself, a Cargo workspace,
// an npm workspace, a Gradle build and an example outside the product.
var fixture = map[string]string{
	"pom.xml": `<project>
  <artifactId>parent</artifactId>
  <packaging>pom</packaging>
  <modules>
    <module>core</module>
    <module>test-jpms</module>
  </modules>
  <properties><junit.version>4.13.2</junit.version></properties>
  <dependencyManagement><dependencies>
    <dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>${junit.version}</version></dependency>
  </dependencies></dependencyManagement>
  <build><plugins>
    <plugin><artifactId>maven-enforcer-plugin</artifactId><version>3.6.3</version>
      <configuration><rules><requireMavenVersion><version>[3.3.1,)</version></requireMavenVersion></rules></configuration>
    </plugin>
  </plugins></build>
</project>
`,
	"core/pom.xml": `<project>
  <artifactId>core</artifactId>
  <dependencies>
    <dependency><groupId>a</groupId><artifactId>b</artifactId><version>[1.0,2.0)</version></dependency>
  </dependencies>
</project>
`,
	"test-jpms/pom.xml": `<project><artifactId>t</artifactId></project>
`,
	"py/pyproject.toml": `[project]
name = "client"
dependencies = [
    "certifi",
    "httpcore==1.*",
]
`,
	"py/requirements.txt": `# tooling pinned, the package itself from its ranges
-e .[http2]
pytest==8.4.1
`,
	"rs/Cargo.toml": `[workspace]
members = ["crate-a", "crates/*"]
`,
	"rs/Cargo.lock": "version = 3\n",
	"js/package.json": `{"name": "mono", "workspaces": ["packages/*"], "devDependencies": {"eslint": "9.1.0", "typescript": "^5.4.0"}}
`,
	"js/package-lock.json":      "{}\n",
	"net/Directory.Build.props": `<Project><PropertyGroup><SerilogVersion>4.0.0</SerilogVersion></PropertyGroup></Project>`,
	"net/src/Lib/Lib.csproj": `<Project Sdk="Microsoft.NET.Sdk">
  <ItemGroup>
    <PackageReference Include="Serilog" Version="$(SerilogVersion)" />
  </ItemGroup>
</Project>`,
	"net/src/Float/Float.fsproj": `<Project Sdk="Microsoft.NET.Sdk">
  <ItemGroup>
    <PackageReference Include="Serilog" Version="4.*" />
  </ItemGroup>
</Project>`,
	"net/src/Ranged/Ranged.vbproj": `<Project Sdk="Microsoft.NET.Sdk">
  <ItemGroup>
    <PackageReference Include="Polly" Version="[7.0,8.0)" />
  </ItemGroup>
</Project>`,
	"gr/build.gradle": `dependencies {
    implementation 'com.google.guava:guava:33.0.0-jre'
    implementation "org.slf4j:slf4j-api:2.+"
}
`,
	"gr/settings.gradle": `rootProject.name = 'gr'
include 'app', ':lib:util'
`,
	"examples/celery/pyproject.toml": `[project]
name = "example"
dependencies = ["celery>=5"]
`,
	"mod/go.mod": "module example.com/mod\n\ngo 1.22\n",
	"mod/binding.go": `package mod

// #cgo pkg-config: libfoo libfoo-admin
// #include <foo.h>
import "C"
`,
	"external/captcha/lib.php":         "<?php\nfunction check() {}\n",
	"third_party/zlib/README.chromium": "Version: 1.3\n",
	"third_party/zlib/inflate.c":       "int inflate(void) { return 0; }\n",
	"php/composer.lock":                "{}\n",
	"php/vendor/psr/log/Logger.php":    "<?php\n",
	"app/requirements.txt":             "# runtime\nflask>=3.0\nclick==8.1.7\n",
	"tool/requirements.txt":            "black==24.4.2 \\\n    --hash=sha256:aa\n",
	"mod/examples/use.go":              "package main\n\n// #cgo pkg-config: libbar\nimport \"C\"\n",
	// setuptools projects: the dependencies in setup.cfg beside a setup()
	// shim, in a setup.py list literal, and a shim whose pyproject.toml
	// declares them already.
	"st/setup.cfg":        "[metadata]\nname = cli\n\n[options]\ninstall_requires =\n    requests[socks] >=2.22.0\n    colorama>=0.2.4; sys_platform==\"win32\"\npython_requires = >=3.7\n",
	"st/setup.py":         "from setuptools import setup\nsetup()\n",
	"legacy/setup.py":     "from setuptools import setup\n\nsetup(\n    name='x',\n    install_requires=[\n        'idna==3.7',\n        'requests>=2',\n    ],\n)\n",
	"shim/setup.py":       "from setuptools import setup\nsetup(install_requires=['six'])\n",
	"shim/pyproject.toml": "[project]\nname = \"shim\"\ndependencies = [\"six==1.16.0\"]\n",
	"swift/Package.swift": "let package = Package(name: \"A\", targets: [.target(name: \"A\"), .testTarget(name: \"ATests\", dependencies: [\"A\"])])\n",
	// PEP 751 locks: pip-tools input compiled to pylock.toml, and a
	// requirements file locked per Python version (pydantic's Pyodide
	// test environment); pylock.a.b.toml is no PEP 751 name.
	"uvc/requirements.in":  "pydantic>=2\n",
	"uvc/pylock.toml":      "lock-version = \"1.0\"\n",
	"pyo/requirements.in":  "pytest\n",
	"pyo/pylock.314.toml":  "lock-version = \"1.0\"\n",
	"bad/requirements.in":  "pytest\n",
	"bad/pylock.3.14.toml": "lock-version = \"1.0\"\n",
	"swiftd/Package.swift": "let package = Package(name: \"B\", dependencies: [.package(url: \"https://github.com/apple/swift-log\", from: \"1.0.0\")])\n",
	// SwiftPM's template keeps an example dependency in a comment (zstd).
	"swiftc/Package.swift": "let package = Package(\n  name: \"C\",\n  dependencies: [\n    // Dependencies declare other packages that this package depends on.\n    // .package(url: /* package url */, from: \"1.0.0\"),\n    /* .package(url: \"https://x//y\", /* nested */ from: \"1\") */\n  ],\n  targets: [.target(name: \"C\", path: \"lib\")]\n)\n",
}

func TestCollect_Resolution(t *testing.T) {
	dir := t.TempDir()
	for name, body := range fixture {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tree, err := source.OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	recs, err := New(&config.Config{}).Collect(context.Background(), &collector.Input{Tree: tree, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]evidence.Manifest{}
	var vendored []evidence.VendoredCode
	for _, r := range recs {
		switch f := r.Fact.(type) {
		case evidence.Manifest:
			got[f.Path] = f
		case evidence.VendoredCode:
			vendored = append(vendored, f)
		}
	}
	// Only copied code that nothing records is reported: not a
	// Chromium-style third_party/ with its README, not Composer's vendor/.
	if diff := cmp.Diff([]evidence.VendoredCode{{Path: "external/captcha", Files: 1, Example: "external/captcha/lib.php"}}, vendored); diff != "" {
		t.Errorf("vendored mismatch (-want +got):\n%s", diff)
	}
	want := map[string]evidence.Manifest{
		"pom.xml":           {Path: "pom.xml", Ecosystem: "Maven", Manager: "maven", Note: "Maven has no lockfile; versions are fixed in pom.xml", Exact: true, Members: []string{"core", "test-jpms"}},
		"core/pom.xml":      {Path: "core/pom.xml", Ecosystem: "Maven", Manager: "maven", Note: "Maven has no lockfile; versions are fixed in pom.xml", Range: "[1.0,2.0)", RangeLine: 4},
		"test-jpms/pom.xml": {Path: "test-jpms/pom.xml", Ecosystem: "Maven", Manager: "maven", Note: "Maven has no lockfile; versions are fixed in pom.xml", Exact: true, OutOfScope: "test-harness module under test-jpms/ (default)"},
		"py/pyproject.toml": {Path: "py/pyproject.toml", Ecosystem: "PyPI", Manager: "python", LockNeeded: true, Range: "certifi", RangeLine: 4,
			Rejected: []string{"py/requirements.txt: it installs the package itself (-e .[http2]), so the package's own dependencies resolve from the manifest's ranges"}},
		"rs/Cargo.toml":                {Path: "rs/Cargo.toml", Ecosystem: "crates.io", Manager: "cargo", LockNeeded: true, Lockfiles: []string{"rs/Cargo.lock"}, Members: []string{"rs/crate-a", "rs/crates/*"}},
		"js/package.json":              {Path: "js/package.json", Ecosystem: "npm", Manager: "npm", LockNeeded: true, Lockfiles: []string{"js/package-lock.json"}, Range: "typescript ^5.4.0", RangeLine: 1, Members: []string{"js/packages/*"}},
		"net/src/Lib/Lib.csproj":       {Path: "net/src/Lib/Lib.csproj", Ecosystem: "NuGet", Manager: "dotnet", Note: "NuGet lockfiles are opt-in (RestorePackagesWithLockFile)", Exact: true},
		"net/src/Float/Float.fsproj":   {Path: "net/src/Float/Float.fsproj", Ecosystem: "NuGet", Manager: "dotnet", Note: "NuGet lockfiles are opt-in (RestorePackagesWithLockFile)", Range: "Serilog 4.*", RangeLine: 3},
		"net/src/Ranged/Ranged.vbproj": {Path: "net/src/Ranged/Ranged.vbproj", Ecosystem: "NuGet", Manager: "dotnet", Note: "NuGet lockfiles are opt-in (RestorePackagesWithLockFile)"},
		"gr/build.gradle":              {Path: "gr/build.gradle", Ecosystem: "Maven", Manager: "gradle", Note: "Gradle dependency locking is optional; gradle.lockfile is used when present", Range: `"org.slf4j:slf4j-api:2.+"`, RangeLine: 3, Members: []string{"gr/app", "gr/lib/util"}},
		"examples/celery/pyproject.toml": {Path: "examples/celery/pyproject.toml", Ecosystem: "PyPI", Manager: "python", LockNeeded: true, Range: "celery>=5", RangeLine: 3,
			OutOfScope: "example code under examples/ (default)"},
		"app/requirements.txt": {Path: "app/requirements.txt", Ecosystem: "PyPI", Manager: "pip", LockNeeded: true, Range: "flask>=3.0", RangeLine: 2,
			Rejected: []string{"app/requirements.txt: it does not pin flask>=3.0 exactly"}},
		"tool/requirements.txt": {Path: "tool/requirements.txt", Ecosystem: "PyPI", Manager: "pip", LockNeeded: true, Lockfiles: []string{"tool/requirements.txt"}},
		"st/setup.cfg":          {Path: "st/setup.cfg", Ecosystem: "PyPI", Manager: "setuptools", LockNeeded: true, Range: "requests[socks] >=2.22.0", RangeLine: 6},
		"legacy/setup.py":       {Path: "legacy/setup.py", Ecosystem: "PyPI", Manager: "setuptools", LockNeeded: true, Range: "requests>=2", RangeLine: 7},
		"shim/pyproject.toml":   {Path: "shim/pyproject.toml", Ecosystem: "PyPI", Manager: "python", LockNeeded: true},
		"swift/Package.swift":   {Path: "swift/Package.swift", Ecosystem: "SwiftURL", Manager: "swiftpm", NoDependencies: true, Note: "Package.swift depends on no packages"},
		"swiftd/Package.swift":  {Path: "swiftd/Package.swift", Ecosystem: "SwiftURL", Manager: "swiftpm", LockNeeded: true},
		"swiftc/Package.swift":  {Path: "swiftc/Package.swift", Ecosystem: "SwiftURL", Manager: "swiftpm", NoDependencies: true, Note: "Package.swift depends on no packages"},
		"uvc/requirements.in":   {Path: "uvc/requirements.in", Ecosystem: "PyPI", Manager: "pip-tools", LockNeeded: true, Lockfiles: []string{"uvc/pylock.toml"}},
		"pyo/requirements.in":   {Path: "pyo/requirements.in", Ecosystem: "PyPI", Manager: "pip-tools", LockNeeded: true, Lockfiles: []string{"pyo/pylock.314.toml"}},
		"bad/requirements.in":   {Path: "bad/requirements.in", Ecosystem: "PyPI", Manager: "pip-tools", LockNeeded: true},
		"mod/go.mod": {Path: "mod/go.mod", Ecosystem: "Go", Manager: "go", NoDependencies: true, Note: "go.mod requires no modules",
			Native: []string{"libfoo (pkg-config, mod/binding.go:3)", "libfoo-admin (pkg-config, mod/binding.go:3)"}},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("manifests mismatch (-want +got):\n%s", diff)
	}
}

func TestRequirementsLocks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in string
		ok bool
	}{
		{"flask==3.0.0\nclick==8.1.7 \\\n    --hash=sha256:aa\n", true},
		{"-e .\npytest==8.4.1\n", false},
		{".[socks]\n", false},
		{"flask>=3\n", false},
		{"# nothing\n", false},
	}
	for _, tc := range tests {
		if ok, why := requirementsLocks([]byte(tc.in)); ok != tc.ok {
			t.Errorf("requirementsLocks(%q) = %v (%s), want %v", tc.in, ok, why, tc.ok)
		}
	}
}

// TestGradleRange: a "+" is dynamic only at the end of a version; inside
// one it is a literal (the errorprone javac artefact "9+181-r4173-1").
func TestGradleRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string
	}{
		{`implementation "org.slf4j:slf4j-api:2.+"`, `"org.slf4j:slf4j-api:2.+"`},
		{`implementation "org.slf4j:slf4j-api:+"`, `"org.slf4j:slf4j-api:+"`},
		{`implementation 'a:b:latest.release'`, `'a:b:latest.release'`},
		{`implementation "a:b:[1.0,2.0)"`, `"a:b:[1.0,2.0)"`},
		{"javac = { module = \"com.google.errorprone:javac\", version = \"9+181-r4173-1\" }", ""},
		{"lib = { module = \"a:b\", version = \"1.2+\" }", `version = "1.2+"`},
		{"[versions]\nkotlin = \"2.0.21\"\nsemver = \"1.0.0+build.5\"\n", ""},
		{`implementation "a:b:1.0.0+build.5"`, ""},
		{`version { strictly = "[1.7, 1.8[" }`, `strictly = "[1.7, 1.8["`},
		{`implementation "a:b:1.2.3"`, ""},
	}
	for _, tc := range tests {
		if got, _ := gradleRange([]byte(tc.in)); got != tc.want {
			t.Errorf("gradleRange(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzResolution feeds arbitrary bytes to every manifest reader.
func FuzzResolution(f *testing.F) {
	for _, body := range fixture {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = readPom(data)
		_, _ = firstRange(data, "dependencies")
		_, _ = pyprojectRange(data)
		_, _ = cargoRange(data)
		_, _ = gradleRange(data)
		_ = gradleMembers(data)
		_ = npmMembers(data)
		_ = cargoMembers(data)
		_, _ = requirementsLocks(data)
	})
}

func TestSetuptoolsRequires(t *testing.T) {
	tests := []struct {
		name, base, in string
		want           []setuptoolsRequirement
		opaque         bool
	}{
		{"cfg dangling list", "setup.cfg", "[options]\ninstall_requires =\n    a>=1\n    # note\n\n    b==2\nzip_safe = False\n", []setuptoolsRequirement{{"a>=1", 3}, {"b==2", 6}}, false},
		{"cfg same line", "setup.cfg", "[options]\ninstall_requires = a\n", []setuptoolsRequirement{{"a", 2}}, false},
		{"cfg file directive", "setup.cfg", "[options]\ninstall_requires = file: requirements.txt\n", nil, true},
		{"cfg extras key not read", "setup.cfg", "[options.extras_require]\ntest =\n    pytest\n", nil, false},
		{"cfg empty", "setup.cfg", "[options]\ninstall_requires =\nzip_safe = False\n", nil, false},
		{"py list", "setup.py", "setup(install_requires=[\"a>=1\",\n 'b'])", []setuptoolsRequirement{{"a>=1", 1}, {"b", 2}}, false},
		{"py empty list", "setup.py", "setup(install_requires=[])", nil, false},
		{"py variable", "setup.py", "reqs = open('r.txt').read().split()\nsetup(install_requires=reqs)", nil, true},
		{"py none", "setup.py", "setup()", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, opaque := setuptoolsRequires(tt.base, []byte(tt.in))
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(setuptoolsRequirement{}), cmpopts.EquateEmpty()); diff != "" || opaque != tt.opaque {
				t.Errorf("setuptoolsRequires mismatch (-want +got):\n%s opaque=%v want %v", diff, opaque, tt.opaque)
			}
		})
	}
}

func FuzzSetuptoolsRequires(f *testing.F) {
	f.Add("setup.cfg", "[options]\ninstall_requires =\n    a>=1\n")
	f.Add("setup.py", "setup(install_requires=['a', \"b==1\"])")
	f.Add("setup.py", "install_requires=[")
	f.Fuzz(func(t *testing.T, base, in string) {
		if base != "setup.cfg" {
			base = "setup.py"
		}
		reqs, _ := setuptoolsRequires(base, []byte(in))
		for _, r := range reqs {
			if r.line < 1 || r.text == "" {
				t.Fatalf("bad requirement %+v", r)
			}
		}
		setuptoolsRange(base, []byte(in))
		swiftNeedsLock([]byte(in))
	})
}
