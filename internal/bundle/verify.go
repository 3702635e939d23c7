package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"

	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/sign"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/textsafe"
)

// Parts of a bundle a verification failure can name.
const (
	PartBundle    = "bundle"    // the file is not a well-formed bundle
	PartPayload   = "payload"   // the signed statement was altered
	PartSignature = "signature" // the signature was altered or is malformed
	PartSigner    = "signer"    // the signature is good but the key is not trusted
	PartStatement = "statement" // the statement is not an Assay assessment
	PartSubject   = "subject"   // the repository or an artefact does not match the subject
	PartEvidence  = "evidence"  // an evidence file changed since signing
)

// Error is a failed verification, naming the part of the bundle at fault.
type Error struct {
	Part string
	Err  error
}

// Error names the part once: an error already prefixed with it ("bundle:
// json: ...") is not prefixed again.
func (e *Error) Error() string {
	msg := e.Err.Error()
	if strings.HasPrefix(msg, e.Part+": ") {
		return msg
	}
	return e.Part + ": " + msg
}
func (e *Error) Unwrap() error { return e.Err }

func fail(part, format string, args ...any) *Error {
	return &Error{Part: part, Err: fmt.Errorf(format, args...)}
}

// VerifyOptions say whom to trust and what to compare against.
type VerifyOptions struct {
	// Allowed is an ssh-keygen allowed signers file; Identity, when set,
	// is the principal the signer must be listed as.
	Allowed  *sign.AllowedSigners
	Identity string
	// Keys are public keys trusted directly (--key).
	Keys []ssh.PublicKey
	// At is the time at which the allowed signers' validity is checked.
	At time.Time
	// RepoDir, when set, is a repository that must contain the subject
	// commit, whose evidence files must still match.
	RepoDir string
	// Artifacts are files that must match the bundle's artefact subjects.
	Artifacts []string
	// Files are external evidence files (SBOM, VEX) to check by name.
	Files []string
}

// Check is the outcome of comparing one file with the bundle.
type Check struct {
	What   string // "evidence", "artefact", "commit"
	Path   string
	Status string // ok | changed | missing | skipped
	Detail string
}

// Result is a verified bundle.
type Result struct {
	Statement     *Statement
	Report        *report.Report
	Signer        string // the allowed-signers principal, or "key <fingerprint>"
	KeyID         string // fingerprint of the key that verified
	Format        string // ssh | ed25519
	PayloadSHA256 string
	Checks        []Check
	Notes         []string
}

// Verify checks a bundle: the signature over the statement by a trusted
// key, the statement's shape, and, when asked, the repository, artefacts
// and evidence files against the digests signed. A failure is an *Error
// naming what changed; with a partial result when the signature held.
func Verify(data []byte, o VerifyOptions) (*Result, error) {
	if o.Allowed == nil && len(o.Keys) == 0 {
		return nil, errors.New("no trusted keys: give an allowed signers file or a public key")
	}
	b, err := Parse(data)
	if err != nil {
		return nil, &Error{Part: PartBundle, Err: err}
	}
	payload, err := decodeBase64(b.Envelope.Payload)
	if err != nil {
		return nil, fail(PartPayload, "the payload is not valid base64: the statement was damaged")
	}
	res := &Result{PayloadSHA256: sha256Hex(payload)}
	recorded := b.PayloadDigest["sha256"]
	pae := PAE(b.Envelope.PayloadType, payload)

	var errs []error
	verified := false
	for i, s := range b.Envelope.Signatures {
		principal, keyID, format, err := verifyOne(pae, s, o)
		if err != nil {
			errs = append(errs, fmt.Errorf("signature %d: %w", i+1, err))
			continue
		}
		res.Signer, res.KeyID, res.Format, verified = principal, keyID, format, true
		break
	}
	if !verified {
		return nil, classify(errs, recorded, res.PayloadSHA256)
	}
	if recorded != "" && recorded != res.PayloadSHA256 {
		res.Notes = append(res.Notes, "the unsigned payloadDigest hint does not match the payload; ignored, the signature covers the payload")
	}

	st, err := ParseStatement(payload)
	if err != nil {
		return nil, &Error{Part: PartStatement, Err: err}
	}
	res.Statement = st
	var rep report.Report
	if err := json.Unmarshal(st.Predicate.Report, &rep); err != nil {
		return nil, fail(PartStatement, "the predicate's report is not a valid report: %v", err)
	}
	if !strings.HasPrefix(rep.SchemaVersion, "1.") {
		return nil, fail(PartStatement, "report schema version %q is not supported; want 1.x", rep.SchemaVersion)
	}
	res.Report = &rep
	if c := st.CommitOf(); c != "" && rep.Subject.Commit != "" && c != rep.Subject.Commit {
		return nil, fail(PartStatement, "the subject names commit %s but the report assessed %s", c, rep.Subject.Commit)
	}

	var problems []string
	if o.RepoDir != "" {
		problems = append(problems, checkRepo(res, o.RepoDir)...)
	}
	problems = append(problems, checkArtifacts(res, o.Artifacts)...)
	problems = append(problems, checkFiles(res, o.Files)...)
	if len(problems) > 0 {
		part := PartEvidence
		for _, c := range res.Checks {
			if c.Status != "ok" && c.Status != "skipped" && c.What != "evidence" {
				part = PartSubject
				break
			}
		}
		return res, &Error{Part: part, Err: errors.New(strings.Join(problems, "; "))}
	}
	return res, nil
}

