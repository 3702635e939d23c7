package config

import (
	"strings"
	"testing"
)

func TestParseReleases(t *testing.T) {
	good := `
trusted_root: sigstore/trusted_root.json
releases:
  - version: "1.4.0"
    dir: dist/v1.4.0
    certificate_identity_regexp: ^https://github\.com/acme/widget/
    certificate_oidc_issuer: https://token.actions.githubusercontent.com
    builders: ["https://github.com/slsa-framework/slsa-github-generator/*"]
    download_urls: [https://github.com/acme/widget/releases]
`
	cfg, err := Parse("assay.yaml", []byte(good), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Releases) != 1 || cfg.Releases[0].Dir != "dist/v1.4.0" || cfg.Releases[0].Pos.Line != 4 || cfg.TrustedRoot == "" {
		t.Fatalf("got %+v", cfg.Releases)
	}
	bad := `
trusted_root: /etc/root.json
releases:
  - dir: ../outside
    certificate_identity: a
    certificate_identity_regexp: "("
    download_urls: ["not a url"]
    signer: x
`
	_, err = Parse("assay.yaml", []byte(bad), nil)
	if err == nil || !strings.Contains(err.Error(), "releases[0].signer: unknown key") {
		t.Fatalf("unknown key: %v", err)
	}
	bad = strings.Replace(bad, "    signer: x\n", "", 1)
	_, err = Parse("assay.yaml", []byte(bad), nil)
	for _, want := range []string{"trusted_root: want a relative path", "releases[0].version: the release version is required",
		"releases[0].dir: want a relative path", "not both", "releases[0].certificate_identity_regexp: not a valid regular expression",
		"releases[0].download_urls[0]: want an absolute URL"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, err)
		}
	}
}
