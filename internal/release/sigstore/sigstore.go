// Package sigstore verifies Sigstore bundles offline with sigstore-go: the
// trusted root and the expected signer come from the caller, never from the
// network, and every failure is reported as the check that failed and why,
// so a report can say "identity mismatch: expected X, got Y" instead of
// "invalid signature".
package sigstore

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"regexp"
	"strings"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
	"google.golang.org/protobuf/encoding/protojson"
)

// Size limits. A bundle holds a certificate chain, a few log entries and a
// signature or a DSSE envelope; provenance predicates can be large but not
// tens of megabytes. A trusted root lists a handful of keys.
const (
	MaxBundleSize      = 16 << 20
	MaxTrustedRootSize = 4 << 20
	MaxKeySize         = 64 << 10
)

// Checks name the step of verification that failed. They are stable strings
// shown in reports and matched by tests.
const (
	CheckBundle        = "bundle"                   // the bundle could not be parsed or is malformed
	CheckTrustedRoot   = "trusted-root"             // no usable trusted root or key
	CheckTlog          = "transparency-log"         // inclusion proof, promise or checkpoint
	CheckTimestamp     = "timestamp"                // signed or integrated timestamps
	CheckCertificate   = "certificate"              // chain to the trusted CA at signing time
	CheckSCT           = "certificate-transparency" // embedded SCTs
	CheckSignature     = "signature"                // the signature over the artefact or envelope
	CheckDigest        = "artifact-digest"          // the signed digest is not the artefact's
	CheckIdentity      = "identity"                 // signer identity or issuer
	CheckKey           = "key"                      // key-based signature with the wrong or no key
	CheckNotConfigured = "policy"                   // nothing to check the signer against
)

// Identity is the signer a vendor declares, with cosign's semantics: an exact
// value or a regular expression for the certificate's subject alternative
// name and for its OIDC issuer. Regular expressions are anchored by us:
// cosign users write them unanchored and a partial match would let
// "evil.example/org/repo" pass for "org/repo".
type Identity struct {
	SAN          string
	SANRegexp    string
	Issuer       string
	IssuerRegexp string
}

// IsZero reports whether no identity was declared.
func (i Identity) IsZero() bool { return i == Identity{} }

// Validate checks the regular expressions compile.
func (i Identity) Validate() error {
	for name, re := range map[string]string{"certificate-identity-regexp": i.SANRegexp, "certificate-oidc-issuer-regexp": i.IssuerRegexp} {
		if re == "" {
			continue
		}
		if _, err := regexp.Compile(anchor(re)); err != nil {
			return fmt.Errorf("%s %q: %w", name, re, err)
		}
	}
	return nil
}

// String shows the expected identity the way a user declared it.
func (i Identity) String() string {
	var parts []string
	switch {
	case i.SAN != "":
		parts = append(parts, fmt.Sprintf("identity %q", i.SAN))
	case i.SANRegexp != "":
		parts = append(parts, fmt.Sprintf("identity matching %q", i.SANRegexp))
	}
	switch {
	case i.Issuer != "":
		parts = append(parts, fmt.Sprintf("issuer %q", i.Issuer))
	case i.IssuerRegexp != "":
		parts = append(parts, fmt.Sprintf("issuer matching %q", i.IssuerRegexp))
	}
	return strings.Join(parts, ", ")
}

func anchor(re string) string {
	if !strings.HasPrefix(re, "^") {
		re = "^(?:" + re + ")"
	}
	if !strings.HasSuffix(re, "$") {
		re += "$"
	}
	return re
}

// Policy is what a bundle is verified against.
type Policy struct {
	// TrustedRoot holds the CAs, logs and timestamp authorities. It may be
	// nil only for key-based verification without transparency-log checks.
	TrustedRoot *root.TrustedRoot
	// Key, when set, is the vendor's public key: the bundle must be signed
	// with it rather than with a certificate.
	Key crypto.PublicKey
	// Identity is the expected certificate signer.
	Identity Identity
}

