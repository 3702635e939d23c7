package evidence

import "time"

// Kinds of forge evidence: settings, alerts and advisories read from the
// GitHub or GitLab API. The facts are the same for both forges, so one rule
// answers for either; fields a forge has no equivalent for stay empty.
const (
	KindForgeRepository       Kind = "forge/repository"
	KindForgeBranchProtection Kind = "forge/branch-protection"
	KindForgeCollaborators    Kind = "forge/collaborators"
	KindForgeOrganization     Kind = "forge/organization"
	KindForgeWorkflowToken    Kind = "forge/workflow-token"
	KindForgeActionsPolicy    Kind = "forge/actions-policy"
	KindForgeRunners          Kind = "forge/runners"
	KindForgeEnvironments     Kind = "forge/environments"
	KindForgeSecrets          Kind = "forge/secrets"
	KindForgeSecurityFeature  Kind = "forge/security-feature"
	KindForgeAlerts           Kind = "forge/alerts"
	KindForgeAdvisories       Kind = "forge/advisories"
	KindForgeReleases         Kind = "forge/releases"
)

// ForgeKinds lists every forge kind, for the collector's Produces.
var ForgeKinds = []Kind{
	KindForgeRepository, KindForgeBranchProtection, KindForgeCollaborators, KindForgeOrganization,
	KindForgeWorkflowToken, KindForgeActionsPolicy, KindForgeRunners, KindForgeEnvironments,
	KindForgeSecrets, KindForgeSecurityFeature, KindForgeAlerts, KindForgeAdvisories, KindForgeReleases,
}

// AccessState says whether one API answer was observed, and if not, why.
type AccessState string

// Access states of one API answer.
const (
	AccessOK          AccessState = "ok"
	AccessDenied      AccessState = "denied"       // 401/403, or a 404 that hides a resource from this token
	AccessTier        AccessState = "tier"         // the plan or licence lacks the feature
	AccessRateLimited AccessState = "rate_limited" // the API budget was spent
	AccessError       AccessState = "error"        // the forge failed or answered something unreadable
	AccessUnsupported AccessState = "unsupported"  // the forge has no such setting
)

// ForgeAccess records whether an API answer was observed, and if not, why
// and what would let Assay see it. Rules turn anything but AccessOK into
// not_available naming Need, never into a failure.
type ForgeAccess struct {
	State    AccessState
	Endpoint string // "GET /repos/{owner}/{repo}/branches/{branch}/protection"
	Reason   string // what the forge said, token redacted
	Need     string // "admin role on the repository (fine-grained token: Administration read; classic token: repo)"
}

// OK reports whether the answer was observed.
func (a ForgeAccess) OK() bool { return a.State == AccessOK }

// ForgeRepository is the repository or project itself.
type ForgeRepository struct {
	Forge          string // "github" or "gitlab"
	Host           string
	Path           string // "OWNER/NAME", "GROUP/SUB/PROJECT"
	WebURL         string
	APIURL         string
	DefaultBranch  string
	Visibility     string // "public", "private", "internal"
	Archived       bool
	Fork           bool
	OwnerKind      string // "organization", "user" (GitHub); "group", "user" (GitLab)
	Owner          string
	ViewerRole     string // the token's role: "admin", "maintain", "write", "triage", "read"; GitLab "owner", "maintainer", "developer", ...; "" anonymous
	Authenticated  bool
	TokenScopes    []string // classic token scopes the forge reported, when it did
	IssuesEnabled  bool     // GitLab: confidential issues are open to reporters
	ServiceDesk    bool     // GitLab: Service Desk takes e-mailed reports privately
	PipelineGate   *bool    // GitLab: merge only when the pipeline succeeds; nil when not shown
	Access         ForgeAccess
	RequestsSent   int // API requests made, conditional ones included
	RequestsCached int // answers confirmed unchanged (304) and served from the cache
}

// Kind implements Fact.
func (ForgeRepository) Kind() Kind { return KindForgeRepository }

