package customrule

import (
	"maps"
	"slices"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
)

// The evidence a custom rule's expression reads. Each type is exposed to CEL
// under customrule.<Type> with the field names in its cel tags; the YAML
// tags are the same, so a rule test's fixture spells fields as the
// expression does. docs/custom-rules.md documents every field.

// File is a regular file of the tree.
type File struct {
	Path string `cel:"path" yaml:"path"`
	Size int64  `cel:"size" yaml:"size"`
}

// Workflow is a CI pipeline definition (GitHub Actions workflow, GitLab
// pipeline, ...).
type Workflow struct {
	Path   string `cel:"path" yaml:"path"`
	Name   string `cel:"name" yaml:"name"`
	System string `cel:"system" yaml:"system"` // github-actions, gitlab-ci, ...
	// Triggers are the events that start it: push, pull_request, schedule...
	Triggers []string `cel:"triggers" yaml:"triggers"`
	// HasPermissions is true when the workflow sets top-level permissions.
	HasPermissions bool `cel:"has_permissions" yaml:"has_permissions"`
	// Permissions are the top-level scopes (contents: read); "all" holds
	// read-all or write-all.
	Permissions map[string]string `cel:"permissions" yaml:"permissions"`
	Jobs        int64             `cel:"jobs" yaml:"jobs"`
}

// Job is one job of a workflow.
type Job struct {
	Workflow       string            `cel:"workflow" yaml:"workflow"`
	ID             string            `cel:"id" yaml:"id"`
	Name           string            `cel:"name" yaml:"name"`
	RunsOn         []string          `cel:"runs_on" yaml:"runs_on"`
	HasPermissions bool              `cel:"has_permissions" yaml:"has_permissions"`
	Permissions    map[string]string `cel:"permissions" yaml:"permissions"`
	Environment    string            `cel:"environment" yaml:"environment"`
	Uses           string            `cel:"uses" yaml:"uses"` // reusable workflow it calls
	Steps          int64             `cel:"steps" yaml:"steps"`
}

// Step is one step of a job.
type Step struct {
	Workflow string `cel:"workflow" yaml:"workflow"`
	Job      string `cel:"job" yaml:"job"`
	Name     string `cel:"name" yaml:"name"`
	Uses     string `cel:"uses" yaml:"uses"`
	Run      string `cel:"run" yaml:"run"`
	Line     int64  `cel:"line" yaml:"line"`
}

// Dependency is a package pinned by a lockfile or declared by a manifest.
type Dependency struct {
	Ecosystem string `cel:"ecosystem" yaml:"ecosystem"`
	Name      string `cel:"name" yaml:"name"`
	Version   string `cel:"version" yaml:"version"`
	Path      string `cel:"path" yaml:"path"`
	Direct    bool   `cel:"direct" yaml:"direct"`
	Lockfile  bool   `cel:"lockfile" yaml:"lockfile"`
}

// History is what the git history walk found, within its window.
type History struct {
	Available   bool    `cel:"available" yaml:"available"`
	Commits     int64   `cel:"commits" yaml:"commits"` // commits in the window
	Signed      int64   `cel:"signed" yaml:"signed"`
	SignedRatio float64 `cel:"signed_ratio" yaml:"signed_ratio"` // signed / commits, 0 when none
	Authors     int64   `cel:"authors" yaml:"authors"`
	Merges      int64   `cel:"merges" yaml:"merges"`
	Tags        int64   `cel:"tags" yaml:"tags"`
	SignedTags  int64   `cel:"signed_tags" yaml:"signed_tags"`
	WindowDays  int64   `cel:"window_days" yaml:"window_days"`
}

// Evidence is every variable an expression can read.
type Evidence struct {
	Files        []File       `yaml:"files"`
	Workflows    []Workflow   `yaml:"workflows"`
	Jobs         []Job        `yaml:"jobs"`
	Steps        []Step       `yaml:"steps"`
	Dependencies []Dependency `yaml:"dependencies"`
	History      History      `yaml:"history"`
}

// Variables names the CEL variables, in documentation order.
var Variables = []string{"files", "workflows", "jobs", "steps", "dependencies", "history"}

// needsOf maps a variable to the evidence kind it is built from, so a rule
// whose evidence could not be gathered answers not_available.
var needsOf = map[string]evidence.Kind{
	"files":        evidence.KindFileList,
	"workflows":    evidence.KindCIPipeline,
	"jobs":         evidence.KindCIPipeline,
	"steps":        evidence.KindCIPipeline,
	"dependencies": evidence.KindDependencyFile,
	"history":      evidence.KindHistory,
}

// FromSet builds the variables from collected evidence.
func FromSet(ev *evidence.Set) Evidence {
	var out Evidence
	if fl, ok := evidence.First[evidence.FileList](ev); ok {
		for _, f := range fl.Fact.Files {
			out.Files = append(out.Files, File{Path: f.Path, Size: f.Size})
		}
	}
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		p := it.Fact
		w := Workflow{Path: p.Path, Name: p.Name, System: p.System, Jobs: int64(len(p.Jobs))}
		for _, t := range p.Triggers {
			if !slices.Contains(w.Triggers, t.Event) {
				w.Triggers = append(w.Triggers, t.Event)
			}
		}
		w.HasPermissions, w.Permissions = perms(p.Permissions)
		out.Workflows = append(out.Workflows, w)
		for _, j := range p.Jobs {
			oj := Job{Workflow: p.Path, ID: j.ID, Name: j.Name, RunsOn: slices.Clone(j.RunsOn), Environment: j.Environment, Uses: j.Uses, Steps: int64(len(j.Steps))}
			oj.HasPermissions, oj.Permissions = perms(j.Permissions)
			out.Jobs = append(out.Jobs, oj)
			for _, s := range j.Steps {
				out.Steps = append(out.Steps, Step{Workflow: p.Path, Job: j.ID, Name: s.Name, Uses: s.Uses, Run: s.Run, Line: int64(s.Line)})
			}
		}
	}
	for _, it := range evidence.Facts[evidence.DependencyFile](ev) {
		f := it.Fact
		if f.OutOfScope != "" {
			continue
		}
		for _, p := range f.Packages {
			out.Dependencies = append(out.Dependencies, Dependency{Ecosystem: p.Ecosystem, Name: p.Name, Version: p.Version, Path: f.Path, Direct: p.Relation == "direct", Lockfile: f.Lockfile})
		}
	}
	if h, ok := evidence.First[evidence.History](ev); ok {
		x := h.Fact
		out.History = History{Available: true, Commits: int64(x.Walked), Signed: int64(x.Signed), Authors: int64(x.Authors), Merges: int64(x.Merges), Tags: int64(x.Tags), SignedTags: int64(x.SignedTags)}
		if x.Walked > 0 {
			out.History.SignedRatio = float64(x.Signed) / float64(x.Walked)
		}
		if now, ok := evidence.First[evidence.Assessment](ev); ok && !x.Since.IsZero() {
			out.History.WindowDays = int64(now.Fact.Now.Sub(x.Since).Hours() / 24)
		}
	}
	return out
}

func perms(p *evidence.CIPermissions) (bool, map[string]string) {
	if p == nil {
		return false, map[string]string{}
	}
	m := maps.Clone(p.Scopes)
	if m == nil {
		m = map[string]string{}
	}
	if p.All != "" {
		m["all"] = strings.TrimSuffix(p.All, "-all")
	}
	return true, m
}
