// Package server is `assay serve`: a JSON API and a server-rendered web UI
// over the fleet's store and queue. Organisations own products (each with
// its declaration: role, delivery, SRO), products own repositories, and
// repositories have the fleet's assessments. Every handler resolves what it
// shows through the caller's organisation, so an identifier from another
// organisation is simply not found.
package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/assaysec/assay/internal/catalog"
	"github.com/assaysec/assay/internal/fleet"
	"github.com/assaysec/assay/internal/report"
)

// Config configures a Server.
type Config struct {
	Fleet *fleet.Fleet
	// Logger receives request and error logs; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// RepoRoots, when set, are the only directories (and their
	// subdirectories) a repository may be registered under.
	RepoRoots []string
	// Git, when set, lets repositories be registered by https URL; the
	// workers sync them through it (GitCache.Assessor).
	Git *GitCache
	// MaxAttempts per assessment job; default 3.
	MaxAttempts int
	// SecureCookies marks the session cookie Secure; set it behind TLS.
	SecureCookies bool
}

// Server serves the API and the UI.
type Server struct {
	cfg     Config
	store   *store
	fleet   *fleet.Fleet
	log     *slog.Logger
	now     func() time.Time
	catalog *catalog.Catalog
	routes  []route
	mux     *http.ServeMux
	limiter *ipLimiter
	cache   *reportCache
	pages   map[string]*template.Template
	metrics *metrics
}

// New migrates the server's tables and returns a Server.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Fleet == nil {
		return nil, errors.New("server: no fleet database")
	}
	db, dialect := cfg.Fleet.SQL()
	if err := fleet.ApplyMigrations(ctx, db, dialect, migrations); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	pages, err := parsePages()
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	cat, err := catalog.Default()
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s := &Server{
		cfg:     cfg,
		store:   &store{db: db, dialect: dialect, fleet: cfg.Fleet.Store},
		fleet:   cfg.Fleet,
		log:     cfg.Logger,
		now:     cfg.Now,
		catalog: cat,
		limiter: newIPLimiter(rate.Every(6*time.Second), 10),
		cache:   &reportCache{m: map[int64]*report.Report{}},
		pages:   pages,
		metrics: newMetrics(time.Now()),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.cfg.MaxAttempts <= 0 {
		s.cfg.MaxAttempts = 3
	}
	s.routes = s.routeTable()
	s.mux = http.NewServeMux()
	for _, rt := range s.routes {
		s.mux.Handle(rt.Method+" "+rt.Pattern, s.wrap(rt))
	}
	return s, nil
}

// Bootstrap creates the first organisation and its admin on an empty
// database and returns a one-time sign-in token, or "" when the database
// already has an organisation.
func (s *Server) Bootstrap(ctx context.Context, organisation string) (string, error) {
	return s.store.bootstrap(ctx, organisation, s.now())
}

// AdminSignin issues a fresh one-time sign-in token for the first admin.
func (s *Server) AdminSignin(ctx context.Context) (string, error) {
	return s.store.adminSignin(ctx, s.now())
}

// maxBody bounds every request body.
const maxBody = 1 << 20

// ServeHTTP implements http.Handler with the security headers every
// response carries.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// Share links carry their secret in the path: never leak it onwards.
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	s.mux.ServeHTTP(w, r)
}

// access is what a route requires of its caller.
type access int

const (
	public   access = iota // anyone (sign-in, share links, health)
	viewer                 // any signed-in user of the organisation
	member                 // member or admin
	admin                  // admin only
	uiPublic               // public web page
	uiViewer               // web page for a signed-in user; else redirect to sign-in
	uiMember
	uiAdmin
)

func (a access) role() Role {
	switch a {
	case viewer, uiViewer:
		return RoleViewer
	case member, uiMember:
		return RoleMember
	case admin, uiAdmin:
		return RoleAdmin
	}
	return ""
}

func (a access) ui() bool { return a >= uiPublic }

// route is one entry of the routing table; the authorisation test walks
// this table, so a route cannot be added without its access level.
type route struct {
	Method  string
	Pattern string
	Access  access
	h       func(w http.ResponseWriter, r *http.Request, p *Principal) error
}

