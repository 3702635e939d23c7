package evidence

import "strings"

// Kinds of CI and build-environment evidence.
const (
	KindCIPipeline   Kind = "ci/pipeline"
	KindDockerfile   Kind = "ci/dockerfile"
	KindBuildImage   Kind = "ci/build-image"
	KindCodeOwners   Kind = "ci/codeowners"
	KindUpdateConfig Kind = "ci/update-config"
	KindPreCommit    Kind = "ci/pre-commit"
	KindFuzzHarness  Kind = "ci/fuzz-harness"
	KindReleaseTool  Kind = "ci/release-tool"
	// KindCIScan marks that the CI collector ran over the tree, so rules can
	// tell "no CI definitions" (observed) from "not examined".
	KindCIScan Kind = "ci/scan"
)

// CI systems a pipeline can belong to.
const (
	CIGitHubActions   = "github-actions"
	CIGitHubComposite = "github-composite-action"
	CIGitLab          = "gitlab-ci"
	CITravis          = "travis-ci"
	CICircleCI        = "circleci"
	CIAzure           = "azure-pipelines"
	CIJenkins         = "jenkins"
	CIAppVeyor        = "appveyor"
	CIBuildkite       = "buildkite"
	CIBitbucket       = "bitbucket-pipelines"
	CICirrus          = "cirrus-ci"
	CIDrone           = "drone"
	CIWoodpecker      = "woodpecker"
	CICloudBuild      = "google-cloud-build"
)

// CIScan records what the CI collector looked at.
type CIScan struct {
	Pipelines int // pipeline definitions parsed (broken ones are parse problems)
	Broken    int // pipeline definitions that could not be parsed
	// Files lists every CI definition file found, parsed or not, so rules
	// can say which CI systems a repository uses.
	Files []CIFile
	// DefaultBranch is the repository's default branch as git records it
	// (origin/HEAD, else HEAD's branch); "" when unknown.
	DefaultBranch string
	// DefaultBranchFrom says where DefaultBranch was read ("origin/HEAD", "HEAD").
	DefaultBranchFrom string
	// CoverageThresholds are coverage minimums kept in configuration
	// rather than on a command line (coverage.py's fail_under), which the
	// tool applies whenever CI runs its report.
	CoverageThresholds []CoverageThreshold
}

// CoverageThreshold is one coverage minimum set in a configuration file.
type CoverageThreshold struct {
	Path  string
	Line  int
	Tool  string // "coverage.py"
	Value string // as written: "100", "97.5"
}

// CIFile is one CI definition file and its system. Parsed is false for a
// system Assay detects but does not read (Jenkinsfile, Buildkite, ...).
type CIFile struct {
	Path   string
	System string
	Parsed bool
	// Broken: the system is one Assay parses, but this file could not be
	// read or parsed (a parse problem names it).
	Broken bool
}

// Kind implements Fact.
func (CIScan) Kind() Kind { return KindCIScan }

// CIPipeline is one CI definition file: a GitHub Actions workflow, a
// composite action, or a GitLab CI file (the root one or a local include).
// It is a system-neutral view so the same rules read both forges.
type CIPipeline struct {
	Path        string
	System      string // CIGitHubActions, CIGitHubComposite, CIGitLab
	Name        string
	Triggers    []CITrigger
	Permissions *CIPermissions // workflow-level; nil when absent
	Jobs        []CIJob
	Includes    []CIInclude // GitLab include: entries
	Stages      []string    // GitLab stages, in order; empty means GitLabDefaultStages
	// Rules is GitLab's workflow:rules conditions, raw.
	Rules []string
}

// CITrigger is one event that starts a workflow.
type CITrigger struct {
	Event    string // "push", "pull_request", "pull_request_target", "schedule", "merge_request_event", ...
	Line     int
	Branches []string // branch filter, when given
	// BranchesIgnore is a branches-ignore (or except) filter.
	BranchesIgnore []string
	Tags           []string // tag filter (push)
	Types          []string // activity types
}

