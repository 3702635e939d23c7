// Package travisci reads a Travis CI file (.travis.yml) into the
// system-neutral evidence.CIPipeline: one job per jobs.include entry (or one
// job for the whole file), its phases as steps with their lines, the
// language's default script when none is written, and the push and pull
// request triggers with the branches safelist. Nothing is run.
package travisci

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/parse/ciyaml"
)

// IsPath reports whether p is a Travis CI file.
func IsPath(p string) bool { return p == ".travis.yml" }

// phases Travis runs in order; a failure in the first four fails the
// build, the after_* phases never do.
var phases = []string{"before_install", "install", "before_script", "script", "before_deploy", "deploy", "after_success", "after_failure", "after_script"}

var soft = map[string]bool{"after_success": true, "after_failure": true, "after_script": true}

// defaultScript is what Travis runs for a language when script: is absent.
var defaultScript = map[string]string{
	"node_js":   "npm test",
	"ruby":      "bundle exec rake",
	"go":        "go test -v ./...",
	"rust":      "cargo build --verbose && cargo test --verbose",
	"java":      "mvn test -B",
	"android":   "./gradlew build connectedCheck",
	"php":       "phpunit",
	"elixir":    "mix test",
	"haskell":   "cabal test",
	"c":         "./configure && make && make test",
	"cpp":       "./configure && make && make test",
	"perl":      "make test",
	"scala":     "sbt test",
	"clojure":   "lein test",
	"dart":      "dart test",
	"crystal":   "crystal spec",
	"groovy":    "gradle check",
	"erlang":    "rebar compile && rebar skip_deps=true eunit",
	"smalltalk": "smalltalkci",
}

// maxJobs caps the jobs read from jobs.include.
const maxJobs = 500

// Parse parses a Travis CI file. The error, when not nil, is a
// *ciyaml.Error carrying the line.
func Parse(path string, data []byte) (evidence.CIPipeline, error) {
	p := evidence.CIPipeline{Path: path, System: evidence.CITravis}
	root, err := ciyaml.Decode(data)
	if err != nil {
		return p, err
	}
	if root == nil {
		return p, &ciyaml.Error{Line: 1, Msg: "empty Travis CI file"}
	}
	if root.Kind != yaml.MappingNode {
		return p, &ciyaml.Error{Line: root.Line, Msg: "want a mapping of Travis CI settings"}
	}
	p.Triggers = triggers(root)
	lang, langLine := "", 0
	if n := ciyaml.Get(root, "language"); n != nil {
		lang, langLine = strings.ToLower(ciyaml.Scalar(n)), n.Line
	}
	env, matrix := envs(ciyaml.Get(root, "env"))
	base := evidence.CIJob{ID: "build", Line: root.Line, Env: env, Matrix: matrix}
	fill(&base, root, lang, langLine)
	jobs := ciyaml.Get(root, "jobs")
	if jobs == nil {
		jobs = ciyaml.Get(root, "matrix")
	}
	failOK := allowFailures(ciyaml.Get(jobs, "allow_failures"))
	inc := ciyaml.Get(jobs, "include")
	if inc == nil || inc.Kind != yaml.SequenceNode || len(inc.Content) == 0 {
		p.Jobs = []evidence.CIJob{base}
		return p, nil
	}
	for i, e := range inc.Content {
		if i >= maxJobs {
			break
		}
		e = ciyaml.Resolve(e)
		if e == nil || e.Kind != yaml.MappingNode {
			continue
		}
		j := evidence.CIJob{ID: ciyaml.Scalar(ciyaml.Get(e, "name")), Line: e.Line, Stage: ciyaml.Scalar(ciyaml.Get(e, "stage")), Env: env, Matrix: matrix}
		if j.ID == "" {
			j.ID = "include[" + strconv.Itoa(i) + "]"
		}
		l, ll := lang, langLine
		if n := ciyaml.Get(e, "language"); n != nil {
			l, ll = strings.ToLower(ciyaml.Scalar(n)), n.Line
		}
		// An include entry inherits the phases it does not set.
		for _, ph := range phases {
			if ciyaml.Get(e, ph) == nil {
				for _, s := range base.Steps {
					if s.Section == ph || (ph == "script" && s.Section == evidence.SectionDefaultScript && ciyaml.Get(e, "language") == nil) {
						j.Steps = append(j.Steps, s)
					}
				}
			} else {
				j.Steps = append(j.Steps, steps(ciyaml.Get(e, ph), ph)...)
			}
		}
		if ciyaml.Get(e, "script") == nil && !hasSection(base.Steps, "script") {
			j.Steps = append(j.Steps, defaultStep(l, ll)...)
		}
		if failOK[j.ID] {
			j.ContinueOnError = "true"
		}
		p.Jobs = append(p.Jobs, j)
	}
	return p, nil
}

