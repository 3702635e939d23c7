package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/fleet"
	renderlist "github.com/assaysec/assay/internal/render/list"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/textsafe"
)

// fleetDatabaseEnv names the database when --database is not given.
const fleetDatabaseEnv = "ASSAY_FLEET_DATABASE"

func newFleetCmd(streams *IO) *cobra.Command {
	var database string
	cmd := &cobra.Command{
		Use:   "fleet",
		Short: "Assess many repositories through a database and a job queue",
		Long: `Fleet keeps repositories and their assessments in a database and assesses
them through a job queue with a bounded pool of workers.

The database is embedded SQLite by default ($XDG_DATA_HOME/assay/fleet.db, else
~/.local/share/assay/fleet.db); --database (or ` + fleetDatabaseEnv + `) picks
another SQLite file with sqlite:///PATH or PostgreSQL with postgres://... .
Migrations are applied on open. Assessments run offline; no token is stored.`,
	}
	cmd.PersistentFlags().StringVar(&database, "database", "", "`DATABASE`: sqlite:///PATH or postgres://USER@HOST/DB (default $"+fleetDatabaseEnv+", else the embedded SQLite file)")
	opener := func(readOnly bool) fleetOpener {
		return func(cmd *cobra.Command) (*fleet.Fleet, error) {
			d := database
			if d == "" {
				d = os.Getenv(fleetDatabaseEnv)
			}
			db, err := fleet.ParseDatabase(d)
			if err != nil {
				return nil, usageError{err}
			}
			logger := slog.New(slog.NewTextHandler(streams.Err, &slog.HandlerOptions{Level: slog.LevelWarn}))
			f, err := fleet.Open(cmd.Context(), db, fleet.OpenOptions{Logger: logger, ReadOnly: readOnly})
			if errors.Is(err, fleet.ErrNoFleet) {
				return nil, usageError{err}
			}
			return f, err
		}
	}
	// status and report only read: they create no database or directory.
	open, openRO := opener(false), opener(true)
	cmd.AddCommand(newFleetAddCmd(streams, open), newFleetRunCmd(streams, open),
		newFleetStatusCmd(streams, openRO), newFleetReportCmd(streams, openRO))
	return cmd
}

type fleetOpener func(*cobra.Command) (*fleet.Fleet, error)

