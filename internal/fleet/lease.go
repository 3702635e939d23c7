package fleet

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// River rescues a job left running by a dead process only after
// RescueStuckJobsAfter, which must exceed the job timeout (15 minutes by
// default), and its rescuer runs every 30 seconds on the elected leader. A
// `fleet run` restarted after a crash would wait that long for jobs nobody
// works. So each worker pool holds a lease in fleet_workers, keyed by its
// River client id and renewed every LeaseFor/4; any pool, and every
// restarted one, makes the running jobs whose worker's lease has lapsed
// available again at once.

// Lease defaults.
const (
	defaultLeaseFor = 20 * time.Second
	// staleLeaseAge is when a lapsed lease row is deleted.
	staleLeaseAge = time.Hour
)

// nowMillis is the database's clock in Unix milliseconds: every process
// sharing a database compares leases on one clock.
func nowMillis(d Dialect) string {
	if d == Postgres {
		return `CAST(extract(epoch from clock_timestamp()) * 1000 AS BIGINT)`
	}
	return `CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`
}

// leases reads and writes fleet_workers.
type leases struct {
	db      *sql.DB
	dialect Dialect
}

func (l leases) renew(ctx context.Context, clientID string) error {
	_, err := l.db.ExecContext(ctx, rebind(l.dialect, `INSERT INTO fleet_workers (client_id, heartbeat_ms) VALUES (?, `+nowMillis(l.dialect)+`)
		ON CONFLICT (client_id) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms`), clientID)
	if err != nil {
		return fmt.Errorf("renew worker lease: %w", err)
	}
	return nil
}

func (l leases) drop(ctx context.Context, clientID string) error {
	if _, err := l.db.ExecContext(ctx, rebind(l.dialect, `DELETE FROM fleet_workers WHERE client_id = ?`), clientID); err != nil {
		return fmt.Errorf("drop worker lease: %w", err)
	}
	return nil
}

// live returns the client ids whose lease was renewed within leaseFor, and
// deletes leases lapsed long ago.
func (l leases) live(ctx context.Context, leaseFor time.Duration) (map[string]bool, error) {
	if _, err := l.db.ExecContext(ctx, rebind(l.dialect, `DELETE FROM fleet_workers WHERE heartbeat_ms < `+nowMillis(l.dialect)+` - ?`),
		staleLeaseAge.Milliseconds()); err != nil {
		return nil, fmt.Errorf("worker leases: %w", err)
	}
	rows, err := l.db.QueryContext(ctx, rebind(l.dialect, `SELECT client_id FROM fleet_workers WHERE heartbeat_ms >= `+nowMillis(l.dialect)+` - ?`),
		leaseFor.Milliseconds())
	if err != nil {
		return nil, fmt.Errorf("worker leases: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("worker leases: %w", err)
		}
		out[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("worker leases: %w", err)
	}
	return out, nil
}

// orphaned reports whether a running job belongs to a dead worker: the
// client that took it last holds no live lease, and the attempt is older
// than a lease (a worker of an Assay without leases is given that long).
func orphaned(job *rivertype.JobRow, live map[string]bool, leaseFor time.Duration, now time.Time) bool {
	if job.State != rivertype.JobStateRunning || len(job.AttemptedBy) == 0 {
		return false
	}
	if live[job.AttemptedBy[len(job.AttemptedBy)-1]] {
		return false
	}
	return job.AttemptedAt == nil || now.Sub(*job.AttemptedAt) >= leaseFor
}

// reap makes the orphaned jobs available again and returns how many. A job
// that has used all its attempts is not run again (a repository that kills
// its worker every time must not loop forever): its failure is stored and
// the job discarded. Updates are guarded by state and attempt, so a job
// that moved on meanwhile is left alone.
func (q *riverQueue[TTx]) reap(ctx context.Context, leaseFor time.Duration) (int, error) {
	live, err := q.leases.live(ctx, leaseFor)
	if err != nil {
		return 0, err
	}
	d := q.leases.dialect
	now := time.Now()
	reaped := 0
	params := river.NewJobListParams().Kinds(JobKind).States(rivertype.JobStateRunning).First(1000)
	for {
		res, err := q.insert.JobList(ctx, params)
		if err != nil {
			return reaped, fmt.Errorf("find orphaned jobs: %w", err)
		}
		for _, job := range res.Jobs {
			if !orphaned(job, live, leaseFor, now) {
				continue
			}
			update := `UPDATE river_job SET state = 'available' WHERE id = ? AND state = 'running' AND attempt = ?`
			if job.Attempt >= job.MaxAttempts {
				if err := q.recordDeath(ctx, job); err != nil {
					return reaped, err
				}
				finalized := `datetime('now', 'subsec')`
				if d == Postgres {
					finalized = `now()`
				}
				update = `UPDATE river_job SET state = 'discarded', finalized_at = ` + finalized + ` WHERE id = ? AND state = 'running' AND attempt = ?`
			}
			r, err := q.leases.db.ExecContext(ctx, rebind(d, update), job.ID, job.Attempt)
			if err != nil {
				return reaped, fmt.Errorf("release orphaned job %d: %w", job.ID, err)
			}
			if n, _ := r.RowsAffected(); n > 0 {
				reaped++
				q.logger.InfoContext(ctx, "released a job whose worker died", "job", job.ID, "attempt", job.Attempt)
			}
		}
		if len(res.Jobs) < 1000 {
			return reaped, nil
		}
		params = params.After(res.LastCursor)
	}
}

// recordDeath stores the failure of a job whose worker died on its last
// attempt; a row already stored for the job (its worker died after storing)
// is kept.
func (q *riverQueue[TTx]) recordDeath(ctx context.Context, job *rivertype.JobRow) error {
	var args AssessArgs
	if err := json.Unmarshal(job.EncodedArgs, &args); err != nil {
		return fmt.Errorf("orphaned job %d: %w", job.ID, err)
	}
	now := time.Now().UTC()
	started := now
	if job.AttemptedAt != nil {
		started = job.AttemptedAt.UTC()
	}
	_, err := q.store.RecordAssessment(ctx, Assessment{
		RepositoryID: args.RepositoryID, JobID: job.ID, Attempt: job.Attempt, Status: StatusFailed,
		StartedAt: started, FinishedAt: now, Duration: now.Sub(started),
		Error: fmt.Sprintf("the worker process died during each of %d attempts", job.Attempt),
	})
	return err
}
