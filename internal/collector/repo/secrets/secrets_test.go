package secrets

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/source"
)

// newKey returns a freshly generated EC private key in PEM form, so that no
// key is ever committed as a fixture (and no scanner flags this repository).
func newKey(t testing.TB) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
}

func writeTree(t testing.TB, files map[string]string) *source.Tree {
	t.Helper()
	dir := t.TempDir()
	for p, body := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tree, err := source.OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tree.Close() })
	return tree
}

func collect(t *testing.T, c Collector, ctx context.Context, tree *source.Tree) []evidence.Record {
	t.Helper()
	recs, err := c.Collect(ctx, &collector.Input{Tree: tree})
	if err != nil {
		t.Fatalf("Collect() error: %v", err)
	}
	return recs
}

func factsOf[T evidence.Fact](recs []evidence.Record) []T {
	var out []T
	for _, r := range recs {
		if f, ok := r.Fact.(T); ok {
			out = append(out, f)
		}
	}
	return out
}

func TestCollect(t *testing.T) {
	key, token := newKey(t), npmToken(t)
	tree := writeTree(t, map[string]string{
		"deploy/server.key":             key,
		"internal/http/testdata/ca.pem": key,
		".npmrc":                        "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=" + token + "\n",
		"compose.yml":                   "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: postgres\n",
		"README.md":                     "# App\n\nDefault password: `admin`\n",
		"tests/compose.yml":             "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: postgres\n",
		"logo.png":                      "\x89PNG\x00\x00",
		"package-lock.json":             "{}",
		".gitleaks.toml":                "title = \"x\"\n",
		"main.go":                       "package main\n",
		"data.txt":                      "a\x00b",
	})
	recs := collect(t, New().(Collector), context.Background(), tree)

	gotSecrets := factsOf[evidence.Secret](recs)
	for i := range gotSecrets {
		gotSecrets[i].Fingerprint = ""
	}
	wantSecrets := []evidence.Secret{
		{Detector: "secrets/npmjsaccesstoken", Path: ".npmrc", Line: 2, Scope: evidence.ScopeProduct, Build: true},
		{Detector: "secrets/privatekey", Path: "deploy/server.key", Line: 1, Scope: evidence.ScopeProduct},
		{Detector: "secrets/privatekey", Path: "internal/http/testdata/ca.pem", Line: 1, Scope: evidence.ScopeTest},
	}
	if diff := cmp.Diff(wantSecrets, gotSecrets); diff != "" {
		t.Errorf("secrets mismatch (-want +got):\n%s", diff)
	}

	gotCreds := factsOf[evidence.DefaultCredential](recs)
	for i := range gotCreds {
		gotCreds[i].Fingerprint = ""
	}
	wantCreds := []evidence.DefaultCredential{
		{Path: "compose.yml", Line: 4, Key: "POSTGRES_PASSWORD", Form: evidence.CredSetting, Reason: "a well-known default password", Scope: evidence.ScopeProduct},
		{Path: "README.md", Line: 3, Form: evidence.CredInstruction, Reason: "a well-known default password", Scope: evidence.ScopeProduct},
		{Path: "tests/compose.yml", Line: 4, Key: "POSTGRES_PASSWORD", Form: evidence.CredSetting, Reason: "a well-known default password", Scope: evidence.ScopeTest},
	}
	if diff := cmp.Diff(wantCreds, gotCreds); diff != "" {
		t.Errorf("default credentials mismatch (-want +got):\n%s", diff)
	}

	if diff := cmp.Diff([]evidence.SecretScannerConfig{{Path: ".gitleaks.toml", Tool: "gitleaks"}}, factsOf[evidence.SecretScannerConfig](recs)); diff != "" {
		t.Errorf("scanner configs mismatch (-want +got):\n%s", diff)
	}

	scans := factsOf[evidence.SecretScan](recs)
	if len(scans) != 1 {
		t.Fatalf("got %d scan summaries, want 1", len(scans))
	}
	got := scans[0]
	got.Bytes = 0
	want := evidence.SecretScan{Detectors: len(detectors), Files: 8, ProductFiles: 5, BuildFiles: 1,
		SkippedBinary: 2, SkippedGenerated: 1, MaxFile: DefaultLimits.MaxFile}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scan summary mismatch (-want +got):\n%s", diff)
	}

	// No fact may carry the key or any line of it.
	body := strings.Split(strings.TrimSpace(key), "\n")[1]
	for _, r := range recs {
		if s := fmt.Sprintf("%+v %+v", r.Fact, r.Provenance); strings.Contains(s, body) || strings.Contains(s, token) {
			t.Errorf("fact carries a secret value: %T", r.Fact)
		}
	}
}

