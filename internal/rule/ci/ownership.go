package ci

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/parse/codeowners"
	"github.com/assaysec/assay/internal/rule"
)

func codeownersCoverBuild(ev *evidence.Set) []rule.Finding {
	const id = "codeownersCoverBuild"
	var files []string
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		files = append(files, it.Fact.Path)
	}
	for _, it := range evidence.Facts[evidence.Dockerfile](ev) {
		files = append(files, it.Fact.Path)
	}
	if scan, ok := evidence.First[evidence.CIScan](ev); ok {
		for _, f := range unparsed(scan.Fact) {
			files = append(files, f.Path)
		}
	}
	if len(files) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no CI definitions or Dockerfiles to own")}
	}
	co, ok := evidence.First[evidence.CodeOwners](ev)
	if !ok {
		return []rule.Finding{rule.Absent(id, evidence.Location{}, "no CODEOWNERS file (.github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS or .gitlab/CODEOWNERS) names owners for %d build files", len(files))}
	}
	files = append(files, co.Fact.Path)
	var out []rule.Finding
	covered := 0
	for _, f := range files {
		if owners, _ := codeowners.Owners(co.Fact, f); len(owners) == 0 {
			out = append(out, rule.Absent(id, loc(f, 0), "%s has no code owner in %s", f, co.Fact.Path))
			continue
		}
		covered++
	}
	if len(out) > 0 {
		return out
	}
	return []rule.Finding{rule.New(id, rule.True, loc(co.Fact.Path, 0), "%s names owners for all %d CI definitions, Dockerfiles and itself", co.Fact.Path, covered)}
}

// ecosystem is one kind of dependency that update automation should cover.
type ecosystem struct {
	name       string   // shown in messages
	dependabot []string // package-ecosystem values
	renovate   []string // manager names
	optIn      bool     // Renovate leaves this manager off unless enabled
}

var ecosystems = map[string]ecosystem{
	"npm":            {"npm", []string{"npm", "bun"}, []string{"npm", "bun"}, false},
	"Go":             {"Go modules", []string{"gomod"}, []string{"gomod"}, false},
	"crates.io":      {"Cargo", []string{"cargo"}, []string{"cargo"}, false},
	"PyPI":           {"Python", []string{"pip", "uv", "pipenv", "poetry"}, []string{"pip_requirements", "pip-compile", "pep621", "poetry", "pipenv", "setup-cfg", "pep723"}, false},
	"RubyGems":       {"Bundler", []string{"bundler"}, []string{"bundler"}, false},
	"Packagist":      {"Composer", []string{"composer"}, []string{"composer"}, false},
	"SwiftURL":       {"Swift", []string{"swift"}, []string{"swift"}, false},
	"Pub":            {"Pub", []string{"pub"}, []string{"pub"}, false},
	"Hex":            {"Hex", []string{"mix"}, []string{"mix"}, false},
	"Maven/maven":    {"Maven", []string{"maven"}, []string{"maven", "maven-wrapper"}, false},
	"Maven/gradle":   {"Gradle", []string{"gradle"}, []string{"gradle", "gradle-wrapper"}, false},
	"NuGet":          {"NuGet", []string{"nuget", "dotnet-sdk"}, []string{"nuget"}, false},
	"github-actions": {"GitHub Actions", []string{"github-actions"}, []string{"github-actions"}, false},
	"docker":         {"Docker images", []string{"docker"}, []string{"dockerfile"}, false},
	"gitlab-ci":      {"GitLab CI images and includes", nil, []string{"gitlabci", "gitlabci-include"}, false},
	"pre-commit":     {"pre-commit hooks", []string{"pre-commit"}, []string{"pre-commit"}, true},
}

// need is one ecosystem in one directory.
type need struct {
	key string
	dir string // "." for the root
	at  evidence.Location
}

