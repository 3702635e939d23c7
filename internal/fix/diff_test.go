package fix

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDiffHunks(t *testing.T) {
	old := strings.Join([]string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", ""}, "\n")
	new := strings.Join([]string{"a", "X", "b", "c", "d", "e", "f", "g", "h", "i", "j", "K", "l", ""}, "\n")
	want := `--- a/f
+++ b/f
@@ -1,4 +1,5 @@
 a
+X
 b
 c
 d
@@ -8,5 +9,5 @@
 h
 i
 j
-k
+K
 l
`
	if d := cmp.Diff(want, Diff(Change{Path: "f", Old: []byte(old), New: []byte(new)})); d != "" {
		t.Error(d)
	}
	want = "--- /dev/null\n+++ b/n\n@@ -0,0 +1,2 @@\n+x\n+y\n"
	if d := cmp.Diff(want, Diff(Change{Path: "n", New: []byte("x\ny\n")})); d != "" {
		t.Error(d)
	}
}
