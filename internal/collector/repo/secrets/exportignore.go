package secrets

import (
	"path"
	"strings"

	"github.com/assaysec/assay/internal/scope"
)

// exportIgnore holds the root .gitattributes patterns that carry
// export-ignore: paths git archive leaves out of the source archive, which
// is what Packagist and GitHub's release archives serve. A file there is
// the repository's own tooling (a docker-compose file of test services, a
// lint configuration), not part of what ships.
type exportIgnore []attrPattern

type attrPattern struct {
	glob     string // slash-separated glob; ** matches any run of segments
	anchored bool   // the pattern holds a slash: it is matched from the root
	set      bool   // export-ignore, or -export-ignore / !export-ignore
}

// parseExportIgnore reads the export-ignore lines of a .gitattributes file.
func parseExportIgnore(data []byte) exportIgnore {
	var out exportIgnore
	for line := range strings.Lines(string(data)) {
		fields := strings.Fields(line)
		if len(fields) < 2 || strings.HasPrefix(fields[0], "#") || strings.HasPrefix(fields[0], "!") || strings.HasPrefix(fields[0], "\"") {
			continue
		}
		for _, a := range fields[1:] {
			var set bool
			switch a {
			case "export-ignore":
				set = true
			case "-export-ignore", "!export-ignore":
			default:
				continue
			}
			// A trailing slash names a directory; git archive leaves out
			// everything below an export-ignored directory either way.
			p := strings.TrimSuffix(fields[0], "/")
			anchored := strings.Contains(p, "/")
			p = strings.TrimPrefix(p, "/")
			if p == "" {
				continue
			}
			out = append(out, attrPattern{glob: p, anchored: anchored, set: set})
		}
	}
	return out
}

// ignored reports whether git archive leaves p out: the last pattern that
// matches p or one of its directories decides.
func (e exportIgnore) ignored(p string) bool {
	segs := strings.Split(p, "/")
	out := false
	for _, a := range e {
		for i := 1; i <= len(segs); i++ {
			if a.match(segs[:i]) {
				out = a.set
				break
			}
		}
	}
	return out
}

func (a attrPattern) match(segs []string) bool {
	if !a.anchored {
		ok, _ := path.Match(a.glob, segs[len(segs)-1])
		return ok
	}
	return scope.Match(a.glob, segs)
}
