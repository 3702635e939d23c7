// Package tagtest makes annotated git tags, unsigned or signed with SSH or
// OpenPGP keys, in go-git repositories. It exists for tests of the release
// tag collector and the CLI scripts; nothing in the assessment imports it.
package tagtest

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/assaysec/assay/internal/sign"
)

// SignFunc signs a tag payload and returns the armored signature.
type SignFunc func(payload []byte) ([]byte, error)

// SSH signs as `git tag -s` does with gpg.format=ssh: namespace "git".
func SSH(s *sign.Signer) SignFunc {
	return func(p []byte) ([]byte, error) { return s.Sign(p, "git") }
}

// OpenPGP signs with an armored detached signature made at time when.
func OpenPGP(e *openpgp.Entity, when time.Time) SignFunc {
	return func(p []byte) ([]byte, error) {
		var b bytes.Buffer
		cfg := &packet.Config{Time: func() time.Time { return when }}
		if err := openpgp.ArmoredDetachSign(&b, e, bytes.NewReader(p), cfg); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
}

// Raw returns a fixed signature, for formats Assay cannot check (X.509) or
// for a signature copied from another tag.
func Raw(sig string) SignFunc {
	return func([]byte) ([]byte, error) { return []byte(sig), nil }
}

// Create makes an annotated tag name on target, signed by fn when fn is not
// nil, and returns the tag object.
func Create(repo *git.Repository, name string, target plumbing.Hash, when time.Time, fn SignFunc) (*object.Tag, error) {
	t := &object.Tag{
		Name:       name,
		Tagger:     object.Signature{Name: "Release Manager", Email: "release@example.com", When: when},
		Message:    "Release " + name + "\n",
		TargetType: plumbing.CommitObject,
		Target:     target,
	}
	if fn != nil {
		o := &plumbing.MemoryObject{}
		if err := t.EncodeWithoutSignature(o); err != nil {
			return nil, err
		}
		r, err := o.Reader()
		if err != nil {
			return nil, err
		}
		payload, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return nil, err
		}
		sig, err := fn(payload)
		if err != nil {
			return nil, fmt.Errorf("sign tag %s: %w", name, err)
		}
		t.PGPSignature = string(sig)
	}
	obj := repo.Storer.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return nil, err
	}
	h, err := repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return nil, err
	}
	if err := repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewTagReferenceName(name), h)); err != nil {
		return nil, err
	}
	return repo.TagObject(h)
}

// NewOpenPGPKey makes an Ed25519 OpenPGP key created at when.
func NewOpenPGPKey(name, email string, when time.Time) (*openpgp.Entity, error) {
	cfg := &packet.Config{Time: func() time.Time { return when }, Algorithm: packet.PubKeyAlgoEdDSA}
	return openpgp.NewEntity(name, "", email, cfg)
}

// ArmoredPublic returns e's public key ring, armored.
func ArmoredPublic(e *openpgp.Entity) ([]byte, error) {
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		return nil, err
	}
	if err := e.Serialize(w); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
