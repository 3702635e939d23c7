package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/textsafe"
	"github.com/assaysec/assay/internal/vuln"
)

func newVulnsCmd(streams *IO) *cobra.Command {
	var format, db, now, failOn string
	var sboms, vexFiles []string
	cmd := &cobra.Command{
		Use:   "vulns [PATH]",
		Short: "List known vulnerabilities in the components pinned in PATH",
		Long: `vulns matches every component pinned in PATH's lockfiles and manifests (and
in SBOMs given with --sbom) against the offline vulnerability database, with
each ecosystem's own version ordering. Aliases (GHSA, CVE, PYSEC, GO,
RUSTSEC) are merged into one finding; KEV and EPSS data are attached when
imported; VEX statements in the tree or given with --vex mark findings
not_affected or fixed, which stay listed but no longer count.

Exit codes: 0 done (or no open finding at --fail-on); 1 open findings at or
above --fail-on; 2 usage error; 3 the database could not be read.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVulns(cmd, streams, args, format, db, now, failOn, sboms, vexFiles)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", "text", "output format: text or json")
	fl.StringVar(&db, "db", "", "vulnerability database `DIR` (default: the user cache directory)")
	fl.StringArrayVar(&sboms, "sbom", nil, "also match the components of this SBOM `FILE` (repeatable)")
	fl.StringArrayVar(&vexFiles, "vex", nil, "apply the statements of this VEX `FILE` (OpenVEX, CycloneDX VEX, CSAF VEX; repeatable)")
	fl.StringVar(&now, "now", "", "compute ages as of this `RFC3339` time")
	fl.String("db-max-age", "7d", "warn when the vulnerability database is older than this `AGE` (7d, 36h, 1mo)")
	fl.StringVar(&failOn, "fail-on", "never", "exit 1 when an open finding has at least this severity: any, low, medium, high, critical, or never")
	return cmd
}

func runVulns(cmd *cobra.Command, streams *IO, args []string, format, db, now, failOn string, sboms, vexFiles []string) error {
	dir := pathArg(args)
	if format != "text" && format != "json" {
		return usagef("--format: want text or json, got %q", format)
	}
	minRank, ok := vuln.ParseFailOn(failOn)
	if !ok {
		return usagef("--fail-on: want never, any, low, medium, high or critical, got %q", failOn)
	}
	at, err := parseNow(now, time.Now().UTC())
	if err != nil {
		return err
	}
	tree, err := source.OpenTree(dir)
	if err != nil {
		return usagef("open %s: %v", dir, err)
	}
	defer tree.Close()
	res, err := vuln.Assess(cmd.Context(), tree, vuln.Options{DBDir: db, SBOMFiles: sboms, VEXFiles: vexFiles})
	if errors.Is(err, vuln.ErrInput) {
		return usagef("%s", textsafe.Clean(err.Error()))
	}
	if err != nil {
		return err
	}
	if !res.DB.Present {
		return fmt.Errorf("no usable vulnerability database: %s", res.DB.Problem)
	}
	for _, f := range res.VEX {
		if f.Doc.Error != "" {
			fmt.Fprintf(streams.Err, "warning: VEX %s: %s\n", textsafe.Clean(f.Doc.Path), textsafe.Clean(f.Doc.Error))
		}
	}
	if maxAge, err := vulnsMaxAge(cmd); err != nil {
		return err
	} else if age := at.Sub(res.DB.ImportedAt); age > maxAge {
		fmt.Fprintf(streams.Err, "warning: stale database: imported %s ago, more than %s; recent advisories are missing (refresh it with `assay db update --online` or `assay db import`)\n", ageText(age), ageText(maxAge))
	}
	if u := res.DB.UncoveredText(); u != "" {
		fmt.Fprintf(streams.Err, "warning: %s not checked: the database holds no record of their ecosystem (import an OSV export that covers it)\n", u)
	}
	rows := make([]vuln.Row, 0, len(res.Findings))
	failing := 0
	for _, v := range res.Findings {
		rows = append(rows, vuln.RowOf(v, at))
		if vuln.Fails(v, minRank) {
			failing++
		}
	}
	if format == "json" {
		enc := json.NewEncoder(streams.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{
			"database": map[string]any{"dir": res.DB.Dir, "importedAt": res.DB.ImportedAt.UTC().Format(time.RFC3339), "checked": res.DB.Checked, "uncovered": res.Uncovered()},
			"packages": res.Packages, "findings": rows,
		}); err != nil {
			return err
		}
	} else if err := writeVulnsText(streams, res, rows); err != nil {
		return err
	}
	if failing > 0 {
		return errPolicy
	}
	return nil
}

func writeVulnsText(streams *IO, res *vuln.Result, rows []vuln.Row) error {
	if len(rows) == 0 {
		if u := res.DB.UncoveredText(); u != "" {
			_, err := fmt.Fprintf(streams.Out, "no known vulnerabilities in the %s the database could check; %s not checked\n", textsafe.Count(res.DB.Checked, "component"), u)
			return err
		}
		_, err := fmt.Fprintf(streams.Out, "no known vulnerabilities in %s\n", textsafe.Count(res.Packages, "component"))
		return err
	}
	tw := tabwriter.NewWriter(streams.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PACKAGE\tINSTALLED\tFIXED\tID\tSEVERITY\tKEV\tEPSS\tAGE\tSTATUS\tLOCATION")
	open := 0
	for _, r := range rows {
		fixed := strings.Join(r.Fixed, ", ")
		if fixed == "" {
			fixed = "-"
		}
		sev := r.Severity
		if r.CVSS > 0 {
			sev = fmt.Sprintf("%s %.1f", sev, r.CVSS)
		}
		if sev == "" {
			sev = "-"
			if r.Informational != "" {
				sev = r.Informational
			}
		}
		kev := "-"
		if r.KEV {
			kev = "KEV " + r.KEVAdded
		}
		epss := "-"
		if r.EPSS != nil {
			epss = fmt.Sprintf("%.3f", *r.EPSS)
		}
		age := "-"
		if r.Published != "" {
			age = fmt.Sprintf("%dd", r.AgeDays)
		}
		status := r.Status
		if r.Justification != "" {
			status += " (" + r.Justification + ")"
		}
		if r.Status == "affected" || r.Status == "under_investigation" {
			open++
		}
		loc := r.Path
		if r.Line > 0 {
			loc = fmt.Sprintf("%s:%d", r.Path, r.Line)
		}
		ids := r.ID
		if len(r.Aliases) > 1 {
			var others []string
			for _, a := range r.Aliases {
				if a != r.ID {
					others = append(others, a)
				}
			}
			ids += " (" + strings.Join(others, ", ") + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			textsafe.Clean(r.Package), textsafe.Clean(r.Version), textsafe.Clean(fixed), textsafe.Clean(ids), sev, kev, epss, age, textsafe.Clean(status), textsafe.Clean(loc))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(streams.Out, "\n%s (%d open) in %s\n", textsafe.Count(len(rows), "finding"), open, textsafe.Count(res.Packages, "component"))
	return err
}
