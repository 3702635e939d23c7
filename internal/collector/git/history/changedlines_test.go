package history

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// setDifference is changedLines as the set difference it computes,
// written plainly: the reference the faster version must agree with.
func setDifference(a, b []byte) ([]byte, []byte) {
	as, bs := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	inA, inB := map[string]bool{}, map[string]bool{}
	for _, l := range as {
		inA[l] = true
	}
	for _, l := range bs {
		inB[l] = true
	}
	var oa, ob []string
	for _, l := range as {
		if !inB[l] {
			oa = append(oa, l)
		}
	}
	for _, l := range bs {
		if !inA[l] {
			ob = append(ob, l)
		}
	}
	return []byte(strings.Join(oa, "\n")), []byte(strings.Join(ob, "\n"))
}

// TestChangedLinesAgreesWithSets: on revisions made by editing, adding,
// removing and repeating lines of a file (few edits and many), changedLines
// returns what the set difference returns.
func TestChangedLinesAgreesWithSets(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	vocab := []string{"", "a", "b", "uses: x@v1", "uses: x@v2", "FROM go:1.22", "FROM go:1.23", "c", "  - run: make"}
	line := func() string { return vocab[rng.IntN(len(vocab))] }
	for range 5000 {
		var a []string
		for range rng.IntN(30) {
			a = append(a, line())
		}
		b := append([]string(nil), a...)
		for range rng.IntN(16) {
			switch k := rng.IntN(3); {
			case k == 0 && len(b) > 0:
				b[rng.IntN(len(b))] = line()
			case k == 1:
				i := rng.IntN(len(b) + 1)
				b = append(b[:i], append([]string{line()}, b[i:]...)...)
			case len(b) > 0:
				i := rng.IntN(len(b))
				b = append(b[:i], b[i+1:]...)
			}
		}
		x, y := []byte(strings.Join(a, "\n")), []byte(strings.Join(b, "\n"))
		wantA, wantB := setDifference(x, y)
		gotA, gotB := changedLines(x, y)
		if diff := cmp.Diff([]string{string(wantA), string(wantB)}, []string{string(gotA), string(gotB)}); diff != "" {
			t.Fatalf("a=%q b=%q (-sets +changedLines):\n%s", a, b, diff)
		}
	}
}
