package forge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
)

var fixedNow = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

// fakeSleep records waits instead of sleeping.
type fakeSleep struct{ waits []time.Duration }

func (f *fakeSleep) sleep(_ context.Context, d time.Duration) error {
	f.waits = append(f.waits, d)
	return nil
}

func newTestTransport(t *testing.T, h http.HandlerFunc, cache bool) (*Transport, *httptest.Server, *fakeSleep) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	fs := &fakeSleep{}
	opts := Options{Auth: Auth{Token: "tok-secret-1234"}, Host: strings.TrimPrefix(srv.URL, "http://"),
		Now: func() time.Time { return fixedNow }, Sleep: fs.sleep, MaxWait: time.Minute}
	if cache {
		c, err := OpenCache(t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		opts.Cache = c
	}
	return NewTransport(opts), srv, fs
}

func get(t *testing.T, tr *Transport, url string) (*http.Response, string, error) {
	t.Helper()
	resp, err := tr.Client().Get(url)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b), nil
}

func TestRetryRateLimitAndServerErrors(t *testing.T) {
	reset := fmt.Sprint(fixedNow.Add(20 * time.Second).Unix())
	cases := []struct {
		name      string
		answers   []func(w http.ResponseWriter)
		wantCode  int
		wantCalls int
		wantWaits []time.Duration
	}{
		{
			name: "429 with Retry-After then success",
			answers: []func(w http.ResponseWriter){
				func(w http.ResponseWriter) { w.Header().Set("Retry-After", "3"); w.WriteHeader(429) },
				func(w http.ResponseWriter) { fmt.Fprint(w, `{}`) },
			},
			wantCode: 200, wantCalls: 2, wantWaits: []time.Duration{4 * time.Second},
		},
		{
			name: "403 primary rate limit waits for the reset",
			answers: []func(w http.ResponseWriter){
				func(w http.ResponseWriter) {
					w.Header().Set("X-RateLimit-Remaining", "0")
					w.Header().Set("X-RateLimit-Reset", reset)
					w.WriteHeader(403)
				},
				func(w http.ResponseWriter) { fmt.Fprint(w, `{}`) },
			},
			wantCode: 200, wantCalls: 2, wantWaits: []time.Duration{21 * time.Second},
		},
		{
			name: "GitLab RateLimit headers",
			answers: []func(w http.ResponseWriter){
				func(w http.ResponseWriter) {
					w.Header().Set("RateLimit-Remaining", "0")
					w.Header().Set("RateLimit-Reset", reset)
					w.WriteHeader(429)
				},
				func(w http.ResponseWriter) { fmt.Fprint(w, `{}`) },
			},
			wantCode: 200, wantCalls: 2, wantWaits: []time.Duration{21 * time.Second},
		},
		{
			name: "reset too far away fails fast",
			answers: []func(w http.ResponseWriter){
				func(w http.ResponseWriter) {
					w.Header().Set("X-RateLimit-Remaining", "0")
					w.Header().Set("X-RateLimit-Reset", fmt.Sprint(fixedNow.Add(time.Hour).Unix()))
					w.WriteHeader(403)
				},
			},
			wantCode: 403, wantCalls: 1,
		},
		{
			name: "plain 403 is a refusal, not retried",
			answers: []func(w http.ResponseWriter){
				func(w http.ResponseWriter) { w.WriteHeader(403) },
			},
			wantCode: 403, wantCalls: 1,
		},
		{
			name: "502 retried with backoff",
			answers: []func(w http.ResponseWriter){
				func(w http.ResponseWriter) { w.WriteHeader(502) },
				func(w http.ResponseWriter) { w.WriteHeader(503) },
				func(w http.ResponseWriter) { fmt.Fprint(w, `{}`) },
			},
			wantCode: 200, wantCalls: 3,
		},
		{
			name: "persistent 500 gives up after the retries",
			answers: []func(w http.ResponseWriter){
				func(w http.ResponseWriter) { w.WriteHeader(500) },
			},
			wantCode: 500, wantCalls: 1 + DefaultMaxRetries,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			tr, srv, fs := newTestTransport(t, func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1)) - 1
				tc.answers[min(n, len(tc.answers)-1)](w)
			}, false)
			resp, _, err := get(t, tr, srv.URL+"/x")
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.wantCode || int(calls.Load()) != tc.wantCalls {
				t.Errorf("status %d after %d calls; want %d after %d", resp.StatusCode, calls.Load(), tc.wantCode, tc.wantCalls)
			}
			if tc.wantWaits != nil {
				if diff := cmp.Diff(tc.wantWaits, fs.waits); diff != "" {
					t.Errorf("waits (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestExhaustedBudgetBlocksLaterRequests(t *testing.T) {
	var calls atomic.Int32
	tr, srv, _ := newTestTransport(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", fmt.Sprint(fixedNow.Add(2*time.Hour).Unix()))
		fmt.Fprint(w, `{}`)
	}, false)
	if _, _, err := get(t, tr, srv.URL+"/a"); err != nil {
		t.Fatal(err)
	}
	_, _, err := get(t, tr, srv.URL+"/b")
	if !errors.Is(err, ErrRateLimited) {
		t.Errorf("second request: err %v; want ErrRateLimited", err)
	}
	if calls.Load() != 1 {
		t.Errorf("%d calls; the spent budget should stop the second request locally", calls.Load())
	}
	a := Classify("GET /b", "x", Refusal{Err: err}, fixedNow)
	if a.State != evidence.AccessRateLimited || !strings.Contains(a.Reason, "2026-08-22T02:00:00Z") {
		t.Errorf("classified %+v", a)
	}
}

func TestTokenOnlyToAPIHostAndRedacted(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("token sent to a foreign host")
		}
		fmt.Fprint(w, `{}`)
	}))
	defer other.Close()
	var seen string
	tr, srv, _ := newTestTransport(t, func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Get("Authorization")
		http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
	}, false)
	if _, _, err := get(t, tr, srv.URL+"/x"); err != nil {
		t.Fatal(err)
	}
	if seen != "Bearer tok-secret-1234" {
		t.Errorf("API host got %q", seen)
	}
	if got := tr.Redact("error near tok-secret-1234 here"); strings.Contains(got, "tok-secret") {
		t.Errorf("redact: %q", got)
	}
	if got := RedactURL("https://user:pw@h/p?private_token=abc&x=1"); got != "https://h/p?private_token=[redacted]&x=1" {
		t.Errorf("RedactURL: %q", got)
	}
	if _, err := tr.Client().Post(srv.URL, "text/plain", nil); err == nil {
		t.Error("POST went through; the forge source only reads")
	}
}

