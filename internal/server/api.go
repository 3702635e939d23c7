package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/assaysec/assay/internal/fleet"
	"github.com/assaysec/assay/internal/render"
	renderlist "github.com/assaysec/assay/internal/render/list"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/textsafe"
)

// historyDepth bounds how many assessments a history or chart reads.
const historyDepth = 50

// RepositoryView is a repository with its newest assessment and its newest
// succeeded one.
type RepositoryView struct {
	Repository
	Latest      *fleet.Assessment `json:"latest,omitempty"`
	LastSuccess *fleet.Assessment `json:"lastSuccess,omitempty"`
	// LastCheck is the newest job that found nothing changed since
	// LastSuccess and so assessed nothing; only on a single repository's
	// view, and only when it is newer than every assessment.
	LastCheck *fleet.Check `json:"lastCheck,omitempty"`
	report    *report.Report
}

// ProductView is a product with its repositories.
type ProductView struct {
	Product
	Repositories []RepositoryView `json:"repositories"`
}

// PrincipleHead is one column of the overview matrix.
type PrincipleHead struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// ProductRow is one row of the overview matrix: each principle's worst
// status over the product's repositories' newest succeeded assessments.
type ProductRow struct {
	Product      Product                           `json:"product"`
	Principles   map[string]report.PrincipleStatus `json:"principles"`
	Claims       report.Counts                     `json:"claims"`
	Repositories int                               `json:"repositories"`
	Assessed     int                               `json:"assessed"`
}

// Overview is an organisation's standing.
type Overview struct {
	Organisation Organisation    `json:"organisation"`
	Principles   []PrincipleHead `json:"principles"`
	Products     []ProductRow    `json:"products"`
	Claims       report.Counts   `json:"claims"`
	Expiring     []Expiring      `json:"expiring"`
}

func (s *Server) reportOf(a fleet.Assessment) (*report.Report, error) {
	if r := s.cache.get(a.ID); r != nil {
		return r, nil
	}
	r, err := decodeReport(a)
	if err != nil {
		return nil, err
	}
	s.cache.put(a.ID, r)
	return r, nil
}

func (s *Server) repositoryView(ctx context.Context, r Repository) (RepositoryView, error) {
	v := RepositoryView{Repository: r}
	latest, err := s.fleet.Store.Assessments(ctx, r.FleetRepositoryID, 1)
	if err != nil {
		return v, err
	}
	if len(latest) == 1 {
		v.Latest = &latest[0]
		// The common case: the newest assessment succeeded and its report
		// is already decoded, so the report need not be read again.
		if l := latest[0]; l.Status == fleet.StatusSucceeded {
			if rep := s.cache.get(l.ID); rep != nil {
				v.report, v.LastSuccess = rep, &l
				return v, nil
			}
		}
	}
	ok, err := s.fleet.Store.LatestReport(ctx, r.FleetRepositoryID)
	switch {
	case errors.Is(err, fleet.ErrNotFound):
		return v, nil
	case err != nil:
		return v, err
	}
	if v.report, err = s.reportOf(ok); err != nil {
		return v, err
	}
	ok.Report = nil
	v.LastSuccess = &ok
	return v, nil
}

