package rest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/forge"
)

var fixedNow = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

// seen is what the server saw of one request.
type seen struct {
	URI    string
	Accept string
}

type item struct {
	Name string `json:"name"`
}

func newServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *[]seen) {
	t.Helper()
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, seen{URI: r.RequestURI, Accept: r.Header.Get("Accept")})
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

func githubMessage(_ int, body []byte) string {
	var e struct {
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &e)
	return e.Message
}

func TestClient_Get(t *testing.T) {
	type want struct {
		items    []item
		resp     *Response // Status, NextPage, After, Total
		err      string    // substring of the error; "" for none
		state    evidence.AccessState
		reason   string // substring of the classified reason
		badReply bool   // errors.Is(err, forge.ErrBadAnswer)
		status   int    // Status(err)
	}
	tests := []struct {
		name    string
		path    string
		query   url.Values
		maxBody int64
		handler http.HandlerFunc
		want    want
	}{
		{
			name:  "decodes_only_named_fields",
			path:  "repos/acme/widget/releases",
			query: url.Values{"per_page": {"30"}},
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(`[{"name":"v1","extra":{"ignored":true}},{"name":"v2"}]`))
			},
			want: want{items: []item{{"v1"}, {"v2"}}, resp: &Response{Status: 200}},
		},
		{
			name: "github_link_next_page",
			path: "repos/acme/widget/collaborators",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Link", `<https://api.github.com/repos/acme/widget/collaborators?page=1>; rel="prev", <https://api.github.com/repos/acme/widget/collaborators?per_page=100&page=3>; rel="next", <https://api.github.com/x?page=9>; rel="last"`)
				w.Write([]byte(`[]`))
			},
			want: want{items: []item{}, resp: &Response{Status: 200, NextPage: 3}},
		},
		{
			name: "github_link_cursor",
			path: "repos/acme/widget/security-advisories",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Link", `<https://api.github.com/repos/acme/widget/security-advisories?per_page=100&after=Y3Vyc29y>; rel="next"`)
				w.Write([]byte(`[]`))
			},
			want: want{items: []item{}, resp: &Response{Status: 200, After: "Y3Vyc29y"}},
		},
		{
			name: "last_page_has_no_next",
			path: "repos/acme/widget/collaborators",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Link", `<https://api.github.com/x?page=1>; rel="first", <https://api.github.com/x?page=1>; rel="prev"`)
				w.Write([]byte(`[]`))
			},
			want: want{items: []item{}, resp: &Response{Status: 200}},
		},
		{
			name: "gitlab_next_page_and_total",
			path: "projects/acme%2Fwidget/members/all",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Next-Page", "2")
				w.Header().Set("X-Total", "57")
				w.Write([]byte(`[{"name":"a"}]`))
			},
			want: want{items: []item{{"a"}}, resp: &Response{Status: 200, NextPage: 2, Total: 57}},
		},
		{
			name: "gitlab_empty_next_page_is_last",
			path: "projects/acme%2Fwidget/members/all",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Next-Page", "")
				w.Write([]byte(`[]`))
			},
			want: want{items: []item{}, resp: &Response{Status: 200}},
		},
		{
			name:    "body_over_the_bound_is_refused",
			path:    "repos/acme/widget/releases",
			maxBody: 16,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(`[{"name":"a-long-release-name"}]`))
			},
			want: want{err: "answer larger than 16 bytes; refused", state: evidence.AccessError, reason: "larger than 16 bytes"},
		},
		{
			name: "not_found",
			path: "repos/acme/widget/branches/main/protection",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusNotFound)
				w.Write([]byte(`{"message":"Branch not protected"}`))
			},
			want: want{err: "GET /repos/acme/widget/branches/main/protection: HTTP 404", state: evidence.AccessDenied, reason: "HTTP 404: Branch not protected", status: 404},
		},
		{
			name: "forbidden_names_the_permission",
			path: "repos/acme/widget/actions/permissions",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Accepted-GitHub-Permissions", "administration=read")
				w.WriteHeader(http.StatusForbidden)
				w.Write([]byte(`{"message":"Resource not accessible by personal access token"}`))
			},
			want: want{err: "HTTP 403", state: evidence.AccessDenied, reason: "HTTP 403: Resource not accessible by personal access token", status: 403},
		},
		{
			name: "primary_rate_limit_is_not_absence",
			path: "repos/acme/widget/collaborators",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-RateLimit-Remaining", "0")
				w.Header().Set("X-RateLimit-Reset", "4102444800")
				w.WriteHeader(http.StatusForbidden)
				w.Write([]byte(`{"message":"API rate limit exceeded"}`))
			},
			want: want{err: "HTTP 403", state: evidence.AccessRateLimited, reason: "HTTP 403 rate limited until 2100-01-01T00:00:00Z", status: 403},
		},
		{
			name: "too_many_requests",
			path: "projects/acme%2Fwidget",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "30")
				w.WriteHeader(http.StatusTooManyRequests)
			},
			want: want{err: "HTTP 429", state: evidence.AccessRateLimited, reason: "HTTP 429 rate limited until 2026-08-22T00:00:30Z", status: 429},
		},
		{
			name: "server_error",
			path: "repos/acme/widget",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusBadGateway)
			},
			want: want{err: "HTTP 502", state: evidence.AccessError, reason: "HTTP 502 from the forge", status: 502},
		},
		{
			name: "malformed_json_names_the_endpoint",
			path: "repos/acme/widget/environments",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(`{"environments": [`))
			},
			want: want{err: "GET /repos/acme/widget/environments: HTTP 200 answer is not the expected JSON: unexpected end of JSON input",
				state: evidence.AccessError, reason: "GET /repos/acme/widget/environments: HTTP 200 answer is not the expected JSON", badReply: true, status: 200},
		},
		{
			name: "wrong_shape_names_the_endpoint",
			path: "repos/acme/widget/releases",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(`{"message":"not a list"}`))
			},
			want: want{err: "GET /repos/acme/widget/releases: HTTP 200 answer is not the expected JSON: json: cannot unmarshal object",
				state: evidence.AccessError, reason: "cannot unmarshal object", badReply: true, status: 200},
		},
		{
			name: "no_content_is_no_answer",
			path: "repos/acme/widget/releases",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusNoContent)
			},
			want: want{err: "GET /repos/acme/widget/releases: HTTP 204: the forge answered without content",
				state: evidence.AccessError, reason: "without content", badReply: true, status: 204},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newServer(t, tt.handler)
			c, err := New(srv.Client(), srv.URL+"/", Options{MaxBody: tt.maxBody, Header: http.Header{"Accept": {"application/json"}}})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			var got []item
			resp, err := c.Get(context.Background(), tt.path, tt.query, &got)
			if tt.want.err == "" {
				if err != nil {
					t.Fatalf("Get: %v", err)
				}
				if diff := cmp.Diff(tt.want.items, got); diff != "" {
					t.Errorf("items mismatch (-want +got):\n%s", diff)
				}
				gotResp := &Response{Status: resp.Status, NextPage: resp.NextPage, After: resp.After, Total: resp.Total}
				if diff := cmp.Diff(tt.want.resp, gotResp, cmp.AllowUnexported(Response{})); diff != "" {
					t.Errorf("response mismatch (-want +got):\n%s", diff)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want.err) {
				t.Fatalf("Get error = %v; want it to contain %q", err, tt.want.err)
			}
			if got := errors.Is(err, forge.ErrBadAnswer); got != tt.want.badReply {
				t.Errorf("errors.Is(err, ErrBadAnswer) = %v; want %v", got, tt.want.badReply)
			}
			if got := Status(err); got != tt.want.status {
				t.Errorf("Status(err) = %d; want %d", got, tt.want.status)
			}
			a := forge.Classify("GET /x", "some permission", Refusal(err, githubMessage), fixedNow)
			if a.State != tt.want.state || !strings.Contains(a.Reason, tt.want.reason) {
				t.Errorf("Classify = %s %q; want %s with %q", a.State, a.Reason, tt.want.state, tt.want.reason)
			}
		})
	}
}

