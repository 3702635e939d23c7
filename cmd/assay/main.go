// Command assay assesses a software product against the UK Software Security
// Code of Practice. See README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"

	"github.com/assaysec/assay/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	stopProfile := startProfile(os.Getenv("ASSAY_CPUPROFILE"))
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stopProfile()
	writeAllocs(os.Getenv("ASSAY_MEMPROFILE"))
	stop()
	os.Exit(code)
}

// writeAllocs writes the run's allocation profile to path (pprof's
// "allocs": every allocation sampled since start); "" writes nothing.
func writeAllocs(path string) {
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.Lookup("allocs").WriteTo(f, 0)
		_ = f.Close()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "assay: ASSAY_MEMPROFILE: %v\n", err)
	}
}

// startProfile writes a CPU profile of the whole run to path, for
// measuring a real command rather than a benchmark's slice of one; an
// empty path profiles nothing.
func startProfile(path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "assay: ASSAY_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}
