package ci

import (
	"fmt"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/rule"
)

// ---- package-manager installs in CI and Dockerfiles ----

var (
	pipInstall = lazyre.New(`(?m)\bpip3?(?:\.exe)?\s+install\b([^\n;&|]*)`)
	npmInstall = lazyre.New(`(?m)\bnpm\s+(?:install|i|add)\b([^\n;&|]*)`)
	goInstall  = lazyre.New(`(?m)\bgo\s+install\b([^\n;&|]*)`)
)

// pipValueFlags are pip install options that take a separate value.
var pipValueFlags = map[string]bool{
	"-e": true, "--editable": true, "-i": true, "--index-url": true, "--extra-index-url": true, "-f": true, "--find-links": true,
	"-t": true, "--target": true, "--prefix": true, "--root": true, "--platform": true, "--python-version": true, "--implementation": true,
	"--abi": true, "--only-binary": true, "--no-binary": true, "--progress-bar": true, "--cache-dir": true, "--src": true,
	"--upgrade-strategy": true, "--trusted-host": true, "--python": true, "--config-settings": true, "-C": true, "--log": true, "--timeout": true,
}

var npmValueFlags = map[string]bool{"--prefix": true, "--registry": true, "-w": true, "--workspace": true, "--cache": true, "--omit": true, "--include": true}

var exactVersion = lazyre.New(`^v?\d+\.\d+\.\d+(?:[-+][\w.-]+)?$|^[0-9a-f]{40}$`)

// localArg reports an argument that names local or computed content
// rather than a registry package.
func localArg(a string) bool {
	return a == "" || strings.HasPrefix(a, ".") || strings.HasPrefix(a, "/") || strings.HasPrefix(a, "~") || strings.Contains(a, "$") ||
		strings.HasSuffix(a, ".whl") || strings.HasSuffix(a, ".tar.gz") || strings.HasSuffix(a, ".zip") || strings.HasSuffix(a, ".tgz") ||
		strings.ContainsAny(a, "`*(){}\\") || strings.HasPrefix(a, "file:")
}

func words(s string) []string {
	var out []string
	for _, w := range strings.Fields(s) {
		if strings.HasPrefix(w, "#") {
			break
		}
		out = append(out, strings.Trim(w, `"'`))
	}
	return out
}

// pipUnpinned returns the packages a pip install names without an exact
// version (==), unless the command installs from a requirements or
// constraints file or requires hashes.
func pipUnpinned(args string) []string {
	var out []string
	ws := words(args)
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		switch {
		case w == "-r" || w == "--requirement" || w == "-c" || w == "--constraint" || strings.HasPrefix(w, "--requirement=") || strings.HasPrefix(w, "--constraint=") || w == "--require-hashes":
			return nil // the file pins, or hashes are enforced
		case strings.HasPrefix(w, "-"):
			if pipValueFlags[w] {
				i++
			}
		case localArg(w):
		case strings.Contains(w, "==") && !strings.Contains(w, ","):
		case strings.HasPrefix(w, "git+") && fullSHA.MatchString(w[strings.LastIndex(w, "@")+1:]):
		default:
			out = append(out, w)
		}
	}
	return out
}

// npmUnpinned returns what an npm install leaves unpinned: named packages
// without an exact version, or "" for a bare install (the lockfile
// decides).
func npmUnpinned(args string) (names []string, bare bool) {
	ws := words(args)
	named := false
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		if strings.HasPrefix(w, "-") {
			if npmValueFlags[w] {
				i++
			}
			continue
		}
		if localArg(w) || strings.Contains(w, "://") || strings.HasPrefix(w, "github:") {
			named = true
			continue
		}
		named = true
		at := strings.LastIndex(w, "@")
		if at <= 0 || !exactVersion.MatchString(w[at+1:]) {
			names = append(names, w)
		}
	}
	return names, !named
}

