package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/testutil/golden"
)

const hostileName = `<img src=x onerror=alert(1)> "Widget"`

// fixture is an organisation with one product, one repository and two
// assessments: before and after SECURITY.md was removed.
type fixture struct {
	*env
	product, repo int64
	first, second int64
	supplier      int64
	bundle        int64 // a verified bundle of supplier
	dir           string
}

func newFixture(t *testing.T, b backend) *fixture {
	e := newEnv(t, b)
	fx := &fixture{env: e, dir: t.TempDir()}
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(fx.dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("SECURITY.md", "report to security@example.com\n")
	write("COMMIT", "1111111aaaaaaa\n")

	var prod Product
	e.must("POST", "/api/v1/products", e.admin, map[string]string{"name": hostileName, "sro": "Sam <b>SRO</b>", "delivery": "saas"}, http.StatusCreated, &prod)
	fx.product = prod.ID
	var added struct {
		Repository Repository
		Queued     int
	}
	e.must("POST", fmt.Sprintf("/api/v1/products/%d/repositories", prod.ID), e.admin, map[string]any{"path": fx.dir, "enqueue": true}, http.StatusCreated, &added)
	if added.Queued != 1 {
		t.Fatalf("queued %d, want 1", added.Queued)
	}
	fx.repo = added.Repository.ID
	e.work()

	if err := os.Remove(filepath.Join(fx.dir, "SECURITY.md")); err != nil {
		t.Fatal(err)
	}
	write("COMMIT", "abc1234def\n")
	var q struct{ Queued int }
	e.must("POST", fmt.Sprintf("/api/v1/repositories/%d/assessments", fx.repo), e.admin, nil, http.StatusAccepted, &q)
	e.work()

	var list struct {
		Assessments []struct {
			ID     int64
			Status string
			Commit string
		}
	}
	e.must("GET", fmt.Sprintf("/api/v1/repositories/%d/assessments", fx.repo), e.admin, nil, http.StatusOK, &list)
	if len(list.Assessments) != 2 || list.Assessments[0].Commit != "abc1234def" {
		t.Fatalf("assessments = %+v, want two, newest first", list.Assessments)
	}
	fx.second, fx.first = list.Assessments[0].ID, list.Assessments[1].ID

	priv, allowed := vendorKey(t, 1)
	fx.supplier = e.addSupplier("Vendor", allowed)
	status, body := e.upload(e.admin, fx.supplier, makeBundle(t, priv, t.TempDir(), nil))
	var rec BundleRecord
	if err := json.Unmarshal(body, &rec); status != http.StatusCreated || err != nil {
		t.Fatalf("upload bundle = %d: %s", status, body)
	}
	fx.bundle = rec.ID
	return fx
}

func TestEndToEnd(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			fx := newFixture(t, b)
			e := fx.env
			repo := fmt.Sprintf("/api/v1/repositories/%d", fx.repo)

			t.Run("diff names the change and its reason", func(t *testing.T) {
				var d Diff
				e.must("GET", repo+"/diff", e.admin, nil, http.StatusOK, &d)
				want := Diff{From: fx.first, To: fx.second, Changes: []ClaimChange{{
					Claim: "3.2.1", Principle: "3.2", From: "met", To: "not_met", Reason: "SECURITY.md removed", Commit: "abc1234def",
					Summary: "3.2.1 met -> not_met: SECURITY.md removed in abc1234",
				}}}
				if diff := cmp.Diff(want, d); diff != "" {
					t.Errorf("diff (-want +got):\n%s", diff)
				}
				var back Diff
				e.must("GET", fmt.Sprintf("%s/diff?from=%d&to=%d", repo, fx.second, fx.first), e.admin, nil, http.StatusOK, &back)
				if len(back.Changes) != 1 || back.Changes[0].To != "met" {
					t.Errorf("reverse diff = %+v", back)
				}
			})

			t.Run("claim history", func(t *testing.T) {
				var h struct{ Claims []ClaimHistory }
				e.must("GET", repo+"/history?claim=3.2.1", e.admin, nil, http.StatusOK, &h)
				if len(h.Claims) != 1 {
					t.Fatalf("history = %+v", h)
				}
				var got []string
				for _, p := range h.Claims[0].Points {
					got = append(got, p.Status)
				}
				if diff := cmp.Diff([]string{"met", "not_met"}, got); diff != "" {
					t.Errorf("3.2.1 history oldest first (-want +got):\n%s", diff)
				}
			})

			t.Run("report in every format", func(t *testing.T) {
				for format, ct := range reportTypes {
					path := fmt.Sprintf("%s/assessments/%d/report?format=%s", repo, fx.second, format)
					status, body, h := e.do("GET", path, e.admin, nil)
					if status != http.StatusOK || h.Get("Content-Type") != ct[0] || len(body) == 0 {
						t.Errorf("%s = %d %q (%d bytes)", format, status, h.Get("Content-Type"), len(body))
					}
					if !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
						t.Errorf("%s: headers %v; want an attachment in a sandbox", format, h)
					}
				}
				status, _, _ := e.do("GET", repo+"/assessments/"+fmt.Sprint(fx.second)+"/report?format=pdf", e.admin, nil)
				if status != http.StatusBadRequest {
					t.Errorf("unknown format = %d, want 400", status)
				}
			})

			t.Run("overview", func(t *testing.T) {
				var ov Overview
				e.must("GET", "/api/v1/overview", e.admin, nil, http.StatusOK, &ov)
				if len(ov.Products) != 1 || ov.Products[0].Principles["3.2"] != "not_met" || ov.Claims.NotMet != 1 || ov.Claims.Unknown != 1 {
					t.Errorf("overview = %+v", ov)
				}
				if len(ov.Expiring) != 1 || ov.Expiring[0].Claim != "2.1.1" {
					t.Errorf("expiring = %+v, want the 2.1.1 attestation", ov.Expiring)
				}
			})

			t.Run("auth refused without a token", func(t *testing.T) {
				for _, path := range []string{"/api/v1/products", repo, repo + "/diff"} {
					status, body, _ := e.do("GET", path, "", nil)
					if status != http.StatusUnauthorized || !strings.Contains(string(body), `"status": 401`) {
						t.Errorf("GET %s without token = %d %s", path, status, body)
					}
					if status, _, _ := e.do("GET", path, "assay_forged", nil); status != http.StatusUnauthorized {
						t.Errorf("GET %s with a forged token = %d", path, status)
					}
				}
			})

			t.Run("viewer reads but cannot write", func(t *testing.T) {
				v := e.userToken("vera", RoleViewer)
				e.must("GET", "/api/v1/products", v, nil, http.StatusOK, nil)
				e.must("GET", repo+"/diff", v, nil, http.StatusOK, nil)
				e.must("POST", "/api/v1/products", v, map[string]string{"name": "x"}, http.StatusForbidden, nil)
				e.must("POST", repo+"/assessments", v, nil, http.StatusForbidden, nil)
				e.must("POST", "/api/v1/users", v, map[string]string{"name": "y", "role": "admin"}, http.StatusForbidden, nil)
				m := e.userToken("max", RoleMember)
				e.must("POST", repo+"/assessments", m, nil, http.StatusAccepted, nil)
				e.must("POST", fmt.Sprintf("/api/v1/products/%d/shares", fx.product), m, nil, http.StatusForbidden, nil)
				e.must("POST", "/api/v1/signout", v, nil, http.StatusOK, nil)
				e.must("GET", "/api/v1/products", v, nil, http.StatusUnauthorized, nil)
			})

			t.Run("another organisation sees nothing", func(t *testing.T) {
				o := e.otherOrgToken()
				for _, path := range []string{repo, repo + "/assessments", repo + "/diff", repo + "/history",
					fmt.Sprintf("%s/assessments/%d", repo, fx.first), fmt.Sprintf("/api/v1/products/%d", fx.product), "/api/v1/organisations/1"} {
					e.must("GET", path, o, nil, http.StatusNotFound, nil)
				}
				var ps struct{ Products []Product }
				e.must("GET", "/api/v1/products", o, nil, http.StatusOK, &ps)
				if len(ps.Products) != 0 {
					t.Errorf("rival sees products %+v", ps.Products)
				}
				e.must("POST", repo+"/assessments", o, nil, http.StatusNotFound, nil)
			})

			t.Run("share link", func(t *testing.T) {
				var sh struct{ Token, Path string }
				e.must("POST", fmt.Sprintf("/api/v1/products/%d/shares", fx.product), e.admin, nil, http.StatusCreated, &sh)
				status, body := e.page("GET", sh.Path, nil, nil)
				if status != http.StatusOK || strings.Contains(body, fx.dir) || !strings.Contains(body, "&lt;img src=x") {
					t.Errorf("share page = %d, shows the server path or an unescaped name:\n%s", status, body)
				}
				var v sharedView
				e.must("GET", "/api/v1/share/"+sh.Token, "", nil, http.StatusOK, &v)
				if len(v.Repositories) != 1 || v.Repositories[0].LastSuccess == nil {
					t.Errorf("shared view = %+v", v)
				}
				if status, _, _ := e.do("POST", "/api/v1/products", sh.Token, map[string]string{"name": "x"}); status != http.StatusUnauthorized {
					t.Errorf("share token used as a bearer token = %d, want 401", status)
				}
				e.must("DELETE", fmt.Sprintf("/api/v1/products/%d/shares", fx.product), e.admin, nil, http.StatusOK, nil)
				e.must("GET", "/api/v1/share/"+sh.Token, "", nil, http.StatusNotFound, nil)
			})

			t.Run("web pages render and escape", func(t *testing.T) {
				c, csrf := e.session()
				pages := []string{"/", fmt.Sprintf("/products/%d", fx.product), fmt.Sprintf("/repositories/%d", fx.repo),
					fmt.Sprintf("/repositories/%d/diff", fx.repo), fmt.Sprintf("/repositories/%d/assessments/%d", fx.repo, fx.second)}
				for _, p := range pages {
					status, body := e.page("GET", p, c, nil)
					if status != http.StatusOK {
						t.Errorf("GET %s = %d", p, status)
						continue
					}
					for _, bad := range []string{"<script>", "<img src=x", "\x1b", "\u202e", "javascript:"} {
						if strings.Contains(body, bad) {
							t.Errorf("GET %s contains %q", p, bad)
						}
					}
				}
				_, diff := e.page("GET", fmt.Sprintf("/repositories/%d/diff", fx.repo), c, nil)
				if !strings.Contains(diff, "SECURITY.md removed") || !strings.Contains(diff, "<svg") {
					t.Errorf("diff page lacks the change or the chart:\n%s", diff)
				}
				_, drill := e.page("GET", fmt.Sprintf("/repositories/%d/assessments/%d", fx.repo, fx.second), c, nil)
				if !strings.Contains(drill, `finding &lt;script&gt;alert(1)&lt;/script&gt;\x1b[31m\u202e`) {
					t.Errorf("finding drill-down does not show the cleaned, escaped message:\n%s", drill)
				}
				if status, _ := e.page("GET", "/", nil, nil); status != http.StatusSeeOther {
					t.Errorf("GET / signed out = %d, want a redirect to /signin", status)
				}
				form := url.Values{"name": {"Second"}}
				if status, _ := e.page("POST", "/products", c, form); status != http.StatusForbidden {
					t.Errorf("POST /products without CSRF = %d, want 403", status)
				}
				form.Set("csrf", csrf)
				if status, _ := e.page("POST", "/products", c, form); status != http.StatusSeeOther {
					t.Errorf("POST /products with CSRF = %d, want 303", status)
				}
				status, body := e.page("POST", "/users", c, url.Values{"csrf": {csrf}, "name": {"<b>ursula</b>"}, "role": {"viewer"}})
				tok := regexp.MustCompile(`assay_[A-Za-z0-9_-]{43}`).FindString(body)
				if status != http.StatusOK || tok == "" || !strings.Contains(body, "&lt;b&gt;ursula") {
					t.Errorf("POST /users = %d, token %q:\n%s", status, tok, body)
				}
				e.must("POST", "/api/v1/signin", "", map[string]string{"token": tok}, http.StatusOK, nil)
				status, _, h := e.do("GET", "/", "", nil)
				if status != http.StatusSeeOther || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
					t.Errorf("headers %v", h)
				}
			})
		})
	}
}

