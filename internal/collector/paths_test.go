package collector

import "testing"

func TestFixtureOrVendored(t *testing.T) {
	for p, want := range map[string]bool{
		".github/workflows/ci.yml":                false,
		"action.yml":                              false,
		"testdata/action.yml":                     true,
		"pkg/vendor/x/.github/workflows/a.yml":    true,
		"web/node_modules/pkg/action.yml":         true,
		"third_party/tool/Dockerfile":             true,
		"src/__fixtures__/Dockerfile":             true,
		"fixtures.go":                             false, // a file, not a directory of fixtures
		"docs/vendored/Dockerfile":                false,
		"internal/testdata-not/.gitlab-ci.yml":    false,
		"deep/a/b/c/fixtures/d/.travis.yml":       true,
		"vendor":                                  false,
		"examples/node_modules_backup/Dockerfile": false,
	} {
		if got := FixtureOrVendored(p); got != want {
			t.Errorf("FixtureOrVendored(%q) = %v, want %v", p, got, want)
		}
	}
}
