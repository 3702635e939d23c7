package manifests

import (
	"path"

	"strings"

	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/source"
)

// setuptoolsRequirement is one install_requires entry and its 1-based line.
type setuptoolsRequirement struct {
	text string
	line int
}

// setuptoolsRequires reads the install_requires of a setup.cfg or setup.py.
// It is a line scan, not a Python or INI parser: it only needs to know
// whether the package declares runtime dependencies and the first one that
// is a range. opaque is set when install_requires is present but taken
// from somewhere this scan cannot read (a variable, a file: directive), so
// dependencies must be assumed.
func setuptoolsRequires(base string, data []byte) (reqs []setuptoolsRequirement, opaque bool) {
	if base == "setup.cfg" {
		return setupCfgRequires(data)
	}
	return setupPyRequires(data)
}

var setupCfgKey = lazyre.New(`^install_requires\s*=\s*(.*)$`)

// setupCfgRequires reads "install_requires =" and the indented lines that
// continue it, in the INI dangling-list form setuptools documents.
func setupCfgRequires(data []byte) ([]setuptoolsRequirement, bool) {
	var reqs []setuptoolsRequirement
	opaque, in := false, false
	for i, raw := range strings.Split(string(data), "\n") {
		if i > maxLines {
			break
		}
		line := strings.TrimRight(raw, "\r")
		trimmed := strings.TrimSpace(line)
		indented := line != "" && (line[0] == ' ' || line[0] == '\t')
		if in {
			if trimmed == "" || indented {
				if trimmed != "" && !strings.HasPrefix(trimmed, "#") {
					reqs = append(reqs, setuptoolsRequirement{text: trimmed, line: i + 1})
				}
				continue
			}
			in = false
		}
		if m := setupCfgKey.FindStringSubmatch(trimmed); m != nil && !indented {
			in = true
			v := strings.TrimSpace(m[1])
			switch {
			case strings.HasPrefix(v, "file:"):
				opaque = true
			case v != "" && !strings.HasPrefix(v, "#"):
				reqs = append(reqs, setuptoolsRequirement{text: v, line: i + 1})
			}
		}
	}
	return reqs, opaque
}

var (
	setupPyKey    = lazyre.New(`\binstall_requires\s*=\s*`)
	setupPyQuoted = lazyre.New(`["']([^"'\n]+)["']`)
)

// setupPyRequires reads install_requires=[...] from a setup.py call. A list
// literal is read entry by entry; anything else (a variable, a file read) is
// opaque.
func setupPyRequires(data []byte) ([]setuptoolsRequirement, bool) {
	s := string(data)
	loc := setupPyKey.FindStringIndex(s)
	if loc == nil {
		return nil, false
	}
	rest := s[loc[1]:]
	end := strings.IndexByte(rest, ']')
	if !strings.HasPrefix(rest, "[") || end < 0 {
		return nil, true
	}
	first := strings.Count(s[:loc[1]], "\n") + 1
	list := rest[:end]
	var reqs []setuptoolsRequirement
	for _, m := range setupPyQuoted.FindAllStringSubmatchIndex(list, -1) {
		reqs = append(reqs, setuptoolsRequirement{text: list[m[2]:m[3]], line: first + strings.Count(list[:m[0]], "\n")})
	}
	return reqs, false
}

// setuptoolsNeedsLock reports whether a setup.cfg or setup.py declares
// runtime dependencies that a lockfile should pin.
func setuptoolsNeedsLock(base string) func([]byte) (bool, string) {
	return func(data []byte) (bool, string) {
		if reqs, opaque := setuptoolsRequires(base, data); len(reqs) > 0 || opaque {
			return true, ""
		}
		return false, base + " declares no install_requires"
	}
}

// setuptoolsRange returns the first install_requires entry not pinned
// exactly.
func setuptoolsRange(base string, data []byte) (string, int) {
	reqs, _ := setuptoolsRequires(base, data)
	for _, r := range reqs {
		if !pep440Exact.MatchString(r.text) {
			return r.text, r.line
		}
	}
	return "", 0
}

// declaredByPyproject reports whether dir holds a pyproject.toml that
// declares dependencies itself.
func declaredByPyproject(t *source.Tree, dir string) bool {
	data, err := t.ReadFile(path.Join(dir, "pyproject.toml"), limits.MaxSmallFileSize)
	if err != nil {
		return false
	}
	need, _ := pyprojectNeedsLock(data)
	return need
}
