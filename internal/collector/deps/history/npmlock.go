package history

import (
	"encoding/json"
	"path"
	"regexp"
	"strings"

	"github.com/assaysec/assay/internal/deps"
)

// npmLock is the part of package-lock.json that full extraction decodes,
// field for field with the same types, so that a file it rejects (a field
// of the wrong type) is rejected here too.
type npmLock struct {
	Version      int                  `json:"lockfileVersion"`
	Dependencies map[string]npmDep    `json:"dependencies,omitempty"`
	Packages     map[string]npmPkgRev `json:"packages,omitempty"`
}

type npmDep struct {
	Version      string            `json:"version"`
	Resolved     string            `json:"resolved"`
	Dev          bool              `json:"dev,omitempty"`
	Optional     bool              `json:"optional,omitempty"`
	Requires     map[string]string `json:"requires,omitempty"`
	Dependencies map[string]npmDep `json:"dependencies,omitempty"`
}

type npmPkgRev struct {
	Name                 string            `json:"name,omitempty"`
	Version              string            `json:"version"`
	Resolved             string            `json:"resolved"`
	Link                 bool              `json:"link,omitempty"`
	Dev                  bool              `json:"dev,omitempty"`
	DevOptional          bool              `json:"devOptional,omitempty"`
	Optional             bool              `json:"optional,omitempty"`
	InBundle             bool              `json:"inBundle,omitempty"`
	Dependencies         map[string]string `json:"dependencies,omitempty"`
	DevDependencies      map[string]string `json:"devDependencies,omitempty"`
	OptionalDependencies map[string]string `json:"optionalDependencies,omitempty"`
	PeerDependencies     map[string]string `json:"peerDependencies,omitempty"`
	PeerDependenciesMeta map[string]struct {
		Optional bool `json:"optional,omitempty"`
	} `json:"peerDependenciesMeta,omitempty"`
}

// plainVersion is a registry version: no alias, file, git or URL form.
var plainVersion = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$`)

// plainNPM reports whether an entry is pinned to a registry version from
// the public registry: then full extraction finds no commit in it and its
// version is the one written.
func plainNPM(version, resolved string) bool {
	if version != "" && !plainVersion.MatchString(version) {
		return false
	}
	if resolved == "" {
		return true
	}
	return (strings.HasPrefix(resolved, "https://registry.npmjs.org/") || strings.HasPrefix(resolved, "https://registry.yarnpkg.com/")) &&
		!strings.ContainsAny(resolved, "#& ")
}

// npmLockPins reads what a historical package-lock.json revision pins,
// without the line lookups that make full extraction slow on large
// lockfiles (the history needs no lines). Any entry that is not a plain
// registry pin (aliases, git, file and URL sources) makes it return ok
// false, and the caller extracts the revision in full.
func npmLockPins(p string, data []byte) (map[string]deps.Package, bool) {
	var lock *npmLock
	if err := json.Unmarshal(data, &lock); err != nil || lock == nil {
		return nil, false
	}
	out := map[string]deps.Package{}
	add := func(name, version string) {
		if name == "" {
			return // full extraction drops nameless packages
		}
		pkg := deps.Package{Ecosystem: "npm", Name: name, Version: version, Path: p}
		out[pkg.Key()] = pkg
	}
	if lock.Packages != nil {
		for where, e := range lock.Packages {
			if where == "" || e.Link {
				continue
			}
			if !plainNPM(e.Version, e.Resolved) {
				return nil, false
			}
			name := e.Name
			if name == "" {
				name = path.Base(where)
				if scope := path.Base(path.Dir(where)); strings.HasPrefix(scope, "@") {
					name = scope + "/" + name
				}
			}
			add(name, e.Version)
		}
		return out, true
	}
	var walk func(m map[string]npmDep) bool
	walk = func(m map[string]npmDep) bool {
		for name, d := range m {
			if d.Dependencies != nil && !walk(d.Dependencies) {
				return false
			}
			if !plainNPM(d.Version, d.Resolved) {
				return false
			}
			add(name, d.Version)
		}
		return true
	}
	if !walk(lock.Dependencies) {
		return nil, false
	}
	return out, true
}