// CIPermissions is a GitHub Actions permissions block.
type CIPermissions struct {
	Line   int
	All    string            // "read-all", "write-all", or "" when scopes are listed
	Scopes map[string]string // scope -> "read" | "write" | "none"; empty map means `permissions: {}`
	Expr   bool              // the block is an expression; its value cannot be known statically
}

// CIJob is one job of a pipeline.
type CIJob struct {
	ID             string
	Name           string
	Line           int
	Needs          []string // jobs this one waits for (GitHub needs:, GitLab needs:)
	NeedsSet       bool     // needs: was written, even if empty (GitLab `needs: []` skips stage ordering)
	Stage          string   // GitLab stage ("test" when omitted)
	If             string   // GitHub job condition
	Conditions     []string // GitLab only/except/rules, raw, for trigger analysis
	Permissions    *CIPermissions
	RunsOn         []string // runner labels (GitHub runs-on, GitLab tags)
	RunsOnExpr     string   // runs-on given as an expression
	Images         []CIImage
	Steps          []CIStep
	Uses           string // reusable workflow this job calls
	UsesLine       int
	SecretsInherit bool
	Environment    string
	Extends        []string // GitLab extends:, unresolved
	// Hidden is a GitLab template job (name starting with "."): never run itself.
	Hidden bool
	// File is the file that defines the job, for GitLab jobs merged from includes.
	File string
	// ContinueOnError is the job's continue-on-error (GitHub) or
	// allow_failure (GitLab): "true", or an expression; "" when the job's
	// failure fails the pipeline.
	ContinueOnError string
	// Matrix holds the values of each matrix variable, for reading
	// commands given through ${{ matrix.x }}.
	Matrix map[string][]string
	// Env holds the pipeline's and the job's environment variables.
	Env map[string]string
	// Triggers, when set, are the events this job runs on, overriding the
	// pipeline's (CircleCI workflow filters, Travis stages).
	Triggers []CITrigger
}

// CIImage is a container image a job runs in or next to.
type CIImage struct {
	Ref  string
	Line int
	Role string // "container", "service", "step", "image"
}

// CIStep is one step: a `uses:` action or a `run:` script. GitLab script
// lines become one step each.
type CIStep struct {
	Line    int
	Name    string
	Uses    string
	Run     string
	RunLine int // line where the script text starts
	With    map[string]string
	Env     map[string]string
	If      string
	Section string // GitLab: script, before_script, after_script
	// File is set when the script text was read from a local script the
	// step runs (bash .ci/test.sh); RunLine is then a line of that file.
	File string
	// ContinueOnError is the step's continue-on-error: "true", an
	// expression, or "".
	ContinueOnError string
}

// SectionDefaultScript marks a step the CI system runs when the file
// writes none (Travis runs `npm test` for node_js); its Name says why.
const SectionDefaultScript = "default script"

// CIInclude is a GitLab include: entry.
type CIInclude struct {
	Kind      string // local, project, remote, template, component
	Target    string // path, project, URL, template name or component address
	Ref       string // project ref, or component version after @
	Line      int
	Integrity string // remote include integrity: value
}

// Kind implements Fact.
func (CIPipeline) Kind() Kind { return KindCIPipeline }

// Dockerfile is a Dockerfile or Containerfile and the lines that matter.
type Dockerfile struct {
	Path string
	From []DockerFrom
	Runs []DockerRun
}

// DockerFrom is one FROM line.
type DockerFrom struct {
	Image string // as written, after the platform flag; ARG references expanded to their defaults
	// Written is the reference as written when Image was expanded from ARG
	// defaults (FROM ${BASE}); "" otherwise.
	Written string
	Line    int
	Stage   string // AS name
}

// DockerRun is one RUN instruction.
type DockerRun struct {
	Command string
	Line    int
}

// Kind implements Fact.
func (Dockerfile) Kind() Kind { return KindDockerfile }

// BuildImage is a base image named in a build tool's configuration other
// than a Dockerfile (ko's defaultBaseImage and baseImageOverrides).
type BuildImage struct {
	Path string
	Line int
	Ref  string
	Tool string // "ko"
}

// Kind implements Fact.
func (BuildImage) Kind() Kind { return KindBuildImage }

