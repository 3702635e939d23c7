package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/assaysec/assay/internal/fleet"
)

// metrics is a small hand-written Prometheus text exposition: request
// counts and latency per route and status class. Labels are route
// patterns from the routing table, never paths, so share-link secrets and
// identifiers never reach a label and the series stay bounded.
type metrics struct {
	mu    sync.Mutex
	start time.Time
	reqs  map[metricKey]*routeStats
	// jobs are the attempts this process's workers finished, by outcome;
	// durations their assessment time, by outcome.
	jobs      map[string]uint64
	durations map[string]*routeStats
	queued    uint64 // jobs the scheduler queued
}

// Job outcomes, the values of the outcome label.
const (
	outcomeSucceeded = "succeeded" // stored a succeeded assessment
	outcomeFailed    = "failed"    // stored a failed assessment: no retry is left
	outcomeRetried   = "retried"   // failed, and will be tried again
	outcomeUnchanged = "unchanged" // nothing changed: no assessment ran
)

// jobStates are River's job states, always exported so a state that
// empties shows 0 rather than vanishing.
var jobStates = []string{"available", "cancelled", "completed", "discarded", "pending", "retryable", "running", "scheduled"}

// durationBuckets bound the assessment duration histogram, in seconds.
var durationBuckets = []float64{0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 900}

type metricKey struct {
	method, route, class string
}

type routeStats struct {
	count   uint64
	seconds float64
	buckets []uint64 // cumulative counts per latencyBuckets entry
}

// latencyBuckets are the histogram's upper bounds, in seconds.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

func newMetrics(now time.Time) *metrics {
	return &metrics{start: now, reqs: map[metricKey]*routeStats{}, jobs: map[string]uint64{}, durations: map[string]*routeStats{}}
}

// ObserveJob counts one finished attempt of this process's workers; pass
// it as (or call it from) fleet.WorkOptions.OnDone.
func (s *Server) ObserveJob(r fleet.Result) { s.metrics.job(r) }

func (m *metrics) job(r fleet.Result) {
	outcome := outcomeRetried
	switch {
	case r.UnchangedSince > 0:
		outcome = outcomeUnchanged
	case r.Assessment.Status == fleet.StatusSucceeded:
		outcome = outcomeSucceeded
	case r.Final:
		outcome = outcomeFailed
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.jobs[outcome]++
	if outcome == outcomeUnchanged {
		return
	}
	st, ok := m.durations[outcome]
	if !ok {
		st = &routeStats{buckets: make([]uint64, len(durationBuckets))}
		m.durations[outcome] = st
	}
	st.add(r.Assessment.Duration.Seconds(), durationBuckets)
}

func (m *metrics) scheduled(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.queued += uint64(n)
}

func (st *routeStats) add(sec float64, bounds []float64) {
	st.count++
	st.seconds += sec
	for i, le := range bounds {
		if sec <= le {
			st.buckets[i]++
		}
	}
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	k := metricKey{method, route, fmt.Sprintf("%dxx", status/100)}
	m.mu.Lock()
	defer m.mu.Unlock()
	st, ok := m.reqs[k]
	if !ok {
		st = &routeStats{buckets: make([]uint64, len(latencyBuckets))}
		m.reqs[k] = st
	}
	st.add(d.Seconds(), latencyBuckets)
}

// labelValue escapes a label value as the text format asks.
func labelValue(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

// writeQueue writes the shared queue's jobs by state (every process's,
// read from the database) and this process's job outcomes and durations.
func (m *metrics) writeQueue(w *strings.Builder, states map[string]int) {
	if states != nil {
		w.WriteString("# HELP assay_jobs Assessment jobs in the shared queue by state (available and scheduled wait, retryable failed an attempt, discarded failed for good).\n# TYPE assay_jobs gauge\n")
		for _, st := range jobStates {
			fmt.Fprintf(w, "assay_jobs{state=%q} %d\n", st, states[st])
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	w.WriteString("# HELP assay_job_attempts_total Assessment job attempts this process's workers finished, by outcome.\n# TYPE assay_job_attempts_total counter\n")
	for _, o := range []string{outcomeFailed, outcomeRetried, outcomeSucceeded, outcomeUnchanged} {
		fmt.Fprintf(w, "assay_job_attempts_total{outcome=%q} %d\n", o, m.jobs[o])
	}
	fmt.Fprintf(w, "# HELP assay_scheduled_jobs_total Assessment jobs this process's scheduler queued.\n# TYPE assay_scheduled_jobs_total counter\nassay_scheduled_jobs_total %d\n", m.queued)
	w.WriteString("# HELP assay_job_duration_seconds Assessment time of this process's job attempts, by outcome.\n# TYPE assay_job_duration_seconds histogram\n")
	for _, o := range []string{outcomeFailed, outcomeRetried, outcomeSucceeded} {
		st, ok := m.durations[o]
		if !ok {
			st = &routeStats{buckets: make([]uint64, len(durationBuckets))}
		}
		for i, le := range durationBuckets {
			fmt.Fprintf(w, "assay_job_duration_seconds_bucket{outcome=%q,le=\"%g\"} %d\n", o, le, st.buckets[i])
		}
		fmt.Fprintf(w, "assay_job_duration_seconds_bucket{outcome=%q,le=\"+Inf\"} %d\n", o, st.count)
		fmt.Fprintf(w, "assay_job_duration_seconds_sum{outcome=%q} %g\n", o, st.seconds)
		fmt.Fprintf(w, "assay_job_duration_seconds_count{outcome=%q} %d\n", o, st.count)
	}
}

func (m *metrics) write(w *strings.Builder, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]metricKey, 0, len(m.reqs))
	for k := range m.reqs {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b metricKey) int {
		return strings.Compare(a.route+" "+a.method+" "+a.class, b.route+" "+b.method+" "+b.class)
	})
	fmt.Fprintf(w, "# HELP assay_uptime_seconds Seconds since the server started.\n# TYPE assay_uptime_seconds gauge\nassay_uptime_seconds %g\n", now.Sub(m.start).Seconds())
	w.WriteString("# HELP assay_http_requests_total HTTP requests by route pattern and status class.\n# TYPE assay_http_requests_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(w, "assay_http_requests_total{method=%q,route=\"%s\",code=%q} %d\n", k.method, labelValue(k.route), k.class, m.reqs[k].count)
	}
	w.WriteString("# HELP assay_http_request_duration_seconds HTTP request latency by route pattern.\n# TYPE assay_http_request_duration_seconds histogram\n")
	for _, k := range keys {
		st := m.reqs[k]
		labels := fmt.Sprintf("method=%q,route=\"%s\",code=%q", k.method, labelValue(k.route), k.class)
		for i, le := range latencyBuckets {
			fmt.Fprintf(w, "assay_http_request_duration_seconds_bucket{%s,le=\"%g\"} %d\n", labels, le, st.buckets[i])
		}
		fmt.Fprintf(w, "assay_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", labels, st.count)
		fmt.Fprintf(w, "assay_http_request_duration_seconds_sum{%s} %g\n", labels, st.seconds)
		fmt.Fprintf(w, "assay_http_request_duration_seconds_count{%s} %d\n", labels, st.count)
	}
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request, _ *Principal) error {
	var b strings.Builder
	s.metrics.write(&b, time.Now())
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	states, err := s.fleet.Queue.JobStates(ctx)
	if err != nil {
		// The HTTP series are still worth serving; the gauge is left out.
		s.log.Warn("metrics: job states", "error", err)
		states = nil
	}
	s.metrics.writeQueue(&b, states)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write([]byte(b.String()))
	return err
}
