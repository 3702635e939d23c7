package history

import "testing"

func TestTagVersion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, want string }{
		{"v1.8.9", "v1.8.9"},
		{"1.2", "v1.2.0"},
		{"tool/v1.2.3", "v1.2.3"},
		{"release-2.0.1", "v2.0.1"},
		{"v1.0.0+build.5", "v1.0.0"},
		{"v1.7.0-rc.0", "v1.7.0-rc.0"},
		{"1.2.3.4", "v1.2.3"}, // a RubyGems security patch stays on its line
		{"v2.2.8.1", "v2.2.8"},
		{"3.0.0.beta1", "v3.0.0-beta1"},
		{"v3.1.0.rc2", "v3.1.0-rc2"},
		{"1.2.3.4.5", ""},
		{"7.4-rc1", "v7.4.0-rc1"}, // redis: a pre-release of a two-part version
		{"8.0-m01", "v8.0.0-m01"},
		{"R_2_8_3", "v2.8.3"}, // libexpat: not v3.0.0 from the last part
		{"curl-8_5_0", "v8.5.0"},
		{"latest", ""},
	} {
		if got := tagVersion(tc.name); got != tc.want {
			t.Errorf("tagVersion(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
