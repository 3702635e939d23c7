// Package gitlabci reads a GitLab CI file (.gitlab-ci.yml or a local
// include) into the system-neutral evidence.CIPipeline: jobs with their
// stage, needs, images, script lines and run conditions, the includes, and
// workflow:rules. It reads the YAML node tree so every value keeps its line;
// it never fetches includes and never runs anything.
package gitlabci

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/parse/ciyaml"
)

// reserved top-level keys that are not jobs.
var reserved = map[string]bool{
	"image": true, "services": true, "stages": true, "types": true, "before_script": true,
	"after_script": true, "variables": true, "cache": true, "include": true, "workflow": true,
	"default": true, "spec": true,
}

// Parse parses one GitLab CI file. Jobs keep GitLab's semantics where they
// matter for evidence: a job without stage is in "test"; `extends:` and
// `default:` scripts and images are applied when the job has none of its own.
func Parse(path string, data []byte) (evidence.CIPipeline, error) {
	p := evidence.CIPipeline{Path: path, System: evidence.CIGitLab}
	root, err := ciyaml.Decode(data)
	if err != nil {
		return p, err
	}
	if root == nil {
		return p, nil
	}
	// A file with a spec: header holds two documents; the jobs are in the second.
	if ciyaml.Get(root, "spec") != nil && len(ciyaml.Pairs(root)) == 1 {
		if r2, err := secondDocument(data); err == nil && r2 != nil {
			root = r2
		}
	}
	if root.Kind != yaml.MappingNode {
		return p, &ciyaml.Error{Line: root.Line, Msg: "want a mapping of jobs and keywords"}
	}
	defs := jobDefaults(root)
	if s := ciyaml.Get(root, "stages"); s != nil {
		p.Stages, _ = ciyaml.Strings(s)
	}
	p.Includes = includes(ciyaml.Get(root, "include"))
	if w := ciyaml.Get(root, "workflow"); w != nil {
		p.Rules = conditions(w)
	}
	globalVars := variables(nil, ciyaml.Get(root, "variables"))
	byID := map[string]*yaml.Node{}
	var order []string
	for _, kv := range ciyaml.Pairs(root) {
		name := kv.Key.Value
		if reserved[name] || kv.Value == nil || kv.Value.Kind != yaml.MappingNode {
			continue
		}
		byID[name] = kv.Value
		order = append(order, name)
	}
	for _, name := range order {
		p.Jobs = append(p.Jobs, parseJob(path, root, name, byID, globalVars, defs))
	}
	return p, nil
}

// defaults are what jobs inherit from the top level and default:.
type defaults struct {
	before, after []evidence.CIStep
	images        []evidence.CIImage
}

func jobDefaults(root *yaml.Node) defaults {
	var d defaults
	def := ciyaml.Get(root, "default")
	for _, src := range []*yaml.Node{root, def} {
		if src == nil {
			continue
		}
		d.before = append(d.before, scripts(ciyaml.Get(src, "before_script"), "before_script")...)
		d.after = append(d.after, scripts(ciyaml.Get(src, "after_script"), "after_script")...)
		d.images = append(d.images, images(src)...)
	}
	return d
}