// ForgeBranchProtection is the effective protection of the default branch,
// merged from every source the forge applies (GitHub classic branch
// protection and rulesets; GitLab protected branches, approval rules and
// push rules). A setting is true when any readable source enforces it.
type ForgeBranchProtection struct {
	Branch    string
	Protected *bool    // the forge's own summary; nil when not shown
	Sources   []string // "branch protection", "ruleset 42 (org acme)", "protected branch"
	// Complete is true when every source was readable, so that a setting
	// found in none of them is known to be off rather than unseen.
	Complete             bool
	RequiresPullRequest  bool
	RequiredApprovals    int
	CodeOwnerReview      bool
	DismissStaleReviews  bool
	LastPushApproval     bool
	StatusChecksRequired bool
	RequiredChecks       []string
	StrictChecks         bool // branches must be up to date before merging
	EnforceAdmins        bool // administrators cannot bypass the rules
	ForcePushBlocked     bool
	DeletionBlocked      bool
	SignaturesRequired   bool
	LinearHistory        bool
	PushAllowedTo        []string // GitLab push access levels: "No one", "Maintainers", ...
	Unseen               []ForgeAccess
	Access               ForgeAccess
}

// Kind implements Fact.
func (ForgeBranchProtection) Kind() Kind { return KindForgeBranchProtection }

// ForgeCollaborator is one person or team with access.
type ForgeCollaborator struct {
	Login      string
	Role       string // "admin", "maintain", "write", "triage", "read"; GitLab "owner", "maintainer", "developer", "reporter", "guest"
	Outside    bool   // not a member of the owning organisation
	Bot        bool
	Expires    time.Time // GitLab membership expiry, when set
	LastActive time.Time // when the forge reports it
}

// ForgeCollaborators lists who can access the repository.
type ForgeCollaborators struct {
	People    []ForgeCollaborator
	Truncated bool // more than the collection cap
	Access    ForgeAccess
}

// Kind implements Fact.
func (ForgeCollaborators) Kind() Kind { return KindForgeCollaborators }

// ForgeOrganization is the owning organisation or group.
type ForgeOrganization struct {
	Name                  string
	Type                  string // "organization", "group", "user"
	TwoFactorRequired     *bool  // nil when the token may not see it
	TwoFactorGraceHours   int    // GitLab grace period
	TwoFactorRequiredBy   string // the group that enforces it (GitLab parent groups)
	WithoutTwoFactor      []string
	WithoutTwoFactorKnown bool // the member list was readable
	DefaultPermission     string
	Access                ForgeAccess
	MembersAccess         ForgeAccess
}

// Kind implements Fact.
func (ForgeOrganization) Kind() Kind { return KindForgeOrganization }

// ForgeWorkflowToken is the default permission of the CI token.
type ForgeWorkflowToken struct {
	DefaultPermission      string // "read" or "write"
	CanApprovePullRequests bool
	Access                 ForgeAccess
}

// Kind implements Fact.
func (ForgeWorkflowToken) Kind() Kind { return KindForgeWorkflowToken }

// ForgeActionsPolicy says which CI actions may run.
type ForgeActionsPolicy struct {
	Enabled        bool
	AllowedActions string // "all", "local_only", "selected"
	SHAPinning     bool   // the forge requires actions pinned to a full commit
	Access         ForgeAccess
}

// Kind implements Fact.
func (ForgeActionsPolicy) Kind() Kind { return KindForgeActionsPolicy }

// ForgeRunner is one CI runner available to the repository.
type ForgeRunner struct {
	Name       string
	OS         string
	Status     string
	Labels     []string
	SelfHosted bool
	Shared     bool // GitLab instance or group runner
}

// ForgeRunners lists the CI runners.
type ForgeRunners struct {
	Runners []ForgeRunner
	Access  ForgeAccess
}

// Kind implements Fact.
func (ForgeRunners) Kind() Kind { return KindForgeRunners }

// ForgeEnvironment is one deployment environment and its protection.
type ForgeEnvironment struct {
	Name              string
	RequiredReviewers int
	WaitMinutes       int
	BranchPolicy      string // "protected branches", "custom", "" none
	AdminsBypass      bool
	Protected         bool // any protection rule at all
}

