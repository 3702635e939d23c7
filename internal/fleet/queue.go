package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"github.com/assaysec/assay/internal/report"
)

// JobKind is the River kind of an assessment job.
const JobKind = "assay_fleet_assess"

// AssessArgs are an assessment job's arguments: only the repository's id and
// path, never a credential. Uniqueness is by repository.
type AssessArgs struct {
	RepositoryID int64  `json:"repository_id" river:"unique"`
	Path         string `json:"path"`
	// Force skips the unchanged check; it is not part of uniqueness.
	Force bool `json:"force,omitempty"`
}

// Kind implements river.JobArgs.
func (AssessArgs) Kind() string { return JobKind }

// liveStates are the states of a job that is still to run or running; a
// repository has at most one job in them.
var liveStates = []rivertype.JobState{
	rivertype.JobStateAvailable,
	rivertype.JobStatePending,
	rivertype.JobStateRetryable,
	rivertype.JobStateRunning,
	rivertype.JobStateScheduled,
}

// riverQueue implements Queue over River, for either driver.
type riverQueue[TTx any] struct {
	driver riverdriver.Driver[TTx]
	store  Store
	logger *slog.Logger
	// insert is a client that only inserts and lists: working needs a
	// client configured with the pool size, made by Work.
	insert *river.Client[TTx]
	// pollInterval is how often an idle producer looks for jobs. SQLite has
	// no LISTEN/NOTIFY, so it polls; PostgreSQL is woken by notifications.
	pollInterval time.Duration
	leases       leases
}

