// Package collector defines how evidence is gathered. A collector reads one
// kind of source (files, git history, a forge API) and returns facts; it knows
// nothing of principles, claims or statuses. The engine runs collectors with a
// timeout and recovers from panics, so one broken collector never aborts an
// assessment: it becomes a failed status and the claims that depend on it
// become unknown.
package collector

import (
	"context"
	"time"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/source"
)

// Requirements says what a collector needs from its environment. The engine
// skips a collector whose requirements are not met and records why.
type Requirements struct {
	Network bool // talks to a network service; only with --online
	History bool // reads git history; skipped when the tree has no usable .git
}

// Collector gathers evidence of a few related kinds.
type Collector interface {
	Name() string // lowercase, slash-separated: "repo/securitypolicy"
	Produces() []evidence.Kind
	Requirements() Requirements
	Collect(ctx context.Context, in *Input) ([]evidence.Record, error)
}

// Input is everything a collector may read. Collectors treat it as read-only.
type Input struct {
	Tree    *source.Tree
	History *source.History // nil when the tree is not a usable git repository
	// NoHistory says why History is nil ("no .git directory", ".git is a
	// symlink; not followed", ...).
	NoHistory string
	Now       time.Time
	Online    bool
	Options   Options
}

// Options carries command-line settings that individual collectors consume.
// Areas add fields here rather than reading flags themselves.
type Options struct {
	HistoryMaxCommits int           // 0 means limits.MaxHistoryCommits
	HistoryWindow     time.Duration // 0 means 12 months
	SBOMFiles         []string      // --sbom
	ReleaseDirs       []string      // --release
	DBDir             string        // --db
	DBMaxAge          time.Duration // --db-max-age; 0 for assay.yaml's or the default
	AllowedSigners    string        // --allowed-signers: trusted signing keys, overriding assay.yaml's allowed_signers

	// Release holds --trusted-root, --certificate-identity..., --key and
	// --all-releases.
	Release ReleaseOptions
}

// State is the outcome of running one collector.
type State string

// Collector states.
const (
	Succeeded State = "succeeded"
	Skipped   State = "skipped"
	Failed    State = "failed"
)

// Status records how a collector fared.
type Status struct {
	Name     string          `json:"name"`
	State    State           `json:"status"`
	Reason   string          `json:"reason,omitempty"`
	Produces []evidence.Kind `json:"-"`
	// Offline is set when the collector was skipped only because network
	// sources were not allowed.
	Offline bool `json:"-"`
	Records int  `json:"records"`
}

// Provenance builds the provenance for a fact a collector read from path.
func (in *Input) Provenance(collector string, loc evidence.Location, digest string) evidence.Provenance {
	return evidence.Provenance{Collector: collector, Location: loc, Digest: digest, CollectedAt: in.Now}
}

// ReleaseOptions are the cosign-named flags that say what release signatures
// are checked against. Set values override assay.yaml's for every release.
type ReleaseOptions struct {
	TrustedRoot                 string // --trusted-root FILE
	CertificateIdentity         string // --certificate-identity
	CertificateIdentityRegexp   string // --certificate-identity-regexp
	CertificateOIDCIssuer       string // --certificate-oidc-issuer
	CertificateOIDCIssuerRegexp string // --certificate-oidc-issuer-regexp
	Key                         string // --key FILE
	AllReleases                 bool   // --all-releases: judge every release given, not only the latest
}