// classify turns signature failures into one message naming what changed.
func classify(errs []error, recorded, actual string) error {
	joined := errors.Join(errs...)
	if recorded != "" && recorded != actual {
		return fail(PartPayload, "the signed statement was changed after signing: its SHA-256 is now %s, it was %s when signed, and the signature no longer covers it (%v)", actual, recorded, joined)
	}
	untrusted, bad := false, false
	for _, e := range errs {
		switch {
		case errors.Is(e, sign.ErrUnknownSigner), errors.Is(e, sign.ErrSignerExpired), errors.Is(e, sign.ErrSignerNotYetValid):
			untrusted = true
		default:
			bad = true
		}
	}
	switch {
	case bad && recorded != "":
		return fail(PartSignature, "the signature does not verify although the statement is as signed: the signature was changed or made over something else (%v)", joined)
	case bad:
		return fail(PartSignature, "the signature does not verify: the statement or the signature was changed after signing (%v)", joined)
	case untrusted:
		return fail(PartSigner, "the signature is intact but its key is not trusted (%v)", joined)
	}
	return fail(PartSignature, "no signature verifies (%v)", joined)
}

var errNotTrusted = sign.ErrUnknownSigner

// verifyOne checks one DSSE signature and returns who made it.
func verifyOne(pae []byte, s Signature, o VerifyOptions) (principal, keyID, format string, err error) {
	raw, err := decodeBase64(s.Sig)
	if err != nil {
		return "", "", "", fmt.Errorf("%w: the sig field is not base64", sign.ErrMalformedSignature)
	}
	if bytes.HasPrefix(raw, []byte("SSHSIG")) {
		parsed, err := sshsig.ParseSignature(raw)
		if err != nil {
			return "", "", "", fmt.Errorf("%w: %v", sign.ErrMalformedSignature, err)
		}
		armored := sign.Armor(parsed)
		key, err := sign.VerifyKey(pae, armored, Namespace)
		if err != nil {
			return "", "", "", err
		}
		p, err := authorize(key, o)
		return p, ssh.FingerprintSHA256(key), FormatSSH, err
	}
	if len(raw) != ed25519.SignatureSize {
		return "", "", "", fmt.Errorf("%w: %d bytes is neither an SSHSIG blob nor an ed25519 signature", sign.ErrMalformedSignature, len(raw))
	}
	candidates := append([]ssh.PublicKey(nil), o.Keys...)
	if o.Allowed != nil {
		for _, e := range o.Allowed.Entries() {
			if !e.CertAuthority {
				candidates = append(candidates, e.Key)
			}
		}
	}
	tried := 0
	for _, k := range candidates {
		pub, ok := ed25519Of(k)
		if !ok {
			continue
		}
		tried++
		if ed25519.Verify(pub, pae, raw) {
			p, err := authorize(k, o)
			return p, ssh.FingerprintSHA256(k), FormatEd25519, err
		}
	}
	if tried == 0 {
		return "", "", "", fmt.Errorf("%w: a raw ed25519 signature, but no trusted ed25519 key", errNotTrusted)
	}
	// A raw signature does not carry its key; the unsigned keyid says
	// which key claims to have made it, which tells a foreign key from a
	// damaged signature.
	if s.KeyID != "" && !slices.ContainsFunc(candidates, func(k ssh.PublicKey) bool { return ssh.FingerprintSHA256(k) == s.KeyID }) {
		return "", "", "", fmt.Errorf("%w: made by key %s (per its keyid), which is not trusted", errNotTrusted, textsafe.Clean(s.KeyID))
	}
	return "", "", "", fmt.Errorf("%w: no trusted ed25519 key verifies it", sign.ErrBadSignature)
}

