package release

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/evidence/publishing"
	"github.com/assaysec/assay/internal/rule"
)

// registries are the public registries package manifests publish to, with
// the HTTPS address customers fetch from.
var registries = map[string]struct{ name, url string }{
	"pypi":      {"PyPI", "https://pypi.org"},
	"npm":       {"npm", "https://registry.npmjs.org"},
	"crates.io": {"crates.io", "https://crates.io"},
	"maven":     {"Maven Central", "https://repo.maven.apache.org/maven2"},
	"packagist": {"Packagist", "https://packagist.org"},
	"rubygems":  {"RubyGems", "https://rubygems.org"},
	"go-proxy":  {"the Go module proxy", "https://proxy.golang.org"},
	"nuget":     {"NuGet", "https://api.nuget.org"},
	"cocoapods": {"CocoaPods", "https://cdn.cocoapods.org"},
}

// ciChannels are the channels CI publish steps reach, when the step names
// no address: each is served over HTTPS by the protocol its clients use.
var ciChannels = map[string]string{
	publishing.PyPI:              "https://upload.pypi.org",
	publishing.NPM:               "https://registry.npmjs.org",
	publishing.Crates:            "https://crates.io",
	publishing.GitHubReleases:    "https://github.com",
	publishing.GitLabReleases:    "https://gitlab.com",
	publishing.ContainerRegistry: "https://",
	publishing.Maven:             "https://",
	publishing.RubyGems:          "https://rubygems.org",
	publishing.NuGet:             "https://api.nuget.org",
	publishing.Helm:              "https://",
}

// inferredChannels judges the channels that package manifests and CI
// publish jobs imply, and the http:// download paths installation
// documents publish. A registry named by a manifest without an address is
// the public registry, which serves only HTTPS.
func inferredChannels(id string, ev *evidence.Set) ([]rule.Finding, []rule.Finding) {
	var trues, falses []rule.Finding
	seen := map[string]bool{}
	for _, it := range evidence.Facts[evidence.Packaging](ev) {
		pk := it.Fact
		for _, c := range pk.Channels {
			reg, ok := registries[c.Channel]
			if !ok {
				continue
			}
			l := evidence.Location{Path: c.Path, Line: c.Line}
			what := reg.name
			if c.Name != "" {
				what = fmt.Sprintf("%s package %s", reg.name, c.Name)
			}
			if c.URL != "" {
				o, why := judgeURL(c.URL)
				if o == rule.False {
					falses = append(falses, rule.Violated(id, l, "%s (%s:%d) publishes to %s, which %s", what, c.Path, c.Line, c.URL, why))
					continue
				}
				if key := c.URL; !seen[key] {
					seen[key] = true
					f := rule.New(id, o, l, "%s (%s:%d) publishes to %s, which %s", what, c.Path, c.Line, c.URL, why)
					f.Values = map[string]string{"url": c.URL, "channel": c.Channel}
					trues = append(trues, f)
				}
				continue
			}
			if seen[c.Channel] {
				continue
			}
			seen[c.Channel] = true
			f := rule.New(id, rule.True, l, "%s (%s:%d) is distributed through %s, served over HTTPS (%s)", what, c.Path, c.Line, reg.name, reg.url)
			f.Values = map[string]string{"url": reg.url, "channel": c.Channel}
			trues = append(trues, f)
		}
		for _, d := range pk.Downloads {
			u, err := url.Parse(d.URL)
			host := d.URL
			if err == nil {
				host = u.Host
			}
			if d.Link {
				// Prose with a link is often about another program ("download
				// less from its homepage"); only a person can tell.
				trues = append(trues, rule.New(id, rule.NotAvailable, evidence.Location{Path: d.Path, Line: d.Line},
					"%s:%d links to a page over plain http:// where it speaks of downloading (%s from %s); whether customers get this software there, rather than another program, needs a person to read it (publish the link over https://, or set releases in assay.yaml)", d.Path, d.Line, d.URL, host))
				continue
			}
			falses = append(falses, rule.Violated(id, evidence.Location{Path: d.Path, Line: d.Line},
				"%s:%d tells customers to download over plain http:// (%s from %s), which a network attacker can swap; publish the link over https://", d.Path, d.Line, d.URL, host))
		}
	}
	var pls []evidence.CIPipeline
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		pls = append(pls, it.Fact)
	}
	for _, p := range publishing.Find(pls) {
		base, ok := ciChannels[p.Channel]
		if !ok {
			continue
		}
		// The address may come through the step's environment
		// (--source $NUGET_URL); every publish is checked for plain
		// http://, and one answer per channel says it is HTTPS.
		cmd := expandEnv(p.What, publishEnv(pls, p))
		if u := httpTarget(cmd); u != "" {
			if !seen["http:"+u] {
				seen["http:"+u] = true
				falses = append(falses, rule.Violated(id, evidence.Location{Path: p.Path, Line: p.Line}, "job %q of %s publishes to %s over plain http:// (%s)", p.Job, p.Pipeline, p.Destination(), u))
			}
			continue
		}
		if seen["ci:"+p.Channel] {
			continue
		}
		seen["ci:"+p.Channel] = true
		how := "served over HTTPS (" + base + ")"
		if u := httpsTarget(cmd); u != "" {
			how = "over HTTPS (" + u + ")"
		} else if base == "https://" {
			how = "whose clients push and pull over HTTPS"
		}
		f := rule.New(id, rule.True, evidence.Location{Path: p.Path, Line: p.Line}, "job %q of %s publishes to %s (%s), %s", p.Job, p.Pipeline, p.Destination(), p.What, how)
		f.Values = map[string]string{"channel": p.Channel}
		trues = append(trues, f)
	}
	return trues, falses
}