// goUnpinned returns the go install arguments that follow a moving
// version (@latest, a branch) rather than a tag or a commit.
// goPseudoVersion is a Go pseudo-version, which pins a commit.
var goPseudoVersion = lazyre.New(`^v\d+\.\d+\.\d+-\d{14}-[0-9a-f]{12}$`)

func goUnpinned(args string) []string {
	var out []string
	for _, w := range words(args) {
		if strings.HasPrefix(w, "-") || !strings.Contains(w, "@") {
			continue
		}
		v := w[strings.LastIndex(w, "@")+1:]
		if !exactVersion.MatchString(v) && !goPseudoVersion.MatchString(v) {
			out = append(out, w)
		}
	}
	return out
}

// npmLocked reports whether every npm manifest of the tree has a lockfile,
// and whether there is one at all.
func npmLocked(ev *evidence.Set) (locked, any bool) {
	locked = true
	for _, it := range evidence.Facts[evidence.Manifest](ev) {
		m := it.Fact
		if m.Ecosystem != "npm" {
			continue
		}
		any = true
		if m.LockNeeded && len(m.Lockfiles) == 0 {
			locked = false
		}
	}
	return locked, any
}

func packageInstallsPinned(ev *evidence.Set) []rule.Finding {
	const id = PackageInstallsPinned
	var out []rule.Finding
	installs := 0
	locked, _ := npmLocked(ev)
	check := func(script, p string, line int, fixLine bool) {
		at := func(i int) evidence.Location {
			if fixLine {
				return loc(p, line)
			}
			return loc(p, line+strings.Count(script[:i], "\n"))
		}
		for _, m := range pipInstall.FindAllStringSubmatchIndex(script, 20) {
			if evidence.InShellComment(script, m[0]) {
				continue
			}
			installs++
			if names := pipUnpinned(script[m[2]:m[3]]); len(names) > 0 {
				out = append(out, rule.New(id, rule.False, at(m[0]), "pip install of %s without an exact version (==), hashes or a requirements file", list(names)))
			}
		}
		for _, m := range npmInstall.FindAllStringSubmatchIndex(script, 20) {
			if evidence.InShellComment(script, m[0]) {
				continue
			}
			installs++
			names, bare := npmUnpinned(script[m[2]:m[3]])
			switch {
			case len(names) > 0:
				out = append(out, rule.New(id, rule.False, at(m[0]), "npm install of %s without an exact version", list(names)))
			case bare && !locked:
				out = append(out, rule.New(id, rule.False, at(m[0]), "npm install resolves dependencies afresh: a package.json has no lockfile (use npm ci with a committed package-lock.json)"))
			}
		}
		for _, m := range goInstall.FindAllStringSubmatchIndex(script, 20) {
			if evidence.InShellComment(script, m[0]) {
				continue
			}
			installs++
			if names := goUnpinned(script[m[2]:m[3]]); len(names) > 0 {
				out = append(out, rule.New(id, rule.False, at(m[0]), "go install of %s follows a moving version, not a tag or commit", list(names)))
			}
		}
	}
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		pl := it.Fact
		for _, j := range pl.Jobs {
			p := pl.Path
			if j.File != "" {
				p = j.File
			}
			for _, s := range j.Steps {
				if s.Run == "" {
					continue
				}
				sp := p
				if s.File != "" {
					sp = s.File
				}
				check(s.Run, sp, s.RunLine, false)
			}
		}
	}
	for _, it := range evidence.Facts[evidence.Dockerfile](ev) {
		for _, r := range it.Fact.Runs {
			check(r.Command, it.Fact.Path, r.Line, true)
		}
	}
	if len(out) > 0 {
		return out
	}
	if installs == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no pip, npm or go install commands in CI or Dockerfiles")}
	}
	return []rule.Finding{rule.New(id, rule.True, evidence.Location{}, "all %d pip, npm and go install commands in CI and Dockerfiles install pinned versions or from a lockfile", installs)}
}

func list(names []string) string {
	if len(names) > 5 {
		return fmt.Sprintf("%s and %d more", strings.Join(names[:5], ", "), len(names)-5)
	}
	return strings.Join(names, ", ")
}
