package fix

import (
	"fmt"
	"strings"
)

// maxDiffCells bounds the LCS table; beyond it the diff falls back to one
// hunk around the common prefix and suffix (still a correct diff).
const maxDiffCells = 4 << 20

// Diff renders a change as a unified diff with three lines of context. The
// fixers edit lines in several places of a file, so lines are matched by a
// longest common subsequence and each group of edits is its own hunk.
func Diff(c Change) string {
	a, b := splitLines(string(c.Old)), splitLines(string(c.New))
	var out strings.Builder
	from := "a/" + c.Path
	if c.Old == nil {
		from = "/dev/null"
	}
	fmt.Fprintf(&out, "--- %s\n+++ b/%s\n", from, c.Path)
	ops := lineOps(a, b)
	const ctx = 3
	// Hunks: runs of edits joined when fewer than 2*ctx equal lines
	// separate them.
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(i-ctx, 0)
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != ' ' {
				end = j
			} else if j-end > 2*ctx {
				break
			}
		}
		stop := min(end+ctx+1, len(ops))
		na, nb := 0, 0
		for _, o := range ops[start:stop] {
			if o.kind != '+' {
				na++
			}
			if o.kind != '-' {
				nb++
			}
		}
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", span(ops[start].ai, na), span(ops[start].bi, nb))
		for _, o := range ops[start:stop] {
			out.WriteString(string(o.kind) + ensureNL(o.line))
		}
		i = stop
	}
	return out.String()
}

type lineOp struct {
	kind   byte // ' ', '-', '+'
	line   string
	ai, bi int // lines of a and b before this one
}

func lineOps(a, b []string) []lineOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []lineOp
	ai, bi := 0, 0
	emit := func(k byte, l string) {
		ops = append(ops, lineOp{kind: k, line: l, ai: ai, bi: bi})
		if k != '+' {
			ai++
		}
		if k != '-' {
			bi++
		}
	}
	for _, l := range a[:pre] {
		emit(' ', l)
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if (len(ma)+1)*(len(mb)+1) > maxDiffCells {
		for _, l := range ma {
			emit('-', l)
		}
		for _, l := range mb {
			emit('+', l)
		}
	} else {
		// lcs[i][j] is the LCS length of ma[i:] and mb[j:].
		w := len(mb) + 1
		lcs := make([]int32, (len(ma)+1)*w)
		for i := len(ma) - 1; i >= 0; i-- {
			for j := len(mb) - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
				} else {
					lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
				}
			}
		}
		i, j := 0, 0
		for i < len(ma) || j < len(mb) {
			switch {
			case i < len(ma) && j < len(mb) && ma[i] == mb[j]:
				emit(' ', ma[i])
				i++
				j++
			case i < len(ma) && (j == len(mb) || lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
				// Deletions first, as diff(1) shows a changed line.
				emit('-', ma[i])
				i++
			default:
				emit('+', mb[j])
				j++
			}
		}
	}
	for _, l := range a[len(a)-suf:] {
		emit(' ', l)
	}
	return ops
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
