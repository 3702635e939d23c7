package bundle_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hiddeco/sshsig"

	"github.com/assaysec/assay/internal/bundle"
	"github.com/assaysec/assay/internal/sign"
)

// A bundle's SSH signature is what `ssh-keygen -Y sign -n assay` makes over
// the PAE, so stock OpenSSH verifies it (the recipe in docs/bundle.md).
func TestBundle_SSHKeygenVerifies(t *testing.T) {
	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Skip("ssh-keygen not installed")
	}
	dir, commit := fixtureRepo(t)
	k := newKeys(t, 8)
	var b bundle.Bundle
	if err := json.Unmarshal(create(t, dir, commit, sshSigner(t, k)), &b); err != nil {
		t.Fatal(err)
	}
	payload, _ := base64.StdEncoding.DecodeString(b.Envelope.Payload)
	raw, _ := base64.StdEncoding.DecodeString(b.Envelope.Signatures[0].Sig)
	sig, err := sshsig.ParseSignature(raw)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	allowed := write("allowed_signers", []byte(sign.FormatEntry("release@example.com", k.sshPub)+"\n"))
	sigFile := write("pae.sig", sign.Armor(sig))
	cmd := exec.Command(keygen, "-Y", "verify", "-f", allowed, "-I", "release@example.com", "-n", "assay", "-s", sigFile)
	cmd.Stdin = bytes.NewReader(bundle.PAE(bundle.PayloadType, payload))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -Y verify: %v\n%s", err, out)
	}
}
