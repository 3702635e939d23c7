package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/fleet"
	"github.com/assaysec/assay/internal/server"
)

func newServeCmd(streams *IO) *cobra.Command {
	var (
		database, addr, organisation string
		workers                      int
		repoRoots                    []string
		newSignin, secureCookies     bool
		jobTimeout                   time.Duration
		gitCache                     string
		gitMaxBytes                  int64
		allowPrivate, noGit          bool
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web dashboard and JSON API over the fleet database",
		Long: `Serve runs the dashboard and the JSON API (under /api/v1) on the fleet's
database and job queue. On an empty database it creates an organisation and
its admin and prints a one-time sign-in token; only its hash is stored.

The database is the fleet's: embedded SQLite by default, --database
postgres://... for PostgreSQL. --workers N assesses queued repositories in
this process; --workers 0 leaves them to 'assay fleet run' processes on other
machines sharing the same PostgreSQL database. Assessments run offline.

Repositories are directories on the server (--repo-root limits them to the
given directories) or public https git URLs, cloned with go-git (no hooks, no
submodules) into a bounded cache by this process's workers. Listen on loopback (the default) or behind a TLS proxy,
with --secure-cookies.

Every serve process queues the repositories whose schedule (set on the
repository page or with PUT /api/v1/repositories/ID/schedule) is due. A worker
does not assess a repository whose commit, assay.yaml and vulnerability
database are those of its newest succeeded assessment the same day: it records
"unchanged since assessment N" instead.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if workers < 0 || workers > 256 {
				return usagef("--workers: want 0 to 256, got %d", workers)
			}
			d := database
			if d == "" {
				d = os.Getenv(fleetDatabaseEnv)
			}
			db, err := fleet.ParseDatabase(d)
			if err != nil {
				return usageError{err}
			}
			var roots []string
			for _, r := range repoRoots {
				abs, err := filepath.Abs(r)
				if err != nil {
					return usagef("--repo-root %s: %v", r, err)
				}
				if real, err := filepath.EvalSymlinks(abs); err == nil {
					abs = real
				}
				roots = append(roots, abs)
			}
			var git *server.GitCache
			if !noGit {
				if gitCache == "" {
					dir, err := os.UserCacheDir()
					if err != nil {
						return usagef("--git-cache: %v", err)
					}
					gitCache = filepath.Join(dir, "assay", "git")
				}
				abs, err := filepath.Abs(gitCache)
				if err != nil {
					return usagef("--git-cache: %v", err)
				}
				git = &server.GitCache{Dir: abs, MaxRepoBytes: gitMaxBytes, AllowPrivate: allowPrivate}
			}
			return runServe(cmd.Context(), streams, serveOptions{git: git,
				db: db, addr: addr, organisation: organisation, workers: workers, roots: roots,
				newSignin: newSignin, secureCookies: secureCookies, jobTimeout: jobTimeout,
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&database, "database", "", "`DATABASE`: sqlite:///PATH or postgres://USER@HOST/DB (default $"+fleetDatabaseEnv+", else the embedded SQLite file)")
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "`HOST:PORT` to listen on")
	f.IntVar(&workers, "workers", 2, "assessment workers in this process (0: leave jobs to 'assay fleet run')")
	f.StringVar(&organisation, "organisation", "My organisation", "`NAME` of the organisation created on first start")
	f.StringSliceVar(&repoRoots, "repo-root", nil, "`DIR` under which repositories may be registered (repeatable; default anywhere)")
	f.BoolVar(&newSignin, "new-signin", false, "print a fresh one-time sign-in token for the first admin (when the first one was lost)")
	f.BoolVar(&secureCookies, "secure-cookies", false, "mark the session cookie Secure (serve behind TLS)")
	f.DurationVar(&jobTimeout, "job-timeout", 15*time.Minute, "longest one assessment may run")
	f.StringVar(&gitCache, "git-cache", "", "`DIR` where repositories registered by https URL are cloned (default the user cache directory's assay/git)")
	f.Int64Var(&gitMaxBytes, "git-max-bytes", 1<<30, "largest checkout of one git URL, in bytes")
	f.BoolVar(&allowPrivate, "allow-private-remotes", false, "let git URLs reach loopback and private addresses (an internal forge)")
	f.BoolVar(&noGit, "no-git", false, "accept local directories only, never git URLs")
	return cmd
}

type serveOptions struct {
	db                       fleet.Database
	addr, organisation       string
	workers                  int
	roots                    []string
	newSignin, secureCookies bool
	jobTimeout               time.Duration
	git                      *server.GitCache
}

func runServe(ctx context.Context, streams *IO, o serveOptions) error {
	logger := slog.New(slog.NewJSONHandler(streams.Err, &slog.HandlerOptions{Level: slog.LevelInfo}))
	f, err := fleet.Open(ctx, o.db, fleet.OpenOptions{Logger: slog.New(slog.NewJSONHandler(streams.Err, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		return err
	}
	defer f.Close()
	srv, err := server.New(ctx, server.Config{Fleet: f, Logger: logger, RepoRoots: o.roots, SecureCookies: o.secureCookies, Git: o.git})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return usagef("--addr: %v", err)
	}
	base := "http://" + ln.Addr().String()
	token, err := srv.Bootstrap(ctx, o.organisation)
	if err != nil {
		ln.Close()
		return err
	}
	if token == "" && o.newSignin {
		if token, err = srv.AdminSignin(ctx); err != nil {
			ln.Close()
			return err
		}
	}
	if token != "" {
		fmt.Fprintf(streams.Out, "Sign in at %s/signin with this one-time token (valid %s; it is not shown again):\n\n    %s\n\n", base, server.SigninTTL, token)
		fmt.Fprintf(streams.Out, "For the API, exchange it: curl -s -X POST %s/api/v1/signin -d '{\"token\":\"%s\"}'\n", base, token)
	}
	if host, _, _ := net.SplitHostPort(ln.Addr().String()); !net.ParseIP(host).IsLoopback() && !o.secureCookies {
		logger.Warn("listening beyond loopback without --secure-cookies: put a TLS proxy in front", "addr", ln.Addr().String())
	}
	fmt.Fprintf(streams.Out, "Assay is serving %s on %s (database %s, %d workers)\n", base, ln.Addr(), f.Database, o.workers)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 2)
	go func() {
		if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("serve: %w", err)
		}
	}()
	workDone := make(chan struct{})
	if o.workers > 0 {
		opts := fleet.WorkOptions{Workers: o.workers, JobTimeout: o.jobTimeout, Assess: fleet.EngineAssessor(time.Time{}),
			Fingerprint: fleet.EngineFingerprint("", nil),
			OnDone: func(r fleet.Result) {
				srv.ObserveJob(r)
				if r.UnchangedSince > 0 {
					logger.Info("assessment", "repository", r.Repository.Path, "unchanged_since", r.UnchangedSince)
					return
				}
				logger.Info("assessment", "repository", r.Repository.Path, "status", r.Assessment.Status, "attempt", r.Assessment.Attempt, "final", r.Final)
			}}
		if o.git != nil {
			opts.Resolve = o.git.Resolve
		}
		go func() {
			defer close(workDone)
			err := f.Queue.Work(ctx, opts)
			if err != nil && !errors.Is(err, context.Canceled) {
				errc <- fmt.Errorf("workers: %w", err)
			}
		}()
	} else {
		close(workDone)
	}
	// The scheduler queues due repositories whether or not this process
	// works the queue.
	schedDone := make(chan struct{})
	go func() {
		defer close(schedDone)
		tick := time.NewTicker(server.SchedulerEvery)
		defer tick.Stop()
		srv.RunScheduler(ctx, tick.C, nil)
	}()
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	// Stop taking requests, let running ones finish; the workers' stop
	// cancels running assessments, which River retries on the next start.
	sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer scancel()
	shutErr := hs.Shutdown(sctx)
	cancel()
	<-workDone
	<-schedDone
	if err != nil {
		return err
	}
	if shutErr != nil {
		return fmt.Errorf("shutdown: %w", shutErr)
	}
	return nil
}
