package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/sign"
	"github.com/assaysec/assay/internal/source"
)

// Signer signs the PAE of a statement.
type Signer interface {
	SignPAE(pae []byte) (Signature, error)
	// Describe says which key signs, for messages.
	Describe() string
}

// SSHSigner signs with an SSH key in the SSHSIG format.
type SSHSigner struct{ S *sign.Signer }

// SignPAE implements Signer: the DSSE sig is the binary SSHSIG blob.
func (s SSHSigner) SignPAE(pae []byte) (Signature, error) {
	armored, err := s.S.Sign(pae, Namespace)
	if err != nil {
		return Signature{}, err
	}
	sig, err := sign.ParseArmored(armored)
	if err != nil {
		return Signature{}, err
	}
	return Signature{KeyID: s.S.Fingerprint(), Sig: base64.StdEncoding.EncodeToString(sig.Marshal())}, nil
}

// Describe implements Signer.
func (s SSHSigner) Describe() string { return "SSH key " + s.S.Fingerprint() }

// Ed25519Signer makes raw ed25519 DSSE signatures, which generic DSSE and
// in-toto verifiers accept.
type Ed25519Signer struct{ Key ed25519.PrivateKey }

// SignPAE implements Signer.
func (s Ed25519Signer) SignPAE(pae []byte) (Signature, error) {
	return Signature{KeyID: KeyID(s.Key.Public().(ed25519.PublicKey)), Sig: base64.StdEncoding.EncodeToString(ed25519.Sign(s.Key, pae))}, nil
}

// Describe implements Signer.
func (s Ed25519Signer) Describe() string {
	return "ed25519 key " + KeyID(s.Key.Public().(ed25519.PublicKey))
}

// KeyID is the SSH SHA256 fingerprint of an ed25519 public key, the key id
// Assay writes for both signature forms.
func KeyID(pub ed25519.PublicKey) string {
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		return ""
	}
	return ssh.FingerprintSHA256(k)
}

// Signature formats for LoadSigner.
const (
	FormatSSH     = "ssh"
	FormatEd25519 = "ed25519"
)

// LoadSigner reads an unencrypted private key (OpenSSH, PKCS#8 or PEM).
// Format "ssh" signs in the SSHSIG format with any key type ssh-keygen
// supports; "ed25519" makes a raw ed25519 signature and needs an ed25519
// key.
func LoadSigner(path, format string) (Signer, error) {
	switch format {
	case FormatSSH, "":
		s, err := sign.LoadSigner(path)
		if err != nil {
			return nil, err
		}
		return SSHSigner{S: s}, nil
	case FormatEd25519:
		data, err := source.ReadRegular(path, sign.MaxKeyFileSize)
		if err != nil {
			return nil, fmt.Errorf("read key %s: %w", path, err)
		}
		raw, err := ssh.ParseRawPrivateKey(data)
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", path, err)
		}
		switch k := raw.(type) {
		case *ed25519.PrivateKey:
			return Ed25519Signer{Key: *k}, nil
		case ed25519.PrivateKey:
			return Ed25519Signer{Key: k}, nil
		}
		return nil, fmt.Errorf("key %s is %T; --signature-format ed25519 needs an ed25519 key", path, raw)
	}
	return nil, fmt.Errorf("signature format %q: want ssh or ed25519", format)
}

// CreateOptions say what to put in a bundle.
type CreateOptions struct {
	Report    *report.Report
	RepoDir   string   // the assessed tree
	SBOMs     []string // SBOM files produced or assessed
	VEX       []string // VEX files
	Extra     []string // any other evidence files
	Artifacts []string // release artefacts, added as subjects
	Signer    Signer
	Now       time.Time
	Tool      Creator
}

// CreateResult is a signed bundle and what was left out of it.
type CreateResult struct {
	Bundle    []byte
	Statement *Statement
	Warnings  []string
}