func ed25519Of(k ssh.PublicKey) (ed25519.PublicKey, bool) {
	ck, ok := k.(ssh.CryptoPublicKey)
	if !ok {
		return nil, false
	}
	pub, ok := ck.CryptoPublicKey().(ed25519.PublicKey)
	return pub, ok
}

// authorize accepts a key that verified if it is one of the trusted keys,
// or listed in the allowed signers for the identity and namespace.
func authorize(key ssh.PublicKey, o VerifyOptions) (string, error) {
	want := key.Marshal()
	for _, k := range o.Keys {
		if bytes.Equal(k.Marshal(), want) {
			return "key " + ssh.FingerprintSHA256(key), nil
		}
	}
	if o.Allowed != nil {
		return o.Allowed.Authorize(key, Namespace, o.Identity, o.At)
	}
	return "", fmt.Errorf("%w: key %s is not the key given", errNotTrusted, ssh.FingerprintSHA256(key))
}

var commitPattern = lazyre.New(`^([0-9a-f]{40}|[0-9a-f]{64})$`)

// checkRepo compares the repository with the subject commit and the
// repository evidence files, read from that commit's tree (falling back to
// the working tree for files that were never committed).
func checkRepo(res *Result, dir string) []string {
	var problems []string
	commit := res.Statement.CommitOf()
	if commit == "" {
		res.Notes = append(res.Notes, "the bundle names no git commit; only evidence files in the working tree were checked")
	}
	var tree *object.Tree
	headIsSubject := commit == ""
	if commit != "" {
		if !commitPattern.MatchString(commit) {
			return []string{fmt.Sprintf("subject commit %q is not a commit id", textsafe.Clean(commit))}
		}
		hist, err := source.OpenHistory(dir)
		if err != nil {
			res.Checks = append(res.Checks, Check{What: "commit", Path: commit, Status: "missing", Detail: err.Error()})
			return []string{fmt.Sprintf("cannot read the git history of %s: %v", dir, err)}
		}
		defer hist.Close()
		c, err := hist.Repository().CommitObject(plumbing.NewHash(commit))
		if err != nil {
			res.Checks = append(res.Checks, Check{What: "commit", Path: commit, Status: "missing", Detail: "not in the repository"})
			return []string{fmt.Sprintf("commit %s, the bundle's subject, is not in the repository at %s", commit, dir)}
		}
		detail := "present and checked out"
		if head := hist.HeadHash(); head != commit {
			detail = fmt.Sprintf("present; HEAD has moved on to %s, so the working tree is not compared", head)
		} else {
			headIsSubject = true
		}
		res.Checks = append(res.Checks, Check{What: "commit", Path: commit, Status: "ok", Detail: detail})
		if tree, err = c.Tree(); err != nil {
			return []string{fmt.Sprintf("read the tree of commit %s: %v", commit, err)}
		}
	}
	work, werr := source.OpenTree(dir)
	if werr == nil {
		defer work.Close()
	}
	for _, e := range res.Statement.Predicate.Evidence {
		if e.Location != InRepository {
			continue
		}
		ck, problem := checkEvidence(e, tree, work, headIsSubject)
		res.Checks = append(res.Checks, ck)
		if problem != "" {
			problems = append(problems, problem)
		}
	}
	return problems
}