// CodeOwners is a CODEOWNERS file.
type CodeOwners struct {
	Path  string
	Rules []CodeOwnerRule
}

// CodeOwnerRule is one pattern line.
type CodeOwnerRule struct {
	Pattern string
	Owners  []string
	Line    int
	Section string // GitLab [Section] the rule is in
}

// Kind implements Fact.
func (CodeOwners) Kind() Kind { return KindCodeOwners }

// UpdateConfig is a dependency-update automation configuration: Dependabot
// or Renovate.
type UpdateConfig struct {
	Path    string
	Tool    string // "dependabot", "renovate"
	Updates []UpdateEntry
	// Renovate only.
	Extends          []string
	EnabledManagers  []string // when set, Renovate runs only these managers
	Disabled         bool     // `enabled: false`
	DisabledManagers []string
	IgnorePaths      []string // Renovate ignorePaths globs: manifests there are not updated
	Line             int
}

// UpdateEntry is one Dependabot `updates:` entry or one Renovate manager
// setting.
type UpdateEntry struct {
	Ecosystem   string // Dependabot package-ecosystem or Renovate manager
	Directories []string
	Schedule    string
	Line        int
	Disabled    bool // open-pull-requests-limit: 0, or a disabled Renovate manager
}

// Kind implements Fact.
func (UpdateConfig) Kind() Kind { return KindUpdateConfig }

// PreCommit is a .pre-commit-config.yaml.
type PreCommit struct {
	Path  string
	Repos []PreCommitRepo
	// AutoUpdate is true when a pre-commit.ci `ci:` block leaves its
	// autoupdate on (the default when the block is present).
	CIBlock    bool
	AutoUpdate bool
}

// PreCommitRepo is one hook repository.
type PreCommitRepo struct {
	Repo string
	Rev  string
	Line int
}

// Kind implements Fact.
func (PreCommit) Kind() Kind { return KindPreCommit }

// FuzzHarness is a file that proves fuzzing exists.
type FuzzHarness struct {
	Path   string
	Line   int
	Engine string // "go-fuzz", "cargo-fuzz", "clusterfuzzlite", "oss-fuzz", "jazzer", "atheris", "libfuzzer"
	Detail string
}

// Kind implements Fact.
func (FuzzHarness) Kind() Kind { return KindFuzzHarness }

// ReleaseTool is a release tool configuration, such as .goreleaser.yml.
type ReleaseTool struct {
	Path  string
	Tool  string // "goreleaser"
	Signs []int  // lines of signs:/docker_signs: entries
	SBOMs []int  // lines of sboms: entries
	// Hooks are before-hook commands (goreleaser before.hooks).
	Hooks []CIStep
}

// Kind implements Fact.
func (ReleaseTool) Kind() Kind { return KindReleaseTool }

// KindToolConfig is a configuration file of a CI tool whose settings decide
// what it checks.
const KindToolConfig Kind = "ci/tool-config"

// ToolConfig is such a file: golangci-lint's, with whether security linters
// are enabled.
type ToolConfig struct {
	Path     string
	Tool     string // "golangci-lint"
	Security bool   // gosec (or every linter) is enabled
	Line     int    // line that enables it
}

// Kind implements Fact.
func (ToolConfig) Kind() Kind { return KindToolConfig }

// GitLabDefaultStages are GitLab's stages when a file declares none: the
// meaning of an empty CIPipeline.Stages.
var GitLabDefaultStages = []string{".pre", "build", "test", "deploy", ".post"}

// ActionName is a uses: value without its @ref ("actions/checkout@v4" is
// "actions/checkout").
func ActionName(uses string) string {
	if i := strings.IndexByte(uses, '@'); i >= 0 {
		return uses[:i]
	}
	return uses
}

// InShellComment reports whether offset i of a shell script lies in a #
// comment: a # at the start of a word before it on the same line.
func InShellComment(script string, i int) bool {
	start := strings.LastIndexByte(script[:i], '\n') + 1
	line := script[start:i]
	for j := 0; j < len(line); j++ {
		if line[j] == '#' && (j == 0 || line[j-1] == ' ' || line[j-1] == '\t') {
			return true
		}
	}
	return false
}
