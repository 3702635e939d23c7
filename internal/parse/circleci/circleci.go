// Package circleci reads a CircleCI configuration (.circleci/config.yml)
// into the system-neutral evidence.CIPipeline: each job with its run steps
// and their lines, and, from workflows:, the events each job runs on.
// CircleCI builds every push, pull request branches included, unless a
// workflow's branch filter says otherwise; a job no workflow names does
// not run. Orbs and reusable commands are not expanded. Nothing is run.
package circleci

import (
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/parse/ciyaml"
)

// IsPath reports whether p is a CircleCI configuration.
func IsPath(p string) bool { return p == ".circleci/config.yml" || p == ".circleci/config.yaml" }

// maxJobs caps jobs and workflow entries read.
const maxJobs = 1000

// Parse parses a CircleCI configuration. The error, when not nil, is a
// *ciyaml.Error carrying the line.
func Parse(path string, data []byte) (evidence.CIPipeline, error) {
	p := evidence.CIPipeline{Path: path, System: evidence.CICircleCI}
	root, err := ciyaml.Decode(data)
	if err != nil {
		return p, err
	}
	if root == nil {
		return p, &ciyaml.Error{Line: 1, Msg: "empty CircleCI configuration"}
	}
	if root.Kind != yaml.MappingNode {
		return p, &ciyaml.Error{Line: root.Line, Msg: "want a mapping with jobs:"}
	}
	byName := map[string]int{}
	for _, kv := range ciyaml.Pairs(ciyaml.Get(root, "jobs")) {
		if len(p.Jobs) >= maxJobs {
			break
		}
		j := evidence.CIJob{ID: kv.Key.Value, Line: kv.Key.Line, Hidden: true, Env: env(ciyaml.Get(kv.Value, "environment"))}
		if st := ciyaml.Get(kv.Value, "steps"); st != nil && st.Kind == yaml.SequenceNode {
			for _, sn := range st.Content {
				if s, ok := step(ciyaml.Resolve(sn)); ok {
					j.Steps = append(j.Steps, s)
				}
			}
		}
		byName[j.ID] = len(p.Jobs)
		p.Jobs = append(p.Jobs, j)
	}
	wfs := ciyaml.Get(root, "workflows")
	if wfs == nil {
		// Without workflows, CircleCI runs the job named build on every push.
		if i, ok := byName["build"]; ok {
			p.Jobs[i].Hidden = false
			p.Jobs[i].Triggers = everyPush(p.Jobs[i].Line)
		}
		return p, nil
	}
	n := 0
	for _, wf := range ciyaml.Pairs(wfs) {
		if wf.Key.Value == "version" || wf.Value == nil || wf.Value.Kind != yaml.MappingNode {
			continue
		}
		sched := scheduleTriggers(wf.Value)
		js := ciyaml.Get(wf.Value, "jobs")
		if js == nil || js.Kind != yaml.SequenceNode {
			continue
		}
		for _, e := range js.Content {
			if n++; n > maxJobs {
				break
			}
			name, filters, line, ok := workflowJob(ciyaml.Resolve(e))
			if !ok {
				continue
			}
			i, ok := byName[name]
			if !ok {
				// An orb's job (node/test): recorded as a job that calls it.
				i = len(p.Jobs)
				byName[name] = i
				p.Jobs = append(p.Jobs, evidence.CIJob{ID: name, Line: line, Uses: "orb:" + name, UsesLine: line, Hidden: true})
			}
			j := &p.Jobs[i]
			j.Hidden = false
			if len(sched) > 0 {
				j.Triggers = append(j.Triggers, sched...)
				continue
			}
			j.Triggers = append(j.Triggers, filtered(filters, line)...)
		}
	}
	sort.SliceStable(p.Jobs, func(a, b int) bool { return p.Jobs[a].Line < p.Jobs[b].Line })
	return p, nil
}

// scheduleTriggers are the schedule triggers of a workflow.
func scheduleTriggers(wf *yaml.Node) []evidence.CITrigger {
	var sched []evidence.CITrigger
	tr := ciyaml.Get(wf, "triggers")
	if tr != nil && tr.Kind == yaml.SequenceNode {
		for _, t := range tr.Content {
			if s := ciyaml.Get(t, "schedule"); s != nil {
				sched = append(sched, evidence.CITrigger{Event: "schedule", Line: s.Line})
			}
		}
	}
	return sched
}