func updateAutomationCoversEcosystems(ev *evidence.Set) []rule.Finding {
	const id = "updateAutomationCoversEcosystems"
	var needs []need
	seen := map[string]bool{}
	addNeed := func(key, dir string, at evidence.Location) {
		k := key + "\x00" + dir
		if seen[k] {
			return
		}
		seen[k] = true
		needs = append(needs, need{key: key, dir: dir, at: at})
	}
	for _, it := range evidence.Facts[evidence.Manifest](ev) {
		m := it.Fact
		key := m.Ecosystem
		if key == "Maven" {
			key = "Maven/" + m.Manager
		}
		if _, ok := ecosystems[key]; !ok {
			continue
		}
		addNeed(key, path.Dir(m.Path), loc(m.Path, 0))
	}
	gitlabUsesImages := false
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		pl := it.Fact
		switch pl.System {
		case evidence.CIGitHubActions:
			if usesThirdParty(pl) {
				addNeed("github-actions", ".", loc(pl.Path, 0))
			}
		case evidence.CIGitLab:
			for _, j := range pl.Jobs {
				if len(j.Images) > 0 {
					gitlabUsesImages = true
				}
			}
			if gitlabUsesImages || len(pl.Includes) > 0 {
				addNeed("gitlab-ci", ".", loc(pl.Path, 0))
			}
		}
	}
	for _, it := range evidence.Facts[evidence.Dockerfile](ev) {
		if len(it.Fact.From) > 0 {
			addNeed("docker", path.Dir(it.Fact.Path), loc(it.Fact.Path, it.Fact.From[0].Line))
		}
	}
	for _, it := range evidence.Facts[evidence.PreCommit](ev) {
		if len(it.Fact.Repos) > 0 {
			addNeed("pre-commit", ".", loc(it.Fact.Path, 0))
		}
	}
	if len(needs) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no package ecosystems, third-party actions or container images detected")}
	}
	configs := evidence.Facts[evidence.UpdateConfig](ev)
	var precommitAuto *evidence.PreCommit
	for _, it := range evidence.Facts[evidence.PreCommit](ev) {
		if it.Fact.CIBlock && it.Fact.AutoUpdate {
			pc := it.Fact
			precommitAuto = &pc
		}
	}
	var out []rule.Finding
	for _, n := range needs {
		e := ecosystems[n.key]
		by, where := covered(n, e, configs)
		if by == "" && n.key == "pre-commit" && precommitAuto != nil {
			by, where = "pre-commit.ci autoupdate", loc(precommitAuto.Path, 0)
		}
		dir := n.dir
		if dir == "." {
			dir = "/"
		} else {
			dir = "/" + dir
		}
		if by == "" {
			msg := fmt.Sprintf("%s in %s (%s) is not covered by Dependabot or Renovate", e.name, dir, n.at.Path)
			if len(configs) == 0 {
				msg = fmt.Sprintf("%s in %s (%s): no Dependabot or Renovate configuration found", e.name, dir, n.at.Path)
			}
			out = append(out, rule.New(id, rule.False, n.at, "%s", msg))
			continue
		}
		out = append(out, rule.New(id, rule.True, where, "%s in %s is updated by %s", e.name, dir, by))
	}
	return out
}

func usesThirdParty(pl evidence.CIPipeline) bool {
	for _, j := range pl.Jobs {
		if j.Uses != "" && !strings.HasPrefix(j.Uses, "./") {
			return true
		}
		for _, s := range j.Steps {
			if s.Uses != "" && !strings.HasPrefix(s.Uses, "./") && !strings.HasPrefix(s.Uses, "docker://") {
				return true
			}
		}
	}
	return false
}

// covered returns which tool covers a need, and the config location.
func covered(n need, e ecosystem, configs []evidence.Item[evidence.UpdateConfig]) (string, evidence.Location) {
	for _, it := range configs {
		c := it.Fact
		switch c.Tool {
		case "dependabot":
			for _, u := range c.Updates {
				if u.Disabled || !slices.Contains(e.dependabot, u.Ecosystem) {
					continue
				}
				if n.key == "github-actions" || dirCovered(n.dir, u.Directories) {
					return "Dependabot (" + u.Ecosystem + ")", loc(c.Path, u.Line)
				}
			}
		case "renovate":
			if c.Disabled {
				continue
			}
			for _, m := range e.renovate {
				if slices.Contains(c.DisabledManagers, m) {
					continue
				}
				if len(c.EnabledManagers) > 0 && !slices.Contains(c.EnabledManagers, m) {
					continue
				}
				if e.optIn && !slices.ContainsFunc(c.Updates, func(u evidence.UpdateEntry) bool { return u.Ecosystem == m }) {
					continue
				}
				return "Renovate (" + m + ")", loc(c.Path, c.Line)
			}
		}
	}
	return "", evidence.Location{}
}

// dirCovered matches a manifest directory against Dependabot directory
// entries ("/", "/web", and globs such as "/apps/*", "/**" or "**/*").
func dirCovered(dir string, entries []string) bool {
	d := strings.Trim(dir, "/")
	if d == "." {
		d = ""
	}
	var dsegs []string
	if d != "" {
		dsegs = strings.Split(d, "/")
	}
	for _, e := range entries {
		pat := strings.Trim(e, "/")
		var psegs []string
		if pat != "" && pat != "." {
			psegs = strings.Split(pat, "/")
		}
		if segMatch(psegs, dsegs, 0) {
			return true
		}
	}
	return false
}

// segMatch matches path segments, with ** standing for any number of
// segments (including none) and * ? [] within one.
func segMatch(pat, segs []string, depth int) bool {
	if depth > 64 {
		return false
	}
	if len(pat) == 0 {
		return len(segs) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(segs); i++ {
			if segMatch(pat[1:], segs[i:], depth+1) {
				return true
			}
		}
		return false
	}
	// "**/*" also covers the root, as Dependabot reads it.
	if len(segs) == 0 {
		return len(pat) == 1 && pat[0] == "*" && depth > 0
	}
	if ok, _ := path.Match(pat[0], segs[0]); !ok {
		return false
	}
	return segMatch(pat[1:], segs[1:], depth+1)
}