func newRiverQueue[TTx any](driver riverdriver.Driver[TTx], store *sqlStore, logger *slog.Logger, poll time.Duration) (*riverQueue[TTx], error) {
	c, err := river.NewClient(driver, &river.Config{Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	return &riverQueue[TTx]{driver: driver, store: store, logger: logger, insert: c, pollInterval: poll,
		leases: leases{db: store.db, dialect: store.dialect}}, nil
}

func (q *riverQueue[TTx]) Enqueue(ctx context.Context, repos []Repository, maxAttempts int) (int, error) {
	return q.EnqueueWith(ctx, repos, EnqueueOptions{MaxAttempts: maxAttempts})
}

func (q *riverQueue[TTx]) EnqueueWith(ctx context.Context, repos []Repository, eo EnqueueOptions) (int, error) {
	if eo.MaxAttempts <= 0 {
		eo.MaxAttempts = 3
	}
	opts := &river.InsertOpts{
		MaxAttempts: eo.MaxAttempts,
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByState: liveStates},
	}
	queued := 0
	for start := 0; start < len(repos); start += maxAddBatch {
		batch := repos[start:min(start+maxAddBatch, len(repos))]
		params := make([]river.InsertManyParams, len(batch))
		for i, r := range batch {
			params[i] = river.InsertManyParams{Args: AssessArgs{RepositoryID: r.ID, Path: r.Path, Force: eo.Force}, InsertOpts: opts}
		}
		res, err := q.insert.InsertMany(ctx, params)
		if err != nil {
			return queued, fmt.Errorf("enqueue: %w", err)
		}
		for i, r := range res {
			switch {
			case !r.UniqueSkippedAsDuplicate:
				queued++
			case eo.Force && r.Job != nil:
				// A forced request must not be lost to a job already
				// waiting for the same repository: that job is made forced.
				if err := q.forceWaiting(ctx, r.Job.ID, params[i].Args.(AssessArgs)); err != nil {
					return queued, err
				}
			}
		}
	}
	return queued, nil
}

// forceWaiting rewrites the arguments of a job that has not started yet so
// that it skips the unchanged check. A job already running is left alone:
// it assesses whatever the check finds, and the next request can force.
func (q *riverQueue[TTx]) forceWaiting(ctx context.Context, id int64, args AssessArgs) error {
	args.Force = true
	data, err := json.Marshal(args)
	if err != nil {
		return err
	}
	cast := "?"
	if q.leases.dialect == Postgres {
		cast = "CAST(? AS jsonb)"
	}
	_, err = q.leases.db.ExecContext(ctx, rebind(q.leases.dialect,
		`UPDATE river_job SET args = `+cast+` WHERE id = ? AND state IN ('available', 'scheduled', 'retryable', 'pending')`), string(data), id)
	if err != nil {
		return fmt.Errorf("force queued job %d: %w", id, err)
	}
	return nil
}

func (q *riverQueue[TTx]) Pending(ctx context.Context) (int, error) {
	n := 0
	params := river.NewJobListParams().Kinds(JobKind).States(liveStates...).First(1000)
	for {
		res, err := q.insert.JobList(ctx, params)
		if err != nil {
			return n, fmt.Errorf("count jobs: %w", err)
		}
		n += len(res.Jobs)
		if len(res.Jobs) < 1000 {
			return n, nil
		}
		params = params.After(res.LastCursor)
	}
}

func (q *riverQueue[TTx]) JobStates(ctx context.Context) (map[string]int, error) {
	rows, err := q.leases.db.QueryContext(ctx, rebind(q.leases.dialect, `SELECT state, count(*) FROM river_job WHERE kind = ? GROUP BY state`), JobKind)
	if err != nil {
		return nil, fmt.Errorf("count jobs by state: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var (
			state string
			n     int
		)
		if err := rows.Scan(&state, &n); err != nil {
			return nil, fmt.Errorf("count jobs by state: %w", err)
		}
		out[state] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count jobs by state: %w", err)
	}
	return out, nil
}

// empty reports whether no job is waiting, scheduled or running.
func (q *riverQueue[TTx]) empty(ctx context.Context) (bool, error) {
	res, err := q.insert.JobList(ctx, river.NewJobListParams().Kinds(JobKind).States(liveStates...).First(1))
	if err != nil {
		return false, fmt.Errorf("check queue: %w", err)
	}
	return len(res.Jobs) == 0, nil
}

// cappedBackoff retries soon: an assessment fails again for the same
// reason or succeeds, so River's default ATTEMPT^4 seconds only delays the
// answer.
type cappedBackoff struct{ max time.Duration }

func (p cappedBackoff) NextRetry(job *rivertype.JobRow) time.Time {
	d := time.Second << min(len(job.Errors), 10)
	return time.Now().Add(min(d, p.max))
}

func (q *riverQueue[TTx]) Work(ctx context.Context, opts WorkOptions) error {
	if opts.Assess == nil {
		return errors.New("work: no assessor")
	}
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.Workers > 256 {
		return fmt.Errorf("work: %d workers is more than the limit of 256", opts.Workers)
	}
	if opts.JobTimeout <= 0 {
		opts.JobTimeout = 15 * time.Minute
	}
	if opts.PollEvery <= 0 {
		opts.PollEvery = 250 * time.Millisecond
	}
	if opts.RetryWithin <= 0 {
		opts.RetryWithin = 30 * time.Second
	}
	if opts.LeaseFor <= 0 {
		opts.LeaseFor = defaultLeaseFor
	}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &assessWorker{store: q.store, opts: opts, log: q.logger}); err != nil {
		return fmt.Errorf("work: %w", err)
	}
	client, err := river.NewClient(q.driver, &river.Config{
		Logger:            q.logger,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opts.Workers}},
		Workers:           workers,
		JobTimeout:        opts.JobTimeout,
		RetryPolicy:       cappedBackoff{max: opts.RetryWithin},
		FetchPollInterval: q.pollInterval,
		// River fetches at most once per cooldown, taking as many jobs as
		// there are free workers; its 100ms default caps a pool of 4 at 40
		// jobs a second, well below what small repositories allow.
		FetchCooldown: 10 * time.Millisecond,
		// A job whose worker outlives its timeout is rescued after this.
		RescueStuckJobsAfter: opts.JobTimeout + time.Minute,
	})
	if err != nil {
		return fmt.Errorf("work: %w", err)
	}
	// The lease exists before the client takes any job, so a job of a live
	// pool is never taken for an orphan; jobs of dead pools are released
	// before this one starts.
	if err := q.leases.renew(ctx, client.ID()); err != nil {
		return fmt.Errorf("work: %w", err)
	}
	defer func() { _ = q.leases.drop(context.WithoutCancel(ctx), client.ID()) }()
	if _, err := q.reap(ctx, opts.LeaseFor); err != nil {
		return fmt.Errorf("work: %w", err)
	}
	// The client's own context is not ctx: on interrupt we stop it
	// ourselves, cancelling running assessments, and wait for it.
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("work: start: %w", err)
	}
	stop := func(cancelJobs bool) error {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opts.JobTimeout+30*time.Second)
		defer cancel()
		if cancelJobs {
			return client.StopAndCancel(sctx)
		}
		return client.Stop(sctx)
	}
	tick := time.NewTicker(opts.PollEvery)
	defer tick.Stop()
	renew := time.NewTicker(opts.LeaseFor / 4)
	defer renew.Stop()
	for {
		select {
		case <-ctx.Done():
			if err := stop(true); err != nil {
				return fmt.Errorf("work: stop: %w", err)
			}
			return ctx.Err()
		case <-renew.C:
			// A failed renewal or reap is retried on the next tick; the
			// lease outlives three missed renewals.
			if err := q.leases.renew(ctx, client.ID()); err != nil && ctx.Err() == nil {
				q.logger.WarnContext(ctx, "worker lease", "error", err)
			}
			if _, err := q.reap(ctx, opts.LeaseFor); err != nil && ctx.Err() == nil {
				q.logger.WarnContext(ctx, "release orphaned jobs", "error", err)
			}
		case <-tick.C:
			if !opts.UntilEmpty {
				continue
			}
			done, err := q.empty(ctx)
			if err != nil {
				if ctx.Err() != nil {
					continue // reported by the Done case
				}
				_ = stop(true)
				return err
			}
			if done {
				return stop(false)
			}
		}
	}
}

// testAfterRecord, set only by tests, runs between storing an outcome and
// returning it to River: the window a crash must not turn into a second row.
var testAfterRecord func()

// assessWorker runs one assessment job and records its outcome.
type assessWorker struct {
	river.WorkerDefaults[AssessArgs]
	store Store
	opts  WorkOptions
	log   *slog.Logger
}