// workflowJob reads one entry of a workflow's jobs: a job name, or a name
// with its settings (filters).
func workflowJob(e *yaml.Node) (name string, filters *yaml.Node, line int, ok bool) {
	switch {
	case e == nil:
		return "", nil, 0, false
	case e.Kind == yaml.ScalarNode:
		return e.Value, nil, e.Line, true
	case e.Kind == yaml.MappingNode && len(e.Content) >= 2:
		return e.Content[0].Value, ciyaml.Get(e.Content[1], "filters"), e.Content[0].Line, true
	}
	return "", nil, 0, false
}

func everyPush(line int) []evidence.CITrigger {
	return []evidence.CITrigger{{Event: "push", Line: line}, {Event: "pull_request", Line: line}}
}

// filtered turns a workflow job's filters into triggers. Pull request
// branches are pushes too, so a job with no branch filter, or one that only
// ignores some branches, also runs on pull requests.
func filtered(f *yaml.Node, line int) []evidence.CITrigger {
	if f == nil {
		return everyPush(line)
	}
	b := ciyaml.Get(f, "branches")
	only, _ := ciyaml.Strings(ciyaml.Get(b, "only"))
	ignore, _ := ciyaml.Strings(ciyaml.Get(b, "ignore"))
	tags, _ := ciyaml.Strings(ciyaml.Get(ciyaml.Get(f, "tags"), "only"))
	if b != nil {
		line = b.Line
	}
	for i, o := range only {
		if o == "/.*/" || o == "/.+/" {
			only[i] = "**"
		}
	}
	allIgnored := false
	for _, g := range ignore {
		if g == "/.*/" || g == "/.+/" {
			allIgnored = true
		}
	}
	if allIgnored {
		if len(tags) > 0 {
			return []evidence.CITrigger{{Event: "push", Line: line, Tags: tags}}
		}
		return nil
	}
	push := evidence.CITrigger{Event: "push", Line: line, Branches: only, BranchesIgnore: ignore}
	if len(only) == 0 || (len(only) == 1 && only[0] == "**") {
		return []evidence.CITrigger{push, {Event: "pull_request", Line: line, BranchesIgnore: ignore}}
	}
	return []evidence.CITrigger{push}
}

func step(n *yaml.Node) (evidence.CIStep, bool) {
	if n == nil {
		return evidence.CIStep{}, false
	}
	if n.Kind == yaml.ScalarNode {
		return evidence.CIStep{Line: n.Line, Uses: "circleci:" + n.Value}, true
	}
	if n.Kind != yaml.MappingNode || len(n.Content) < 2 {
		return evidence.CIStep{}, false
	}
	k, v := n.Content[0], ciyaml.Resolve(n.Content[1])
	if k.Value != "run" {
		return evidence.CIStep{Line: k.Line, Uses: "circleci:" + k.Value}, true
	}
	s := evidence.CIStep{Line: k.Line, Section: "run"}
	if v != nil && v.Kind == yaml.ScalarNode {
		s.Run, s.RunLine = v.Value, ciyaml.ContentLine(v)
		return s, true
	}
	c := ciyaml.Get(v, "command")
	s.Name = ciyaml.Scalar(ciyaml.Get(v, "name"))
	s.Run, s.RunLine = ciyaml.Scalar(c), ciyaml.ContentLine(c)
	s.Env = env(ciyaml.Get(v, "environment"))
	if w := ciyaml.Scalar(ciyaml.Get(v, "when")); w == "always" {
		// Runs whatever happened before; its failure still fails the job.
		s.If = "always"
	}
	return s, s.Run != ""
}

func env(n *yaml.Node) map[string]string {
	ps := ciyaml.Pairs(n)
	if len(ps) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, kv := range ps {
		if len(out) >= 64 {
			break
		}
		out[kv.Key.Value] = ciyaml.Scalar(kv.Value)
	}
	return out
}
