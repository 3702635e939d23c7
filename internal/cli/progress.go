package cli

import (
	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/progress"
)

// meter returns the progress meter for a command: a line on standard
// error when it is a terminal and --quiet is not given; nil (silent)
// otherwise. Progress never goes to standard output.
func meter(cmd *cobra.Command) *progress.Meter {
	if q := cmd.Flag("quiet"); q != nil && q.Value.String() == "true" {
		return nil
	}
	w := cmd.ErrOrStderr()
	if !IsTerminal(w) {
		return nil
	}
	return progress.New(w, progress.DefaultAfter)
}
