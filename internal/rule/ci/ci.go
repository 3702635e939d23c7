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
	"slices"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

//go:embed rules.yaml
var metaYAML []byte

var (
	needPipelines = []evidence.Kind{evidence.KindCIPipeline}
	needBuildEnv  = []evidence.Kind{evidence.KindCIPipeline, evidence.KindDockerfile, evidence.KindReleaseTool}
)

// Rules returns the area's rules.
func Rules() ([]rule.Rule, error) {
	b := rule.NewBuilder(metaYAML)
	rs := []rule.Rule{
		b.Rule("testsRunOnChanges", []evidence.Kind{evidence.KindCIPipeline, evidence.KindCIScan}, testsRunOnChanges),
		b.Rule("testsRunOnPullRequests", []evidence.Kind{evidence.KindCIPipeline, evidence.KindCIScan}, testsRunOnPullRequests),
		b.Rule("staticAnalysisRuns", []evidence.Kind{evidence.KindCIPipeline, evidence.KindToolConfig}, staticAnalysisRuns),
		b.Rule("fuzzingExists", []evidence.Kind{evidence.KindCIPipeline, evidence.KindFuzzHarness}, fuzzingExists),
		b.Rule("dependencyReviewOnChanges", needPipelines, dependencyReviewOnChanges),
		b.Rule("scaScanScheduled", needPipelines, scaScanScheduled),
		b.Rule("releaseJobDependsOnTests", needPipelines, releaseJobDependsOnTests),
		b.Rule("releaseSignsArtifacts", needBuildEnv, releaseSignsArtifacts),
		b.Rule("releaseProducesSBOM", needBuildEnv, releaseProducesSBOM),
		b.Rule("workflowPermissionsLeastPrivilege", needPipelines, workflowPermissionsLeastPrivilege),
		b.Rule("ciActionsPinned", needPipelines, ciActionsPinned),
		b.Rule("containerImagesPinned", []evidence.Kind{evidence.KindCIPipeline, evidence.KindDockerfile}, containerImagesPinned),
		b.Rule("downloadsVerified", []evidence.Kind{evidence.KindCIPipeline, evidence.KindDockerfile}, downloadsVerified),
		b.Rule("noUntrustedCheckoutInPrivilegedTrigger", needPipelines, noUntrustedCheckout),
		b.Rule("noScriptInjection", needPipelines, noScriptInjection),
		b.Rule("selfHostedRunnersNotExposed", needPipelines, selfHostedRunnersNotExposed),
		b.Rule("secretsNotEchoed", needPipelines, secretsNotEchoed),
		b.Rule("cloudCredentialsUseOIDC", needPipelines, cloudCredentialsUseOIDC),
		b.Rule("codeownersCoverBuild", []evidence.Kind{evidence.KindCIPipeline, evidence.KindCodeOwners, evidence.KindDockerfile}, codeownersCoverBuild),
		b.Rule("updateAutomationCoversEcosystems", []evidence.Kind{evidence.KindUpdateConfig, evidence.KindManifest, evidence.KindCIPipeline, evidence.KindDockerfile, evidence.KindPreCommit, evidence.KindScope}, updateAutomationCoversEcosystems),
	}
	return rs, b.Err()
}

func loc(p string, line int) evidence.Location { return evidence.Location{Path: p, Line: line} }

// noCI is the finding for a tree with no CI definitions at all.
func noCI(id string, o rule.Outcome) rule.Finding {
	return rule.New(id, o, evidence.Location{}, "no CI definitions found (.github/workflows/*.yml, .gitlab-ci.yml)")
}

// ---- triggers ----

// side is what a pipeline or job runs for.
type side struct{ pr, main, schedule, tag bool }

var defaultBranches = []string{"main", "master", "trunk", "develop", "default"}

func branchesIncludeDefault(bs []string) bool {
	if len(bs) == 0 {
		return true
	}
	for _, b := range bs {
		if b == "**" || b == "*" || slices.Contains(defaultBranches, b) || strings.Contains(b, "${{") {
			return true
		}
	}
	return false
}

