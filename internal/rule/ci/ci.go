// Package ci holds the rules about CI pipelines and the build environment:
// what runs on changes and before release, how the CI token and cloud
// credentials are scoped, what the build pulls in and whether it is pinned,
// the dangerous GitHub Actions patterns, ownership of build files, and
// dependency-update automation. Rules read the system-neutral CI evidence,
// so GitHub Actions and GitLab CI answer the same questions.
package ci

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
	"github.com/assaysec/assay/internal/textsafe"
)

//go:embed rules.yaml
var metaYAML []byte

var (
	needPipelines = []evidence.Kind{evidence.KindCIPipeline, evidence.KindCIScan}
	needBuildEnv  = []evidence.Kind{evidence.KindCIPipeline, evidence.KindCIScan, evidence.KindDockerfile, evidence.KindReleaseTool}
)

// Rule ids of the area, each spelled once, here: Rules registers them, the
// rules put them on their findings and the tests name them. rules.yaml holds
// the same ids as data; rule.Builder checks that the two agree.
const (
	CiActionsPinned                        = "ciActionsPinned"
	CiActionsAllPinned                     = "ciActionsAllPinned"
	CloudCredentialsUseOIDC                = "cloudCredentialsUseOIDC"
	CodeownersCoverBuild                   = "codeownersCoverBuild"
	ContainerImagesPinned                  = "containerImagesPinned"
	CoverageGateEnforced                   = "coverageGateEnforced"
	DependencyReviewOnChanges              = "dependencyReviewOnChanges"
	DownloadsVerified                      = "downloadsVerified"
	FuzzingExists                          = "fuzzingExists"
	NoBinaryArtefacts                      = "noBinaryArtefacts"
	NoScriptInjection                      = "noScriptInjection"
	NoUntrustedCheckoutInPrivilegedTrigger = "noUntrustedCheckoutInPrivilegedTrigger"
	PackageInstallsPinned                  = "packageInstallsPinned"
	PublishCredentialsFromSecretStore      = "publishCredentialsFromSecretStore"
	PublishUsesOIDC                        = "publishUsesOIDC"
	ReleaseJobDependsOnTests               = "releaseJobDependsOnTests"
	ReleaseProducesSBOM                    = "releaseProducesSBOM"
	ReleasePublishedFromCI                 = "releasePublishedFromCI"
	ReleaseSignsArtifacts                  = "releaseSignsArtifacts"
	ScaScanScheduled                       = "scaScanScheduled"
	SecretsNotEchoed                       = "secretsNotEchoed"
	SelfHostedRunnersNotExposed            = "selfHostedRunnersNotExposed"
	StaticAnalysisRuns                     = "staticAnalysisRuns"
	TestsRunOnChanges                      = "testsRunOnChanges"
	TestsRunOnDefaultBranch                = "testsRunOnDefaultBranch"
	TestsRunOnPullRequests                 = "testsRunOnPullRequests"
	UpdateAutomationCoversEcosystems       = "updateAutomationCoversEcosystems"
	WorkflowPermissionsLeastPrivilege      = "workflowPermissionsLeastPrivilege"
)