// npmToken returns a random string in the npm access token format.
func npmToken(t testing.TB) string {
	t.Helper()
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 36)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "npm_" + string(b)
}

// Limits cut the scan: product and build files go first, so a byte budget
// that runs out in the tests leaves the product fully covered.
func TestCollect_limits(t *testing.T) {
	tree := writeTree(t, map[string]string{
		"a.go":             strings.Repeat("x", 100),
		"b.go":             strings.Repeat("x", 100),
		"big.go":           strings.Repeat("x", 5000),
		"tests/a_test.go":  strings.Repeat("x", 100),
		".travis.yml":      "language: go\n",
		"tests/b_test.go":  strings.Repeat("x", 100),
		"docs/guide.md":    strings.Repeat("x", 100),
		"examples/main.go": strings.Repeat("x", 100),
	})
	tests := []struct {
		name string
		lim  Limits
		ctx  func() context.Context
		want evidence.SecretScan
	}{
		{
			name: "budget_reaches_tests_only",
			lim:  Limits{MaxFile: 1000, MaxBytes: 450, Timeout: time.Minute},
			ctx:  context.Background,
			want: evidence.SecretScan{Files: 5, ProductFiles: 3, BuildFiles: 1, SkippedLarge: 1, MaxFile: 1000,
				Cut: "byte budget of 450 bytes", Unscanned: 2},
		},
		{
			name: "budget_cuts_product",
			lim:  Limits{MaxFile: 1000, MaxBytes: 150, Timeout: time.Minute},
			ctx:  context.Background,
			want: evidence.SecretScan{Files: 2, ProductFiles: 2, BuildFiles: 1, SkippedLarge: 1, MaxFile: 1000,
				Cut: "byte budget of 150 bytes", Unscanned: 5, UnscannedProduct: 1},
		},
		{
			name: "cancelled",
			lim:  Limits{MaxFile: 1000, MaxBytes: 1 << 20, Timeout: time.Minute},
			ctx: func() context.Context {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx
			},
			want: evidence.SecretScan{SkippedLarge: 1, MaxFile: 1000, Cut: "the assessment was cancelled",
				Unscanned: 7, UnscannedProduct: 3, UnscannedBuild: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := collect(t, Collector{Limits: tt.lim}, tt.ctx(), tree)
			scans := factsOf[evidence.SecretScan](recs)
			if len(scans) != 1 {
				t.Fatalf("got %d scan summaries, want 1", len(scans))
			}
			got := scans[0]
			got.Bytes, got.Detectors = 0, 0
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scan summary mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSecretValue(t *testing.T) {
	t.Parallel()
	type pair struct {
		ID     string
		Secret string
		hidden string
	}
	for _, tt := range []struct {
		in   any
		want string
	}{
		{pair{ID: "a", Secret: "b", hidden: "c"}, "a\x00b"},
		{&pair{ID: "a"}, "a\x00"},
		{struct{ Der []byte }{[]byte("k")}, "k"},
		{nil, ""},
	} {
		if got := secretValue(tt.in); got != tt.want {
			t.Errorf("secretValue(%#v) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := Fingerprint("password"); got != "5e884898" {
		t.Errorf("Fingerprint(password) = %q", got)
	}
}

// A token-shaped string inside an inlined binary (a WebAssembly module
// carried as base64 in a JavaScript file) is chance, not a secret; the
// same token on its own line is one.
func TestEncodedBlobIsNotASecret(t *testing.T) {
	token := npmToken(t)
	blob := strings.Repeat("AGFzbQEAAAABJwdgAX8Bf2ADf39/AX9gAn9", 40)
	tree := writeTree(t, map[string]string{
		"lib/wasm.js":  "'use strict'\nconst wasm = '" + blob + token + blob + "'\n",
		"lib/token.js": "const t = '" + token + "'\n",
	})
	var got []string
	for _, s := range factsOf[evidence.Secret](collect(t, New().(Collector), context.Background(), tree)) {
		got = append(got, fmt.Sprintf("%s:%d", s.Path, s.Line))
	}
	if diff := cmp.Diff([]string{"lib/token.js:1"}, got); diff != "" {
		t.Errorf("secrets (-want +got):\n%s", diff)
	}
}

// A token-shaped run in the payload of a base64 data URI of an image or a
// font (TinyMCE's skin CSS) is encoded binary; the same run in a data URI
// of text, or after a base64 marker with no data URI, is still found.
func TestBinaryDataURIIsNotASecret(t *testing.T) {
	token := npmToken(t)
	tree := writeTree(t, map[string]string{
		"skin/content.min.css": ".a{background:url(data:image/gif;base64,R0lGODlh" + token + "AAA7)}\n" +
			".b{src:url(\"data:font/woff2;charset=utf-8;base64," + token + "\")}\n",
		"skin/text.css":  ".c{background:url(data:text/plain;base64," + token + ")}\n",
		"lib/config.js":  "const x = 'v;base64," + token + "'\n",
		"lib/spaced.css": ".d{background:url(data: image/gif;base64," + token + ")}\n",
	})
	var got []string
	for _, s := range factsOf[evidence.Secret](collect(t, New().(Collector), context.Background(), tree)) {
		got = append(got, fmt.Sprintf("%s:%d", s.Path, s.Line))
	}
	want := []string{"lib/config.js:1", "lib/spaced.css:1", "skin/text.css:1"}
	if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("secrets (-want +got):\n%s", diff)
	}
}

// A Google API key next to a Firebase web-app configuration's authDomain is
// marked as client configuration; the same key alone, as a server would
// hold it, is not.
func TestFirebaseWebConfigKey(t *testing.T) {
	b := make([]byte, 33)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	key := "AIzaSyB" + string(b[:32])
	tree := writeTree(t, map[string]string{
		".env.production": "VITE_APP_FIREBASE_CONFIG='{\"apiKey\":\"" + key + "\",\"authDomain\":\"demo-app.firebaseapp.com\",\"projectId\":\"demo-app\"}'\n",
		"src/firebase.ts": "export const config = {\n  apiKey: \"" + key[:len(key)-1] + "Q\",\n  authDomain: process.env.AUTH_DOMAIN,\n};\n",
		"server/maps.go":  "package server\n\nconst mapsKey = \"" + key[:len(key)-1] + "Z\"\n",
	})
	var got []string
	for _, s := range factsOf[evidence.Secret](collect(t, New().(Collector), context.Background(), tree)) {
		got = append(got, fmt.Sprintf("%s:%d %v", s.Path, s.Line, s.ClientConfig))
	}
	want := []string{".env.production:1 true", "server/maps.go:3 false", "src/firebase.ts:2 true"}
	if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("secrets (-want +got):\n%s", diff)
	}
}

// Key files in a workspace member that is never published (rustls' bogo/,
// the BoringSSL test runner) are no product when another member publishes;
// without a published member, or in source code, they stay product.
func TestCollect_unpublishedWorkspaceMembers(t *testing.T) {
	key := newKey(t)
	lib := "[package]\nname = \"tls\"\nversion = \"0.1.0\"\n"
	harness := "[package]\nname = \"harness\"\nversion = \"0.1.0\"\npublish = false\n\n[dependencies]\ntls = { path = \"../tls\" }\n"
	tests := []struct {
		name  string
		files map[string]string
		want  []evidence.Secret
	}{
		{"harness_beside_published_library", map[string]string{
			"Cargo.toml": "[workspace]\nmembers = [\"tls\", \"harness\"]\n", "tls/Cargo.toml": lib,
			"harness/Cargo.toml": harness, "harness/keys/key.pem": key, "harness/src/main.rs": "const K: &str = r\"" + key + "\";\n",
		}, []evidence.Secret{
			{Detector: "secrets/privatekey", Path: "harness/src/main.rs", Line: 1, Scope: evidence.ScopeProduct},
			{Detector: "secrets/privatekey", Path: "harness/keys/key.pem", Line: 1, Scope: evidence.ScopeUnpublished},
		}},
		{"nothing_published", map[string]string{
			"Cargo.toml": "[workspace]\nmembers = [\"harness\"]\n", "harness/Cargo.toml": harness, "harness/keys/key.pem": key,
		}, []evidence.Secret{{Detector: "secrets/privatekey", Path: "harness/keys/key.pem", Line: 1, Scope: evidence.ScopeProduct}}},
		{"unpublished_root_package", map[string]string{
			"Cargo.toml": "[package]\nname = \"app\"\npublish = false\n", "tls/Cargo.toml": lib, "keys/key.pem": key,
		}, []evidence.Secret{{Detector: "secrets/privatekey", Path: "keys/key.pem", Line: 1, Scope: evidence.ScopeProduct}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs := collect(t, New().(Collector), context.Background(), writeTree(t, tc.files))
			got := factsOf[evidence.Secret](recs)
			for i := range got {
				got[i].Fingerprint = ""
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("secrets mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
