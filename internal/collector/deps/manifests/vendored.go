package manifests

import (
	"path"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/scope"
	"github.com/assaysec/assay/internal/source"
)

// vendorDirs are the conventional homes of third-party code copied into a
// repository.
var vendorDirs = map[string]bool{"third_party": true, "third-party": true, "thirdparty": true, "3rdparty": true, "external": true, "extern": true, "vendor": true}

// recordFiles say what vendored code is: a package manager's record of a
// vendored tree, or a per-package version record.
var recordFiles = map[string]bool{
	"modules.txt": true, "installed.json": true, ".package-lock.json": true, // go mod vendor, composer, npm
	"METADATA": true, "README.chromium": true, "README.third_party": true, "VERSION": true, "version.txt": true,
	"vendor.json": true, "vendor.conf": true, "sources.json": true,
}

// sourceExt are the file types counted as code.
var sourceExt = map[string]bool{".c": true, ".h": true, ".cc": true, ".cpp": true, ".hpp": true, ".go": true, ".js": true, ".mjs": true, ".ts": true,
	".py": true, ".php": true, ".rb": true, ".rs": true, ".java": true, ".cs": true, ".swift": true, ".m": true, ".lua": true, ".pl": true}

// vendoredCode finds directories of copied third-party code in the product
// that nothing lists: no manifest, lockfile or version record inside, and
// no lockfile beside them that manages them (vendor/ next to composer.lock
// or go.mod, which go mod vendor and composer keep in step).
func vendoredCode(t *source.Tree, sc *scope.Scope) []evidence.VendoredCode {
	type dirInfo struct {
		files    int
		example  string
		recorded bool
	}
	dirs := map[string]*dirInfo{}
	var order []string
	for _, e := range t.Entries() {
		root, ok := vendoredRoot(e.Path)
		if !ok || !sc.InProduct(root) {
			continue
		}
		d := dirs[root]
		if d == nil {
			d = &dirInfo{}
			dirs[root] = d
			order = append(order, root)
		}
		base := path.Base(e.Path)
		_, manifest := kinds[base]
		if manifest || recordFiles[base] || strings.HasSuffix(base, ".lock") || strings.EqualFold(base, "package-lock.json") {
			d.recorded = true
		}
		if sourceExt[path.Ext(base)] {
			d.files++
			if d.example == "" {
				d.example = e.Path
			}
		}
	}
	var out []evidence.VendoredCode
	for _, root := range order {
		d := dirs[root]
		if d.recorded || d.files == 0 || managed(t, root) {
			continue
		}
		out = append(out, evidence.VendoredCode{Path: root, Files: d.files, Example: d.example})
	}
	return out
}

// vendoredRoot returns the vendored package directory a path lies in: the
// child of the first vendor-like directory ("external/recaptcha"), or the
// vendor-like directory itself for files directly in it.
func vendoredRoot(p string) (string, bool) {
	segs := strings.Split(p, "/")
	for i := 0; i < len(segs)-1; i++ {
		if !vendorDirs[segs[i]] {
			continue
		}
		if i+2 < len(segs) {
			return strings.Join(segs[:i+2], "/"), true
		}
		return strings.Join(segs[:i+1], "/"), true
	}
	return "", false
}

// managed reports whether a package manager beside the vendor directory
// keeps it: Composer and Go modules record what vendor/ holds.
func managed(t *source.Tree, root string) bool {
	segs := strings.Split(root, "/")
	for i, s := range segs {
		if s != "vendor" {
			continue
		}
		parent := strings.Join(segs[:i], "/")
		if parent == "" {
			parent = "."
		}
		for _, f := range []string{"composer.lock", "composer.json", "go.mod", "Gemfile.lock", "Cargo.lock"} {
			if t.Exists(path.Join(parent, f)) {
				return true
			}
		}
	}
	return false
}