func newFleetAddCmd(streams *IO, open fleetOpener) *cobra.Command {
	var (
		from        string
		maxAttempts int
	)
	cmd := &cobra.Command{
		Use:   "add [PATH...]",
		Short: "Register repositories and queue an assessment of each",
		Long: `Add registers local directories by absolute path and queues one assessment
job for each. A repository that already has a job waiting or running is not
queued twice. --from reads more paths from FILE ("-" for standard input), one
per line; blank lines and lines starting with # are skipped.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			paths := append([]string(nil), args...)
			if from != "" {
				list, err := readFleetList(streams, from)
				if err != nil {
					return usageError{err}
				}
				paths = append(paths, list...)
			}
			if len(paths) == 0 {
				return usagef("add: give at least one PATH or --from FILE")
			}
			if maxAttempts < 1 || maxAttempts > 25 {
				return usagef("--max-attempts: want 1 to 25, got %d", maxAttempts)
			}
			dirs, err := fleet.ResolveDirs(paths)
			if err != nil {
				return usageError{err}
			}
			f, err := open(cmd)
			if err != nil {
				return err
			}
			defer f.Close()
			repos, err := f.Store.AddRepositories(cmd.Context(), dirs, time.Now().UTC())
			if err != nil {
				return err
			}
			queued, err := f.Queue.Enqueue(cmd.Context(), repos, maxAttempts)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(streams.Out, "added %s, queued %s\n", textsafe.Plural(len(repos), "repository", "repositories"), textsafe.Count(queued, "job"))
			return err
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "read paths from `FILE`, one per line (- for standard input)")
	cmd.Flags().IntVar(&maxAttempts, "max-attempts", 3, "try each assessment at most `N` times")
	return cmd
}

func readFleetList(streams *IO, name string) ([]string, error) {
	if name == "-" {
		return fleet.ReadPathList("standard input", streams.In)
	}
	fh, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("--from: %w", err)
	}
	defer fh.Close()
	if st, err := fh.Stat(); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("--from: %s is not a regular file", name)
	}
	return fleet.ReadPathList(name, fh)
}

func newFleetRunCmd(streams *IO, open fleetOpener) *cobra.Command {
	var (
		workers    int
		untilEmpty bool
		timeout    = newSpanFlag(15 * time.Minute)
		now        string
	)
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Work through the queued assessments",
		Long: `Run starts a pool of workers that take assessment jobs from the queue and
store each result: the report, its summary counts, the commit, the outcome and
the duration. A failing repository is retried (a broken declaration is not),
then stored as failed; it never stops the run. Without --until-empty the
workers wait for new jobs until interrupted.

A repository whose commit, assay.yaml and vulnerability database are those of
its newest succeeded assessment, assessed the same day by the same Assay, is
not assessed again: the run prints "same ... unchanged since assessment N".

Exit codes: 0 the run finished (failures are in 'assay fleet status');
2 usage error; 3 the run itself could not go on.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if workers < 1 || workers > 256 {
				return usagef("--workers: want 1 to 256, got %d", workers)
			}
			jobTimeout := timeout.at(time.Now())
			if jobTimeout <= 0 {
				return usagef("--job-timeout: want a positive duration such as 15m, got %s", timeout)
			}
			at, err := parseNow(now, time.Time{})
			if err != nil {
				return err
			}
			f, err := open(cmd)
			if err != nil {
				return err
			}
			defer f.Close()
			var (
				mu                         sync.Mutex
				succeeded, fail, unchanged int
			)
			clock := time.Now
			if !at.IsZero() {
				clock = func() time.Time { return at }
			}
			pm := meter(cmd)
			done := pm.Start("working through the queue")
			err = f.Queue.Work(cmd.Context(), fleet.WorkOptions{
				Workers:     workers,
				UntilEmpty:  untilEmpty,
				JobTimeout:  jobTimeout,
				Assess:      fleet.EngineAssessor(at),
				Fingerprint: fleet.EngineFingerprint("", clock),
				OnDone: func(r fleet.Result) {
					mu.Lock()
					defer mu.Unlock()
					pm.Clear()
					printFleetResult(streams.Out, r)
					switch {
					case r.UnchangedSince > 0:
						unchanged++
					case r.Assessment.Status == fleet.StatusSucceeded:
						succeeded++
					case r.Final:
						fail++
					}
				},
			})
			done()
			mu.Lock()
			fmt.Fprintf(streams.Out, "assessed %d: %d succeeded, %d failed\n", succeeded+fail, succeeded, fail)
			if unchanged > 0 {
				fmt.Fprintf(streams.Out, "unchanged %d: not assessed again (same commit, declaration, vulnerability database and day)\n", unchanged)
			}
			mu.Unlock()
			if errors.Is(err, context.Canceled) {
				return errors.New("interrupted; unfinished jobs stay queued")
			}
			return err
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&workers, "workers", 4, "assess at most `N` repositories at once")
	fl.BoolVar(&untilEmpty, "until-empty", false, "stop once no job is waiting or running")
	fl.Var(timeout, "job-timeout", "give up one attempt after `SPAN` (15m, 2h, 1d)")
	fl.StringVar(&now, "now", "", "assess as of this `RFC3339` time, for reproducible runs")
	return cmd
}

func printFleetResult(w io.Writer, r fleet.Result) {
	a := r.Assessment
	path := textsafe.Clean(r.Repository.Path)
	switch {
	case r.UnchangedSince > 0:
		fmt.Fprintf(w, "same    %s: unchanged since assessment %d\n", path, r.UnchangedSince)
	case a.Status == fleet.StatusSucceeded:
		fmt.Fprintf(w, "ok      %s: %d met, %d not met, %d unknown (%s)\n", path, a.Claims.Met, a.Claims.NotMet, a.Claims.Unknown, a.Duration.Round(time.Millisecond))
	case r.Final:
		fmt.Fprintf(w, "failed  %s: %s\n", path, shortError(a.Error))
	default:
		fmt.Fprintf(w, "retry   %s (attempt %d): %s\n", path, a.Attempt, shortError(a.Error))
	}
}

// shortError keeps one line of an error from a repository, escaped, so a
// hostile declaration cannot paint the terminal or flood the listing.
func shortError(s string) string {
	s = textsafe.Clean(s)
	const maxLen = 300
	if len(s) > maxLen {
		s = s[:maxLen] + "…"
	}
	return s
}

// fleetStatusJSON is the --format json form of `fleet status`.
type fleetStatusJSON struct {
	Database     string                   `json:"database"`
	Queued       int                      `json:"queued"`
	Repositories []fleet.RepositoryStatus `json:"repositories"`
}