// Result is the outcome of verifying one bundle against one artefact.
type Result struct {
	Verified bool
	// Check and Reason say what failed, when Verified is false.
	Check    string
	Reason   string
	Expected string // for identity and digest mismatches
	Actual   string
	// Unverifiable is true when the failure is missing trust material
	// (no trusted root, no declared identity or key), not a bad signature.
	Unverifiable bool

	MediaType string // bundle media type
	Version   string // "v0.1", "v0.2", "v0.3"
	Signer    string // certificate SAN, or "key <hint>"
	Issuer    string // OIDC issuer of the certificate
	SignedAt  time.Time
	// Timestamps lists how the signing time was established ("tlog", "tsa").
	Timestamps []string
	// DSSE is true for an envelope (attestation) rather than a plain
	// message signature; Statement holds its payload when it is in-toto.
	DSSE          bool
	PayloadType   string
	Payload       []byte
	PredicateType string
}

// LoadTrustedRoot parses a Sigstore trusted_root.json.
func LoadTrustedRoot(data []byte) (*root.TrustedRoot, error) {
	if len(data) > MaxTrustedRootSize {
		return nil, fmt.Errorf("trusted root is %d bytes; the limit is %d", len(data), MaxTrustedRootSize)
	}
	tr, err := root.NewTrustedRootFromJSON(data)
	if err != nil {
		return nil, fmt.Errorf("parse trusted root: %w", err)
	}
	return tr, nil
}

// LoadPublicKey parses a PEM public key (cosign.pub).
func LoadPublicKey(data []byte) (crypto.PublicKey, error) {
	if len(data) > MaxKeySize {
		return nil, fmt.Errorf("public key file is %d bytes; the limit is %d", len(data), MaxKeySize)
	}
	k, err := cryptoutils.UnmarshalPEMToPublicKey(data)
	if err != nil {
		return nil, fmt.Errorf("parse public key: %w", err)
	}
	return k, nil
}

// ParseBundle decodes a bundle in any of the media types v0.1 to v0.3.
func ParseBundle(data []byte) (*bundle.Bundle, error) {
	if len(data) > MaxBundleSize {
		return nil, fmt.Errorf("bundle is %d bytes; the limit is %d", len(data), MaxBundleSize)
	}
	var pb protobundle.Bundle
	if err := protojson.Unmarshal(data, &pb); err != nil {
		return nil, &BundleError{Check: CheckBundle, Reason: "parse bundle: " + clean(err)}
	}
	if check, reason := precheck(&pb); check != "" {
		return nil, &BundleError{Check: check, Reason: reason}
	}
	b, err := bundle.NewBundle(&pb)
	if err != nil {
		check, reason := classifyParse(err)
		return nil, &BundleError{Check: check, Reason: reason}
	}
	return b, nil
}

// BundleError is a bundle rejected before any signature was checked.
type BundleError struct {
	Check  string
	Reason string
}

func (e *BundleError) Error() string { return e.Reason }

// precheck rejects structural problems sigstore-go would report less
// precisely or later: an empty certificate chain, a root certificate shipped
// inside the bundle (roots must come from the trusted root, never from the
// signer), and a negative log index.
func precheck(pb *protobundle.Bundle) (check, reason string) {
	vm := pb.GetVerificationMaterial()
	if vm == nil {
		return CheckBundle, "the bundle has no verification material"
	}
	if chain := vm.GetX509CertificateChain(); chain != nil {
		certs := chain.GetCertificates()
		if len(certs) == 0 {
			return CheckBundle, "the bundle's certificate chain is empty"
		}
		for i, c := range certs {
			cert, err := x509.ParseCertificate(c.GetRawBytes())
			if err != nil {
				return CheckCertificate, fmt.Sprintf("certificate %d of the chain does not parse: %s", i, clean(err))
			}
			if i > 0 && cert.IsCA && bytes.Equal(cert.RawSubject, cert.RawIssuer) && cert.CheckSignatureFrom(cert) == nil {
				return CheckCertificate, fmt.Sprintf("the bundle's certificate chain includes a root certificate (%s); roots must come from the trusted root, not the bundle", cert.Subject.CommonName)
			}
		}
	}
	for i, e := range vm.GetTlogEntries() {
		if e.GetLogIndex() < 0 {
			return CheckTlog, fmt.Sprintf("transparency-log entry %d has a negative log index %d", i, e.GetLogIndex())
		}
		if p := e.GetInclusionProof(); p != nil && p.GetLogIndex() < 0 {
			return CheckTlog, fmt.Sprintf("the inclusion proof of transparency-log entry %d has a negative log index %d", i, p.GetLogIndex())
		}
	}
	return "", ""
}

