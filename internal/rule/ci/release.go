package ci

import (
	"fmt"
	"slices"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

// releaseJob is a job that publishes something.
type releaseJob struct {
	pl  evidence.CIPipeline
	job evidence.CIJob
	at  hit
}

// releaseJobs finds the jobs that publish (see publishing.Find): one per
// job, at its first publish step. Only publishing written in the job (or a
// local composite action it uses) counts: a called reusable workflow is
// judged on its own, gated by its callers.
func releaseJobs(ix *index) []releaseJob {
	var out []releaseJob
	seen := map[string]bool{}
	gl, hasGL := ix.gitlab()
	for _, p := range publishes(ix) {
		k := p.Pipeline + "\x00" + p.Job
		if seen[k] {
			continue
		}
		seen[k] = true
		pl, ok := ix.byPath[p.Pipeline]
		if p.System == evidence.CIGitLab && hasGL {
			pl, ok = gl, true
		}
		if !ok {
			continue
		}
		for _, j := range pl.Jobs {
			if j.ID == p.Job && !j.Hidden {
				out = append(out, releaseJob{pl: pl, job: j, at: hit{path: p.Path, line: p.Line, what: p.What}})
				break
			}
		}
	}
	return out
}

func releaseJobDependsOnTests(ev *evidence.Set) []rule.Finding {
	const id = ReleaseJobDependsOnTests
	ix := newIndex(ev)
	rels := releaseJobs(ix)
	if len(rels) == 0 {
		if len(ix.runnable()) == 0 {
			return []rule.Finding{noCI(ev, id, rule.NotApplicable, "", "")}
		}
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no job that publishes a release was recognised in CI")}
	}
	// Tests that run on pull requests or the default branch test the
	// commits a release is later cut from, so an ungated release job is not
	// evidence of an untested update: it only fails to enforce the order.
	ts, _ := testHits(ix, id)
	tested := ts.pr
	if tested == nil {
		tested = ts.main
	}
	var out []rule.Finding
	for _, r := range rels {
		where := r.at.loc()
		ok, why := gated(ix, r)
		switch {
		case ok:
			out = append(out, rule.New(id, rule.True, where, "release job %q (%s) runs after tests: %s", r.job.ID, r.at.what, why))
		case ts.main != nil && tagOnly(r.pl):
			// A tag is cut from a commit of the branch whose pushes run the
			// tests, so the released commit was normally tested; whether it
			// passed is recorded on the forge, not in the repository.
			out = append(out, rule.New(id, rule.NotAvailable, where, "release job %q (%s) does not wait for tests itself (%s), but it runs only for release tags and tests run on pushes to the default branch (%s, %s:%d); whether the tagged commit passed them is recorded on the forge, not in the repository", r.job.ID, r.at.what, why, ts.main.what, ts.main.path, ts.main.line))
		case tested != nil:
			out = append(out, rule.Absent(id, where, "release job %q (%s) does not wait for tests (%s), though tests run on %s (%s, %s:%d); whether each released commit passed them is recorded on the forge, not in the repository: make the release job need the test job to enforce it", r.job.ID, r.at.what, why, testedWhere(ts), tested.what, tested.path, tested.line))
		default:
			out = append(out, rule.Violated(id, where, "release job %q (%s) does not depend on any test job (%s), and no CI job runs tests on pull requests or the default branch", r.job.ID, r.at.what, why))
		}
	}
	return out
}

// earlierStepTests finds tests in an earlier step of the release job when
// either the tests or the publish command live in a script a step runs
// (./Build.ps1, then ./Push.ps1): a failed step stops the job, so the
// publish step never runs on a failing test. Steps read from a script keep
// the line of the workflow step that runs them, which orders them.
func earlierStepTests(r releaseJob) (string, bool) {
	pubLine := 0
	for _, s := range r.job.Steps {
		if s.File != "" && s.File == r.at.path {
			pubLine = s.Line
			break
		}
	}
	if pubLine == 0 {
		// The publish command is written in the workflow itself: its
		// step is the last one starting at or before it.
		for _, s := range r.job.Steps {
			if s.File == "" && s.Line <= r.at.line && s.Line > pubLine {
				pubLine = s.Line
			}
		}
	}
	if pubLine == 0 {
		return "", false
	}
	for _, s := range r.job.Steps {
		if s.Line >= pubLine {
			break
		}
		if s.ContinueOnError != "" && s.ContinueOnError != "false" {
			continue // its failure need not stop the job
		}
		if l, what := tests.matchVars(s, r.job.Env, r.job.Matrix); l > 0 {
			where := fmt.Sprintf("line %d", s.Line)
			if s.File != "" {
				where = fmt.Sprintf("%s:%d, run by the step at line %d", s.File, l, s.Line)
			}
			return fmt.Sprintf("an earlier step of the same job runs %s (%s)", what, where), true
		}
	}
	return "", false
}

// testedWhere names where the decisive test runs were found.
func testedWhere(ts testSearch) string {
	switch {
	case ts.pr != nil && ts.main != nil:
		return "pull requests and the default branch"
	case ts.pr != nil:
		return "pull requests"
	}
	return "the default branch"
}

// tagOnly reports whether a pipeline runs only when a tag is pushed or a
// release is published, never for a branch push or a manual dispatch that
// could release an arbitrary ref.
func tagOnly(pl evidence.CIPipeline) bool {
	if len(pl.Triggers) == 0 {
		return false
	}
	for _, t := range pl.Triggers {
		switch {
		case t.Event == "push" && len(t.Tags) > 0 && len(t.Branches) == 0:
		case t.Event == "release":
		default:
			return false
		}
	}
	return true
}

// gated decides whether a release job waits for tests, and says why.
func gated(ix *index, r releaseJob) (bool, string) {
	// Tests earlier in the same job.
	if h, ok := ix.jobDoes(tests, r.pl, r.job); ok && h.path == r.at.path && h.line < r.at.line {
		return true, fmt.Sprintf("the same job runs %s first (line %d)", h.what, h.line)
	}
	if why, ok := earlierStepTests(r); ok {
		return true, why
	}
	if r.pl.System == evidence.CIGitLab {
		return gitlabGated(ix, r)
	}
	byID := map[string]evidence.CIJob{}
	for _, j := range r.pl.Jobs {
		byID[j.ID] = j
	}
	if j, h, ok := closureTests(ix, r.pl, byID, r.job); ok {
		return true, fmt.Sprintf("needs %q, which runs %s (%s:%d)", j, h.what, h.path, h.line)
	}
	for _, t := range r.pl.Triggers {
		if t.Event == "workflow_run" {
			cond := r.job.If
			if strings.Contains(cond, "conclusion == 'success'") || strings.Contains(cond, `conclusion == "success"`) {
				return true, fmt.Sprintf("triggered by workflow_run and gated on its success (line %d)", t.Line)
			}
			return false, fmt.Sprintf("triggered by workflow_run (line %d) without checking that the triggering run succeeded", t.Line)
		}
	}
	// A reusable workflow is gated by its callers.
	if slices.ContainsFunc(r.pl.Triggers, func(t evidence.CITrigger) bool { return t.Event == "workflow_call" }) {
		for _, caller := range ix.runnable() {
			cb := map[string]evidence.CIJob{}
			for _, j := range caller.Jobs {
				cb[j.ID] = j
			}
			for _, j := range caller.Jobs {
				if sub, ok := ix.local(j.Uses); ok && sub.Path == r.pl.Path {
					if dep, h, ok := closureTests(ix, caller, cb, j); ok {
						return true, fmt.Sprintf("called from %s job %q, which needs %q running %s", caller.Path, j.ID, dep, h.what)
					}
				}
			}
		}
	}
	if len(r.job.Needs) == 0 {
		return false, "it has no needs:"
	}
	return false, fmt.Sprintf("needs %s, none of which runs tests", strings.Join(r.job.Needs, ", "))
}

// closureTests walks a job's needs transitively and returns the first job
// that runs tests.
func closureTests(ix *index, pl evidence.CIPipeline, byID map[string]evidence.CIJob, j evidence.CIJob) (string, hit, bool) {
	seen := map[string]bool{j.ID: true}
	queue := slices.Clone(j.Needs)
	for len(queue) > 0 && len(seen) < 1000 {
		n := queue[0]
		queue = queue[1:]
		if seen[n] {
			continue
		}
		seen[n] = true
		dep, ok := byID[n]
		if !ok {
			continue
		}
		if h, ok := ix.jobDoes(tests, pl, dep); ok {
			return n, h, true
		}
		queue = append(queue, dep.Needs...)
	}
	return "", hit{}, false
}

func gitlabGated(ix *index, r releaseJob) (bool, string) {
	byID := map[string]evidence.CIJob{}
	for _, j := range r.pl.Jobs {
		byID[j.ID] = j
	}
	if r.job.NeedsSet {
		if j, h, ok := closureTests(ix, r.pl, byID, r.job); ok {
			return true, fmt.Sprintf("needs %q, which runs %s (%s:%d)", j, h.what, h.path, h.line)
		}
		if len(r.job.Needs) == 0 {
			return false, "needs: [] starts it without waiting for earlier stages"
		}
		return false, fmt.Sprintf("needs %s, none of which runs tests", strings.Join(r.job.Needs, ", "))
	}
	stages := r.pl.Stages
	if len(stages) == 0 {
		stages = evidence.GitLabDefaultStages
	}
	mine := slices.Index(stages, r.job.Stage)
	for _, j := range r.pl.Jobs {
		if j.Hidden || j.ID == r.job.ID {
			continue
		}
		st := slices.Index(stages, j.Stage)
		if st < 0 || mine < 0 || st >= mine {
			continue
		}
		if len(j.Conditions) > 0 && !glSide(r.pl, j).tag && !sameConditions(j, r.job) {
			continue // does not run in the release pipeline
		}
		if h, ok := ix.jobDoes(tests, r.pl, j); ok {
			return true, fmt.Sprintf("stage %q follows stage %q, where job %q runs %s", r.job.Stage, j.Stage, j.ID, h.what)
		}
	}
	return false, fmt.Sprintf("no test job runs in a stage before %q in the same pipeline", r.job.Stage)
}

func sameConditions(a, b evidence.CIJob) bool { return slices.Equal(a.Conditions, b.Conditions) }

// releaseEvidence checks that the pipelines that release also do what r
// recognises (signing, SBOM), in any job of the same workflow or GitLab
// pipeline, or through a GoReleaser configuration.
func releaseEvidence(ev *evidence.Set, id string, r recogniser, fromTool func(evidence.ReleaseTool) []int, what string) []rule.Finding {
	ix := newIndex(ev)
	rels := releaseJobs(ix)
	if len(rels) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no job that publishes a release was recognised in CI")}
	}
	tools := evidence.Facts[evidence.ReleaseTool](ev)
	var out []rule.Finding
	done := map[string]bool{}
	for _, rj := range rels {
		key := rj.pl.Path
		if done[key] {
			continue
		}
		done[key] = true
		found := false
		for _, j := range rj.pl.Jobs {
			if h, ok := ix.jobDoes(r, rj.pl, j); ok {
				out = append(out, rule.New(id, rule.True, h.loc(), "the release pipeline %s: %s", what, h.what))
				found = true
				break
			}
		}
		if !found && strings.Contains(strings.ToLower(rj.at.what), "goreleaser") {
			for _, t := range tools {
				if ls := fromTool(t.Fact); len(ls) > 0 {
					out = append(out, rule.New(id, rule.True, loc(t.Fact.Path, ls[0]), "the release runs GoReleaser, whose configuration %s", what))
					found = true
					break
				}
			}
		}
		if !found {
			out = append(out, rule.New(id, rule.False, rj.at.loc(), "release job %q publishes (%s) but nothing in %s %s", rj.job.ID, rj.at.what, rj.pl.Path, what))
		}
	}
	return out
}

func releaseProducesSBOM(ev *evidence.Set) []rule.Finding {
	return releaseEvidence(ev, ReleaseProducesSBOM, sbom, func(t evidence.ReleaseTool) []int { return t.SBOMs }, "produces an SBOM")
}
