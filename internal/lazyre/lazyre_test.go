package lazyre

import (
	"strings"
	"testing"
)

func TestLazy(t *testing.T) {
	r := New(`a(b+)c`)
	if r.re != nil {
		t.Fatal("compiled before first use")
	}
	if got := r.FindStringSubmatch("xabbbc"); len(got) != 2 || got[1] != "bbb" {
		t.Errorf("FindStringSubmatch = %q", got)
	}
	if r.re == nil || r.String() != `a(b+)c` {
		t.Errorf("not compiled on use, or String = %q", r.String())
	}
}

func TestCompileReportsBadExpression(t *testing.T) {
	bad := New(`a(`)
	expr, err := Compile()
	if err == nil || expr != bad.expr || !strings.Contains(err.Error(), "missing closing )") {
		t.Errorf("Compile = %q, %v; want the bad expression and its error", expr, err)
	}
	// Remove it again so other tests in this package see a clean list.
	allMu.Lock()
	all = all[:len(all)-1]
	allMu.Unlock()
}
