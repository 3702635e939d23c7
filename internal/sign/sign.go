// Package sign creates and checks SSH signatures in the format of
// `ssh-keygen -Y sign` (the SSHSIG armored format) and reads the
// ssh-keygen ALLOWED SIGNERS file that says which key may sign as whom.
//
// Assay signs attestations, the SRO's sign-off and report bundles with it.
// Everything Assay signs can be checked with the stock OpenSSH tools, so a
// customer does not have to trust Assay to trust a signature:
//
//	ssh-keygen -Y verify -f allowed_signers -I IDENTITY -n assay -s FILE.sig < FILE
//
// Verification in Assay never runs the external binary.
package sign

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"os"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
)

// Namespace is the SSHSIG namespace of every signature Assay makes. A
// signature made for another purpose (git commits use "git", files "file")
// cannot be replayed as an Assay signature.
const Namespace = "assay"

// MaxKeyFileSize bounds a private key file; real keys are a few KiB.
const MaxKeyFileSize = 64 << 10

// MaxSignatureSize bounds an armored signature; real ones are under 2 KiB even
// for RSA-8192 keys.
const MaxSignatureSize = 64 << 10

// Errors that callers classify. They are wrapped with detail, so test them
// with errors.Is.
var (
	// ErrMalformedSignature means the armored signature could not be decoded.
	ErrMalformedSignature = errors.New("malformed signature")
	// ErrBadSignature means the signature does not match the message, or was
	// made for another namespace.
	ErrBadSignature = errors.New("bad signature")
	// ErrUnknownSigner means no allowed-signers entry lists the signing key
	// for the requested identity and namespace.
	ErrUnknownSigner = errors.New("signer not allowed")
	// ErrSignerExpired means the matching entry's valid-before has passed.
	ErrSignerExpired = errors.New("signer key expired")
	// ErrSignerNotYetValid means the matching entry's valid-after is in the
	// future.
	ErrSignerNotYetValid = errors.New("signer key not yet valid")
	// ErrEncryptedKey means the private key needs a passphrase.
	ErrEncryptedKey = errors.New("private key is encrypted")
)

// Signer signs messages with one SSH private key.
type Signer struct {
	signer ssh.Signer
}

// LoadSigner reads an unencrypted OpenSSH private key (ed25519, ECDSA or RSA;
// the OpenSSH and PEM encodings are both accepted).
func LoadSigner(path string) (*Signer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read key %s: %w", path, err)
	}
	defer f.Close()
	data, err := readBounded(f, MaxKeyFileSize)
	if err != nil {
		return nil, fmt.Errorf("read key %s: %w", path, err)
	}
	s, err := ParseSigner(data)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", path, err)
	}
	return s, nil
}

// ParseSigner is LoadSigner for key bytes already in memory.
func ParseSigner(data []byte) (*Signer, error) {
	if t := bytes.TrimSpace(data); bytes.HasPrefix(t, []byte("ssh-")) || bytes.HasPrefix(t, []byte("ecdsa-sha2-")) {
		return nil, errors.New("this is a public key; give the private key file (the one without .pub)")
	}
	k, err := ssh.ParsePrivateKey(data)
	if err != nil {
		var missing *ssh.PassphraseMissingError
		if errors.As(err, &missing) {
			return nil, fmt.Errorf("%w: Assay does not prompt for passphrases; sign with an unencrypted key kept offline, or decrypt a copy with `ssh-keygen -p -N \"\" -f COPY`", ErrEncryptedKey)
		}
		return nil, fmt.Errorf("parse private key: %w", err)
	}
	return newSSHSigner(k)
}

// NewSigner wraps an in-memory key, such as ed25519.PrivateKey or
// *ecdsa.PrivateKey. It is meant for tests and for keys held elsewhere.
func NewSigner(key crypto.Signer) (*Signer, error) {
	if key == nil {
		return nil, errors.New("nil key")
	}
	k, err := ssh.NewSignerFromSigner(key)
	if err != nil {
		return nil, fmt.Errorf("wrap key: %w", err)
	}
	return newSSHSigner(k)
}

// NewSignerFromSSH wraps an ssh.Signer, for example one from an SSH agent.
func NewSignerFromSSH(k ssh.Signer) (*Signer, error) {
	if k == nil {
		return nil, errors.New("nil key")
	}
	return newSSHSigner(k)
}

