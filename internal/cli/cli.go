// Package cli is Assay's command tree. Flags become option structs that the
// engine validates; exit codes are decided here and only here:
//
//	0  the policy holds
//	1  claims fail the --fail-on policy
//	2  usage or configuration error
//	3  the assessment could not finish
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/assaysec/assay/internal/engine"
	"github.com/assaysec/assay/internal/version"
)

// Exit codes.
const (
	ExitOK         = 0
	ExitPolicy     = 1
	ExitUsage      = 2
	ExitIncomplete = 3
)

// errPolicy marks a run that finished but failed the policy.
var errPolicy = errors.New("policy failed")

// usageError marks errors caused by the user's flags or arguments.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// IO carries the streams a command writes to.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
}

// IsTerminal reports whether w is a terminal (for colour and prompts).
func IsTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// commands lists the subcommand constructors; adding one is one line here.
var commands = []func(*IO) *cobra.Command{
	newAssessCmd,
	newCatalogCmd,
	newExplainCmd,
	newVersionCmd,
	newAttestCmd,
	newSignoffCmd,
	newVerifySignoffCmd,
	newPublishCmd,
	newInitCmd,
	newSBOMCmd,
	newDBCmd,
	newVulnsCmd,
	newBadgeCmd,
	newBundleCmd,
	newFleetCmd,
	newServeCmd,
	newRulesCmd,
	newFixCmd,
	newRenderCmd,
}

// Run executes the command line and returns the process exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	streams := &IO{In: stdin, Out: stdout, Err: stderr}
	root := &cobra.Command{
		Use:           "assay",
		Short:         "Assess software against the UK Software Security Code of Practice",
		Long:          "Assay collects evidence from a repository, its history, CI, dependencies and releases, merges signed human attestations, and assesses all 45 claims of the UK Software Security Code of Practice.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version.Version(),
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	// -v is global, so `assay -v assess .` works as `assay assess -v .` does;
	// commands that print reports read it.
	root.PersistentFlags().BoolP("verbose", "v", false, "show every finding with its file and line (text reports)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.PersistentFlags().Bool("quiet", false, "show no progress line on standard error")
	for _, mk := range commands {
		root.AddCommand(mk(streams))
	}
	// Cobra adds these when it executes; adding them first lets their
	// argument checks be marked as usage errors too.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd(args...)
	markArgErrors(root)
	err := root.ExecuteContext(ctx)
	if err != nil && !errors.As(err, new(usageError)) {
		// Cobra reports an unknown command while finding the command to
		// run, before any command's code: finding it again tells that
		// error from one a command returned.
		if _, _, findErr := root.Find(args); findErr != nil {
			err = usageError{err}
		}
	}
	return exitCode(err, stderr)
}

// markArgErrors wraps the argument check of c and of every command below it
// so that a wrong number of arguments is a usageError.
func markArgErrors(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return usageError{err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		markArgErrors(sub)
	}
}

func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errPolicy):
		return ExitPolicy
	}
	fmt.Fprintf(stderr, "assay: %v\n", err)
	var ue usageError
	switch {
	case errors.As(err, &ue), errors.Is(err, engine.ErrUsage):
		return ExitUsage
	}
	return ExitIncomplete
}

func newVersionCmd(streams *IO) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print Assay's version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(streams.Out, "assay %s\n", version.Version())
			return err
		},
	}
}
