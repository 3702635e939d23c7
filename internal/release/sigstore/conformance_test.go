package sigstore

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir is the shared real-world corpus; tests that need it skip when it
// is absent so the package still tests in a bare checkout.
const corpusDir = "../../../../shared/corpus/sigstore"

const (
	defaultIdentity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
	defaultIssuer   = "https://token.actions.githubusercontent.com"
)

type conformanceCase struct {
	name     string
	bundle   []byte
	artefact []byte
	policy   Policy
	rootErr  error
	keyErr   error
}

func loadCase(t *testing.T, dir string) conformanceCase {
	t.Helper()
	base := filepath.Join(corpusDir, "conformance", "bundle-verify")
	c := conformanceCase{name: filepath.Base(dir)}
	var err error
	if c.bundle, err = os.ReadFile(filepath.Join(dir, "bundle.sigstore.json")); err != nil {
		t.Fatal(err)
	}
	if c.artefact, err = os.ReadFile(filepath.Join(dir, "artifact")); err != nil {
		if c.artefact, err = os.ReadFile(filepath.Join(base, "a.txt")); err != nil {
			t.Fatal(err)
		}
	}
	id := Identity{SAN: defaultIdentity, Issuer: defaultIssuer}
	if b, err := os.ReadFile(filepath.Join(dir, "identity")); err == nil {
		id.SAN = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile(filepath.Join(dir, "issuer")); err == nil {
		id.Issuer = strings.TrimSpace(string(b))
	}
	rootPath := filepath.Join(dir, "trusted_root.json")
	if _, err := os.Stat(rootPath); err != nil {
		rootPath = filepath.Join(corpusDir, "sigstore-go", "examples", "trusted-root-public-good.json")
	}
	rb, err := os.ReadFile(rootPath)
	if err != nil {
		t.Fatal(err)
	}
	c.policy.TrustedRoot, c.rootErr = LoadTrustedRoot(rb)
	if kb, err := os.ReadFile(filepath.Join(dir, "key.pub")); err == nil {
		c.policy.Key, c.keyErr = LoadPublicKey(kb)
	} else {
		c.policy.Identity = id
	}
	return c
}

func (c conformanceCase) run() Result {
	if c.rootErr != nil {
		return Result{Check: CheckTrustedRoot, Reason: c.rootErr.Error()}
	}
	if c.keyErr != nil {
		return Result{Check: CheckKey, Reason: c.keyErr.Error()}
	}
	open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(c.artefact)), nil }
	return Verify(c.bundle, open, c.policy)
}

