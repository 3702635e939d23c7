package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// ReleaseInput declares one release to verify: its version, the directory of
// its assets (relative to the repository), and who is expected to have signed
// them. Identity settings take cosign's names.
type ReleaseInput struct {
	Version                     string   `yaml:"version"`
	Dir                         string   `yaml:"dir"`
	Tag                         string   `yaml:"tag"` // git tag of the release; default the version, with or without "v"
	CertificateIdentity         string   `yaml:"certificate_identity"`
	CertificateIdentityRegexp   string   `yaml:"certificate_identity_regexp"`
	CertificateOIDCIssuer       string   `yaml:"certificate_oidc_issuer"`
	CertificateOIDCIssuerRegexp string   `yaml:"certificate_oidc_issuer_regexp"`
	Key                         string   `yaml:"key"`             // PEM public key for key-based signatures
	OpenPGPKeys                 string   `yaml:"openpgp_keys"`    // armored OpenPGP public keys for .asc signatures and tags
	AllowedSigners              string   `yaml:"allowed_signers"` // ssh allowed_signers for SSH-signed tags
	Builders                    []string `yaml:"builders"`        // allowed SLSA builder ids; "prefix*" matches a prefix
	Repository                  string   `yaml:"repository"`      // source repository the provenance must name
	DownloadURLs                []string `yaml:"download_urls"`
	Pos                         Pos      `yaml:"-"`
}

func (c *Config) validateRelease(add func(p Pos, field, format string, args ...any)) {
	if c.TrustedRoot != "" && !validRelPath(c.TrustedRoot) {
		add(Pos{}, "trusted_root", "want a relative path inside the repository; got %q", c.TrustedRoot)
	}
	for i, r := range c.Releases {
		f := fmt.Sprintf("releases[%d]", i)
		if strings.TrimSpace(r.Version) == "" {
			add(r.Pos, f+".version", "the release version is required, e.g. \"1.4.0\"")
		}
		for name, p := range map[string]string{"dir": r.Dir, "key": r.Key, "openpgp_keys": r.OpenPGPKeys, "allowed_signers": r.AllowedSigners} {
			if p != "" && !validRelPath(p) {
				add(r.Pos, f+"."+name, "want a relative path inside the repository; got %q", p)
			}
		}
		if r.CertificateIdentity != "" && r.CertificateIdentityRegexp != "" {
			add(r.Pos, f+".certificate_identity", "give certificate_identity or certificate_identity_regexp, not both")
		}
		if r.CertificateOIDCIssuer != "" && r.CertificateOIDCIssuerRegexp != "" {
			add(r.Pos, f+".certificate_oidc_issuer", "give certificate_oidc_issuer or certificate_oidc_issuer_regexp, not both")
		}
		for name, re := range map[string]string{"certificate_identity_regexp": r.CertificateIdentityRegexp, "certificate_oidc_issuer_regexp": r.CertificateOIDCIssuerRegexp} {
			if re == "" {
				continue
			}
			if _, err := regexp.Compile(re); err != nil {
				add(r.Pos, f+"."+name, "not a valid regular expression: %v", err)
			}
		}
		for j, u := range r.DownloadURLs {
			pu, err := url.Parse(u)
			if err != nil || pu.Scheme == "" || pu.Host == "" {
				add(r.Pos, fmt.Sprintf("%s.download_urls[%d]", f, j), "want an absolute URL; got %q", u)
			}
		}
	}
}
