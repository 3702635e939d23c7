// Command assay assesses a software product against the UK Software Security
// Code of Practice. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/assaysec/assay/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