// conformanceExpect gives, for every case of the Sigstore conformance suite,
// the check that must fail (empty for a case that must verify) and a phrase
// the reason must contain, tying each failure to the reason its README
// states.
var conformanceExpect = map[string]struct{ check, reason string }{
	"bundle-empty-certificate-chain_fail":             {CheckBundle, "certificate chain is empty"},
	"bundle-from-wrong-instance_fail":                 {CheckTlog, "another Sigstore instance"},
	"bundle-invalid-base64-signature_fail":            {CheckBundle, "invalid value for bytes field signature"},
	"bundle-malformed-json_fail":                      {CheckBundle, "parse bundle"},
	"bundle-negative-log-index_fail":                  {CheckTlog, "negative log index"},
	"bundle-unknown-version_fail":                     {CheckBundle, "unsupported"},
	"bundle-with-root-cert_fail":                      {CheckCertificate, "includes a root certificate"},
	"bundle-with-sct-with-extensions":                 {},
	"checkpoint-bad-keyhint_fail":                     {CheckTlog, "checkpoint"},
	"checkpoint-wrong-roothash_fail":                  {CheckTlog, "root hash does not match"},
	"dsse-invalid-sig_fail":                           {CheckTlog, "signature"},
	"dsse-mismatch-envelope_fail":                     {CheckTlog, "envelope"},
	"dsse-mismatch-sig_fail":                          {CheckTlog, "signature"},
	"happy-path-intoto-in-dsse-v3":                    {},
	"happy-path-v0.1":                                 {},
	"happy-path-v0.2":                                 {},
	"happy-path-v0.3":                                 {},
	"happy-path-v0.3-new-mediaType":                   {},
	"inclusion-proof-corrupted-hash_fail":             {CheckTlog, "calculated root"},
	"incorrect-public-key_fail":                       {CheckTlog, "key"},
	"integrated-time-in-future_fail":                  {CheckCertificate, "not valid at the time"},
	"intoto-expired-certificate_fail":                 {CheckCertificate, "expired"},
	"intoto-log-entry-mismatch_fail":                  {CheckTlog, "does not match"},
	"intoto-missing-inclusion-proof_fail":             {CheckTlog, "missing inclusion proof"},
	"intoto-set-outside-signing-cert-validity_fail":   {CheckCertificate, "not valid at the time"},
	"intoto-tsa-timestamp-outside-cert-validity_fail": {CheckCertificate, "leaf certificate"},
	"intoto-with-custom-trust-root":                   {},
	"invalid-checkpoint-signature_fail":               {CheckTlog, "signature on checkpoint"},
	"invalid-ct-key_fail":                             {CheckSCT, "SCT"},
	"invalid-inclusion-proof_fail":                    {CheckTlog, "inclusion proof"},
	"managed-key-and-trusted-root":                    {},
	"managed-key-happy-path":                          {},
	"managed-key-no-key_fail":                         {CheckKey, "no public key was given"},
	"managed-key-wrong-key_fail":                      {CheckKey, "public key"},
	"message-digest-mismatch_fail":                    {CheckDigest, "digest mismatch"},
	"rekor2-checkpoint-cosigned":                      {},
	"rekor2-checkpoint-missing-log-signature_fail":    {CheckTlog, "checkpoint"},
	"rekor2-checkpoint-missing-origin_fail":           {CheckTlog, "checkpoint"},
	"rekor2-checkpoint-missing-root-hash_fail":        {CheckTlog, "checkpoint"},
	"rekor2-checkpoint-missing-size_fail":             {CheckTlog, "checkpoint"},
	"rekor2-checkpoint-multiple-cosigs":               {},
	"rekor2-checkpoint-no-matching-signature_fail":    {CheckTlog, "no verifiable signatures"},
	"rekor2-checkpoint-origin-not-first":              {},
	"rekor2-checkpoint-two-sigs-cosigned":             {},
	"rekor2-checkpoint-two-sigs-from-origin":          {},
	"rekor2-dsse-happy-path":                          {},
	// Rekor v2 logs Hash(PAE(envelope)): an altered envelope or signature
	// is a leaf the log never saw, so the inclusion proof is what fails.
	"rekor2-dsse-invalid-sig_fail":                              {CheckTlog, "verifying inclusion"},
	"rekor2-dsse-mismatch-envelope_fail":                        {CheckTlog, "verifying inclusion"},
	"rekor2-dsse-mismatch-sig_fail":                             {CheckTlog, "verifying inclusion"},
	"rekor2-happy-path":                                         {},
	"rekor2-no-inclusion-proof_fail":                            {CheckTlog, "missing inclusion proof"},
	"rekor2-no-timestamp_fail":                                  {CheckTimestamp, "no verified timestamp"},
	"rekor2-timestamp-outside-trust-root-tsa-validity_fail":     {CheckTimestamp, "no verified timestamp"},
	"rekor2-timestamp-outside-tsa-cert-validity_fail":           {CheckTimestamp, "no verified timestamp"},
	"rekor2-timestamp-payload-mismatch_fail":                    {CheckTimestamp, "no verified timestamp"},
	"rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail":    {CheckTimestamp, "no verified timestamp"},
	"rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail": {CheckTimestamp, "no verified timestamp"},
	"rekor2-timestamp-with-embedded-cert":                       {},
	"rekor2-timestamp-with-expired-cert-chain":                  {},
	// The fixture's signedTimestamp is base64 wrapped at 76 columns, which
	// protobuf JSON rejects; TestConformanceRepairedTimestamp checks the
	// stated reason on a copy with the line breaks removed.
	"rekor2-timestamp-with-incorrect-time_fail":   {CheckBundle, "signedTimestamp"},
	"rekor2-timestamp-without-embedded-cert":      {},
	"set-invalid-signature_fail":                  {CheckTlog, "forged signed entry timestamp"},
	"signature-mismatch_fail":                     {CheckTlog, "signature"},
	"trust-root-tlog-missing-validity-start_fail": {CheckTrustedRoot, "validity period start"},
	"trust-root-tlog-validity-end-inclusive":      {},
	"trust-root-tsa-validity-end-inclusive":       {},
	"wrong-hashedrekord-artifact_fail":            {CheckTlog, "transparency-log entry"},
	"wrong-hashedrekord-cert-and-sig_fail":        {CheckTlog, "transparency-log entry"},
	"wrong-hashedrekord-entry_fail":               {CheckTlog, "transparency-log entry"},
	"wrong-material_fail":                         {CheckDigest, "digest mismatch"},
}

func caseDirs(t *testing.T) []string {
	t.Helper()
	base := filepath.Join(corpusDir, "conformance", "bundle-verify")
	if _, err := os.Stat(base); err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	entries, err := os.ReadDir(base)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, filepath.Join(base, e.Name()))
		}
	}
	return dirs
}