// Rules returns the area's rules.
func Rules() ([]rule.Rule, error) {
	b := rule.NewBuilder(metaYAML)
	rs := []rule.Rule{
		b.Rule(TestsRunOnChanges, []evidence.Kind{evidence.KindCIPipeline, evidence.KindCIScan}, testsRunOnChanges),
		b.Rule(TestsRunOnPullRequests, []evidence.Kind{evidence.KindCIPipeline, evidence.KindCIScan}, testsRunOnPullRequests),
		b.Rule(TestsRunOnDefaultBranch, []evidence.Kind{evidence.KindCIPipeline, evidence.KindCIScan}, testsRunOnDefaultBranch),
		b.Rule(StaticAnalysisRuns, []evidence.Kind{evidence.KindCIPipeline, evidence.KindCIScan, evidence.KindToolConfig}, staticAnalysisRuns),
		b.Rule(FuzzingExists, []evidence.Kind{evidence.KindCIPipeline, evidence.KindFuzzHarness}, fuzzingExists),
		b.Rule(CoverageGateEnforced, needPipelines, coverageGateEnforced),
		b.Rule(DependencyReviewOnChanges, needPipelines, dependencyReviewOnChanges),
		b.Rule(ScaScanScheduled, needPipelines, scaScanScheduled),
		b.Rule(ReleaseJobDependsOnTests, needPipelines, releaseJobDependsOnTests).Reading(evidence.KindPackaging),
		b.Rule(ReleaseSignsArtifacts, needSigning, releaseSignsArtifacts).Reading(evidence.KindCIScan),
		b.Rule(ReleaseProducesSBOM, needBuildEnv, releaseProducesSBOM).Reading(evidence.KindPackaging),
		b.Rule(WorkflowPermissionsLeastPrivilege, needPipelines, workflowPermissionsLeastPrivilege),
		b.Rule(CiActionsPinned, needPipelines, ciActionsPinned),
		b.Rule(CiActionsAllPinned, needPipelines, ciActionsAllPinned),
		b.Rule(ContainerImagesPinned, []evidence.Kind{evidence.KindCIPipeline, evidence.KindDockerfile, evidence.KindBuildImage}, containerImagesPinned),
		b.Rule(DownloadsVerified, []evidence.Kind{evidence.KindCIPipeline, evidence.KindDockerfile}, downloadsVerified),
		b.Rule(PackageInstallsPinned, []evidence.Kind{evidence.KindCIPipeline, evidence.KindDockerfile, evidence.KindManifest}, packageInstallsPinned),
		b.Rule(NoBinaryArtefacts, []evidence.Kind{evidence.KindBinary, evidence.KindBinaryScan, evidence.KindScope}, noBinaryArtefacts),
		b.Rule(NoUntrustedCheckoutInPrivilegedTrigger, needPipelines, noUntrustedCheckout),
		b.Rule(NoScriptInjection, needPipelines, noScriptInjection),
		b.Rule(SelfHostedRunnersNotExposed, needPipelines, selfHostedRunnersNotExposed),
		b.Rule(SecretsNotEchoed, needPipelines, secretsNotEchoed),
		b.Rule(CloudCredentialsUseOIDC, needPipelines, cloudCredentialsUseOIDC),
		b.Rule(CodeownersCoverBuild, []evidence.Kind{evidence.KindCIPipeline, evidence.KindCIScan, evidence.KindCodeOwners, evidence.KindDockerfile}, codeownersCoverBuild),
		b.Rule(UpdateAutomationCoversEcosystems, []evidence.Kind{evidence.KindUpdateConfig, evidence.KindManifest, evidence.KindCIPipeline, evidence.KindDockerfile, evidence.KindPreCommit, evidence.KindScope}, updateAutomationCoversEcosystems),
	}
	rs = append(rs, publishRules(b)...)
	return rs, b.Err()
}

func loc(p string, line int) evidence.Location { return evidence.Location{Path: p, Line: line} }

// noCI is the finding for a tree with no CI definitions at all.
// noCI answers a rule that found no runnable pipeline. Only when the tree
// truly has no CI definition is the answer o (with noCIText and suffix);
// CI in a system Assay does not parse is not_available, and CI files that
// could not be parsed are an error pointing at the parse problems, so a
// broken or unread pipeline is never reported as "no CI".
func noCI(ev *evidence.Set, id string, o rule.Outcome, neg rule.Negative, suffix string) rule.Finding {
	scanItem, _ := evidence.First[evidence.CIScan](ev)
	scan := scanItem.Fact
	if un := unparsed(scan); len(un) > 0 {
		return rule.New(id, rule.NotAvailable, loc(un[0].Path, 0), "CI is defined in %s, which Assay does not parse; it was not read", unparsedText(un))
	}
	if scan.Broken > 0 {
		return rule.New(id, rule.Error, evidence.Location{}, "%s could not be parsed; see the parse problems", textsafe.Count(scan.Broken, "CI definition file"))
	}
	f := rule.New(id, o, evidence.Location{}, "%s%s", noCIText, suffix)
	if o == rule.False {
		f.Negative = neg
	}
	return f
}

const noCIText = "no CI definitions of any kind found (looked for GitHub Actions, GitLab CI, Travis CI, CircleCI, Azure Pipelines, Jenkins, AppVeyor, Buildkite, Bitbucket Pipelines, Cirrus CI, Drone, Woodpecker and Google Cloud Build files)"

