package sign

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"
)

var now = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

func newEd25519(t *testing.T) *Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func authorized(k ssh.PublicKey) string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k)))
}

func TestSignVerifyRoundTrip(t *testing.T) {
	ed := newEd25519(t)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecs, err := NewSigner(ec)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Signer{ed, ecs} {
		msg := []byte("claim 1.1.1 is met\n")
		sig, err := s.Sign(msg, Namespace)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(sig, []byte("-----BEGIN SSH SIGNATURE-----\n")) {
			t.Fatalf("armor: %q", sig)
		}
		as, err := ParseAllowedSigners([]byte("sro@example.com " + authorized(s.PublicKey()) + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		p, err := as.Verify(msg, sig, Namespace, "sro@example.com", now)
		if err != nil || p != "sro@example.com" {
			t.Fatalf("verify: %q %v", p, err)
		}
		p, err = as.Verify(msg, sig, Namespace, "", now)
		if err != nil || p != "sro@example.com" {
			t.Fatalf("verify any: %q %v", p, err)
		}
		tampered := append([]byte(nil), msg...)
		tampered[0] ^= 1
		if _, err := as.Verify(tampered, sig, Namespace, "", now); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("tampered: %v", err)
		}
		if _, err := as.Verify(msg, sig, "git", "", now); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("namespace: %v", err)
		}
		if _, err := as.Verify(msg, sig, Namespace, "other@example.com", now); !errors.Is(err, ErrUnknownSigner) {
			t.Fatalf("identity: %v", err)
		}
	}
}

func TestAuthorize(t *testing.T) {
	a, b := newEd25519(t), newEd25519(t)
	ka, kb := authorized(a.PublicKey()), authorized(b.PublicKey())
	file := strings.Join([]string{
		"# team keys",
		"",
		`*@example.com,!mallory@example.com namespaces="assay,file" ` + ka + " alice laptop",
		`"bob smith" valid-after="20260101Z",valid-before="20260801Z" ` + kb,
		`ca@example.com cert-authority ` + kb,
	}, "\n")
	as, err := ParseAllowedSigners([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		key       ssh.PublicKey
		ns, id    string
		at        time.Time
		want      string
		wantErrIs error
	}{
		{"wildcard", a.PublicKey(), "assay", "alice@example.com", now, "alice@example.com", nil},
		{"negated", a.PublicKey(), "assay", "mallory@example.com", now, "", ErrUnknownSigner},
		{"namespace not listed", a.PublicKey(), "git", "alice@example.com", now, "", ErrUnknownSigner},
		{"any identity", a.PublicKey(), "file", "", now, "*@example.com,!mallory@example.com", nil},
		{"quoted principal in window", b.PublicKey(), "assay", "bob smith", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), "bob smith", nil},
		{"expired", b.PublicKey(), "assay", "bob smith", now, "", ErrSignerExpired},
		{"not yet valid", b.PublicKey(), "assay", "bob smith", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), "", ErrSignerNotYetValid},
		{"cert authority never matches plain key", b.PublicKey(), "assay", "ca@example.com", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), "", ErrUnknownSigner},
		{"unknown key", newEd25519(t).PublicKey(), "assay", "", now, "", ErrUnknownSigner},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := as.Authorize(tt.key, tt.ns, tt.id, tt.at)
			if tt.wantErrIs != nil {
				if !errors.Is(err, tt.wantErrIs) {
					t.Fatalf("err = %v, want %v", err, tt.wantErrIs)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Error(diff)
			}
		})
	}
}