func newFleetStatusCmd(streams *IO, open fleetOpener) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "List repositories with their latest assessment",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return usagef("--format: want text or json, got %q", format)
			}
			f, err := open(cmd)
			if err != nil {
				return err
			}
			defer f.Close()
			st, err := f.Store.Statuses(cmd.Context())
			if err != nil {
				return err
			}
			queued, err := f.Queue.Pending(cmd.Context())
			if err != nil {
				return err
			}
			if format == "json" {
				if st == nil {
					st = []fleet.RepositoryStatus{}
				}
				enc := json.NewEncoder(streams.Out)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				return enc.Encode(fleetStatusJSON{Database: f.Database.String(), Queued: queued, Repositories: st})
			}
			return writeFleetStatus(streams.Out, st, queued)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	return cmd
}

func writeFleetStatus(w io.Writer, st []fleet.RepositoryStatus, queued int) error {
	fmt.Fprintf(w, "%s, %s queued\n", textsafe.Plural(len(st), "repository", "repositories"), textsafe.Count(queued, "job"))
	if len(st) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nREPOSITORY\tSTATUS\tMET\tNOT MET\tUNKNOWN\tPRINCIPLES MET/PARTIAL/NOT/UNKNOWN\tASSESSED\tCOMMIT\tERROR")
	for _, s := range st {
		status, counts, principles, assessed, commit, errText := "pending", "-\t-\t-", "-", "-", "-", ""
		if s.Latest != nil {
			status = "ok"
			assessed = s.Latest.FinishedAt.UTC().Format(time.RFC3339)
			if s.Latest.Status == fleet.StatusFailed {
				status = "failed"
				errText = shortError(s.Latest.Error)
				if len(errText) > 120 {
					errText = errText[:120] + "…"
				}
			}
		}
		if a := s.LastSuccess; a != nil {
			counts = fmt.Sprintf("%d\t%d\t%d", a.Claims.Met, a.Claims.NotMet, a.Claims.Unknown)
			principles = fmt.Sprintf("%d/%d/%d/%d", a.Principles.Met, a.Principles.PartiallyMet, a.Principles.NotMet, a.Principles.Unknown)
			commit = shortCommit(a.Commit)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", textsafe.Clean(s.Path), status, counts, principles, assessed, commit, errText)
	}
	return tw.Flush()
}

func shortCommit(c string) string {
	c = textsafe.Clean(c)
	if c == "" {
		return "-"
	}
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

func newFleetReportCmd(streams *IO, open fleetOpener) *cobra.Command {
	var (
		format, output string
		verbose        bool
	)
	cmd := &cobra.Command{
		Use:   "report REPO",
		Short: "Render the latest stored report of a repository",
		Long: `Report renders the newest successful assessment of REPO (its path as given
to 'fleet add') in any report format, without assessing again.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format = reportFormat(cmd, format, output, "text")
			if !renderlist.Formats.Has(format) {
				return usagef("--format: unknown format %q; want one of %s", format, strings.Join(renderlist.Formats.Names(), ", "))
			}
			path, err := filepath.Abs(args[0])
			if err != nil {
				return usageError{err}
			}
			if real, err := filepath.EvalSymlinks(path); err == nil {
				path = real
			}
			f, err := open(cmd)
			if err != nil {
				return err
			}
			defer f.Close()
			repo, err := f.Store.Repository(cmd.Context(), path)
			if errors.Is(err, fleet.ErrNotFound) {
				return usagef("%s is not in the fleet; add it with 'assay fleet add'", textsafe.Clean(path))
			}
			if err != nil {
				return err
			}
			a, err := f.Store.LatestReport(cmd.Context(), repo.ID)
			if errors.Is(err, fleet.ErrNotFound) {
				return fmt.Errorf("%s has no successful assessment yet; see 'assay fleet status'", textsafe.Clean(path))
			}
			if err != nil {
				return err
			}
			var rep report.Report
			if err := json.Unmarshal(a.Report, &rep); err != nil {
				return fmt.Errorf("stored report %d of %s: %w", a.ID, textsafe.Clean(path), err)
			}
			verbose, _ = cmd.Flags().GetBool("verbose")
			return writeReport(streams, &rep, format, output, verbose)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", "text", "report format: "+strings.Join(renderlist.Formats.Names(), ", "))
	fl.StringVarP(&output, "output", "o", "", "write the report to `FILE` (atomically) instead of standard output")
	return cmd
}
