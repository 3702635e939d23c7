// Package azurepipelines reads an Azure Pipelines definition
// (azure-pipelines.yml, .azure-pipelines/*.yml) into the system-neutral
// evidence.CIPipeline: the trigger and pr sections as push and
// pull_request triggers, schedules, and the steps of every job (top-level
// steps:, jobs:, stages: and deployment jobs) with their lines. Script
// steps become runs; well-known test tasks (DotNetCoreCLI test, Maven,
// Gradle, Npm, VSTest) become the command they run. Templates are not
// followed. Nothing is run.
package azurepipelines

import (
	"path"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/parse/ciyaml"
)

// IsPath reports whether p is an Azure Pipelines definition by its name.
func IsPath(p string) bool {
	switch p {
	case "azure-pipelines.yml", "azure-pipelines.yaml", ".azure-pipelines.yml", ".azure-pipelines.yaml":
		return true
	}
	dir, file := path.Split(p)
	ext := path.Ext(file)
	return (dir == ".azure-pipelines/" || dir == ".azure/pipelines/") && (ext == ".yml" || ext == ".yaml")
}

// maxJobs caps jobs read.
const maxJobs = 1000

// Parse parses an Azure Pipelines file. The error, when not nil, is a
// *ciyaml.Error carrying the line.
func Parse(p string, data []byte) (evidence.CIPipeline, error) {
	pl := evidence.CIPipeline{Path: p, System: evidence.CIAzure}
	root, err := ciyaml.Decode(data)
	if err != nil {
		return pl, err
	}
	if root == nil {
		return pl, &ciyaml.Error{Line: 1, Msg: "empty Azure Pipelines file"}
	}
	if root.Kind != yaml.MappingNode {
		return pl, &ciyaml.Error{Line: root.Line, Msg: "want a mapping with steps:, jobs: or stages:"}
	}
	pl.Triggers = triggers(root)
	vars := variables(nil, ciyaml.Get(root, "variables"))
	if st := ciyaml.Get(root, "steps"); st != nil {
		pl.Jobs = append(pl.Jobs, job("steps", root.Line, root, vars))
	}
	addJobs := func(js *yaml.Node, prefix string, env map[string]string) {
		if js == nil || js.Kind != yaml.SequenceNode {
			return
		}
		for _, jn := range js.Content {
			if len(pl.Jobs) >= maxJobs {
				return
			}
			jn = ciyaml.Resolve(jn)
			id := ciyaml.Scalar(ciyaml.Get(jn, "job"))
			if id == "" {
				id = ciyaml.Scalar(ciyaml.Get(jn, "deployment"))
			}
			if id == "" {
				if t := ciyaml.Scalar(ciyaml.Get(jn, "template")); t != "" {
					pl.Jobs = append(pl.Jobs, evidence.CIJob{ID: prefix + "template", Line: jn.Line, Uses: "template:" + t, UsesLine: jn.Line})
				}
				continue
			}
			pl.Jobs = append(pl.Jobs, job(prefix+id, jn.Line, jn, variables(env, ciyaml.Get(jn, "variables"))))
		}
	}
	addJobs(ciyaml.Get(root, "jobs"), "", vars)
	if ss := ciyaml.Get(root, "stages"); ss != nil && ss.Kind == yaml.SequenceNode {
		for _, sn := range ss.Content {
			sn = ciyaml.Resolve(sn)
			name := ciyaml.Scalar(ciyaml.Get(sn, "stage"))
			addJobs(ciyaml.Get(sn, "jobs"), name+".", variables(vars, ciyaml.Get(sn, "variables")))
		}
	}
	return pl, nil
}

