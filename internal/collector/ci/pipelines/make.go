package pipelines

import (
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
)

// makeCall matches `make TARGET` (options before the target allowed); a
// call that names another makefile or directory (-f, -C) is not followed.
var makeCall = lazyre.New(`(?m)(?:^|[\s;&|(])(?:g?make)\s+((?:-[A-Za-z]+\s+)*)([A-Za-z0-9][\w.-]*)`)

// makefiles are the names make reads by default, in its order.
var makefiles = []string{"GNUmakefile", "makefile", "Makefile"}

// maxMakeTargets caps the targets followed per step, prerequisites
// included.
const maxMakeTargets = 8

// followMake appends, after a step that runs `make TARGET`, a step holding
// the target's recipe (and its prerequisites' recipes, one level), so a
// target named `ci` or `richtest` that runs the tests counts as running
// them. The makefile is read, never run.
func (c *run) followMake(steps *[]evidence.CIStep, s evidence.CIStep) {
	if s.Run == "" {
		return
	}
	var file string
	var data []byte
	for _, m := range makeCall.FindAllStringSubmatch(s.Run, 4) {
		if strings.Contains(m[1], "-f") || strings.Contains(m[1], "-C") {
			continue
		}
		if file == "" {
			for _, name := range makefiles {
				if c.in.Tree.Exists(name) && !c.in.Tree.IsDir(name) {
					b, err := c.in.Tree.ReadFile(name, maxScriptSize)
					if err == nil {
						file, data = name, b
					}
					break
				}
			}
			if file == "" {
				return
			}
		}
		rules := parseMakeRules(string(data))
		seen := map[string]bool{}
		queue := []string{m[2]}
		for len(queue) > 0 && len(seen) < maxMakeTargets {
			t := queue[0]
			queue = queue[1:]
			if seen[t] {
				continue
			}
			seen[t] = true
			r, ok := rules[t]
			if !ok {
				continue
			}
			if r.recipe != "" {
				*steps = append(*steps, evidence.CIStep{Line: s.Line, Run: r.recipe, RunLine: r.line, File: file, Section: "make target " + t, ContinueOnError: s.ContinueOnError})
			}
			if len(seen) == 1 { // prerequisites of the called target only
				queue = append(queue, r.prereqs...)
			}
		}
	}
}

// makeRule is one explicit rule of a makefile.
type makeRule struct {
	prereqs []string
	recipe  string // recipe lines, tabs and leading @ or - removed
	line    int    // line of the first recipe line
}

// parseMakeRules reads explicit `target: prerequisites` rules and their
// tab-indented recipes. Pattern rules, variables and conditionals are
// ignored: this only has to find what a named target runs.
func parseMakeRules(text string) map[string]makeRule {
	out := map[string]makeRule{}
	var current []string
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "\t") {
			cmd := strings.TrimLeft(strings.TrimPrefix(l, "\t"), "@-+ ")
			for _, t := range current {
				r := out[t]
				if r.recipe == "" {
					r.line = i + 1
				}
				r.recipe += cmd + "\n"
				out[t] = r
			}
			continue
		}
		current = nil
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, " ") {
			continue
		}
		colon := strings.Index(l, ":")
		if colon <= 0 || strings.HasPrefix(l[colon:], ":=") || strings.Contains(l[:colon], "=") || strings.Contains(l[:colon], "%") {
			continue
		}
		rest := strings.TrimLeft(l[colon+1:], ":")
		if k := strings.Index(rest, "#"); k >= 0 {
			rest = rest[:k]
		}
		prereqs := strings.Fields(rest)
		if k := indexOf(prereqs, ";"); k >= 0 {
			prereqs = prereqs[:k]
		}
		for _, t := range strings.Fields(l[:colon]) {
			if strings.HasPrefix(t, ".") || strings.Contains(t, "$") {
				continue
			}
			r := out[t]
			r.prereqs = append(r.prereqs, prereqs...)
			out[t] = r
			current = append(current, t)
		}
	}
	return out
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}
