package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/textsafe"
	"github.com/assaysec/assay/internal/vulndb"
)

// dbDir resolves --db.
func dbDir(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	return vulndb.DefaultDir()
}

func newDBCmd(streams *IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Manage the offline vulnerability database",
		Long: `db imports vulnerability data into Assay's offline database and shows its
state. The database lives in the user cache directory unless --db names
another; assess and vulns read the same one.`,
	}
	cmd.AddCommand(newDBImportCmd(streams), newDBUpdateCmd(streams), newDBStatusCmd(streams))
	return cmd
}

func newDBImportCmd(streams *IO) *cobra.Command {
	var db, kind, eco string
	var replace bool
	cmd := &cobra.Command{
		Use:   "import SOURCE...",
		Short: "Import OSV records, the CISA KEV catalogue or FIRST EPSS scores",
		Long: `import reads each SOURCE into the database:

  - OSV records: a directory (golang/vulndb data/osv, RustSec's osv branch,
    PyPA's advisory-database with its YAML records, the root of
    github/advisory-database, whose reviewed advisories are read) or a zip
    file (osv.dev's per-ecosystem all.zip);
  - RustSec's advisory-db as cloned (crates/*/RUSTSEC-*.md), converted to
    OSV records as osv.dev does;
  - the CISA Known Exploited Vulnerabilities catalogue (JSON);
  - FIRST EPSS scores (CSV, optionally gzip-compressed).

Re-importing a source replaces its earlier import; other sources stay unless
--replace is given. The import is atomic: if it is interrupted, the previous
database is left as it was. Withdrawn records are skipped. A source that
yields no record is an error.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch kind {
			case "", vulndb.KindOSV, vulndb.KindKEV, vulndb.KindEPSS:
			default:
				return usagef("--kind: want osv, kev or epss, got %q", kind)
			}
			dir, err := dbDir(db)
			if err != nil {
				return usageError{err}
			}
			start := time.Now()
			pm := meter(cmd)
			done := pm.Start("importing vulnerability data")
			m, problems, err := vulndb.Import(cmd.Context(), dir, args, vulndb.ImportOptions{
				Replace: replace, Kind: kind, Eco: eco,
				Report: func(s vulndb.SourceMeta, src string) {
					pm.Clear()
					fmt.Fprintf(streams.Err, "imported %s: %d %s records", textsafe.Clean(src), s.Records, s.Kind)
					if s.Withdrawn > 0 {
						fmt.Fprintf(streams.Err, ", %d withdrawn skipped", s.Withdrawn)
					}
					if s.Skipped > 0 {
						fmt.Fprintf(streams.Err, ", %d unreadable skipped", s.Skipped)
					}
					fmt.Fprintln(streams.Err)
				},
			})
			done()
			for i, p := range problems {
				if i == 20 {
					fmt.Fprintf(streams.Err, "... and %d more problems\n", len(problems)-20)
					break
				}
				fmt.Fprintf(streams.Err, "skipped %s: %s\n", textsafe.Clean(p.Path), textsafe.Clean(p.Err))
			}
			if err != nil {
				return err
			}
			total := 0
			for _, s := range m.Sources {
				if s.Kind == vulndb.KindOSV {
					total += s.Records
				}
			}
			fmt.Fprintf(streams.Out, "database %s: %s, %s (import took %s)\n", dir, textsafe.Count(len(m.Sources), "source"), textsafe.Count(total, "OSV record"), time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&db, "db", "", "database `DIR` (default: the user cache directory)")
	fl.BoolVar(&replace, "replace", false, "drop every source not given in this import")
	fl.StringVar(&kind, "kind", "", "treat every SOURCE as `KIND` (osv, kev, epss) instead of detecting it")
	fl.StringVar(&eco, "ecosystem", "", "implicit `ECOSYSTEM` for OSV records whose packages name none (PyPA YAML records default to PyPI)")
	return cmd
}

func newDBStatusCmd(streams *IO) *cobra.Command {
	var db, format, now, maxAgeFlag string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the database's sources, record counts and age",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usagef("--format: want text or json, got %q", format)
			}
			at, err := parseNow(now, time.Now().UTC())
			if err != nil {
				return err
			}
			maxAge, err := config.ParseAge(maxAgeFlag)
			if err != nil {
				return usagef("--db-max-age: %v", err)
			}
			dir, err := dbDir(db)
			if err != nil {
				return usageError{err}
			}
			m, err := vulndb.ReadMeta(dir)
			if errors.Is(err, fs.ErrNotExist) {
				if format == "json" {
					return json.NewEncoder(streams.Out).Encode(map[string]any{"dir": dir, "present": false})
				}
				fmt.Fprintf(streams.Out, "no vulnerability database in %s; run `assay db update --online` (or `assay db import`) first\n", dir)
				return nil
			}
			if err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(streams.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"dir": dir, "present": true, "sources": m.SortedSources()})
			}
			fmt.Fprintf(streams.Out, "database %s\n\n", dir)
			tw := tabwriter.NewWriter(streams.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "SOURCE\tKIND\tRECORDS\tIMPORTED\tAGE\tNEWEST RECORD\tECOSYSTEMS\tFROM")
			for _, s := range m.SortedSources() {
				newest := "-"
				if !s.Newest.IsZero() {
					newest = s.Newest.UTC().Format(time.DateOnly)
				}
				var ecos []string
				for e := range s.Ecosystems {
					ecos = append(ecos, e)
				}
				slices.Sort(ecos)
				// The age counts from the last time the data was known
				// current: an update its origin answered "not modified"
				// confirms it as much as a new import.
				age := at.Sub(s.CurrentAt())
				from := s.Origin
				if s.Fetched != nil {
					from = s.Fetched.URL
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", textsafe.Clean(s.Name), s.Kind, s.Records, s.ImportedAt.UTC().Format(time.RFC3339), ageText(age), newest, strings.Join(ecos, ","), textsafe.Clean(from))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			for _, s := range m.Sources {
				if age := at.Sub(s.CurrentAt()); s.Kind == vulndb.KindOSV && age > maxAge {
					fmt.Fprintf(streams.Out, "\nwarning: %s was imported %s ago, more than %s; assessments will report the database as stale (refresh it with `assay db update --online` or `assay db import`)\n", textsafe.Clean(s.Name), ageText(age), ageText(maxAge))
				}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&db, "db", "", "database `DIR` (default: the user cache directory)")
	fl.StringVarP(&format, "format", "f", "text", "output format: text or json")
	fl.StringVar(&now, "now", "", "compute ages as of this `RFC3339` time")
	fl.StringVar(&maxAgeFlag, "db-max-age", "7d", "warn about OSV sources older than this `AGE` (7d, 36h, 1mo)")
	return cmd
}

func ageText(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}
