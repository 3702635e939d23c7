// Package forge holds what the GitHub and GitLab sources share: the HTTP
// transport (per-request timeout, retries with backoff, rate-limit headers,
// ETag revalidation against an on-disk cache, token injection and
// redaction), the subject of an assessment (which repository on which forge)
// and the classification of refused API answers into what permission was
// missing.
//
// The transport, not the REST client above it (internal/forge/rest), owns
// the token: the client is built without one, so no client error, log line
// or retry can carry it.
package forge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults for the transport.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultMaxRetries = 3
	// DefaultMaxWait is the longest the transport sleeps for a rate limit to
	// reset. Longer waits fail fast: an assessment should not hang for an
	// hour; the refused answers become unknown claims naming the limit.
	DefaultMaxWait = 90 * time.Second
	// MaxBodySize caps one API response. Forge answers are small JSON pages;
	// anything larger is refused rather than buffered.
	MaxBodySize = 16 << 20
)

// Auth says how the token is sent.
type Auth struct {
	Token  string
	Header string // "Authorization" (GitHub, sent as "Bearer <token>") or "PRIVATE-TOKEN" (GitLab)
}

// Options configure a Transport.
type Options struct {
	Auth Auth
	// Host is the only host the token is sent to ("api.github.com",
	// "gitlab.example.com:8443"); requests elsewhere go out without it.
	Host string
	// Cache stores answers for conditional revalidation; nil disables it.
	Cache *Cache
	// CacheOnly answers from Cache and never uses the network: a request
	// with no cached answer fails with ErrNotCached. It is how offline
	// commands reuse what an earlier online run learnt.
	CacheOnly bool
	// NoStore reports requests whose answers must never be written to disk
	// (GitLab CI/CD variables carry their values).
	NoStore    func(*http.Request) bool
	Timeout    time.Duration // per attempt; 0 means DefaultTimeout
	MaxRetries int           // 0 means DefaultMaxRetries; negative means none
	MaxWait    time.Duration // 0 means DefaultMaxWait
	Base       http.RoundTripper
	// Now and Sleep are the clock, replaced in tests. Collection may read
	// the clock; rules never do.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Stats counts what a Transport did, for tests and for the report.
type Stats struct {
	Requests    int64 // requests sent over the network, retries included
	Conditional int64 // of those, revalidations carrying If-None-Match or If-Modified-Since
	NotModified int64 // 304 answers served from the cache
	Retries     int64
	RateWaits   int64
}

// Transport is an http.RoundTripper for forge APIs. It is safe for
// concurrent use.
type Transport struct {
	opts Options

	requests, conditional, notModified, retries, rateWaits atomic.Int64

	mu        sync.Mutex
	blockedTo time.Time // primary rate limit exhausted until then
}

// NewTransport returns a transport with opts, defaults filled in.
func NewTransport(opts Options) *Transport {
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = DefaultMaxRetries
	}
	if opts.MaxRetries < 0 {
		opts.MaxRetries = 0
	}
	if opts.MaxWait == 0 {
		opts.MaxWait = DefaultMaxWait
	}
	if opts.Base == nil {
		opts.Base = http.DefaultTransport
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepCtx
	}
	if opts.Auth.Header == "" {
		opts.Auth.Header = "Authorization"
	}
	return &Transport{opts: opts}
}

// Stats returns the counters so far.
func (t *Transport) Stats() Stats {
	return Stats{
		Requests: t.requests.Load(), Conditional: t.conditional.Load(), NotModified: t.notModified.Load(),
		Retries: t.retries.Load(), RateWaits: t.rateWaits.Load(),
	}
}

// Client returns an http.Client over the transport. The client has no
// overall timeout: each attempt is bounded, and the caller's context bounds
// the whole.
func (t *Transport) Client() *http.Client {
	return &http.Client{Transport: t, CheckRedirect: t.checkRedirect}
}

// checkRedirect keeps redirects on https (or the API's own scheme) and drops
// nothing else: the token is attached per request by RoundTrip, only for the
// API host, so a redirect elsewhere goes out without it.
func (t *Transport) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("stopped after 5 redirects")
	}
	if len(via) > 0 && via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
		return fmt.Errorf("refusing redirect from https to %s", req.URL.Scheme)
	}
	return nil
}

// RoundTrip implements http.RoundTripper.
// ErrNotCached is a cache-only request with no cached answer.
var ErrNotCached = errors.New("not in the forge cache (offline; run once with --online to fill it)")

