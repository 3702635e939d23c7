package evidence

import "time"

// Kinds of release evidence: what was found in release directories, in the
// repository's tags and in its documentation about distributing releases.
const (
	KindRelease              Kind = "release/release"
	KindReleaseArtefact      Kind = "release/artefact"
	KindReleaseChecksumFile  Kind = "release/checksum-file"
	KindReleaseProvenance    Kind = "release/provenance"
	KindReleaseTagSignature  Kind = "release/tag-signature"
	KindDistributionChannels Kind = "release/distribution-channels"
	KindVerificationDocs     Kind = "release/verification-docs"
)

// VerifyStatus is the result of one check on a release file or tag.
type VerifyStatus string

// Verification statuses of one check on a release file.
const (
	VerifyVerified     VerifyStatus = "verified"     // cryptographically checked against the declared signer
	VerifyFailed       VerifyStatus = "failed"       // checked and wrong: tampered, wrong signer, bad signature
	VerifyUnverifiable VerifyStatus = "unverifiable" // present, but the trust material to check it was not given
	VerifyInsufficient VerifyStatus = "insufficient" // present and consistent, but proves no origin (unsigned checksum, weak hash)
)

// Release is one release given to the assessment (a --release directory or
// an assay.yaml releases entry).
type Release struct {
	Version string
	Dir     string // as given
	// Latest is the newest release by version; InScope says whether it is
	// judged (the latest one, or every one with --all-releases).
	Latest      bool
	InScope     bool
	AllReleases bool
	Files       int
	Artefacts   int
	// Trust material in use, for the report: what signatures were checked
	// against.
	TrustedRoot string
	Identity    string
	Key         string
	Problems    []string // unreadable directory, too many files, ...
}

// Kind implements Fact.
func (Release) Kind() Kind { return KindRelease }

// ReleaseArtefact is one artefact of a release and every check run on it.
type ReleaseArtefact struct {
	Release string
	InScope bool
	Path    string // relative to the release directory
	Type    string // "artefact" or "sbom"
	SHA256  string
	Size    int64
	Checks  []ArtefactCheck
	Problem string // could not be read or hashed
}

// Kind implements Fact.
func (ReleaseArtefact) Kind() Kind { return KindReleaseArtefact }

// ArtefactCheck is one piece of integrity evidence for an artefact.
type ArtefactCheck struct {
	// Method: "sigstore-bundle", "key-signature", "certificate-signature",
	// "openpgp-signature", "checksum", "provenance".
	Method   string
	Source   string // the release file that carried it
	Status   VerifyStatus
	Check    string // what failed: "identity", "artifact-digest", "transparency-log", ...
	Reason   string
	Expected string
	Actual   string
	Signer   string
	Issuer   string
	SignedAt time.Time
}

// ReleaseChecksumFile is a checksum file compared with the release's files.
type ReleaseChecksumFile struct {
	Release    string
	InScope    bool
	Path       string
	Entries    int
	Matched    int
	Algorithms []string
	Missing    []ChecksumEntry // listed but not in the release
	Mismatched []ChecksumEntry // listed with a digest that differs
	Problems   []ChecksumEntry // unreadable lines (Name empty, Detail says why)
	Signature  ArtefactCheck   // Status "" when the file is not signed
	Error      string          // the file could not be read at all
}

// ChecksumEntry is one line of a checksum file that needs attention.
type ChecksumEntry struct {
	Line     int
	Name     string
	Expected string
	Actual   string
	Detail   string
}

// Kind implements Fact.
func (ReleaseChecksumFile) Kind() Kind { return KindReleaseChecksumFile }

