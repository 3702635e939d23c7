package gitlab

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestMessage: refusals read as GitLab's own clients print them, so reasons
// stay what earlier releases showed.
func TestMessage(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"object", 403, `{"message":"403 Forbidden"}`, "{message: 403 Forbidden}"},
		{"nested_sorted", 400, `{"message":{"name":["is taken","is short"]},"error":"bad"}`, "{error: bad}, {message: {name: [is taken, is short]}}"},
		{"string", 401, `"401 Unauthorized"`, "401 Unauthorized"},
		{"not_json", 500, `<html>oops</html>`, "failed to parse unknown error format: <html>oops</html>"},
		{"empty", 403, ``, ""},
		{"not_found_says_only_that", 404, `{"message":"404 Project Not Found"}`, "404 Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := message(tt.status, []byte(tt.body)); got != tt.want {
				t.Errorf("message(%d, %s) = %q; want %q", tt.status, tt.body, got, tt.want)
			}
		})
	}
}

func TestNewClient_AddsAPIPath(t *testing.T) {
	for _, base := range []string{"/", "/api/v4", "/api/v4/", "/gitlab/", "/gitlab/api/v4/"} {
		var got string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = r.URL.EscapedPath()
			w.Write([]byte(`{}`))
		}))
		c, err := newClient(srv.Client(), srv.URL+base)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Get(t.Context(), "projects/"+escape("acme/my.tool"), nil, &struct{}{}); err != nil {
			t.Fatal(err)
		}
		srv.Close()
		want := "/api/v4/projects/acme%2Fmy%2Etool"
		if base == "/gitlab/" || base == "/gitlab/api/v4/" {
			want = "/gitlab" + want
		}
		if got != want {
			t.Errorf("base %q: request path %q; want %q", base, got, want)
		}
	}
}

func TestDate(t *testing.T) {
	var got struct {
		A, B, C *date
	}
	if err := json.Unmarshal([]byte(`{"A":"2026-03-01","B":"2026-03-01T10:00:00Z","C":null}`), &got); err != nil {
		t.Fatal(err)
	}
	want := []time.Time{time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	if diff := cmp.Diff(want, []time.Time{time.Time(*got.A), time.Time(*got.B)}); diff != "" || got.C != nil {
		t.Errorf("dates mismatch (-want +got):\n%s (C=%v)", diff, got.C)
	}
	var bad struct{ D date }
	if err := json.Unmarshal([]byte(`{"D":"March"}`), &bad); err == nil {
		t.Error("a non-date decoded")
	}
}