var csrfValue = regexp.MustCompile(`name="csrf" value="[0-9a-f]+"`)

func TestOverviewGolden(t *testing.T) {
	fx := newFixture(t, backends[0])
	c, _ := fx.session()
	status, body := fx.page("GET", "/", c, nil)
	if status != http.StatusOK {
		t.Fatalf("GET / = %d", status)
	}
	body = csrfValue.ReplaceAllString(body, `name="csrf" value="CSRF"`)
	golden.Check(t, "testdata/overview.golden.html", []byte(body))
}

func TestSigninTokenIsOneTime(t *testing.T) {
	e := newEnv(t, backends[0])
	signin, err := e.srv.AdminSignin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	e.must("POST", "/api/v1/signin", "", map[string]string{"token": signin}, http.StatusOK, nil)
	e.must("POST", "/api/v1/signin", "", map[string]string{"token": signin}, http.StatusUnauthorized, nil)
	var n int
	if err := e.srv.store.db.QueryRow(`SELECT count(*) FROM server_tokens WHERE hash = ?`, signin).Scan(&n); err != nil || n != 0 {
		t.Errorf("a token is stored in the clear (%d rows, %v)", n, err)
	}
}

func TestRepositorySourceChecks(t *testing.T) {
	e := newEnv(t, backends[0])
	root := t.TempDir()
	inside := filepath.Join(root, "in")
	if err := os.Mkdir(inside, 0o755); err != nil {
		t.Fatal(err)
	}
	e.srv.cfg.RepoRoots = []string{root}
	var prod Product
	e.must("POST", "/api/v1/products", e.admin, map[string]string{"name": "P"}, http.StatusCreated, &prod)
	add := fmt.Sprintf("/api/v1/products/%d/repositories", prod.ID)
	for _, bad := range []string{"", "relative/dir", "https://example.com/x.git", "/nonexistent/dir", t.TempDir(), root + "/../"} {
		e.must("POST", add, e.admin, map[string]string{"path": bad}, http.StatusBadRequest, nil)
	}
	e.must("POST", add, e.admin, map[string]string{"path": inside}, http.StatusCreated, nil)
	e.must("POST", add, e.admin, map[string]string{"path": inside}, http.StatusConflict, nil)
	e.must("POST", "/api/v1/products", e.admin, map[string]string{"name": "bad\x1b"}, http.StatusBadRequest, nil)
	e.must("POST", "/api/v1/products", e.admin, map[string]string{"name": "Q", "role": "king"}, http.StatusBadRequest, nil)
	e.must("POST", "/api/v1/products", e.admin, map[string]string{"name": "P"}, http.StatusConflict, nil)
}