func (s *Server) routeTable() []route {
	return []route{
		{"GET", "/healthz", public, s.healthz},
		{"GET", "/readyz", public, s.readyz},
		{"GET", "/metrics", public, s.serveMetrics},
		{"GET", "/static/style.css", public, serveCSS},

		{"GET", "/api/v1/openapi.json", public, serveOpenAPI},
		{"POST", "/api/v1/signin", public, s.apiSignin},
		{"POST", "/api/v1/signout", viewer, s.apiSignout},
		{"GET", "/api/v1/share/{token}", public, s.apiShare},
		{"GET", "/api/v1/organisations", viewer, s.apiOrganisations},
		{"GET", "/api/v1/organisations/{org}", viewer, s.apiOrganisation},
		{"GET", "/api/v1/overview", viewer, s.apiOverview},
		{"GET", "/api/v1/users", admin, s.apiUsers},
		{"POST", "/api/v1/users", admin, s.apiCreateUser},
		{"GET", "/api/v1/products", viewer, s.apiProducts},
		{"POST", "/api/v1/products", member, s.apiCreateProduct},
		{"GET", "/api/v1/products/{product}", viewer, s.apiProduct},
		{"GET", "/api/v1/products/{product}/repositories", viewer, s.apiRepositories},
		{"POST", "/api/v1/products/{product}/repositories", member, s.apiAddRepository},
		{"POST", "/api/v1/products/{product}/shares", admin, s.apiCreateShare},
		{"DELETE", "/api/v1/products/{product}/shares", admin, s.apiRevokeShares},
		{"GET", "/api/v1/repositories/{repo}", viewer, s.apiRepository},
		{"GET", "/api/v1/repositories/{repo}/assessments", viewer, s.apiAssessments},
		{"POST", "/api/v1/repositories/{repo}/assessments", member, s.apiEnqueue},
		{"PUT", "/api/v1/repositories/{repo}/schedule", member, s.apiSetSchedule},
		{"GET", "/api/v1/repositories/{repo}/assessments/{assessment}", viewer, s.apiAssessment},
		{"GET", "/api/v1/repositories/{repo}/assessments/{assessment}/report", viewer, s.apiReport},
		{"GET", "/api/v1/repositories/{repo}/history", viewer, s.apiHistory},
		{"GET", "/api/v1/repositories/{repo}/diff", viewer, s.apiDiff},
		{"GET", "/api/v1/policy", viewer, s.apiPolicy},
		{"PUT", "/api/v1/policy", admin, s.apiSetPolicy},
		{"GET", "/api/v1/suppliers", viewer, s.apiSuppliers},
		{"POST", "/api/v1/suppliers", member, s.apiCreateSupplier},
		{"GET", "/api/v1/suppliers/{supplier}", viewer, s.apiSupplier},
		{"GET", "/api/v1/bundles", viewer, s.apiBundles},
		{"POST", "/api/v1/bundles", member, s.apiUpload},
		{"GET", "/api/v1/bundles/{bundle}", viewer, s.apiBundle},

		{"GET", "/{$}", uiViewer, s.uiOverview},
		{"GET", "/signin", uiPublic, s.uiSigninForm},
		{"POST", "/signin", uiPublic, s.uiSignin},
		{"POST", "/signout", uiViewer, s.uiSignout},
		{"POST", "/users", uiAdmin, s.uiCreateUser},
		{"POST", "/products", uiMember, s.uiCreateProduct},
		{"GET", "/products/{product}", uiViewer, s.uiProduct},
		{"POST", "/products/{product}/repositories", uiMember, s.uiAddRepository},
		{"POST", "/products/{product}/shares", uiAdmin, s.uiCreateShare},
		{"GET", "/repositories/{repo}", uiViewer, s.uiRepository},
		{"POST", "/repositories/{repo}/assess", uiMember, s.uiEnqueue},
		{"POST", "/repositories/{repo}/schedule", uiMember, s.uiSetSchedule},
		{"GET", "/repositories/{repo}/diff", uiViewer, s.uiDiff},
		{"GET", "/repositories/{repo}/assessments/{assessment}", uiViewer, s.uiAssessment},
		{"GET", "/repositories/{repo}/assessments/{assessment}/report", uiViewer, s.apiReport},
		{"GET", "/share/{token}", uiPublic, s.uiShare},
		{"GET", "/suppliers", uiViewer, s.uiSuppliers},
		{"POST", "/suppliers", uiMember, s.uiCreateSupplier},
		{"POST", "/policy", uiAdmin, s.uiSetPolicy},
		{"POST", "/bundles", uiMember, s.uiUpload},
		{"GET", "/bundles/{bundle}", uiViewer, s.uiBundle},
	}
}

// httpError is an error with the status the client sees; other errors are
// logged and answered with 500 and no detail.
type httpError struct {
	status int
	msg    string
}

func (e httpError) Error() string { return e.msg }

func errStatus(status int, format string, args ...any) error {
	return httpError{status: status, msg: fmt.Sprintf(format, args...)}
}

var errNotFound = httpError{http.StatusNotFound, "not found"}

// sessionCookie names the web UI's session.
const sessionCookie = "assay_session"

// csrfFor derives a session's CSRF token: forms carry it, and a request
// authenticated by cookie that changes anything must present it.
func csrfFor(session string) string {
	h := sha256.Sum256([]byte("assay-csrf\x00" + session))
	return hex.EncodeToString(h[:16])
}

