package server

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/assaysec/assay/internal/fleet"
	"github.com/assaysec/assay/internal/render"
	renderlist "github.com/assaysec/assay/internal/render/list"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/textsafe"
)

//go:embed templates/*.html static/style.css
var uiFS embed.FS

// openAPI describes the JSON API; TestOpenAPI checks it against the route
// table and validates real responses against its schemas.
//
//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(w http.ResponseWriter, _ *http.Request, _ *Principal) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err := w.Write(openAPI)
	return err
}

// funcs are the templates' helpers. Everything that came from a report or
// a user passes through clean (textsafe) and then html/template's escaping.
var funcs = template.FuncMap{
	"clean": func(s string) string { return textsafe.Clean(s) },
	"trunc": func(n int, s string) string { return textsafe.Truncate(textsafe.Clean(s), n) },
	"short": func(s string) string { return shortCommit(textsafe.Clean(s)) },
	"link":  func(u string) string { return render.SafeURL(u) },
	"base":  func(p string) string { return filepath.Base(p) },
	"chart": historyChart,
	"date":  func(t interface{ Format(string) string }) string { return t.Format("2006-01-02 15:04") },
	"cell": func(m map[string]report.PrincipleStatus, id string) string {
		if st, ok := m[id]; ok {
			return string(st)
		}
		return "none"
	},
}