func TestConformance(t *testing.T) {
	dirs := caseDirs(t)
	if len(dirs) != len(conformanceExpect) {
		t.Errorf("corpus has %d cases, table has %d: keep them in step", len(dirs), len(conformanceExpect))
	}
	for _, d := range dirs {
		name := filepath.Base(d)
		t.Run(name, func(t *testing.T) {
			want, ok := conformanceExpect[name]
			if !ok {
				t.Fatalf("no expectation for case %s", name)
			}
			if strings.HasSuffix(name, "_fail") == (want.check == "") {
				t.Fatalf("table disagrees with the case name about pass/fail")
			}
			got := loadCase(t, d).run()
			if want.check == "" {
				if !got.Verified {
					t.Fatalf("want verified, got %s: %s", got.Check, got.Reason)
				}
				return
			}
			if got.Verified {
				t.Fatalf("want failure at %s, got verified", want.check)
			}
			if got.Check != want.check || !strings.Contains(got.Reason, want.reason) {
				t.Errorf("got check %q reason %q; want check %q with reason containing %q", got.Check, got.Reason, want.check, want.reason)
			}
		})
	}
}

func TestConformanceRepairedTimestamp(t *testing.T) {
	caseDirs(t)
	c := loadCase(t, filepath.Join(corpusDir, "conformance", "bundle-verify", "rekor2-timestamp-with-incorrect-time_fail"))
	// Remove the line breaks inside the timestamp's base64 only.
	var doc map[string]any
	if err := json.Unmarshal(c.bundle, &doc); err != nil {
		t.Fatal(err)
	}
	tvd := doc["verificationMaterial"].(map[string]any)["timestampVerificationData"].(map[string]any)
	for _, ts := range tvd["rfc3161Timestamps"].([]any) {
		m := ts.(map[string]any)
		m["signedTimestamp"] = strings.ReplaceAll(m["signedTimestamp"].(string), "\n", "")
	}
	var err error
	if c.bundle, err = json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	got := c.run()
	if got.Verified || got.Check != CheckCertificate {
		t.Fatalf("want a certificate failure (timestamp outside the certificate lifetime), got verified=%v %s: %s", got.Verified, got.Check, got.Reason)
	}
}

func TestIdentityMismatchNamesBothValues(t *testing.T) {
	c := loadCase(t, filepath.Join(caseDirs(t)[0], "..", "happy-path-v0.3"))
	c.policy.Identity = Identity{SAN: "https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1", Issuer: defaultIssuer}
	got := c.run()
	want := `identity mismatch: expected identity "https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1", got identity "` + defaultIdentity + `"`
	if got.Verified || got.Check != CheckIdentity || got.Reason != want {
		t.Fatalf("got %v %s %q\nwant %q", got.Verified, got.Check, got.Reason, want)
	}
	c.policy.Identity = Identity{SANRegexp: `https://github\.com/sigstore-conformance/.*`, IssuerRegexp: `https://token\.actions\.githubusercontent\.com`}
	if got := c.run(); !got.Verified {
		t.Fatalf("regexp identity: %s %s", got.Check, got.Reason)
	}
	// Unanchored cosign-style expressions are anchored: a prefix must not pass.
	c.policy.Identity = Identity{SANRegexp: `sigstore-conformance`, Issuer: defaultIssuer}
	if got := c.run(); got.Verified || got.Check != CheckIdentity {
		t.Fatalf("partial regexp match must not verify: %v %s", got.Verified, got.Check)
	}
	c.policy.Identity = Identity{}
	if got := c.run(); got.Verified || !got.Unverifiable || got.Check != CheckNotConfigured {
		t.Fatalf("no identity: want unverifiable policy result, got %+v", got)
	}
	c.policy.TrustedRoot = nil
	c.policy.Identity = Identity{SAN: defaultIdentity, Issuer: defaultIssuer}
	if got := c.run(); got.Verified || !got.Unverifiable || got.Check != CheckTrustedRoot {
		t.Fatalf("no trusted root: want unverifiable, got %+v", got)
	}
}

func FuzzParseBundle(f *testing.F) {
	for _, name := range []string{"happy-path-v0.1", "happy-path-v0.3", "rekor2-dsse-happy-path", "managed-key-happy-path"} {
		if b, err := os.ReadFile(filepath.Join(corpusDir, "conformance", "bundle-verify", name, "bundle.sigstore.json")); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBundle(data)
		if err == nil && b == nil {
			t.Fatal("nil bundle without error")
		}
		if err == nil {
			open := func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("x")), nil }
			_ = VerifyBundle(b, open, Policy{})
		}
	})
}