// Create builds, signs and encodes a bundle.
func Create(o CreateOptions) (*CreateResult, error) {
	if o.Report == nil || o.Signer == nil {
		return nil, errors.New("bundle: report and signer are required")
	}
	rep := o.Report
	res := &CreateResult{}
	st := &Statement{Type: StatementType, PredicateType: PredicateType}
	if rep.Subject.Commit != "" {
		ann := map[string]string{"kind": "git-commit"}
		if rep.Subject.Branch != "" {
			ann["branch"] = rep.Subject.Branch
		}
		st.Subject = append(st.Subject, ResourceDescriptor{Name: rep.Subject.Product, Digest: map[string]string{"gitCommit": rep.Subject.Commit}, Annotations: ann})
	}
	for _, a := range o.Artifacts {
		sum, size, err := hashExternal(a)
		if err != nil {
			return nil, fmt.Errorf("artefact %s: %w", a, err)
		}
		st.Subject = append(st.Subject, ResourceDescriptor{Name: filepath.Base(a), Digest: map[string]string{"sha256": sum},
			Annotations: map[string]string{"kind": "release-artefact", "size": fmt.Sprint(size)}})
	}
	if len(st.Subject) == 0 {
		return nil, errors.New("nothing to name as the subject: the tree is not a git repository with a commit, and no release artefacts were given")
	}

	ev, warnings, err := collectEvidence(o)
	if err != nil {
		return nil, err
	}
	res.Warnings = warnings
	reportJSON, err := marshalCompact(rep)
	if err != nil {
		return nil, fmt.Errorf("encode report: %w", err)
	}
	st.Predicate = Predicate{Report: reportJSON, Evidence: ev, Creator: o.Tool, CreatedAt: rfc3339(o.Now)}
	payload, err := marshalCompact(st)
	if err != nil {
		return nil, fmt.Errorf("encode statement: %w", err)
	}
	sig, err := o.Signer.SignPAE(PAE(PayloadType, payload))
	if err != nil {
		return nil, fmt.Errorf("sign bundle with %s: %w", o.Signer.Describe(), err)
	}
	b := Bundle{
		MediaType:     MediaType,
		PayloadDigest: map[string]string{"sha256": sha256Hex(payload)},
		Envelope:      Envelope{PayloadType: PayloadType, Payload: base64.StdEncoding.EncodeToString(payload), Signatures: []Signature{sig}},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(b); err != nil {
		return nil, fmt.Errorf("encode bundle: %w", err)
	}
	res.Bundle = buf.Bytes()
	res.Statement = st
	return res, nil
}

func marshalCompact(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// collectEvidence digests the declaration, every attestation's documents
// and the SBOM, VEX and other files given.
func collectEvidence(o CreateOptions) ([]EvidenceFile, []string, error) {
	tree, err := source.OpenTree(o.RepoDir)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", o.RepoDir, err)
	}
	defer tree.Close()
	absRepo, err := filepath.Abs(o.RepoDir)
	if err != nil {
		return nil, nil, err
	}
	set := &evidenceSet{tree: tree, index: map[string]int{}}
	rep := o.Report
	if d := rep.Subject.Declaration; d != "" {
		if filepath.IsAbs(d) {
			p, loc := placeIn(absRepo, d)
			set.add(p, loc, KindDeclaration, "")
		} else {
			set.add(filepath.ToSlash(d), InRepository, KindDeclaration, "")
		}
	}
	for _, a := range rep.Attestations {
		for _, d := range a.Evidence {
			if d.Path != "" {
				set.add(d.Path, InRepository, KindAttestation, a.Claim)
			}
		}
	}
	for _, group := range []struct {
		kind  string
		files []string
	}{{KindSBOM, o.SBOMs}, {KindVEX, o.VEX}, {KindOther, o.Extra}} {
		for _, f := range group.files {
			p, loc := placeIn(absRepo, f)
			set.add(p, loc, group.kind, "")
		}
	}
	if len(set.out) > MaxEvidenceFiles {
		return nil, nil, fmt.Errorf("%d evidence files; the limit is %d", len(set.out), MaxEvidenceFiles)
	}
	return set.out, set.warnings, nil
}

// evidenceSet gathers the evidence files of a bundle, each once.
type evidenceSet struct {
	tree     *source.Tree
	out      []EvidenceFile
	warnings []string
	index    map[string]int // location and path -> index in out
}

// add digests one evidence file, or adds the claim to one already added; a
// file that cannot be read becomes a warning.
func (e *evidenceSet) add(path, location, kind, claim string) {
	key := location + "\x00" + path
	if i, ok := e.index[key]; ok {
		if claim != "" && !slices.Contains(e.out[i].Claims, claim) {
			e.out[i].Claims = append(e.out[i].Claims, claim)
		}
		return
	}
	var sum string
	var size int64
	var err error
	if location == InRepository {
		size = -1
		if st, ok := e.tree.Stat(path); ok {
			size = st.Size
		}
		sum, err = e.tree.HashFile(path, MaxEvidenceFileSize)
	} else {
		sum, size, err = hashExternal(path)
	}
	if err != nil {
		e.warnings = append(e.warnings, fmt.Sprintf("%s evidence %s left out: %v", kind, path, err))
		return
	}
	ef := EvidenceFile{Path: path, Kind: kind, Location: location, Size: size, Digest: map[string]string{"sha256": sum}}
	if location == External {
		ef.Path = filepath.ToSlash(path)
	}
	if claim != "" {
		ef.Claims = []string{claim}
	}
	e.index[key] = len(e.out)
	e.out = append(e.out, ef)
}

// placeIn says whether a file given on the command line lies inside the
// repository at absRepo, and its repository-relative path if so.
func placeIn(absRepo, p string) (string, string) {
	abs, err := filepath.Abs(p)
	if err == nil {
		if rel, err := filepath.Rel(absRepo, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") && !filepath.IsAbs(rel) {
			return filepath.ToSlash(rel), InRepository
		}
	}
	return p, External
}

// hashExternal digests a file outside the tree, streaming it.
func hashExternal(path string) (string, int64, error) {
	f, err := source.OpenRegular(path, MaxEvidenceFileSize)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(f, MaxEvidenceFileSize))
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
