package server

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestMetrics checks the exposition counts requests by route pattern and
// never by path, so a share link's secret never becomes a label.
func TestMetrics(t *testing.T) {
	e := newEnv(t, backends[0])
	for range 3 {
		e.must("GET", "/api/v1/products", e.admin, nil, http.StatusOK, nil)
	}
	e.do("GET", "/api/v1/share/assay_secretvalue", "", nil)
	status, body, h := e.do("GET", "/metrics", "", nil)
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("GET /metrics = %d %q", status, h.Get("Content-Type"))
	}
	text := string(body)
	for _, want := range []string{
		`assay_http_requests_total{method="GET",route="/api/v1/products",code="2xx"} 3`,
		`assay_http_requests_total{method="GET",route="/api/v1/share/{token}",code="4xx"} 1`,
		`assay_http_request_duration_seconds_count{method="GET",route="/api/v1/products",code="2xx"} 3`,
		`assay_http_request_duration_seconds_bucket{method="GET",route="/api/v1/products",code="2xx",le="+Inf"} 3`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s:\n%s", want, text)
		}
	}
	if strings.Contains(text, "secretvalue") {
		t.Error("a share-link secret reached the metrics")
	}
	line := regexp.MustCompile(`^(# (HELP|TYPE) .+|[a-z_]+(\{([a-z_]+="([^"\\]|\\.)*",?)*\})? [0-9.e+-]+)$`)
	for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
		if !line.MatchString(l) {
			t.Errorf("not a text-format line: %q", l)
		}
	}
}
