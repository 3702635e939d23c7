package ci

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
	"github.com/assaysec/assay/internal/scope"
	"github.com/assaysec/assay/internal/textsafe"
)

// ecosystem is one kind of dependency that update automation should cover.
type ecosystem struct {
	name       string   // shown in messages
	dependabot []string // package-ecosystem values
	renovate   []string // manager names
	optIn      bool     // Renovate leaves this manager off unless enabled
	// tooling marks build tooling (CI actions, hooks) rather than
	// components of the product: a gap there is reported, not a violation
	// of the product's update process.
	tooling bool
	// workspace: an entry for the root covers the subprojects the root
	// build includes (npm and Cargo workspaces, Maven modules, Gradle
	// include()), as Dependabot and Renovate resolve them from the root.
	workspace bool
}

var ecosystems = map[string]ecosystem{
	"npm":            {name: "npm", dependabot: []string{"npm", "bun"}, renovate: []string{"npm", "bun"}, workspace: true},
	"Go":             {name: "Go modules", dependabot: []string{"gomod"}, renovate: []string{"gomod"}},
	"crates.io":      {name: "Cargo", dependabot: []string{"cargo"}, renovate: []string{"cargo"}, workspace: true},
	"PyPI":           {name: "Python", dependabot: []string{"pip", "uv", "pipenv", "poetry"}, renovate: []string{"pip_requirements", "pip-compile", "pep621", "poetry", "pipenv", "setup-cfg", "pep723"}},
	"RubyGems":       {name: "Bundler", dependabot: []string{"bundler"}, renovate: []string{"bundler"}},
	"Packagist":      {name: "Composer", dependabot: []string{"composer"}, renovate: []string{"composer"}},
	"SwiftURL":       {name: "Swift", dependabot: []string{"swift"}, renovate: []string{"swift"}},
	"Pub":            {name: "Pub", dependabot: []string{"pub"}, renovate: []string{"pub"}},
	"Hex":            {name: "Hex", dependabot: []string{"mix"}, renovate: []string{"mix"}},
	"Maven/maven":    {name: "Maven", dependabot: []string{"maven"}, renovate: []string{"maven", "maven-wrapper"}, workspace: true},
	"Maven/gradle":   {name: "Gradle", dependabot: []string{"gradle"}, renovate: []string{"gradle", "gradle-wrapper"}, workspace: true},
	"NuGet":          {name: "NuGet", dependabot: []string{"nuget", "dotnet-sdk"}, renovate: []string{"nuget"}},
	"github-actions": {name: "GitHub Actions", dependabot: []string{"github-actions"}, renovate: []string{"github-actions"}, tooling: true},
	"docker":         {name: "Docker images", dependabot: []string{"docker"}, renovate: []string{"dockerfile"}},
	"gitlab-ci":      {name: "GitLab CI images and includes", renovate: []string{"gitlabci", "gitlabci-include"}, tooling: true},
	"pre-commit":     {name: "pre-commit hooks", dependabot: []string{"pre-commit"}, renovate: []string{"pre-commit"}, optIn: true, tooling: true},
}

// need is one ecosystem in one directory.
type need struct {
	key string
	dir string // "." for the root
	at  evidence.Location
}

// updateAutomationCoversEcosystems asks whether Dependabot or Renovate
// keeps each ecosystem of the product current (claim 1.2.5). Manifests
// outside the product scope need no coverage. No configuration at all is
// an absence; a configuration that leaves a product ecosystem out is a
// violation; a gap in build tooling (actions, hooks) is reported as an
// absence, since it is not a component of the product.
func updateAutomationCoversEcosystems(ev *evidence.Set) []rule.Finding {
	const id = UpdateAutomationCoversEcosystems
	w := wantedUpdates(ev)
	var out []rule.Finding
	if len(w.outside) > 0 {
		out = append(out, rule.New(id, rule.NotApplicable, evidence.Location{}, "%s and Dockerfiles outside the product need no update automation, e.g. %s", textsafe.Count(len(w.outside), "manifest"), strings.Join(w.outside[:min(3, len(w.outside))], ", ")))
	}
	if len(w.needs) == 0 {
		return append(out, rule.New(id, rule.NotApplicable, evidence.Location{}, "no package ecosystems, third-party actions or container images detected in the product"))
	}
	configs := evidence.Facts[evidence.UpdateConfig](ev)
	if len(configs) == 0 {
		var names []string
		for _, n := range w.needs {
			names = append(names, ecosystems[n.key].name+" in "+slashDir(n.dir))
		}
		return append(out, rule.Absent(id, w.needs[0].at, "no Dependabot or Renovate configuration found (.github/dependabot.yml, renovate.json and the other Renovate locations) for %s", strings.Join(names, ", ")))
	}
	return append(out, coverage(id, ev, w, configs)...)
}

// wanted is what update automation should cover in the product.
type wanted struct {
	needs []need
	seen  map[string]bool
	// members[key][dir] are the subproject globs of the workspace root in dir.
	members map[string]map[string][]string
	outside []string // manifests and Dockerfiles outside the product, with why
}

func (w *wanted) add(key, dir string, at evidence.Location) {
	k := key + "\x00" + dir
	if w.seen[k] {
		return
	}
	w.seen[k] = true
	w.needs = append(w.needs, need{key: key, dir: dir, at: at})
}

