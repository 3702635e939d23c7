// Package version reports Assay's version, from the build information that
// the Go toolchain embeds (module version or VCS revision).
package version

import (
	"runtime/debug"
	"sync"
)

// override is set with -ldflags "-X github.com/assaysec/assay/internal/version.override=v1.2.3".
var override string

var get = sync.OnceValue(func() string {
	if override != "" {
		return override
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "devel+" + s.Value[:12]
		}
	}
	return "devel"
})

// Version returns the version string.
func Version() string { return get() }
