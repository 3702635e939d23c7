package manifests

import (
	"fmt"
	"path"
	"strings"

	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/scope"
	"github.com/assaysec/assay/internal/source"
)

// maxGoFiles bounds how many Go files are read for cgo directives.
const maxGoFiles = 5000

var cgoPkgConfig = lazyre.New(`(?m)^[ \t]*(?://[ \t]*)?#cgo\b[^:\n]*\bpkg-config:[ \t]*([^\n]+)$`)

// cgoLibraries returns, per Go module directory, the host libraries its
// product files link through `#cgo pkg-config:`, each with the first place
// it is named. Files outside the product scope, vendored code and nested
// modules' files are not counted for the enclosing module.
func cgoLibraries(t *source.Tree, sc *scope.Scope) map[string][]string {
	modules := map[string]bool{}
	for _, e := range t.Entries() {
		if path.Base(e.Path) == "go.mod" && !skipped(e.Path) {
			modules[path.Dir(e.Path)] = true
		}
	}
	if len(modules) == 0 {
		return nil
	}
	out := map[string][]string{}
	seen := map[string]bool{}
	read := 0
	for _, e := range t.Entries() {
		if !strings.HasSuffix(e.Path, ".go") || strings.HasSuffix(e.Path, "_test.go") || skipped(e.Path) || !sc.InProduct(e.Path) {
			continue
		}
		if read >= maxGoFiles {
			break
		}
		mod, ok := moduleOf(e.Path, modules)
		if !ok {
			continue
		}
		read++
		data, err := t.ReadFile(e.Path, limits.MaxSmallFileSize)
		if err != nil || !strings.Contains(string(data), `import "C"`) {
			continue
		}
		for _, m := range cgoPkgConfig.FindAllSubmatchIndex(data, 20) {
			line := strings.Count(string(data[:m[0]]), "\n") + 1
			for _, name := range strings.Fields(string(data[m[2]:m[3]])) {
				if strings.HasPrefix(name, "-") || len(name) > 100 {
					continue
				}
				if k := mod + "\x00" + name; !seen[k] {
					seen[k] = true
					out[mod] = append(out[mod], fmt.Sprintf("%s (pkg-config, %s:%d)", name, e.Path, line))
				}
			}
		}
	}
	return out
}

// moduleOf returns the directory of the nearest go.mod at or above p.
func moduleOf(p string, modules map[string]bool) (string, bool) {
	for dir := path.Dir(p); ; dir = path.Dir(dir) {
		if modules[dir] {
			return dir, true
		}
		if dir == "." || dir == "/" {
			return "", false
		}
	}
}
