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
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/parse/azurepipelines"
	"github.com/assaysec/assay/internal/parse/circleci"
	"github.com/assaysec/assay/internal/parse/ciyaml"
	"github.com/assaysec/assay/internal/parse/ghactions"
	"github.com/assaysec/assay/internal/parse/gitlabci"
	"github.com/assaysec/assay/internal/parse/travisci"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/textsafe"
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
		case travisci.IsPath(e.Path):
			c.read(e.Path, evidence.CITravis, "Travis CI file", func(data []byte) (evidence.CIPipeline, bool, error) {
				p, err := travisci.Parse(e.Path, data)
				return p, true, err
			})
		case circleci.IsPath(e.Path):
			c.read(e.Path, evidence.CICircleCI, "CircleCI configuration", func(data []byte) (evidence.CIPipeline, bool, error) {
				p, err := circleci.Parse(e.Path, data)
				return p, true, err
			})
		case azurepipelines.IsPath(e.Path):
			c.read(e.Path, evidence.CIAzure, "Azure Pipelines file", func(data []byte) (evidence.CIPipeline, bool, error) {
				p, err := azurepipelines.Parse(e.Path, data)
				return p, true, err
			})
		case unparsedSystem(e.Path) != "":
			c.defs = append(c.defs, evidence.CIFile{Path: e.Path, System: unparsedSystem(e.Path)})
		case ghactions.IsWorkflowPath(e.Path):
			c.read(e.Path, evidence.CIGitHubActions, "GitHub Actions workflow", func(data []byte) (evidence.CIPipeline, bool, error) {
				p, err := ghactions.ParseWorkflow(e.Path, data)
				return p, true, err
			})
		case ghactions.IsActionPath(e.Path) && !collector.FixtureOrVendored(e.Path):
			c.read(e.Path, evidence.CIGitHubComposite, "GitHub Actions action metadata", func(data []byte) (evidence.CIPipeline, bool, error) {
				p, _, err := ghactions.ParseAction(e.Path, data)
				return p, len(p.Jobs) > 0, err
			})
		}
	}
	if in.Tree.Exists(".gitlab-ci.yml") {
		c.gitlab(ctx, ".gitlab-ci.yml")
	}
	scan := evidence.CIScan{Pipelines: c.parsed, Broken: c.broken, Files: c.defs, CoverageThresholds: coverageThresholds(in)}
	scan.DefaultBranch, scan.DefaultBranchFrom = defaultBranch(in.History)
	c.out = append(c.out, evidence.Record{
		Fact:       scan,
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
	defs           []evidence.CIFile
}

// unparsedSystem names the CI system of a definition file Assay detects
// but does not read; "" for any other file.
func unparsedSystem(p string) string {
	dir, file := path.Split(p)
	switch {
	case p == "Jenkinsfile" || (dir == "" && strings.HasPrefix(file, "Jenkinsfile.")) || strings.HasSuffix(p, ".jenkinsfile"):
		return evidence.CIJenkins
	case p == "appveyor.yml" || p == ".appveyor.yml" || p == "appveyor.yaml" || p == ".appveyor.yaml":
		return evidence.CIAppVeyor
	case dir == ".buildkite/" && (strings.HasPrefix(file, "pipeline") && (strings.HasSuffix(file, ".yml") || strings.HasSuffix(file, ".yaml") || strings.HasSuffix(file, ".sh"))):
		return evidence.CIBuildkite
	case p == "bitbucket-pipelines.yml":
		return evidence.CIBitbucket
	case p == ".cirrus.yml" || p == ".cirrus.star":
		return evidence.CICirrus
	case p == ".drone.yml" || p == ".drone.star":
		return evidence.CIDrone
	case p == ".woodpecker.yml" || p == ".woodpecker.yaml" || (dir == ".woodpecker/" && (strings.HasSuffix(file, ".yml") || strings.HasSuffix(file, ".yaml"))):
		return evidence.CIWoodpecker
	case p == "cloudbuild.yaml" || p == "cloudbuild.yml" || p == "cloudbuild.json":
		return evidence.CICloudBuild
	}
	return ""
}

// defaultBranch reads the default branch from git: origin/HEAD when the
// clone recorded it, else HEAD's branch.
func defaultBranch(h *source.History) (string, string) {
	if h == nil {
		return "", ""
	}
	if r := h.Repository(); r != nil {
		if ref, err := r.Reference(plumbing.NewRemoteHEADReferenceName("origin"), false); err == nil && ref.Type() == plumbing.SymbolicReference {
			if b, ok := strings.CutPrefix(ref.Target().String(), "refs/remotes/origin/"); ok && b != "" && b != "HEAD" {
				return textsafe.Clean(b), "origin/HEAD"
			}
		}
	}
	if b := h.Branch(); b != "" && b != "HEAD" {
		return textsafe.Clean(b), "HEAD"
	}
	return "", ""
}

// read parses one CI file of system. A file that cannot be read or parsed
// is a parse problem and is still listed in the scan as broken, so rules
// know CI is there.
func (c *run) read(p, system, format string, parse func([]byte) (evidence.CIPipeline, bool, error)) (evidence.CIPipeline, bool) {
	c.files++
	data, err := c.in.Tree.ReadFile(p, maxFileSize)
	if err != nil {
		c.problem(p, 0, format, err.Error())
		c.defs = append(c.defs, evidence.CIFile{Path: p, System: system, Broken: true})
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
		c.defs = append(c.defs, evidence.CIFile{Path: p, System: system, Broken: true})
		return pl, false
	}
	if !keep {
		return pl, false
	}
	c.parsed++
	c.defs = append(c.defs, evidence.CIFile{Path: p, System: pl.System, Parsed: true})
	c.followScripts(&pl)
	c.out = append(c.out, evidence.Record{Fact: pl, Provenance: c.in.Provenance(Name, evidence.Location{Path: p}, source.Digest(data))})
	return pl, true
}

// localScript finds scripts a step runs from the repository: `bash x.sh`,
// `sh ./ci/test`, `source env.sh`, `./scripts/build.sh`, `scripts/test`
// at the start of a command, `python tools/run_tests.py`, and the
// PowerShell form `.\build\run.ps1` that Windows pipelines write.
var localScript = lazyre.New(`(?m)(?:^|[\s;&|(])(?:(?:bash|sh|zsh|source|\.|pwsh|python[\d.]*)\s+(?:-\w+\s+)*([\w./-]+)|(\./[\w./-]+))|(?:^|[;&|(])\s*(?:[A-Za-z_]\w*=\S*\s+)*([\w.-]+/[\w./-]+)|(?:^|[\s;&|(])&?\s*(\.\\[\w.\\-]+\.(?:ps1|cmd|bat))`)

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
			c.followInto(&steps, s, &n, 0)
			c.followMake(&steps, s)
		}
		j.Steps = steps
	}
}