// parseJob reads one job, resolving each keyword through its extends:
// chain and the defaults.
func parseJob(path string, root *yaml.Node, name string, byID map[string]*yaml.Node, globalVars map[string]string, defs defaults) evidence.CIJob {
	n := byID[name]
	j := evidence.CIJob{ID: name, Line: keyLine(root, name), Hidden: strings.HasPrefix(name, "."), File: path}
	j.Extends, _ = ciyaml.Strings(ciyaml.Get(n, "extends"))
	chain := append([]*yaml.Node{n}, extendsChain(n, byID)...)
	get := func(key string) *yaml.Node {
		for _, c := range chain {
			if v := ciyaml.Get(c, key); v != nil {
				return v
			}
		}
		return nil
	}
	j.Stage = ciyaml.Scalar(get("stage"))
	if j.Stage == "" {
		j.Stage = "test"
	}
	if nd := get("needs"); nd != nil {
		j.NeedsSet = true
		j.Needs = needs(nd)
	}
	for _, key := range []string{"only", "except", "rules"} {
		if v := get(key); v != nil {
			j.Conditions = append(j.Conditions, condition(key, v)...)
		}
	}
	j.RunsOn, _ = ciyaml.Strings(get("tags"))
	if af := get("allow_failure"); af != nil {
		switch v := ciyaml.Scalar(af); {
		case v == "true":
			j.ContinueOnError = "true"
		case af.Kind == yaml.MappingNode:
			j.ContinueOnError = "exit_codes"
		}
	}
	j.Env = variables(globalVars, get("variables"))
	j.Matrix = parallelMatrix(get("parallel"))
	if env := get("environment"); env != nil {
		j.Environment = ciyaml.Scalar(env)
		if j.Environment == "" {
			j.Environment = ciyaml.Scalar(ciyaml.Get(env, "name"))
		}
	}
	var own []evidence.CIImage
	for _, c := range chain {
		if own = images(c); len(own) > 0 {
			break
		}
	}
	if len(own) == 0 && !j.Hidden {
		own = defs.images
	}
	j.Images = own
	before := scripts(get("before_script"), "before_script")
	if before == nil && !j.Hidden {
		before = defs.before
	}
	j.Steps = append(j.Steps, before...)
	j.Steps = append(j.Steps, scripts(get("script"), "script")...)
	after := scripts(get("after_script"), "after_script")
	if after == nil && !j.Hidden {
		after = defs.after
	}
	j.Steps = append(j.Steps, after...)
	triggersAndReleases(&j, get)
	return j
}

// triggersAndReleases records a job's trigger: as what it uses, and its
// release:, secrets: and id_tokens: keywords.
func triggersAndReleases(j *evidence.CIJob, get func(key string) *yaml.Node) {
	if tr := get("trigger"); tr != nil {
		j.Uses = ciyaml.Scalar(tr)
		if j.Uses == "" {
			j.Uses = ciyaml.Scalar(ciyaml.Get(tr, "project"))
			if j.Uses == "" {
				j.Uses = ciyaml.Scalar(ciyaml.Get(tr, "include"))
			}
		}
		j.UsesLine = tr.Line
	}
	if rel := get("release"); rel != nil {
		// The release: keyword publishes a GitLab release; record it as a step.
		j.Steps = append(j.Steps, evidence.CIStep{Line: rel.Line, Uses: "gitlab:release", Section: "release"})
	}
	if s := get("secrets"); s != nil {
		j.Steps = append(j.Steps, evidence.CIStep{Line: s.Line, Uses: "gitlab:secrets", Section: "secrets"})
	}
	if it := get("id_tokens"); it != nil {
		j.Permissions = &evidence.CIPermissions{Line: it.Line, Scopes: map[string]string{"id-token": "write"}}
	}
}

func secondDocument(data []byte) (*yaml.Node, error) {
	parts := strings.SplitN(string(data), "\n---", 2)
	if len(parts) != 2 {
		return nil, nil
	}
	offset := strings.Count(parts[0], "\n") + 1
	n, err := ciyaml.Decode([]byte(parts[1]))
	if err != nil || n == nil {
		return n, err
	}
	shift(n, offset, 0)
	return n, nil
}

func shift(n *yaml.Node, by, depth int) {
	if n == nil || depth > 200 {
		return
	}
	n.Line += by
	for _, c := range n.Content {
		shift(c, by, depth+1)
	}
}

func keyLine(m *yaml.Node, key string) int {
	for _, kv := range ciyaml.Pairs(m) {
		if kv.Key.Value == key {
			return kv.Key.Line
		}
	}
	return m.Line
}