func TestParseAllowedSignersErrors(t *testing.T) {
	k := authorized(newEd25519(t).PublicKey())
	tests := []struct {
		name, in, want string
	}{
		{"missing key", "alice@example.com\n", "line 1: missing key"},
		{"bad options", "# c\nalice@example.com nonsense " + k, `line 2: unknown option "nonsense"`},
		{"unquoted value", "alice namespaces=assay " + k, "value must be in double quotes"},
		{"bad time", `alice valid-after="2026" ` + k, "expected YYYYMMDD"},
		{"bad key", "alice ssh-ed25519 AAAA!!", "invalid key"},
		{"type mismatch", "alice ssh-rsa " + strings.Fields(k)[1], "does not match"},
		{"unterminated", `alice namespaces="assay ` + k, "unterminated quote"},
		{"window", `alice valid-after="20270101",valid-before="20260101" ` + k, "valid-before is not after"},
		{"duplicate", `alice cert-authority,cert-authority ` + k, "given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAllowedSigners([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseSSHTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"20260822Z", time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)},
		{"202608221530Z", time.Date(2026, 8, 22, 15, 30, 0, 0, time.UTC)},
		{"20260822153045z", time.Date(2026, 8, 22, 15, 30, 45, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := parseSSHTime(tt.in)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseSSHTime(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func TestMatchPattern(t *testing.T) {
	tests := []struct {
		s, p string
		want bool
	}{
		{"alice@example.com", "*@example.com", true},
		{"alice@example.com", "a?ice@*", true},
		{"alice@example.org", "*@example.com", false},
		{"", "*", true},
		{"a", "", false},
		{strings.Repeat("a", 5000), strings.Repeat("*a", 200) + "b", false},
	}
	for _, tt := range tests {
		if got := matchPattern(tt.s, tt.p); got != tt.want {
			t.Errorf("matchPattern(%q, %q) = %v", tt.s, tt.p, got)
		}
	}
}

func TestParseArmoredRejects(t *testing.T) {
	s := newEd25519(t)
	sig, err := s.Sign([]byte("x"), Namespace)
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string][]byte{
		"empty":     nil,
		"no armor":  []byte("hello"),
		"two":       append(append([]byte{}, sig...), sig...),
		"truncated": sig[:len(sig)-40],
		"huge":      bytes.Repeat([]byte("A"), MaxSignatureSize+1),
	}
	for name, in := range tests {
		if _, err := ParseArmored(in); !errors.Is(err, ErrMalformedSignature) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	// Line length does not matter: ssh-keygen reads any wrapping.
	rewrapped := bytes.ReplaceAll(sig, []byte("\n"), []byte("\r\n"))
	if _, err := ParseArmored(rewrapped); err != nil {
		t.Errorf("CRLF: %v", err)
	}
}

// sshKeygen returns the path of ssh-keygen or skips the test.
func sshKeygen(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Skip("ssh-keygen not found on PATH; skipping OpenSSH interoperability test")
	}
	return p
}

func run(t *testing.T, stdin []byte, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func TestOpenSSHInterop(t *testing.T) {
	keygen := sshKeygen(t)
	dir := t.TempDir()
	msg := []byte("{\"claim\":\"1.1.1\"}\n")
	msgPath := filepath.Join(dir, "msg")
	if err := os.WriteFile(msgPath, msg, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, kt := range []struct{ typ, bits string }{{"ed25519", ""}, {"ecdsa", "384"}, {"rsa", "3072"}} {
		t.Run(kt.typ, func(t *testing.T) {
			key := filepath.Join(dir, "id_"+kt.typ)
			args := []string{"-q", "-t", kt.typ, "-N", "", "-C", "sro", "-f", key}
			if kt.bits != "" {
				args = append(args, "-b", kt.bits)
			}
			run(t, nil, keygen, args...)
			s, err := LoadSigner(key)
			if err != nil {
				t.Fatal(err)
			}
			allowed := filepath.Join(dir, "allowed_"+kt.typ)
			line := FormatEntry("sro@example.com", s.PublicKey()) + "\n"
			if err := os.WriteFile(allowed, []byte(line), 0o600); err != nil {
				t.Fatal(err)
			}
			as, err := ParseAllowedSigners([]byte(line))
			if err != nil {
				t.Fatal(err)
			}

			// Assay signs, OpenSSH verifies.
			sig, err := s.Sign(msg, Namespace)
			if err != nil {
				t.Fatal(err)
			}
			sigPath := filepath.Join(dir, "ours_"+kt.typ+".sig")
			if err := os.WriteFile(sigPath, sig, 0o600); err != nil {
				t.Fatal(err)
			}
			run(t, msg, keygen, "-Y", "verify", "-f", allowed, "-I", "sro@example.com", "-n", Namespace, "-s", sigPath)

			// OpenSSH signs, Assay verifies.
			run(t, nil, keygen, "-Y", "sign", "-f", key, "-n", Namespace, msgPath)
			theirs, err := os.ReadFile(msgPath + ".sig")
			if err != nil {
				t.Fatal(err)
			}
			os.Remove(msgPath + ".sig")
			if p, err := as.Verify(msg, theirs, Namespace, "sro@example.com", now); err != nil || p != "sro@example.com" {
				t.Fatalf("verify ssh-keygen signature: %q %v", p, err)
			}
			// Our armor is byte-compatible with ssh-keygen's for ed25519
			// (deterministic signatures).
			if kt.typ == "ed25519" && !bytes.Equal(theirs, sig) {
				t.Errorf("armor differs from ssh-keygen:\nours:\n%s\ntheirs:\n%s", sig, theirs)
			}
		})
	}
}

func TestLoadSignerErrors(t *testing.T) {
	keygen := sshKeygen(t)
	dir := t.TempDir()
	key := filepath.Join(dir, "enc")
	run(t, nil, keygen, "-q", "-t", "ed25519", "-N", "secret passphrase", "-f", key)
	if _, err := LoadSigner(key); !errors.Is(err, ErrEncryptedKey) {
		t.Fatalf("encrypted: %v", err)
	}
	if _, err := LoadSigner(key + ".pub"); err == nil || !strings.Contains(err.Error(), "public key") {
		t.Fatalf("public: %v", err)
	}
	if _, err := LoadSigner(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("missing key loaded")
	}
}