func (w *assessWorker) Timeout(*river.Job[AssessArgs]) time.Duration { return w.opts.JobTimeout }

func (w *assessWorker) Work(ctx context.Context, job *river.Job[AssessArgs]) error {
	repo := Repository{ID: job.Args.RepositoryID, Path: job.Args.Path}
	s, _ := w.store.(*sqlStore)
	// A worker that died after storing the outcome but before River
	// recorded the completion leaves the job to run again: it is done.
	if s != nil {
		done, err := s.jobRecorded(ctx, job.ID)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
	}
	a := Assessment{RepositoryID: repo.ID, JobID: job.ID, Attempt: job.Attempt, StartedAt: time.Now().UTC()}
	dir, err := w.resolve(ctx, repo.Path)
	var rep *report.Report
	if err == nil {
		var since int64
		a.Fingerprint, since = w.unchanged(ctx, s, repo.ID, dir, job.Args.Force)
		if since > 0 {
			return w.recordCheck(ctx, s, repo, job, since)
		}
		rep, err = runAssessor(ctx, w.opts.Assess, dir)
		if rep != nil && dir != repo.Path {
			rep.Subject.Path = repo.Path
		}
	}
	a.FinishedAt = time.Now().UTC()
	a.Duration = a.FinishedAt.Sub(a.StartedAt)
	if err == nil && ctx.Err() != nil {
		// A report finished after the deadline may lack collectors that
		// were cut short: count it as a timeout, not a result.
		err = fmt.Errorf("assessment exceeded the %s job timeout", w.opts.JobTimeout)
	}
	if err == nil {
		err = summarise(&a, rep)
	}
	// Record with a context of our own: a job timeout must not also lose
	// the record of the timeout.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	final := err == nil || IsPermanent(err) || job.Attempt >= job.MaxAttempts
	if err != nil {
		a.Status = StatusFailed
		a.Error = err.Error()
		a.Fingerprint = ""
		if errors.Is(err, context.DeadlineExceeded) {
			a.Error = fmt.Sprintf("assessment exceeded the %s job timeout", w.opts.JobTimeout)
		}
	} else {
		a.Status = StatusSucceeded
	}
	// Intermediate failures stay in River's job row; the store keeps
	// outcomes.
	if final {
		id, rerr := w.store.RecordAssessment(rctx, a)
		if rerr != nil {
			return rerr // retried: the assessment ran, but nothing kept it
		}
		a.ID = id
		if testAfterRecord != nil {
			testAfterRecord()
		}
	}
	if w.opts.OnDone != nil {
		a.Report = nil
		w.opts.OnDone(Result{Repository: repo, Assessment: a, Final: final})
	}
	switch {
	case err == nil:
		return nil
	case IsPermanent(err):
		return river.JobCancel(err)
	}
	return err
}

func (w *assessWorker) resolve(ctx context.Context, path string) (string, error) {
	if w.opts.Resolve == nil {
		return path, nil
	}
	return w.opts.Resolve(ctx, path)
}

// unchanged works out the directory's fingerprint and, unless forced,
// returns the id of the newest succeeded assessment that saw the same.
func (w *assessWorker) unchanged(ctx context.Context, s *sqlStore, repoID int64, dir string, force bool) (string, int64) {
	if w.opts.Fingerprint == nil || s == nil {
		return "", 0
	}
	fp, err := w.opts.Fingerprint(ctx, dir)
	if err != nil {
		w.log.WarnContext(ctx, "fingerprint failed; assessing", "repository", repoID, "error", err)
		return "", 0
	}
	if fp == "" || force {
		return fp, 0
	}
	id, prev, err := s.lastFingerprint(ctx, repoID)
	if err != nil {
		w.log.WarnContext(ctx, "previous fingerprint", "repository", repoID, "error", err)
		return fp, 0
	}
	if prev != fp {
		return fp, 0
	}
	return fp, id
}

func (w *assessWorker) recordCheck(ctx context.Context, s *sqlStore, repo Repository, job *river.Job[AssessArgs], since int64) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := s.recordCheck(rctx, Check{RepositoryID: repo.ID, JobID: job.ID, CheckedAt: time.Now().UTC(), UnchangedSince: since}); err != nil {
		return err
	}
	if w.opts.OnDone != nil {
		w.opts.OnDone(Result{Repository: repo, Final: true, UnchangedSince: since})
	}
	return nil
}

// runAssessor turns a panic into an error so the job fails like any other.
func runAssessor(ctx context.Context, assess Assessor, path string) (rep *report.Report, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("assessment panicked: %v", r)
		}
	}()
	rep, err = assess(ctx, path)
	if err == nil && rep == nil {
		err = errors.New("assessment returned no report")
	}
	return rep, err
}

// summarise copies a report's headline into a and keeps its JSON.
func summarise(a *Assessment, rep *report.Report) error {
	data, err := json.Marshal(rep)
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	a.Report = data
	a.Commit = rep.Subject.Commit
	a.Claims = rep.Summary.Claims
	a.Principles = rep.Summary.Principles
	return nil
}
