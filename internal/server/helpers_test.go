package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/assaysec/assay/internal/fleet"
	"github.com/assaysec/assay/internal/report"
)

// t0 is the server's clock in tests.
var t0 = time.Date(2026, 8, 22, 9, 0, 0, 0, time.UTC)

func postgresURL() string {
	if u := os.Getenv("ASSAY_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable&connect_timeout=5"
}

type backend struct {
	name string
	open func(tb testing.TB) fleet.Database
}

var backends = []backend{
	{"sqlite", func(tb testing.TB) fleet.Database {
		return fleet.Database{Dialect: fleet.SQLite, Path: filepath.Join(tb.TempDir(), "fleet.db")}
	}},
	{"postgres", postgresDB},
}

// postgresDB gives the test a schema of its own, dropped after; it skips
// when the test server is down.
func postgresDB(tb testing.TB) fleet.Database {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	base := postgresURL()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Skipf("PostgreSQL is not reachable at %s (%v)", fleet.Redact(base), err)
	}
	schema := fmt.Sprintf("assay_server_test_%d_%d", os.Getpid(), time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		conn.Close(ctx)
		tb.Fatalf("create schema: %v", err)
	}
	conn.Close(ctx)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return fleet.Database{Dialect: fleet.Postgres, URL: u.String()}
}

// hostile is text a scanned repository could put in a report.
const hostile = "<script>alert(1)</script>\x1b[31m\u202e"

// fakeAssess stands in for the engine: claim 3.2.1 is met while the
// directory has SECURITY.md; the commit is read from COMMIT; one finding
// carries hostile text; one attestation lapses within 30 days of t0.
func fakeAssess(_ context.Context, dir string) (*report.Report, error) {
	commit, _ := os.ReadFile(filepath.Join(dir, "COMMIT"))
	c321 := report.Claim{ID: "3.2.1", Statement: "A vulnerability disclosure policy is published.", Status: report.ClaimNotMet, Reason: "SECURITY.md removed"}
	if _, err := os.Stat(filepath.Join(dir, "SECURITY.md")); err == nil {
		c321.Status, c321.Reason = report.ClaimMet, "SECURITY.md found"
	}
	c111 := report.Claim{ID: "1.1.1", Statement: "Secure development framework.", Status: report.ClaimUnknown, Reason: "no evidence " + hostile,
		Findings: []report.Finding{{Rule: "sdf.present", Outcome: "false", Message: "finding " + hostile,
			Location: report.Location{Path: "docs/" + hostile, Line: 3, URL: "javascript:alert(1)"}}}}
	r := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Subject:       report.Subject{Path: dir, Commit: strings.TrimSpace(string(commit)), Product: "p", Role: "developer-distributor", Delivery: "distributed"},
		AssessedAt:    t0,
		Assurance:     report.AssuranceObserved,
		NextReview:    "2027-02-22",
		Principles: []report.Principle{
			{ID: "1.1", Title: "Secure development", Status: report.PrincipleUnknown, Claims: []report.Claim{c111}},
			{ID: "3.2", Title: "Vulnerability disclosure", Status: report.PrincipleStatus(c321.Status), Claims: []report.Claim{c321}},
		},
		Attestations: []report.Attestation{{Claim: "2.1.1", AttestedBy: "Sam SRO", Date: "2025-09-01", Expires: "2026-09-10", Status: "valid"}},
	}
	for _, p := range r.Principles {
		r.Summary.Principles.Add(p.Status)
		for _, c := range p.Claims {
			r.Summary.Claims.Add(c)
			r.Summary.Total++
		}
	}
	return r, nil
}

// env is one running test server.
type env struct {
	t     *testing.T
	srv   *Server
	fleet *fleet.Fleet
	http  *httptest.Server
	admin string // API token of the bootstrap admin
}

func newEnv(t *testing.T, b backend) *env {
	t.Helper()
	return newEnvAt(t, b, func() time.Time { return t0 })
}

// newEnvAt is newEnv with the server's clock; a browser drops cookies
// that expire before its own clock, so a browser test needs the real one.
func newEnvAt(t *testing.T, b backend, now func() time.Time) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	f, err := fleet.Open(ctx, b.open(t), fleet.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	s, err := New(ctx, Config{Fleet: f, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	e := &env{t: t, srv: s, fleet: f, http: hs}
	signin, err := s.Bootstrap(ctx, "Acme <Org>")
	if err != nil || signin == "" {
		t.Fatalf("Bootstrap = %q, %v", signin, err)
	}
	if again, err := s.Bootstrap(ctx, "Acme <Org>"); err != nil || again != "" {
		t.Fatalf("second Bootstrap = %q, %v; want no new organisation", again, err)
	}
	var out struct{ Token string }
	e.must("POST", "/api/v1/signin", "", map[string]string{"token": signin}, http.StatusOK, &out)
	e.admin = out.Token
	return e
}

// do sends a request and returns the status and body.
func (e *env) do(method, path, token string, body any) (int, []byte, http.Header) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = strings.NewReader(string(data))
	}
	req, err := http.NewRequest(method, e.http.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, data, resp.Header
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// must sends a request, checks its status and decodes its JSON into out.
func (e *env) must(method, path, token string, body any, want int, out any) []byte {
	e.t.Helper()
	got, data, _ := e.do(method, path, token, body)
	if got != want {
		e.t.Fatalf("%s %s = %d, want %d: %s", method, path, got, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
	return data
}

// work drains the queue with the fake assessor.
func (e *env) work() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := e.fleet.Queue.Work(ctx, fleet.WorkOptions{Workers: 1, UntilEmpty: true, Assess: fakeAssess, PollEvery: 20 * time.Millisecond}); err != nil {
		e.t.Fatal(err)
	}
}

// userToken creates a user of the admin's organisation and signs them in.
func (e *env) userToken(name string, role Role) string {
	e.t.Helper()
	var created struct{ SigninToken string }
	e.must("POST", "/api/v1/users", e.admin, map[string]any{"name": name, "role": role}, http.StatusCreated, &created)
	var out struct{ Token string }
	e.must("POST", "/api/v1/signin", "", map[string]string{"token": created.SigninToken}, http.StatusOK, &out)
	return out.Token
}

// otherOrgToken makes a second organisation with an admin and returns the
// admin's API token.
func (e *env) otherOrgToken() string {
	e.t.Helper()
	ctx := context.Background()
	o, err := e.srv.store.createOrganisation(ctx, "Rival", t0)
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := e.srv.store.createUser(ctx, o.ID, "rival-admin", RoleAdmin, t0)
	if err != nil {
		e.t.Fatal(err)
	}
	tok, err := e.srv.store.issueToken(ctx, u.ID, kindAPI, t0, time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// session signs in through the web form and returns the cookie and the
// session's CSRF token.
func (e *env) session() (*http.Cookie, string) {
	e.t.Helper()
	signin, err := e.srv.AdminSignin(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	resp, err := noRedirect.PostForm(e.http.URL+"/signin", url.Values{"token": {signin}})
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("POST /signin = %d, want 303", resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
				e.t.Errorf("session cookie %+v: want HttpOnly and SameSite=Strict", c)
			}
			return c, csrfFor(c.Value)
		}
	}
	e.t.Fatal("no session cookie")
	return nil, ""
}

// page fetches a web page with the session cookie.
func (e *env) page(method, path string, c *http.Cookie, form url.Values) (int, string) {
	e.t.Helper()
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, e.http.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c != nil {
		req.AddCookie(c)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}
