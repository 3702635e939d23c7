package fix

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGitHubResolver(t *testing.T) {
	sha := strings.Repeat("e", 40)
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if got := r.Header.Get("Authorization"); got != "Bearer tok" {
			t.Errorf("Authorization = %q", got)
		}
		switch r.URL.Path {
		case "/api/v3/repos/acme/tool/commits/v1.2":
			w.Write([]byte(sha))
		default:
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
		}
	}))
	defer srv.Close()
	r := GitHubResolver(context.Background(), srv.URL+"/api/v3/", "tok", nil, nil)
	src := "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: acme/tool/sub@v1.2\n      - uses: acme/tool@v1.2\n      - uses: acme/gone@v9\n"
	c, ok, err := Pin("w.yml", []byte(src), r)
	if err != nil || !ok {
		t.Fatalf("Pin: ok=%v err=%v", ok, err)
	}
	want := "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: acme/tool/sub@" + sha + " # v1.2\n      - uses: acme/tool@" + sha + " # v1.2\n      - uses: acme/gone@v9\n"
	if d := cmp.Diff(want, string(c.New)); d != "" {
		t.Error(d)
	}
	if d := cmp.Diff([]string{"could not resolve acme/gone@v9 (line 8) to a commit SHA; add it to the pin file or run with --online"}, c.Notes); d != "" {
		t.Error(d)
	}
	if calls != 2 {
		t.Errorf("%d API calls, want 2 (one per repository and ref)", calls)
	}
}
