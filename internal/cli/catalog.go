package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/explain"
)

func newCatalogCmd(streams *IO) *cobra.Command {
	var format, fw string
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "Print the Code of Practice: themes, principles, claims and the rules behind them",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if fw != "" && fw != "uk-sscop" {
				return explainErr(explain.WriteFramework(streams.Out, fw, format))
			}
			write, ok := explain.CatalogFormats[format]
			if !ok {
				return usagef("--format: unknown format %q for catalog; want text, json, markdown or oscal", format)
			}
			d, err := explain.Load()
			if err != nil {
				return err
			}
			return write(streams.Out, d.Catalog())
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "text, json, markdown or oscal")
	cmd.Flags().StringVar(&fw, "framework", "", "print this framework's controls and mapping instead: uk-sscop (the default), ssdf, cra-annex-i or osps-baseline")
	return cmd
}

// explainErr reports the user's mistakes (an unknown framework or format)
// as usage errors.
func explainErr(err error) error {
	var ie *explain.InputError
	if errors.As(err, &ie) {
		return usageError{err}
	}
	return err
}