// TestClient_Request checks what goes on the wire: the base path kept,
// escaped segments (GitLab's "group%2Fproject", "%2E") left escaped, the
// query encoded, the client's headers sent and a per-request header
// overriding them.
func TestClient_Request(t *testing.T) {
	srv, got := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{}`)) })
	c, err := New(srv.Client(), srv.URL+"/api/v4", Options{Header: http.Header{"Accept": {"application/json"}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var v struct{}
	if _, err := c.Get(ctx, "projects/acme%2Fmy%2Eproject/protected_branches/feat%2Fx", url.Values{"per_page": {"100"}, "page": {"2"}}, &v); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Raw(ctx, "groups/acme", nil, http.Header{"accept": {"application/vnd.github.v3.sha"}}); err != nil {
		t.Fatal(err)
	}
	want := []seen{
		{URI: "/api/v4/projects/acme%2Fmy%2Eproject/protected_branches/feat%2Fx?page=2&per_page=100", Accept: "application/json"},
		{URI: "/api/v4/groups/acme", Accept: "application/vnd.github.v3.sha"},
	}
	if diff := cmp.Diff(want, *got); diff != "" {
		t.Errorf("requests mismatch (-want +got):\n%s", diff)
	}
}

// TestClient_PathStaysUnderBase: no path can move a request (and the token
// the transport adds for the API host) off the API.
func TestClient_PathStaysUnderBase(t *testing.T) {
	srv, got := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{}`)) })
	c, err := New(srv.Client(), srv.URL+"/api/v3/", Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"../admin", "repos/../../x", "/abs", "https://evil.example/x", "//evil.example/x", "repos/a?b=c", "repos/./a"} {
		if _, err := c.Get(context.Background(), p, nil, nil); err == nil {
			t.Errorf("Get(%q) succeeded; want it refused", p)
		}
	}
	if len(*got) != 0 {
		t.Errorf("refused paths reached the server: %v", *got)
	}
}

