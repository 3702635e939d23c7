package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

const openAPIURL = "https://assay.invalid/openapi.json"

type openAPIDoc struct {
	OpenAPI string                                `json:"openapi"`
	Paths   map[string]map[string]json.RawMessage `json:"paths"`
}

// TestOpenAPI checks that the document lists exactly the API routes, with
// the role each needs, and that real responses match its schemas.
func TestOpenAPI(t *testing.T) {
	fx := newFixture(t, backends[0])
	status, body, _ := fx.do("GET", "/api/v1/openapi.json", "", nil)
	if status != http.StatusOK {
		t.Fatalf("GET openapi.json = %d", status)
	}
	var doc openAPIDoc
	if err := json.Unmarshal(body, &doc); err != nil || doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi.json: %v (version %q)", err, doc.OpenAPI)
	}
	roles := map[access]string{public: "none", viewer: "viewer", member: "member", admin: "admin"}
	seen := map[string]bool{}
	for _, rt := range fx.srv.routes {
		if !strings.HasPrefix(rt.Pattern, "/api/v1/") {
			continue
		}
		key := strings.ToLower(rt.Method) + " " + rt.Pattern
		seen[key] = true
		raw, ok := doc.Paths[rt.Pattern][strings.ToLower(rt.Method)]
		if !ok {
			t.Errorf("route %s is not in openapi.json", key)
			continue
		}
		var op struct {
			Role string `json:"x-assay-role"`
		}
		if err := json.Unmarshal(raw, &op); err != nil || op.Role != roles[rt.Access] {
			t.Errorf("%s: x-assay-role %q, want %q (%v)", key, op.Role, roles[rt.Access], err)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !seen[method+" "+path] {
				t.Errorf("openapi.json lists %s %s, which no route serves", method, path)
			}
		}
	}

	for key, path := range samplePaths(fx) {
		method, pattern, _ := strings.Cut(key, " ")
		if method != "GET" || !strings.HasPrefix(pattern, "/api/v1/") || strings.HasSuffix(pattern, "/report") || strings.Contains(pattern, "{token}") || pattern == "/api/v1/openapi.json" {
			continue
		}
		status, body, _ := fx.do("GET", path, fx.admin, nil)
		if status != http.StatusOK {
			t.Errorf("GET %s = %d", path, status)
			continue
		}
		checkResponse(t, "GET", pattern, 200, body)
	}
}

// checkResponse validates a response body against the schema openapi.json
// gives the operation's status.
func checkResponse(t *testing.T, method, pattern string, status int, body []byte) {
	t.Helper()
	c := jsonschema.NewCompiler()
	res, err := jsonschema.UnmarshalJSON(bytes.NewReader(openAPI))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource(openAPIURL, res); err != nil {
		t.Fatal(err)
	}
	pointer := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1") }
	sch, err := c.Compile(fmt.Sprintf("%s#/paths/%s/%s/responses/%d/content/application~1json/schema", openAPIURL, pointer(pattern), strings.ToLower(method), status))
	if err != nil {
		t.Errorf("%s %s: compile schema: %v", method, pattern, err)
		return
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("%s %s does not match openapi.json: %v\n%s", method, pattern, err, body)
	}
}