// ForgeEnvironments lists deployment environments.
type ForgeEnvironments struct {
	Environments []ForgeEnvironment
	Access       ForgeAccess
}

// Kind implements Fact.
func (ForgeEnvironments) Kind() Kind { return KindForgeEnvironments }

// ForgeSecret is a CI secret or variable. Its value is never collected.
type ForgeSecret struct {
	Name      string
	Scope     string // "repository", "environment:prod", "*"
	UpdatedAt time.Time
	Masked    bool // GitLab
	Protected bool // GitLab: only on protected branches and tags
	Hidden    bool // GitLab
	File      bool // GitLab file-type variable
}

// ForgeSecrets lists CI secrets by name.
type ForgeSecrets struct {
	Secrets    []ForgeSecret
	Truncated  bool
	OIDCCustom bool // GitHub: the OIDC subject claim is customised
	Access     ForgeAccess
}

// Kind implements Fact.
func (ForgeSecrets) Kind() Kind { return KindForgeSecrets }

// Forge security features.
const (
	FeaturePrivateReporting   = "private-vulnerability-reporting"
	FeatureSecretScanning     = "secret-scanning"
	FeaturePushProtection     = "secret-push-protection"
	FeatureDependencyAlerts   = "dependency-alerts"
	FeatureSecurityUpdates    = "dependency-security-updates"
	FeatureCodeScanning       = "code-scanning"
	FeatureDependencyScanning = "dependency-scanning"
)

// ForgeSecurityFeature is one security setting and whether it is on.
type ForgeSecurityFeature struct {
	Feature string // one of the Feature constants
	Enabled bool
	Detail  string // "enabled", "disabled", "3 dependencies scanned"
	Access  ForgeAccess
}

// Kind implements Fact.
func (ForgeSecurityFeature) Kind() Kind { return KindForgeSecurityFeature }

// ForgeAlert is one open security alert.
type ForgeAlert struct {
	ID        string
	Severity  string // "critical", "high", "medium", "low", ...
	Title     string // package, rule or vulnerability name
	CreatedAt time.Time
	URL       string
}

// Alert sources.
const (
	AlertsDependabot      = "dependabot"
	AlertsCodeScanning    = "code-scanning"
	AlertsSecretScanning  = "secret-scanning"
	AlertsVulnerabilities = "vulnerabilities" // GitLab vulnerability report
)

// ForgeAlerts are the open alerts of one source.
type ForgeAlerts struct {
	Source    string
	Open      []ForgeAlert
	Truncated bool
	// TargetDays is the declared time to address an alert, by severity,
	// copied from assay.yaml (remediation_targets) or its defaults.
	TargetDays map[string]int
	Access     ForgeAccess
}

// Kind implements Fact.
func (ForgeAlerts) Kind() Kind { return KindForgeAlerts }

// ForgeAdvisory is one repository security advisory.
type ForgeAdvisory struct {
	ID          string // GHSA id
	CVE         string
	Severity    string
	State       string // "published", "draft", "triage", "closed"
	Summary     string
	PublishedAt time.Time
	URL         string
}

// ForgeAdvisories lists repository security advisories.
type ForgeAdvisories struct {
	Advisories []ForgeAdvisory
	Access     ForgeAccess
}

// Kind implements Fact.
func (ForgeAdvisories) Kind() Kind { return KindForgeAdvisories }

// ForgeAsset is one file attached to a release.
type ForgeAsset struct {
	Name   string
	Size   int64
	Digest string // "sha256:<hex>" when the forge reports it
	URL    string
}

// ForgeRelease is one release.
type ForgeRelease struct {
	Tag         string
	Name        string
	PublishedAt time.Time
	Draft       bool
	Prerelease  bool
	Immutable   bool
	Assets      []ForgeAsset
	URL         string
}

// ForgeReleases lists the newest releases.
type ForgeReleases struct {
	Releases  []ForgeRelease
	Truncated bool
	Access    ForgeAccess
}

// Kind implements Fact.
func (ForgeReleases) Kind() Kind { return KindForgeReleases }
