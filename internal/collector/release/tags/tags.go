// Package tags records whether the repository's release tags are signed and,
// when the vendor declares who signs them (an ssh-keygen allowed_signers file
// or OpenPGP public keys in assay.yaml), whether the signatures verify. It
// reads tag objects through go-git only; no git or gpg process is run. The
// release rules judge.
package tags

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"golang.org/x/crypto/ssh"
	"golang.org/x/mod/semver"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/parse/tagname"
	"github.com/assaysec/assay/internal/sign"
	"github.com/assaysec/assay/internal/source"
)

// Name of the collector.
const Name = "release/tags"

// Limits on hostile repositories.
const (
	// MaxTags caps how many tags are listed; release tags among them are
	// kept up to MaxReleaseTags, newest first.
	MaxTags        = 10000
	MaxReleaseTags = 200
	// MaxPayload caps the signed tag payload (headers and message); real
	// tag messages are a few KiB.
	MaxPayload = 1 << 20
	// MaxKeyRing caps an armored OpenPGP key ring file.
	MaxKeyRing = 1 << 20
)

// Collector reads release tags.
type Collector struct{ cfg *config.Config }

// New returns the collector reading the declaration cfg; nil is an empty
// declaration.
func New(cfg *config.Config) collector.Collector {
	if cfg == nil {
		cfg = &config.Config{}
	}
	return Collector{cfg: cfg}
}

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind {
	return []evidence.Kind{evidence.KindReleaseTagSignature}
}

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements {
	return collector.Requirements{History: true}
}

// releaseTag matches tag names that name a version: "v1.2.3", "1.2",
// "v2.0.0-rc.1", and monorepo forms "tool/v1.2.3", "tool-v1.2.3",
// "tool@1.2.3".
var releaseTag = lazyre.New(`^(?:[A-Za-z0-9_.+/-]*[/@-])?[vV]?(\d+(?:\.\d+){1,3}(?:[-+][0-9A-Za-z.+-]*)?)$`)

// IsReleaseTag reports whether name looks like a version tag, and returns the
// version as a semver string ("v1.2.3") when it is one.
func IsReleaseTag(name string) (string, bool) {
	if len(name) > 200 {
		return "", false
	}
	m := releaseTag.FindStringSubmatch(tagname.Dotted(name))
	if m == nil {
		return "", false
	}
	v := "v" + m[1]
	if !semver.IsValid(v) {
		// "1.2.3.4" and odd suffixes are still release tags; they sort
		// below valid versions.
		return "", true
	}
	return v, true
}

// preTag marks pre-release and development tags by name.
var preTag = lazyre.New(`(?i)(?:^|[^a-z])(?:nightly|rc|alpha|beta|pre|preview|dev|snapshot|canary|next|edge|a|b)(?:[^a-z]|$)`)

// Prerelease reports whether a release tag names a pre-release: a semver
// pre-release suffix (v1.2.0-rc.1, v2.18.0-abc-nightly) or a word such as
// nightly, rc, alpha or beta in the name. version is IsReleaseTag's.
func Prerelease(name, version string) bool {
	if version != "" && semver.Prerelease(version) != "" {
		return true
	}
	_, rest, _ := strings.Cut(strings.TrimLeft(name, "vV"), ".")
	return preTag.MatchString(rest)
}

// trust is the signing keys declared for one scope (a release or all of
// them).
type trust struct {
	allowed []*sign.AllowedSigners
	pgp     openpgp.EntityList
	shown   []string // where the keys came from, for the report
	errs    []string
}

func (t *trust) empty() bool { return len(t.allowed) == 0 && len(t.pgp) == 0 }

func (t *trust) merge(o *trust) {
	t.allowed = append(t.allowed, o.allowed...)
	t.pgp = append(t.pgp, o.pgp...)
	t.shown = append(t.shown, o.shown...)
	t.errs = append(t.errs, o.errs...)
}

// verifySSH checks msg against every declared allowed signers file; the
// first that authorises the key wins. The error is the first file's.
func (t *trust) verifySSH(msg, sig []byte, at time.Time) (string, error) {
	var first error
	for _, a := range t.allowed {
		who, err := a.Verify(msg, sig, "git", "", at)
		if err == nil {
			return who, nil
		}
		if first == nil {
			first = err
		}
	}
	return "", first
}

