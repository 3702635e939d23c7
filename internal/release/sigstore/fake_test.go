package sigstore_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/assaysec/assay/internal/release/sigstore"
	"github.com/assaysec/assay/internal/release/sigstore/sigstoretest"
)

func opener(b []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

func TestVirtualInstance(t *testing.T) {
	in, err := sigstoretest.New(time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	rootJSON, err := in.TrustedRoot()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := sigstore.LoadTrustedRoot(rootJSON)
	if err != nil {
		t.Fatal(err)
	}
	artefact := []byte("widget 1.0\n")
	b, err := in.SignBlob("release@example.com", "https://issuer.example", artefact)
	if err != nil {
		t.Fatal(err)
	}
	id := sigstore.Identity{SAN: "release@example.com", Issuer: "https://issuer.example"}
	pol := sigstore.Policy{TrustedRoot: tr, Identity: id}
	if r := sigstore.Verify(b, opener(artefact), pol); !r.Verified {
		t.Fatalf("blob: %s: %s", r.Check, r.Reason)
	}
	if r := sigstore.Verify(b, opener([]byte("widget 1.0 tampered\n")), pol); r.Verified || r.Check != sigstore.CheckDigest {
		t.Fatalf("tampered: got %+v", r)
	}
	other := sigstore.Policy{TrustedRoot: tr, Identity: sigstore.Identity{SAN: "mallory@example.com", Issuer: "https://issuer.example"}}
	if r := sigstore.Verify(b, opener(artefact), other); r.Verified || r.Check != sigstore.CheckIdentity {
		t.Fatalf("identity: got %+v", r)
	}
	stmt := []byte(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"w","digest":{"sha256":"` +
		"9c5d0b1b4bd4b1e3c0d1bbfba2bb9e4b0f1a9f3b8b5fd9fd3bf1b0b5bd2b2b2b" + `"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{}}`)
	ab, err := in.Attest("release@example.com", "https://issuer.example", stmt)
	if err != nil {
		t.Fatal(err)
	}
	r := sigstore.Verify(ab, opener(artefact), pol)
	if r.Verified || r.Check != sigstore.CheckDigest {
		t.Fatalf("attestation over another subject: got %+v", r)
	}

	key, err := sigstoretest.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	kb, err := key.SignBlob(artefact)
	if err != nil {
		t.Fatal(err)
	}
	pemKey, _ := key.PublicPEM()
	pub, err := sigstore.LoadPublicKey(pemKey)
	if err != nil {
		t.Fatal(err)
	}
	if r := sigstore.Verify(kb, opener(artefact), sigstore.Policy{Key: pub}); !r.Verified {
		t.Fatalf("key: %s %s", r.Check, r.Reason)
	}
	other2, _ := sigstoretest.NewKey()
	op, _ := other2.PublicPEM()
	opub, _ := sigstore.LoadPublicKey(op)
	if r := sigstore.Verify(kb, opener(artefact), sigstore.Policy{Key: opub}); r.Verified || r.Check != sigstore.CheckSignature {
		t.Fatalf("wrong key: %+v", r)
	}
}
