package history

import (
	"bytes"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/assaysec/assay/internal/deps"
)

// goModPins reads what a historical go.mod revision pins, as the full
// extractor would: require lines, then replace directives, then the
// standard library at the toolchain or go version. It is a line scanner
// for the plain form go.mod files take; on anything else (quoted paths,
// exclude or retract blocks, odd punctuation) it returns ok false and the
// caller falls back to full extraction, so the answer never differs.
func goModPins(p string, data []byte) (map[string]deps.Package, bool) {
	type key struct{ name, version string }
	var (
		order []key // first-seen order of the require keys
		// Sized for a require on every line (an upper bound): the map
		// otherwise grows through every power of two on each of the
		// hundreds of revisions a history walk reads.
		pkgs       = make(map[key]key, bytes.Count(data, []byte{'\n'})+1)
		replaces   [][4]string // old path, old version, new path, new version
		block      string      // "require" or "replace" inside ( ), else ""
		seenModule bool
		goVer      string
		toolchain  string
		haveGo     bool
		haveTC     bool
	)
	for raw := range strings.SplitSeq(string(data), "\n") {
		line := raw
		if i := strings.Index(line, "//"); i >= 0 {
			if i > 0 && line[i-1] != ' ' && line[i-1] != '\t' {
				return nil, false
			}
			line = line[:i]
		}
		for i := 0; i < len(line); i++ {
			if c := line[i]; (c < 0x20 && c != '\t') || c >= 0x7f || strings.IndexByte("\"`'[]{},", c) >= 0 {
				return nil, false
			}
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		for _, t := range f {
			if t != "=>" && strings.ContainsAny(t, "=()") && !(t == "(" || t == ")") {
				return nil, false
			}
		}
		verb, args := f[0], f[1:]
		if block != "" {
			if len(f) == 1 && f[0] == ")" {
				block = ""
				continue
			}
			verb, args = block, f
		} else if len(args) == 1 && args[0] == "(" && (verb == "require" || verb == "replace") {
			block = verb
			continue
		}
		if slicesContains(args, "(") || slicesContains(args, ")") {
			return nil, false
		}
		switch verb {
		case "module":
			if seenModule || len(args) != 1 {
				return nil, false
			}
			seenModule = true
		case "go":
			if haveGo || len(args) != 1 || !modfile.GoVersionRE.MatchString(args[0]) {
				return nil, false
			}
			haveGo, goVer = true, args[0]
		case "toolchain":
			if haveTC || len(args) != 1 || !modfile.ToolchainRE.MatchString(args[0]) {
				return nil, false
			}
			haveTC, toolchain = true, args[0]
		case "require":
			if len(args) != 2 {
				return nil, false
			}
			v, ok := checkedVersion(args[0], args[1])
			if !ok {
				return nil, false
			}
			k := key{args[0], strings.TrimPrefix(v, "v")}
			if _, dup := pkgs[k]; !dup {
				order = append(order, k)
			}
			pkgs[k] = k
		case "replace":
			r, ok := parseReplace(args)
			if !ok {
				return nil, false
			}
			replaces = append(replaces, r)
		default:
			return nil, false
		}
	}
	if block != "" {
		return nil, false
	}
	for _, r := range replaces {
		var hit []key
		if r[1] == "" {
			for _, k := range order {
				if pkgs[k].name == r[0] {
					hit = append(hit, k)
				}
			}
		} else if _, ok := pkgs[key{r[0], strings.TrimPrefix(r[1], "v")}]; ok {
			hit = []key{{r[0], strings.TrimPrefix(r[1], "v")}}
		}
		for _, k := range hit {
			pkgs[k] = key{r[2], strings.TrimPrefix(r[3], "v")}
		}
	}
	out := make(map[string]deps.Package, len(order)+1) // the requires and the standard library
	add := func(name, version string) {
		pkg := deps.Package{Ecosystem: "Go", Name: name, Version: version, Path: p}
		pkg.Floor = deps.GoStdlibFloor(pkg)
		out[pkg.Key()] = pkg
	}
	for _, k := range order {
		v := pkgs[k]
		add(v.name, v.version)
	}
	std := ""
	if haveGo {
		std = goVer
	}
	if haveTC {
		v, _, _ := strings.Cut(toolchain, "-")
		std = strings.TrimPrefix(v, "go")
	}
	if std != "" {
		add("stdlib", std)
	}
	return out, true
}

// checkedVersion is a require or replace version as go.mod parsing
// accepts it (canonicalised), or ok false where parsing would fail.
func checkedVersion(path, v string) (string, bool) {
	_, major, ok := module.SplitPathVersion(path)
	if !ok {
		return "", false
	}
	cv := module.CanonicalVersion(v)
	if cv == "" || module.CheckPathMajor(cv, major) != nil {
		return "", false
	}
	return cv, true
}

// parseReplace reads "old [v] => new [v]".
func parseReplace(args []string) ([4]string, bool) {
	arrow := 2
	if len(args) >= 2 && args[1] == "=>" {
		arrow = 1
	}
	if len(args) < arrow+2 || len(args) > arrow+3 || args[arrow] != "=>" {
		return [4]string{}, false
	}
	var r [4]string
	r[0] = args[0]
	if _, _, ok := module.SplitPathVersion(r[0]); !ok {
		return r, false
	}
	if arrow == 2 {
		v, ok := checkedVersion(r[0], args[1])
		if !ok {
			return r, false
		}
		r[1] = v
	}
	r[2] = args[arrow+1]
	if len(args) == arrow+2 {
		if !modfile.IsDirectoryPath(r[2]) || strings.Contains(r[2], `\`) {
			return r, false
		}
		return r, true
	}
	if modfile.IsDirectoryPath(r[2]) {
		return r, false
	}
	cv := module.CanonicalVersion(args[arrow+2])
	if cv == "" {
		return r, false
	}
	r[3] = cv
	return r, true
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
