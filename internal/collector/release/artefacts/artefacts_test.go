package artefacts

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/release/sigstore/sigstoretest"
	"github.com/assaysec/assay/internal/rule"
	releaserules "github.com/assaysec/assay/internal/rule/release"
	"github.com/assaysec/assay/internal/source"
)

var update = flag.Bool("update", false, "rewrite the CLI script internal/cli/testdata/script/release_verify.txtar")

var now = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

const (
	identity = "release@example.com"
	issuer   = "https://issuer.example"
)

// fixture is a release directory with one artefact of each kind the issue
// asks to tell apart: unsigned, tampered after signing, signed by the wrong
// identity, and signed correctly.
func fixture(t *testing.T) map[string][]byte {
	t.Helper()
	in, err := sigstoretest.New(time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	root, err := in.TrustedRoot()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"trusted_root.json": root}
	sign := func(id string, data []byte) []byte {
		b, err := in.SignBlob(id, issuer, data)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	files["rel/v1.0.0/unsigned.tar.gz"] = []byte("unsigned artefact\n")
	files["rel/v1.0.0/tampered.tar.gz"] = []byte("tampered artefact: changed after signing\n")
	files["rel/v1.0.0/tampered.tar.gz.sigstore.json"] = sign(identity, []byte("tampered artefact\n"))
	files["rel/v1.0.0/wrongid.tar.gz"] = []byte("artefact signed by someone else\n")
	files["rel/v1.0.0/wrongid.tar.gz.sigstore.json"] = sign("mallory@example.net", []byte("artefact signed by someone else\n"))
	files["rel/v1.0.0/good.tar.gz"] = []byte("good artefact\n")
	files["rel/v1.0.0/good.tar.gz.sigstore.json"] = sign(identity, []byte("good artefact\n"))
	return files
}

func write(t *testing.T, dir string, files map[string][]byte) {
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func run(t *testing.T, dir string, opts collector.Options) (*evidence.Set, []rule.Finding) {
	t.Helper()
	tree, err := source.OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	in := &collector.Input{Tree: tree, Now: now, Options: opts}
	recs, err := New(&config.Config{}).Collect(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	ev := evidence.NewSet(recs...)
	rules, err := releaserules.Rules()
	if err != nil {
		t.Fatal(err)
	}
	var fs []rule.Finding
	for _, r := range rules {
		fs = append(fs, r.Evaluate(ev)...)
	}
	return ev, fs
}

func TestFourArtefacts(t *testing.T) {
	dir := t.TempDir()
	files := fixture(t)
	write(t, dir, files)
	opts := collector.Options{ReleaseDirs: []string{filepath.Join(dir, "rel/v1.0.0")}, Release: collector.ReleaseOptions{
		TrustedRoot: filepath.Join(dir, "trusted_root.json"), CertificateIdentity: identity, CertificateOIDCIssuer: issuer}}
	_, fs := run(t, dir, opts)
	got := map[string]string{}
	for _, f := range fs {
		if f.Rule == "releaseArtefactsVerify" {
			got[f.Values["artefact"]] = string(f.Outcome) + " " + f.Message
		}
	}
	want := map[string]string{
		"unsigned.tar.gz": "false release v1.0.0: unsigned.tar.gz is unsigned: no signature, Sigstore bundle, signed checksum or signed provenance covers it",
		"tampered.tar.gz": "false release v1.0.0: tampered.tar.gz: artifact-digest check failed (sigstore-bundle, from tampered.tar.gz.sigstore.json): digest mismatch: the bundle signs sha256:",
		"wrongid.tar.gz":  `false release v1.0.0: wrongid.tar.gz: identity check failed (sigstore-bundle, from wrongid.tar.gz.sigstore.json): identity mismatch: expected identity "release@example.com", got identity "mallory@example.net"`,
		"good.tar.gz":     "true release v1.0.0: good.tar.gz verified: good.tar.gz.sigstore.json verifies: signed by release@example.com (issuer https://issuer.example) at 2026-08-01T12:01:00Z (tlog)",
	}
	for k, w := range want {
		if !strings.HasPrefix(got[k], w) {
			t.Errorf("%s:\n got %q\nwant %q...", k, got[k], w)
		}
	}
	if len(got) != 4 {
		t.Errorf("got %d artefact findings, want 4: %v", len(got), got)
	}

	// Without a declared signer nothing can be called verified.
	opts.Release.CertificateIdentity, opts.Release.CertificateOIDCIssuer = "", ""
	_, fs = run(t, dir, opts)
	for _, f := range fs {
		if f.Rule == "releaseArtefactsVerify" && f.Values["artefact"] == "good.tar.gz" && f.Outcome != rule.NotAvailable {
			t.Errorf("good.tar.gz without identity: %s %s", f.Outcome, f.Message)
		}
	}
	if *update {
		writeScript(t, files)
	}
}

func TestChecksumsAndLatest(t *testing.T) {
	dir := t.TempDir()
	in, err := sigstoretest.New(time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	root, _ := in.TrustedRoot()
	a, b := []byte("alpha\n"), []byte("beta\n")
	sums := fmt.Sprintf("%s  a.bin\n%s  b.bin\n%s  gone.bin\n", sha(a), sha([]byte("not beta")), sha(a))
	sig, err := in.SignBlob(identity, issuer, []byte(sums))
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, map[string][]byte{"root.json": root, "r/1.2.0/a.bin": a, "r/1.2.0/b.bin": b, "r/1.2.0/SHA256SUMS": []byte(sums),
		"r/1.2.0/SHA256SUMS.sigstore.json": sig, "r/1.10.0/x.bin": []byte("x")})
	opts := collector.Options{ReleaseDirs: []string{filepath.Join(dir, "r/1.2.0"), filepath.Join(dir, "r/1.10.0")},
		Release: collector.ReleaseOptions{TrustedRoot: filepath.Join(dir, "root.json"), CertificateIdentity: identity, CertificateOIDCIssuer: issuer, AllReleases: true}}
	ev, fs := run(t, dir, opts)
	var latest []string
	for _, r := range evidence.Facts[evidence.Release](ev) {
		if r.Fact.Latest {
			latest = append(latest, r.Fact.Version)
		}
	}
	if len(latest) != 1 || latest[0] != "1.10.0" {
		t.Errorf("latest = %v, want semver order to pick 1.10.0", latest)
	}
	var msgs []string
	for _, f := range fs {
		msgs = append(msgs, fmt.Sprintf("%s %s %s", f.Rule, f.Outcome, f.Message))
	}
	all := strings.Join(msgs, "\n")
	for _, w := range []string{
		"releaseArtefactsVerify true release 1.2.0: a.bin verified: listed in SHA256SUMS (digest matches), which is signed by release@example.com",
		"releaseArtefactsVerify false release 1.2.0: b.bin: checksum check failed (checksum, from SHA256SUMS:2): digest mismatch: SHA256SUMS line 2 lists sha256:",
		"releaseChecksumsMatch false release 1.2.0: SHA256SUMS line 3 lists gone.bin, which is not in the release",
		"releaseChecksumsSigned true",
		"releaseArtefactsVerify false release 1.10.0: x.bin is unsigned",
	} {
		if !strings.Contains(all, w) {
			t.Errorf("missing %q in\n%s", w, all)
		}
	}
}

func sha(b []byte) string {
	h := newHash("sha256")
	h.Write(b)
	return fmt.Sprintf("%x", h.Sum(nil))
}

// writeScript regenerates the CLI script from freshly signed material, so
// the script's bundles are real and need no network.
func writeScript(t *testing.T, files map[string][]byte) {
	t.Helper()
	ar := &txtar.Archive{Comment: []byte(`# Release verification (issue 5): an unsigned artefact, a tampered one, one
# signed by the wrong identity and a correct one give four distinct results.
# The bundles and trusted root come from an in-memory Sigstore instance
# (internal/release/sigstore/sigstoretest); regenerate with
#   go test ./internal/collector/release/artefacts -run TestFourArtefacts -update
mkdir proj
! exec assay assess --now 2026-08-22T00:00:00Z -v --release rel/v1.0.0 --trusted-root trusted_root.json --certificate-identity release@example.com --certificate-oidc-issuer https://issuer.example proj
stdout '3\.1\.1 +✗ NOT MET'
stdout 'releaseArtefactsVerify: release v1\.0\.0: unsigned\.tar\.gz is unsigned: no signature, Sigstore bundle, signed checksum or signed provenance covers it'
stdout 'releaseArtefactsVerify: release v1\.0\.0: tampered\.tar\.gz: artifact-digest check failed \(sigstore-bundle, from tampered\.tar\.gz\.sigstore\.json\): digest mismatch: the bundle signs sha256:[0-9a-f]{64}, the artefact is sha256:[0-9a-f]{64}'
stdout 'releaseArtefactsVerify: release v1\.0\.0: wrongid\.tar\.gz: identity check failed \(sigstore-bundle, from wrongid\.tar\.gz\.sigstore\.json\): identity mismatch: expected identity "release@example\.com", got identity "mallory@example\.net"'
stdout 'releaseArtefactsVerify: release v1\.0\.0: good\.tar\.gz verified: good\.tar\.gz\.sigstore\.json verifies: signed by release@example\.com \(issuer https://issuer\.example\) at 2026-08-01T12:01:00Z \(tlog\)'

# The good artefact alone meets 3.1.1.
mkdir only
cp rel/v1.0.0/good.tar.gz only/good.tar.gz
cp rel/v1.0.0/good.tar.gz.sigstore.json only/good.tar.gz.sigstore.json
exec assay assess --now 2026-08-22T00:00:00Z --fail-on never -v --release only --trusted-root trusted_root.json --certificate-identity-regexp '.*@example\.com' --certificate-oidc-issuer https://issuer.example proj
stdout '3\.1\.1 +✓ MET'

# Without a declared signer the signature cannot count: unknown, not met.
exec assay assess --now 2026-08-22T00:00:00Z --fail-on never -v --release only --trusted-root trusted_root.json proj
stdout '3\.1\.1 +\? UNKNOWN'
stdout 'no expected signer was declared'

# Without release input the claim is unknown with the way to settle it.
exec assay assess --now 2026-08-22T00:00:00Z --fail-on never -v proj
stdout 'no release artefacts were given; pass --release DIR'
`)}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sortStrings(names)
	for _, n := range names {
		data := files[n]
		if !strings.HasSuffix(string(data), "\n") {
			data = append(data, '\n') // txtar needs it; JSON ignores it
		}
		ar.Files = append(ar.Files, txtar.File{Name: n, Data: data})
	}
	if err := os.WriteFile("../../../cli/testdata/script/release_verify.txtar", txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
