package packaging

import (
	"testing"
	"time"

	"github.com/assaysec/assay/internal/testutil/treetest"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
)

func TestCollect(t *testing.T) {
	files := map[string]string{
		"pyproject.toml":           "[build-system]\nrequires = [\"flit_core\"]\n\n[project]\nname = \"lib\"\n",
		"package.json":             `{"name": "lib", "version": "1.0.0", "publishConfig": {"provenance": true}}`,
		"site/package.json":        `{"name": "site", "private": true}`,
		"examples/demo/Cargo.toml": "[package]\nname = \"demo\"\n", // an example, not the product
		"crates/core/Cargo.toml":   "[package]\nname = \"core\"\nversion = \"0.1.0\"\n",
		"crates/bench/Cargo.toml":  "[package]\nname = \"bench\"\npublish = false\n",
		"Cargo.toml":               "[workspace]\nmembers = [\"crates/*\"]\n",
		"composer.json":            `{"name": "vendor/lib", "type": "library"}`,
		"app/composer.json":        `{"name": "vendor/app", "type": "project"}`,
		"go.mod":                   "module example.org/lib\n\ngo 1.22\n",
		"tools/go.mod":             "module tools\n",
		"lib.gemspec":              "Gem::Specification.new do |s|\n  s.name = 'lib'\nend\n",
		"pom.xml":                  "<project>\n  <distributionManagement>\n    <repository>\n      <url>http://repo.example.net/releases</url>\n    </repository>\n  </distributionManagement>\n  <build><plugins><plugin>\n    <artifactId>maven-gpg-plugin</artifactId>\n  </plugin></plugins></build>\n</project>\n",
		"sub/build.gradle.kts":     "plugins {\n  `maven-publish`\n  signing\n}\nsigning {\n  sign(publishing.publications)\n}\n",
		"scripts/release.sh":       "#!/bin/sh\n# gpg --detach-sign old.tar.gz\ngpg --verify x.asc\ngpg --armor --detach-sign dist/lib.tar.gz\ntwine upload dist/*\n",
		"README.md":                "Install:\n\n    curl -fsSL http://get.vendor.net/install.sh | sh\n\nUsage: `lib.get(\"http://example.com\")`, or open http://localhost:8000.\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n",
		"docs/install.md":          "Download http://dl.vendor.net/lib-1.0.tar.gz and unpack it.\nYou can download the pager [from its homepage](http://pager.vendor.net/download.html).\nDownload the latest release from http://vendor.net/download.html\nDownload it from http://dl.vendor.net/get?id=lib\nSee http://vendor.net/faq for help.\n[Git for Windows]: http://git-scm.com/download/win\n[Get the archive](http://dl.vendor.net/download/lib-1.0.zip)\n",
		"docs/usage.md":            "curl http://dl.vendor.net/x.tar.gz\n", // not an install document
		"test/fixtures/setup.py":   "setup(name='x')\n",
	}
	dir := treetest.Write(t, files)
	recs := treetest.Collect(t, New(), dir, time.Time{})
	if len(recs) != 1 {
		t.Fatalf("got %d records, want 1", len(recs))
	}
	got := recs[0].Fact.(evidence.Packaging)
	got.Scanned = 0
	want := evidence.Packaging{
		Channels: []evidence.PackageChannel{
			{Channel: "packagist", Name: "vendor/lib", Path: "composer.json", Line: 1},
			{Channel: "crates.io", Name: "core", Path: "crates/core/Cargo.toml", Line: 2},
			{Channel: "go-proxy", Name: "example.org/lib", Path: "go.mod", Line: 1},
			{Channel: "rubygems", Path: "lib.gemspec", Line: 1},
			{Channel: "npm", Name: "lib", Path: "package.json", Line: 1},
			{Channel: "maven", Path: "pom.xml", Line: 4, URL: "http://repo.example.net/releases"},
			{Channel: "pypi", Name: "lib", Path: "pyproject.toml", Line: 5},
			{Channel: "maven", Path: "sub/build.gradle.kts", Line: 2},
		},
		Signing: []evidence.SigningConfig{
			{Tool: "npm-provenance", Path: "package.json", Line: 1, Detail: "publishConfig.provenance: true"},
			{Tool: "maven-gpg-plugin", Path: "pom.xml", Line: 8, Detail: "maven-gpg-plugin signs the artefacts Maven deploys"},
			{Tool: "gpg", Path: "scripts/release.sh", Line: 4, Detail: "gpg --armor --detach-sign dist/lib.tar.gz"},
			{Tool: "gradle-signing", Path: "sub/build.gradle.kts", Line: 5, Detail: "the Gradle signing plugin signs the publications"},
		},
		Manual: []evidence.ScriptPublish{{Path: "scripts/release.sh", Line: 5, Command: "twine upload dist/*"}},
		Downloads: []evidence.DownloadMention{
			{Path: "README.md", Line: 3, URL: "http://get.vendor.net/install.sh", Text: "curl -fsSL http://get.vendor.net/install.sh | sh"},
			{Path: "docs/install.md", Line: 1, URL: "http://dl.vendor.net/lib-1.0.tar.gz", Text: "Download http://dl.vendor.net/lib-1.0.tar.gz and unpack it."},
			{Path: "docs/install.md", Line: 2, URL: "http://pager.vendor.net/download.html", Text: "You can download the pager [from its homepage](http://pager.vendor.net/download.html).", Link: true},
			{Path: "docs/install.md", Line: 3, URL: "http://vendor.net/download.html", Text: "Download the latest release from http://vendor.net/download.html"},
			{Path: "docs/install.md", Line: 4, URL: "http://dl.vendor.net/get?id=lib", Text: "Download it from http://dl.vendor.net/get?id=lib"},
			// A Markdown link names what it leads to; an archive is a download all the same.
			{Path: "docs/install.md", Line: 6, URL: "http://git-scm.com/download/win", Text: "[Git for Windows]: http://git-scm.com/download/win", Link: true},
			{Path: "docs/install.md", Line: 7, URL: "http://dl.vendor.net/download/lib-1.0.zip", Text: "[Get the archive](http://dl.vendor.net/download/lib-1.0.zip)"},
		},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func FuzzScan(f *testing.F) {
	for _, s := range []string{"[project]\nname = \"x\"\n", `{"name":"x","private":false}`, "<project><distributionManagement><url>http://a</url></distributionManagement></project>", "gpg --detach-sign a\nnpm publish\n", "curl http://a.b/c.tar.gz\n", "Pod::Spec.new do |s|\n s.source = { :git => 'https://a' }\n", "<PackageId>A</PackageId>"} {
		f.Add("x", s)
	}
	kinds := []string{"pyproject.toml", "setup.py", "package.json", "Cargo.toml", "pom.xml", "build.gradle", "gradle.properties", "composer.json", "gemspec", "podspec", "dotnetproj", "go.mod", "script", "doc"}
	f.Fuzz(func(t *testing.T, kind, data string) {
		for _, k := range kinds {
			var p evidence.Packaging
			Scan(&p, "f", k, []byte(data))
			if len(p.Channels) > MaxItems || len(p.Signing) > MaxItems || len(p.Downloads) > MaxItems {
				t.Fatalf("%s: limits exceeded", k)
			}
		}
	})
}

// TestGradlePropertiesSigning: the Gradle Maven Publish plugin signs every
// publication when gradle.properties sets RELEASE_SIGNING_ENABLED=true.
func TestGradlePropertiesSigning(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text string
		line int // 0: no signing recorded
	}{
		{"GROUP=com.example\nRELEASE_SIGNING_ENABLED=true\n", 2},
		{"RELEASE_SIGNING_ENABLED = true\r\n", 1},
		{"RELEASE_SIGNING_ENABLED=false\n", 0},
		{"#RELEASE_SIGNING_ENABLED=true\n", 0},
		{"MY_RELEASE_SIGNING_ENABLED=true\n", 0},
		{"org.gradle.jvmargs=-Xmx4g\n", 0},
	} {
		var f evidence.Packaging
		Scan(&f, "gradle.properties", "gradle.properties", []byte(tc.text))
		got := 0
		if len(f.Signing) > 0 {
			got = f.Signing[0].Line
			if f.Signing[0].Tool != "gradle-signing" {
				t.Errorf("%q: tool %q, want gradle-signing", tc.text, f.Signing[0].Tool)
			}
		}
		if got != tc.line {
			t.Errorf("%q: signing at line %d, want %d", tc.text, got, tc.line)
		}
	}
	if got := classify("gradle.properties"); got != "gradle.properties" {
		t.Errorf("classify(gradle.properties) = %q", got)
	}
	if got := classify("samples/app/gradle.properties"); got != "" {
		t.Errorf("classify(samples/app/gradle.properties) = %q, want nothing", got)
	}
}

func TestClassifyGradleScripts(t *testing.T) {
	for _, tc := range []struct {
		path string
		want string
	}{
		{"build.gradle.kts", "build.gradle.kts"},
		{"lib/build.gradle", "build.gradle"},
		{"build-logic/src/main/kotlin/acme.publish-conventions.gradle.kts", "build.gradle"},
		{"buildSrc/src/main/groovy/acme.publishing.gradle", "build.gradle"},
		{"gradle/publish.gradle", "build.gradle"},
		{"settings.gradle.kts", ""},
		{"build-logic/settings.gradle.kts", ""},
		{"gradle/init.gradle", ""},
		{"samples/app/src/main/kotlin/demo.gradle.kts", ""},
		{"lib/src/test/kotlin/fixture.gradle.kts", ""},
		{"lib/src/main/kotlin/Main.kt", ""},
	} {
		if got := classify(tc.path); got != tc.want {
			t.Errorf("classify(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}

// A POM's <site> entry deploys the website, not the artefacts: its URL is
// not a distribution channel, and the artefacts go where the parent POM
// says.
func TestPOMSiteIsNotAChannel(t *testing.T) {
	var f evidence.Packaging
	Scan(&f, "pom.xml", "pom.xml", []byte("<project>\n  <distributionManagement>\n    <site>\n      <id>web</id>\n      <url>scm:svn:https://svn.example.org/site/</url>\n    </site>\n  </distributionManagement>\n</project>\n"))
	want := []evidence.PackageChannel{{Channel: "maven", Path: "pom.xml", Line: 2}}
	if d := cmp.Diff(want, f.Channels); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	f = evidence.Packaging{}
	Scan(&f, "pom.xml", "pom.xml", []byte("<project>\n  <distributionManagement>\n    <repository><url>https://repo.example.org/releases</url></repository>\n    <site><url>scm:svn:https://svn.example.org/site/</url></site>\n  </distributionManagement>\n</project>\n"))
	want = []evidence.PackageChannel{{Channel: "maven", Path: "pom.xml", Line: 3, URL: "https://repo.example.org/releases"}}
	if d := cmp.Diff(want, f.Channels); d != "" {
		t.Errorf("with a repository (-want +got):\n%s", d)
	}
}

// CocoaPods specs and packable .NET projects name the registry their
// package reaches; unpackable and test projects and contributed code do not.
func TestPodspecAndNuGetChannels(t *testing.T) {
	tests := []struct {
		name, path, text string
		want             []evidence.PackageChannel
	}{
		{"podspec with https source", "Lib.podspec", "Pod::Spec.new do |s|\n  s.name = 'Lib'\n  s.source = { :git => 'https://github.com/o/lib.git', :tag => s.version }\nend\n",
			[]evidence.PackageChannel{{Channel: "cocoapods", Path: "Lib.podspec", Line: 3, URL: "https://github.com/o/lib.git"}}},
		{"podspec with http source", "Lib.podspec", "Pod::Spec.new do |s|\n  s.source = { :http => 'http://example.org/lib.zip' }\nend\n",
			[]evidence.PackageChannel{{Channel: "cocoapods", Path: "Lib.podspec", Line: 2, URL: "http://example.org/lib.zip"}}},
		{"podspec with ssh source", "Lib.podspec", "Pod::Spec.new do |s|\n  s.source = { :git => 'git@github.com:o/lib.git' }\nend\n",
			[]evidence.PackageChannel{{Channel: "cocoapods", Path: "Lib.podspec", Line: 1}}},
		{"packable project", "src/Lib/Lib.csproj", "<Project>\n  <PropertyGroup>\n    <PackageId>Lib</PackageId>\n  </PropertyGroup>\n</Project>\n",
			[]evidence.PackageChannel{{Channel: "nuget", Name: "Lib", Path: "src/Lib/Lib.csproj", Line: 3}}},
		{"pack on build", "Lib.fsproj", "<Project>\n<PropertyGroup><GeneratePackageOnBuild>true</GeneratePackageOnBuild></PropertyGroup>\n</Project>\n",
			[]evidence.PackageChannel{{Channel: "nuget", Path: "Lib.fsproj", Line: 2}}},
		{"unpackable project", "src/Lib.Tests/Lib.Tests.csproj", "<Project>\n<PackageId>X</PackageId>\n<IsPackable>false</IsPackable>\n</Project>\n", nil},
		{"test project by its test SDK", "src/Lib.DI.Tests/Lib.DI.Tests.csproj", "<Project>\n<PackageId>Lib.DI.Tests</PackageId>\n<ItemGroup>\n<PackageReference Include=\"Microsoft.NET.Test.Sdk\" Version=\"17.11.1\" />\n</ItemGroup>\n</Project>\n", nil},
		{"test SDK in a project packed on purpose", "src/Lib.Testing/Lib.Testing.csproj", "<Project>\n<PackageId>Lib.Testing</PackageId>\n<IsPackable>true</IsPackable>\n<PackageReference Include=\"Microsoft.NET.Test.Sdk\" Version=\"17.11.1\" />\n</Project>\n",
			[]evidence.PackageChannel{{Channel: "nuget", Name: "Lib.Testing", Path: "src/Lib.Testing/Lib.Testing.csproj", Line: 2}}},
		{"app without package id", "App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"></Project>\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f evidence.Packaging
			Scan(&f, tt.path, classify(tt.path), []byte(tt.text))
			if d := cmp.Diff(tt.want, f.Channels); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	if k := classify("contrib/nuget/nuget.csproj"); k != "" {
		t.Errorf("contrib/ project classified %q, want skipped", k)
	}
}

// TestOwnHosts: a download link to a host named after the product (its
// checkout or a package it publishes) is the product's download path; one
// to another program's site stays for a person to read.
func TestOwnHosts(t *testing.T) {
	f := evidence.Packaging{
		Channels: []evidence.PackageChannel{{Channel: "npm", Name: "@acme/widgetkit"}},
		Downloads: []evidence.DownloadMention{
			{URL: "http://dist.libuv.org/dist/", Link: true},
			{URL: "http://git-scm.com/download/win", Link: true},
			{URL: "http://widgetkit.example.net/get/", Link: true},
			{URL: "http://uv.org/", Link: true},
		},
	}
	ownHosts(&f, "libuv")
	var got []bool
	for _, d := range f.Downloads {
		got = append(got, d.Link)
	}
	if d := cmp.Diff([]bool{false, true, false, true}, got); d != "" {
		t.Errorf("Link (-want +got):\n%s", d)
	}
}