// addCheck sets v.LastCheck when the repository's newest check names its
// newest succeeded assessment and came after its newest assessment.
func (s *Server) addCheck(ctx context.Context, v *RepositoryView) error {
	if v.LastSuccess == nil {
		return nil
	}
	c, err := s.fleet.Store.LatestCheck(ctx, v.FleetRepositoryID)
	if errors.Is(err, fleet.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.UnchangedSince == v.LastSuccess.ID && (v.Latest == nil || !c.CheckedAt.Before(v.Latest.FinishedAt)) {
		v.LastCheck = &c
	}
	return nil
}

func (s *Server) productView(ctx context.Context, p Product) (ProductView, error) {
	v := ProductView{Product: p, Repositories: []RepositoryView{}}
	repos, err := s.store.repositories(ctx, p.ID)
	if err != nil {
		return v, err
	}
	for _, r := range repos {
		rv, err := s.repositoryView(ctx, r)
		if err != nil {
			return v, err
		}
		v.Repositories = append(v.Repositories, rv)
	}
	return v, nil
}

func (s *Server) principleHeads() []PrincipleHead {
	var out []PrincipleHead
	for _, t := range s.catalog.Themes {
		for _, p := range t.Principles {
			out = append(out, PrincipleHead{ID: p.ID, Title: p.Title})
		}
	}
	return out
}

func (s *Server) overview(ctx context.Context, orgID int64) (Overview, error) {
	org, err := s.store.organisation(ctx, orgID)
	if err != nil {
		return Overview{}, err
	}
	ov := Overview{Organisation: org, Principles: s.principleHeads(), Products: []ProductRow{}, Expiring: []Expiring{}}
	products, err := s.store.products(ctx, orgID)
	if err != nil {
		return ov, err
	}
	now := s.now()
	for _, p := range products {
		pv, err := s.productView(ctx, p)
		if err != nil {
			return ov, err
		}
		row := ProductRow{Product: p, Principles: map[string]report.PrincipleStatus{}, Repositories: len(pv.Repositories)}
		for _, rv := range pv.Repositories {
			if rv.report == nil {
				continue
			}
			row.Assessed++
			for _, pr := range rv.report.Principles {
				row.Principles[pr.ID] = worse(row.Principles[pr.ID], pr.Status)
			}
			addCounts(&row.Claims, rv.report.Summary.Claims)
			for _, a := range expiring(rv.report, now) {
				ov.Expiring = append(ov.Expiring, Expiring{ProductID: p.ID, Product: p.Name, RepositoryID: rv.ID,
					Claim: textsafe.Clean(a.Claim), AttestedBy: textsafe.Truncate(textsafe.Clean(a.AttestedBy), 200), Expires: textsafe.Clean(a.Expires)})
			}
		}
		addCounts(&ov.Claims, row.Claims)
		ov.Products = append(ov.Products, row)
	}
	return ov, nil
}

func addCounts(dst *report.Counts, c report.Counts) {
	dst.Met += c.Met
	dst.NotMet += c.NotMet
	dst.Unknown += c.Unknown
	dst.NotApplicable += c.NotApplicable
	dst.Waived += c.Waived
}

func (s *Server) repoFor(r *http.Request, p *Principal) (Repository, error) {
	id, err := pathID(r, "repo")
	if err != nil {
		return Repository{}, err
	}
	return s.store.repository(r.Context(), p.OrganisationID, id)
}

func (s *Server) productFor(r *http.Request, p *Principal) (Product, error) {
	id, err := pathID(r, "product")
	if err != nil {
		return Product{}, err
	}
	return s.store.product(r.Context(), p.OrganisationID, id)
}

// assessmentOf returns an assessment only when it belongs to repo.
func (s *Server) assessmentOf(ctx context.Context, repo Repository, id int64) (fleet.Assessment, error) {
	a, err := s.fleet.Store.Assessment(ctx, id)
	if err != nil {
		return a, err
	}
	if a.RepositoryID != repo.FleetRepositoryID {
		return a, errNotFound
	}
	return a, nil
}

// succeeded lists a repository's newest succeeded assessments, newest
// first, with their reports decoded.
func (s *Server) succeeded(ctx context.Context, repo Repository, n int) ([]fleet.Assessment, map[int64]*report.Report, error) {
	all, err := s.fleet.Store.Assessments(ctx, repo.FleetRepositoryID, 4*n)
	if err != nil {
		return nil, nil, err
	}
	var out []fleet.Assessment
	reports := map[int64]*report.Report{}
	for _, a := range all {
		if a.Status != fleet.StatusSucceeded || len(out) == n {
			continue
		}
		r := s.cache.get(a.ID)
		if r == nil {
			full, err := s.fleet.Store.Assessment(ctx, a.ID)
			if err != nil {
				return nil, nil, err
			}
			if r, err = s.reportOf(full); err != nil {
				return nil, nil, err
			}
		}
		reports[a.ID] = r
		out = append(out, a)
	}
	return out, reports, nil
}

// diff compares two assessments of repo; zero ids pick the two newest
// succeeded ones.
func (s *Server) diff(ctx context.Context, repo Repository, from, to int64) (Diff, error) {
	if from == 0 || to == 0 {
		list, _, err := s.succeeded(ctx, repo, 2)
		if err != nil {
			return Diff{}, err
		}
		if len(list) < 2 {
			return Diff{}, errStatus(http.StatusConflict, "the repository has fewer than two succeeded assessments to compare")
		}
		to, from = list[0].ID, list[1].ID
	}
	load := func(id int64) (*report.Report, error) {
		a, err := s.assessmentOf(ctx, repo, id)
		if err != nil {
			return nil, err
		}
		if a.Status != fleet.StatusSucceeded {
			return nil, errStatus(http.StatusConflict, "assessment %d failed and has no report", id)
		}
		return s.reportOf(a)
	}
	a, err := load(from)
	if err != nil {
		return Diff{}, err
	}
	b, err := load(to)
	if err != nil {
		return Diff{}, err
	}
	return diffReports(from, to, a, b), nil
}

func queryID(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, errStatus(http.StatusBadRequest, "%s: want an assessment id", name)
	}
	return id, nil
}

