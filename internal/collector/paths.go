package collector

import (
	"path"
	"strings"
)

// skipSegments hold other people's code or test fixtures.
var skipSegments = map[string]bool{"testdata": true, "node_modules": true, "vendor": true, "third_party": true, "fixtures": true, "__fixtures__": true}

// FixtureOrVendored reports whether p lies under a directory of test
// fixtures or vendored code: CI definitions and build files there are
// other people's or examples, not the product's.
func FixtureOrVendored(p string) bool {
	for _, seg := range strings.Split(path.Dir(p), "/") {
		if skipSegments[seg] {
			return true
		}
	}
	return false
}
