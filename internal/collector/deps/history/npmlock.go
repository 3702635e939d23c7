package history

import (
	"github.com/assaysec/assay/internal/deps"
)

// npmLockPins reads what a historical package-lock.json revision pins with
// deps' own reader, the one Scan uses, minus the line of each package (the
// history needs no lines, and finding them is most of the cost on a large
// lockfile). ok is false when the revision cannot be read; full extraction
// then reports the same failure.
func npmLockPins(p string, data []byte) (map[string]deps.Package, bool) {
	pkgs, err := deps.NPMLockPins(p, data)
	if err != nil {
		return nil, false
	}
	out := make(map[string]deps.Package, len(pkgs))
	for _, pkg := range pkgs {
		out[pkg.Key()] = pkg
	}
	return out, true
}