func TestClient_TransportError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	c, err := New(http.DefaultClient, base, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Get(context.Background(), "repos/a/b", nil, &struct{}{})
	var se *StatusError
	if err == nil || errors.As(err, &se) || Status(err) != 0 {
		t.Fatalf("err = %v; want a transport error", err)
	}
	if r := Refusal(err, githubMessage); r.Err == nil || r.Status != 0 {
		t.Errorf("Refusal = %+v; want the transport error", r)
	}
}

func TestNew_RefusesBadBase(t *testing.T) {
	for _, base := range []string{"", "api.github.com", "ftp://x/", "https:///nohost"} {
		if _, err := New(nil, base, Options{}); err == nil {
			t.Errorf("New(%q) succeeded", base)
		}
	}
}

func TestNextPage(t *testing.T) {
	tests := []struct {
		name      string
		header    http.Header
		wantPage  int
		wantAfter string
	}{
		{"none", http.Header{}, 0, ""},
		{"gitlab_header", http.Header{"X-Next-Page": {"4"}}, 4, ""},
		{"gitlab_header_wins_over_link", http.Header{"X-Next-Page": {"4"}, "Link": {`<https://x/?page=9>; rel="next"`}}, 4, ""},
		{"gitlab_empty_header_falls_back_to_link", http.Header{"X-Next-Page": {""}, "Link": {`<https://x/?page=2>; rel="next"`}}, 2, ""},
		{"rel_list", http.Header{"Link": {`<https://x/?page=5>; rel="next last"`}}, 5, ""},
		{"unquoted_rel", http.Header{"Link": {`<https://x/?page=6>; rel=next`}}, 6, ""},
		{"two_link_headers", http.Header{"Link": {`<https://x/?page=1>; rel="prev"`, `<https://x/?page=3>; rel="next"`}}, 3, ""},
		{"cursor_only", http.Header{"Link": {`<https://x/?after=abc&per_page=100>; rel="next"`}}, 0, "abc"},
		{"garbage", http.Header{"Link": {`not a link; rel="next"`, `<%zz>; rel="next"`}}, 0, ""},
		{"negative_page", http.Header{"X-Next-Page": {"-1"}}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, after := nextPage(tt.header)
			if page != tt.wantPage || after != tt.wantAfter {
				t.Errorf("nextPage = %d, %q; want %d, %q", page, after, tt.wantPage, tt.wantAfter)
			}
		})
	}
}

func FuzzNextPage(f *testing.F) {
	f.Add(`<https://api.github.com/x?page=2&after=c>; rel="next", <https://api.github.com/x?page=9>; rel="last"`, "3")
	f.Add(`<>; rel=`, "")
	f.Fuzz(func(t *testing.T, link, next string) {
		page, _ := nextPage(http.Header{"Link": {link}, "X-Next-Page": {next}})
		if page < 0 {
			t.Fatalf("negative page %d", page)
		}
	})
}