// ghSides reads a workflow's triggers. pull_request_target is not counted
// as testing pull requests: it runs the base branch's workflow.
func ghSides(pl evidence.CIPipeline) (side, map[string]int) {
	var s side
	lines := map[string]int{}
	for _, t := range pl.Triggers {
		switch t.Event {
		case "pull_request", "merge_group":
			if t.Event == "pull_request" {
				s.pr = true
				lines["pr"] = t.Line
			} else {
				s.main = true
				lines["main"] = t.Line
			}
		case "push":
			if len(t.Tags) > 0 && len(t.Branches) == 0 {
				s.tag = true
				continue
			}
			if branchesIncludeDefault(t.Branches) {
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

// testHits finds where tests run on pull or merge requests and on the
// default branch. done is false with a finding when there is nothing to
// search (no CI, or only broken CI files).
func testHits(ev *evidence.Set, id string) (prHit, mainHit *hit, run []evidence.CIPipeline, stop []rule.Finding) {
	ix := newIndex(ev)
	run = ix.runnable()
	scan, _ := evidence.First[evidence.CIScan](ev)
	if len(run) == 0 {
		if scan.Fact.Broken > 0 {
			return nil, nil, nil, []rule.Finding{rule.New(id, rule.Error, evidence.Location{}, "%d CI definition files could not be parsed; see the parse problems", scan.Fact.Broken)}
		}
		return nil, nil, nil, []rule.Finding{noCI(id, rule.False)}
	}
	for _, pl := range run {
		if pl.System == evidence.CIGitLab {
			for _, j := range pl.Jobs {
				if j.Hidden {
					continue
				}
				h, ok := ix.jobDoes(tests, pl, j)
				if !ok {
					continue
				}
				s := glSide(pl, j)
				if s.pr && prHit == nil {
					prHit = &h
				}
				if s.main && mainHit == nil {
					mainHit = &h
				}
			}
			continue
		}
		s, _ := ghSides(pl)
		if !s.pr && !s.main {
			continue
		}
		h, ok := ix.pipelineDoes(tests, pl)
		if !ok {
			continue
		}
		if s.pr && prHit == nil {
			prHit = &h
		}
		if s.main && mainHit == nil {
			mainHit = &h
		}
	}
	return prHit, mainHit, run, nil
}

func testsRunOnPullRequests(ev *evidence.Set) []rule.Finding {
	const id = "testsRunOnPullRequests"
	prHit, _, run, stop := testHits(ev, id)
	if stop != nil {
		return stop
	}
	if prHit != nil {
		return []rule.Finding{rule.New(id, rule.True, prHit.loc(), "tests run on pull/merge requests: %s", prHit.what)}
	}
	return []rule.Finding{rule.New(id, rule.False, loc(run[0].Path, 0), "none of %d CI definitions runs a recognised test command on pull or merge requests", len(run))}
}

func testsRunOnChanges(ev *evidence.Set) []rule.Finding {
	const id = "testsRunOnChanges"
	prHit, mainHit, run, stop := testHits(ev, id)
	if stop != nil {
		return stop
	}
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
		return []rule.Finding{rule.New(id, rule.False, prHit.loc(), "tests run on pull requests (%s) but not on pushes to the default branch, a merge queue or a schedule", prHit.what)}
	case mainHit != nil:
		return []rule.Finding{rule.New(id, rule.False, mainHit.loc(), "tests run on the default branch (%s) but not on pull or merge requests", mainHit.what)}
	}
	return []rule.Finding{rule.New(id, rule.False, loc(run[0].Path, 0), "%d CI definitions found, but none runs a recognised test command on pull requests or the default branch", len(run))}
}

// ---- static analysis, fuzzing, SCA ----

func staticAnalysisRuns(ev *evidence.Set) []rule.Finding {
	const id = "staticAnalysisRuns"
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
		return []rule.Finding{noCI(id, rule.False)}
	}
	return []rule.Finding{rule.New(id, rule.False, evidence.Location{}, "no static analysis (CodeQL, Semgrep, gosec, Bandit, Brakeman, SonarQube, GitLab SAST) found in %d CI definitions", len(run))}
}

func fuzzingExists(ev *evidence.Set) []rule.Finding {
	const id = "fuzzingExists"
	for _, it := range evidence.Facts[evidence.FuzzHarness](ev) {
		h := it.Fact
		return []rule.Finding{rule.New(id, rule.True, loc(h.Path, h.Line), "%s fuzz target: %s", h.Engine, h.Detail)}
	}
	ix := newIndex(ev)
	for _, pl := range ix.runnable() {
		if h, ok := ix.pipelineDoes(fuzzCI, pl); ok {
			return []rule.Finding{rule.New(id, rule.True, h.loc(), "CI runs fuzzing: %s", h.what)}
		}
	}
	return []rule.Finding{rule.New(id, rule.False, evidence.Location{}, "no fuzz targets in the tree and no fuzzing job in CI")}
}

func dependencyReviewOnChanges(ev *evidence.Set) []rule.Finding {
	const id = "dependencyReviewOnChanges"
	ix := newIndex(ev)
	run := ix.runnable()
	if len(run) == 0 {
		return []rule.Finding{noCI(id, rule.False)}
	}
	for _, pl := range run {
		if pl.System == evidence.CIGitLab {
			for _, inc := range pl.Includes {
				if t := strings.ToLower(inc.Target); strings.Contains(t, "dependency-scanning") || strings.Contains(t, "dependency_scanning") {
					return []rule.Finding{rule.New(id, rule.True, loc(pl.Path, inc.Line), "GitLab %s %s scans dependencies in merge request pipelines", inc.Kind, inc.Target)}
				}
			}
			for _, j := range pl.Jobs {
				if j.Hidden || !glSide(pl, j).pr {
					continue
				}
				if h, ok := ix.jobDoes(sca, pl, j); ok {
					return []rule.Finding{rule.New(id, rule.True, h.loc(), "dependencies are scanned on merge requests: %s", h.what)}
				}
			}
			continue
		}
		s, _ := ghSides(pl)
		prTarget := slices.ContainsFunc(pl.Triggers, func(t evidence.CITrigger) bool { return t.Event == "pull_request_target" })
		if !s.pr && !prTarget {
			continue
		}
		if h, ok := ix.pipelineDoes(sca, pl); ok {
			return []rule.Finding{rule.New(id, rule.True, h.loc(), "dependencies are checked on pull requests: %s", h.what)}
		}
	}
	return []rule.Finding{rule.New(id, rule.False, evidence.Location{}, "no dependency review or vulnerability scan runs on pull or merge requests")}
}

func scaScanScheduled(ev *evidence.Set) []rule.Finding {
	const id = "scaScanScheduled"
	ix := newIndex(ev)
	run := ix.runnable()
	if len(run) == 0 {
		return []rule.Finding{noCI(id, rule.False)}
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