// Collect implements collector.Collector.
func (c Collector) Collect(ctx context.Context, in *collector.Input) ([]evidence.Record, error) {
	if in.History == nil {
		return nil, errors.New("no git history")
	}
	all, err := in.History.Tags(MaxTags)
	if err != nil {
		return nil, fmt.Errorf("read tags: %w", err)
	}
	type cand struct {
		t       source.Tag
		version string
	}
	var rel []cand
	for _, t := range all {
		if v, ok := IsReleaseTag(t.Name); ok {
			rel = append(rel, cand{t, v})
		}
	}
	// Newest first by version, then by date: the latest release is the
	// highest version, whatever order the tags were made in.
	slices.SortStableFunc(rel, func(a, b cand) int {
		if c := semver.Compare(b.version, a.version); c != 0 {
			return c
		}
		return b.t.Date.Compare(a.t.Date)
	})
	if len(rel) > MaxReleaseTags {
		rel = rel[:MaxReleaseTags]
	}

	// The latest release is the newest stable version: a nightly, rc,
	// alpha, beta or other pre-release tag is not what customers install.
	latest := 0
	for i, cd := range rel {
		if !Prerelease(cd.t.Name, cd.version) {
			latest = i
			break
		}
	}

	perRelease, union, problems := loadTrust(in, c.cfg)
	var out []evidence.Record
	for _, p := range problems {
		out = append(out, evidence.Record{Fact: evidence.ParseProblem{Path: p.path, Format: p.format, Error: p.msg},
			Provenance: in.Provenance(Name, evidence.Location{Path: p.path, Line: p.line}, "")})
	}
	repo := in.History.Repository()
	for i, cd := range rel {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		t := cd.t
		f := evidence.ReleaseTagSignature{Tag: t.Name, Commit: t.Commit, Date: t.Date, Latest: i == latest,
			Annotated: t.Annotated, Signed: t.Signed, Prerelease: Prerelease(t.Name, cd.version)}
		tr := union
		if idx := declaredRelease(c.cfg, t.Name); idx >= 0 {
			f.Declared = true
			if pr := perRelease[idx]; pr != nil && !pr.empty() {
				tr = pr
			}
		}
		f.InScope = f.Latest || f.Declared || in.Options.Release.AllReleases
		if t.Signed {
			obj, err := tagObject(repo, t.Name)
			if err != nil {
				f.Format, f.Status = "unknown", evidence.VerifyUnverifiable
				f.Reason = fmt.Sprintf("the tag object could not be read: %v", err)
			} else {
				checkSignature(&f, obj, tr)
			}
		}
		out = append(out, evidence.Record{Fact: f,
			Provenance: in.Provenance(Name, evidence.Location{Path: "refs/tags/" + t.Name, Commit: t.Commit}, "")})
	}
	return out, nil
}

// declaredRelease returns the index of the assay.yaml release whose tag is
// name, or -1.
func declaredRelease(cfg *config.Config, name string) int {
	for i, r := range cfg.Releases {
		if r.Tag != "" {
			if r.Tag == name {
				return i
			}
			continue
		}
		v := strings.TrimPrefix(strings.TrimSpace(r.Version), "v")
		if v != "" && (name == v || name == "v"+v) {
			return i
		}
	}
	return -1
}

type problem struct {
	path, format, msg string
	line              int
}

