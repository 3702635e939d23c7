// Package pipelines reads the CI definitions of the tree: GitHub Actions
// workflows (.github/workflows/*.yml), action metadata files (action.yml),
// and GitLab CI (.gitlab-ci.yml and the local files it includes). Each file
// becomes one evidence.CIPipeline, or an evidence.ParseProblem naming the
// line when it cannot be read. Nothing is fetched and nothing is run.
package pipelines

import (
	"context"
	"errors"
	"path"
	"regexp"
	"strings"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/parse/ciyaml"
	"github.com/assaysec/assay/internal/parse/ghactions"
	"github.com/assaysec/assay/internal/parse/gitlabci"
	"github.com/assaysec/assay/internal/source"
)

// Name of the collector.
const Name = "ci/pipelines"

const (
	// maxFileSize caps one CI file; real workflows are a few kilobytes.
	maxFileSize = 2 << 20
	// maxFiles caps how many CI files are parsed.
	maxFiles = 2000
	// maxIncludes caps GitLab local includes followed.
	maxIncludes = 100
)

// Collector reads CI definitions.
type Collector struct{}

// New returns the collector.
func New() collector.Collector { return Collector{} }

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind {
	return []evidence.Kind{evidence.KindCIPipeline, evidence.KindCIScan}
}

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// skipSegments hold other people's code or test fixtures.
var skipSegments = map[string]bool{"testdata": true, "node_modules": true, "vendor": true, "third_party": true, "fixtures": true, "__fixtures__": true}

// Skipped reports whether p lies under a directory of fixtures or vendored code.
func Skipped(p string) bool {
	for _, seg := range strings.Split(path.Dir(p), "/") {
		if skipSegments[seg] {
			return true
		}
	}
	return false
}

// Collect implements collector.Collector.
func (Collector) Collect(ctx context.Context, in *collector.Input) ([]evidence.Record, error) {
	c := &run{in: in}
	for _, e := range in.Tree.Entries() {
		if err := ctx.Err(); err != nil {
			return c.out, err
		}
		if c.files >= maxFiles {
			break
		}
		switch {
		case ghactions.IsWorkflowPath(e.Path):
			c.read(e.Path, "GitHub Actions workflow", func(data []byte) (evidence.CIPipeline, bool, error) {
				p, err := ghactions.ParseWorkflow(e.Path, data)
				return p, true, err
			})
		case ghactions.IsActionPath(e.Path) && !Skipped(e.Path):
			c.read(e.Path, "GitHub Actions action metadata", func(data []byte) (evidence.CIPipeline, bool, error) {
				p, _, err := ghactions.ParseAction(e.Path, data)
				return p, len(p.Jobs) > 0, err
			})
		}
	}
	if in.Tree.Exists(".gitlab-ci.yml") {
		c.gitlab(ctx, ".gitlab-ci.yml")
	}
	c.out = append(c.out, evidence.Record{
		Fact:       evidence.CIScan{Pipelines: c.parsed, Broken: c.broken},
		Provenance: in.Provenance(Name, evidence.Location{}, ""),
	})
	return c.out, nil
}

type run struct {
	in             *collector.Input
	out            []evidence.Record
	files          int
	parsed, broken int
	seen           map[string]bool
}

func (c *run) read(p, format string, parse func([]byte) (evidence.CIPipeline, bool, error)) (evidence.CIPipeline, bool) {
	c.files++
	data, err := c.in.Tree.ReadFile(p, maxFileSize)
	if err != nil {
		c.problem(p, 0, format, err.Error())
		return evidence.CIPipeline{}, false
	}
	pl, keep, err := parse(data)
	if err != nil {
		line := 0
		var ye *ciyaml.Error
		if errors.As(err, &ye) {
			line = ye.Line
		}
		c.problem(p, line, format, err.Error())
		return pl, false
	}
	if !keep {
		return pl, false
	}
	c.parsed++
	c.followScripts(&pl)
	c.out = append(c.out, evidence.Record{Fact: pl, Provenance: c.in.Provenance(Name, evidence.Location{Path: p}, source.Digest(data))})
	return pl, true
}

