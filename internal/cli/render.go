package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/render/list"
	"github.com/assaysec/assay/internal/report"
)

// MaxReportSize bounds the JSON report `assay render` reads.
const MaxReportSize = 256 << 20

func newRenderCmd(streams *IO) *cobra.Command {
	var format, output string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "render REPORT.json",
		Short: "Render a saved JSON report in another format (SARIF, Markdown, code quality…)",
		Long: `render reads a report written by "assay assess --format json" ("-" for
standard input) and writes it in another format, without assessing again:
CI runs one assessment and publishes it as SARIF, a job summary and a
GitLab code-quality report.

The report must have the same major schema version as this Assay.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !list.Formats.Has(format) {
				return usagef("--format: unknown format %q; want one of %s", format, strings.Join(list.Formats.Names(), ", "))
			}
			rep, err := readReport(streams, args[0])
			if err != nil {
				return err
			}
			return writeReport(streams, rep, format, output, verbose)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", "text", "output format: "+strings.Join(list.Formats.Names(), ", "))
	fl.StringVarP(&output, "output", "o", "", "write to `FILE` (atomically) instead of standard output")
	fl.BoolVarP(&verbose, "verbose", "v", false, "show every finding with its file and line (text format)")
	return cmd
}

// readReport parses a JSON report of a compatible schema version.
func readReport(streams *IO, name string) (*report.Report, error) {
	var in io.Reader
	if name == "-" {
		in = streams.In
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, usagef("open report: %v", err)
		}
		defer f.Close()
		in = f
	}
	data, err := io.ReadAll(io.LimitReader(in, MaxReportSize+1))
	if err != nil {
		return nil, usagef("read report %s: %v", name, err)
	}
	if len(data) > MaxReportSize {
		return nil, usagef("report %s: larger than %d MiB", name, MaxReportSize>>20)
	}
	var rep report.Report
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&rep); err != nil {
		return nil, usagef("report %s: not an Assay JSON report: %v", name, err)
	}
	if major(rep.SchemaVersion) != major(report.SchemaVersion) {
		return nil, usagef("report %s: schema version %q; this Assay reads %s.x", name, rep.SchemaVersion, major(report.SchemaVersion))
	}
	return &rep, nil
}

func major(v string) string {
	m, _, _ := strings.Cut(v, ".")
	return m
}