// resolveSource checks a repository source: an https git URL when the
// server has a git cache, else an existing local directory, under one of
// the configured roots when there are any.
func (s *Server) resolveSource(src string) (string, error) {
	src = strings.TrimSpace(src)
	if src == "" {
		return "", errStatus(http.StatusBadRequest, "path: must not be empty")
	}
	if IsRemote(src) {
		if s.cfg.Git == nil {
			return "", errStatus(http.StatusBadRequest, "this server assesses local directories only (no git cache)")
		}
		u, err := s.cfg.Git.CheckURL(src)
		if err != nil {
			return "", badRequest(err)
		}
		return u, nil
	}
	if !filepath.IsAbs(src) {
		return "", errStatus(http.StatusBadRequest, "path: want an absolute path on the server")
	}
	dirs, err := fleet.ResolveDirs([]string{src})
	if err != nil {
		return "", errStatus(http.StatusBadRequest, "path: not a directory on the server")
	}
	dir := dirs[0]
	if len(s.cfg.RepoRoots) > 0 {
		ok := false
		for _, root := range s.cfg.RepoRoots {
			if rel, err := filepath.Rel(root, dir); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				ok = true
				break
			}
		}
		if !ok {
			return "", errStatus(http.StatusBadRequest, "path: outside the directories this server assesses (--repo-root)")
		}
	}
	return dir, nil
}

func (s *Server) enqueue(ctx context.Context, repo Repository, opts fleet.EnqueueOptions) (int, error) {
	opts.MaxAttempts = s.cfg.MaxAttempts
	return s.fleet.Queue.EnqueueWith(ctx, []fleet.Repository{{ID: repo.FleetRepositoryID, Path: repo.Source}}, opts)
}

// signin redeems a one-time sign-in token for a session or API token.
func (s *Server) signin(r *http.Request, plain, kind string) (string, time.Time, error) {
	if !s.limiter.allow(r) {
		return "", time.Time{}, errStatus(http.StatusTooManyRequests, "too many sign-in attempts; wait a minute")
	}
	ttl := APITTL
	switch kind {
	case "", kindAPI:
		kind = kindAPI
	case kindSession:
		ttl = SessionTTL
	default:
		return "", time.Time{}, errStatus(http.StatusBadRequest, "kind: want api or session")
	}
	now := s.now()
	uid, err := s.store.redeemSignin(r.Context(), strings.TrimSpace(plain), now)
	if errors.Is(err, ErrNotFound) {
		return "", time.Time{}, errStatus(http.StatusUnauthorized, "the sign-in token is unknown, used or expired")
	}
	if err != nil {
		return "", time.Time{}, err
	}
	tok, err := s.store.issueToken(r.Context(), uid, kind, now, ttl)
	return tok, now.Add(ttl), err
}

// --- handlers ---