func TestConditionalRevalidation(t *testing.T) {
	var calls, conditional atomic.Int32
	tr, srv, _ := newTestTransport(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("X-RateLimit-Remaining", "4999")
		if r.Header.Get("If-None-Match") == `"v1"` {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Link", `<next>; rel="next"`)
		fmt.Fprint(w, `{"a":1}`)
	}, true)
	for i := 0; i < 3; i++ {
		resp, body, err := get(t, tr, srv.URL+"/r")
		if err != nil {
			t.Fatal(err)
		}
		if body != `{"a":1}` || resp.StatusCode != 200 || resp.Header.Get("Link") == "" {
			t.Errorf("run %d: %d %q %v", i, resp.StatusCode, body, resp.Header)
		}
	}
	if calls.Load() != 3 || conditional.Load() != 2 {
		t.Errorf("%d calls, %d conditional; want 3 and 2", calls.Load(), conditional.Load())
	}
	if st := tr.Stats(); st.NotModified != 2 || st.Conditional != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestOversizedAnswerRefused(t *testing.T) {
	tr, srv, _ := newTestTransport(t, func(w http.ResponseWriter, r *http.Request) {
		chunk := strings.Repeat("x", 1<<20)
		for i := 0; i <= MaxBodySize>>20; i++ {
			io.WriteString(w, chunk)
		}
	}, false)
	tr.opts.MaxRetries = 0
	if _, _, err := get(t, tr, srv.URL+"/big"); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("err = %v; want a size refusal", err)
	}
}

func TestCorruptCacheIgnored(t *testing.T) {
	c, err := OpenCache(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "https://api.github.com/x", nil)
	key := c.Key("t", req)
	c.Put(key, req, &http.Response{StatusCode: 200, Header: http.Header{"Etag": {`"e"`}}}, []byte("{}"))
	if c.Get(key) == nil {
		t.Fatal("entry not stored")
	}
	if c.Get(c.Key("other-token", req)) != nil {
		t.Error("another token's answer was shared")
	}
	if err := writeFile(c.path(key), []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	if c.Get(key) != nil {
		t.Error("corrupt entry returned")
	}
}
