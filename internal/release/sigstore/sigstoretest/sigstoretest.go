// Package sigstoretest makes real Sigstore bundles without a network: an
// in-memory Fulcio-style CA, Rekor-style log and trusted root, and bundles whose certificates, log entries, signed entry
// timestamps and inclusion proofs verify offline against that root. Tests use
// it to build release directories; it is never linked into the binary.
package sigstoretest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	rekorutil "github.com/sigstore/rekor/pkg/util"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore/pkg/signature"
	"google.golang.org/protobuf/encoding/protojson"
)

// BundleMediaType is the media type of the bundles made here.
const BundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"

// Origin is the virtual log's checkpoint origin host.
const Origin = "rekor.localhost"

// Instance is one private Sigstore deployment: a CA that issues Fulcio-style
// certificates and a Rekor-style log.
type Instance struct {
	caCert   *x509.Certificate
	caKey    *ecdsa.PrivateKey
	logKey   *ecdsa.PrivateKey
	logIDHex string
	// SignedAt is when bundles are signed and logged. Certificates are
	// valid for ten minutes from it; verification uses this logged time,
	// never the clock, so bundles made once keep verifying.
	SignedAt time.Time
}

// New starts an instance whose bundles are signed at signedAt.
func New(signedAt time.Time) (*Instance, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "assay test fulcio", Organization: []string{"assay test"}},
		NotBefore:             signedAt.Add(-24 * time.Hour),
		NotAfter:              signedAt.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	logKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	pub, err := x509.MarshalPKIXPublicKey(&logKey.PublicKey)
	if err != nil {
		return nil, err
	}
	id := sha256.Sum256(pub)
	return &Instance{caCert: caCert, caKey: caKey, logKey: logKey, logIDHex: hex.EncodeToString(id[:]), SignedAt: signedAt.UTC().Truncate(time.Second)}, nil
}

// TrustedRoot returns the instance's trusted_root.json. It lists no CT log
// and no timestamp authority: the certificates carry no SCTs, and the log's
// integrated time is the signing time.
func (in *Instance) TrustedRoot() ([]byte, error) {
	id, _ := hex.DecodeString(in.logIDHex)
	ca := &root.FulcioCertificateAuthority{
		Root: in.caCert, URI: "https://fulcio.localhost",
		ValidityPeriodStart: in.caCert.NotBefore, ValidityPeriodEnd: in.caCert.NotAfter,
	}
	logs := map[string]*root.TransparencyLog{in.logIDHex: {
		BaseURL: "https://" + Origin, ID: id, ValidityPeriodStart: in.caCert.NotBefore,
		HashFunc: crypto.SHA256, PublicKey: &in.logKey.PublicKey, SignatureHashFunc: crypto.SHA256,
	}}
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01, []root.CertificateAuthority{ca}, nil, nil, logs)
	if err != nil {
		return nil, err
	}
	return tr.MarshalJSON()
}

// leaf issues a ten-minute certificate for identity (an email SAN) with the
// Fulcio OIDC issuer extension.
func (in *Instance) leaf(identity, issuer string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return nil, nil, err
	}
	issuerDER, err := asn1.Marshal(issuer)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:   serial,
		EmailAddresses: []string{identity},
		NotBefore:      in.SignedAt,
		NotAfter:       in.SignedAt.Add(10 * time.Minute),
		KeyUsage:       x509.KeyUsageDigitalSignature,
		ExtKeyUsage:    []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		ExtraExtensions: []pkix.Extension{
			{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}, Value: []byte(issuer)},
			{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}, Value: issuerDER},
		},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, in.caCert, &key.PublicKey, in.caKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

