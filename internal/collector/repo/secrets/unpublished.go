package secrets

import (
	"path"
	"strings"

	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/source"
)

// cargoPublishOff is the manifest line that keeps a Cargo package off
// every registry.
var cargoPublishOff = lazyre.New(`^publish\s*=\s*(false|\[\s*\])\s*(#.*)?$`)

// maxManifests caps how many Cargo manifests are read.
const maxManifests = 200

// unpublishedCrates returns the directories of the Cargo workspace members
// that are never published (publish = false) in a repository that does
// publish some other crate: test harnesses, benchmarks and tools beside the
// library (rustls' bogo/, the BoringSSL test runner). A key file there
// reaches no registry. The repository root is never one: a root package
// with publish = false is usually the application itself.
func unpublishedCrates(t *source.Tree) []string {
	var off []string
	published, read := false, 0
	for _, e := range t.Entries() {
		if path.Base(e.Path) != "Cargo.toml" {
			continue
		}
		if read >= maxManifests {
			break
		}
		read++
		data, err := t.ReadFile(e.Path, limits.MaxSmallFileSize)
		if err != nil {
			continue
		}
		pkg, publish := cargoPackage(string(data))
		switch {
		case !pkg:
		case publish:
			published = true
		case path.Dir(e.Path) != ".":
			off = append(off, path.Dir(e.Path))
		}
	}
	if !published {
		return nil
	}
	return off
}

// cargoPackage reports whether a manifest has a [package] table and, if so,
// whether that package may be published.
func cargoPackage(text string) (pkg, publish bool) {
	section := ""
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[") {
			section = t
			if section == "[package]" {
				pkg = true
			}
			continue
		}
		if section == "[package]" && cargoPublishOff.MatchString(t) {
			return true, false
		}
	}
	return pkg, pkg
}

// inAny reports whether p lies under one of dirs.
func inAny(p string, dirs []string) bool {
	for _, d := range dirs {
		if strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}
