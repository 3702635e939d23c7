package tags

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/release/tagtest"
	"github.com/assaysec/assay/internal/sign"
	"github.com/assaysec/assay/internal/source"
)

var (
	now  = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)
	when = time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)
	born = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

func sshSigner(t testing.TB, seed byte) *sign.Signer {
	t.Helper()
	s, err := sign.NewSigner(ed25519.NewKeyFromSeed(bytes32(seed)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func bytes32(b byte) []byte {
	s := make([]byte, 32)
	for i := range s {
		s[i] = b
	}
	return s
}

// repo builds a repository in a temporary directory with one commit and the
// files given, and returns it with its directory.
func repo(t testing.TB, files map[string]string) (*git.Repository, string, object.Signature) {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := r.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := wt.AddGlob("."); err != nil && len(files) > 0 {
		t.Fatal(err)
	}
	sig := object.Signature{Name: "Dev", Email: "dev@example.com", When: when}
	if _, err := wt.Commit("initial", &git.CommitOptions{Author: &sig, Committer: &sig, AllowEmptyCommits: true}); err != nil {
		t.Fatal(err)
	}
	return r, dir, sig
}

func collect(t testing.TB, dir string, cfg *config.Config, all bool) []evidence.Record {
	t.Helper()
	tree, err := source.OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tree.Close() })
	h, err := source.OpenHistory(dir)
	if err != nil {
		t.Fatal(err)
	}
	in := &collector.Input{Tree: tree, History: h, Now: now}
	in.Options.Release.AllReleases = all
	recs, err := New(cfg).Collect(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// row is the part of a tag fact the tests compare.
type row struct {
	Tag                       string
	Latest, InScope, Declared bool
	Annotated, Signed         bool
	Format                    string
	Status                    evidence.VerifyStatus
	Signer, Reason            string
}

func rows(recs []evidence.Record) (out []row, problems []string) {
	for _, r := range recs {
		switch f := r.Fact.(type) {
		case evidence.ReleaseTagSignature:
			out = append(out, row{f.Tag, f.Latest, f.InScope, f.Declared, f.Annotated, f.Signed, f.Format, f.Status, f.Signer, f.Reason})
		case evidence.ParseProblem:
			problems = append(problems, f.Path+": "+f.Error)
		}
	}
	return out, problems
}

func TestTags(t *testing.T) {
	good := sshSigner(t, 1)
	other := sshSigner(t, 2)
	pgpGood, err := tagtest.NewOpenPGPKey("Release Bot", "release@example.com", born)
	if err != nil {
		t.Fatal(err)
	}
	pgpOther, err := tagtest.NewOpenPGPKey("Mallory", "mallory@example.net", born)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := tagtest.ArmoredPublic(pgpGood)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"keys/allowed_signers": `release@example.com namespaces="git" ` + string(ssh.MarshalAuthorizedKey(good.PublicKey())),
		"keys/release.asc":     string(pub),
		"README.md":            "demo\n",
	}
	r, dir, _ := repo(t, files)
	head, err := r.Head()
	if err != nil {
		t.Fatal(err)
	}
	h := head.Hash()
	mk := func(name string, fn tagtest.SignFunc) *object.Tag {
		t.Helper()
		tg, err := tagtest.Create(r, name, h, when, fn)
		if err != nil {
			t.Fatal(err)
		}
		return tg
	}
	if _, err := r.CreateTag("v0.9.0", h, nil); err != nil { // lightweight
		t.Fatal(err)
	}
	mk("v1.0.0", nil)
	mk("v1.1.0", tagtest.SSH(good))
	mk("v1.2.0", tagtest.SSH(other))
	mk("v2.0.0", tagtest.OpenPGP(pgpGood, when))
	mk("v2.1.0", tagtest.OpenPGP(pgpOther, when))
	// A signature lifted from another tag: valid key, wrong payload.
	lifted := mk("v2.2.0-rc.1", tagtest.SSH(good))
	mk("v2.2.0", tagtest.Raw(lifted.PGPSignature))
	mk("v3.0.0", tagtest.Raw("-----BEGIN SIGNED MESSAGE-----\nMIIB\n-----END SIGNED MESSAGE-----\n"))
	mk("nightly", tagtest.SSH(good)) // not a release tag: ignored

	cfg := &config.Config{Releases: []config.ReleaseInput{{Version: "1.1.0", AllowedSigners: "keys/allowed_signers", OpenPGPKeys: "keys/release.asc"}}}

	t.Run("verified against declared keys", func(t *testing.T) {
		got, probs := rows(collect(t, dir, cfg, true))
		want := []row{
			{"v3.0.0", true, true, false, true, true, "x509", evidence.VerifyUnverifiable, "", "signed with an X.509 (gitsign or S/MIME) signature; signed, not verifiable offline"},
			{"v2.2.0", false, true, false, true, true, "ssh", evidence.VerifyFailed, "", ""},
			{"v2.2.0-rc.1", false, true, false, true, true, "ssh", evidence.VerifyVerified, "release@example.com", ""},
			{"v2.1.0", false, true, false, true, true, "openpgp", evidence.VerifyFailed, "", "signed by an OpenPGP key that is not among the declared keys"},
			{"v2.0.0", false, true, false, true, true, "openpgp", evidence.VerifyVerified, "Release Bot <release@example.com> (" + fingerprint(pgpGood) + ")", ""},
			{"v1.2.0", false, true, false, true, true, "ssh", evidence.VerifyFailed, other.Fingerprint(), ""},
			{"v1.1.0", false, true, true, true, true, "ssh", evidence.VerifyVerified, "release@example.com", ""},
			{"v1.0.0", false, true, false, true, false, "", "", "", ""},
			{"v0.9.0", false, true, false, false, false, "", "", "", ""},
		}
		// Reasons of verified and SSH failures name keys and fingerprints;
		// check their gist separately.
		reasons := map[string]string{}
		for i := range got {
			if want := find(want, got[i].Tag); want != nil && want.Reason == "" {
				reasons[got[i].Tag] = got[i].Reason
				got[i].Reason = ""
			}
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("tags (-want +got):\n%s", d)
		}
		for tag, frag := range map[string]string{
			"v2.2.0":      "the signature does not match the tag",
			"v1.2.0":      "signed by a key the allowed_signers file does not list",
			"v1.1.0":      "SSH signature verifies against releases[0].allowed_signers: keys/allowed_signers",
			"v2.0.0":      "OpenPGP signature verifies against",
			"v1.0.0":      "",
			"v0.9.0":      "",
			"v2.2.0-rc.1": "verifies",
		} {
			if !strings.Contains(reasons[tag], frag) {
				t.Errorf("%s reason %q, want it to contain %q", tag, reasons[tag], frag)
			}
		}
		if len(probs) != 0 {
			t.Errorf("problems: %v", probs)
		}
	})

	t.Run("scope without --all-releases", func(t *testing.T) {
		got, _ := rows(collect(t, dir, cfg, false))
		var in []string
		for _, g := range got {
			if g.InScope {
				in = append(in, g.Tag)
			}
		}
		if d := cmp.Diff([]string{"v3.0.0", "v1.1.0"}, in); d != "" {
			t.Errorf("in scope (-want +got):\n%s", d)
		}
	})

	t.Run("no keys declared", func(t *testing.T) {
		got, _ := rows(collect(t, dir, &config.Config{}, true))
		for _, g := range got {
			if g.Signed && g.Status != evidence.VerifyUnverifiable {
				t.Errorf("%s: status %s, want unverifiable without keys", g.Tag, g.Status)
			}
		}
		if r := find(got, "v1.1.0"); r == nil || !strings.Contains(r.Reason, "no allowed_signers file was declared") {
			t.Errorf("v1.1.0: %+v", r)
		}
	})

	t.Run("commit signers as fallback", func(t *testing.T) {
		c := &config.Config{CommitSigners: &config.CommitSigners{AllowedSigners: "keys/allowed_signers", PGPKeys: []string{"keys/release.asc"}}}
		got, _ := rows(collect(t, dir, c, true))
		for tag, st := range map[string]evidence.VerifyStatus{"v1.1.0": evidence.VerifyVerified, "v2.0.0": evidence.VerifyVerified, "v1.2.0": evidence.VerifyFailed} {
			if r := find(got, tag); r == nil || r.Status != st {
				t.Errorf("%s: %+v, want %s", tag, r, st)
			}
		}
	})

	t.Run("broken key files are problems", func(t *testing.T) {
		c := &config.Config{Releases: []config.ReleaseInput{{Version: "9", AllowedSigners: "README.md", OpenPGPKeys: "README.md"}}}
		got, probs := rows(collect(t, dir, c, true))
		if len(probs) != 2 {
			t.Errorf("problems %v, want 2", probs)
		}
		if r := find(got, "v1.1.0"); r == nil || r.Status != evidence.VerifyUnverifiable || !strings.Contains(r.Reason, "could not be read") {
			t.Errorf("v1.1.0: %+v", r)
		}
	})
}

func find(rs []row, tag string) *row {
	for i := range rs {
		if rs[i].Tag == tag {
			return &rs[i]
		}
	}
	return nil
}

func TestNoReleaseTags(t *testing.T) {
	_, dir, _ := repo(t, nil)
	if got, _ := rows(collect(t, dir, &config.Config{}, false)); len(got) != 0 {
		t.Errorf("got %v, want no tags", got)
	}
}

func TestIsReleaseTag(t *testing.T) {
	for name, want := range map[string]bool{
		"v1.2.3": true, "1.2": true, "v2.0.0-rc.1": true, "tool/v1.2.3": true, "tool-v1.2.3": true,
		"tool@1.2.3": true, "1.2.3.4": true, "nightly": false, "v1": false, "latest": false, "": false,
		"release-2024": false, strings.Repeat("1.", 150) + "1": false,
		// Versions spelt with underscores (libexpat, curl).
		"R_2_8_3": true, "curl-8_5_0": true, "feature_branch": false,
	} {
		if _, got := IsReleaseTag(name); got != want {
			t.Errorf("IsReleaseTag(%q) = %v, want %v", name, got, want)
		}
	}
	if v, _ := IsReleaseTag("R_2_8_3"); v != "v2.8.3" {
		t.Errorf("IsReleaseTag(R_2_8_3) version = %q, want v2.8.3", v)
	}
}

func TestFormat(t *testing.T) {
	for sig, want := range map[string]string{
		"-----BEGIN SSH SIGNATURE-----\n":  "ssh",
		"-----BEGIN PGP SIGNATURE-----\n":  "openpgp",
		"-----BEGIN SIGNED MESSAGE-----\n": "x509",
		"garbage":                          "unknown",
	} {
		if got := Format(sig); got != want {
			t.Errorf("Format(%q) = %s, want %s", sig, got, want)
		}
	}
}

func fingerprint(e *openpgp.Entity) string { return fmt.Sprintf("%X", e.PrimaryKey.Fingerprint) }

// BenchmarkCollectSignedTags verifies MaxReleaseTags SSH-signed tags, the
// most one assessment checks, plus as many unsigned non-release tags.
func BenchmarkCollectSignedTags(b *testing.B) {
	s := sshSigner(b, 1)
	r, dir, _ := repo(b, map[string]string{"keys/allowed_signers": `release@example.com ` + string(ssh.MarshalAuthorizedKey(s.PublicKey()))})
	head, err := r.Head()
	if err != nil {
		b.Fatal(err)
	}
	for i := range MaxReleaseTags {
		if _, err := tagtest.Create(r, fmt.Sprintf("v1.%d.0", i), head.Hash(), when, tagtest.SSH(s)); err != nil {
			b.Fatal(err)
		}
		if _, err := r.CreateTag(fmt.Sprintf("build-%d", i), head.Hash(), nil); err != nil {
			b.Fatal(err)
		}
	}
	cfg := &config.Config{Releases: []config.ReleaseInput{{Version: "1.0.0", AllowedSigners: "keys/allowed_signers"}}}
	b.ResetTimer()
	for b.Loop() {
		recs := collect(b, dir, cfg, true)
		if len(recs) != MaxReleaseTags {
			b.Fatalf("%d records", len(recs))
		}
	}
}

// FuzzCheckSignature feeds hostile signatures and messages to the tag
// signature check: it must classify, never panic.
func FuzzCheckSignature(f *testing.F) {
	s := sshSigner(f, 1)
	allowed, err := sign.ParseAllowedSigners([]byte("r@example.com " + string(ssh.MarshalAuthorizedKey(s.PublicKey()))))
	if err != nil {
		f.Fatal(err)
	}
	e, err := tagtest.NewOpenPGPKey("R", "r@example.com", born)
	if err != nil {
		f.Fatal(err)
	}
	tr := &trust{allowed: []*sign.AllowedSigners{allowed}, pgp: openpgp.EntityList{e}, shown: []string{"test"}}
	good, _ := s.Sign([]byte("x"), "git")
	f.Add("Release v1\n", string(good))
	f.Add("m\n", "-----BEGIN PGP SIGNATURE-----\n\nwnUEABYKAB0WIQ\n-----END PGP SIGNATURE-----\n")
	f.Add("m\n", "-----BEGIN SIGNED MESSAGE-----\nMIIB\n-----END SIGNED MESSAGE-----\n")
	f.Add("", "-----BEGIN SSH SIGNATURE-----\n\n-----END SSH SIGNATURE-----\n")
	f.Fuzz(func(t *testing.T, msg, sig string) {
		tg := &object.Tag{Name: "v1.0.0", Message: msg, PGPSignature: sig, Tagger: object.Signature{Name: "a", Email: "b", When: when}}
		var fact evidence.ReleaseTagSignature
		checkSignature(&fact, tg, tr)
		switch fact.Status {
		case evidence.VerifyVerified, evidence.VerifyFailed, evidence.VerifyUnverifiable:
		default:
			t.Fatalf("status %q for a signed tag", fact.Status)
		}
		if fact.Reason == "" {
			t.Fatal("no reason")
		}
	})
}

func TestPrerelease(t *testing.T) {
	for name, want := range map[string]bool{
		"v2.18.0-abc123-nightly": true, "v1.0.0-rc.1": true, "1.2.3b1": true, "v3.0.0a2": true,
		"v1.2.3": false, "axum-v0.8.4": false, "gson-parent-2.14.0": false, "2.5": false, "tool/v1.2.3": false,
	} {
		v, _ := IsReleaseTag(name)
		if got := Prerelease(name, v); got != want {
			t.Errorf("Prerelease(%q) = %v, want %v", name, got, want)
		}
	}
}
