// Package growth checks in tests that a parser's work grows linearly with
// its input, by counting bytes and objects allocated, never by wall time,
// so a loaded machine or the race detector cannot fail it.
package growth

import (
	"fmt"
	"runtime"
)

// Allocated returns the bytes and objects f allocates. Callers run
// serially, so nothing else allocates alongside.
func Allocated(f func()) (bytes, objects uint64) {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc, b.Mallocs - a.Mallocs
}

// CheckLinear reports work on the whole input that grows faster than
// linearly from a quarter of it (linear is 4x; quadratic would be 16x), or
// more than perByte bytes allocated per input byte.
func CheckLinear(in string, perByte uint64, run func(string)) []string {
	var out []string
	qb, qo := Allocated(func() { run(in[:len(in)/4]) })
	fb, fo := Allocated(func() { run(in) })
	// The race detector drops pooled objects (regexp machines among
	// them), so only the growth is checked under it.
	if !RaceEnabled && fb > perByte*uint64(len(in))+1<<20 {
		out = append(out, fmt.Sprintf("%d bytes allocated for %d bytes of input (limit %dx)", fb, len(in), perByte))
	}
	if qb > 1<<20 && fb > 6*qb {
		out = append(out, fmt.Sprintf("allocation grew %.1fx for 4x the input (%d -> %d bytes): super-linear", float64(fb)/float64(qb), qb, fb))
	}
	if qo > 1000 && fo > 6*qo {
		out = append(out, fmt.Sprintf("objects grew %.1fx for 4x the input (%d -> %d): super-linear", float64(fo)/float64(qo), qo, fo))
	}
	return out
}
