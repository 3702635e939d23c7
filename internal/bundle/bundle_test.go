package bundle_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	"golang.org/x/crypto/ssh"

	"github.com/assaysec/assay/internal/bundle"
	"github.com/assaysec/assay/internal/render/rendertest"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/sign"
)

var now = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

// fixtureRepo writes the files the fixture report's attestations cite and
// commits them; it returns the directory and the commit.
func fixtureRepo(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"assay.yaml":            "product: demo\n",
		"docs/training-log.csv": "name,date\nA. Person,2026-06-01\n",
		"docs/sdl.md":           "# SDL\nWe follow NIST SSDF.\n",
		"docs/adr/0001.md":      "# ADR 1\n",
		"README.md":             "demo\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, commitAll(t, dir, true)
}

func commitAll(t *testing.T, dir string, init bool) string {
	t.Helper()
	var repo *git.Repository
	var err error
	if init {
		repo, err = git.PlainInit(dir, false)
	} else {
		repo, err = git.PlainOpen(dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := wt.AddGlob("."); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "Dev", Email: "dev@example.com", When: now}
	h, err := wt.Commit("commit", &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
	if err != nil {
		t.Fatal(err)
	}
	return h.String()
}

type keys struct {
	priv    ed25519.PrivateKey
	sshPub  ssh.PublicKey
	allowed *sign.AllowedSigners
}

func newKeys(t testing.TB, seed byte) keys {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	pub, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	allowed, err := sign.ParseAllowedSigners([]byte(sign.FormatEntry("release@example.com", pub) + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	return keys{priv: priv, sshPub: pub, allowed: allowed}
}

func sshSigner(t *testing.T, k keys) bundle.Signer {
	t.Helper()
	s, err := sign.NewSigner(k.priv)
	if err != nil {
		t.Fatal(err)
	}
	return bundle.SSHSigner{S: s}
}

func create(t *testing.T, dir, commit string, s bundle.Signer, extra ...string) []byte {
	t.Helper()
	rep := rendertest.Fixture(t)
	rep.Subject.Commit = commit
	res, err := bundle.Create(bundle.CreateOptions{Report: rep, RepoDir: dir, Signer: s, Now: now,
		Tool: bundle.Creator{Name: "assay", Version: "v0.0.0-test"}, Extra: extra})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if len(res.Warnings) != 0 {
		t.Fatalf("Create warnings: %v", res.Warnings)
	}
	return res.Bundle
}

func TestBundle_RoundTrip(t *testing.T) {
	dir, commit := fixtureRepo(t)
	k := newKeys(t, 1)
	for name, s := range map[string]bundle.Signer{"ssh": sshSigner(t, k), "ed25519": bundle.Ed25519Signer{Key: k.priv}} {
		t.Run(name, func(t *testing.T) {
			data := create(t, dir, commit, s)
			for _, opts := range []bundle.VerifyOptions{
				{Allowed: k.allowed, Identity: "release@example.com", At: now, RepoDir: dir},
				{Keys: []ssh.PublicKey{k.sshPub}, At: now, RepoDir: dir},
			} {
				res, err := bundle.Verify(data, opts)
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if res.Format != name || res.Report.Summary.Total != 45 || res.Statement.CommitOf() != commit {
					t.Errorf("verified %s bundle: format %s, %d claims, commit %s", name, res.Format, res.Report.Summary.Total, res.Statement.CommitOf())
				}
				var ok int
				for _, c := range res.Checks {
					if c.Status == "ok" {
						ok++
					}
				}
				// commit + assay.yaml + three attestation documents
				if ok != 5 || len(res.Checks) != 5 {
					t.Errorf("checks %+v; want 5 ok", res.Checks)
				}
				var buf bytes.Buffer
				if err := bundle.WriteSummary(&buf, res); err != nil {
					t.Fatal(err)
				}
				for _, want := range []string{"Signature  verified", "Claims as signed: 4 met", "docs/training-log.csv"} {
					if !strings.Contains(buf.String(), want) {
						t.Errorf("summary lacks %q:\n%s", want, buf.String())
					}
				}
				if strings.ContainsRune(buf.String(), 0x1b) {
					t.Error("summary passes a raw escape character through")
				}
			}
		})
	}
}

// mutate rewrites a bundle through a function of its decoded form.
func mutate(t *testing.T, data []byte, fn func(b *bundle.Bundle, payload []byte) []byte) []byte {
	t.Helper()
	var b bundle.Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	payload, err := base64.StdEncoding.DecodeString(b.Envelope.Payload)
	if err != nil {
		t.Fatal(err)
	}
	payload = fn(&b, payload)
	b.Envelope.Payload = base64.StdEncoding.EncodeToString(payload)
	out, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func flipSig(b *bundle.Bundle, i int) {
	raw, _ := base64.StdEncoding.DecodeString(b.Envelope.Signatures[0].Sig)
	raw[i] ^= 0x01
	b.Envelope.Signatures[0].Sig = base64.StdEncoding.EncodeToString(raw)
}

func TestBundle_Tampering(t *testing.T) {
	dir, commit := fixtureRepo(t)
	k := newKeys(t, 2)
	other := newKeys(t, 3)
	opts := bundle.VerifyOptions{Allowed: k.allowed, At: now, RepoDir: dir}
	for _, format := range []string{"ssh", "ed25519"} {
		var s bundle.Signer = sshSigner(t, k)
		if format == "ed25519" {
			s = bundle.Ed25519Signer{Key: k.priv}
		}
		good := create(t, dir, commit, s)
		tests := []struct {
			name     string
			data     []byte
			opts     bundle.VerifyOptions
			wantPart string
			wantText string
		}{
			{"predicate_byte", mutate(t, good, func(_ *bundle.Bundle, p []byte) []byte {
				return bytes.Replace(p, []byte(`"status":"met"`), []byte(`"status":"mex"`), 1)
			}), opts, bundle.PartPayload, "statement was changed after signing"},
			{"predicate_and_hint", mutate(t, good, func(b *bundle.Bundle, p []byte) []byte {
				p = bytes.Replace(p, []byte(`"not_met"`), []byte(`"met"`), 1)
				b.PayloadDigest = nil
				return p
			}), opts, bundle.PartSignature, "statement or the signature was changed"},
			{"signature_byte", mutate(t, good, func(b *bundle.Bundle, p []byte) []byte {
				raw, _ := base64.StdEncoding.DecodeString(b.Envelope.Signatures[0].Sig)
				flipSig(b, len(raw)-5)
				return p
			}), opts, bundle.PartSignature, "signature was changed"},
			{"other_key", good, bundle.VerifyOptions{Allowed: other.allowed, At: now}, bundle.PartSigner, "not trusted"},
			{"wrong_identity", good, bundle.VerifyOptions{Allowed: k.allowed, Identity: "mallory@example.com", At: now}, bundle.PartSigner, "mallory@example.com"},
			{"not_json", []byte("{"), opts, bundle.PartBundle, "not a JSON object"},
		}
		for _, tc := range tests {
			t.Run(format+"/"+tc.name, func(t *testing.T) {
				_, err := bundle.Verify(tc.data, tc.opts)
				var ve *bundle.Error
				if !errors.As(err, &ve) {
					t.Fatalf("Verify error %v; want a *bundle.Error", err)
				}
				if ve.Part != tc.wantPart || !strings.Contains(err.Error(), tc.wantText) {
					t.Errorf("Verify error %q (part %s); want part %s mentioning %q", err, ve.Part, tc.wantPart, tc.wantText)
				}
			})
		}
	}
}

func TestBundle_EvidenceChanged(t *testing.T) {
	k := newKeys(t, 4)
	t.Run("working_tree", func(t *testing.T) {
		dir, commit := fixtureRepo(t)
		data := create(t, dir, commit, sshSigner(t, k))
		p := filepath.Join(dir, "docs/training-log.csv")
		content, _ := os.ReadFile(p)
		content[0] ^= 0x20
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := bundle.Verify(data, bundle.VerifyOptions{Allowed: k.allowed, At: now, RepoDir: dir})
		var ve *bundle.Error
		if !errors.As(err, &ve) || ve.Part != bundle.PartEvidence || !strings.Contains(err.Error(), "docs/training-log.csv (attestation-evidence) changed since signing") {
			t.Fatalf("Verify error %v; want evidence docs/training-log.csv changed", err)
		}
		if res == nil || res.Signer == "" {
			t.Error("a signature that held should still be reported")
		}
	})
	t.Run("new_commit_keeps_signed_blob", func(t *testing.T) {
		dir, commit := fixtureRepo(t)
		data := create(t, dir, commit, sshSigner(t, k))
		// A later commit changes the document: the signed commit still
		// holds the signed bytes, so the bundle verifies, and says HEAD
		// moved on.
		if err := os.WriteFile(filepath.Join(dir, "docs/sdl.md"), []byte("changed\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		commitAll(t, dir, false)
		res, err := bundle.Verify(data, bundle.VerifyOptions{Allowed: k.allowed, At: now, RepoDir: dir})
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if !strings.Contains(res.Checks[0].Detail, "HEAD has moved on") {
			t.Errorf("commit check %+v; want a note that HEAD moved on", res.Checks[0])
		}
	})
	t.Run("commit_missing", func(t *testing.T) {
		dir, commit := fixtureRepo(t)
		data := create(t, dir, commit, sshSigner(t, k))
		other := t.TempDir()
		if err := os.WriteFile(filepath.Join(other, "README.md"), []byte("other\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		commitAll(t, other, true)
		_, err := bundle.Verify(data, bundle.VerifyOptions{Allowed: k.allowed, At: now, RepoDir: other})
		var ve *bundle.Error
		if !errors.As(err, &ve) || ve.Part != bundle.PartSubject || !strings.Contains(err.Error(), "is not in the repository") {
			t.Fatalf("Verify error %v; want subject commit missing", err)
		}
	})
	t.Run("external_and_artefact", func(t *testing.T) {
		dir, commit := fixtureRepo(t)
		ext := filepath.Join(t.TempDir(), "sbom.cdx.json")
		art := filepath.Join(t.TempDir(), "app.tar.gz")
		for _, f := range []string{ext, art} {
			if err := os.WriteFile(f, []byte("{}"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		rep := rendertest.Fixture(t)
		rep.Subject.Commit = commit
		cr, err := bundle.Create(bundle.CreateOptions{Report: rep, RepoDir: dir, Signer: sshSigner(t, k), Now: now, SBOMs: []string{ext}, Artifacts: []string{art}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bundle.Verify(cr.Bundle, bundle.VerifyOptions{Allowed: k.allowed, At: now, Files: []string{ext}, Artifacts: []string{art}}); err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if err := os.WriteFile(art, []byte("{ }"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err = bundle.Verify(cr.Bundle, bundle.VerifyOptions{Allowed: k.allowed, At: now, Artifacts: []string{art}})
		var ve *bundle.Error
		if !errors.As(err, &ve) || ve.Part != bundle.PartSubject || !strings.Contains(err.Error(), "app.tar.gz changed since signing") {
			t.Fatalf("Verify error %v; want artefact changed", err)
		}
	})
}

// The envelope alone (what generic DSSE tools read) verifies too.
func TestBundle_BareEnvelope(t *testing.T) {
	dir, commit := fixtureRepo(t)
	k := newKeys(t, 5)
	var b bundle.Bundle
	if err := json.Unmarshal(create(t, dir, commit, bundle.Ed25519Signer{Key: k.priv}), &b); err != nil {
		t.Fatal(err)
	}
	env, _ := json.Marshal(b.Envelope)
	if _, err := bundle.Verify(env, bundle.VerifyOptions{Keys: []ssh.PublicKey{k.sshPub}, At: now}); err != nil {
		t.Fatalf("Verify bare envelope: %v", err)
	}
	// A raw ed25519 signature is the standard DSSE one: check it by hand
	// over the PAE, as any DSSE library does.
	payload, _ := base64.StdEncoding.DecodeString(b.Envelope.Payload)
	sig, _ := base64.StdEncoding.DecodeString(b.Envelope.Signatures[0].Sig)
	if !ed25519.Verify(k.priv.Public().(ed25519.PublicKey), bundle.PAE(bundle.PayloadType, payload), sig) {
		t.Error("raw signature is not an ed25519 signature over the PAE")
	}
}

func TestBundle_StatementShape(t *testing.T) {
	dir, commit := fixtureRepo(t)
	k := newKeys(t, 6)
	res, err := bundle.Verify(create(t, dir, commit, sshSigner(t, k)), bundle.VerifyOptions{Allowed: k.allowed, At: now})
	if err != nil {
		t.Fatal(err)
	}
	st := res.Statement
	if st.Type != "https://in-toto.io/Statement/v1" || st.PredicateType != bundle.PredicateType {
		t.Errorf("statement type %q, predicate type %q", st.Type, st.PredicateType)
	}
	kinds := map[string]int{}
	for _, e := range st.Predicate.Evidence {
		kinds[e.Kind]++
	}
	if kinds[bundle.KindDeclaration] != 1 || kinds[bundle.KindAttestation] != 3 {
		t.Errorf("evidence kinds %v; want 1 declaration and 3 attestation documents", kinds)
	}
	var rep report.Report
	if err := json.Unmarshal(st.Predicate.Report, &rep); err != nil || rep.Subject.Commit != commit {
		t.Errorf("report in predicate: %v, commit %q", err, rep.Subject.Commit)
	}
}

func FuzzVerify(f *testing.F) {
	k := newKeys(f, 7)
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"sig":"AAAA"}]}`))
	f.Add([]byte(`{"mediaType":"application/vnd.assay.bundle.v1+json","dsseEnvelope":{"payloadType":"application/vnd.in-toto+json","payload":"","signatures":[{"sig":"U1NIU0lH"}]}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := bundle.Verify(data, bundle.VerifyOptions{Allowed: k.allowed, Keys: []ssh.PublicKey{k.sshPub}, At: now})
		if err == nil && res == nil {
			t.Fatal("no error and no result")
		}
	})
}

// TestErrorNamesPartOnce: a parse error that already names the bundle is
// not prefixed "bundle: " a second time.
func TestErrorNamesPartOnce(t *testing.T) {
	for _, tc := range []struct {
		err  *bundle.Error
		want string
	}{
		{&bundle.Error{Part: bundle.PartBundle, Err: errors.New(`bundle: json: unknown field "x"`)}, `bundle: json: unknown field "x"`},
		{&bundle.Error{Part: bundle.PartEvidence, Err: errors.New("evidence file x changed")}, "evidence: evidence file x changed"},
		{&bundle.Error{Part: bundle.PartBundle, Err: errors.New("bundled twice")}, "bundle: bundled twice"},
		{&bundle.Error{Part: bundle.PartSigner, Err: errors.New("key not trusted")}, "signer: key not trusted"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
	_, err := bundle.Verify([]byte(`{"mediaType": "x", "dsseEnvelope": {}, "extra": 1}`), bundle.VerifyOptions{Keys: []ssh.PublicKey{nil}})
	if err == nil || strings.Contains(err.Error(), "bundle: bundle:") {
		t.Errorf("Verify error = %v", err)
	}
}
