package tags

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/release/tagtest"
	"github.com/assaysec/assay/internal/source"
)

// FuzzOpenPGPKeyRing loads hostile bytes as a release's OpenPGP keys, the
// way the collector reads releases[].openpgp_keys, and checks a hostile
// signature against them: a keyring that does not load is a problem, and
// a tag is classified, never a panic.
func FuzzOpenPGPKeyRing(f *testing.F) {
	e, err := tagtest.NewOpenPGPKey("R", "r@example.com", born)
	if err != nil {
		f.Fatal(err)
	}
	pub, err := tagtest.ArmoredPublic(e)
	if err != nil {
		f.Fatal(err)
	}
	var sig bytes.Buffer
	if err := openpgp.ArmoredDetachSign(&sig, e, bytes.NewReader([]byte("Release v1\n")), nil); err != nil {
		f.Fatal(err)
	}
	f.Add(pub, "Release v1\n", sig.String())
	f.Add([]byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ\n-----END PGP PUBLIC KEY BLOCK-----\n"), "m\n", sig.String())
	f.Add([]byte{}, "", "")
	f.Fuzz(func(t *testing.T, keys []byte, msg, signature string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "keys.asc"), keys, 0o644); err != nil {
			t.Fatal(err)
		}
		tree, err := source.OpenTree(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer tree.Close()
		in := &collector.Input{Tree: tree, Now: now}
		per, union, probs := loadTrust(in, &config.Config{Releases: []config.ReleaseInput{{OpenPGPKeys: "keys.asc"}}})
		if union == nil {
			t.Fatal("no trust")
		}
		for _, tr := range per {
			if tr == nil {
				t.Fatal("nil trust for a release")
			}
		}
		if len(union.pgp) == 0 && len(probs) == 0 && len(bytes.TrimSpace(keys)) > 0 {
			// An unreadable keyring must say so.
			if _, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(keys)); err != nil {
				t.Fatalf("keyring error not reported: %v", err)
			}
		}
		tg := &object.Tag{Name: "v1.0.0", Message: msg, PGPSignature: signature, Tagger: object.Signature{Name: "a", Email: "b", When: when}}
		var fact evidence.ReleaseTagSignature
		checkSignature(&fact, tg, union)
		if signature != "" && fact.Reason == "" {
			t.Fatalf("status %q without a reason", fact.Status)
		}
	})
}