// classifyParse names the check for a bundle that sigstore-go rejected while
// validating its structure.
func classifyParse(err error) (check, reason string) {
	msg := clean(err)
	low := strings.ToLower(msg)
	switch {
	case strings.Contains(low, "inclusion proof missing required checkpoint"):
		return CheckTlog, "the inclusion proof has no checkpoint (signed tree head), so it cannot be checked: " + msg
	case strings.Contains(low, "inclusion proof missing"):
		return CheckTlog, "missing inclusion proof: " + msg
	case strings.Contains(low, "entry body"), strings.Contains(low, "log entry"):
		return CheckTlog, "the transparency-log entry does not match the bundle's signature, key or artefact: " + msg
	case strings.Contains(low, "media type"), strings.Contains(low, "version"):
		return CheckBundle, "unsupported bundle version: " + msg
	}
	return CheckBundle, "invalid bundle: " + msg
}

// Verify checks a bundle against an artefact whose bytes open returns. open
// may be called more than once. For DSSE bundles the artefact must be a
// subject of the in-toto statement.
func Verify(data []byte, open func() (io.ReadCloser, error), p Policy) Result {
	b, err := ParseBundle(data)
	if err != nil {
		var be *BundleError
		if errors.As(err, &be) {
			return Result{Check: be.Check, Reason: be.Reason}
		}
		return Result{Check: CheckBundle, Reason: clean(err)}
	}
	return VerifyBundle(b, open, p)
}

// VerifyBundle is Verify for a parsed bundle.
func VerifyBundle(b *bundle.Bundle, open func() (io.ReadCloser, error), p Policy) (res Result) {
	defer func() {
		// sigstore-go is well tested, but bundles are hostile input: a panic
		// deep in a parser must become a failed check, not a crash.
		if r := recover(); r != nil {
			res = Result{Check: CheckBundle, Reason: fmt.Sprintf("verification panicked: %v", r)}
		}
	}()
	res.MediaType = b.GetMediaType()
	res.Version, _ = b.Version()
	vc, err := b.VerificationContent()
	if err != nil {
		res.Check, res.Reason = CheckBundle, clean(err)
		return res
	}
	cert := vc.Certificate()
	keyed := cert == nil && vc.PublicKey() != nil

	material, ok := trustMaterial(vc, keyed, p, &res)
	if !ok {
		return res
	}
	opts, err := verifierOptions(b, material, keyed)
	if err != nil {
		res.Check, res.Reason = CheckTimestamp, clean(err)
		return res
	}
	v, err := verify.NewVerifier(material, opts...)
	if err != nil {
		res.Check, res.Reason = CheckTimestamp, clean(err)
		return res
	}
	var policyOpts []verify.PolicyOption
	if keyed {
		policyOpts = append(policyOpts, verify.WithKey())
	} else {
		// Identity is matched below, after every cryptographic check, so
		// that a mismatch can name the expected and the actual values.
		policyOpts = append(policyOpts, verify.WithoutIdentitiesUnsafe())
	}
	if sc, err := b.SignatureContent(); err == nil {
		if ms := sc.MessageSignatureContent(); ms != nil {
			if check, reason, exp, act := compareDigest(ms, open); check != "" {
				res.Check, res.Reason, res.Expected, res.Actual = check, reason, exp, act
				return res
			}
		}
	}
	rc, err := open()
	if err != nil {
		res.Check, res.Reason = CheckDigest, "read artefact: "+clean(err)
		return res
	}
	defer rc.Close()
	vr, err := v.Verify(b, verify.NewPolicy(verify.WithArtifact(rc), policyOpts...))
	if err != nil {
		res.Check, res.Reason = classify(err)
		return res
	}
	recordVerification(&res, b, vr)
	if keyed {
		res.Signer = "key " + quoteHint(vc.PublicKey().Hint())
		res.Verified = true
		return res
	}
	if vr.Signature != nil && vr.Signature.Certificate != nil {
		res.Signer = vr.Signature.Certificate.SubjectAlternativeName
		res.Issuer = vr.Signature.Certificate.Issuer
	}
	checkIdentity(&res, p.Identity)
	return res
}

