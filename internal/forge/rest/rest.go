// Package rest is the small JSON-over-HTTP client the GitHub and GitLab
// sources share: it builds GET requests under one API base URL, sends the
// forge's fixed headers, reads a bounded body, decodes it into a struct that
// names only the fields Assay reads, and reports pagination and refusals in
// one shape.
//
// It never sees the token. The forge.Transport under its http.Client
// attaches the credential (GitHub "Authorization: Bearer", GitLab
// "PRIVATE-TOKEN") and only for the API host, and owns the per-attempt
// timeout, retries, rate-limit waits and the answer cache; the caller's
// context bounds the whole request.
package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/assaysec/assay/internal/forge"
)

// DefaultMaxBody caps one answer when Options.MaxBody is zero: the
// transport's own cap, so the two agree.
const DefaultMaxBody = forge.MaxBodySize

// maxErrorBody is as much of a refusal's body as is kept for its message.
const maxErrorBody = 64 << 10

// Options configure a Client.
type Options struct {
	// Header is sent with every request (Accept, API version, User-Agent).
	Header http.Header
	// MaxBody caps one answer; 0 means DefaultMaxBody.
	MaxBody int64
}

// Client reads one REST API. It is safe for concurrent use.
type Client struct {
	hc      *http.Client
	base    *url.URL // always ends in "/"
	header  http.Header
	maxBody int64
}

// New returns a client for the API at baseURL over hc.
func New(hc *http.Client, baseURL string, opts Options) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("API base URL %q: want http(s)://HOST/PATH/", forge.RedactURL(baseURL))
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	return &Client{hc: hc, base: u, header: opts.Header.Clone(), maxBody: opts.MaxBody}, nil
}

// Response is what a successful answer says besides its body.
type Response struct {
	Status int
	Header http.Header
	// NextPage is the page number of the next page: GitLab's X-Next-Page,
	// else the "page" parameter of the Link header's rel="next" URL. 0
	// means this is the last page.
	NextPage int
	// After is the "after" cursor of the rel="next" URL (GitHub's cursor
	// pagination); "" when there is none.
	After string
	// Total is GitLab's X-Total, when sent.
	Total int

	path string // the redacted request path, for error messages
}

// StatusError is an answer that was not a success.
type StatusError struct {
	Method string
	Path   string // request path and query, without the host
	Status int
	Header http.Header
	Body   []byte // the first 64 KiB
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d", e.Method, e.Path, e.Status)
}

// ErrNoContent is a success that carried no JSON value where one was
// expected (a 204, or an empty body): it is no answer, not an empty one.
var ErrNoContent = errors.New("the forge answered without content")

// DecodeError is a success whose body could not be read as the expected
// JSON: it names the endpoint, so a report shows which answer was wrong.
type DecodeError struct {
	Method string
	Path   string
	Status int
	Header http.Header
	Err    error
}

func (e *DecodeError) Error() string {
	if errors.Is(e.Err, ErrNoContent) {
		return fmt.Sprintf("%s %s: HTTP %d: %v", e.Method, e.Path, e.Status, e.Err)
	}
	return fmt.Sprintf("%s %s: HTTP %d answer is not the expected JSON: %v", e.Method, e.Path, e.Status, e.Err)
}

// Unwrap gives the decoding error and forge.ErrBadAnswer, so that
// forge.Classify files it as an unusable answer rather than a refusal.
func (e *DecodeError) Unwrap() []error { return []error{e.Err, forge.ErrBadAnswer} }

// Get fetches path (relative to the base URL, already escaped) with query
// and decodes the JSON answer into out. A non-success answer is a
// *StatusError; a success that is not the expected JSON is a *DecodeError;
// a transport failure is returned as the http.Client reports it.
func (c *Client) Get(ctx context.Context, path string, query url.Values, out any) (*Response, error) {
	resp, body, err := c.Raw(ctx, path, query, nil)
	if err != nil {
		return resp, err
	}
	if out == nil {
		return resp, nil
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return resp, &DecodeError{Method: http.MethodGet, Path: resp.path, Status: resp.Status, Header: resp.Header, Err: ErrNoContent}
	}
	if err := json.Unmarshal(body, out); err != nil {
		return resp, &DecodeError{Method: http.MethodGet, Path: resp.path, Status: resp.Status, Header: resp.Header, Err: err}
	}
	return resp, nil
}