// checkEvidence compares one repository evidence file with its signed
// digest: in the signed commit when the commit holds it, and in the working
// tree when the checkout is at that commit (or the file was never
// committed), since that is the file a reader opens.
func checkEvidence(e EvidenceFile, tree *object.Tree, work *source.Tree, headIsSubject bool) (Check, string) {
	want := e.Digest["sha256"]
	name := textsafe.Clean(e.Path)
	ck := Check{What: "evidence", Path: e.Path}
	changed := func(where, got string) (Check, string) {
		ck.Status, ck.Detail = "changed", fmt.Sprintf("sha256 %s when signed, %s in the %s", want, got, where)
		return ck, fmt.Sprintf("evidence file %s (%s) changed since signing: sha256 %s when signed, %s in the %s", name, e.Kind, want, got, where)
	}
	inCommit := false
	if tree != nil {
		if f, err := tree.File(e.Path); err == nil {
			inCommit = true
			got, err := hashBlob(f)
			if err != nil {
				ck.Status, ck.Detail = "missing", err.Error()
				return ck, fmt.Sprintf("evidence file %s (%s) cannot be read from the signed commit: %v", name, e.Kind, err)
			}
			if got != want {
				return changed("signed commit", got)
			}
		}
	}
	if inCommit && !headIsSubject {
		ck.Status, ck.Detail = "ok", "signed commit"
		return ck, ""
	}
	if work == nil {
		if inCommit {
			ck.Status, ck.Detail = "ok", "signed commit"
			return ck, ""
		}
		ck.Status, ck.Detail = "missing", "not in the signed commit and no working tree to read"
		return ck, fmt.Sprintf("evidence file %s (%s) is missing", name, e.Kind)
	}
	got, err := work.HashFile(e.Path, MaxEvidenceFileSize)
	switch {
	case err != nil && inCommit:
		ck.Status, ck.Detail = "ok", "signed commit (not checked out)"
		return ck, ""
	case err != nil:
		ck.Status, ck.Detail = "missing", err.Error()
		return ck, fmt.Sprintf("evidence file %s (%s) is missing: %v", name, e.Kind, err)
	case got != want:
		return changed("working tree", got)
	}
	ck.Status = "ok"
	if inCommit {
		ck.Detail = "signed commit and working tree"
	} else {
		ck.Detail = "working tree (the file is not in the signed commit)"
	}
	return ck, ""
}

func hashBlob(f *object.File) (string, error) {
	if f.Size > MaxEvidenceFileSize {
		return "", fmt.Errorf("%d bytes; the limit is %d", f.Size, MaxEvidenceFileSize)
	}
	r, err := f.Reader()
	if err != nil {
		return "", err
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(r, MaxEvidenceFileSize)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// checkArtifacts matches files against the artefact subjects by name.
func checkArtifacts(res *Result, files []string) []string {
	var problems []string
	for _, f := range files {
		sum, _, err := hashExternal(f)
		ck := Check{What: "artefact", Path: f}
		if err != nil {
			ck.Status, ck.Detail = "missing", err.Error()
			problems = append(problems, fmt.Sprintf("artefact %s: %v", f, err))
			res.Checks = append(res.Checks, ck)
			continue
		}
		name := filepath.Base(f)
		var named *ResourceDescriptor
		matched := false
		for i, s := range res.Statement.Subject {
			if s.Digest["sha256"] == sum {
				matched = true
			}
			if s.Name == name {
				named = &res.Statement.Subject[i]
			}
		}
		switch {
		case named != nil && named.Digest["sha256"] != sum:
			ck.Status, ck.Detail = "changed", fmt.Sprintf("sha256 %s when signed, %s now", named.Digest["sha256"], sum)
			problems = append(problems, fmt.Sprintf("artefact %s changed since signing: sha256 %s when signed, %s now", f, named.Digest["sha256"], sum))
		case matched || named != nil:
			ck.Status = "ok"
		default:
			ck.Status, ck.Detail = "missing", "not a subject of the bundle"
			problems = append(problems, fmt.Sprintf("artefact %s (sha256 %s) is not a subject of the bundle", f, sum))
		}
		res.Checks = append(res.Checks, ck)
	}
	return problems
}

// checkFiles matches external evidence files (SBOM, VEX) by name.
func checkFiles(res *Result, files []string) []string {
	var problems []string
	for _, f := range files {
		ck := Check{What: "evidence", Path: f}
		var entry *EvidenceFile
		for i, e := range res.Statement.Predicate.Evidence {
			if e.Location == External && filepath.Base(e.Path) == filepath.Base(f) {
				entry = &res.Statement.Predicate.Evidence[i]
				break
			}
		}
		if entry == nil {
			ck.Status, ck.Detail = "missing", "the bundle lists no external evidence file of that name"
			problems = append(problems, fmt.Sprintf("%s is not evidence in the bundle", f))
			res.Checks = append(res.Checks, ck)
			continue
		}
		sum, _, err := hashExternal(f)
		switch {
		case err != nil:
			ck.Status, ck.Detail = "missing", err.Error()
			problems = append(problems, fmt.Sprintf("evidence file %s: %v", f, err))
		case sum != entry.Digest["sha256"]:
			ck.Status, ck.Detail = "changed", fmt.Sprintf("sha256 %s when signed, %s now", entry.Digest["sha256"], sum)
			problems = append(problems, fmt.Sprintf("evidence file %s (%s) changed since signing: sha256 %s when signed, %s now", f, entry.Kind, entry.Digest["sha256"], sum))
		default:
			ck.Status = "ok"
		}
		res.Checks = append(res.Checks, ck)
	}
	return problems
}
