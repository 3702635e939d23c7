package secrets

import "testing"

func TestPlaceholder(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want bool
	}{
		{"TOKEN", true},
		{"YOUR_API_KEY", true},
		{"${GITHUB_TOKEN}", true},
		{"<token>", true},
		{"abc...", true},
		{"xxxxxxxxxxxx", true},
		{"AKIAIOSFODNN7EXAMPLE", false},
		{"ghp_1234567890abcdefghijklmnopqrstuvwxyzAB", false},
		{"eyJhbGciOiJIUzI1NiJ9.e30.abc", false},
	} {
		if got := placeholder(tc.v); got != tc.want {
			t.Errorf("placeholder(%q) = %v, want %v", tc.v, got, tc.want)
		}
	}
}