// loadTrust reads the keys declared per release (releases[].allowed_signers
// and releases[].openpgp_keys) and their union, which judges release tags
// that no entry names. When no release declares keys, the commit signers
// (commit_signers.allowed_signers, .pgp_keys) are used: they say who signs
// commits and tags.
func loadTrust(in *collector.Input, cfg *config.Config) (map[int]*trust, *trust, []problem) {
	per := map[int]*trust{}
	union := &trust{}
	var probs []problem
	cache := map[string]*trust{}
	load := func(field, p string, pgp bool) *trust {
		key := fmt.Sprint(pgp, p)
		if t, ok := cache[key]; ok {
			return t
		}
		t := &trust{shown: []string{field + ": " + p}}
		cache[key] = t
		if pgp {
			data, err := in.Tree.ReadFile(p, MaxKeyRing)
			if err == nil {
				t.pgp, err = openpgp.ReadArmoredKeyRing(bytes.NewReader(data))
			}
			if err != nil {
				t.errs = append(t.errs, fmt.Sprintf("%s %s: %v", field, p, err))
				probs = append(probs, problem{path: p, format: "OpenPGP public keys", msg: fmt.Sprintf("%s: %v", field, err)})
			}
			return t
		}
		data, err := in.Tree.ReadFile(p, sign.MaxAllowedSignersSize)
		var a *sign.AllowedSigners
		if err == nil {
			a, err = sign.ParseAllowedSigners(data)
		}
		if a != nil {
			t.allowed = append(t.allowed, a)
		}
		if err != nil {
			t.errs = append(t.errs, fmt.Sprintf("%s %s: %v", field, p, err))
			probs = append(probs, problem{path: p, format: "ssh allowed_signers", msg: fmt.Sprintf("%s: %v", field, err)})
		}
		return t
	}
	for i, r := range cfg.Releases {
		t := &trust{}
		if r.AllowedSigners != "" {
			t.merge(load(fmt.Sprintf("releases[%d].allowed_signers", i), r.AllowedSigners, false))
		}
		if r.OpenPGPKeys != "" {
			t.merge(load(fmt.Sprintf("releases[%d].openpgp_keys", i), r.OpenPGPKeys, true))
		}
		per[i] = t
		union.merge(t)
	}
	if union.empty() && len(union.errs) == 0 && cfg.CommitSigners != nil {
		cs := cfg.CommitSigners
		if cs.AllowedSigners != "" {
			union.merge(load("commit_signers.allowed_signers", cs.AllowedSigners, false))
		}
		for j, p := range cs.PGPKeys {
			union.merge(load(fmt.Sprintf("commit_signers.pgp_keys[%d]", j), p, true))
		}
	}
	union.shown = dedupe(union.shown)
	return per, union, probs
}