// checkIdentity matches the certificate's signer and issuer against the
// declared identity: verified when they match, unverifiable when none was
// declared.
func checkIdentity(res *Result, id Identity) {
	if id.IsZero() {
		res.Check, res.Unverifiable = CheckNotConfigured, true
		res.Reason = fmt.Sprintf("the signature is valid, but no expected signer was declared, so anyone with a Sigstore certificate could have made it (signed by %q, issuer %q); pass --certificate-identity and --certificate-oidc-issuer", res.Signer, res.Issuer)
		return
	}
	if exp, act, ok := matchIdentity(id, res.Signer, res.Issuer); !ok {
		res.Check, res.Expected, res.Actual = CheckIdentity, exp, act
		res.Reason = fmt.Sprintf("identity mismatch: expected %s, got %s", exp, act)
		return
	}
	res.Verified = true
}

// trustMaterial is what the signature is checked against: the given key
// (with the trusted root for its timestamps, when given) or the trusted
// root. When the policy lacks what the bundle needs it records why in res
// and returns false.
func trustMaterial(vc verify.VerificationContent, keyed bool, p Policy, res *Result) (root.TrustedMaterial, bool) {
	var material root.TrustedMaterial
	switch {
	case keyed && p.Key == nil:
		res.Check, res.Reason, res.Unverifiable = CheckKey, "the bundle is signed with a key (hint "+quoteHint(vc.PublicKey().Hint())+") but no public key was given; pass --key or set key in assay.yaml", true
		return nil, false
	case !keyed && p.TrustedRoot == nil:
		res.Check, res.Reason, res.Unverifiable = CheckTrustedRoot, "no trusted root was given to check the certificate against; pass --trusted-root or set trusted_root in assay.yaml", true
		return nil, false
	case !keyed && p.Key != nil && p.Identity.IsZero():
		res.Check, res.Reason = CheckKey, "expected a signature by the declared key, but the bundle is signed with a certificate"
		return nil, false
	}
	if keyed {
		km, err := keyMaterial(p.Key)
		if err != nil {
			res.Check, res.Reason, res.Unverifiable = CheckKey, clean(err), true
			return nil, false
		}
		if p.TrustedRoot != nil {
			material = root.TrustedMaterialCollection{km, p.TrustedRoot}
		} else {
			material = km
		}
	} else {
		material = p.TrustedRoot
	}
	return material, true
}

// recordVerification records what a successful verification found: when
// it was signed, by which timestamps, and the DSSE payload.
func recordVerification(res *Result, b *bundle.Bundle, vr *verify.VerificationResult) {
	for _, ts := range vr.VerifiedTimestamps {
		kind := "tsa"
		if ts.Type == "Tlog" {
			kind = "tlog"
		}
		res.Timestamps = append(res.Timestamps, kind)
		if res.SignedAt.IsZero() || ts.Timestamp.Before(res.SignedAt) {
			res.SignedAt = ts.Timestamp.UTC()
		}
	}
	if sc, err := b.SignatureContent(); err == nil {
		if env := sc.EnvelopeContent(); env != nil {
			raw := env.RawEnvelope()
			res.DSSE = true
			res.PayloadType = raw.PayloadType
			res.Payload = []byte(raw.Payload)
		}
	}
	if vr.Statement != nil {
		res.PredicateType = vr.Statement.GetPredicateType()
	}
}