func (s *Server) apiSignin(w http.ResponseWriter, r *http.Request, _ *Principal) error {
	var in struct {
		Token string `json:"token"`
		Kind  string `json:"kind"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	tok, exp, err := s.signin(r, in.Token, in.Kind)
	if err != nil {
		return err
	}
	return writeJSON(w, map[string]any{"token": tok, "expiresAt": exp.UTC()})
}

func (s *Server) apiSignout(w http.ResponseWriter, r *http.Request, p *Principal) error {
	if err := s.store.revokeToken(r.Context(), p.TokenHash); err != nil {
		return err
	}
	return writeJSON(w, map[string]any{"revoked": true})
}

func (s *Server) apiOrganisations(w http.ResponseWriter, r *http.Request, p *Principal) error {
	o, err := s.store.organisation(r.Context(), p.OrganisationID)
	if err != nil {
		return err
	}
	return writeJSON(w, map[string]any{"organisations": []Organisation{o}, "you": p})
}

func (s *Server) apiOrganisation(w http.ResponseWriter, r *http.Request, p *Principal) error {
	id, err := pathID(r, "org")
	if err != nil {
		return err
	}
	if id != p.OrganisationID {
		return errNotFound
	}
	o, err := s.store.organisation(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, o)
}

func (s *Server) apiOverview(w http.ResponseWriter, r *http.Request, p *Principal) error {
	ov, err := s.overview(r.Context(), p.OrganisationID)
	if err != nil {
		return err
	}
	return writeJSON(w, ov)
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request, p *Principal) error {
	us, err := s.store.users(r.Context(), p.OrganisationID)
	if err != nil {
		return err
	}
	return writeJSON(w, map[string]any{"users": us})
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request, p *Principal) error {
	var in struct {
		Name string `json:"name"`
		Role Role   `json:"role"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	u, err := s.store.createUser(r.Context(), p.OrganisationID, in.Name, in.Role, s.now())
	if err != nil {
		if errors.Is(err, ErrConflict) {
			return err
		}
		return badRequest(err)
	}
	tok, err := s.store.issueToken(r.Context(), u.ID, kindSignin, s.now(), SigninTTL)
	if err != nil {
		return err
	}
	writeJSONStatus(w, http.StatusCreated, map[string]any{"user": u, "signinToken": tok})
	return nil
}

func (s *Server) apiProducts(w http.ResponseWriter, r *http.Request, p *Principal) error {
	ps, err := s.store.products(r.Context(), p.OrganisationID)
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []Product{}
	}
	return writeJSON(w, map[string]any{"products": ps})
}