func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return nil, fmt.Errorf("%s %s: the forge source only reads", req.Method, RedactURL(req.URL.String()))
	}
	ctx := req.Context()
	key := ""
	var cached *Entry
	store := t.opts.Cache != nil && (t.opts.NoStore == nil || !t.opts.NoStore(req))
	if store {
		key = t.opts.Cache.Key(t.opts.Auth.Token, req)
		cached = t.opts.Cache.Get(key)
	}
	if t.opts.CacheOnly {
		if cached == nil {
			return nil, fmt.Errorf("%s: %w", RedactURL(req.URL.String()), ErrNotCached)
		}
		return cached.Response(req, nil), nil
	}
	for attempt := 0; ; attempt++ {
		if err := t.waitIfBlocked(ctx); err != nil {
			if cached != nil {
				// The budget is spent: an answer we already hold beats none.
				return cached.Response(req, nil), nil
			}
			return nil, err
		}
		out := t.prepare(req, cached)
		resp, body, err := t.send(out)
		if err != nil {
			if attempt < t.opts.MaxRetries && ctx.Err() == nil {
				t.retries.Add(1)
				if serr := t.opts.Sleep(ctx, backoff(attempt)); serr != nil {
					return nil, err
				}
				continue
			}
			return nil, err
		}
		t.noteRate(resp)
		switch {
		case resp.StatusCode == http.StatusNotModified && cached != nil:
			t.notModified.Add(1)
			return cached.Response(req, resp.Header), nil
		case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
			if attempt < t.opts.MaxRetries {
				t.retries.Add(1)
				if serr := t.opts.Sleep(ctx, retryAfter(resp.Header, t.opts.Now(), backoff(attempt), t.opts.MaxWait)); serr == nil {
					continue
				}
			}
		case IsRateLimited(resp.StatusCode, resp.Header):
			wait, ok := rateWait(resp.Header, t.opts.Now(), t.opts.MaxWait)
			if ok && attempt < t.opts.MaxRetries {
				t.rateWaits.Add(1)
				if serr := t.opts.Sleep(ctx, wait); serr == nil {
					t.mu.Lock()
					t.blockedTo = time.Time{} // waited for this very reset
					t.mu.Unlock()
					continue
				}
			}
			if cached != nil {
				return cached.Response(req, nil), nil
			}
		case resp.StatusCode == http.StatusOK && isEmptyJSON(body):
			// An empty or null answer decodes to a zero value that would
			// read as "nothing set"; it is no answer at all.
			return nil, fmt.Errorf("%s %s: HTTP 200 with an empty answer", req.Method, RedactURL(req.URL.String()))
		case resp.StatusCode == http.StatusOK && store:
			t.opts.Cache.Put(key, req, resp, body)
		}
		return withBody(resp, body), nil
	}
}

// isEmptyJSON reports whether an answer body holds no JSON value: empty,
// white space, or null.
func isEmptyJSON(body []byte) bool {
	b := bytes.TrimSpace(body)
	return len(b) == 0 || string(b) == "null"
}

// prepare clones the request, attaches the token for the API host and the
// validators of a cached answer.
func (t *Transport) prepare(req *http.Request, cached *Entry) *http.Request {
	out := req.Clone(req.Context())
	if t.opts.Auth.Token != "" && strings.EqualFold(out.URL.Host, t.opts.Host) {
		v := t.opts.Auth.Token
		if t.opts.Auth.Header == "Authorization" {
			v = "Bearer " + v
		}
		out.Header.Set(t.opts.Auth.Header, v)
	}
	if cached != nil {
		if cached.ETag != "" {
			out.Header.Set("If-None-Match", cached.ETag)
		} else if cached.LastModified != "" {
			out.Header.Set("If-Modified-Since", cached.LastModified)
		}
	}
	return out
}

// send makes one bounded attempt and reads the whole (capped) body, so the
// attempt's timeout can be released before the caller reads it.
func (t *Transport) send(req *http.Request) (*http.Response, []byte, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.opts.Timeout)
	defer cancel()
	req = req.WithContext(ctx)
	t.requests.Add(1)
	if req.Header.Get("If-None-Match") != "" || req.Header.Get("If-Modified-Since") != "" {
		t.conditional.Add(1)
	}
	resp, err := t.opts.Base.RoundTrip(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %s", req.Method, RedactURL(req.URL.String()), t.Redact(err.Error()))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodySize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: read body: %s", req.Method, RedactURL(req.URL.String()), t.Redact(err.Error()))
	}
	if len(body) > MaxBodySize {
		return nil, nil, fmt.Errorf("%s %s: answer larger than %d bytes; refused", req.Method, RedactURL(req.URL.String()), MaxBodySize)
	}
	// Every answer is redacted before anything reads, shows or caches it:
	// an error body can echo the Authorization header.
	return resp, []byte(t.Redact(string(body))), nil
}

// Redact removes the token from s.
func (t *Transport) Redact(s string) string {
	return Redact(s, t.opts.Auth.Token)
}

