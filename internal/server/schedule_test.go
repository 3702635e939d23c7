package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assaysec/assay/internal/fleet"
)

// clock is a fake clock the test moves by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// addRepo registers dir under a new product without queueing it.
func (e *env) addRepo(dir string) Repository {
	e.t.Helper()
	var prod Product
	e.must("POST", "/api/v1/products", e.admin, map[string]string{"name": "P " + filepath.Base(dir)}, http.StatusCreated, &prod)
	var added struct{ Repository Repository }
	e.must("POST", fmt.Sprintf("/api/v1/products/%d/repositories", prod.ID), e.admin, map[string]any{"path": dir}, http.StatusCreated, &added)
	return added.Repository
}

// TestScheduler sets a repository's schedule through the API and moves a
// fake clock: the scheduler queues it once per interval, at the interval,
// and never while it is unscheduled.
func TestScheduler(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			c := &clock{now: t0}
			e := newEnvAt(t, b, c.Now)
			ctx := context.Background()
			dir := t.TempDir()
			repo := e.addRepo(dir)
			path := fmt.Sprintf("/api/v1/repositories/%d/schedule", repo.ID)
			member := e.userToken("m", RoleMember)

			for _, bad := range []any{map[string]int{"intervalMinutes": 3}, map[string]int{"intervalMinutes": maxScheduleMinutes + 1}, map[string]int{}} {
				e.must("PUT", path, member, bad, http.StatusBadRequest, nil)
			}
			var got Repository
			checkResponse(t, "PUT", "/api/v1/repositories/{repo}/schedule", 200,
				e.must("PUT", path, member, map[string]int{"intervalMinutes": 60}, http.StatusOK, &got))
			if got.Schedule == nil || got.Schedule.IntervalMinutes != 60 || !got.Schedule.NextDue.Equal(t0.Add(time.Hour)) {
				t.Fatalf("schedule = %+v, want every 60 minutes from %s", got.Schedule, t0.Add(time.Hour))
			}
			due := func(at time.Duration, want int) {
				t.Helper()
				c.set(t0.Add(at))
				n, err := e.srv.EnqueueDue(ctx)
				if err != nil || n != want {
					t.Fatalf("at +%s: EnqueueDue = %d, %v; want %d", at, n, err, want)
				}
			}
			due(59*time.Minute, 0)
			due(time.Hour, 1)
			due(time.Hour, 0) // moved on: not queued twice
			if p, _ := e.fleet.Queue.Pending(ctx); p != 1 {
				t.Fatalf("pending = %d, want 1", p)
			}
			e.work()
			due(119*time.Minute, 0)
			// A server down for five intervals queues one run, then keeps
			// the interval from then.
			due(7*time.Hour, 1)
			e.work()
			due(7*time.Hour+59*time.Minute, 0)
			due(8*time.Hour, 1)
			e.work()

			// The loop, driven by ticks the test sends.
			tick := make(chan time.Time)
			results := make(chan int)
			lctx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() {
				defer close(done)
				e.srv.RunScheduler(lctx, tick, func(n int, err error) {
					if err != nil {
						t.Error(err)
					}
					results <- n
				})
			}()
			c.set(t0.Add(9 * time.Hour))
			tick <- c.Now()
			if n := <-results; n != 1 {
				t.Errorf("tick at +9h queued %d, want 1", n)
			}
			tick <- c.Now()
			if n := <-results; n != 0 {
				t.Errorf("second tick at +9h queued %d, want 0", n)
			}
			cancel()
			<-done
			e.work()

			// Removing the schedule stops it.
			var removed Repository
			e.must("PUT", path, member, map[string]int{"intervalMinutes": 0}, http.StatusOK, &removed)
			if removed.Schedule != nil {
				t.Fatalf("schedule after removal = %+v", removed.Schedule)
			}
			due(100*time.Hour, 0)

			// A run whose job could not be queued is given back and is due
			// again at once.
			if err := e.srv.store.setSchedule(ctx, repo.ID, 60, t0.Add(100*time.Hour)); err != nil {
				t.Fatal(err)
			}
			at := t0.Add(101 * time.Hour)
			runs, err := e.srv.store.claimDue(ctx, at)
			if err != nil || len(runs) != 1 {
				t.Fatalf("claimDue = %d runs, %v; want 1", len(runs), err)
			}
			if err := e.srv.store.unclaim(ctx, runs, at); err != nil {
				t.Fatal(err)
			}
			if again, err := e.srv.store.claimDue(ctx, at); err != nil || len(again) != 1 {
				t.Fatalf("claimDue after unclaim = %d runs, %v; want 1", len(again), err)
			}
			if err := e.srv.store.setSchedule(ctx, repo.ID, 0, at); err != nil {
				t.Fatal(err)
			}

			// The UI form sets it too, and the page shows it.
			e.uiPost(fmt.Sprintf("/repositories/%d/schedule", repo.ID), "interval=1440")
			page := e.uiGet(fmt.Sprintf("/repositories/%d", repo.ID))
			if !strings.Contains(page, "Assessed every 1440 minutes") {
				t.Errorf("the repository page does not show the schedule:\n%s", page)
			}
			var list struct{ Assessments []fleet.Assessment }
			e.must("GET", fmt.Sprintf("/api/v1/repositories/%d/assessments", repo.ID), e.admin, nil, http.StatusOK, &list)
			if len(list.Assessments) != 4 {
				t.Errorf("%d assessments, want 4 (one per scheduled run)", len(list.Assessments))
			}
			status, body, _ := e.do("GET", "/metrics", "", nil)
			if status != http.StatusOK || !strings.Contains(string(body), "assay_scheduled_jobs_total 4\n") {
				t.Errorf("metrics lack assay_scheduled_jobs_total 4:\n%s", body)
			}
		})
	}
}

