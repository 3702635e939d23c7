package history

import "testing"

// TestWordingGuards: the literal guards before the wording expressions
// keep every answer, including for letters (?i) folds from outside ASCII.
func TestWordingGuards(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		want bool
	}{
		{"Fix XSS in the template helper", true},
		{"[\u017fecurity] bound the parser", true}, // LONG S folds onto s
		{"sec: bound header sizes", true},
		{"Merge pull request from GHSA-abcd-efgh-ijkl\n", true},
		{"bump deps\n\nFixes CVE-2024-12345", true},
		{"GO-2024-1234: update", true},
		{"docs: typo", false},
		{"Refactor the walker", false},
	} {
		got, _ := SecurityFixWording(tc.msg)
		if (got != "") != tc.want {
			t.Errorf("SecurityFixWording(%q) = %q; want found=%v", tc.msg, got, tc.want)
		}
	}
	for _, tc := range []struct {
		msg  string
		want bool
	}{
		{"[Security] Bump lodash from 4.17.15 to 4.17.21", true},
		{"Bump x\n\nThis update includes a security fix.", true},
		{"Bump y: fixes ghsa-abcd-efgh-ijkl", true},
		{"Bump z from 1 to 2", false},
	} {
		if got := SecurityUpdateWording(tc.msg); (got != "") != tc.want {
			t.Errorf("SecurityUpdateWording(%q) = %q; want found=%v", tc.msg, got, tc.want)
		}
	}
}
