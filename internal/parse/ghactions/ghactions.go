// Package ghactions reads GitHub Actions workflows and composite actions
// into the system-neutral evidence.CIPipeline, with the line of every
// trigger, job, step, action reference and script. Workflows are parsed by
// actionlint's parser (well kept, position-preserving); composite actions,
// which it only decodes without positions, are read from the YAML node tree.
// Both go through ciyaml's bounds first, so alias bombs and deep nesting are
// refused before any walk.
package ghactions

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/parse/ciyaml"
	"github.com/assaysec/assay/internal/textsafe"
)

// ParseWorkflow parses a workflow file. The error, when not nil, is a
// *ciyaml.Error carrying the line.
func ParseWorkflow(path string, data []byte) (evidence.CIPipeline, error) {
	p := evidence.CIPipeline{Path: path, System: evidence.CIGitHubActions}
	root, err := ciyaml.Decode(data)
	if err != nil {
		return p, err
	}
	if root == nil {
		return p, &ciyaml.Error{Line: 1, Msg: "empty workflow"}
	}
	if root.Kind != yaml.MappingNode {
		return p, &ciyaml.Error{Line: root.Line, Msg: "want a mapping with on: and jobs:"}
	}
	w, errs := actionlint.Parse(data)
	if w == nil || (len(w.Jobs) == 0 && len(w.On) == 0) {
		if len(errs) > 0 {
			return p, &ciyaml.Error{Line: errs[0].Line, Msg: errs[0].Message}
		}
		return p, &ciyaml.Error{Line: 1, Msg: "no on: or jobs: found"}
	}
	lines := bytes.Split(data, []byte("\n"))
	if w.Name != nil {
		p.Name = w.Name.Value
	}
	for _, ev := range w.On {
		p.Triggers = append(p.Triggers, trigger(ev))
	}
	p.Permissions = permissions(w.Permissions)
	ids := make([]string, 0, len(w.Jobs))
	for id := range w.Jobs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	wenv := env(w.Env)
	for _, id := range ids {
		j := job(w.Jobs[id], lines)
		if len(wenv) > 0 {
			merged := maps.Clone(wenv)
			maps.Copy(merged, j.Env)
			j.Env = merged
		}
		p.Jobs = append(p.Jobs, j)
	}
	sort.SliceStable(p.Jobs, func(i, j int) bool { return p.Jobs[i].Line < p.Jobs[j].Line })
	return p, nil
}

func str(s *actionlint.String) string {
	if s == nil {
		return ""
	}
	return s.Value
}

func line(pos *actionlint.Pos) int {
	if pos == nil {
		return 0
	}
	return pos.Line
}

func strs(ss []*actionlint.String) []string {
	var out []string
	for _, s := range ss {
		if s != nil {
			out = append(out, s.Value)
		}
	}
	return out
}

