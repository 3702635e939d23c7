package fleet

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/report"
)

func fakeReport(commit string, met int) *report.Report {
	return &report.Report{SchemaVersion: report.SchemaVersion, Subject: report.Subject{Commit: commit},
		Summary: report.Summary{Claims: report.Counts{Met: met, Unknown: 45 - met}, Total: 45}}
}

func addAll(t *testing.T, f *Fleet, paths ...string) []Repository {
	t.Helper()
	repos, err := f.Store.AddRepositories(context.Background(), paths, t0)
	if err != nil {
		t.Fatal(err)
	}
	return repos
}

// TestQueueContract drives each queue through the outcomes a fleet meets:
// success, a broken repository, a transient failure that a retry fixes, a
// panic, and a repository that never finishes.
func TestQueueContract(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			f := openFleet(t, b.open(t))
			ctx := context.Background()
			repos := addAll(t, f, "/ok", "/broken", "/flaky", "/panics", "/slow")

			n, err := f.Queue.Enqueue(ctx, repos, 3)
			if err != nil || n != 5 {
				t.Fatalf("Enqueue = %d, %v; want 5", n, err)
			}
			// A second add of the same repositories queues nothing new.
			if n, err := f.Queue.Enqueue(ctx, repos[:2], 3); err != nil || n != 0 {
				t.Errorf("Enqueue again = %d, %v; want 0", n, err)
			}
			if p, err := f.Queue.Pending(ctx); err != nil || p != 5 {
				t.Errorf("Pending = %d, %v; want 5", p, err)
			}

			var (
				flakyCalls, running, peak atomic.Int32
				mu                        sync.Mutex
				results                   []string
			)
			assess := func(ctx context.Context, path string) (*report.Report, error) {
				cur := running.Add(1)
				defer running.Add(-1)
				for {
					p := peak.Load()
					if cur <= p || peak.CompareAndSwap(p, cur) {
						break
					}
				}
				time.Sleep(20 * time.Millisecond)
				switch path {
				case "/broken":
					return nil, Permanent(errors.New("assay.yaml:3: unknown key \"colour\""))
				case "/flaky":
					if flakyCalls.Add(1) == 1 {
						return nil, errors.New("transient")
					}
				case "/panics":
					panic("collector bug")
				case "/slow":
					<-ctx.Done()
					return nil, ctx.Err()
				}
				return fakeReport("abc123", 5), nil
			}
			err = f.Queue.Work(ctx, WorkOptions{
				Workers: 2, UntilEmpty: true, Assess: assess,
				JobTimeout: 300 * time.Millisecond, RetryWithin: 50 * time.Millisecond, PollEvery: 50 * time.Millisecond,
				OnDone: func(r Result) {
					mu.Lock()
					defer mu.Unlock()
					results = append(results, fmt.Sprintf("%s %d %s %v", r.Repository.Path, r.Assessment.Attempt, r.Assessment.Status, r.Final))
				},
			})
			if err != nil {
				t.Fatalf("Work: %v", err)
			}
			if p := peak.Load(); p > 2 {
				t.Errorf("%d assessments ran at once with 2 workers", p)
			}
			if p, err := f.Queue.Pending(ctx); err != nil || p != 0 {
				t.Errorf("Pending after the run = %d, %v; want 0", p, err)
			}

			st, err := f.Store.Statuses(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, s := range st {
				if s.Latest == nil {
					got[s.Path] = "never"
					continue
				}
				got[s.Path] = fmt.Sprintf("%s attempt %d: %s", s.Latest.Status, s.Latest.Attempt, firstLine(s.Latest.Error))
			}
			want := map[string]string{
				"/broken": `failed attempt 1: assay.yaml:3: unknown key "colour"`,
				"/flaky":  "succeeded attempt 2: ",
				"/ok":     "succeeded attempt 1: ",
				"/panics": "failed attempt 3: assessment panicked: collector bug",
				"/slow":   "failed attempt 3: assessment exceeded the 300ms job timeout",
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("statuses (-want +got):\n%s\nattempts: %v", diff, results)
			}
			rep, err := f.Store.LatestReport(ctx, repos[0].ID)
			if err != nil || !strings.Contains(string(rep.Report), `"commit":"abc123"`) || rep.Claims.Met != 5 {
				t.Errorf("report of /ok = %s, %+v, %v", rep.Report, rep.Claims, err)
			}
			// Once done, the same repositories can be queued again.
			if n, err := f.Queue.Enqueue(ctx, repos[:1], 1); err != nil || n != 1 {
				t.Errorf("Enqueue after the run = %d, %v; want 1", n, err)
			}
		})
	}
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// TestWorkStopsOnCancel checks that an interrupted run cancels running
// assessments and returns promptly, leaving the job to be retried later.
func TestWorkStopsOnCancel(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			f := openFleet(t, b.open(t))
			repos := addAll(t, f, "/forever")
			if _, err := f.Queue.Enqueue(context.Background(), repos, 3); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			started := make(chan struct{})
			var once sync.Once
			done := make(chan error, 1)
			go func() {
				done <- f.Queue.Work(ctx, WorkOptions{Workers: 1, UntilEmpty: true, JobTimeout: time.Minute,
					Assess: func(ctx context.Context, _ string) (*report.Report, error) {
						once.Do(func() { close(started) })
						<-ctx.Done()
						return nil, ctx.Err()
					}})
			}()
			select {
			case <-started:
			case <-time.After(30 * time.Second):
				t.Fatal("the job never started")
			}
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Work = %v, want context.Canceled", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("Work did not return after cancel")
			}
			if p, err := f.Queue.Pending(context.Background()); err != nil || p != 1 {
				t.Errorf("Pending after cancel = %d, %v; want 1 (to retry)", p, err)
			}
		})
	}
}
