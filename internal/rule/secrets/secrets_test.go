package secrets

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

func set(facts ...evidence.Fact) *evidence.Set {
	ev := evidence.NewSet()
	for _, f := range facts {
		ev.Add(evidence.Record{Fact: f})
	}
	return ev
}

// brief keeps what the tests compare: outcome, negative and location.
type brief struct {
	Outcome  rule.Outcome
	Negative rule.Negative
	Path     string
	Line     int
}

func briefs(fs []rule.Finding) []brief {
	var out []brief
	for _, f := range fs {
		out = append(out, brief{f.Outcome, f.Negative, f.Location.Path, f.Location.Line})
	}
	return out
}

var (
	fullScan = evidence.SecretScan{Detectors: 79, Files: 40, ProductFiles: 30, BuildFiles: 3}
	cutScan  = evidence.SecretScan{Detectors: 79, Files: 10, ProductFiles: 8, Cut: "time limit of 1m0s", Unscanned: 30, UnscannedProduct: 22, UnscannedBuild: 1}
	prodKey  = evidence.Secret{Detector: "secrets/privatekey", Path: "deploy/server.key", Line: 1, Fingerprint: "ab12cd34", Scope: evidence.ScopeProduct}
	testKey  = evidence.Secret{Detector: "secrets/privatekey", Path: "tests/k.pem", Line: 1, Fingerprint: "ab12cd34", Scope: evidence.ScopeTest}
	toolKey  = evidence.Secret{Detector: "secrets/privatekey", Path: "bogo/keys/key.pem", Line: 1, Fingerprint: "ab12cd34", Scope: evidence.ScopeUnpublished}
	ciToken  = evidence.Secret{Detector: "secrets/npmjsaccesstoken", Path: ".npmrc", Line: 2, Fingerprint: "0011aabb", Scope: evidence.ScopeProduct, Build: true}
	webKey   = evidence.Secret{Detector: "secrets/gcpapikey", Path: ".env.production", Line: 17, Fingerprint: "831eae7f", Scope: evidence.ScopeProduct, ClientConfig: true}
	compose  = evidence.DefaultCredential{Path: "compose.yml", Line: 4, Key: "POSTGRES_PASSWORD", Form: evidence.CredSetting, Reason: "a well-known default password", Fingerprint: "5e884898", Scope: evidence.ScopeProduct}
	ciDB     = evidence.DefaultCredential{Path: ".github/workflows/test.yml", Line: 20, Key: "POSTGRES_PASSWORD", Form: evidence.CredSetting, Reason: "a well-known default password", Fingerprint: "5e884898", Scope: evidence.ScopeProduct, Build: true}
	exDemo   = evidence.DefaultCredential{Path: "examples/app/config.py", Line: 3, Key: "SECRET_KEY", Form: evidence.CredSetting, Reason: "a well-known default password", Fingerprint: "2bb80d53", Scope: evidence.ScopeExample}
)

func TestRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fn   func(*evidence.Set) []rule.Finding
		ev   *evidence.Set
		want []brief
	}{
		{"secrets_clean", noHardcodedSecrets, set(fullScan), []brief{{Outcome: rule.True}}},
		{"secrets_test_only", noHardcodedSecrets, set(fullScan, testKey), []brief{{Outcome: rule.True}}},
		{"secrets_unpublished_member_only", noHardcodedSecrets, set(fullScan, toolKey), []brief{{Outcome: rule.True}}},
		{"confined_unpublished_member", secretsConfinedToTests, set(fullScan, toolKey), []brief{{rule.True, "", "bogo/keys/key.pem", 1}}},
		{"secrets_product", noHardcodedSecrets, set(fullScan, prodKey, testKey, ciToken), []brief{
			{rule.False, rule.Violation, "deploy/server.key", 1}, {rule.False, rule.Violation, ".npmrc", 2}}},
		{"secrets_firebase_web_config_is_settled_in_the_console", noHardcodedSecrets, set(fullScan, webKey, testKey), []brief{{rule.False, rule.Elsewhere, ".env.production", 17}}},
		{"secrets_real_secret_beside_firebase_web_config", noHardcodedSecrets, set(fullScan, webKey, prodKey), []brief{{rule.False, rule.Violation, "deploy/server.key", 1}}},
		{"confined_firebase_web_config_not_counted", secretsConfinedToTests, set(fullScan, webKey, testKey), []brief{{rule.True, "", "tests/k.pem", 1}}},
		{"secrets_cut_short", noHardcodedSecrets, set(cutScan), []brief{{Outcome: rule.NotAvailable}}},
		{"secrets_cut_short_but_found", noHardcodedSecrets, set(cutScan, prodKey), []brief{{rule.False, rule.Violation, "deploy/server.key", 1}}},
		{"secrets_no_summary", noHardcodedSecrets, set(), []brief{{Outcome: rule.NotAvailable}}},
		{"secrets_no_product_files", noHardcodedSecrets, set(evidence.SecretScan{Files: 3}), []brief{{Outcome: rule.NotApplicable}}},

		{"defaults_clean", noDefaultCredentials, set(fullScan), []brief{{Outcome: rule.True}}},
		{"defaults_product", noDefaultCredentials, set(fullScan, compose), []brief{{rule.False, rule.Violation, "compose.yml", 4}}},
		{"defaults_ci_service_and_example_do_not_decide", noDefaultCredentials, set(fullScan, ciDB, exDemo), []brief{{Outcome: rule.True}}},
		{"defaults_cut_short", noDefaultCredentials, set(cutScan), []brief{{Outcome: rule.NotAvailable}}},

		{"confined_none", secretsConfinedToTests, set(fullScan), []brief{{Outcome: rule.NotApplicable}}},
		{"confined_listed", secretsConfinedToTests, set(fullScan, testKey, exDemo, ciDB), []brief{
			{rule.True, "", "tests/k.pem", 1}, {rule.True, "", "examples/app/config.py", 3}, {rule.True, "", ".github/workflows/test.yml", 20}}},
		{"confined_product", secretsConfinedToTests, set(fullScan, prodKey, testKey), []brief{
			{rule.True, "", "tests/k.pem", 1}, {rule.False, rule.Violation, "deploy/server.key", 1}}},

		{"build_clean", noPlaintextBuildCredentials, set(fullScan, prodKey), []brief{{Outcome: rule.True}}},
		{"build_token", noPlaintextBuildCredentials, set(fullScan, ciToken), []brief{{rule.False, rule.Violation, ".npmrc", 2}}},
		{"build_default_password_is_a_test_service", noPlaintextBuildCredentials, set(fullScan, ciDB), []brief{{Outcome: rule.True}}},
		{"build_cut_short", noPlaintextBuildCredentials, set(cutScan), []brief{{Outcome: rule.NotAvailable}}},
		{"build_none", noPlaintextBuildCredentials, set(evidence.SecretScan{ProductFiles: 3, Files: 3}), []brief{{Outcome: rule.NotApplicable}}},

		{"scanner_none", secretScanningInCI, set(fullScan), []brief{{rule.False, rule.NoSignal, "", 0}}},
		{"scanner_action", secretScanningInCI, set(fullScan, evidence.CIPipeline{Path: ".github/workflows/gitleaks.yml", Jobs: []evidence.CIJob{{ID: "scan", Steps: []evidence.CIStep{
			{Line: 12, Uses: "actions/checkout@v4"}, {Line: 15, Uses: "gitleaks/gitleaks-action@0123456789abcdef0123456789abcdef01234567"}}}}}),
			[]brief{{rule.True, "", ".github/workflows/gitleaks.yml", 15}}},
		{"scanner_run_line", secretScanningInCI, set(fullScan, evidence.CIPipeline{Path: ".gitlab-ci.yml", Jobs: []evidence.CIJob{{ID: "secrets", Steps: []evidence.CIStep{
			{RunLine: 7, Run: "# trufflehog git is slow\ntrufflehog filesystem . --fail"}}}}}),
			[]brief{{rule.True, "", ".gitlab-ci.yml", 8}}},
		{"scanner_commented_out", secretScanningInCI, set(fullScan, evidence.CIPipeline{Path: "ci.yml", Jobs: []evidence.CIJob{{ID: "x", Steps: []evidence.CIStep{
			{RunLine: 3, Run: "# gitleaks detect --source ."}}}}}),
			[]brief{{rule.False, rule.NoSignal, "", 0}}},
		{"scanner_gitlab_template", secretScanningInCI, set(fullScan, evidence.CIPipeline{Path: ".gitlab-ci.yml", Includes: []evidence.CIInclude{{Kind: "template", Target: "Security/Secret-Detection.gitlab-ci.yml", Line: 3}}}),
			[]brief{{rule.True, "", ".gitlab-ci.yml", 3}}},
		{"scanner_precommit_and_config", secretScanningInCI, set(fullScan,
			evidence.PreCommit{Path: ".pre-commit-config.yaml", Repos: []evidence.PreCommitRepo{{Repo: "https://github.com/psf/black", Line: 2}, {Repo: "https://github.com/gitleaks/gitleaks", Line: 5}}},
			evidence.SecretScannerConfig{Path: ".github/secret_scanning.yml", Tool: "github-secret-scanning"}),
			[]brief{{rule.True, "", ".pre-commit-config.yaml", 5}, {rule.True, "", ".github/secret_scanning.yml", 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, briefs(tt.fn(tt.ev))); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// Messages name the kind, file:line and fingerprint.
func TestMessages(t *testing.T) {
	t.Parallel()
	got := noHardcodedSecrets(set(fullScan, prodKey))[0].Message
	if want := "deploy/server.key:1 holds a committed privatekey secret (fingerprint ab12cd34)"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	got = noDefaultCredentials(set(fullScan, compose))[0].Message
	if want := "compose.yml:4 sets POSTGRES_PASSWORD to a well-known default password (fingerprint 5e884898)"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
}

func TestRulesRegister(t *testing.T) {
	t.Parallel()
	rs, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 5 {
		t.Errorf("got %d rules, want 5", len(rs))
	}
}