// Raw fetches path with query and returns the (bounded) body of a success
// undecoded. header adds to or overrides the client's headers for this
// request (a different Accept, say).
func (c *Client) Raw(ctx context.Context, path string, query url.Values, header http.Header) (*Response, []byte, error) {
	u, err := c.resolve(path, query)
	if err != nil {
		return nil, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("GET %s: %w", forge.RedactURL(u.RequestURI()), err)
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	for k, vs := range header {
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}
	shown := forge.RedactURL(u.RequestURI())
	hr, err := c.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer hr.Body.Close()
	resp := &Response{Status: hr.StatusCode, Header: hr.Header, path: shown}
	if hr.StatusCode < 200 || hr.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(hr.Body, maxErrorBody))
		return resp, nil, &StatusError{Method: http.MethodGet, Path: shown, Status: hr.StatusCode, Header: hr.Header, Body: b}
	}
	body, err := io.ReadAll(io.LimitReader(hr.Body, c.maxBody+1))
	if err != nil {
		return resp, nil, fmt.Errorf("GET %s: read answer: %w", shown, err)
	}
	if int64(len(body)) > c.maxBody {
		return resp, nil, fmt.Errorf("GET %s: answer larger than %d bytes; refused", shown, c.maxBody)
	}
	resp.NextPage, resp.After = nextPage(hr.Header)
	if v := strings.TrimSpace(hr.Header.Get("X-Total")); v != "" {
		resp.Total, _ = strconv.Atoi(v)
	}
	return resp, body, nil
}

// resolve joins path and query onto the base URL. The path stays under the
// base: a path that is absolute or climbs out of it is refused, so no
// caller-supplied segment can steer the request (and the token) elsewhere.
func (c *Client) resolve(path string, query url.Values) (*url.URL, error) {
	if strings.Contains(path, "://") || strings.HasPrefix(path, "/") || strings.Contains(path, "?") || strings.Contains(path, "#") {
		return nil, fmt.Errorf("API path %q: want a relative path without query", path)
	}
	for _, seg := range strings.Split(path, "/") {
		if seg == ".." || seg == "." {
			return nil, fmt.Errorf("API path %q: dot segments are refused", path)
		}
	}
	rel, err := url.Parse(path)
	if err != nil {
		return nil, fmt.Errorf("API path %q: %w", path, err)
	}
	u := c.base.ResolveReference(rel)
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}
	return u, nil
}

// nextPage reads the pagination headers: X-Next-Page (GitLab), else the
// Link header's rel="next" URL, from which the "page" number and "after"
// cursor are taken. The URL itself is never followed: the caller asks the
// same endpoint again with those parameters, so a Link header cannot move
// the request to another host or path.
func nextPage(h http.Header) (page int, after string) {
	if v := strings.TrimSpace(h.Get("X-Next-Page")); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			return n, ""
		}
	}
	for _, link := range h.Values("Link") {
		for _, part := range strings.Split(link, ",") {
			target, params, ok := strings.Cut(part, ";")
			if !ok || !isNext(params) {
				continue
			}
			target = strings.TrimSpace(target)
			if !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
				continue
			}
			u, err := url.Parse(target[1 : len(target)-1])
			if err != nil {
				continue
			}
			q := u.Query()
			if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 0 {
				page = n
			}
			return page, q.Get("after")
		}
	}
	return 0, ""
}

// isNext reports whether a Link entry's parameters include rel="next"
// (rel may list several space-separated relations).
func isNext(params string) bool {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
			continue
		}
		for _, r := range strings.Fields(strings.Trim(strings.TrimSpace(v), `"`)) {
			if strings.EqualFold(r, "next") {
				return true
			}
		}
	}
	return false
}

// Refusal describes err in the terms forge.Classify reads. message turns a
// refusal's status and body into the forge's own words (each forge shapes
// its error bodies differently).
func Refusal(err error, message func(status int, body []byte) string) forge.Refusal {
	var se *StatusError
	var de *DecodeError
	switch {
	case errors.As(err, &se):
		return forge.Refusal{Status: se.Status, Header: se.Header, Message: message(se.Status, se.Body)}
	case errors.As(err, &de):
		return forge.Refusal{Header: de.Header, Err: err}
	}
	return forge.Refusal{Err: err}
}

// Status is the HTTP status of a refusal or malformed answer, 0 for a
// transport failure.
func Status(err error) int {
	var se *StatusError
	var de *DecodeError
	switch {
	case errors.As(err, &se):
		return se.Status
	case errors.As(err, &de):
		return de.Status
	}
	return 0
}
