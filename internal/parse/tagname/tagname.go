// Package tagname reads the version a release tag's name spells with
// underscores, as older C projects do (libexpat's R_2_8_3, curl's
// curl-8_5_0, SQLAlchemy's rel_2_0_0), so that every reader of release
// tags sees the same version as for v2.8.3.
package tagname

import (
	"strings"

	"github.com/assaysec/assay/internal/lazyre"
)

// Dotted returns name with a trailing underscore-separated version
// rewritten with dots, after a hyphen: "R_2_8_3" -> "R-2.8.3",
// "curl-8_5_0" -> "curl-8.5.0", "v1_2_3" -> "v1.2.3". Any other name,
// and any name holding a dot, is returned as it is.
func Dotted(name string) string {
	if len(name) > 200 || strings.Contains(name, ".") || !strings.Contains(name, "_") {
		return name
	}
	// The trailing run of digits and underscores: the version.
	i := len(name)
	for i > 0 && (isDigit(name[i-1]) || name[i-1] == '_') {
		i--
	}
	run := name[i:]
	if strings.HasPrefix(run, "_") {
		run, i = run[1:], i+1 // the separator before the version
	}
	parts := strings.Split(run, "_")
	if len(parts) < 2 || len(parts) > 4 {
		return name
	}
	for _, p := range parts {
		if p == "" {
			return name
		}
	}
	prefix := name[:i]
	version := strings.Join(parts, ".")
	switch {
	case prefix == "" || prefix == "v" || prefix == "V":
		return prefix + version
	case strings.HasSuffix(prefix, "_"), strings.HasSuffix(prefix, "-"):
		return prefix[:len(prefix)-1] + "-" + version
	}
	// A letter run straight before the digits ("rel2_0") is not a
	// separator this reads.
	return name
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// versionTag matches version-looking tag names, with an optional package
// prefix (axum-v0.6.10, api/v1.2.0).
var versionTag = lazyre.New(`^(?:[A-Za-z][\w.-]*[-/_])?v?\d+(?:\.\d+){0,3}(?:[-+.][\w.-]+)?$`)

// IsVersion reports whether a tag's name names a version, underscores
// read as dots (Dotted).
func IsVersion(name string) bool { return versionTag.MatchString(Dotted(name)) }