func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		defer cancel()
		r = r.WithContext(ctx)
		w := &statusWriter{ResponseWriter: rw, status: http.StatusOK}
		limit, ok := bodyLimits[rt.Method+" "+rt.Pattern]
		if !ok {
			limit = maxBody
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		start := time.Now()
		// The route's pattern is logged, never the path: share links carry
		// their secret in it.
		defer func() {
			d := time.Since(start)
			s.metrics.observe(r.Method, rt.Pattern, w.status, d)
			s.log.Info("request", "method", r.Method, "route", rt.Pattern, "status", w.status, "duration_ms", d.Milliseconds())
		}()
		var p *Principal
		if need := rt.Access.role(); need != "" {
			got, err := s.authenticate(r)
			if err != nil {
				s.fail(w, r, rt, err)
				return
			}
			if !got.Role.can(need) {
				s.fail(w, r, rt, errStatus(http.StatusForbidden, "your role (%s) cannot do this; it needs %s", got.Role, need))
				return
			}
			p = got
		}
		if err := rt.h(w, r, p); err != nil {
			s.fail(w, r, rt, err)
		}
	})
}

// authenticate reads a Bearer token or, failing that, the session cookie;
// a cookie-authenticated request that changes anything must carry the
// session's CSRF token.
func (s *Server) authenticate(r *http.Request) (*Principal, error) {
	unauth := errStatus(http.StatusUnauthorized, "sign in first: send Authorization: Bearer TOKEN")
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || tok == "" {
			return nil, unauth
		}
		p, err := s.store.authenticate(r.Context(), strings.TrimSpace(tok), s.now())
		if errors.Is(err, ErrNotFound) {
			return nil, unauth
		}
		if err != nil {
			return nil, err
		}
		return &p, nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, unauth
	}
	p, err := s.store.authenticate(r.Context(), c.Value, s.now())
	if errors.Is(err, ErrNotFound) {
		return nil, unauth
	}
	if err != nil {
		return nil, err
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		got := r.Header.Get("X-CSRF-Token")
		if got == "" {
			got = r.PostFormValue("csrf")
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(csrfFor(c.Value))) != 1 {
			return nil, errStatus(http.StatusForbidden, "missing or wrong CSRF token")
		}
	}
	p.csrf = csrfFor(c.Value)
	return &p, nil
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, rt route, err error) {
	var he httpError
	if !errors.As(err, &he) {
		var mbe *http.MaxBytesError
		switch {
		case errors.Is(err, ErrNotFound), errors.Is(err, fleet.ErrNotFound):
			he = errNotFound
		case errors.Is(err, ErrConflict):
			he = httpError{http.StatusConflict, err.Error()}
		case errors.As(err, &mbe):
			he = httpError{http.StatusRequestEntityTooLarge, "request body too large"}
		default:
			s.log.Error("request failed", "method", r.Method, "route", rt.Pattern, "err", err)
			he = httpError{http.StatusInternalServerError, "internal error"}
		}
	}
	if rt.Access.ui() {
		if he.status == http.StatusUnauthorized && r.Method == http.MethodGet {
			http.Redirect(w, r, "/signin", http.StatusSeeOther)
			return
		}
		s.renderError(w, he)
		return
	}
	writeJSONStatus(w, he.status, map[string]any{"error": map[string]any{"status": he.status, "message": he.msg}})
}

func writeJSON(w http.ResponseWriter, v any) error {
	writeJSONStatus(w, http.StatusOK, v)
	return nil
}

func writeJSONStatus(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// readJSON decodes a bounded request body, refusing unknown fields.
func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return errStatus(http.StatusBadRequest, "invalid JSON body: %v", err)
	}
	return nil
}

func pathID(r *http.Request, name string) (int64, error) {
	v, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || v <= 0 {
		return 0, errNotFound
	}
	return v, nil
}

func badRequest(err error) error { return httpError{http.StatusBadRequest, err.Error()} }

// ipLimiter rate-limits sign-in attempts per client address, bounded in
// the number of addresses it remembers.
type ipLimiter struct {
	mu    sync.Mutex
	every rate.Limit
	burst int
	m     map[string]*rate.Limiter
}

func newIPLimiter(every rate.Limit, burst int) *ipLimiter {
	return &ipLimiter{every: every, burst: burst, m: map[string]*rate.Limiter{}}
}

func (l *ipLimiter) allow(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.m[host]
	if !ok {
		if len(l.m) >= 10000 {
			clear(l.m)
		}
		lim = rate.NewLimiter(l.every, l.burst)
		l.m[host] = lim
	}
	return lim.Allow()
}

// reportCache keeps decoded reports by assessment id: stored assessments
// never change, so entries never go stale; the map is bounded.
type reportCache struct {
	mu sync.Mutex
	m  map[int64]*report.Report
}

const reportCacheSize = 256

func (c *reportCache) get(id int64) *report.Report {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[id]
}

func (c *reportCache) put(id int64, r *report.Report) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= reportCacheSize {
		clear(c.m)
	}
	c.m[id] = r
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request, _ *Principal) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := w.Write([]byte("ok\n"))
	return err
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request, _ *Principal) error {
	if err := s.store.db.PingContext(r.Context()); err != nil {
		return errStatus(http.StatusServiceUnavailable, "database unavailable")
	}
	return s.healthz(w, r, nil)
}

// statusWriter remembers the status a handler wrote, for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}
