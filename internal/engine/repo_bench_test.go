package engine

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// BenchmarkRun_Repo assesses the checkout named by ASSAY_BENCH_REPO (skipped
// when unset), for profiling a real repository with -cpuprofile and
// -memprofile (ASSAY_BENCH_COLLECTORS=a,b runs only those): ASSAY_BENCH_REPO=/path go test -bench Run_Repo -cpuprofile cpu.out
func BenchmarkRun_Repo(b *testing.B) {
	dir := os.Getenv("ASSAY_BENCH_REPO")
	if dir == "" {
		b.Skip("ASSAY_BENCH_REPO is not set")
	}
	var only []string
	if c := os.Getenv("ASSAY_BENCH_COLLECTORS"); c != "" {
		only = strings.Split(c, ",")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(context.Background(), Options{Path: dir, Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Collectors: only}); err != nil {
			b.Fatal(err)
		}
	}
}
