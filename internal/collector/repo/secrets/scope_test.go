package secrets

import (
	"testing"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/parse/defaultcreds"
)

func TestScope(t *testing.T) {
	t.Parallel()
	for p, want := range map[string]string{
		"src/app/config.py":                    evidence.ScopeProduct,
		"internal/http/http.go":                evidence.ScopeProduct,
		"internal/http/http_test.go":           evidence.ScopeTest,
		"internal/http/testkey.pem":            evidence.ScopeTest,
		"tests/ssl/ca/server.key":              evidence.ScopeTest,
		"pkg/testdata/token.txt":               evidence.ScopeTest,
		"src/__tests__/client.js":              evidence.ScopeTest,
		"spec/models/user_spec.rb":             evidence.ScopeTest,
		"lib/test_client.py":                   evidence.ScopeTest,
		"lib/conftest.py":                      evidence.ScopeTest,
		"lib/client.spec.ts":                   evidence.ScopeTest,
		"src/main/java/a/ClientTest.java":      evidence.ScopeTest,
		"examples/jwt/src/main.rs":             evidence.ScopeExample,
		"examples/tutorial/tests/conftest.py":  evidence.ScopeTest,
		"docs/examples/app.py":                 evidence.ScopeExample,
		"docs/guide.md":                        evidence.ScopeDocs,
		"README.md":                            evidence.ScopeDocs,
		"vendor/github.com/x/y/z.go":           evidence.ScopeVendor,
		".github/workflows/release.yml":        evidence.ScopeProduct,
		"config/config.inc.php.dist":           evidence.ScopeProduct,
		"compose.yml":                          evidence.ScopeProduct,
		"contest/winner.go":                    evidence.ScopeProduct,
		"src/attestation/testament_reader.go":  evidence.ScopeProduct,
		"latest/settings.py":                   evidence.ScopeProduct,
		"docs/../tests/x":                      evidence.ScopeTest,
		"website/content/install.md":           evidence.ScopeDocs,
		"third_party/lib/keys.go":              evidence.ScopeVendor,
		"demo/docker-compose.yml":              evidence.ScopeExample,
		"internal/http/testdata/nested/pkg.go": evidence.ScopeTest,
		"caddytest/a.caddy.localhost.key":      evidence.ScopeTest,
		"net/httptest/server.go":               evidence.ScopeTest,
		"integration_test/docker-compose.yml":  evidence.ScopeTest,
		"e2e-tests/compose.yml":                evidence.ScopeTest,
		"test-utils/creds.py":                  evidence.ScopeTest,
		"acceptancetests/config.yml":           evidence.ScopeTest,
		"attest/keys.go":                       evidence.ScopeProduct,
		"selfattest/keys.go":                   evidence.ScopeProduct,
		"latest-release/config.yml":            evidence.ScopeProduct,
		"manifest/config.yml":                  evidence.ScopeProduct,
		"protests/db.yml":                      evidence.ScopeProduct,
		"testament/db.yml":                     evidence.ScopeProduct,
	} {
		if got := Scope(p); got != want {
			t.Errorf("Scope(%q) = %q, want %q", p, got, want)
		}
	}
}

func TestIsBuildFile(t *testing.T) {
	t.Parallel()
	for p, want := range map[string]bool{
		".github/workflows/release.yml": true, ".gitlab-ci.yml": true, ".gitlab/ci/build.yml": true,
		".travis.yml": true, "Jenkinsfile": true, ".circleci/config.yml": true, ".npmrc": true, ".pypirc": true,
		".goreleaser.yaml": true, "settings.xml": true, ".cargo/credentials.toml": true,
		"src/settings.xml": false, "compose.yml": false, "README.md": false, "ci/run.sh": false,
	} {
		if got := IsBuildFile(p); got != want {
			t.Errorf("IsBuildFile(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestCredModes(t *testing.T) {
	t.Parallel()
	const (
		sql   = defaultcreds.SQL
		set   = defaultcreds.SQL | defaultcreds.Settings
		code  = defaultcreds.SQL | defaultcreds.CodeSettings
		prose = defaultcreds.SQL | defaultcreds.Prose
	)
	for p, want := range map[string]defaultcreds.Mode{
		"compose.yml": set, "docker-compose.override.yaml": set, ".env.example": set, ".env": set,
		"config/config.inc.php.dist": code, "app/settings.py": code, "config/database.js": code,
		"conf/app.ini": set, "Dockerfile": set, "deploy/app.dockerfile": set, "appsettings.json": set,
		"package.json": sql, "src/main.go": sql, "lib/app.py": sql, "README.md": prose, "docs/install.rst": prose,
		"INSTALL": prose, "locales/en.yml": sql, "config/secrets.yml": set,
		"src/main/resources/messages_en.properties": sql, "res/values/strings.xml": sql,
	} {
		if got := credModes(p); got != want {
			t.Errorf("credModes(%q) = %b, want %b", p, got, want)
		}
	}
}

func TestScannerConfig(t *testing.T) {
	t.Parallel()
	for p, want := range map[string]string{
		".gitleaks.toml": "gitleaks", ".github/secret_scanning.yml": "github-secret-scanning", ".secrets.baseline": "detect-secrets",
		".gitguardian.yaml": "ggshield", "sub/.gitleaks.toml": "", "gitleaks.go": "",
	} {
		if got := ScannerConfig(p); got != want {
			t.Errorf("ScannerConfig(%q) = %q, want %q", p, got, want)
		}
	}
}