func dedupe(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// tagObject reads the annotated tag object that refs/tags/name points at.
func tagObject(repo interface {
	Reference(plumbing.ReferenceName, bool) (*plumbing.Reference, error)
	TagObject(plumbing.Hash) (*object.Tag, error)
}, name string) (*object.Tag, error) {
	ref, err := repo.Reference(plumbing.NewTagReferenceName(name), false)
	if err != nil {
		return nil, err
	}
	if ref.Type() != plumbing.HashReference {
		return nil, fmt.Errorf("refs/tags/%s is a symbolic reference", name)
	}
	return repo.TagObject(ref.Hash())
}

// Format of a tag signature, from its armor header.
func Format(sig string) string {
	s := strings.TrimLeft(sig, " \t\r\n")
	switch {
	case strings.HasPrefix(s, "-----BEGIN SSH SIGNATURE-----"):
		return "ssh"
	case strings.HasPrefix(s, "-----BEGIN PGP SIGNATURE-----"), strings.HasPrefix(s, "-----BEGIN PGP MESSAGE-----"):
		return "openpgp"
	case strings.HasPrefix(s, "-----BEGIN SIGNED MESSAGE-----"), strings.HasPrefix(s, "-----BEGIN CERTIFICATE-----"):
		return "x509"
	}
	return "unknown"
}

// payload returns the tag object as it was signed: without its signature.
func payload(t *object.Tag) ([]byte, error) {
	o := &plumbing.MemoryObject{}
	if err := t.EncodeWithoutSignature(o); err != nil {
		return nil, err
	}
	r, err := o.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, MaxPayload+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxPayload {
		return nil, fmt.Errorf("tag object is larger than %d bytes; not checked", MaxPayload)
	}
	return data, nil
}

// checkSignature fills Format, Status, Signer, Reason and Keys.
func checkSignature(f *evidence.ReleaseTagSignature, t *object.Tag, tr *trust) {
	sig := t.PGPSignature
	f.Format = Format(sig)
	f.Keys = strings.Join(tr.shown, ", ")
	if len(sig) > sign.MaxSignatureSize {
		f.Status, f.Reason = evidence.VerifyFailed, fmt.Sprintf("the signature is %d bytes, over the %d-byte limit; not checked", len(sig), sign.MaxSignatureSize)
		return
	}
	switch f.Format {
	case "x509":
		f.Status = evidence.VerifyUnverifiable
		f.Reason = "signed with an X.509 (gitsign or S/MIME) signature; signed, not verifiable offline"
		return
	case "unknown":
		f.Status = evidence.VerifyUnverifiable
		f.Reason = "the signature is in a format Assay does not recognise (not OpenPGP, SSH or X.509)"
		return
	}
	msg, err := payload(t)
	if err != nil {
		f.Status, f.Reason = evidence.VerifyUnverifiable, fmt.Sprintf("the signed payload could not be rebuilt: %v", err)
		return
	}
	when := t.Tagger.When
	switch f.Format {
	case "ssh":
		if len(tr.allowed) == 0 {
			f.Status = evidence.VerifyUnverifiable
			f.Reason = "SSH-signed, but no allowed_signers file was declared to verify it against (releases[].allowed_signers in assay.yaml)" + loadErrs(tr)
			return
		}
		who, err := tr.verifySSH(msg, []byte(sig), when)
		if err != nil {
			f.Status, f.Reason = evidence.VerifyFailed, sshReason(err)
			if k, kerr := sign.VerifyKey(msg, []byte(sig), "git"); kerr == nil {
				f.Signer = ssh.FingerprintSHA256(k)
			}
			return
		}
		f.Status, f.Signer = evidence.VerifyVerified, who
		f.Reason = fmt.Sprintf("SSH signature verifies against %s (signer %s)", f.Keys, who)
	case "openpgp":
		if len(tr.pgp) == 0 {
			f.Status = evidence.VerifyUnverifiable
			f.Reason = "OpenPGP-signed, but no OpenPGP public keys were declared to verify it against (releases[].openpgp_keys in assay.yaml)" + loadErrs(tr)
			return
		}
		// The key's validity is judged at the tag's own (signed) date, as
		// git does for SSH signatures, never at the wall clock.
		cfg := &packet.Config{Time: func() time.Time { return when }}
		e, err := openpgp.CheckArmoredDetachedSignature(tr.pgp, bytes.NewReader(msg), strings.NewReader(sig), cfg)
		if err != nil {
			f.Status, f.Reason = evidence.VerifyFailed, pgpReason(err)
			return
		}
		f.Status, f.Signer = evidence.VerifyVerified, pgpSigner(e)
		f.Reason = fmt.Sprintf("OpenPGP signature verifies against %s (signer %s)", f.Keys, f.Signer)
	}
}

func loadErrs(tr *trust) string {
	if len(tr.errs) == 0 {
		return ""
	}
	return "; the declared keys could not be read: " + strings.Join(tr.errs, "; ")
}

func sshReason(err error) string {
	switch {
	case errors.Is(err, sign.ErrUnknownSigner):
		return "signed by a key the allowed_signers file does not list: " + err.Error()
	case errors.Is(err, sign.ErrBadSignature):
		return "the signature does not match the tag (changed after signing, or made for another namespace): " + err.Error()
	case errors.Is(err, sign.ErrMalformedSignature):
		return "the SSH signature is malformed: " + err.Error()
	case errors.Is(err, sign.ErrSignerExpired), errors.Is(err, sign.ErrSignerNotYetValid):
		return "the signing key was not valid at the tag's date: " + err.Error()
	}
	return err.Error()
}

func pgpReason(err error) string {
	switch {
	case errors.Is(err, pgperrors.ErrUnknownIssuer):
		return "signed by an OpenPGP key that is not among the declared keys"
	case errors.Is(err, pgperrors.ErrKeyExpired):
		return "the signing key had expired at the tag's date: " + err.Error()
	case errors.Is(err, pgperrors.ErrKeyRevoked):
		return "the signing key is revoked: " + err.Error()
	case errors.Is(err, pgperrors.ErrSignatureExpired):
		return "the signature had expired: " + err.Error()
	}
	var se pgperrors.SignatureError
	if errors.As(err, &se) {
		return "the signature does not match the tag (changed after signing): " + err.Error()
	}
	return "the OpenPGP signature does not verify: " + err.Error()
}

func pgpSigner(e *openpgp.Entity) string {
	if e == nil || e.PrimaryKey == nil {
		return ""
	}
	id := fmt.Sprintf("%X", e.PrimaryKey.Fingerprint)
	if len(e.Identities) == 0 {
		return id
	}
	return firstIdentity(e) + " (" + id + ")"
}

func firstIdentity(e *openpgp.Entity) string {
	if pi := e.PrimaryIdentity(); pi != nil {
		return pi.Name
	}
	// Map order is random; pick the smallest name so reports are stable.
	names := make([]string, 0, len(e.Identities))
	for n := range e.Identities {
		names = append(names, n)
	}
	slices.Sort(names)
	return names[0]
}
