// Package toolchains reads the runtime versions that CI definitions,
// version files and container images name: setup-* versions, CI matrices,
// Travis language lists, FROM and image: lines. Rules judge them against
// dated end-of-life tables; this package only reports what is written.
package toolchains

import (
	"context"
	"path"
	"strings"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/textsafe"
)

// Name of the collector.
const Name = "ci/toolchains"

// maxFiles bounds the files read.
const maxFiles = 100

// maxRefs bounds the references recorded.
const maxRefs = 500

// Collector reads toolchain references.
type Collector struct{}

// New returns the collector.
func New() collector.Collector { return Collector{} }

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind { return []evidence.Kind{evidence.KindToolchainRefs} }

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

var ciFile = lazyre.New(`^(?:\.github/workflows/[^/]+\.ya?ml|\.github/actions/.+\.ya?ml|\.travis\.ya?ml|\.gitlab-ci\.ya?ml|\.gitlab/.+\.ya?ml|\.circleci/config\.ya?ml|ci/.+\.ya?ml|appveyor\.ya?ml|\.appveyor\.ya?ml|azure-pipelines\.ya?ml|bitbucket-pipelines\.ya?ml)$`)

// imageFile matches Dockerfiles and Containerfiles outside vendored and
// test trees.
var imageFile = lazyre.New(`(?i)(?:^|/)(?:[\w.-]*\.)?(?:dockerfile|containerfile)(?:\.[\w.-]+)?$`)

var skip = lazyre.New(`(?:^|/)(?:vendor|node_modules|testdata|test|tests|fixtures|examples?)/`)

// Wanted reports whether the collector reads a file.
func Wanted(p string) bool {
	if skip.MatchString(p) {
		return false
	}
	switch path.Base(p) {
	case ".python-version", ".nvmrc", ".node-version":
		return !strings.Contains(p, "/")
	}
	return ciFile.MatchString(p) || imageFile.MatchString(p)
}

// Collect implements collector.Collector.
func (Collector) Collect(_ context.Context, in *collector.Input) ([]evidence.Record, error) {
	fact := evidence.ToolchainRefs{}
	for _, e := range in.Tree.Find(Wanted) {
		if fact.Files >= maxFiles {
			break
		}
		data, err := in.Tree.ReadFile(e.Path, limits.MaxSmallFileSize)
		if err != nil {
			continue
		}
		fact.Files++
		for _, r := range Parse(e.Path, data) {
			if len(fact.Refs) < maxRefs {
				fact.Refs = append(fact.Refs, r)
			}
		}
	}
	return []evidence.Record{{Fact: fact, Provenance: in.Provenance(Name, evidence.Location{}, "")}}, nil
}

var (
	setupKey  = lazyre.New(`^\s*-?\s*['"]?(python|node|go|php)-versions?['"]?\s*:\s*(.*)$`)
	matrixKey = lazyre.New(`^\s*-?\s*['"]?(python|node|node_js|nodejs|golang|go|php)['"]?\s*:\s*(.*)$`)
	imageRef  = lazyre.New(`(?i)(?:^\s*FROM\s+(?:--platform=\S+\s+)?|^\s*-?\s*image:\s*['"]?|^\s*-?\s*name:\s*['"]?)(?:[\w.-]+\.[a-z]{2,}(?::\d+)?/)?(?:library/|docker\.io/library/)?(python|node|golang|php)(?::(\d+(?:\.\d+)?)[\w.-]*)`)
	listItem  = lazyre.New(`^(\s*)-\s*['"]?([^'"#\s]+)`)
	plainVer  = lazyre.New(`^v?(\d+(?:\.\d+)?)(?:\.(?:x|\d+|\*))?$`)
)

var runtimeName = map[string]string{"python": "python", "node": "node", "node_js": "node", "nodejs": "node", "go": "go", "golang": "go", "php": "php"}

// Parse returns the runtime versions one file names.
func Parse(p string, data []byte) []evidence.ToolchainRef {
	var out []evidence.ToolchainRef
	add := func(runtime, v string, line int, ctx string) {
		v = strings.Trim(strings.TrimSpace(v), `'"`)
		m := plainVer.FindStringSubmatch(v)
		if m == nil {
			return // an expression, an alias (lts/*, stable) or a range
		}
		out = append(out, evidence.ToolchainRef{Runtime: runtime, Version: m[1], Path: p, Line: line, Context: ctx})
	}
	base := path.Base(p)
	switch base {
	case ".python-version", ".nvmrc", ".node-version":
		rt := "node"
		if base == ".python-version" {
			rt = "python"
		}
		first, _, _ := strings.Cut(string(data), "\n")
		add(rt, first, 1, base)
		return out
	}
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines) && i < 20000 && len(out) < 200; i++ {
		l := lines[i]
		if len(l) > 2000 || strings.HasPrefix(strings.TrimSpace(l), "#") {
			continue
		}
		if m := imageRef.FindStringSubmatch(l); m != nil {
			add(runtimeName[strings.ToLower(m[1])], m[2], i+1, "image")
			continue
		}
		var rt, val, ctx string
		if m := setupKey.FindStringSubmatch(l); m != nil {
			rt, val, ctx = m[1], m[2], "setup-"+m[1]
		} else if m := matrixKey.FindStringSubmatch(l); m != nil && !strings.Contains(base, "ockerfile") {
			rt, val, ctx = runtimeName[m[1]], m[2], "matrix"
		} else {
			continue
		}
		val = strings.TrimSpace(val)
		if j := strings.Index(val, " #"); j >= 0 {
			val = strings.TrimSpace(val[:j])
		}
		switch {
		case strings.HasPrefix(val, "["):
			for _, v := range strings.Split(strings.Trim(val, "[]"), ",") {
				add(rt, v, i+1, ctx)
			}
		case val == "" || val == "|":
			// A block list follows: the items indented below.
			indent := len(l) - len(strings.TrimLeft(l, " "))
			for j := i + 1; j < len(lines) && j < i+50; j++ {
				m := listItem.FindStringSubmatch(lines[j])
				if m == nil {
					if strings.TrimSpace(lines[j]) == "" {
						continue
					}
					break
				}
				if len(m[1]) < indent {
					break
				}
				add(rt, m[2], j+1, ctx)
			}
		default:
			add(rt, val, i+1, ctx)
		}
	}
	for k := range out {
		out[k].Context = textsafe.Clean(out[k].Context)
	}
	return out
}