// SignBlob signs artefact as identity (an email SAN) from issuer and returns
// a v0.3 bundle with a hashedrekord log entry, its signed entry timestamp and
// an inclusion proof.
func (in *Instance) SignBlob(identity, issuer string, artefact []byte) ([]byte, error) {
	cert, priv, err := in.leaf(identity, issuer)
	if err != nil {
		return nil, err
	}
	digest := sha256.Sum256(artefact)
	sig, err := ecdsa.SignASN1(rand.Reader, priv, digest[:])
	if err != nil {
		return nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	body, err := json.Marshal(map[string]any{
		"apiVersion": "0.0.1",
		"kind":       "hashedrekord",
		"spec": map[string]any{
			"data":      map[string]any{"hash": map[string]any{"algorithm": "sha256", "value": hex.EncodeToString(digest[:])}},
			"signature": map[string]any{"content": base64.StdEncoding.EncodeToString(sig), "publicKey": map[string]any{"content": base64.StdEncoding.EncodeToString(certPEM)}},
		},
	})
	if err != nil {
		return nil, err
	}
	entry, err := in.logEntry(body, "hashedrekord", cert)
	if err != nil {
		return nil, err
	}
	b := &protobundle.Bundle{
		MediaType: BundleMediaType,
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content:     &protobundle.VerificationMaterial_Certificate{Certificate: &protocommon.X509Certificate{RawBytes: cert.Raw}},
			TlogEntries: []*protorekor.TransparencyLogEntry{entry},
		},
		Content: &protobundle.Bundle_MessageSignature{MessageSignature: &protocommon.MessageSignature{
			MessageDigest: &protocommon.HashOutput{Algorithm: protocommon.HashAlgorithm_SHA2_256, Digest: digest[:]},
			Signature:     sig,
		}},
	}
	return protojson.Marshal(b)
}

// Attest signs an in-toto statement as a DSSE envelope and returns a v0.3
// bundle with a dsse log entry.
func (in *Instance) Attest(identity, issuer string, statement []byte) ([]byte, error) {
	cert, priv, err := in.leaf(identity, issuer)
	if err != nil {
		return nil, err
	}
	const payloadType = "application/vnd.in-toto+json"
	pae := fmt.Sprintf("DSSEv1 %d %s %d %s", len(payloadType), payloadType, len(statement), statement)
	h := sha256.Sum256([]byte(pae))
	sig, err := ecdsa.SignASN1(rand.Reader, priv, h[:])
	if err != nil {
		return nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	payloadHash := sha256.Sum256(statement)
	envJSON, err := json.Marshal(map[string]any{
		"payloadType": payloadType,
		"payload":     base64.StdEncoding.EncodeToString(statement),
		"signatures":  []map[string]any{{"sig": base64.StdEncoding.EncodeToString(sig)}},
	})
	if err != nil {
		return nil, err
	}
	envHash := sha256.Sum256(envJSON)
	body, err := json.Marshal(map[string]any{
		"apiVersion": "0.0.1",
		"kind":       "dsse",
		"spec": map[string]any{
			"envelopeHash": map[string]any{"algorithm": "sha256", "value": hex.EncodeToString(envHash[:])},
			"payloadHash":  map[string]any{"algorithm": "sha256", "value": hex.EncodeToString(payloadHash[:])},
			"signatures":   []map[string]any{{"signature": base64.StdEncoding.EncodeToString(sig), "verifier": base64.StdEncoding.EncodeToString(certPEM)}},
		},
	})
	if err != nil {
		return nil, err
	}
	entry, err := in.logEntry(body, "dsse", cert)
	if err != nil {
		return nil, err
	}
	b := &protobundle.Bundle{
		MediaType: BundleMediaType,
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content:     &protobundle.VerificationMaterial_Certificate{Certificate: &protocommon.X509Certificate{RawBytes: cert.Raw}},
			TlogEntries: []*protorekor.TransparencyLogEntry{entry},
		},
		Content: &protobundle.Bundle_DsseEnvelope{DsseEnvelope: &protodsse.Envelope{
			Payload: statement, PayloadType: payloadType,
			Signatures: []*protodsse.Signature{{Sig: sig}},
		}},
	}
	return protojson.Marshal(b)
}