// localScript finds scripts a step runs from the repository: `bash x.sh`,
// `sh ./ci/test`, `source env.sh`, `./scripts/build.sh`.
// A command that is a relative path with a directory (scripts/publish)
// runs that file too.
var localScript = regexp.MustCompile(`(?m)(?:^|[\s;&|(])(?:(?:bash|sh|zsh|source|\.)\s+(?:-\w+\s+)*([\w./-]+)|(\./[\w./-]+))|^\s*["']?([\w-]+/[\w./-]+)["']?\s*$`)

const (
	// maxScriptSize caps a followed script; maxScripts caps scripts per file.
	maxScriptSize = 256 << 10
	maxScripts    = 20
)

// followScripts appends, after each step that runs a local script, a step
// holding that script's text, so what the script does counts as what the
// job does. Scripts are read, never run, and not followed further.
func (c *run) followScripts(pl *evidence.CIPipeline) {
	n := 0
	for ji := range pl.Jobs {
		j := &pl.Jobs[ji]
		var steps []evidence.CIStep
		for _, s := range j.Steps {
			steps = append(steps, s)
			if s.Run == "" || n >= maxScripts {
				continue
			}
			for _, m := range localScript.FindAllStringSubmatch(s.Run, 4) {
				ref := m[1]
				if ref == "" {
					ref = m[2]
				}
				if ref == "" {
					ref = m[3]
				}
				p := path.Clean(strings.TrimPrefix(ref, "./"))
				if p == "." || strings.HasPrefix(p, "..") || !c.in.Tree.Exists(p) || n >= maxScripts {
					continue
				}
				data, err := c.in.Tree.ReadFile(p, maxScriptSize)
				if err != nil {
					continue
				}
				n++
				steps = append(steps, evidence.CIStep{Line: s.Line, Run: string(data), RunLine: 1, File: p, Section: "script " + p})
			}
		}
		j.Steps = steps
	}
}

func (c *run) problem(p string, line int, format, msg string) {
	c.broken++
	c.out = append(c.out, evidence.Record{
		Fact:       evidence.ParseProblem{Path: p, Line: line, Format: format, Error: msg},
		Provenance: c.in.Provenance(Name, evidence.Location{Path: p, Line: line}, ""),
	})
}

// gitlab reads a GitLab CI file and, breadth first, the local files it
// includes (wildcards are matched against the tree index).
func (c *run) gitlab(ctx context.Context, root string) {
	c.seen = map[string]bool{}
	queue := []string{root}
	for len(queue) > 0 && len(c.seen) < maxIncludes && ctx.Err() == nil {
		p := queue[0]
		queue = queue[1:]
		if c.seen[p] {
			continue
		}
		c.seen[p] = true
		pl, ok := c.read(p, "GitLab CI file", func(data []byte) (evidence.CIPipeline, bool, error) {
			pl, err := gitlabci.Parse(p, data)
			return pl, true, err
		})
		if !ok {
			continue
		}
		for _, inc := range pl.Includes {
			if inc.Kind != "local" {
				continue
			}
			queue = append(queue, c.localTargets(inc.Target)...)
		}
	}
}

func (c *run) localTargets(target string) []string {
	t := strings.TrimPrefix(target, "/")
	if !strings.ContainsAny(t, "*?[") {
		if c.in.Tree.Exists(t) {
			return []string{t}
		}
		return nil
	}
	var out []string
	for _, e := range c.in.Tree.Find(func(p string) bool { return globMatch(t, p) }) {
		out = append(out, e.Path)
		if len(out) >= maxIncludes {
			break
		}
	}
	return out
}

// globMatch supports GitLab's * (one directory level) and ** (any depth).
func globMatch(pattern, p string) bool {
	if !strings.Contains(pattern, "**") {
		ok, _ := path.Match(pattern, p)
		return ok
	}
	parts := strings.SplitN(pattern, "**", 2)
	if !strings.HasPrefix(p, parts[0]) {
		return false
	}
	rest := strings.TrimPrefix(parts[1], "/")
	tail := p[len(parts[0]):]
	segs := strings.Split(tail, "/")
	for i := range segs {
		if ok, _ := path.Match(rest, strings.Join(segs[i:], "/")); ok {
			return true
		}
	}
	return false
}
