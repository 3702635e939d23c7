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
	// Report is the report's JSON (the contract of internal/report); only
	// filled by Store.LatestReport and when recording.
	Report []byte `json:"-"`
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
	Workers     int           // concurrent assessments; default 4
	UntilEmpty  bool          // return once no job is waiting or running
	JobTimeout  time.Duration // per attempt; default 15 minutes
	Assess      Assessor      // required
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
}

// Queue holds assessment jobs.
type Queue interface {
	// Enqueue adds one assessment job per repository. A repository that
	// already has a job waiting or running is not queued twice; the count of
	// newly queued jobs is returned.
	Enqueue(ctx context.Context, repos []Repository, maxAttempts int) (int, error)
	// Pending counts jobs waiting, scheduled for retry or running.
	Pending(ctx context.Context) (int, error)
	// Work runs a worker pool until ctx ends or, with UntilEmpty, the queue
	// is drained.
	Work(ctx context.Context, opts WorkOptions) error
}
