package secrets

import (
	"path"
	"slices"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
)

// Directory names that hold tests, fixtures and test data in the common
// layouts of Go, Python, JavaScript, Rust, Java, PHP and Ruby projects.
var testDirs = map[string]bool{
	"test": true, "tests": true, "testdata": true, "testing": true, "__tests__": true,
	"spec": true, "specs": true, "fixture": true, "fixtures": true, "__fixtures__": true,
	"mock": true, "mocks": true, "__mocks__": true, "testutil": true, "testutils": true,
	"test-data": true, "test_data": true, "e2e": true, "benches": true, "benchmarks": true,
	"integration-tests": true, "integration_tests": true, "testsuite": true, "unittests": true,
	"test-fixtures": true, "test_fixtures": true, "testfiles": true, "test-files": true,
}

// testWords are the words that mark a compound directory name as a test
// directory: integration_test, e2e-tests, test-utils, unit.tests.
var testWords = map[string]bool{"test": true, "tests": true, "testing": true, "testdata": true, "fixtures": true, "e2e": true}

// notTestWords end in "test" without naming tests.
var notTestWords = []string{"latest", "attest", "contest", "protest", "detest", "greatest", "fastest", "shortest", "smartest", "hottest", "lightest", "brightest", "strictest"}

// testDirName reports whether a directory name is a compound that names
// tests: words joined by -, _ or . of which one is a test word, or a word
// that ends in test or tests after a prefix, the Go convention for test
// helper packages (httptest, fstest, caddytest).
func testDirName(d string) bool {
	for _, w := range strings.FieldsFunc(d, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		if testWords[w] {
			return true
		}
		stem := strings.TrimSuffix(w, "s")
		if len(stem) > len("test")+1 && strings.HasSuffix(stem, "test") &&
			!slices.ContainsFunc(notTestWords, func(n string) bool { return strings.HasSuffix(stem, n) }) {
			return true
		}
	}
	return false
}

var exampleDirs = map[string]bool{
	"example": true, "examples": true, "_examples": true, "sample": true, "samples": true,
	"demo": true, "demos": true, "tutorial": true, "tutorials": true, "playground": true,
	"quickstart": true, "cookbook": true,
}

var docsDirs = map[string]bool{
	"doc": true, "docs": true, "documentation": true, "man": true, "website": true,
	"_site": true, "wiki": true,
}

var vendorDirs = map[string]bool{
	"vendor": true, "third_party": true, "third-party": true, "thirdparty": true,
	"bower_components": true, "jspm_packages": true,
}

// docExts are prose formats; a secret there is an illustration until shown
// otherwise.
var docExts = map[string]bool{".md": true, ".markdown": true, ".rst": true, ".adoc": true, ".asciidoc": true, ".txt": true, ".textile": true, ".rdoc": true, ".pod": true}

// Scope classifies a path as product, test, example, docs or vendored code.
// Directory segments decide first (the innermost that matches), so
// docs/examples/x is an example and tests/docs/y a test; then the file
// name's test conventions; then prose extensions.
func Scope(p string) string {
	segs := strings.Split(p, "/")
	dirs := segs[:len(segs)-1]
	for i := len(dirs) - 1; i >= 0; i-- {
		d := strings.ToLower(dirs[i])
		switch {
		case testDirs[d] || testDirName(d):
			return evidence.ScopeTest
		case exampleDirs[d]:
			return evidence.ScopeExample
		case vendorDirs[d]:
			return evidence.ScopeVendor
		case docsDirs[d]:
			return evidence.ScopeDocs
		}
	}
	if isTestFile(segs[len(segs)-1]) {
		return evidence.ScopeTest
	}
	if docExts[strings.ToLower(path.Ext(p))] {
		return evidence.ScopeDocs
	}
	return evidence.ScopeProduct
}

// isTestFile recognises test files by their language's naming convention.
func isTestFile(name string) bool {
	l := strings.ToLower(name)
	ext := path.Ext(l)
	stem := strings.TrimSuffix(l, ext)
	switch {
	case strings.HasSuffix(l, "_test.go"):
		return true
	case ext == ".py" && (strings.HasPrefix(stem, "test_") || strings.HasSuffix(stem, "_test") || stem == "conftest"):
		return true
	case strings.Contains(l, ".test.") || strings.Contains(l, ".spec.") || strings.Contains(l, "_spec."):
		return true
	case (ext == ".java" || ext == ".kt" || ext == ".php" || ext == ".cs" || ext == ".scala") &&
		(strings.HasSuffix(name[:len(name)-len(ext)], "Test") || strings.HasSuffix(name[:len(name)-len(ext)], "Tests") || strings.HasSuffix(name[:len(name)-len(ext)], "IT")):
		return true
	case ext == ".rs" && (stem == "tests" || strings.HasSuffix(stem, "_test") || strings.HasSuffix(stem, "_tests")):
		return true
	case ext == ".rb" && strings.HasSuffix(stem, "_test"):
		return true
	case keyExts[ext] && testWord(stem):
		return true
	}
	return false
}

// IsBuildFile reports whether p is a CI definition, a release tool's
// configuration or a package registry's credential file: the files whose
// committed credentials are build-environment credentials.
func IsBuildFile(p string) bool {
	l := strings.ToLower(p)
	base := path.Base(l)
	dir := path.Dir(l)
	switch {
	case strings.HasPrefix(l, ".github/workflows/") || strings.HasPrefix(l, ".github/actions/"):
		return true
	case (base == "action.yml" || base == "action.yaml") && dir == ".":
		return true
	case base == ".gitlab-ci.yml" || strings.HasPrefix(l, ".gitlab/ci/"):
		return true
	case strings.HasPrefix(l, ".circleci/") || strings.HasPrefix(l, ".buildkite/") || strings.HasPrefix(l, ".azure-pipelines/") || strings.HasPrefix(l, ".woodpecker/") || strings.HasPrefix(l, ".tekton/"):
		return true
	}
	switch base {
	case ".travis.yml", "jenkinsfile", "azure-pipelines.yml", "azure-pipelines.yaml", ".drone.yml", "appveyor.yml", ".appveyor.yml",
		"bitbucket-pipelines.yml", "cloudbuild.yaml", "cloudbuild.yml", ".woodpecker.yml", "codemagic.yaml", ".cirrus.yml",
		".goreleaser.yml", ".goreleaser.yaml", "goreleaser.yml", "goreleaser.yaml", ".release-it.json", ".releaserc", ".releaserc.json",
		".npmrc", ".yarnrc", ".yarnrc.yml", ".pypirc", "gradle.properties", ".netrc":
		return true
	case "settings.xml":
		return dir == "." || dir == ".mvn" || dir == ".m2"
	case "credentials", "credentials.toml":
		return dir == ".cargo" || dir == ".gem"
	}
	return false
}

// keyExts are key and certificate files; next to tests they are named
// testkey.pem, test-cert.crt, example.key.
var keyExts = map[string]bool{".pem": true, ".key": true, ".crt": true, ".cer": true, ".der": true, ".p12": true, ".pfx": true, ".jks": true, ".p8": true, ".pub": true, ".asc": true, ".gpg": true}

func testWord(stem string) bool {
	for _, w := range []string{"test", "example", "sample", "dummy", "fake", "mock", "fixture"} {
		if strings.Contains(stem, w) {
			return true
		}
	}
	return false
}