// verifierOptions requires, as cosign does for the public-good instance, a
// transparency-log entry with a verified inclusion proof or promise whenever
// the trusted material has logs, SCTs whenever it has CT logs, and at least
// one observer timestamp (integrated time or RFC 3161) to check a
// certificate's short validity against. A key-signed bundle without any log
// or timestamp is accepted only when the trusted material has no logs, as
// cosign does with a key and no transparency log configured.
func verifierOptions(b *bundle.Bundle, tm root.TrustedMaterial, keyed bool) ([]verify.VerifierOption, error) {
	var opts []verify.VerifierOption
	hasLogs := len(tm.RekorLogs()) > 0
	if hasLogs {
		opts = append(opts, verify.WithTransparencyLog(1))
	}
	if !keyed && len(tm.CTLogs()) > 0 {
		opts = append(opts, verify.WithSignedCertificateTimestamps(1))
	}
	ts, _ := b.Timestamps()
	// RFC 3161 timestamps count as observer timestamps next to log
	// integrated times: one verified time is needed, and every verified
	// time must fall inside the certificate's validity. A timestamp from an
	// authority the trusted root does not list is not counted.
	hasTSA := len(tm.TimestampingAuthorities()) > 0 && len(ts) > 0
	switch {
	case hasLogs || hasTSA:
		opts = append(opts, verify.WithObserverTimestamps(1))
	case keyed:
		opts = append(opts, verify.WithNoObserverTimestamps())
	default:
		return nil, errors.New("the trusted root has no transparency log or timestamp authority, so the certificate's validity at signing time cannot be checked")
	}
	return opts, nil
}

func keyMaterial(k crypto.PublicKey) (*root.TrustedPublicKeyMaterial, error) {
	sv, err := signature.LoadDefaultVerifier(k)
	if err != nil {
		return nil, fmt.Errorf("load public key: %w", err)
	}
	return root.NewTrustedPublicKeyMaterial(func(string) (root.TimeConstrainedVerifier, error) {
		return root.NewExpiringKey(sv, time.Time{}, time.Time{}), nil
	}), nil
}

// compareDigest checks the bundle's message digest against the artefact
// before any signature is checked, so a tampered artefact is reported as a
// digest mismatch with both values rather than as a bad signature. The
// digest is only a hint (the signature is what binds), so a match here
// proves nothing on its own.
func compareDigest(ms verify.MessageSignatureContent, open func() (io.ReadCloser, error)) (check, reason, expected, actual string) {
	var h hash.Hash
	var name string
	switch ms.DigestAlgorithm() {
	case "SHA2_256":
		h, name = sha256.New(), "sha256"
	case "SHA2_384":
		h, name = sha512.New384(), "sha384"
	case "SHA2_512":
		h, name = sha512.New(), "sha512"
	default:
		return "", "", "", "" // left to sigstore-go
	}
	rc, err := open()
	if err != nil {
		return CheckDigest, "read artefact: " + clean(err), "", ""
	}
	defer rc.Close()
	if _, err := io.Copy(h, rc); err != nil {
		return CheckDigest, "read artefact: " + clean(err), "", ""
	}
	got := h.Sum(nil)
	if bytes.Equal(got, ms.Digest()) {
		return "", "", "", ""
	}
	expected = name + ":" + hex.EncodeToString(ms.Digest())
	actual = name + ":" + hex.EncodeToString(got)
	return CheckDigest, fmt.Sprintf("digest mismatch: the bundle signs %s, the artefact is %s", expected, actual), expected, actual
}

// MatchIdentity reports whether a certificate's SAN and issuer satisfy a
// declared identity.
func MatchIdentity(id Identity, san, issuer string) bool {
	_, _, ok := matchIdentity(id, san, issuer)
	return ok
}

