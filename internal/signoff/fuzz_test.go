package signoff

import (
	"bytes"
	"crypto/ed25519"
	"testing"

	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/sign"
)

// FuzzAttestation feeds arbitrary declarations through the attestation path:
// parse, canonical form, signature verification. None of it may panic, and
// the canonical form must be stable.
func FuzzAttestation(f *testing.F) {
	f.Add([]byte("product: P\nattestations:\n  - claim: \"1.1.2\"\n    statement: s\n    evidence: [{url: \"https://x\"}]\n    attested_by: a@b\n    date: \"2026-01-01\"\n    expires: \"2027-01-01\"\n    signature: |\n      -----BEGIN SSH SIGNATURE-----\n      U1NIU0lH\n      -----END SSH SIGNATURE-----\n"))
	f.Add([]byte("attestations: [{claim: \"4.2.1\", statement: \"<&>\\u2028\", attested_by: \"Jane <j@x>\", evidence: [{path: a, sha256: \"" + string(bytes.Repeat([]byte("a"), 64)) + "\"}], date: \"2026-01-01\", expires: \"2026-02-01\"}]\n"))
	s, _ := sign.NewSigner(ed25519.NewKeyFromSeed(make([]byte, 32)))
	allowed, _ := sign.ParseAllowedSigners([]byte(sign.FormatEntry("*", s.PublicKey())))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := config.Parse("assay.yaml", data, nil)
		if err != nil {
			return
		}
		for _, a := range cfg.Attestations {
			c1 := CanonicalAttestation(cfg.Product, a)
			if !bytes.Equal(c1, CanonicalAttestation(cfg.Product, a)) || !bytes.HasSuffix(c1, []byte("}\n")) {
				t.Fatalf("unstable canonical form %q", c1)
			}
			_ = config.Identity(a.AttestedBy)
			if a.Signature != "" {
				_, _ = allowed.Verify(c1, []byte(a.Signature), sign.Namespace, "", cfg.Attestations[0].Date.Time)
			}
		}
		_ = AttestationsDigest(cfg.Product, cfg.Attestations)
	})
}