func fill(j *evidence.CIJob, n *yaml.Node, lang string, langLine int) {
	for _, ph := range phases {
		j.Steps = append(j.Steps, steps(ciyaml.Get(n, ph), ph)...)
	}
	if ciyaml.Get(n, "script") == nil {
		j.Steps = append(j.Steps, defaultStep(lang, langLine)...)
	}
}

func hasSection(ss []evidence.CIStep, sec string) bool {
	for _, s := range ss {
		if s.Section == sec {
			return true
		}
	}
	return false
}

func defaultStep(lang string, line int) []evidence.CIStep {
	cmd, ok := defaultScript[lang]
	if !ok {
		return nil
	}
	if line == 0 {
		line = 1
	}
	return []evidence.CIStep{{Line: line, RunLine: line, Run: cmd, Name: "Travis CI default script for language: " + lang, Section: evidence.SectionDefaultScript}}
}

func steps(n *yaml.Node, section string) []evidence.CIStep {
	vs, ls := ciyaml.Strings(n)
	out := make([]evidence.CIStep, 0, len(vs))
	for i, v := range vs {
		s := evidence.CIStep{Line: ls[i], Run: v, RunLine: ls[i], Section: section}
		if sn := ciyaml.Resolve(n); sn != nil && sn.Kind == yaml.ScalarNode {
			s.RunLine = ciyaml.ContentLine(sn)
		}
		if soft[section] {
			s.ContinueOnError = "true"
		}
		out = append(out, s)
	}
	return out
}

// triggers: Travis builds pushes and pull requests; branches.only and
// branches.except (or a bare list) filter both.
func triggers(root *yaml.Node) []evidence.CITrigger {
	push := evidence.CITrigger{Event: "push", Line: root.Line}
	pr := evidence.CITrigger{Event: "pull_request", Line: root.Line}
	if b := ciyaml.Get(root, "branches"); b != nil {
		push.Line, pr.Line = b.Line, b.Line
		if b.Kind == yaml.SequenceNode {
			push.Branches, _ = ciyaml.Strings(b)
		} else {
			push.Branches, _ = ciyaml.Strings(ciyaml.Get(b, "only"))
			push.BranchesIgnore, _ = ciyaml.Strings(ciyaml.Get(b, "except"))
		}
		pr.Branches, pr.BranchesIgnore = push.Branches, push.BranchesIgnore
	}
	push.Branches = unslash(push.Branches)
	pr.Branches = unslash(pr.Branches)
	return []evidence.CITrigger{push, pr}
}

// unslash turns Travis's /regex/ branch patterns into a match-all glob
// when they are catch-alls, and leaves other names alone.
func unslash(bs []string) []string {
	for i, b := range bs {
		if b == "/.*/" || b == "/.+/" || b == "/^.*$/" {
			bs[i] = "**"
		}
	}
	return bs
}

// envs reads env: as "K=V K2=V2" strings, a global list and a jobs list
// whose values become matrix values.
func envs(n *yaml.Node) (map[string]string, map[string][]string) {
	env := map[string]string{}
	matrix := map[string][]string{}
	addLine := func(line string, m bool) {
		for _, f := range strings.Fields(line) {
			k, v, ok := strings.Cut(f, "=")
			if !ok || k == "" {
				continue
			}
			v = strings.Trim(v, `"'`)
			if m {
				if len(matrix[k]) < 32 {
					matrix[k] = append(matrix[k], v)
				}
			} else {
				env[k] = v
			}
		}
	}
	n = ciyaml.Resolve(n)
	switch {
	case n == nil:
	case n.Kind == yaml.MappingNode:
		g, _ := ciyaml.Strings(ciyaml.Get(n, "global"))
		for _, l := range g {
			addLine(l, false)
		}
		jm := ciyaml.Get(n, "jobs")
		if jm == nil {
			jm = ciyaml.Get(n, "matrix")
		}
		js, _ := ciyaml.Strings(jm)
		for _, l := range js {
			addLine(l, true)
		}
	default:
		vs, _ := ciyaml.Strings(n)
		for _, l := range vs {
			addLine(l, len(vs) > 1)
		}
	}
	if len(env) == 0 {
		env = nil
	}
	if len(matrix) == 0 {
		matrix = nil
	}
	return env, matrix
}

func allowFailures(n *yaml.Node) map[string]bool {
	out := map[string]bool{}
	n = ciyaml.Resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return out
	}
	for _, e := range n.Content {
		if name := ciyaml.Scalar(ciyaml.Get(e, "name")); name != "" {
			out[name] = true
		}
	}
	return out
}
