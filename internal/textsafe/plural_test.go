package textsafe

import "testing"

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0 commits"}, {1, "1 commit"}, {2, "2 commits"}, {-1, "-1 commit"}} {
		if got := Count(tc.n, "commit"); got != tc.want {
			t.Errorf("Count(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
	if got := Plural(1, "dependency", "dependencies"); got != "1 dependency" {
		t.Errorf("Plural(1) = %q", got)
	}
	if got := Plural(5, "dependency", "dependencies"); got != "5 dependencies" {
		t.Errorf("Plural(5) = %q", got)
	}
}
