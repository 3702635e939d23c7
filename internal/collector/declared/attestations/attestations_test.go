package attestations

import (
	"context"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/sign"
	"github.com/assaysec/assay/internal/signoff"
	"github.com/assaysec/assay/internal/source"
)

var now = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

func key(seed byte) *sign.Signer {
	s, err := sign.NewSigner(ed25519.NewKeyFromSeed(append(make([]byte, 31), seed)))
	if err != nil {
		panic(err)
	}
	return s
}

func TestCollectSignatures(t *testing.T) {
	alice, mallory := key(1), key(2)
	base := config.Attestation{
		Claim: "1.1.2", Statement: "Developers are trained.", AttestedBy: "Alice <alice@example.com>",
		Date:     config.Date{Time: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)},
		Expires:  config.Date{Time: time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)},
		Evidence: []config.EvidenceRef{{Path: "training.csv", SHA256: strings.Repeat("0", 64)}},
	}
	signed := func(s *sign.Signer, a config.Attestation) config.Attestation {
		sig, err := s.Sign(signoff.CanonicalAttestation("Demo", a), sign.Namespace)
		if err != nil {
			t.Fatal(err)
		}
		a.Signature = string(sig)
		return a
	}
	tampered := signed(alice, base)
	tampered.Statement = "Developers are very well trained."
	wrongNS := base
	sig, _ := alice.Sign(signoff.CanonicalAttestation("Demo", base), "file")
	wrongNS.Signature = string(sig)
	bob := base
	bob.AttestedBy = "bob@example.com"
	bob = signed(alice, bob)

	allowed := sign.FormatEntry("alice@example.com", alice.PublicKey()) + "\n"
	tests := []struct {
		name    string
		att     config.Attestation
		signers string // allowed signers file content; "" for none
		want    evidence.SignatureCheck
	}{
		{"unsigned", base, allowed, evidence.SignatureCheck{}},
		{"verified", signed(alice, base), allowed, evidence.SignatureCheck{State: evidence.SignatureVerified, Signed: true, Verified: true, Signer: "alice@example.com"}},
		{"no signers", signed(alice, base), "", evidence.SignatureCheck{State: evidence.SignatureUnverified, Signed: true, Problem: "signature not verified: no allowed signers configured (set allowed_signers in assay.yaml or pass --allowed-signers)"}},
		{"tampered", tampered, allowed, evidence.SignatureCheck{State: evidence.SignatureBad, Signed: true, Problem: "bad signature: ssh: signature did not verify"}},
		{"other namespace", wrongNS, allowed, evidence.SignatureCheck{State: evidence.SignatureBad, Signed: true, Problem: `bad signature: made for namespace "file", expected "assay"`}},
		{"unknown key", signed(mallory, base), allowed, evidence.SignatureCheck{State: evidence.SignatureUnverified, Signed: true, Problem: "signature not verified against allowed_signers: signer not allowed: key " + mallory.Fingerprint() + " is not in the allowed signers file"}},
		{"signs as someone else", bob, allowed, evidence.SignatureCheck{State: evidence.SignatureUnverified, Signed: true, Problem: "signature not verified against allowed_signers: signer not allowed: key " + alice.Fingerprint() + ` is not allowed to sign as "bob@example.com"`}},
		{"garbage", config.Attestation{Signature: "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----"}, allowed, evidence.SignatureCheck{State: evidence.SignatureBad, Signed: true, Problem: "bad signature: malformed: ssh: short read"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := &config.Config{File: "assay.yaml", Product: "Demo", Attestations: []config.Attestation{tt.att}}
			if tt.signers != "" {
				cfg.AllowedSigners = "allowed_signers"
				if err := os.WriteFile(filepath.Join(dir, "allowed_signers"), []byte(tt.signers), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			tree, err := source.OpenTree(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer tree.Close()
			recs, err := New(cfg).Collect(context.Background(), &collector.Input{Tree: tree, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			got := recs[0].Fact.(evidence.Attestation).Signature
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Error(diff)
			}
		})
	}
}

func TestBrokenAllowedSignersIsParseProblem(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "allowed"), []byte("alice\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tree, err := source.OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	cfg := &config.Config{AllowedSigners: "allowed"}
	recs, err := New(cfg).Collect(context.Background(), &collector.Input{Tree: tree, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	p, ok := recs[0].Fact.(evidence.ParseProblem)
	if !ok || !strings.Contains(p.Error, "line 1: missing key") {
		t.Fatalf("got %+v", recs)
	}
}