// RedactURL drops user information and query values that look like
// credentials from a URL before it is shown.
func RedactURL(s string) string {
	if i := strings.Index(s, "://"); i >= 0 {
		if at := strings.Index(s[i+3:], "@"); at >= 0 && !strings.Contains(s[i+3:i+3+at], "/") {
			s = s[:i+3] + s[i+3+at+1:]
		}
	}
	for _, k := range []string{"access_token=", "private_token=", "token="} {
		if j := strings.Index(strings.ToLower(s), k); j >= 0 {
			end := strings.IndexAny(s[j+len(k):], "&#")
			if end < 0 {
				s = s[:j+len(k)] + "[redacted]"
			} else {
				s = s[:j+len(k)] + "[redacted]" + s[j+len(k)+end:]
			}
		}
	}
	return s
}

// IsRateLimited reports whether an answer is a rate-limit refusal: 429, or
// 403 with the remaining budget at zero (GitHub's primary limit, GitLab's
// RateLimit-Remaining) or a Retry-After (GitHub's secondary limit).
func IsRateLimited(status int, h http.Header) bool {
	if status == http.StatusTooManyRequests {
		return true
	}
	if status != http.StatusForbidden {
		return false
	}
	if h.Get("Retry-After") != "" {
		return true
	}
	for _, k := range []string{"X-RateLimit-Remaining", "RateLimit-Remaining"} {
		if v := h.Get(k); v != "" {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n == 0 {
				return true
			}
		}
	}
	return false
}

// RateReset returns when the rate limit resets, from the headers.
func RateReset(h http.Header, now time.Time) (time.Time, bool) {
	if v := h.Get("Retry-After"); v != "" {
		if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
			return now.Add(time.Duration(secs) * time.Second), true
		}
		if at, err := http.ParseTime(v); err == nil {
			return at, true
		}
	}
	for _, k := range []string{"X-RateLimit-Reset", "RateLimit-Reset"} {
		if v := h.Get(k); v != "" {
			if epoch, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && epoch > 0 {
				return time.Unix(epoch, 0), true
			}
		}
	}
	return time.Time{}, false
}

// rateWait says how long to wait before retrying a rate-limited request, and
// whether waiting is worth it (the reset is within max).
func rateWait(h http.Header, now time.Time, max time.Duration) (time.Duration, bool) {
	at, ok := RateReset(h, now)
	if !ok {
		// Secondary limits without a hint: GitHub asks for at least a minute.
		return min(time.Minute, max), max >= time.Minute
	}
	d := at.Sub(now) + time.Second
	if d < time.Second {
		d = time.Second
	}
	return d, d <= max
}

func retryAfter(h http.Header, now time.Time, def, max time.Duration) time.Duration {
	if at, ok := RateReset(h, now); ok && h.Get("Retry-After") != "" {
		if d := at.Sub(now); d > 0 && d <= max {
			return d
		}
	}
	return def
}

// noteRate remembers an exhausted primary budget so that later requests
// wait (or fail) without spending a request to learn it again.
func (t *Transport) noteRate(resp *http.Response) {
	for _, k := range []string{"X-RateLimit-Remaining", "RateLimit-Remaining"} {
		v := resp.Header.Get(k)
		if v == "" {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n == 0 {
			if at, ok := RateReset(resp.Header, t.opts.Now()); ok {
				t.mu.Lock()
				t.blockedTo = at
				t.mu.Unlock()
			}
		}
		return
	}
}

// ErrRateLimited is returned when the budget is spent and resets too late to
// wait for.
var ErrRateLimited = errors.New("API rate limit exhausted")

// RateLimitError carries when the limit resets.
type RateLimitError struct {
	Reset time.Time
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("%v until %s", ErrRateLimited, e.Reset.UTC().Format(time.RFC3339))
}

// Unwrap lets errors.Is(err, ErrRateLimited) hold.
func (e *RateLimitError) Unwrap() error { return ErrRateLimited }

func (t *Transport) waitIfBlocked(ctx context.Context) error {
	t.mu.Lock()
	until := t.blockedTo
	t.mu.Unlock()
	if until.IsZero() {
		return nil
	}
	d := until.Sub(t.opts.Now())
	if d <= 0 {
		t.mu.Lock()
		t.blockedTo = time.Time{}
		t.mu.Unlock()
		return nil
	}
	if d > t.opts.MaxWait {
		return &RateLimitError{Reset: until}
	}
	t.rateWaits.Add(1)
	if err := t.opts.Sleep(ctx, d+time.Second); err != nil {
		return err
	}
	t.mu.Lock()
	t.blockedTo = time.Time{}
	t.mu.Unlock()
	return nil
}

// backoff is exponential with jitter: about 0.5s, 1s, 2s, 4s, capped at 8s.
func backoff(attempt int) time.Duration {
	d := 500 * time.Millisecond << min(attempt, 4)
	if d > 8*time.Second {
		d = 8 * time.Second
	}
	return d/2 + rand.N(d/2+1)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

func withBody(resp *http.Response, body []byte) *http.Response {
	out := *resp
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.ContentLength = int64(len(body))
	return &out
}
