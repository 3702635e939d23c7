package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/explain"
	"github.com/assaysec/assay/internal/textsafe"
)

func newExplainCmd(streams *IO) *cobra.Command {
	var repo string
	cmd := &cobra.Command{
		Use:   "explain ID",
		Short: "Explain a theme, principle, claim or rule: what it asks, what evidence supports it, how Assay decides, how to remediate",
		Example: `  assay explain 3.2
  assay explain 3.2.2
  assay explain securityTxtValid`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			d, err := explain.Load()
			if err != nil {
				return err
			}
			id := d.CanonicalID(args[0])
			text, ok := d.Text(id)
			if !ok {
				text, ok, err = explainCustom(repo, args[0])
				if err != nil {
					return err
				}
			}
			if !ok {
				return usagef("nothing called %q%s: want a theme (3), principle (3.2), claim (3.2.1), rule id or framework control such as PO.1.1, OSPS-AC-01.01 or cra-annex-i:II.5 (see `assay catalog`)", textsafe.Clean(args[0]), didYouMean(args[0], d.IDs()))
			}
			_, err = io.WriteString(streams.Out, text)
			return err
		},
	}
	cmd.Flags().StringVar(&repo, "repo", ".", "repository `PATH` whose custom rules (assay.yaml rules:, rules/*.yaml) explain also knows")
	return cmd
}
