package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// samplePaths gives every route a concrete path into the fixture's data. A
// route added to the table without an entry here fails the test.
func samplePaths(fx *fixture) map[string]string {
	p := fmt.Sprintf("%d", fx.product)
	r := fmt.Sprintf("%d", fx.repo)
	a := fmt.Sprintf("%d", fx.second)
	sp := fmt.Sprintf("%d", fx.supplier)
	bn := fmt.Sprintf("%d", fx.bundle)
	return map[string]string{
		"GET /healthz":          "/healthz",
		"GET /readyz":           "/readyz",
		"GET /metrics":          "/metrics",
		"GET /static/style.css": "/static/style.css",

		"GET /api/v1/openapi.json":                                        "/api/v1/openapi.json",
		"POST /api/v1/signin":                                             "/api/v1/signin",
		"POST /api/v1/signout":                                            "/api/v1/signout",
		"GET /api/v1/share/{token}":                                       "/api/v1/share/assay_none",
		"GET /api/v1/organisations":                                       "/api/v1/organisations",
		"GET /api/v1/organisations/{org}":                                 "/api/v1/organisations/1",
		"GET /api/v1/overview":                                            "/api/v1/overview",
		"GET /api/v1/users":                                               "/api/v1/users",
		"POST /api/v1/users":                                              "/api/v1/users",
		"GET /api/v1/products":                                            "/api/v1/products",
		"POST /api/v1/products":                                           "/api/v1/products",
		"GET /api/v1/products/{product}":                                  "/api/v1/products/" + p,
		"GET /api/v1/products/{product}/repositories":                     "/api/v1/products/" + p + "/repositories",
		"POST /api/v1/products/{product}/repositories":                    "/api/v1/products/" + p + "/repositories",
		"POST /api/v1/products/{product}/shares":                          "/api/v1/products/" + p + "/shares",
		"DELETE /api/v1/products/{product}/shares":                        "/api/v1/products/" + p + "/shares",
		"GET /api/v1/repositories/{repo}":                                 "/api/v1/repositories/" + r,
		"GET /api/v1/repositories/{repo}/assessments":                     "/api/v1/repositories/" + r + "/assessments",
		"POST /api/v1/repositories/{repo}/assessments":                    "/api/v1/repositories/" + r + "/assessments",
		"GET /api/v1/repositories/{repo}/assessments/{assessment}":        "/api/v1/repositories/" + r + "/assessments/" + a,
		"GET /api/v1/repositories/{repo}/assessments/{assessment}/report": "/api/v1/repositories/" + r + "/assessments/" + a + "/report",
		"GET /api/v1/repositories/{repo}/history":                         "/api/v1/repositories/" + r + "/history",
		"GET /api/v1/repositories/{repo}/diff":                            "/api/v1/repositories/" + r + "/diff",
		"GET /{$}":                                                        "/",
		"GET /signin":                                                     "/signin",
		"POST /signin":                                                    "/signin",
		"POST /signout":                                                   "/signout",
		"POST /users":                                                     "/users",
		"POST /products":                                                  "/products",
		"GET /products/{product}":                                         "/products/" + p,
		"POST /products/{product}/repositories":                           "/products/" + p + "/repositories",
		"POST /products/{product}/shares":                                 "/products/" + p + "/shares",
		"GET /repositories/{repo}":                                        "/repositories/" + r,
		"POST /repositories/{repo}/assess":                                "/repositories/" + r + "/assess",
		"GET /repositories/{repo}/diff":                                   "/repositories/" + r + "/diff",
		"GET /repositories/{repo}/assessments/{assessment}":               "/repositories/" + r + "/assessments/" + a,
		"GET /repositories/{repo}/assessments/{assessment}/report":        "/repositories/" + r + "/assessments/" + a + "/report",
		"GET /share/{token}":                                              "/share/assay_none",
		"GET /api/v1/policy":                                              "/api/v1/policy",
		"PUT /api/v1/policy":                                              "/api/v1/policy",
		"GET /api/v1/suppliers":                                           "/api/v1/suppliers",
		"POST /api/v1/suppliers":                                          "/api/v1/suppliers",
		"GET /api/v1/suppliers/{supplier}":                                "/api/v1/suppliers/" + sp,
		"GET /api/v1/bundles":                                             "/api/v1/bundles",
		"POST /api/v1/bundles":                                            "/api/v1/bundles?supplier=" + sp,
		"GET /api/v1/bundles/{bundle}":                                    "/api/v1/bundles/" + bn,
		"PUT /api/v1/repositories/{repo}/schedule":                        "/api/v1/repositories/" + r + "/schedule",
		"POST /repositories/{repo}/schedule":                              "/repositories/" + r + "/schedule",
		"GET /suppliers":                                                  "/suppliers",
		"POST /suppliers":                                                 "/suppliers",
		"POST /policy":                                                    "/policy",
		"POST /bundles":                                                   "/bundles",
		"GET /bundles/{bundle}":                                           "/bundles/" + bn,
	}
}

// TestAuthorisationMatrix sends every route as no one, as each role of the
// owning organisation, and as an admin of another organisation.
func TestAuthorisationMatrix(t *testing.T) {
	fx := newFixture(t, backends[0])
	paths := samplePaths(fx)
	viewerTok := fx.userToken("v", RoleViewer)
	memberTok := fx.userToken("m", RoleMember)
	rivalTok := fx.otherOrgToken()
	for _, rt := range fx.srv.routes {
		key := rt.Method + " " + rt.Pattern
		path, ok := paths[key]
		if !ok {
			t.Errorf("route %s has no entry in the authorisation matrix", key)
			continue
		}
		need := rt.Access.role()
		if need == "" {
			continue
		}
		t.Run(key, func(t *testing.T) {
			// Nobody.
			status, _, _ := fx.do(rt.Method, path, "", nil)
			wantAnon := http.StatusUnauthorized
			if rt.Access.ui() && rt.Method == http.MethodGet {
				wantAnon = http.StatusSeeOther
			}
			if status != wantAnon {
				t.Errorf("anonymous = %d, want %d", status, wantAnon)
			}
			// Roles below the one required.
			for _, c := range []struct {
				role Role
				tok  string
			}{{RoleViewer, viewerTok}, {RoleMember, memberTok}} {
				if c.role.can(need) {
					continue
				}
				if status, body, _ := fx.do(rt.Method, path, c.tok, nil); status != http.StatusForbidden {
					t.Errorf("%s = %d, want 403: %.200s", c.role, status, body)
				}
			}
			// Another organisation's admin, on routes naming our data.
			// A query naming an id (?supplier=) counts as naming our data.
			if strings.Contains(strings.TrimSuffix(rt.Pattern, "{$}"), "{") || strings.Contains(path, "?") {
				if status, body, _ := fx.do(rt.Method, path, rivalTok, nil); status != http.StatusNotFound {
					t.Errorf("another organisation = %d, want 404: %.200s", status, body)
				}
			}
		})
	}
	for key := range paths {
		found := false
		for _, rt := range fx.srv.routes {
			found = found || rt.Method+" "+rt.Pattern == key
		}
		if !found {
			t.Errorf("matrix entry %s names no route", key)
		}
	}
}
