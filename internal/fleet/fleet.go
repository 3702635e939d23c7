// Package fleet assesses many repositories: a store of repositories and their
// assessments (embedded SQLite by default, PostgreSQL for large fleets) and a
// job queue (River) that a bounded pool of workers drains. The CLI's
// `assay fleet` commands and any future server share the Store and Queue
// interfaces below and nothing else.
//
// Nothing secret is ever stored: jobs carry a repository id and path, and
// assessments run offline, so no forge token reaches a job row or a report.
package fleet

import (
	"context"
	"errors"
	"time"

	"github.com/assaysec/assay/internal/report"
)

// ErrNotFound is returned when a repository or assessment does not exist.
var ErrNotFound = errors.New("not found")

// Repository is one assessed directory, identified by its absolute path.
type Repository struct {
	ID      int64     `json:"id"`
	Path    string    `json:"path"`
	AddedAt time.Time `json:"addedAt"`
}

// Status is the outcome of one assessment.
type Status string

// Assessment outcomes. A failed assessment keeps its error; a repository's
// failure never stops the others.
const (
	StatusSucceeded Status = "succeeded"
	StatusFailed    Status = "failed"
)

// Assessment is one stored assessment of a repository: the summary counts
// for listings and, for succeeded ones, the full report JSON.
type Assessment struct {
	ID           int64                  `json:"id"`
	RepositoryID int64                  `json:"repositoryId"`
	JobID        int64                  `json:"jobId,omitempty"`
	Attempt      int                    `json:"attempt"`
	Status       Status                 `json:"status"`
	StartedAt    time.Time              `json:"startedAt"`
	FinishedAt   time.Time              `json:"finishedAt"`
	Duration     time.Duration          `json:"durationNs"`
	Commit       string                 `json:"commit,omitempty"`
	Claims       report.Counts          `json:"claims"`
	Principles   report.PrincipleCounts `json:"principles"`
	Error        string                 `json:"error,omitempty"`
	// Fingerprint is what the assessment saw (see WorkOptions.Fingerprint);
	// empty when it was not worked out.
	Fingerprint string `json:"-"`
	// Report is the report's JSON (the contract of internal/report); only
	// filled by Store.LatestReport and when recording.
	Report []byte `json:"-"`
}

// Check is a job that found its repository in the state of a stored
// assessment (the same fingerprint) and so assessed nothing. Only the
// newest check of each repository is kept.
type Check struct {
	RepositoryID int64     `json:"repositoryId"`
	JobID        int64     `json:"jobId"`
	CheckedAt    time.Time `json:"checkedAt"`
	// UnchangedSince is the id of the assessment whose state was found.
	UnchangedSince int64 `json:"unchangedSince"`
}

// RepositoryStatus is a repository with its newest assessment and its newest
// succeeded one (the same when the newest succeeded).
type RepositoryStatus struct {
	Repository
	Latest      *Assessment `json:"latest,omitempty"`
	LastSuccess *Assessment `json:"lastSuccess,omitempty"`
}

// Store keeps repositories and assessments.
type Store interface {
	// AddRepositories registers absolute paths; existing ones are returned
	// unchanged.
	AddRepositories(ctx context.Context, paths []string, now time.Time) ([]Repository, error)
	// Repository finds a repository by its absolute path.
	Repository(ctx context.Context, path string) (Repository, error)
	// RecordAssessment stores one finished assessment and returns its id.
	// It is idempotent per job: a second outcome of the same job (a rerun
	// after a crash) is not stored and the first one's id is returned.
	RecordAssessment(ctx context.Context, a Assessment) (int64, error)
	// Statuses lists every repository, ordered by path.
	Statuses(ctx context.Context) ([]RepositoryStatus, error)
	// LatestReport returns the newest succeeded assessment with its report.
	LatestReport(ctx context.Context, repositoryID int64) (Assessment, error)
	// Assessments lists a repository's assessments, newest first, at most
	// limit of them, without reports.
	Assessments(ctx context.Context, repositoryID int64, limit int) ([]Assessment, error)
	// Assessment returns one assessment with its report (nil for failures).
	Assessment(ctx context.Context, id int64) (Assessment, error)
	// LatestCheck returns the repository's newest check, or ErrNotFound.
	LatestCheck(ctx context.Context, repositoryID int64) (Check, error)
}

// Assessor assesses one directory. The CLI passes engine.Run offline; tests
// pass something fast.
type Assessor func(ctx context.Context, path string) (*report.Report, error)

// Permanent marks an assessment error that retrying cannot fix (a missing
// directory, a broken declaration): the job is not retried.
func Permanent(err error) error { return permanentError{err} }

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// WorkOptions configure a worker pool.
type WorkOptions struct {
	Workers    int           // concurrent assessments; default 4
	UntilEmpty bool          // return once no job is waiting or running
	JobTimeout time.Duration // per attempt; default 15 minutes
	Assess     Assessor      // required
	// Resolve, when set, turns a job's path into the directory to assess
	// (a git URL into its synced checkout); Fingerprint and Assess get the
	// directory, and the report keeps the registered path as its subject.
	Resolve func(ctx context.Context, path string) (string, error)
	// Fingerprint, when set, hashes what an assessment of the directory
	// would read (EngineFingerprint). A job whose fingerprint equals that of
	// the repository's newest succeeded assessment is not assessed: it
	// records a Check naming that assessment. An empty fingerprint or an
	// error means "assess".
	Fingerprint func(ctx context.Context, dir string) (string, error)
	OnDone      func(Result)  // optional, called after each attempt
	PollEvery   time.Duration // queue emptiness check; default 250ms
	RetryWithin time.Duration // longest retry backoff; default 30s
	// LeaseFor is how long a pool that stops renewing its lease (a killed
	// process) keeps its running jobs before others release them; default
	// 20s, renewed every quarter of it.
	LeaseFor time.Duration
}

// Result reports one attempt to the caller of Work.
type Result struct {
	Repository Repository
	Assessment Assessment
	Final      bool // no further attempt will be made
	// UnchangedSince, when not zero, is the stored assessment whose state
	// the job found: nothing was assessed and Assessment is empty.
	UnchangedSince int64
}

// EnqueueOptions tune Queue.EnqueueWith.
type EnqueueOptions struct {
	MaxAttempts int // default 3
	// Force assesses even when nothing changed since the newest
	// assessment.
	Force bool
}

// Queue holds assessment jobs.
type Queue interface {
	// Enqueue adds one assessment job per repository. A repository that
	// already has a job waiting or running is not queued twice; the count of
	// newly queued jobs is returned.
	Enqueue(ctx context.Context, repos []Repository, maxAttempts int) (int, error)
	// EnqueueWith is Enqueue with options.
	EnqueueWith(ctx context.Context, repos []Repository, opts EnqueueOptions) (int, error)
	// Pending counts jobs waiting, scheduled for retry or running.
	Pending(ctx context.Context) (int, error)
	// JobStates counts assessment jobs by River state (available,
	// running, retryable, completed, discarded, ...); states without jobs
	// are absent.
	JobStates(ctx context.Context) (map[string]int, error)
	// Work runs a worker pool until ctx ends or, with UntilEmpty, the queue
	// is drained.
	Work(ctx context.Context, opts WorkOptions) error
}