func job(id string, line int, n *yaml.Node, env map[string]string) evidence.CIJob {
	j := evidence.CIJob{ID: id, Line: line, Env: env}
	if c := ciyaml.Scalar(ciyaml.Get(n, "continueOnError")); c != "" && c != "false" {
		j.ContinueOnError = c
	}
	if m := ciyaml.Get(ciyaml.Get(n, "strategy"), "matrix"); m != nil {
		j.Matrix = map[string][]string{}
		for _, leg := range ciyaml.Pairs(m) {
			for _, kv := range ciyaml.Pairs(leg.Value) {
				if v := ciyaml.Scalar(kv.Value); v != "" && len(j.Matrix[kv.Key.Value]) < 32 {
					j.Matrix[kv.Key.Value] = append(j.Matrix[kv.Key.Value], v)
				}
			}
		}
	}
	st := ciyaml.Get(n, "steps")
	if st == nil {
		// Deployment jobs: strategy.runOnce.deploy.steps and the like.
		if s := ciyaml.Get(n, "strategy"); s != nil {
			for _, kind := range ciyaml.Pairs(s) {
				for _, hook := range ciyaml.Pairs(kind.Value) {
					if hs := ciyaml.Get(hook.Value, "steps"); hs != nil {
						st = hs
					}
				}
			}
		}
	}
	if st != nil && st.Kind == yaml.SequenceNode {
		for _, sn := range st.Content {
			if s, ok := step(ciyaml.Resolve(sn)); ok {
				j.Steps = append(j.Steps, s)
			}
		}
	}
	return j
}

func step(n *yaml.Node) (evidence.CIStep, bool) {
	if n == nil || n.Kind != yaml.MappingNode {
		return evidence.CIStep{}, false
	}
	s := evidence.CIStep{Line: n.Line, Name: ciyaml.Scalar(ciyaml.Get(n, "displayName"))}
	if c := ciyaml.Scalar(ciyaml.Get(n, "continueOnError")); c != "" && c != "false" {
		s.ContinueOnError = c
	}
	s.If = ciyaml.Scalar(ciyaml.Get(n, "condition"))
	if e := ciyaml.Pairs(ciyaml.Get(n, "env")); len(e) > 0 {
		s.Env = map[string]string{}
		for _, kv := range e {
			s.Env[kv.Key.Value] = ciyaml.Scalar(kv.Value)
		}
	}
	for _, key := range []string{"script", "bash", "pwsh", "powershell"} {
		if r := ciyaml.Get(n, key); r != nil {
			s.Run, s.RunLine, s.Section = ciyaml.Scalar(r), ciyaml.ContentLine(r), key
			return s, s.Run != ""
		}
	}
	if t := ciyaml.Get(n, "task"); t != nil {
		name := ciyaml.Scalar(t)
		s.Uses, s.Line = "task:"+name, t.Line
		in := ciyaml.Get(n, "inputs")
		if ps := ciyaml.Pairs(in); len(ps) > 0 {
			s.With = map[string]string{}
			for _, kv := range ps {
				s.With[strings.ToLower(kv.Key.Value)] = ciyaml.Scalar(kv.Value)
			}
		}
		if r := taskCommand(name, s.With); r != "" {
			s.Run, s.RunLine = r, t.Line
		}
		if r := ciyaml.Get(in, "script"); r != nil && s.Run == "" {
			s.Run, s.RunLine = ciyaml.Scalar(r), ciyaml.ContentLine(r)
		}
		return s, true
	}
	if t := ciyaml.Scalar(ciyaml.Get(n, "template")); t != "" {
		s.Uses = "template:" + t
		return s, true
	}
	return evidence.CIStep{}, false
}

// taskCommand returns the command a well-known task runs, so the same
// recognisers read it as a script.
func taskCommand(task string, with map[string]string) string {
	name, _, _ := strings.Cut(strings.ToLower(task), "@")
	switch name {
	case "dotnetcorecli":
		if c := with["command"]; c != "" {
			return "dotnet " + c
		}
	case "maven":
		if g := with["goals"]; g != "" {
			return "mvn " + g
		}
		return "mvn package"
	case "gradle":
		if t := with["tasks"]; t != "" {
			return "./gradlew " + t
		}
		return "./gradlew build"
	case "npm":
		switch c := with["command"]; c {
		case "custom":
			return "npm " + with["customcommand"]
		case "":
			return "npm install"
		default:
			return "npm " + c
		}
	case "vstest":
		return "vstest.console"
	case "bash", "shellscript":
		return scriptFileCommand("bash", with, "filepath", "scriptpath")
	case "powershell", "azurepowershell", "powershellonlinux":
		return scriptFileCommand("pwsh", with, "filepath", "scriptpath")
	case "pythonscript":
		return scriptFileCommand("python", with, "scriptpath", "filepath")
	case "azurecli":
		return scriptFileCommand("pwsh", with, "scriptpath", "filepath")
	}
	return ""
}