// matchIdentity compares the certificate's SAN and issuer with the declared
// identity and returns the expected and actual values when they differ.
func matchIdentity(id Identity, san, issuer string) (expected, actual string, ok bool) {
	sanOK := true
	switch {
	case id.SAN != "":
		sanOK = san == id.SAN
	case id.SANRegexp != "":
		re, err := regexp.Compile(anchor(id.SANRegexp))
		sanOK = err == nil && re.MatchString(san)
	}
	issOK := true
	switch {
	case id.Issuer != "":
		issOK = issuer == id.Issuer
	case id.IssuerRegexp != "":
		re, err := regexp.Compile(anchor(id.IssuerRegexp))
		issOK = err == nil && re.MatchString(issuer)
	}
	if sanOK && issOK {
		return "", "", true
	}
	var exp, act []string
	if !sanOK {
		exp = append(exp, Identity{SAN: id.SAN, SANRegexp: id.SANRegexp}.String())
		act = append(act, fmt.Sprintf("identity %q", san))
	}
	if !issOK {
		exp = append(exp, Identity{Issuer: id.Issuer, IssuerRegexp: id.IssuerRegexp}.String())
		act = append(act, fmt.Sprintf("issuer %q", issuer))
	}
	return strings.Join(exp, ", "), strings.Join(act, ", "), false
}

// classify maps a sigstore-go error to the check that failed and a reason a
// person can act on. sigstore-go reports failures as wrapped strings, so the
// classification reads the wrapping prefixes it documents.
func classify(err error) (check, reason string) {
	msg := clean(err)
	low := strings.ToLower(msg)
	switch {
	case strings.Contains(low, "integrated time outside certificate validity"):
		return CheckCertificate, "the certificate was not valid at the time the transparency log recorded the signature (expired or not-yet-valid certificate without a valid timestamp): " + msg
	case strings.Contains(low, "does not match artifact"):
		return CheckDigest, "digest mismatch: the artefact is not what was signed: " + msg
	case strings.Contains(low, "transparency log signature does not match"):
		return CheckTlog, "the bundle's signature is not the one recorded in its transparency-log entry (signature, envelope or log entry altered): " + msg
	case strings.Contains(low, "not enough verified log entries"):
		return CheckTlog, "no entry from a transparency log in the trusted root verified (log from another Sigstore instance, or a forged signed entry timestamp): " + msg
	case strings.Contains(low, "failed to verify log inclusion"):
		switch {
		case strings.Contains(low, "inclusion proof") && (strings.Contains(low, "missing") || strings.Contains(low, "no inclusion proof")):
			return CheckTlog, "missing inclusion proof: " + msg
		case strings.Contains(low, "threshold not met"):
			return CheckTlog, "no verifiable transparency-log entry: " + msg
		}
		return CheckTlog, msg
	case strings.Contains(low, "signed certificate timestamp"):
		return CheckSCT, msg
	case strings.Contains(low, "failed to verify timestamps"), strings.Contains(low, "timestamp"):
		if strings.Contains(low, "threshold not met") {
			return CheckTimestamp, "no verified timestamp to establish the signing time: " + msg
		}
		return CheckTimestamp, msg
	case strings.Contains(low, "failed to verify leaf certificate"):
		if strings.Contains(low, "expired") || strings.Contains(low, "not yet valid") {
			return CheckCertificate, "the certificate was not valid at the verified signing time (expired certificate without a valid timestamp): " + msg
		}
		return CheckCertificate, msg
	case strings.Contains(low, "digest does not match"), strings.Contains(low, "artifact does not match"),
		strings.Contains(low, "digests do not match"), strings.Contains(low, "does not match any digest"):
		return CheckDigest, "digest mismatch: the artefact is not what was signed: " + msg
	case strings.Contains(low, "failed to verify signature"):
		return CheckSignature, "signature does not verify: " + msg
	case strings.Contains(low, "public key") || strings.Contains(low, "expected key signature"):
		return CheckKey, msg
	}
	return CheckBundle, msg
}

func quoteHint(h string) string {
	if h == "" {
		return "none"
	}
	return h
}

// clean flattens an error to one line and bounds its length, since messages
// from deep inside parsers can quote attacker-controlled input.
func clean(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}
