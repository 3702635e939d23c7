package ci

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValueOperands(t *testing.T) {
	tests := []struct {
		expr string
		want []string
	}{
		{"github.event.issue.body", []string{"github.event.issue.body"}},
		{"a == 'x' && github.event.issue.body || 'none'", []string{"github.event.issue.body", "'none'"}},
		{"contains(github.event.issue.title, 'bug')", nil},
		{"github.event.issue.body && 'x'", []string{"'x'"}},
		{"(a && b.c) || d", []string{"b.c", "d"}},
		{"!a", nil},
		{"a != 'x'", nil},
		{"format('{0}', github.event.issue.title)", []string{"format('{0}', github.event.issue.title)"}},
		{"'a || b'", []string{"'a || b'"}},
		{"x < 3", nil},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, valueOperands(tc.expr)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.expr, diff)
		}
	}
}

func FuzzValueOperands(f *testing.F) {
	for _, s := range []string{"a && b || c", "((a))", "contains(a, ')') || b", "'", "(((", ")))"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, op := range valueOperands(s) {
			if len(op) > len(s) {
				t.Fatalf("operand %q longer than %q", op, s)
			}
		}
	})
}

// FuzzScriptParsers runs the script readers of the supply-chain rules
// over arbitrary text: they must not panic and must report offsets inside
// the script.
func FuzzScriptParsers(f *testing.F) {
	for _, s := range []string{"pip install -r", "npm i -g @scope/x@", "go install x@", "docker run -e", "curl -LO https://x/ && tar xf  && ./", "curl -o a.tgz u; tar -xf a.tgz; sh b.sh"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pipUnpinned(s)
		npmUnpinned(s)
		goUnpinned(s)
		for _, d := range dockerRunImages(s) {
			if d.at < 0 || d.at > len(s) {
				t.Fatalf("offset %d out of range", d.at)
			}
		}
		if start, end, _ := downloadedThenRun(s); start > end || end > len(s) {
			t.Fatalf("span %d-%d out of range", start, end)
		}
	})
}