func (s *Server) apiCreateProduct(w http.ResponseWriter, r *http.Request, p *Principal) error {
	var in struct {
		Name     string `json:"name"`
		Role     string `json:"role"`
		Delivery string `json:"delivery"`
		SRO      string `json:"sro"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	prod, err := s.store.createProduct(r.Context(), p.OrganisationID, Product{Name: in.Name, Role: in.Role, Delivery: in.Delivery, SRO: in.SRO}, s.now())
	if err != nil {
		if errors.Is(err, ErrConflict) {
			return err
		}
		return badRequest(err)
	}
	writeJSONStatus(w, http.StatusCreated, prod)
	return nil
}

func (s *Server) apiProduct(w http.ResponseWriter, r *http.Request, p *Principal) error {
	prod, err := s.productFor(r, p)
	if err != nil {
		return err
	}
	pv, err := s.productView(r.Context(), prod)
	if err != nil {
		return err
	}
	return writeJSON(w, pv)
}

func (s *Server) apiRepositories(w http.ResponseWriter, r *http.Request, p *Principal) error {
	prod, err := s.productFor(r, p)
	if err != nil {
		return err
	}
	pv, err := s.productView(r.Context(), prod)
	if err != nil {
		return err
	}
	return writeJSON(w, map[string]any{"repositories": pv.Repositories})
}

func (s *Server) apiAddRepository(w http.ResponseWriter, r *http.Request, p *Principal) error {
	prod, err := s.productFor(r, p)
	if err != nil {
		return err
	}
	var in struct {
		Path    string `json:"path"`
		Enqueue bool   `json:"enqueue"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	dir, err := s.resolveSource(in.Path)
	if err != nil {
		return err
	}
	repo, err := s.store.addRepository(r.Context(), p.OrganisationID, prod.ID, dir, s.now())
	if err != nil {
		return err
	}
	queued := 0
	if in.Enqueue {
		if queued, err = s.enqueue(r.Context(), repo, fleet.EnqueueOptions{}); err != nil {
			return err
		}
	}
	writeJSONStatus(w, http.StatusCreated, map[string]any{"repository": repo, "queued": queued})
	return nil
}

func (s *Server) apiCreateShare(w http.ResponseWriter, r *http.Request, p *Principal) error {
	prod, err := s.productFor(r, p)
	if err != nil {
		return err
	}
	tok, err := s.store.createShare(r.Context(), p.OrganisationID, prod.ID, s.now())
	if err != nil {
		return err
	}
	writeJSONStatus(w, http.StatusCreated, map[string]any{"token": tok, "path": "/share/" + tok, "api": "/api/v1/share/" + tok})
	return nil
}

func (s *Server) apiRevokeShares(w http.ResponseWriter, r *http.Request, p *Principal) error {
	prod, err := s.productFor(r, p)
	if err != nil {
		return err
	}
	if err := s.store.revokeShares(r.Context(), p.OrganisationID, prod.ID); err != nil {
		return err
	}
	return writeJSON(w, map[string]any{"revoked": true})
}

// sharedView is what a customer's share link shows: the product, its
// declaration and its repositories' newest results, without local paths.
type sharedView struct {
	Product      Product          `json:"product"`
	Repositories []sharedRepoView `json:"repositories"`
}

type sharedRepoView struct {
	Name        string            `json:"name"`
	LastSuccess *fleet.Assessment `json:"lastSuccess,omitempty"`
	report      *report.Report
}

func (s *Server) shared(r *http.Request) (sharedView, error) {
	prod, err := s.store.sharedProduct(r.Context(), r.PathValue("token"))
	if err != nil {
		return sharedView{}, err
	}
	pv, err := s.productView(r.Context(), prod)
	if err != nil {
		return sharedView{}, err
	}
	prod.OrganisationID = 0
	v := sharedView{Product: prod, Repositories: []sharedRepoView{}}
	for _, rv := range pv.Repositories {
		v.Repositories = append(v.Repositories, sharedRepoView{Name: filepath.Base(rv.Source), LastSuccess: rv.LastSuccess, report: rv.report})
	}
	return v, nil
}

func (s *Server) apiShare(w http.ResponseWriter, r *http.Request, _ *Principal) error {
	v, err := s.shared(r)
	if err != nil {
		return err
	}
	return writeJSON(w, v)
}

func (s *Server) apiRepository(w http.ResponseWriter, r *http.Request, p *Principal) error {
	repo, err := s.repoFor(r, p)
	if err != nil {
		return err
	}
	rv, err := s.repositoryView(r.Context(), repo)
	if err != nil {
		return err
	}
	if err := s.addCheck(r.Context(), &rv); err != nil {
		return err
	}
	return writeJSON(w, rv)
}

func (s *Server) apiAssessments(w http.ResponseWriter, r *http.Request, p *Principal) error {
	repo, err := s.repoFor(r, p)
	if err != nil {
		return err
	}
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > 1000 {
			return errStatus(http.StatusBadRequest, "limit: want 1 to 1000")
		}
		limit = n
	}
	list, err := s.fleet.Store.Assessments(r.Context(), repo.FleetRepositoryID, limit)
	if err != nil {
		return err
	}
	if list == nil {
		list = []fleet.Assessment{}
	}
	for i := range list {
		list[i].Error = textsafe.Clean(list[i].Error)
	}
	return writeJSON(w, map[string]any{"assessments": list})
}