// publishEnv returns the environment the publish command of p runs with:
// the pipeline's and job's variables, then those of the workflow step that
// runs it (for a command read from a script, the step that runs the
// script).
func publishEnv(pls []evidence.CIPipeline, p publishing.Publish) map[string]string {
	for _, pl := range pls {
		if pl.Path != p.Pipeline {
			continue
		}
		for _, j := range pl.Jobs {
			if j.ID != p.Job {
				continue
			}
			env := map[string]string{}
			for k, v := range j.Env {
				env[k] = v
			}
			// A step read from a script keeps the line of the workflow
			// step that runs it; a command written in the workflow belongs
			// to the last step starting at or before it.
			stepLine := 0
			for _, st := range j.Steps {
				if st.File != "" && st.File == p.Path {
					stepLine = st.Line
					break
				}
			}
			var step *evidence.CIStep
			for i, st := range j.Steps {
				switch {
				case st.File != "":
				case stepLine > 0 && st.Line == stepLine:
					step = &j.Steps[i]
				case stepLine == 0 && p.Path == pl.Path && st.Line <= p.Line:
					step = &j.Steps[i]
				}
				if stepLine > 0 && step != nil {
					break
				}
			}
			if step != nil {
				for k, v := range step.Env {
					env[k] = v
				}
			}
			return env
		}
	}
	return nil
}

// reEnvRef matches a variable reference in a shell, PowerShell or cmd
// command: $NAME, ${NAME}, $Env:NAME, $env:NAME, %NAME%, ${{ env.NAME }}.
var reEnvRef = regexp.MustCompile(`\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\$(?i:env):([A-Za-z_][A-Za-z0-9_]*)|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)|%([A-Za-z_][A-Za-z0-9_]*)%`)

// expandEnv replaces the variables of env that cmd names by their values;
// others are left as written.
func expandEnv(cmd string, env map[string]string) string {
	if len(env) == 0 {
		return cmd
	}
	return reEnvRef.ReplaceAllStringFunc(cmd, func(ref string) string {
		m := reEnvRef.FindStringSubmatch(ref)
		for _, name := range m[1:] {
			if name == "" {
				continue
			}
			if v, ok := env[name]; ok && !strings.Contains(v, "${{") {
				return v
			}
		}
		return ref
	})
}

// httpsTarget returns the https:// address a publish command names, if any.
func httpsTarget(cmd string) string {
	for _, f := range strings.Fields(cmd) {
		f = strings.Trim(f, `"'`)
		if _, v, ok := strings.Cut(f, "="); ok && strings.HasPrefix(f, "--") {
			f = v
		}
		if strings.HasPrefix(strings.ToLower(f), "https://") {
			return f
		}
	}
	return ""
}

// httpTarget returns an http:// address a publish command uploads to.
func httpTarget(cmd string) string {
	for _, f := range strings.Fields(cmd) {
		f = strings.Trim(f, `"'`)
		if strings.HasPrefix(f, "--repository-url=") || strings.HasPrefix(f, "--registry=") || strings.HasPrefix(f, "--index-url=") {
			_, f, _ = strings.Cut(f, "=")
		}
		if strings.HasPrefix(strings.ToLower(f), "http://") && !strings.Contains(f, "localhost") && !strings.Contains(f, "127.0.0.1") {
			return f
		}
	}
	return ""
}