// extendsChain returns the templates a job extends, nearest first, bounded.
func extendsChain(n *yaml.Node, byID map[string]*yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	seen := map[*yaml.Node]bool{n: true}
	queue, _ := ciyaml.Strings(ciyaml.Get(n, "extends"))
	for len(queue) > 0 && len(out) < 11 {
		name := queue[0]
		queue = queue[1:]
		t := byID[name]
		if t == nil || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
		more, _ := ciyaml.Strings(ciyaml.Get(t, "extends"))
		queue = append(queue, more...)
	}
	return out
}

func needs(n *yaml.Node) []string {
	n = ciyaml.Resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, c := range n.Content {
		c = ciyaml.Resolve(c)
		if c == nil {
			continue
		}
		if c.Kind == yaml.ScalarNode {
			out = append(out, c.Value)
		} else if j := ciyaml.Scalar(ciyaml.Get(c, "job")); j != "" {
			out = append(out, j)
		}
	}
	return out
}

func images(n *yaml.Node) []evidence.CIImage {
	var out []evidence.CIImage
	if img := ciyaml.Get(n, "image"); img != nil {
		ref := ciyaml.Scalar(img)
		if ref == "" {
			ref = ciyaml.Scalar(ciyaml.Get(img, "name"))
		}
		if ref != "" {
			out = append(out, evidence.CIImage{Ref: ref, Line: img.Line, Role: "image"})
		}
	}
	if svc := ciyaml.Get(n, "services"); svc != nil && svc.Kind == yaml.SequenceNode {
		for _, c := range svc.Content {
			c = ciyaml.Resolve(c)
			ref := ciyaml.Scalar(c)
			if ref == "" {
				ref = ciyaml.Scalar(ciyaml.Get(c, "name"))
			}
			if ref != "" && c != nil {
				out = append(out, evidence.CIImage{Ref: ref, Line: c.Line, Role: "service"})
			}
		}
	}
	return out
}

func scripts(n *yaml.Node, section string) []evidence.CIStep {
	n = ciyaml.Resolve(n)
	if n == nil {
		return nil
	}
	var out []evidence.CIStep
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		n = ciyaml.Resolve(n)
		if n == nil || depth > 4 {
			return
		}
		switch n.Kind {
		case yaml.ScalarNode:
			if n.Tag == "!!null" {
				return
			}
			out = append(out, evidence.CIStep{Line: n.Line, Run: n.Value, RunLine: ciyaml.ContentLine(n), Section: section})
		case yaml.SequenceNode:
			if n.Tag == "!reference" {
				vs, _ := ciyaml.Strings(n)
				out = append(out, evidence.CIStep{Line: n.Line, Uses: "!reference " + strings.Join(vs, " "), Section: section})
				return
			}
			for _, c := range n.Content {
				walk(c, depth+1)
			}
		}
	}
	walk(n, 0)
	if out == nil {
		out = []evidence.CIStep{}
	}
	return out
}

// conditions returns the rules: if/when conditions of a workflow: block.
func conditions(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	return condition("rules", ciyaml.Get(n, "rules"))
}

func condition(key string, n *yaml.Node) []string {
	n = ciyaml.Resolve(n)
	if n == nil {
		return nil
	}
	var out []string
	switch key {
	case "only", "except":
		vs, _ := ciyaml.Strings(n)
		if vs == nil && n.Kind == yaml.MappingNode {
			for _, kv := range ciyaml.Pairs(n) {
				sub, _ := ciyaml.Strings(kv.Value)
				for _, s := range sub {
					vs = append(vs, kv.Key.Value+":"+s)
				}
			}
		}
		for _, v := range vs {
			out = append(out, key+": "+v)
		}
	case "rules":
		if n.Kind != yaml.SequenceNode {
			return nil
		}
		for _, r := range n.Content {
			r = ciyaml.Resolve(r)
			if r == nil || r.Kind != yaml.MappingNode {
				continue
			}
			cond := ciyaml.Scalar(ciyaml.Get(r, "if"))
			when := ciyaml.Scalar(ciyaml.Get(r, "when"))
			s := "rules: if " + cond
			if cond == "" {
				s = "rules: always"
			}
			if when != "" {
				s += " when " + when
			}
			out = append(out, s)
		}
	}
	return out
}