func newSSHSigner(k ssh.Signer) (*Signer, error) {
	switch t := k.PublicKey().Type(); t {
	case ssh.KeyAlgoED25519, ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521, ssh.KeyAlgoRSA:
	default:
		// DSA is refused by current OpenSSH; security keys need hardware.
		return nil, fmt.Errorf("key type %s is not supported for signing (use ed25519, ecdsa or rsa)", t)
	}
	return &Signer{signer: k}, nil
}

// Sign returns the armored SSHSIG signature of message for namespace, hashed
// with SHA-512 as ssh-keygen does by default.
func (s *Signer) Sign(message []byte, namespace string) ([]byte, error) {
	if namespace == "" {
		return nil, errors.New("sign: empty namespace")
	}
	sig, err := sshsig.Sign(bytes.NewReader(message), s.signer, sshsig.HashSHA512, namespace)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return Armor(sig), nil
}

// PublicKey is the public half of the signing key.
func (s *Signer) PublicKey() ssh.PublicKey { return s.signer.PublicKey() }

// Fingerprint is the SHA256 fingerprint of the signing key, as ssh-keygen -l
// prints it.
func (s *Signer) Fingerprint() string { return ssh.FingerprintSHA256(s.signer.PublicKey()) }

// Armor encodes a signature the way ssh-keygen writes it: PEM-style with
// lines of 70 characters. ssh-keygen reads any line length, but matching its
// output keeps signature files byte-identical across tools.
func Armor(sig *sshsig.Signature) []byte {
	const lineLen = 70
	enc := base64Std(sig.Marshal())
	var b bytes.Buffer
	b.WriteString("-----BEGIN SSH SIGNATURE-----\n")
	for len(enc) > lineLen {
		b.WriteString(enc[:lineLen])
		b.WriteByte('\n')
		enc = enc[lineLen:]
	}
	b.WriteString(enc)
	b.WriteString("\n-----END SSH SIGNATURE-----\n")
	return b.Bytes()
}

// ParseArmored decodes an armored signature without checking it against any
// message. It bounds the input and rejects trailing junk that is not
// whitespace, so one file holds exactly one signature.
func ParseArmored(armored []byte) (*sshsig.Signature, error) {
	if len(armored) > MaxSignatureSize {
		return nil, fmt.Errorf("%w: %d bytes exceeds the %d byte limit", ErrMalformedSignature, len(armored), MaxSignatureSize)
	}
	const begin, end = "-----BEGIN SSH SIGNATURE-----", "-----END SSH SIGNATURE-----"
	text := bytes.TrimSpace(armored)
	if !bytes.HasPrefix(text, []byte(begin)) {
		return nil, fmt.Errorf("%w: does not start with %q", ErrMalformedSignature, begin)
	}
	if len(text) < len(begin)+len(end) || !bytes.HasSuffix(text, []byte(end)) {
		return nil, fmt.Errorf("%w: does not end with %q", ErrMalformedSignature, end)
	}
	body := text[len(begin) : len(text)-len(end)]
	if bytes.Contains(body, []byte("-----")) {
		return nil, fmt.Errorf("%w: more than one armored block", ErrMalformedSignature)
	}
	raw, err := base64StdDecodeLoose(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedSignature, err)
	}
	sig, err := sshsig.ParseSignature(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedSignature, err)
	}
	if sig.PublicKey == nil || sig.Signature == nil {
		return nil, fmt.Errorf("%w: incomplete signature", ErrMalformedSignature)
	}
	if err := sig.HashAlgorithm.Available(); err != nil {
		return nil, fmt.Errorf("%w: hash algorithm %q: %v", ErrMalformedSignature, sig.HashAlgorithm, err)
	}
	return sig, nil
}

// VerifyKey checks that armoredSig is a valid signature of message for
// namespace and returns the key that made it. It does not say whether that
// key is trusted: use AllowedSigners.Verify for that.
func VerifyKey(message, armoredSig []byte, namespace string) (ssh.PublicKey, error) {
	sig, err := ParseArmored(armoredSig)
	if err != nil {
		return nil, err
	}
	if sig.Namespace != namespace {
		return nil, fmt.Errorf("%w: made for namespace %q, expected %q", ErrBadSignature, sig.Namespace, namespace)
	}
	if _, ok := sig.PublicKey.(*ssh.Certificate); ok {
		return nil, fmt.Errorf("%w: signatures made with SSH certificates are not supported; sign with the plain key", ErrMalformedSignature)
	}
	if err := sshsig.Verify(bytes.NewReader(message), sig, sig.PublicKey, sig.HashAlgorithm, namespace); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return sig.PublicKey, nil
}
