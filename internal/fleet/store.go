package fleet

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// sqlStore implements Store over database/sql for both dialects; queries
// are written with '?' and rebound for PostgreSQL.
type sqlStore struct {
	db      *sql.DB
	dialect Dialect
}

func newSQLStore(db *sql.DB, d Dialect) *sqlStore { return &sqlStore{db: db, dialect: d} }

func (s *sqlStore) q(query string) string { return rebind(s.dialect, query) }

// maxAddBatch bounds one AddRepositories call; larger lists are committed in
// several transactions.
const maxAddBatch = 500

func (s *sqlStore) AddRepositories(ctx context.Context, paths []string, now time.Time) ([]Repository, error) {
	out := make([]Repository, 0, len(paths))
	for start := 0; start < len(paths); start += maxAddBatch {
		batch := paths[start:min(start+maxAddBatch, len(paths))]
		repos, err := s.addBatch(ctx, batch, now)
		if err != nil {
			return out, err
		}
		out = append(out, repos...)
	}
	return out, nil
}

func (s *sqlStore) addBatch(ctx context.Context, paths []string, now time.Time) ([]Repository, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("add repositories: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	// The no-op update makes RETURNING yield the existing row too.
	stmt, err := tx.PrepareContext(ctx, s.q(`INSERT INTO fleet_repositories (path, added_at) VALUES (?, ?)
		ON CONFLICT (path) DO UPDATE SET path = excluded.path RETURNING id, added_at`))
	if err != nil {
		return nil, fmt.Errorf("add repositories: %w", err)
	}
	defer stmt.Close()
	out := make([]Repository, 0, len(paths))
	for _, p := range paths {
		var (
			r     = Repository{Path: p}
			added any
		)
		if err := stmt.QueryRowContext(ctx, p, encodeTime(s.dialect, now)).Scan(&r.ID, &added); err != nil {
			return nil, fmt.Errorf("add repository %s: %w", p, err)
		}
		if r.AddedAt, err = decodeTime(added); err != nil {
			return nil, fmt.Errorf("add repository %s: %w", p, err)
		}
		out = append(out, r)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("add repositories: %w", err)
	}
	return out, nil
}

func (s *sqlStore) Repository(ctx context.Context, path string) (Repository, error) {
	r := Repository{Path: path}
	var added any
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, added_at FROM fleet_repositories WHERE path = ?`), path).Scan(&r.ID, &added)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("repository %s: %w", path, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("repository %s: %w", path, err)
	}
	r.AddedAt, err = decodeTime(added)
	return r, err
}

func (s *sqlStore) RecordAssessment(ctx context.Context, a Assessment) (int64, error) {
	if a.Status != StatusSucceeded && a.Status != StatusFailed {
		return 0, fmt.Errorf("record assessment: invalid status %q", a.Status)
	}
	var rep any // NULL for failures
	if a.Report != nil {
		rep = string(a.Report)
	}
	var id int64
	err := s.db.QueryRowContext(ctx, s.q(`INSERT INTO fleet_assessments (
		repository_id, job_id, attempt, status, started_at, finished_at, duration_ms, commit_id,
		claims_met, claims_not_met, claims_unknown, claims_not_applicable, claims_waived,
		principles_met, principles_partially_met, principles_not_met, principles_unknown, principles_not_applicable,
		error, report, fingerprint)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (job_id) WHERE job_id > 0 DO NOTHING RETURNING id`),
		a.RepositoryID, a.JobID, a.Attempt, string(a.Status),
		encodeTime(s.dialect, a.StartedAt), encodeTime(s.dialect, a.FinishedAt), a.Duration.Milliseconds(), a.Commit,
		a.Claims.Met, a.Claims.NotMet, a.Claims.Unknown, a.Claims.NotApplicable, a.Claims.Waived,
		a.Principles.Met, a.Principles.PartiallyMet, a.Principles.NotMet, a.Principles.Unknown, a.Principles.NotApplicable,
		a.Error, rep, a.Fingerprint).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) && a.JobID > 0 {
		// The job's outcome is already stored: keep the first.
		err = s.db.QueryRowContext(ctx, s.q(`SELECT id FROM fleet_assessments WHERE job_id = ?`), a.JobID).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("record assessment of repository %d: %w", a.RepositoryID, err)
	}
	return id, nil
}

// jobRecorded reports whether an outcome of the job, or its check, is
// stored.
func (s *sqlStore) jobRecorded(ctx context.Context, jobID int64) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT (SELECT count(*) FROM fleet_assessments WHERE job_id = ?)
		+ (SELECT count(*) FROM fleet_checks WHERE job_id = ?)`), jobID, jobID).Scan(&n); err != nil {
		return false, fmt.Errorf("assessment of job %d: %w", jobID, err)
	}
	return n > 0, nil
}

// summaryColumns are the assessment columns every listing reads.
const summaryColumns = `id, repository_id, job_id, attempt, status, started_at, finished_at, duration_ms, commit_id,
	claims_met, claims_not_met, claims_unknown, claims_not_applicable, claims_waived,
	principles_met, principles_partially_met, principles_not_met, principles_unknown, principles_not_applicable, error`

type scanner interface{ Scan(dest ...any) error }

func scanSummary(row scanner, extra ...any) (Assessment, error) {
	var (
		a                Assessment
		status           string
		started, finishd any
		ms               int64
	)
	dest := []any{&a.ID, &a.RepositoryID, &a.JobID, &a.Attempt, &status, &started, &finishd, &ms, &a.Commit,
		&a.Claims.Met, &a.Claims.NotMet, &a.Claims.Unknown, &a.Claims.NotApplicable, &a.Claims.Waived,
		&a.Principles.Met, &a.Principles.PartiallyMet, &a.Principles.NotMet, &a.Principles.Unknown, &a.Principles.NotApplicable,
		&a.Error}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return a, err
	}
	a.Status = Status(status)
	a.Duration = time.Duration(ms) * time.Millisecond
	var err error
	if a.StartedAt, err = decodeTime(started); err != nil {
		return a, err
	}
	a.FinishedAt, err = decodeTime(finishd)
	return a, err
}

