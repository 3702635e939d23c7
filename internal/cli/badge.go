package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/atomicfile"
	"github.com/assaysec/assay/internal/engine"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/render/badge"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/source"
)

func newBadgeCmd(streams *IO) *cobra.Command {
	var (
		f          assessFlags
		reportPath string
	)
	cmd := &cobra.Command{
		Use:   "badge [PATH]",
		Short: `Write an SVG badge "Code of Practice: 38/45 claims met"`,
		Long: `Badge assesses PATH (same flags as assess), or reads a JSON report written by
'assay assess --format json' with --report, and writes a flat SVG badge of the
claims met out of the claims that apply, coloured by that share. The badge
holds only numbers and fixed words.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var rep *report.Report
			if reportPath != "" {
				if len(args) > 0 {
					return usagef("give PATH or --report, not both")
				}
				data, err := source.ReadRegular(reportPath, limits.MaxReportSize)
				if err != nil {
					return usagef("--report: %v", err)
				}
				rep = &report.Report{}
				if err := json.Unmarshal(data, rep); err != nil {
					return usagef("--report %s: not a JSON report: %v", reportPath, err)
				}
				if !strings.HasPrefix(rep.SchemaVersion, "1.") {
					return usagef("--report %s: schema version %q; want 1.x", reportPath, rep.SchemaVersion)
				}
			} else {
				path := pathArg(args)
				opts, err := f.options(cmd, path)
				if err != nil {
					return err
				}
				res, err := engine.Run(cmd.Context(), opts)
				if err != nil {
					return err
				}
				rep = res.Report
			}
			svg := badge.SVG(rep)
			if f.output == "" {
				_, err := fmt.Fprint(streams.Out, svg)
				return err
			}
			return atomicfile.WriteFile(f.output, []byte(svg), 0o644)
		},
	}
	bindAssessFlags(cmd, &f)
	for _, name := range []string{"format", "fail-on", "verbose"} {
		_ = cmd.Flags().MarkHidden(name)
	}
	cmd.Flags().StringVar(&reportPath, "report", "", "read this JSON report `FILE` instead of assessing")
	return cmd
}