var systemNames = map[string]string{
	evidence.CIGitHubActions: "GitHub Actions", evidence.CIGitLab: "GitLab CI", evidence.CITravis: "Travis CI",
	evidence.CICircleCI: "CircleCI", evidence.CIAzure: "Azure Pipelines", evidence.CIJenkins: "Jenkins",
	evidence.CIAppVeyor: "AppVeyor", evidence.CIBuildkite: "Buildkite", evidence.CIBitbucket: "Bitbucket Pipelines",
	evidence.CICirrus: "Cirrus CI", evidence.CIDrone: "Drone", evidence.CIWoodpecker: "Woodpecker", evidence.CICloudBuild: "Google Cloud Build",
}

// systemsFound names the CI systems of the tree and one file of each:
// "GitHub Actions (.github/workflows/ci.yml, 3 files), Jenkins (Jenkinsfile)".
func systemsFound(scan evidence.CIScan) string {
	type sys struct {
		first string
		n     int
	}
	by := map[string]*sys{}
	var order []string
	for _, f := range scan.Files {
		if f.System == evidence.CIGitHubComposite {
			continue
		}
		if by[f.System] == nil {
			by[f.System] = &sys{first: f.Path}
			order = append(order, f.System)
		}
		by[f.System].n++
	}
	var parts []string
	for _, k := range order {
		name := systemName(k)
		if by[k].n > 1 {
			parts = append(parts, fmt.Sprintf("%s (%s and %d more)", name, by[k].first, by[k].n-1))
		} else {
			parts = append(parts, fmt.Sprintf("%s (%s)", name, by[k].first))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// ciFound names the CI systems of the assessment, for not_applicable
// answers of rules about one system.
func ciFound(ev *evidence.Set) string {
	scan, _ := evidence.First[evidence.CIScan](ev)
	return systemsFound(scan.Fact)
}

// unparsed returns the CI files of systems Assay detects but does not read.
func unparsed(scan evidence.CIScan) []evidence.CIFile {
	var out []evidence.CIFile
	for _, f := range scan.Files {
		if !f.Parsed && !f.Broken {
			out = append(out, f)
		}
	}
	return out
}

func unparsedText(fs []evidence.CIFile) string {
	var parts []string
	for i, f := range fs {
		if i == 4 {
			parts = append(parts, fmt.Sprintf("and %d more", len(fs)-4))
			break
		}
		name := systemName(f.System)
		parts = append(parts, fmt.Sprintf("%s (%s)", f.Path, name))
	}
	return strings.Join(parts, ", ")
}

// ---- triggers ----

// side is what a pipeline or job runs for.
type side struct{ pr, main, schedule, tag bool }

var defaultBranches = []string{"main", "master", "trunk", "develop", "default"}

// defaultCandidates are the names the default branch may have: the one
// origin/HEAD records; HEAD's branch and the usual names; or the usual
// names alone.
func defaultCandidates(scan evidence.CIScan) []string {
	switch {
	case scan.DefaultBranch != "" && scan.DefaultBranchFrom == "origin/HEAD":
		return []string{scan.DefaultBranch}
	case scan.DefaultBranch != "":
		return append([]string{scan.DefaultBranch}, defaultBranches...)
	}
	return defaultBranches
}

// filterAdmits reports whether a branch filter (GitHub globs with !
// negations, or Travis /regex/ patterns) and an ignore filter let one of
// the candidate names through. An empty filter admits every branch.
func filterAdmits(bs, ignore, cands []string) bool {
	for _, c := range cands {
		ok := len(bs) == 0
		for _, b := range bs {
			neg := strings.HasPrefix(b, "!")
			if strings.Contains(b, "${{") || branchMatch(strings.TrimPrefix(b, "!"), c) {
				ok = !neg
			}
		}
		for _, g := range ignore {
			if branchMatch(g, c) {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// branchMatch matches a branch name against a filter pattern: GitHub's
// glob (* within a segment, ** across, ?, +, [...]) or a /regex/.
func branchMatch(pattern, name string) bool {
	if len(pattern) > 2 && len(pattern) < 256 && strings.HasPrefix(pattern, "/") && strings.HasSuffix(pattern, "/") {
		re, err := regexp.Compile(pattern[1 : len(pattern)-1])
		return err == nil && re.MatchString(name)
	}
	if !strings.ContainsAny(pattern, "*?+[") {
		return pattern == name
	}
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(pattern) && i < 256; i++ {
		switch c := pattern[i]; c {
		case '*':
			if i+1 < len(pattern) && pattern[i+1] == '*' {
				b.WriteString(".*")
				i++
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString(".")
		case '+':
			b.WriteString("+")
		case '[':
			j := strings.IndexByte(pattern[i:], ']')
			if j < 0 {
				b.WriteString(`\[`)
				continue
			}
			b.WriteString(pattern[i : i+j+1])
			i += j
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	return err == nil && re.MatchString(name)
}

// ghSides reads a workflow's triggers. pull_request_target is not counted
// as testing pull requests: it runs the base branch's workflow.
func ghSides(pl evidence.CIPipeline) (side, map[string]int) {
	return triggerSides(pl.Triggers, defaultBranches)
}

// triggerSides reads push, pull_request, merge_group, schedule and release
// triggers against the possible names of the default branch.
func triggerSides(trs []evidence.CITrigger, cands []string) (side, map[string]int) {
	var s side
	lines := map[string]int{}
	for _, t := range trs {
		switch t.Event {
		case "pull_request":
			if filterAdmits(t.Branches, t.BranchesIgnore, cands) || len(t.Branches) > 0 {
				// A pull request filter names the base branches; any
				// filter still tests the pull requests it admits.
				s.pr = true
				lines["pr"] = t.Line
			}
		case "merge_group":
			s.main = true
			lines["main"] = t.Line
		case "push":
			if len(t.Tags) > 0 && len(t.Branches) == 0 {
				s.tag = true
				continue
			}
			if filterAdmits(t.Branches, t.BranchesIgnore, cands) {
				s.main = true
				lines["main"] = t.Line
			}
		case "schedule":
			s.schedule = true
			lines["schedule"] = t.Line
		case "release":
			s.tag = true
		}
	}
	return s, lines
}

// sidesOf says what a job runs for: GitLab from its conditions, other
// systems from the job's own triggers or else the pipeline's.
func sidesOf(pl evidence.CIPipeline, j evidence.CIJob, cands []string) side {
	if pl.System == evidence.CIGitLab {
		return glSide(pl, j)
	}
	trs := pl.Triggers
	if j.Triggers != nil {
		trs = j.Triggers
	}
	s, _ := triggerSides(trs, cands)
	return s
}

// glSide reads when a GitLab job runs from its only/except/rules and the
// file's workflow:rules. Without conditions GitLab runs a job in every
// branch pipeline, which includes merge request source branches and the
// default branch.
func glSide(pl evidence.CIPipeline, j evidence.CIJob) side {
	conds := j.Conditions
	if len(conds) == 0 {
		return side{pr: true, main: true}
	}
	var s side
	for _, c := range conds {
		lc := strings.ToLower(c)
		if strings.HasPrefix(lc, "except:") || strings.Contains(lc, "when never") {
			continue
		}
		switch {
		case strings.Contains(lc, "merge_request"):
			s.pr = true
		case strings.Contains(lc, "ci_commit_tag") || lc == "only: tags":
			s.tag = true
		case strings.Contains(lc, "schedule"):
			s.schedule = true
		case strings.Contains(lc, "ci_default_branch") || strings.Contains(lc, "only: main") || strings.Contains(lc, "only: master") || strings.Contains(lc, "only: branches") || strings.Contains(lc, "ci_commit_branch"):
			s.main = true
		case lc == "rules: always" || strings.Contains(lc, "when always") || strings.Contains(lc, "when on_success"):
			s.pr, s.main = true, true
		}
	}
	for _, c := range conds {
		if strings.HasPrefix(strings.ToLower(c), "except:") && strings.Contains(c, "tags") {
			s.pr, s.main = true, true
		}
	}
	return s
}

// ---- tests ----

// testSearch is where tests run: decisive hits, and hits in jobs or steps
// marked continue-on-error (supporting only).
type testSearch struct {
	pr, main         *hit
	softPR, softMain *hit
	run              []evidence.CIPipeline
	scan             evidence.CIScan
}

// testHits finds where tests run on pull or merge requests and on the
// default branch (pushes, a merge queue or a schedule). stop is set when
// there is nothing to search.
func testHits(ix *index, id string) (testSearch, []rule.Finding) {
	ev := ix.ev
	var ts testSearch
	ts.run = ix.runnable()
	scanItem, _ := evidence.First[evidence.CIScan](ev)
	ts.scan = scanItem.Fact
	if len(ts.run) == 0 {
		return ts, []rule.Finding{noCI(ev, id, rule.False, rule.Violation, "")}
	}
	cands := defaultCandidates(ts.scan)
	for _, pl := range ts.run {
		for _, j := range pl.Jobs {
			if j.Hidden {
				continue
			}
			s := sidesOf(pl, j, cands)
			if !s.pr && !s.main && !s.schedule {
				continue
			}
			h, ok := ix.jobDoes(tests, pl, j)
			if !ok {
				continue
			}
			pr, main := &ts.pr, &ts.main
			if h.soft {
				pr, main = &ts.softPR, &ts.softMain
			}
			if s.pr && *pr == nil {
				hh := h
				*pr = &hh
			}
			if (s.main || s.schedule) && *main == nil {
				hh := h
				*main = &hh
			}
		}
	}
	return ts, nil
}

// noTests is the answer when no decisive test run was found: a test run
// that may fail silently, a CI system Assay cannot read, or nothing.
func noTests(id string, ts testSearch, soft *hit, what string) rule.Finding {
	if soft != nil {
		return rule.Absent(id, soft.loc(), "tests run %s only in a job or step marked continue-on-error (%s, %s:%d), so a failure does not fail the pipeline", what, soft.what, soft.path, soft.line)
	}
	if un := unparsed(ts.scan); len(un) > 0 {
		return rule.New(id, rule.NotAvailable, loc(un[0].Path, 0), "no recognised test command %s in the CI definitions Assay reads; CI is also defined in %s, which Assay does not parse", what, unparsedText(un))
	}
	return rule.Absent(id, loc(ts.run[0].Path, 0), "%d CI definitions found (%s), but none runs a recognised test command %s", len(ts.run), systemsFound(ts.scan), what)
}

func testsRunOnPullRequests(ev *evidence.Set) []rule.Finding {
	const id = TestsRunOnPullRequests
	ts, stop := testHits(newIndex(ev), id)
	if stop != nil {
		return stop
	}
	if ts.pr != nil {
		return []rule.Finding{rule.New(id, rule.True, ts.pr.loc(), "tests run on pull/merge requests: %s (%s:%d)", ts.pr.what, ts.pr.path, ts.pr.line)}
	}
	return []rule.Finding{noTests(id, ts, ts.softPR, "on pull or merge requests")}
}

// testsRunOnDefaultBranch is the other half of 1.3.2's "on pull requests
// or on the default branch": a project that tests every push (or on a
// schedule) automates its test plan even with no pull-request trigger.
func testsRunOnDefaultBranch(ev *evidence.Set) []rule.Finding {
	const id = TestsRunOnDefaultBranch
	ts, stop := testHits(newIndex(ev), id)
	if stop != nil {
		return stop
	}
	if ts.main != nil {
		return []rule.Finding{rule.New(id, rule.True, ts.main.loc(), "tests run on the default branch: %s (%s:%d)", ts.main.what, ts.main.path, ts.main.line)}
	}
	return []rule.Finding{noTests(id, ts, ts.softMain, "on pushes to the default branch"+branchNote(ts.scan)+", a merge queue or a schedule")}
}

func testsRunOnChanges(ev *evidence.Set) []rule.Finding {
	const id = TestsRunOnChanges
	ts, stop := testHits(newIndex(ev), id)
	if stop != nil {
		return stop
	}
	prHit, mainHit := ts.pr, ts.main
	switch {
	case prHit != nil && mainHit != nil:
		msg := fmt.Sprintf("tests run on pull/merge requests (%s, %s:%d)", prHit.what, prHit.path, prHit.line)
		if *mainHit != *prHit {
			msg += fmt.Sprintf(" and on the default branch (%s, %s:%d)", mainHit.what, mainHit.path, mainHit.line)
		} else {
			msg += " and on the default branch"
		}
		return []rule.Finding{rule.New(id, rule.True, prHit.loc(), "%s", msg)}
	case prHit != nil:
		return []rule.Finding{rule.Absent(id, prHit.loc(), "tests run on pull requests (%s, %s:%d) but no test run was found on pushes to the default branch%s, a merge queue or a schedule", prHit.what, prHit.path, prHit.line, branchNote(ts.scan))}
	case mainHit != nil:
		return []rule.Finding{rule.Absent(id, mainHit.loc(), "tests run on the default branch (%s, %s:%d) but no test run was found on pull or merge requests", mainHit.what, mainHit.path, mainHit.line)}
	}
	soft := ts.softPR
	if soft == nil {
		soft = ts.softMain
	}
	return []rule.Finding{noTests(id, ts, soft, "on pull requests or the default branch")}
}

// branchNote says which name the default branch was taken to have.
func branchNote(scan evidence.CIScan) string {
	if scan.DefaultBranch != "" {
		return fmt.Sprintf(" (%s, from git's %s)", scan.DefaultBranch, scan.DefaultBranchFrom)
	}
	return " (" + strings.Join(defaultBranches, ", ") + ")"
}

// coverageGateEnforced looks for a coverage threshold that CI checks on
// pull requests or the default branch: an expectation of how much the
// suites must cover, which is the measurable part of a test plan.
func coverageGateEnforced(ev *evidence.Set) []rule.Finding {
	const id = CoverageGateEnforced
	ix := newIndex(ev)
	run := ix.runnable()
	if len(run) == 0 {
		return []rule.Finding{noCI(ev, id, rule.False, rule.NoSignal, "")}
	}
	scanItem, _ := evidence.First[evidence.CIScan](ev)
	cands := defaultCandidates(scanItem.Fact)
	var soft *hit
	thresholds := scanItem.Fact.CoverageThresholds
	for _, pl := range run {
		for _, j := range pl.Jobs {
			if j.Hidden {
				continue
			}
			if s := sidesOf(pl, j, cands); !s.pr && !s.main {
				continue
			}
			h, ok := ix.jobDoes(coverageGate, pl, j)
			var cfg *evidence.CoverageThreshold
			if !ok && len(thresholds) > 0 {
				// A report run binds the threshold kept in configuration.
				h, ok = ix.jobDoes(coverageReport, pl, j)
				cfg = &thresholds[0]
			}
			if !ok {
				continue
			}
			if !h.soft {
				if cfg != nil {
					return []rule.Finding{rule.New(id, rule.True, h.loc(), "CI fails the run below a coverage threshold: %s (%s:%d) applies %s's fail_under = %s from %s:%d", h.what, h.path, h.line, cfg.Tool, cfg.Value, cfg.Path, cfg.Line)}
				}
				return []rule.Finding{rule.New(id, rule.True, h.loc(), "CI fails the run below a coverage threshold: %s (%s:%d)", h.what, h.path, h.line)}
			}
			if soft == nil {
				soft = &h
			}
		}
	}
	if soft != nil {
		return []rule.Finding{rule.Absent(id, soft.loc(), "a coverage threshold is checked only in a job or step marked continue-on-error (%s, %s:%d), so falling below it does not fail the pipeline", soft.what, soft.path, soft.line)}
	}
	return []rule.Finding{rule.Absent(id, evidence.Location{}, "no coverage threshold is checked in CI on pull requests or the default branch (coverage report --fail-under, pytest --cov-fail-under, coverage.py's fail_under with a coverage report run, cargo llvm-cov or tarpaulin --fail-under, nyc or c8 --check-coverage, go-test-coverage)")}
}

// ---- static analysis, fuzzing, SCA ----

func staticAnalysisRuns(ev *evidence.Set) []rule.Finding {
	const id = StaticAnalysisRuns
	ix := newIndex(ev)
	run := ix.runnable()
	var out []rule.Finding
	for _, pl := range run {
		if h, ok := ix.pipelineDoes(sast, pl); ok {
			out = append(out, rule.New(id, rule.True, h.loc(), "static analysis runs: %s", h.what))
		}
		for _, inc := range pl.Includes {
			t := strings.ToLower(inc.Target)
			if inc.Kind == "template" && (strings.Contains(t, "sast") || strings.Contains(t, "code-quality")) && !strings.Contains(t, "iac") {
				out = append(out, rule.New(id, rule.True, loc(pl.Path, inc.Line), "GitLab template %s runs SAST", inc.Target))
			}
			if inc.Kind == "component" && strings.Contains(t, "/sast") {
				out = append(out, rule.New(id, rule.True, loc(pl.Path, inc.Line), "GitLab component %s runs SAST", inc.Target))
			}
		}
	}
	var gosec *evidence.ToolConfig
	for _, it := range evidence.Facts[evidence.ToolConfig](ev) {
		if it.Fact.Tool == "golangci-lint" && it.Fact.Security {
			f := it.Fact
			gosec = &f
		}
	}
	if gosec != nil {
		for _, pl := range run {
			if h, ok := ix.pipelineDoes(golangciLint, pl); ok {
				out = append(out, rule.New(id, rule.True, h.loc(), "golangci-lint runs with gosec enabled (%s:%d)", gosec.Path, gosec.Line))
				break
			}
		}
	}
	if len(out) > 0 {
		return out[:1:1]
	}
	if len(run) == 0 {
		return []rule.Finding{noCI(ev, id, rule.False, "", "")}
	}
	return []rule.Finding{rule.New(id, rule.False, evidence.Location{}, "no static analysis (CodeQL, Semgrep, gosec, Bandit, Brakeman, SonarQube, GitLab SAST) found in %d CI definitions", len(run))}
}

func fuzzingExists(ev *evidence.Set) []rule.Finding {
	const id = FuzzingExists
	for _, it := range evidence.Facts[evidence.FuzzHarness](ev) {
		h := it.Fact
		return []rule.Finding{rule.New(id, rule.True, loc(h.Path, h.Line), "%s fuzz target: %s", h.Engine, h.Detail)}
	}
	ix := newIndex(ev)
	// CIFuzz builds the fuzz targets of an OSS-Fuzz project; with no
	// target in the tree they live in the OSS-Fuzz repository, which the
	// checkout does not show.
	for _, pl := range ix.runnable() {
		for _, j := range pl.Jobs {
			for _, s := range j.Steps {
				name := strings.ToLower(evidence.ActionName(s.Uses))
				if !strings.HasPrefix(name, "google/oss-fuzz/infra/cifuzz/actions/") {
					continue
				}
				project := s.With["oss-fuzz-project-name"]
				if project == "" {
					project = "(unnamed)"
				}
				return []rule.Finding{rule.PointsElsewhere(id, loc(pl.Path, s.Line), "CI runs CIFuzz for OSS-Fuzz project %q (%s); its fuzz targets are kept in the OSS-Fuzz repository, outside this one, and were not read", project, s.Uses)}
			}
		}
	}
	for _, pl := range ix.runnable() {
		if h, ok := ix.pipelineDoes(fuzzCI, pl); ok {
			return []rule.Finding{rule.New(id, rule.True, h.loc(), "CI runs fuzzing: %s", h.what)}
		}
	}
	return []rule.Finding{rule.Absent(id, evidence.Location{}, "no fuzz targets in the tree (Go, cargo-fuzz, ClusterFuzzLite, Jazzer, Atheris, libFuzzer) and no fuzzing job in CI")}
}

func dependencyReviewOnChanges(ev *evidence.Set) []rule.Finding {
	const id = DependencyReviewOnChanges
	ix := newIndex(ev)
	run := ix.runnable()
	scanItem, _ := evidence.First[evidence.CIScan](ev)
	scan := scanItem.Fact
	if len(run) == 0 {
		return []rule.Finding{noCI(ev, id, rule.False, rule.NoSignal, ", so no dependency-vetting step runs on changes")}
	}
	cands := defaultCandidates(scan)
	var soft *rule.Finding
	for _, pl := range run {
		if pl.System == evidence.CIGitLab {
			for _, inc := range pl.Includes {
				if t := strings.ToLower(inc.Target); strings.Contains(t, "dependency-scanning") || strings.Contains(t, "dependency_scanning") {
					return []rule.Finding{rule.New(id, rule.True, loc(pl.Path, inc.Line), "GitLab %s %s scans dependencies in merge request pipelines", inc.Kind, inc.Target)}
				}
			}
		}
		prTarget := slices.ContainsFunc(pl.Triggers, func(t evidence.CITrigger) bool { return t.Event == "pull_request_target" })
		for _, j := range pl.Jobs {
			if j.Hidden {
				continue
			}
			s := sidesOf(pl, j, cands)
			if !s.pr && !s.main && !prTarget {
				continue
			}
			h, ok := ix.jobDoes(sca, pl, j)
			if !ok {
				continue
			}
			when := "on pull requests"
			switch {
			case s.pr && s.main:
				when = "on pull requests and pushes"
			case !s.pr && !prTarget:
				when = "on pushes to the default branch"
			}
			if !h.soft && j.ContinueOnError == "" {
				f := rule.New(id, rule.True, h.loc(), "dependencies are vetted %s: %s (%s:%d)", when, h.what, h.path, h.line)
				return []rule.Finding{f}
			}
			if soft == nil {
				coe := j.ContinueOnError
				if coe == "" {
					coe = "true"
				}
				f := rule.New(id, rule.True, h.loc(), "dependencies are vetted %s: %s (%s:%d); the job %s (line %d) is marked continue-on-error (%s), so a failing check may not block the change", when, h.what, h.path, h.line, j.ID, j.Line, coe)
				soft = &f
			}
		}
	}
	if soft != nil {
		return []rule.Finding{*soft}
	}
	if un := unparsed(scan); len(un) > 0 {
		return []rule.Finding{rule.New(id, rule.NotAvailable, loc(un[0].Path, 0), "no dependency-vetting step in the CI definitions Assay reads; CI is also defined in %s, which Assay does not parse", unparsedText(un))}
	}
	return []rule.Finding{rule.Absent(id, evidence.Location{}, "no dependency-vetting step (dependency review, cargo-deny, osv-scanner, npm audit, pip-audit, govulncheck, Trivy, Grype, Snyk, OWASP Dependency-Check, composer audit, bundle audit) runs on pull requests or pushes in %d CI definitions (%s)", len(run), systemsFound(scan))}
}

func scaScanScheduled(ev *evidence.Set) []rule.Finding {
	const id = ScaScanScheduled
	ix := newIndex(ev)
	run := ix.runnable()
	if len(run) == 0 {
		return []rule.Finding{noCI(ev, id, rule.False, "", "")}
	}
	var gitlabUnscheduled *hit
	for _, pl := range run {
		if pl.System == evidence.CIGitLab {
			for _, j := range pl.Jobs {
				if j.Hidden {
					continue
				}
				h, ok := ix.jobDoes(sca, pl, j)
				if !ok {
					continue
				}
				if glSide(pl, j).schedule {
					return []rule.Finding{rule.New(id, rule.True, h.loc(), "a scheduled pipeline job scans dependencies: %s", h.what)}
				}
				if len(j.Conditions) == 0 && gitlabUnscheduled == nil {
					gitlabUnscheduled = &h
				}
			}
			for _, inc := range pl.Includes {
				if t := strings.ToLower(inc.Target); (strings.Contains(t, "dependency-scanning") || strings.Contains(t, "container-scanning")) && gitlabUnscheduled == nil {
					gitlabUnscheduled = &hit{path: pl.Path, line: inc.Line, what: inc.Target}
				}
			}
			continue
		}
		s, lines := ghSides(pl)
		if !s.schedule {
			continue
		}
		if h, ok := ix.pipelineDoes(sca, pl); ok {
			return []rule.Finding{rule.New(id, rule.True, h.loc(), "a scheduled workflow (schedule at line %d) scans dependencies: %s", lines["schedule"], h.what)}
		}
	}
	if gitlabUnscheduled != nil {
		return []rule.Finding{rule.New(id, rule.NotAvailable, gitlabUnscheduled.loc(), "%s runs in every pipeline; whether a pipeline schedule exists is a GitLab setting (needs forge API access)", gitlabUnscheduled.what)}
	}
	return []rule.Finding{rule.New(id, rule.False, evidence.Location{}, "no scheduled job scans dependencies for newly published vulnerabilities")}
}

// systemName is a CI system's display name, or its id when it has none.
func systemName(id string) string {
	if name := systemNames[id]; name != "" {
		return name
	}
	return id
}