// scriptFileCommand returns the command a script task runs when it runs a
// file from the repository (filePath, scriptPath) rather than an inline
// script, so the script is read like one a step runs itself. Windows
// separators and the $(System.DefaultWorkingDirectory) prefix are dropped:
// jobs start at the repository root.
func scriptFileCommand(shell string, with map[string]string, keys ...string) string {
	for _, k := range keys {
		p := strings.TrimSpace(with[k])
		if p == "" {
			continue
		}
		for _, prefix := range []string{"$(System.DefaultWorkingDirectory)", "$(Build.SourcesDirectory)", "$(Pipeline.Workspace)/s"} {
			p = strings.TrimPrefix(p, prefix)
		}
		p = strings.TrimLeft(strings.ReplaceAll(p, `\`, "/"), "/")
		if p == "" || strings.ContainsAny(p, " \t$") {
			return ""
		}
		if !strings.HasPrefix(p, "./") {
			p = "./" + p
		}
		return shell + " " + p
	}
	return ""
}

// triggers reads trigger: (pushes; absent means every branch), pr: (pull
// requests; absent means every branch) and schedules:.
func triggers(root *yaml.Node) []evidence.CITrigger {
	var out []evidence.CITrigger
	for _, sec := range []struct{ key, event string }{{"trigger", "push"}, {"pr", "pull_request"}} {
		n := ciyaml.Get(root, sec.key)
		t := evidence.CITrigger{Event: sec.event, Line: root.Line}
		if n == nil {
			out = append(out, t)
			continue
		}
		t.Line = n.Line
		if ciyaml.Scalar(n) == "none" {
			continue
		}
		switch n.Kind {
		case yaml.SequenceNode:
			t.Branches, _ = ciyaml.Strings(n)
		case yaml.MappingNode:
			b := ciyaml.Get(n, "branches")
			t.Branches, _ = ciyaml.Strings(ciyaml.Get(b, "include"))
			t.BranchesIgnore, _ = ciyaml.Strings(ciyaml.Get(b, "exclude"))
			if b == nil && ciyaml.Get(n, "tags") != nil && sec.event == "push" {
				t.Tags, _ = ciyaml.Strings(ciyaml.Get(ciyaml.Get(n, "tags"), "include"))
			}
		}
		for i, b := range t.Branches {
			t.Branches[i] = strings.TrimPrefix(b, "refs/heads/")
		}
		out = append(out, t)
	}
	if s := ciyaml.Get(root, "schedules"); s != nil && s.Kind == yaml.SequenceNode && len(s.Content) > 0 {
		out = append(out, evidence.CITrigger{Event: "schedule", Line: s.Line})
	}
	return out
}

// variables merges a variables: section (a mapping, or a list of name:
// value entries and groups) over base.
func variables(base map[string]string, n *yaml.Node) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	n = ciyaml.Resolve(n)
	switch {
	case n == nil:
	case n.Kind == yaml.MappingNode:
		for _, kv := range ciyaml.Pairs(n) {
			out[kv.Key.Value] = ciyaml.Scalar(kv.Value)
		}
	case n.Kind == yaml.SequenceNode:
		for _, e := range n.Content {
			if name := ciyaml.Scalar(ciyaml.Get(e, "name")); name != "" && len(out) < 64 {
				out[name] = ciyaml.Scalar(ciyaml.Get(e, "value"))
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
