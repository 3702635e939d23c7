//go:build unix

package fleet

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/assaysec/assay/internal/report"
)

// The fault test runs worker pools as child processes of the test binary
// and kills them with SIGKILL, as kill -9 would a `fleet run`.
const (
	faultChildEnv   = "ASSAY_FLEET_FAULT_CHILD" // "sqlite:<path>" or a postgres URL
	faultSelfKill   = "ASSAY_FLEET_FAULT_SELF_KILL"
	faultLease      = 800 * time.Millisecond
	faultJobTimeout = 10 * time.Minute // far beyond the test: River's own rescue never helps
)

func TestMain(m *testing.M) {
	if db := os.Getenv(faultChildEnv); db != "" {
		os.Exit(faultChild(db))
	}
	os.Exit(m.Run())
}

func faultAssessor(ctx context.Context, path string) (*report.Report, error) {
	select {
	case <-time.After(time.Duration(10+rand.IntN(60)) * time.Millisecond):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return fakeReport("c0ffee", 7), nil
}

// faultChild works the queue until it is killed, killing itself in the
// window between storing an outcome and River recording the completion
// once in every ASSAY_FLEET_FAULT_SELF_KILL outcomes.
func faultChild(spec string) int {
	db := Database{Dialect: Postgres, URL: spec}
	if p, ok := strings.CutPrefix(spec, "sqlite:"); ok {
		db = Database{Dialect: SQLite, Path: p}
	}
	if n, _ := strconv.Atoi(os.Getenv(faultSelfKill)); n > 0 {
		testAfterRecord = func() {
			if rand.IntN(n) == 0 {
				_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			}
		}
	}
	ctx := context.Background()
	f, err := Open(ctx, db, OpenOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer f.Close()
	err = f.Queue.Work(ctx, WorkOptions{Workers: 4, Assess: faultAssessor, JobTimeout: faultJobTimeout,
		LeaseFor: faultLease, PollEvery: 50 * time.Millisecond})
	fmt.Fprintln(os.Stderr, err)
	return 1
}

// TestFaultKillWorkers kills worker processes at random points, and in the
// window between storing an outcome and completing the job, over 20
// cycles that each add repositories; then a restarted pool drains the
// queue. Every job must end with exactly one stored row, none running, and
// the restarted pool must not wait for River's rescuer (which, with the
// job timeout here, would take over ten minutes).
func TestFaultKillWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills 20 worker processes")
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := b.open(t)
			spec := db.URL
			if db.Dialect == SQLite {
				spec = "sqlite:" + db.Path
			}
			f := openFleet(t, db)
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(1, 2))
			next := 0
			enqueue := func(n int) {
				paths := make([]string, n)
				for i := range paths {
					paths[i] = fmt.Sprintf("/repo/%03d", next)
					next++
				}
				if _, err := f.Queue.Enqueue(ctx, addAll(t, f, paths...), 25); err != nil {
					t.Fatal(err)
				}
			}
			enqueue(20)
			const cycles = 20
			for c := range cycles {
				enqueue(4)
				cmd := exec.Command(os.Args[0])
				cmd.Env = append(os.Environ(), faultChildEnv+"="+spec, faultSelfKill+"=6")
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				exited := make(chan struct{})
				go func() { _ = cmd.Wait(); close(exited) }()
				select {
				case <-time.After(time.Duration(100+rng.IntN(700)) * time.Millisecond):
					_ = cmd.Process.Signal(syscall.SIGKILL)
					<-exited
				case <-exited: // killed itself
				}
				if st, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !st.Signaled() {
					t.Fatalf("cycle %d: the worker exited by itself (%v), not by SIGKILL", c, cmd.ProcessState)
				}
			}

			// The restarted run: bounded by a deadline far below River's
			// rescue horizon, so finishing at all shows the lease worked.
			wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
			defer cancel()
			if err := f.Queue.Work(wctx, WorkOptions{Workers: 4, UntilEmpty: true, Assess: faultAssessor,
				JobTimeout: faultJobTimeout, LeaseFor: faultLease, PollEvery: 50 * time.Millisecond}); err != nil {
				t.Fatalf("restarted run: %v", err)
			}

			q := f.Queue.(interface {
				JobList(context.Context) ([]*rivertype.JobRow, error)
			})
			jobs, err := q.JobList(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(jobs) != next {
				t.Fatalf("%d jobs for %d repositories", len(jobs), next)
			}
			rows := storedRowsPerJob(t, f)
			rerun := 0
			for _, j := range jobs {
				if j.State != rivertype.JobStateCompleted && j.State != rivertype.JobStateDiscarded {
					t.Errorf("job %d is %s", j.ID, j.State)
				}
				if n := rows[j.ID]; n != 1 {
					t.Errorf("job %d has %d stored rows, want 1", j.ID, n)
				}
				if j.Attempt > 1 {
					rerun++
				}
			}
			// Some kills must have landed on running jobs for the test to
			// have tested anything.
			if rerun == 0 {
				t.Errorf("no job was run twice: no kill hit a running job")
			}
			t.Logf("%d jobs, %d run again after a kill", len(jobs), rerun)
		})
	}
}

// JobList lists every assessment job, for tests.
func (q *riverQueue[TTx]) JobList(ctx context.Context) ([]*rivertype.JobRow, error) {
	var out []*rivertype.JobRow
	params := river.NewJobListParams().Kinds(JobKind).States(
		rivertype.JobStateAvailable, rivertype.JobStateCancelled, rivertype.JobStateCompleted, rivertype.JobStateDiscarded,
		rivertype.JobStatePending, rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled,
	).First(1000)
	for {
		res, err := q.insert.JobList(ctx, params)
		if err != nil {
			return nil, err
		}
		out = append(out, res.Jobs...)
		if len(res.Jobs) < 1000 {
			return out, nil
		}
		params = params.After(res.LastCursor)
	}
}

func storedRowsPerJob(t *testing.T, f *Fleet) map[int64]int {
	t.Helper()
	s := f.Store.(*sqlStore)
	rows, err := s.db.Query(`SELECT job_id, count(*) FROM fleet_assessments GROUP BY job_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		out[id] = n
	}
	return out
}
