package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/deps"
	"github.com/assaysec/assay/internal/engine"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/textsafe"
	"github.com/assaysec/assay/internal/vuln"
)

func newVulnsCmd(streams *IO) *cobra.Command {
	var format, db, now, failOn, unknownSev, uncovered string
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

A component pinned by several manifests is one finding listing every file.
Per ecosystem, vulns reports the components, the records the database holds
and the findings; components of an ecosystem the database holds no record
of are "not checked", never "no known vulnerabilities". A finding no record
rates (GO- records carry no rating unless their GHSA or CVE alias is in the
database) is shown as unknown and fails every --fail-on level unless
--unknown-severity=ignore. With --fail-on set, components the database
could not check fail it too (a gate must not pass on what nothing
checked) unless --uncovered=ignore.

The Go standard library is matched at go.mod's toolchain line, or at
build.go in assay.yaml. Without either, go.mod's go line is only the oldest
Go the module accepts: its findings are reported once, as toolchain
findings that depend on the Go used to build.

Exit codes: 0 done (or no open finding at --fail-on); 1 open findings at or
above --fail-on, or components not checked; 2 usage error; 3 the database
could not be read.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVulns(cmd, streams, args, vulnsFlags{format, db, now, failOn, unknownSev, uncovered, sboms, vexFiles})
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
	fl.StringVar(&unknownSev, "unknown-severity", "fail", "how --fail-on treats a finding no record rates: fail (as at least the threshold) or ignore")
	fl.StringVar(&uncovered, "uncovered", "fail", "how --fail-on treats components of ecosystems the database holds no record of: fail or ignore")
	return cmd
}

// vulnsFlags are the vulns command's flag values.
type vulnsFlags struct {
	format, db, now, failOn, unknownSev, uncovered string
	sboms, vexFiles                                []string
}