// logEntry records body as the only entry of the virtual log, one minute
// into the leaf certificate's validity, with a signed entry timestamp and an
// inclusion proof against a signed checkpoint.
func (in *Instance) logEntry(body []byte, kind string, cert *x509.Certificate) (*protorekor.TransparencyLogEntry, error) {
	logID, err := hex.DecodeString(in.logIDHex)
	if err != nil {
		return nil, err
	}
	integrated := cert.NotBefore.Add(time.Minute).Unix()
	payload, err := json.Marshal(map[string]any{
		"body": base64.StdEncoding.EncodeToString(body), "integratedTime": integrated, "logIndex": 0, "logID": in.logIDHex,
	})
	if err != nil {
		return nil, err
	}
	// encoding/json sorts map keys and these values need no escaping, so
	// the output is already the RFC 8785 canonical form the SET signs.
	h := sha256.Sum256(payload)
	set, err := ecdsa.SignASN1(rand.Reader, in.logKey, h[:])
	if err != nil {
		return nil, err
	}
	leaf := sha256.Sum256(append([]byte{0}, body...))
	signer, err := signature.LoadECDSASignerVerifier(in.logKey, crypto.SHA256)
	if err != nil {
		return nil, err
	}
	checkpoint, err := rekorutil.CreateAndSignCheckpoint(context.Background(), Origin, 1, 1, leaf[:], signer)
	if err != nil {
		return nil, err
	}
	return &protorekor.TransparencyLogEntry{
		LogIndex:          0,
		LogId:             &protocommon.LogId{KeyId: logID},
		KindVersion:       &protorekor.KindVersion{Kind: kind, Version: "0.0.1"},
		IntegratedTime:    integrated,
		InclusionPromise:  &protorekor.InclusionPromise{SignedEntryTimestamp: set},
		CanonicalizedBody: body,
		InclusionProof: &protorekor.InclusionProof{
			LogIndex: 0, RootHash: leaf[:], TreeSize: 1,
			Checkpoint: &protorekor.Checkpoint{Envelope: string(checkpoint)},
		},
	}, nil
}

// KeyPair is a vendor signing key for key-based bundles.
type KeyPair struct {
	priv *ecdsa.PrivateKey
}

// NewKey makes a P-256 key.
func NewKey() (*KeyPair, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	return &KeyPair{priv: k}, nil
}

// PublicPEM returns the public key as cosign.pub would hold it.
func (k *KeyPair) PublicPEM() ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(&k.priv.PublicKey)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// SignRaw returns a base64 ECDSA signature over artefact, as in a cosign
// .sig file.
func (k *KeyPair) SignRaw(artefact []byte) ([]byte, error) {
	d := sha256.Sum256(artefact)
	sig, err := ecdsa.SignASN1(rand.Reader, k.priv, d[:])
	if err != nil {
		return nil, err
	}
	return []byte(base64.StdEncoding.EncodeToString(sig)), nil
}

// SignBlob returns a key-based v0.3 bundle without a log entry, as made by
// cosign sign-blob --key with the transparency log disabled.
func (k *KeyPair) SignBlob(artefact []byte) ([]byte, error) {
	d := sha256.Sum256(artefact)
	sig, err := ecdsa.SignASN1(rand.Reader, k.priv, d[:])
	if err != nil {
		return nil, err
	}
	b := &protobundle.Bundle{
		MediaType: BundleMediaType,
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content: &protobundle.VerificationMaterial_PublicKey{PublicKey: &protocommon.PublicKeyIdentifier{Hint: "vendor-key"}},
		},
		Content: &protobundle.Bundle_MessageSignature{MessageSignature: &protocommon.MessageSignature{
			MessageDigest: &protocommon.HashOutput{Algorithm: protocommon.HashAlgorithm_SHA2_256, Digest: d[:]},
			Signature:     sig,
		}},
	}
	return protojson.Marshal(b)
}
