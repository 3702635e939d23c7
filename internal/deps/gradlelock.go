package deps

import (
	"bytes"
	"strings"

	"github.com/assaysec/assay/internal/lazyre"
)

// reTestConfiguration matches Gradle configurations that only tests use:
// testCompileClasspath, testRuntimeClasspath, testFixturesRuntimeClasspath,
// androidTestCompileClasspath, integrationTestRuntimeClasspath,
// debugUnitTestRuntimeClasspath, ...
var reTestConfiguration = lazyre.New(`(?:^test|Test)(?:[A-Z]|$)`)

// gradleLockScopes gives each package of a gradle.lockfile its scope from
// the configurations its line ends with ("g:a:1.0=compileClasspath,
// testRuntimeClasspath"): dev when every one of them is a test
// configuration, runtime otherwise. OSV-SCALIBR's extractor drops the
// list; the package's line number finds it again.
func gradleLockScopes(f *File, data []byte) {
	if f.Format != "java/gradlelockfile" {
		return
	}
	lines := bytes.Split(data, []byte("\n"))
	for i := range f.Packages {
		p := &f.Packages[i]
		if p.Line < 1 || p.Line > len(lines) {
			continue
		}
		_, configs, ok := strings.Cut(strings.TrimSpace(string(lines[p.Line-1])), "=")
		if !ok || configs == "" {
			continue
		}
		testOnly := true
		for _, c := range strings.Split(configs, ",") {
			if !reTestConfiguration.MatchString(strings.TrimSpace(c)) {
				testOnly = false
				break
			}
		}
		if testOnly {
			p.Scope = Dev
		} else {
			p.Scope = Runtime
		}
	}
}
