package tagname

import (
	"strings"
	"testing"
)

func TestDotted(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"R_2_8_3", "R-2.8.3"},
		{"curl-8_5_0", "curl-8.5.0"},
		{"rel_2_0_0", "rel-2.0.0"},
		{"v1_2_3", "v1.2.3"},
		{"1_2", "1.2"},
		{"OpenSSL_1_1_1", "OpenSSL-1.1.1"},
		{"release_1_2_3_4", "release-1.2.3.4"},
		// Untouched: already dotted, no version run, one part, odd shapes.
		{"v1.2.3", "v1.2.3"},
		{"pcre2-10.42", "pcre2-10.42"},
		{"OpenSSL_1_1_1w", "OpenSSL_1_1_1w"},
		{"feature_branch", "feature_branch"},
		{"build_42", "build_42"},
		{"rel2_0", "rel2_0"},
		{"R__2_8", "R__2_8"},
		{"x_1_2_3_4_5", "x_1_2_3_4_5"},
		{"", ""},
	} {
		if got := Dotted(tc.in); got != tc.want {
			t.Errorf("Dotted(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzDotted(f *testing.F) {
	for _, s := range []string{"R_2_8_3", "curl-8_5_0", "v1_2", "_1_2", "a__1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := Dotted(s)
		if d != s && (len(d) != len(s) || strings.Count(d, ".") == 0) {
			t.Fatalf("Dotted(%q) = %q: a rewrite keeps the length and adds dots", s, d)
		}
	})
}

func TestIsVersion(t *testing.T) {
	for name, want := range map[string]bool{
		"v1.2.3": true, "1.2": true, "axum-v0.6.10": true, "api/v1.2.0": true, "R_2_8_3": true, "v1": true,
		"latest": false, "feature_branch": false, "": false,
	} {
		if got := IsVersion(name); got != want {
			t.Errorf("IsVersion(%q) = %v, want %v", name, got, want)
		}
	}
}