// wantedUpdates lists the ecosystems in the product that update
// automation should cover: manifests, third-party actions and CI images,
// Dockerfiles and pre-commit hooks.
func wantedUpdates(ev *evidence.Set) *wanted {
	var sc *scope.Scope
	if it, ok := evidence.First[evidence.ProductScope](ev); ok {
		s := it.Fact.Scope
		sc = &s
	}
	w := &wanted{seen: map[string]bool{}, members: map[string]map[string][]string{}}
	addNeed, members := w.add, w.members
	for _, it := range evidence.Facts[evidence.Manifest](ev) {
		m := it.Fact
		key := m.Ecosystem
		if key == "Maven" {
			key = "Maven/" + m.Manager
		}
		if _, ok := ecosystems[key]; !ok {
			continue
		}
		if m.OutOfScope != "" {
			w.outside = append(w.outside, m.Path+" ("+m.OutOfScope+")")
			continue
		}
		if len(m.Members) > 0 {
			if members[key] == nil {
				members[key] = map[string][]string{}
			}
			members[key][path.Dir(m.Path)] = m.Members
		}
		if m.NoDependencies && len(m.Members) == 0 {
			continue // nothing to update
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
		if len(it.Fact.From) == 0 {
			continue
		}
		if v := sc.Classify(it.Fact.Path); !v.In {
			w.outside = append(w.outside, it.Fact.Path+" ("+v.Why()+")")
			continue
		}
		addNeed("docker", path.Dir(it.Fact.Path), loc(it.Fact.Path, it.Fact.From[0].Line))
	}
	for _, it := range evidence.Facts[evidence.PreCommit](ev) {
		if len(it.Fact.Repos) > 0 {
			addNeed("pre-commit", ".", loc(it.Fact.Path, 0))
		}
	}
	return w
}

// coverage answers, for each wanted ecosystem, whether a Dependabot or
// Renovate configuration (or pre-commit.ci) updates it.
func coverage(id string, ev *evidence.Set, w *wanted, configs []evidence.Item[evidence.UpdateConfig]) []rule.Finding {
	var out []rule.Finding
	needs, members := w.needs, w.members
	var precommitAuto *evidence.PreCommit
	for _, it := range evidence.Facts[evidence.PreCommit](ev) {
		if it.Fact.CIBlock && it.Fact.AutoUpdate {
			pc := it.Fact
			precommitAuto = &pc
		}
	}
	for _, n := range needs {
		e := ecosystems[n.key]
		by, where, via := coveredVia(n, e, configs, members[n.key])
		if by == "" && n.key == "pre-commit" && precommitAuto != nil {
			by, where = "pre-commit.ci autoupdate", loc(precommitAuto.Path, 0)
		}
		dir := slashDir(n.dir)
		if by == "" {
			msg := fmt.Sprintf("%s in %s (%s) is not covered by the Dependabot or Renovate configuration (%s)", e.name, dir, n.at.Path, configs[0].Fact.Path)
			if e.tooling {
				out = append(out, rule.Absent(id, n.at, "%s; it is build tooling, not a component of the product", msg))
			} else {
				out = append(out, rule.Violated(id, n.at, "%s", msg))
			}
			continue
		}
		if via != "" {
			by += ", through the " + via
		}
		out = append(out, rule.New(id, rule.True, where, "%s in %s is updated by %s", e.name, dir, by))
	}
	return out
}

func slashDir(dir string) string {
	if dir == "." {
		return "/"
	}
	return "/" + dir
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

// coveredVia is covered, and for workspace ecosystems also the coverage of
// a workspace root (at any ancestor, up to a few levels of nesting) whose
// members include the need's directory. via names that root.
func coveredVia(n need, e ecosystem, configs []evidence.Item[evidence.UpdateConfig], roots map[string][]string) (string, evidence.Location, string) {
	if by, where := covered(n, e, configs); by != "" {
		return by, where, ""
	}
	if !e.workspace {
		return "", evidence.Location{}, ""
	}
	dir := n.dir
	for range 8 {
		root, ok := memberOf(dir, roots)
		if !ok {
			break
		}
		if by, where := covered(need{key: n.key, dir: root, at: n.at}, e, configs); by != "" {
			return by, where, "workspace or multi-module build in " + slashDir(root)
		}
		dir = root
	}
	return "", evidence.Location{}, ""
}

// memberOf returns the workspace root (nearest ancestor first) listing dir
// as a member.
func memberOf(dir string, roots map[string][]string) (string, bool) {
	segs := strings.Split(dir, "/")
	for anc := path.Dir(dir); ; anc = path.Dir(anc) {
		for _, g := range roots[anc] {
			if g != "" && anc != dir && scope.Match(g, segs) {
				return anc, true
			}
		}
		if anc == "." || anc == "/" {
			return "", false
		}
	}
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
			// Renovate manages every default manager unless told not to;
			// presets (config:recommended, config:base, an organisation
			// preset) do not narrow that.
			if c.Disabled || ignored(n.dir, c.IgnorePaths) {
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

// ignored reports whether a Renovate ignorePaths glob covers dir.
func ignored(dir string, globs []string) bool {
	if dir == "." || len(globs) == 0 {
		return false
	}
	segs := strings.Split(dir, "/")
	for i := 1; i <= len(segs); i++ {
		for _, g := range globs {
			if scope.Match(g, segs[:i]) {
				return true
			}
		}
	}
	return false
}