// ReleaseProvenance is one SLSA provenance statement found in a release.
type ReleaseProvenance struct {
	Release       string
	InScope       bool
	Path          string
	Line          int
	PredicateType string
	Subjects      []string // subject names
	Matched       []string // release artefacts whose digest is a subject
	BuilderID     string
	BuildType     string
	SourceRepo    string
	SourceRef     string
	SourceCommit  string
	Trigger       string
	Signature     ArtefactCheck
	// Policy the provenance is judged against.
	ExpectedRepo    string   // the product repository, normalised
	ExpectedRef     string   // the release tag ref, when the version is known
	AllowedBuilders []string // declared; empty means the known hosted builders
	BuilderLevel    int      // SLSA build level of a known builder, 0 if unknown
	// BuilderAllowed: BuilderID is in AllowedBuilders (a trailing * is a
	// prefix), or a known hosted builder when none are declared.
	BuilderAllowed bool
	// BuildTypeKnown: Assay understands BuildType, so its parameters were
	// checked.
	BuildTypeKnown bool
	Problem        string // the statement could not be read
}

// Kind implements Fact.
func (ReleaseProvenance) Kind() Kind { return KindReleaseProvenance }

// ReleaseTagSignature is the signature state of one release tag.
type ReleaseTagSignature struct {
	Tag    string
	Commit string
	Date   time.Time
	Latest bool // the newest stable (not pre-release) release tag
	// Prerelease: a nightly, rc, alpha, beta or other pre-release tag.
	Prerelease bool
	Annotated  bool
	Signed     bool
	Format     string       // "ssh", "openpgp", "x509", "unknown"
	Status     VerifyStatus // "" when unsigned
	Signer     string
	Reason     string
	// InScope says whether the tag is judged: the latest release tag, the
	// tag of a release declared in assay.yaml, or every release tag with
	// --all-releases.
	InScope bool
	// Declared is set when the tag belongs to a release in assay.yaml.
	Declared bool
	// Keys names the trust material the signature was checked against
	// ("releases[0].allowed_signers: keys/allowed_signers"); empty when
	// none was declared.
	Keys string
}

// Kind implements Fact.
func (ReleaseTagSignature) Kind() Kind { return KindReleaseTagSignature }

// DistributionChannels lists where customers download releases from.
type DistributionChannels struct {
	URLs []ChannelURL
}

// ChannelURL is one declared download location.
type ChannelURL struct {
	URL    string
	Source string // "assay.yaml" or the Security Insights file
	Line   int
	Field  string // where in the source: "releases[0].download_urls[1]"
}

// Kind implements Fact.
func (DistributionChannels) Kind() Kind { return KindDistributionChannels }

// VerificationDocs records where the repository tells customers how to
// verify a release, and which signing methods the releases use.
type VerificationDocs struct {
	Mentions []DocMention
	Searched []string // documents read
	// Methods are the signing methods the vendor declared in assay.yaml
	// (certificate identity or key: "sigstore"; openpgp_keys: "openpgp";
	// allowed_signers: "ssh"), in DocMention.Method's terms. The rules add
	// the methods seen on release artefacts.
	Methods  []string
	Problems []string // documents that could not be read, limits hit
	// Statements are lines saying the released artefacts are signed, with
	// a pointer at the published keys nearby; Command holds the quote. They
	// show signing configured outside the repository (a parent build file,
	// a maintainer's release machine).
	Statements []DocMention
}

// DocMention is one verification instruction in a document.
type DocMention struct {
	Path    string
	Line    int
	Command string // e.g. "cosign verify-blob"
	Method  string // "sigstore", "checksum", "openpgp", "slsa", "ssh", "minisign", "git-tag"
}

// Kind implements Fact.
func (VerificationDocs) Kind() Kind { return KindVerificationDocs }

// Ways a customer verifies a release: the vocabulary of DocMention.Method
// and ReleaseChannel methods.
const (
	VerifySigstore = "sigstore"
	VerifySLSA     = "slsa"
	VerifyChecksum = "checksum"
	VerifyOpenPGP  = "openpgp"
	VerifySSH      = "ssh"
	VerifyMinisign = "minisign"
	VerifyGitTag   = "git-tag"
)