// followInto appends the scripts step s runs, and the scripts those run,
// two levels deep. Paths are read from the repository root, where jobs
// start. Scripts are read, never run.
func (c *run) followInto(steps *[]evidence.CIStep, s evidence.CIStep, n *int, depth int) {
	if depth >= 2 {
		return
	}
	for _, m := range localScript.FindAllStringSubmatch(s.Run, 8) {
		p := path.Clean(strings.TrimPrefix(m[1]+m[2]+m[3]+strings.ReplaceAll(m[4], `\`, "/"), "./"))
		if p == "." || strings.HasPrefix(p, "..") || strings.HasPrefix(p, "/") || p == s.File || !c.in.Tree.Exists(p) || c.in.Tree.IsDir(p) || *n >= maxScripts {
			continue
		}
		data, err := c.in.Tree.ReadFile(p, maxScriptSize)
		if err != nil {
			continue
		}
		*n++
		sub := evidence.CIStep{Line: s.Line, Run: string(data), RunLine: 1, File: p, Section: "script " + p, ContinueOnError: s.ContinueOnError}
		*steps = append(*steps, sub)
		c.followInto(steps, sub, n, depth+1)
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
		pl, ok := c.read(p, evidence.CIGitLab, "GitLab CI file", func(data []byte) (evidence.CIPipeline, bool, error) {
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