func includes(n *yaml.Node) []evidence.CIInclude {
	n = ciyaml.Resolve(n)
	if n == nil {
		return nil
	}
	var out []evidence.CIInclude
	add := func(c *yaml.Node) {
		c = ciyaml.Resolve(c)
		if c == nil {
			return
		}
		if c.Kind == yaml.ScalarNode {
			kind := "local"
			if strings.HasPrefix(c.Value, "http://") || strings.HasPrefix(c.Value, "https://") {
				kind = "remote"
			}
			out = append(out, evidence.CIInclude{Kind: kind, Target: c.Value, Line: c.Line})
			return
		}
		inc := evidence.CIInclude{Line: c.Line}
		switch {
		case ciyaml.Get(c, "local") != nil:
			inc.Kind, inc.Target = "local", ciyaml.Scalar(ciyaml.Get(c, "local"))
		case ciyaml.Get(c, "project") != nil:
			inc.Kind, inc.Target = "project", ciyaml.Scalar(ciyaml.Get(c, "project"))
			inc.Ref = ciyaml.Scalar(ciyaml.Get(c, "ref"))
			files, _ := ciyaml.Strings(ciyaml.Get(c, "file"))
			if len(files) > 0 {
				inc.Target += ":" + strings.Join(files, ",")
			}
		case ciyaml.Get(c, "remote") != nil:
			inc.Kind, inc.Target = "remote", ciyaml.Scalar(ciyaml.Get(c, "remote"))
			inc.Integrity = ciyaml.Scalar(ciyaml.Get(c, "integrity"))
		case ciyaml.Get(c, "template") != nil:
			inc.Kind, inc.Target = "template", ciyaml.Scalar(ciyaml.Get(c, "template"))
		case ciyaml.Get(c, "component") != nil:
			inc.Kind, inc.Target = "component", ciyaml.Scalar(ciyaml.Get(c, "component"))
			if i := strings.LastIndexByte(inc.Target, '@'); i >= 0 {
				inc.Ref = inc.Target[i+1:]
			}
		default:
			return
		}
		out = append(out, inc)
	}
	if n.Kind == yaml.SequenceNode {
		for _, c := range n.Content {
			add(c)
		}
	} else {
		add(n)
	}
	return out
}

// maxVars caps the variables and matrix values kept per job.
const maxVars = 64

// variables merges a variables: mapping over base. A variable may be a
// scalar or a mapping with value:.
func variables(base map[string]string, n *yaml.Node) map[string]string {
	if n == nil && len(base) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for _, kv := range ciyaml.Pairs(n) {
		if len(out) >= maxVars {
			break
		}
		v := ciyaml.Scalar(kv.Value)
		if kv.Value != nil && kv.Value.Kind == yaml.MappingNode {
			v = ciyaml.Scalar(ciyaml.Get(kv.Value, "value"))
		}
		out[kv.Key.Value] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// parallelMatrix reads parallel: matrix: entries into the values each
// variable takes.
func parallelMatrix(n *yaml.Node) map[string][]string {
	m := ciyaml.Get(n, "matrix")
	if m == nil || m.Kind != yaml.SequenceNode {
		return nil
	}
	out := map[string][]string{}
	for _, e := range m.Content {
		for _, kv := range ciyaml.Pairs(e) {
			vs, _ := ciyaml.Strings(kv.Value)
			for _, v := range vs {
				if len(out[kv.Key.Value]) < maxVars && !slices.Contains(out[kv.Key.Value], v) {
					out[kv.Key.Value] = append(out[kv.Key.Value], v)
				}
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