// parsePages parses each page template with the layout.
func parsePages() (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(uiFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	names, err := uiFS.ReadDir("templates")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, e := range names {
		if e.Name() == "layout.html" {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		if t, err = t.ParseFS(uiFS, "templates/"+e.Name()); err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		pages[strings.TrimSuffix(e.Name(), ".html")] = t
	}
	return pages, nil
}

// page is what every template receives.
type page struct {
	Title string
	// Notice is shown once above the content (a new user's sign-in token).
	Notice string
	User   *Principal
	CSRF   string
	Data   any
}

func (s *Server) renderPage(w http.ResponseWriter, status int, name string, p page) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	if p.User != nil {
		p.CSRF = p.User.csrf
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

func (s *Server) renderError(w http.ResponseWriter, he httpError) {
	if err := s.renderPage(w, he.status, "error", page{Title: http.StatusText(he.status), Data: he.msg}); err != nil {
		http.Error(w, he.msg, he.status)
	}
}

func serveCSS(w http.ResponseWriter, _ *http.Request, _ *Principal) error {
	data, err := uiFS.ReadFile("static/style.css")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err = w.Write(data)
	return err
}

// statusColour maps a claim status to a fixed fill; nothing from a report
// reaches the SVG but these values, numbers and escaped titles.
var statusColour = map[string]string{
	string(report.ClaimMet):           "#2e7d32",
	string(report.ClaimNotMet):        "#c62828",
	string(report.ClaimUnknown):       "#9e9e9e",
	string(report.ClaimNotApplicable): "#e0e0e0",
}

// historyChart draws a claim's statuses over time as a strip of squares,
// oldest on the left.
func historyChart(points []HistoryPoint) template.HTML {
	const size, gap = 12, 2
	var b strings.Builder
	width := len(points)*(size+gap) + gap
	fmt.Fprintf(&b, `<svg class="chart" role="img" width="%d" height="%d" viewBox="0 0 %d %d">`, width, size+2*gap, width, size+2*gap)
	for i, pt := range points {
		fill, ok := statusColour[pt.Status]
		if !ok {
			fill = "#000000"
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s</title></rect>`,
			gap+i*(size+gap), gap, size, size, fill,
			template.HTMLEscapeString(fmt.Sprintf("#%d %s %s: %s", pt.Assessment, pt.At.Format("2006-01-02"), shortCommit(pt.Commit), pt.Status)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built from fixed strings, numbers and escaped text above
}

func (s *Server) uiOverview(w http.ResponseWriter, r *http.Request, p *Principal) error {
	return s.showOverview(w, r, p, "")
}

func (s *Server) showOverview(w http.ResponseWriter, r *http.Request, p *Principal, notice string) error {
	ov, err := s.overview(r.Context(), p.OrganisationID)
	if err != nil {
		return err
	}
	return s.renderPage(w, http.StatusOK, "overview", page{Title: ov.Organisation.Name, User: p, Data: ov, Notice: notice})
}

// uiCreateUser adds a user and shows their one-time sign-in token once.
func (s *Server) uiCreateUser(w http.ResponseWriter, r *http.Request, p *Principal) error {
	u, err := s.store.createUser(r.Context(), p.OrganisationID, r.PostFormValue("name"), Role(r.PostFormValue("role")), s.now())
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
	return s.showOverview(w, r, p, fmt.Sprintf("Sign-in token for %s (%s), valid %s and shown only now: %s", u.Name, u.Role, SigninTTL, tok))
}

func (s *Server) uiSigninForm(w http.ResponseWriter, _ *http.Request, _ *Principal) error {
	return s.renderPage(w, http.StatusOK, "signin", page{Title: "Sign in"})
}

func (s *Server) uiSignin(w http.ResponseWriter, r *http.Request, _ *Principal) error {
	tok, exp, err := s.signin(r, r.PostFormValue("token"), kindSession)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", Expires: exp,
		HttpOnly: true, Secure: s.cfg.SecureCookies || r.TLS != nil, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

func (s *Server) uiSignout(w http.ResponseWriter, r *http.Request, p *Principal) error {
	if err := s.store.revokeToken(r.Context(), p.TokenHash); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}

func (s *Server) uiCreateProduct(w http.ResponseWriter, r *http.Request, p *Principal) error {
	prod, err := s.store.createProduct(r.Context(), p.OrganisationID, Product{
		Name: r.PostFormValue("name"), Role: r.PostFormValue("role"), Delivery: r.PostFormValue("delivery"), SRO: r.PostFormValue("sro"),
	}, s.now())
	if err != nil {
		return badRequest(err)
	}
	http.Redirect(w, r, "/products/"+strconv.FormatInt(prod.ID, 10), http.StatusSeeOther)
	return nil
}

type productPage struct {
	ProductView
	Principles []PrincipleHead
	ShareLink  string
}

func (s *Server) uiProduct(w http.ResponseWriter, r *http.Request, p *Principal) error {
	return s.showProduct(w, r, p, "")
}

func (s *Server) showProduct(w http.ResponseWriter, r *http.Request, p *Principal, share string) error {
	prod, err := s.productFor(r, p)
	if err != nil {
		return err
	}
	pv, err := s.productView(r.Context(), prod)
	if err != nil {
		return err
	}
	return s.renderPage(w, http.StatusOK, "product", page{Title: prod.Name, User: p, Data: productPage{ProductView: pv, Principles: s.principleHeads(), ShareLink: share}})
}

func (s *Server) uiAddRepository(w http.ResponseWriter, r *http.Request, p *Principal) error {
	prod, err := s.productFor(r, p)
	if err != nil {
		return err
	}
	dir, err := s.resolveSource(r.PostFormValue("path"))
	if err != nil {
		return err
	}
	repo, err := s.store.addRepository(r.Context(), p.OrganisationID, prod.ID, dir, s.now())
	if err != nil {
		return err
	}
	if _, err := s.enqueue(r.Context(), repo, fleet.EnqueueOptions{}); err != nil {
		return err
	}
	http.Redirect(w, r, "/repositories/"+strconv.FormatInt(repo.ID, 10), http.StatusSeeOther)
	return nil
}

func (s *Server) uiCreateShare(w http.ResponseWriter, r *http.Request, p *Principal) error {
	prod, err := s.productFor(r, p)
	if err != nil {
		return err
	}
	tok, err := s.store.createShare(r.Context(), p.OrganisationID, prod.ID, s.now())
	if err != nil {
		return err
	}
	// Shown once, on this response; only its hash is kept.
	return s.showProduct(w, r, p, "/share/"+tok)
}

type repositoryPage struct {
	RepositoryView
	Product     Product
	Assessments []fleet.Assessment
	History     []ClaimHistory
	Diff        *Diff
	DiffError   string
	// DiffFrom and DiffTo preselect the comparison form: the diff shown,
	// else the two newest succeeded assessments.
	DiffFrom, DiffTo int64
}

func (s *Server) repositoryPage(r *http.Request, p *Principal) (repositoryPage, error) {
	repo, err := s.repoFor(r, p)
	if err != nil {
		return repositoryPage{}, err
	}
	rv, err := s.repositoryView(r.Context(), repo)
	if err != nil {
		return repositoryPage{}, err
	}
	if err := s.addCheck(r.Context(), &rv); err != nil {
		return repositoryPage{}, err
	}
	prod, err := s.store.product(r.Context(), p.OrganisationID, repo.ProductID)
	if err != nil {
		return repositoryPage{}, err
	}
	list, err := s.fleet.Store.Assessments(r.Context(), repo.FleetRepositoryID, historyDepth)
	if err != nil {
		return repositoryPage{}, err
	}
	ok, reports, err := s.succeeded(r.Context(), repo, historyDepth)
	if err != nil {
		return repositoryPage{}, err
	}
	rp := repositoryPage{RepositoryView: rv, Product: prod, Assessments: list, History: history(ok, reports)}
	if len(ok) > 0 {
		rp.DiffTo, rp.DiffFrom = ok[0].ID, ok[0].ID
	}
	if len(ok) > 1 {
		rp.DiffFrom = ok[1].ID
	}
	return rp, nil
}

func (s *Server) uiRepository(w http.ResponseWriter, r *http.Request, p *Principal) error {
	rp, err := s.repositoryPage(r, p)
	if err != nil {
		return err
	}
	return s.renderPage(w, http.StatusOK, "repository", page{Title: base(rp.Source), User: p, Data: rp})
}

func base(p string) string { return filepath.Base(p) }

func (s *Server) uiEnqueue(w http.ResponseWriter, r *http.Request, p *Principal) error {
	repo, err := s.repoFor(r, p)
	if err != nil {
		return err
	}
	if _, err := s.enqueue(r.Context(), repo, fleet.EnqueueOptions{Force: r.PostFormValue("force") != ""}); err != nil {
		return err
	}
	http.Redirect(w, r, "/repositories/"+strconv.FormatInt(repo.ID, 10), http.StatusSeeOther)
	return nil
}

func (s *Server) uiDiff(w http.ResponseWriter, r *http.Request, p *Principal) error {
	rp, err := s.repositoryPage(r, p)
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
	d, err := s.diff(r.Context(), rp.Repository, from, to)
	if he, ok := err.(httpError); ok && he.status != http.StatusInternalServerError {
		rp.DiffError = he.msg
	} else if err != nil {
		return err
	} else {
		rp.Diff = &d
		rp.DiffFrom, rp.DiffTo = d.From, d.To
	}
	return s.renderPage(w, http.StatusOK, "repository", page{Title: base(rp.Source), User: p, Data: rp})
}

type assessmentPage struct {
	Repository Repository
	Assessment fleet.Assessment
	Report     *report.Report
	Formats    []string
}

func (s *Server) uiAssessment(w http.ResponseWriter, r *http.Request, p *Principal) error {
	repo, a, err := s.assessmentFor(r, p)
	if err != nil {
		return err
	}
	ap := assessmentPage{Repository: repo, Assessment: a, Formats: renderlist.Formats.Names()}
	if a.Status == fleet.StatusSucceeded {
		if ap.Report, err = s.reportOf(a); err != nil {
			return err
		}
	}
	ap.Assessment.Report = nil
	return s.renderPage(w, http.StatusOK, "assessment", page{Title: fmt.Sprintf("Assessment %d", a.ID), User: p, Data: ap})
}

type sharePage struct {
	sharedView
	Principles []PrincipleHead
	Rows       []shareRow
}

type shareRow struct {
	Name       string
	Assessment *fleet.Assessment
	Principles map[string]report.PrincipleStatus
	NextReview string
	Assurance  string
}

func (s *Server) uiShare(w http.ResponseWriter, r *http.Request, _ *Principal) error {
	v, err := s.shared(r)
	if err != nil {
		return err
	}
	sp := sharePage{sharedView: v, Principles: s.principleHeads()}
	for _, rv := range v.Repositories {
		row := shareRow{Name: rv.Name, Assessment: rv.LastSuccess, Principles: map[string]report.PrincipleStatus{}}
		if rv.report != nil {
			for _, pr := range rv.report.Principles {
				row.Principles[pr.ID] = pr.Status
			}
			row.NextReview, row.Assurance = rv.report.NextReview, rv.report.Assurance
		}
		sp.Rows = append(sp.Rows, row)
	}
	return s.renderPage(w, http.StatusOK, "share", page{Title: v.Product.Name, Data: sp})
}
