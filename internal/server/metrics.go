package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// metrics is a small hand-written Prometheus text exposition: request
// counts and latency per route and status class. Labels are route
// patterns from the routing table, never paths, so share-link secrets and
// identifiers never reach a label and the series stay bounded.
type metrics struct {
	mu    sync.Mutex
	start time.Time
	reqs  map[metricKey]*routeStats
}

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
	return &metrics{start: now, reqs: map[metricKey]*routeStats{}}
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
	sec := d.Seconds()
	st.count++
	st.seconds += sec
	for i, le := range latencyBuckets {
		if sec <= le {
			st.buckets[i]++
		}
	}
}

// labelValue escapes a label value as the text format asks.
func labelValue(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
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

func (s *Server) serveMetrics(w http.ResponseWriter, _ *http.Request, _ *Principal) error {
	var b strings.Builder
	s.metrics.write(&b, time.Now())
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write([]byte(b.String()))
	return err
}
