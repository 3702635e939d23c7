package ci

import (
	"path"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
)

// index holds every pipeline of the assessment, so rules can follow local
// composite actions and local reusable workflows to what they run.
type index struct {
	all    []evidence.Item[evidence.CIPipeline]
	byPath map[string]evidence.CIPipeline
	// ev is kept so the packaging evidence is read only by the rules that
	// ask which registries the product publishes to (and declare it).
	ev *evidence.Set
}

func newIndex(ev *evidence.Set) *index {
	ix := &index{byPath: map[string]evidence.CIPipeline{}, ev: ev}
	ix.all = evidence.Facts[evidence.CIPipeline](ev)
	for _, it := range ix.all {
		ix.byPath[it.Fact.Path] = it.Fact
	}
	return ix
}

// runnable returns the pipelines that run on their own: workflows and
// GitLab files, not composite actions.
func (ix *index) runnable() []evidence.CIPipeline {
	var out []evidence.CIPipeline
	for _, it := range ix.all {
		if it.Fact.System != evidence.CIGitHubComposite {
			out = append(out, it.Fact)
		}
	}
	return out
}

// local resolves a ./path action or reusable workflow reference.
func (ix *index) local(uses string) (evidence.CIPipeline, bool) {
	if !strings.HasPrefix(uses, "./") {
		return evidence.CIPipeline{}, false
	}
	p := path.Clean(strings.TrimPrefix(evidence.ActionName(uses), "./"))
	if pl, ok := ix.byPath[p]; ok {
		return pl, true
	}
	for _, f := range []string{"action.yml", "action.yaml"} {
		if pl, ok := ix.byPath[path.Join(p, f)]; ok {
			return pl, true
		}
	}
	return evidence.CIPipeline{}, false
}

// hit is where a recogniser matched: file and line.
type hit struct {
	path string
	line int
	what string
	// soft: the step or job is marked continue-on-error (allow_failure), so
	// its failure does not fail the pipeline.
	soft bool
}

func (h hit) loc() evidence.Location { return evidence.Location{Path: h.path, Line: h.line} }

// jobDoes reports whether a job (or the local actions and reusable
// workflows it calls, three levels deep) does what r recognises.
func (ix *index) jobDoes(r recogniser, pl evidence.CIPipeline, j evidence.CIJob) (hit, bool) {
	return ix.jobDoesDepth(r, pl, j, 0)
}

func (ix *index) jobDoesDepth(r recogniser, pl evidence.CIPipeline, j evidence.CIJob, depth int) (hit, bool) {
	jobSoft := j.ContinueOnError == "true"
	var soft *hit
	keep := func(h hit) (hit, bool) {
		h.soft = h.soft || jobSoft
		if !h.soft {
			return h, true
		}
		if soft == nil {
			soft = &h
		}
		return hit{}, false
	}
	if l, what, script, s, ok := firstMatchSoft(r, j); ok {
		file := pl.Path
		if j.File != "" {
			file = j.File
		}
		if script != "" {
			file = script
		}
		if h, ok := keep(hit{path: file, line: l, what: what, soft: s}); ok {
			return h, true
		}
	}
	if depth < 3 {
		for _, s := range j.Steps {
			if sub, ok := ix.local(s.Uses); ok {
				for _, sj := range sub.Jobs {
					if h, ok := ix.jobDoesDepth(r, sub, sj, depth+1); ok {
						h.soft = h.soft || s.ContinueOnError == "true"
						if h, ok := keep(h); ok {
							return h, true
						}
					}
				}
			}
		}
		if sub, ok := ix.local(j.Uses); ok {
			for _, sj := range sub.Jobs {
				if h, ok := ix.jobDoesDepth(r, sub, sj, depth+1); ok {
					if h, ok := keep(h); ok {
						return h, true
					}
				}
			}
		}
	}
	if soft != nil {
		return *soft, true
	}
	return hit{}, false
}

// pipelineDoes returns the first job of a pipeline that does what r
// recognises, preferring a job whose failure fails the pipeline.
func (ix *index) pipelineDoes(r recogniser, pl evidence.CIPipeline) (hit, bool) {
	var soft *hit
	for _, j := range pl.Jobs {
		if j.Hidden {
			continue
		}
		if h, ok := ix.jobDoes(r, pl, j); ok {
			if !h.soft {
				return h, true
			}
			if soft == nil {
				soft = &h
			}
		}
	}
	if soft != nil {
		return *soft, true
	}
	return hit{}, false
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// gitlabJobs merges the jobs of every GitLab file (the root and its local
// includes) into one pipeline, as GitLab does, with the root's stages.
func (ix *index) gitlab() (evidence.CIPipeline, bool) {
	var out evidence.CIPipeline
	found := false
	for _, it := range ix.all {
		pl := it.Fact
		if pl.System != evidence.CIGitLab {
			continue
		}
		if !found || pl.Path == ".gitlab-ci.yml" {
			if len(pl.Stages) > 0 {
				out.Stages = pl.Stages
			}
			out.Rules = append(out.Rules, pl.Rules...)
		}
		found = true
		out.System = evidence.CIGitLab
		if out.Path == "" || pl.Path == ".gitlab-ci.yml" {
			out.Path = pl.Path
		}
		out.Includes = append(out.Includes, pl.Includes...)
		out.Jobs = append(out.Jobs, pl.Jobs...)
	}
	return out, found
}
