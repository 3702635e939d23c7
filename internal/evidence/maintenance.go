package evidence

import "time"

// Kinds of maintenance evidence read from history and the tree: update-bot
// activity, the product's own security fixes, tooling bumps, the runtimes
// CI and images name, and declarations that the software is vulnerable on
// purpose.
const (
	KindUpdateBotHistory     Kind = "history/update-bots"
	KindOwnSecurityFixes     Kind = "history/security-fixes"
	KindToolingBumps         Kind = "history/tooling-bumps"
	KindToolchainRefs        Kind = "ci/toolchains"
	KindVulnerableOnPurpose  Kind = "repo/vulnerable-on-purpose"
	KindVulnerablePurposeRan Kind = "repo/purpose-scan"
)

// HistoryScan says how far a message-only scan of every reachable commit
// (all branches and tags, newest first) went.
type HistoryScan struct {
	Scanned    int       // commits read
	MaxCommits int       // the cap
	Capped     bool      // the cap stopped the scan before the root commits
	Oldest     time.Time // committer date of the oldest commit read
}

// UpdateBotHistory counts commits authored by dependency-update bots in the
// scanned history, and those that were security updates.
type UpdateBotHistory struct {
	Scan HistoryScan
	Bots []BotActivity // one per account, most commits first
	// SecurityUpdates are bot commits that say they fix a vulnerability, newest first, capped.
	SecurityUpdates     []BotCommit
	SecurityUpdateCount int
}

// Kind implements Fact.
func (UpdateBotHistory) Kind() Kind { return KindUpdateBotHistory }

// BotActivity is one bot account's commits.
type BotActivity struct {
	Account string // "dependabot[bot]", "renovate[bot]", "greenkeeper", ...
	Commits int
	First   time.Time
	Last    time.Time
	Latest  string // newest commit
}

// BotCommit is one bot commit.
type BotCommit struct {
	Commit  string
	Account string
	When    time.Time
	Subject string
	Why     string // the wording that marks it a security update
}

// OwnSecurityFixes lists commits identified as fixes of the product's own
// vulnerabilities, each with the first release tag that contains it.
type OwnSecurityFixes struct {
	Scan HistoryScan
	// ReleaseTags is how many release-looking tags were checked for ancestry.
	ReleaseTags int
	Fixes       []OwnFix // newest first
	// HeadVersion is the highest version ("v1.8.8") among the release tags
	// the assessed commit contains, when some fix is in no release tag:
	// a copy of a fix that reached a newer version elsewhere waits only
	// for the assessed branch's next version. Empty when none is known.
	HeadVersion string
	// DependencyOnly counts advisory-naming commits that changed only
	// dependency manifests or lockfiles: updates of components, not fixes
	// of the product.
	DependencyOnly int
	// DependencyOnlyCommits are those commits, in the order found
	// (full hashes, up to a few hundred, so fewer than DependencyOnly when
	// there are more): a CVE they name belongs to a component, so it asks
	// for no advisory of the product's own.
	DependencyOnlyCommits []string
	// Unlinked are security-labelled changelog entries whose cited pull
	// request or commit is not in the history, with the release tag of
	// the version they are listed under.
	Unlinked []UnlinkedFix
}

// UnlinkedFix is a security fix a changelog lists under a release whose
// commit could not be found.
type UnlinkedFix struct {
	Changelog string // path:line
	IDs       []string
	Tag       string
	TagDate   time.Time
}

// Kind implements Fact.
func (OwnSecurityFixes) Kind() Kind { return KindOwnSecurityFixes }

// OwnFix is one identified fix.
type OwnFix struct {
	Commit  string
	When    time.Time // committer date
	Subject string
	Why     string   // what identified it: an advisory id, advisory merge, security wording, changelog entry
	IDs     []string // advisory ids named
	// Group ties a fix to its backports: the first advisory id, else the
	// normalised subject.
	Group string
	// Changelog is path:line of the security-labelled changelog entry that
	// pointed at this commit, when that is how it was found.
	Changelog string
	// First release tag containing the commit; empty when none does.
	Tag     string
	TagDate time.Time
	// TagVersion is Tag read as a semantic version ("v1.5.15"), or empty.
	TagVersion string
	// ListedTag is the oldest release under which a security-labelled
	// changelog entry lists an advisory this commit names, whether or not
	// the entry points at this commit; empty when none does.
	ListedTag     string
	ListedTagDate time.Time
	// TagOpensLine: Tag is the first release of its major.minor line, so
	// the line had no users before it.
	TagOpensLine bool
	// OffReleaseLine: the commit is in no release tag, is not on the
	// assessed branch, and no release was tagged on its line since that
	// line left the assessed branch: a pull request's source branch or an
	// unreleased next version, not a release line waiting to ship it.
	OffReleaseLine bool
}

// ToolingBumps lists commits in the window whose diff of CI, build or
// toolchain files changes the version of an action, image, runtime or hook.
type ToolingBumps struct {
	Since     time.Time
	Walked    int
	Truncated bool
	Bumps     []ToolingBump // newest first
}

// Kind implements Fact.
func (ToolingBumps) Kind() Kind { return KindToolingBumps }

// ToolingBump is one such commit.
type ToolingBump struct {
	Commit  string
	When    time.Time
	Author  string
	Changes []string // "uses actions/checkout: v3 -> v4 (.github/workflows/ci.yml)", a few
}

// ToolchainRefs are the runtime versions CI definitions, version files and
// container images name.
type ToolchainRefs struct {
	Files int // files read
	Refs  []ToolchainRef
}

// Kind implements Fact.
func (ToolchainRefs) Kind() Kind { return KindToolchainRefs }

// ToolchainRef is one named runtime version.
type ToolchainRef struct {
	Runtime string // "node", "python", "go", "php"
	Version string // as written, normalised to major[.minor]
	Path    string
	Line    int
	Context string // "setup-node", "matrix", "FROM", "image", "travis", "go.mod", ...
}

// VulnerableOnPurpose is a README or security-file statement that the
// software's vulnerabilities will not be fixed: it is deliberately
// vulnerable or insecure, or (Ended) security fixes have stopped for
// every version.
type VulnerableOnPurpose struct {
	Path  string
	Line  int
	Text  string // the matching words, control characters stripped
	Ended bool   // security fixes have ended for every version, rather than vulnerable by design
}

// Kind implements Fact.
func (VulnerableOnPurpose) Kind() Kind { return KindVulnerableOnPurpose }

// PurposeScan records which files the vulnerable-on-purpose scan read.
type PurposeScan struct {
	Files []string
}

// Kind implements Fact.
func (PurposeScan) Kind() Kind { return KindVulnerablePurposeRan }