func runVulns(cmd *cobra.Command, streams *IO, args []string, fl vulnsFlags) error {
	dir := pathArg(args)
	format := fl.format
	if format != "text" && format != "json" {
		return usagef("--format: want text or json, got %q", format)
	}
	minRank, ok := vuln.ParseFailOn(fl.failOn)
	if !ok {
		return usagef("--fail-on: want never, any, low, medium, high or critical, got %q", fl.failOn)
	}
	ignoreUnknown, ok := vuln.ParseUnknownSeverity(fl.unknownSev)
	if !ok {
		return usagef("--unknown-severity: want fail or ignore, got %q", fl.unknownSev)
	}
	if fl.uncovered != "fail" && fl.uncovered != "ignore" {
		return usagef("--uncovered: want fail or ignore, got %q", fl.uncovered)
	}
	at, err := parseNow(fl.now, time.Now().UTC())
	if err != nil {
		return err
	}
	// The declaration may name the Go release builds use (build.go).
	// A declaration that does not parse costs only that: vulns needs
	// nothing else from it.
	cfg, err := engine.LoadDeclaration(engine.Options{Path: dir})
	if err != nil {
		fmt.Fprintf(streams.Err, "warning: %s; the declaration is not used\n", textsafe.Clean(err.Error()))
		cfg = &config.Config{}
	}
	tree, err := source.OpenTree(dir)
	if err != nil {
		return usagef("open %s: %v", dir, err)
	}
	defer tree.Close()
	opts := vuln.Options{DBDir: fl.db, SBOMFiles: fl.sboms, VEXFiles: fl.vexFiles}.WithBuild(cfg)
	res, err := vuln.Assess(cmd.Context(), tree, opts)
	if errors.Is(err, vuln.ErrInput) {
		return usagef("%s", textsafe.Clean(err.Error()))
	}
	if err != nil {
		return err
	}
	for _, w := range deps.ScanCached(cmd.Context(), tree).Warnings() {
		fmt.Fprintf(streams.Err, "warning: %s\n", textsafe.Clean(w))
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
		if vuln.Fails(v, minRank, ignoreUnknown) {
			failing++
		}
	}
	if format == "json" {
		enc := json.NewEncoder(streams.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{
			"database": map[string]any{
				"dir": res.DB.Dir, "importedAt": res.DB.ImportedAt.UTC().Format(time.RFC3339), "checked": res.DB.Checked, "uncovered": res.Uncovered(),
				"coverage": res.Coverage(),
			},
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
	if u := res.DB.UncoveredText(); u != "" && minRank >= 0 && fl.uncovered == "fail" {
		fmt.Fprintf(streams.Err, "policy: --fail-on %s cannot pass: %s not checked (import data for their ecosystem, or --uncovered=ignore)\n", fl.failOn, u)
		return errPolicy
	}
	return nil
}

// writeCoverage prints the coverage table: per ecosystem the components,
// the database's records and the findings, or that it was not checked.
func writeCoverage(streams *IO, res *vuln.Result) error {
	if len(res.DB.Ecosystems) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("\ncoverage:\n")
	for _, e := range res.DB.Ecosystems {
		b.WriteString("  " + textsafe.Clean(e.Text()) + "\n")
	}
	_, err := io.WriteString(streams.Out, b.String())
	return err
}

func writeVulnsText(streams *IO, res *vuln.Result, rows []vuln.Row) error {
	if len(rows) == 0 {
		var err error
		if u := res.DB.UncoveredText(); u != "" {
			_, err = fmt.Fprintf(streams.Out, "no known vulnerabilities in the %s the database could check; %s not checked\n", textsafe.Count(res.DB.Checked, "component"), u)
		} else {
			_, err = fmt.Fprintf(streams.Out, "no known vulnerabilities in %s\n", textsafe.Count(res.Packages, "component"))
		}
		if err != nil {
			return err
		}
		return writeCoverage(streams, res)
	}
	tw := tabwriter.NewWriter(streams.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PACKAGE\tINSTALLED\tFIXED\tID\tSEVERITY\tKEV\tEPSS\tAGE\tSTATUS\tLOCATION")
	open, toolchain, floor := 0, 0, ""
	for _, r := range rows {
		if r.Toolchain {
			toolchain++
			floor = r.Version
		} else if r.Status == "affected" || r.Status == "under_investigation" {
			open++
		}
		fmt.Fprintln(tw, vulnsLine(r))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(streams.Out, "\n%s (%d open) in %s\n", textsafe.Count(len(rows), "finding"), open, textsafe.Count(res.Packages, "component")); err != nil {
		return err
	}
	if toolchain > 0 {
		what := fmt.Sprintf("%d findings are toolchain findings", toolchain)
		if toolchain == 1 {
			what = "1 finding is a toolchain finding"
		}
		if _, err := fmt.Fprintf(streams.Out, "%s: the Go standard library from go.mod's go %s, which is only the oldest Go the module accepts; which of them the product carries depends on the Go used to build, which the repository does not fix (add a toolchain line to go.mod, or build.go to assay.yaml)\n",
			what, textsafe.Clean(floor)); err != nil {
			return err
		}
	}
	return writeCoverage(streams, res)
}

// vulnsLine is one finding as a table row.
func vulnsLine(r vuln.Row) string {
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
	if r.Toolchain && status == "affected" {
		status = "depends on build"
	}
	if r.Justification != "" {
		status += " (" + r.Justification + ")"
	}
	loc := r.Path
	if r.Line > 0 {
		loc = fmt.Sprintf("%s:%d", r.Path, r.Line)
	}
	if n := len(r.Locations) - 1; n > 0 {
		loc += fmt.Sprintf(" +%d more", n)
	}
	version := r.Version
	if r.Toolchain {
		version = ">=" + version + " (toolchain)"
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
	return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s",
		textsafe.Clean(r.Package), textsafe.Clean(version), textsafe.Clean(fixed), textsafe.Clean(ids), sev, kev, epss, age, textsafe.Clean(status), textsafe.Clean(loc))
}