func (s *sqlStore) Statuses(ctx context.Context) ([]RepositoryStatus, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, path, added_at FROM fleet_repositories ORDER BY path`)
	if err != nil {
		return nil, fmt.Errorf("list repositories: %w", err)
	}
	var out []RepositoryStatus
	index := map[int64]int{}
	for rows.Next() {
		var (
			st    RepositoryStatus
			added any
		)
		if err := rows.Scan(&st.ID, &st.Path, &added); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list repositories: %w", err)
		}
		if st.AddedAt, err = decodeTime(added); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list repositories: %w", err)
		}
		index[st.ID] = len(out)
		out = append(out, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list repositories: %w", err)
	}
	// The newest assessment of each repository and its newest success: at
	// most two rows per repository, found through the index.
	rows, err = s.db.QueryContext(ctx, `SELECT `+summaryColumns+` FROM fleet_assessments WHERE id IN (
		SELECT max(id) FROM fleet_assessments GROUP BY repository_id
		UNION SELECT max(id) FROM fleet_assessments WHERE status = 'succeeded' GROUP BY repository_id)
		ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list assessments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanSummary(rows)
		if err != nil {
			return nil, fmt.Errorf("list assessments: %w", err)
		}
		i, ok := index[a.RepositoryID]
		if !ok {
			continue // added after the first query
		}
		// Rows come in id order, so the last one seen is the newest.
		st := &out[i]
		st.Latest = &a
		if a.Status == StatusSucceeded {
			st.LastSuccess = &a
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list assessments: %w", err)
	}
	return out, nil
}

func (s *sqlStore) LatestReport(ctx context.Context, repositoryID int64) (Assessment, error) {
	var rep sql.NullString
	row := s.db.QueryRowContext(ctx, s.q(`SELECT `+summaryColumns+`, report FROM fleet_assessments
		WHERE repository_id = ? AND status = 'succeeded' ORDER BY id DESC LIMIT 1`), repositoryID)
	a, err := scanSummary(row, &rep)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("report of repository %d: %w", repositoryID, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("report of repository %d: %w", repositoryID, err)
	}
	if !rep.Valid {
		return a, fmt.Errorf("report of repository %d: assessment %d has no stored report", repositoryID, a.ID)
	}
	a.Report = []byte(rep.String)
	return a, nil
}

func (s *sqlStore) Assessments(ctx context.Context, repositoryID int64, limit int) ([]Assessment, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+summaryColumns+` FROM fleet_assessments
		WHERE repository_id = ? ORDER BY id DESC LIMIT ?`), repositoryID, limit)
	if err != nil {
		return nil, fmt.Errorf("assessments of repository %d: %w", repositoryID, err)
	}
	defer rows.Close()
	var out []Assessment
	for rows.Next() {
		a, err := scanSummary(rows)
		if err != nil {
			return nil, fmt.Errorf("assessments of repository %d: %w", repositoryID, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("assessments of repository %d: %w", repositoryID, err)
	}
	return out, nil
}

func (s *sqlStore) Assessment(ctx context.Context, id int64) (Assessment, error) {
	var rep sql.NullString
	row := s.db.QueryRowContext(ctx, s.q(`SELECT `+summaryColumns+`, report FROM fleet_assessments WHERE id = ?`), id)
	a, err := scanSummary(row, &rep)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("assessment %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("assessment %d: %w", id, err)
	}
	if rep.Valid {
		a.Report = []byte(rep.String)
	}
	return a, nil
}

// lastFingerprint returns the id and fingerprint of the repository's newest
// succeeded assessment; 0 and "" when there is none.
func (s *sqlStore) lastFingerprint(ctx context.Context, repositoryID int64) (int64, string, error) {
	var (
		id int64
		fp string
	)
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, fingerprint FROM fleet_assessments
		WHERE repository_id = ? AND status = 'succeeded' ORDER BY id DESC LIMIT 1`), repositoryID).Scan(&id, &fp)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("fingerprint of repository %d: %w", repositoryID, err)
	}
	return id, fp, nil
}

// recordCheck keeps c as its repository's newest check.
func (s *sqlStore) recordCheck(ctx context.Context, c Check) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO fleet_checks (repository_id, job_id, checked_at, unchanged_since) VALUES (?, ?, ?, ?)
		ON CONFLICT (repository_id) DO UPDATE SET job_id = excluded.job_id, checked_at = excluded.checked_at, unchanged_since = excluded.unchanged_since`),
		c.RepositoryID, c.JobID, encodeTime(s.dialect, c.CheckedAt), c.UnchangedSince)
	if err != nil {
		return fmt.Errorf("record check of repository %d: %w", c.RepositoryID, err)
	}
	return nil
}

func (s *sqlStore) LatestCheck(ctx context.Context, repositoryID int64) (Check, error) {
	c := Check{RepositoryID: repositoryID}
	var at any
	err := s.db.QueryRowContext(ctx, s.q(`SELECT job_id, checked_at, unchanged_since FROM fleet_checks WHERE repository_id = ?`), repositoryID).
		Scan(&c.JobID, &at, &c.UnchangedSince)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("check of repository %d: %w", repositoryID, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("check of repository %d: %w", repositoryID, err)
	}
	c.CheckedAt, err = decodeTime(at)
	return c, err
}