// filter returns a branch or tag filter's patterns. A key written with no
// value (`branches:` alone) is no filter, as GitHub reads it; nil means
// no filter.
func filter(f *actionlint.WebhookEventFilter) []string {
	if f == nil {
		return nil
	}
	var out []string
	for _, v := range strs(f.Values) {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}

func env(e *actionlint.Env) map[string]string {
	if e == nil || len(e.Vars) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, v := range e.Vars {
		if v.Name != nil {
			out[v.Name.Value] = str(v.Value)
		}
	}
	return out
}

func boolOrExpr(b *actionlint.Bool) string {
	switch {
	case b == nil:
		return ""
	case b.Expression != nil:
		return b.Expression.Value
	case b.Value:
		return "true"
	}
	return ""
}

// maxMatrixValues caps the values kept per matrix variable.
const maxMatrixValues = 32

// matrix returns the scalar values each matrix variable takes, from its
// rows and include: entries.
func matrix(s *actionlint.Strategy) map[string][]string {
	if s == nil || s.Matrix == nil {
		return nil
	}
	out := map[string][]string{}
	add := func(k string, v actionlint.RawYAMLValue) {
		// String() of a RawYAMLString is Go-quoted ("test:nodejs" with its
		// quotes), which no command pattern matches once substituted into a
		// script: the plain value is what the runner puts there.
		sv, ok := v.(*actionlint.RawYAMLString)
		if !ok || sv == nil || len(out[k]) >= maxMatrixValues {
			return
		}
		val := sv.Value
		if !slices.Contains(out[k], val) {
			out[k] = append(out[k], val)
		}
	}
	for name, row := range s.Matrix.Rows {
		if row == nil {
			continue
		}
		if row.Name != nil {
			name = row.Name.Value
		}
		for _, v := range row.Values {
			add(name, v)
		}
	}
	if inc := s.Matrix.Include; inc != nil {
		for _, c := range inc.Combinations {
			if c == nil {
				continue
			}
			for k, a := range c.Assigns {
				if a == nil {
					continue
				}
				if a.Key != nil {
					k = a.Key.Value
				}
				add(k, a.Value)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func trigger(ev actionlint.Event) evidence.CITrigger {
	t := evidence.CITrigger{Event: ev.EventName()}
	switch e := ev.(type) {
	case *actionlint.WebhookEvent:
		t.Line = line(e.Pos)
		if e.Hook != nil {
			t.Line = line(e.Hook.Pos)
		}
		t.Branches = filter(e.Branches)
		t.BranchesIgnore = filter(e.BranchesIgnore)
		t.Tags = filter(e.Tags)
		t.Types = strs(e.Types)
	case *actionlint.ScheduledEvent:
		t.Line = line(e.Pos)
	case *actionlint.WorkflowDispatchEvent:
		t.Line = line(e.Pos)
	case *actionlint.RepositoryDispatchEvent:
		t.Line = line(e.Pos)
		t.Types = strs(e.Types)
	case *actionlint.WorkflowCallEvent:
		t.Line = line(e.Pos)
	}
	return t
}

func permissions(p *actionlint.Permissions) *evidence.CIPermissions {
	if p == nil {
		return nil
	}
	out := &evidence.CIPermissions{Line: line(p.Pos), Scopes: map[string]string{}}
	if p.All != nil {
		out.All = p.All.Value
		if p.All.ContainsExpression() {
			out.Expr = true
		}
	}
	for name, s := range p.Scopes {
		out.Scopes[name] = str(s.Value)
	}
	return out
}

func job(j *actionlint.Job, lines [][]byte) evidence.CIJob {
	out := evidence.CIJob{ID: str(j.ID), Name: str(j.Name), Line: line(j.Pos), If: str(j.If)}
	if j.ID != nil {
		out.Line = line(j.ID.Pos)
	}
	out.Needs = strs(j.Needs)
	out.NeedsSet = len(j.Needs) > 0
	out.Permissions = permissions(j.Permissions)
	out.ContinueOnError = boolOrExpr(j.ContinueOnError)
	out.Matrix = matrix(j.Strategy)
	out.Env = env(j.Env)
	if j.RunsOn != nil {
		out.RunsOn = strs(j.RunsOn.Labels)
		out.RunsOnExpr = str(j.RunsOn.LabelsExpr)
		if out.RunsOnExpr == "" && j.RunsOn.Group != nil {
			out.RunsOn = append(out.RunsOn, "group:"+j.RunsOn.Group.Value)
		}
	}
	if j.Environment != nil {
		out.Environment = str(j.Environment.Name)
	}
	if j.Container != nil && j.Container.Image != nil {
		out.Images = append(out.Images, evidence.CIImage{Ref: j.Container.Image.Value, Line: line(j.Container.Image.Pos), Role: "container"})
	}
	if j.Services != nil {
		names := make([]string, 0, len(j.Services.Value))
		for n := range j.Services.Value {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			s := j.Services.Value[n]
			if s.Container != nil && s.Container.Image != nil {
				out.Images = append(out.Images, evidence.CIImage{Ref: s.Container.Image.Value, Line: line(s.Container.Image.Pos), Role: "service"})
			}
		}
	}
	if j.WorkflowCall != nil {
		out.Uses = str(j.WorkflowCall.Uses)
		if j.WorkflowCall.Uses != nil {
			out.UsesLine = line(j.WorkflowCall.Uses.Pos)
		}
		out.SecretsInherit = j.WorkflowCall.InheritSecrets
	}
	for _, s := range j.Steps {
		out.Steps = append(out.Steps, step(s, lines))
	}
	return out
}

func step(s *actionlint.Step, lines [][]byte) evidence.CIStep {
	out := evidence.CIStep{Line: line(s.Pos), Name: str(s.Name), If: str(s.If), ContinueOnError: boolOrExpr(s.ContinueOnError)}
	if s.Env != nil && len(s.Env.Vars) > 0 {
		out.Env = map[string]string{}
		for _, v := range s.Env.Vars {
			out.Env[str(v.Name)] = str(v.Value)
		}
	}
	switch e := s.Exec.(type) {
	case *actionlint.ExecAction:
		out.Uses = str(e.Uses)
		if e.Uses != nil {
			out.Line = line(e.Uses.Pos)
		}
		if len(e.Inputs) > 0 {
			out.With = map[string]string{}
			for _, in := range e.Inputs {
				out.With[str(in.Name)] = str(in.Value)
			}
		}
	case *actionlint.ExecRun:
		out.Run = str(e.Run)
		if e.Run != nil {
			out.RunLine = contentLine(e.Run.Pos, lines)
		}
	}
	return out
}

// contentLine returns the line where a scalar's text starts: block scalars
// (| or >) begin on the line after their indicator.
func contentLine(pos *actionlint.Pos, lines [][]byte) int {
	if pos == nil {
		return 0
	}
	i := pos.Line - 1
	if i < 0 || i >= len(lines) {
		return pos.Line
	}
	l := lines[i]
	c := pos.Col - 1
	if c >= 0 && c < len(l) && (l[c] == '|' || l[c] == '>') {
		return pos.Line + 1
	}
	return pos.Line
}

// ParseAction parses an action metadata file (action.yml). It reports
// whether the action is a composite action; only composite actions have
// steps that run in the caller's job. Docker actions yield their image.
func ParseAction(path string, data []byte) (evidence.CIPipeline, bool, error) {
	p := evidence.CIPipeline{Path: path, System: evidence.CIGitHubComposite}
	root, err := ciyaml.Decode(data)
	if err != nil {
		return p, false, err
	}
	if root == nil || root.Kind != yaml.MappingNode {
		return p, false, &ciyaml.Error{Line: 1, Msg: "want an action metadata mapping with runs:"}
	}
	p.Name = ciyaml.Scalar(ciyaml.Get(root, "name"))
	runs := ciyaml.Get(root, "runs")
	if runs == nil {
		return p, false, &ciyaml.Error{Line: root.Line, Msg: "no runs: section"}
	}
	using := strings.ToLower(ciyaml.Scalar(ciyaml.Get(runs, "using")))
	j := evidence.CIJob{ID: "runs", Line: runs.Line}
	switch using {
	case "composite":
		steps := ciyaml.Get(runs, "steps")
		if steps != nil && steps.Kind == yaml.SequenceNode {
			for _, sn := range steps.Content {
				j.Steps = append(j.Steps, compositeStep(ciyaml.Resolve(sn)))
			}
		}
		p.Jobs = []evidence.CIJob{j}
		return p, true, nil
	case "docker":
		img := ciyaml.Get(runs, "image")
		if v := ciyaml.Scalar(img); v != "" && !strings.HasPrefix(v, "Dockerfile") && !strings.HasSuffix(v, "Dockerfile") {
			j.Images = append(j.Images, evidence.CIImage{Ref: strings.TrimPrefix(v, "docker://"), Line: img.Line, Role: "action"})
		}
		p.Jobs = []evidence.CIJob{j}
		return p, false, nil
	case "":
		return p, false, &ciyaml.Error{Line: runs.Line, Msg: "runs: has no using:"}
	}
	return p, false, nil
}

func compositeStep(n *yaml.Node) evidence.CIStep {
	s := evidence.CIStep{}
	if n == nil {
		return s
	}
	s.Line = n.Line
	s.Name = ciyaml.Scalar(ciyaml.Get(n, "name"))
	s.If = ciyaml.Scalar(ciyaml.Get(n, "if"))
	if c := ciyaml.Scalar(ciyaml.Get(n, "continue-on-error")); c != "" && c != "false" {
		s.ContinueOnError = c
	}
	if u := ciyaml.Get(n, "uses"); u != nil {
		s.Uses = ciyaml.Scalar(u)
		s.Line = u.Line
	}
	if r := ciyaml.Get(n, "run"); r != nil {
		s.Run = ciyaml.Scalar(r)
		s.RunLine = ciyaml.ContentLine(r)
	}
	if w := ciyaml.Get(n, "with"); w != nil {
		s.With = map[string]string{}
		for _, kv := range ciyaml.Pairs(w) {
			s.With[strings.ToLower(kv.Key.Value)] = ciyaml.Scalar(kv.Value)
		}
	}
	if e := ciyaml.Get(n, "env"); e != nil {
		s.Env = map[string]string{}
		for _, kv := range ciyaml.Pairs(e) {
			s.Env[kv.Key.Value] = ciyaml.Scalar(kv.Value)
		}
	}
	return s
}

// IsWorkflowPath reports whether p is a workflow file GitHub would run.
func IsWorkflowPath(p string) bool {
	dir, file, ok := cut(p)
	if !ok || dir != ".github/workflows" {
		return false
	}
	return strings.HasSuffix(file, ".yml") || strings.HasSuffix(file, ".yaml")
}

// IsActionPath reports whether p is an action metadata file.
func IsActionPath(p string) bool {
	_, file, _ := cut(p)
	return slices.Contains([]string{"action.yml", "action.yaml"}, file)
}

func cut(p string) (dir, file string, ok bool) {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return "", p, false
	}
	return p[:i], p[i+1:], true
}

// String describes a pipeline for debugging.
func String(p evidence.CIPipeline) string {
	return fmt.Sprintf("%s (%s): %s, %s", p.Path, p.System, textsafe.Count(len(p.Triggers), "trigger"), textsafe.Count(len(p.Jobs), "job"))
}