func (s *Server) apiEnqueue(w http.ResponseWriter, r *http.Request, p *Principal) error {
	repo, err := s.repoFor(r, p)
	if err != nil {
		return err
	}
	opts, err := readEnqueue(r)
	if err != nil {
		return err
	}
	n, err := s.enqueue(r.Context(), repo, opts)
	if err != nil {
		return err
	}
	writeJSONStatus(w, http.StatusAccepted, map[string]any{"queued": n})
	return nil
}

func (s *Server) assessmentFor(r *http.Request, p *Principal) (Repository, fleet.Assessment, error) {
	repo, err := s.repoFor(r, p)
	if err != nil {
		return repo, fleet.Assessment{}, err
	}
	id, err := pathID(r, "assessment")
	if err != nil {
		return repo, fleet.Assessment{}, err
	}
	a, err := s.assessmentOf(r.Context(), repo, id)
	return repo, a, err
}

func (s *Server) apiAssessment(w http.ResponseWriter, r *http.Request, p *Principal) error {
	_, a, err := s.assessmentFor(r, p)
	if err != nil {
		return err
	}
	rep := json.RawMessage("null")
	if a.Report != nil {
		rep = a.Report
	}
	a.Error = textsafe.Clean(a.Error)
	return writeJSON(w, map[string]any{"assessment": a, "report": rep})
}

// reportTypes are the download types of each format.
var reportTypes = map[string][2]string{
	"json":      {"application/json", "json"},
	"html":      {"text/html; charset=utf-8", "html"},
	"markdown":  {"text/markdown; charset=utf-8", "md"},
	"text":      {"text/plain; charset=utf-8", "txt"},
	"sarif":     {"application/sarif+json", "sarif"},
	"oscal":     {"application/json", "oscal.json"},
	"svg-badge": {"image/svg+xml", "svg"},
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request, p *Principal) error {
	_, a, err := s.assessmentFor(r, p)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	if !renderlist.Formats.Has(format) {
		return errStatus(http.StatusBadRequest, "format: want one of %s", strings.Join(renderlist.Formats.Names(), ", "))
	}
	if a.Status != fleet.StatusSucceeded {
		return errStatus(http.StatusConflict, "assessment %d failed and has no report", a.ID)
	}
	// A stored assessment never changes: its id and the format name it.
	etag := fmt.Sprintf(`"a%d-%s"`, a.ID, format)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	rep, err := s.reportOf(a)
	if err != nil {
		return err
	}
	rd, err := renderlist.Formats.Get(format, render.Options{Verbose: true})
	if err != nil {
		return badRequest(err)
	}
	var buf bytes.Buffer
	if err := rd.Render(&buf, rep); err != nil {
		return fmt.Errorf("render %s: %w", format, err)
	}
	ct, ok := reportTypes[format]
	if !ok {
		ct = [2]string{"application/octet-stream", "out"}
	}
	h := w.Header()
	h.Set("Content-Type", ct[0])
	h.Set("ETag", etag)
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="assay-assessment-%d.%s"`, a.ID, ct[1]))
	// A downloaded report opened in place runs nothing and loads nothing.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox")
	_, err = w.Write(buf.Bytes())
	return err
}

func (s *Server) apiHistory(w http.ResponseWriter, r *http.Request, p *Principal) error {
	repo, err := s.repoFor(r, p)
	if err != nil {
		return err
	}
	list, reports, err := s.succeeded(r.Context(), repo, historyDepth)
	if err != nil {
		return err
	}
	hs := history(list, reports)
	if c := r.URL.Query().Get("claim"); c != "" {
		var one []ClaimHistory
		for _, h := range hs {
			if h.Claim == c {
				one = append(one, h)
			}
		}
		if one == nil {
			return errNotFound
		}
		hs = one
	}
	return writeJSON(w, map[string]any{"claims": hs})
}

func (s *Server) apiDiff(w http.ResponseWriter, r *http.Request, p *Principal) error {
	repo, err := s.repoFor(r, p)
	if err != nil {
		return err
	}
	from, err := queryID(r, "from")
	if err != nil {
		return err
	}
	to, err := queryID(r, "to")
	if err != nil {
		return err
	}
	d, err := s.diff(r.Context(), repo, from, to)
	if err != nil {
		return err
	}
	return writeJSON(w, d)
}
