package fix

import (
	"fmt"
	"strings"
)

// Diff renders a change as a unified diff. Fixers only insert lines, so the
// diff is computed as the common prefix and suffix around one inserted run,
// with three lines of context.
func Diff(c Change) string {
	a, b := splitLines(string(c.Old)), splitLines(string(c.New))
	var out strings.Builder
	from := "a/" + c.Path
	if c.Old == nil {
		from = "/dev/null"
	}
	fmt.Fprintf(&out, "--- %s\n+++ b/%s\n", from, c.Path)
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	const ctx = 3
	start := max(pre-ctx, 0)
	endA := min(len(a)-suf+ctx, len(a))
	endB := min(len(b)-suf+ctx, len(b))
	hunkA, hunkB := endA-start, endB-start
	fmt.Fprintf(&out, "@@ -%s +%s @@\n", span(start, hunkA), span(start, hunkB))
	for _, l := range a[start:pre] {
		out.WriteString(" " + ensureNL(l))
	}
	for _, l := range a[pre : len(a)-suf] {
		out.WriteString("-" + ensureNL(l))
	}
	for _, l := range b[pre : len(b)-suf] {
		out.WriteString("+" + ensureNL(l))
	}
	for _, l := range a[len(a)-suf : endA] {
		out.WriteString(" " + ensureNL(l))
	}
	return out.String()
}

func span(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

func ensureNL(l string) string {
	if strings.HasSuffix(l, "\n") {
		return l
	}
	return l + "\n\\ No newline at end of file\n"
}
