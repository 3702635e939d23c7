package sigstore

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadTrustedRoot: hostile trusted_root.json never panics, and a root
// that loads answers the questions verification asks of it.
func FuzzLoadTrustedRoot(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join(corpusDir, "conformance", "bundle-verify", "happy-path-v0.3", "trusted_root.json")); err == nil {
		f.Add(data)
	}
	if data, err := os.ReadFile(filepath.Join(corpusDir, "sigstore-go", "examples", "trusted-root-public-good.json")); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[],"certificateAuthorities":[],"ctlogs":[],"timestampAuthorities":[]}`))
	f.Add([]byte(`{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[{"baseUrl":"x","hashAlgorithm":"SHA2_256","publicKey":{"rawBytes":"AAAA","keyDetails":"PKIX_ECDSA_P256_SHA_256","validFor":{"start":"2021-01-01T00:00:00Z"}},"logId":{"keyId":"AAAA"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := LoadTrustedRoot(data)
		if err != nil {
			return
		}
		_ = tr.FulcioCertificateAuthorities()
		_ = tr.TimestampingAuthorities()
		_ = tr.RekorLogs()
		_ = tr.CTLogs()
	})
}

// FuzzLoadPublicKey: a hostile cosign.pub never panics, and a key that
// loads is one of the kinds verification handles.
func FuzzLoadPublicKey(f *testing.F) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	f.Add([]byte("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n"))
	f.Add([]byte("-----BEGIN RSA PUBLIC KEY-----\n\n-----END RSA PUBLIC KEY-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		key, err := LoadPublicKey(data)
		if err != nil {
			return
		}
		if key == nil {
			t.Fatal("nil key without error")
		}
	})
}