// stateFingerprint stands in for fleet.EngineFingerprint: the content of
// the directory's STATE file.
func stateFingerprint(_ context.Context, dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "STATE"))
	if os.IsNotExist(err) {
		return "", nil
	}
	return strings.TrimSpace(string(b)), err
}

// workFingerprinted drains the queue as `assay serve` does: fingerprints
// first, outcomes counted in the metrics.
func (e *env) workFingerprinted() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := e.fleet.Queue.Work(ctx, fleet.WorkOptions{Workers: 1, UntilEmpty: true, Assess: fakeAssess, Fingerprint: stateFingerprint,
		OnDone: e.srv.ObserveJob, PollEvery: 20 * time.Millisecond}); err != nil {
		e.t.Fatal(err)
	}
}

// TestUnchangedSinceAssessment queues a repository twice without a change:
// the second job stores no assessment, and the API, the repository page
// and the metrics say it was unchanged since the first. A forced job and a
// changed state assess again.
func TestUnchangedSinceAssessment(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b)
			dir := t.TempDir()
			write := func(name, data string) {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write("COMMIT", "1111111aaaaaaa\n")
			write("STATE", "one\n")
			repo := e.addRepo(dir)
			assess := fmt.Sprintf("/api/v1/repositories/%d/assessments", repo.ID)
			view := func() RepositoryView {
				var v RepositoryView
				body := e.must("GET", fmt.Sprintf("/api/v1/repositories/%d", repo.ID), e.admin, nil, http.StatusOK, &v)
				checkResponse(t, "GET", "/api/v1/repositories/{repo}", 200, body)
				return v
			}
			e.must("POST", assess, e.admin, nil, http.StatusAccepted, nil)
			e.workFingerprinted()
			first := view()
			if first.LastSuccess == nil || first.LastCheck != nil {
				t.Fatalf("after the first run: %+v", first)
			}

			e.must("POST", assess, e.admin, nil, http.StatusAccepted, nil)
			e.workFingerprinted()
			second := view()
			if second.LastCheck == nil || second.LastCheck.UnchangedSince != first.LastSuccess.ID {
				t.Fatalf("after an unchanged run: lastCheck = %+v, want unchanged since %d", second.LastCheck, first.LastSuccess.ID)
			}
			if second.Latest.ID != first.Latest.ID {
				t.Fatalf("an unchanged run stored assessment %d", second.Latest.ID)
			}
			page := e.uiGet(fmt.Sprintf("/repositories/%d", repo.ID))
			if want := fmt.Sprintf("unchanged since assessment <a href=\"/repositories/%d/assessments/%d\">#%d</a>", repo.ID, first.LastSuccess.ID, first.LastSuccess.ID); !strings.Contains(page, want) {
				t.Errorf("the repository page lacks %q:\n%s", want, page)
			}

			// Forced: assessed although nothing changed.
			e.must("POST", assess, e.admin, map[string]bool{"force": true}, http.StatusAccepted, nil)
			e.workFingerprinted()
			forced := view()
			if forced.Latest.ID == first.Latest.ID || forced.LastCheck != nil {
				t.Fatalf("a forced run was not assessed: %+v", forced)
			}
			e.must("POST", assess, e.admin, map[string]bool{"bogus": true}, http.StatusBadRequest, nil)

			// Changed: assessed.
			write("STATE", "two\n")
			e.must("POST", assess, e.admin, nil, http.StatusAccepted, nil)
			e.workFingerprinted()
			changed := view()
			if changed.Latest.ID == forced.Latest.ID || changed.LastCheck != nil {
				t.Fatalf("a changed repository was not assessed: %+v", changed)
			}

			_, body, _ := e.do("GET", "/metrics", "", nil)
			for _, want := range []string{
				`assay_job_attempts_total{outcome="succeeded"} 3`,
				`assay_job_attempts_total{outcome="unchanged"} 1`,
				`assay_job_duration_seconds_count{outcome="succeeded"} 3`,
				`assay_jobs{state="completed"} 4`,
				`assay_jobs{state="running"} 0`,
			} {
				if !strings.Contains(string(body), want+"\n") {
					t.Errorf("metrics lack %s:\n%s", want, body)
				}
			}
		})
	}
}

// uiGet fetches a page as the admin through the web session.
func (e *env) uiGet(path string) string {
	e.t.Helper()
	c, _ := e.session()
	status, body := e.page("GET", path, c, nil)
	if status != http.StatusOK {
		e.t.Fatalf("GET %s = %d: %.300s", path, status, body)
	}
	return body
}

// uiPost submits a form (url-encoded fields) as the admin through the web
// session and expects a redirect.
func (e *env) uiPost(path, fields string) {
	e.t.Helper()
	c, csrf := e.session()
	form, err := url.ParseQuery(fields)
	if err != nil {
		e.t.Fatal(err)
	}
	form.Set("csrf", csrf)
	if status, body := e.page("POST", path, c, form); status != http.StatusSeeOther {
		e.t.Fatalf("POST %s = %d, want 303: %.300s", path, status, body)
	}
}
