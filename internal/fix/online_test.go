package fix

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/forge"
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
	t.Setenv("ASSAY_TEST_GH_TOKEN", "tok")
	r := GitHubResolver(context.Background(), forge.Config{GitHubAPI: srv.URL + "/api/v3/", GitHubTokenEnv: "ASSAY_TEST_GH_TOKEN", NoCache: true}, false)
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

// Offline, the resolver answers from the forge cache an online run filled,
// never from the network, and leaves what the cache lacks unresolved.
func TestGitHubResolver_CacheOnly(t *testing.T) {
	sha := strings.Repeat("a", 40)
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.URL.Path != "/repos/acme/tool/commits/v1" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", `"x"`)
		w.Write([]byte(sha))
	}))
	defer srv.Close()
	fc := forge.Config{GitHubAPI: srv.URL, GitHubTokenEnv: "ASSAY_TEST_NO_TOKEN", CacheDir: t.TempDir()}
	src := "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: acme/tool@v1\n      - uses: acme/other@v2\n"
	if _, _, err := Pin("w.yml", []byte(src), GitHubResolver(context.Background(), fc, false)); err != nil {
		t.Fatal(err)
	}
	online := calls
	c, ok, err := Pin("w.yml", []byte(src), GitHubResolver(context.Background(), fc, true))
	if err != nil || !ok {
		t.Fatalf("cache-only Pin: ok=%v err=%v", ok, err)
	}
	if calls != online {
		t.Errorf("cache-only resolver made %d network calls", calls-online)
	}
	if !strings.Contains(string(c.New), "acme/tool@"+sha+" # v1") || !strings.Contains(string(c.New), "acme/other@v2\n") {
		t.Errorf("cache-only pinning:\n%s", c.New)
	}
	if d := cmp.Diff([]string{"could not resolve acme/other@v2 (line 7) to a commit SHA; add it to the pin file or run with --online"}, c.Notes); d != "" {
		t.Error(d)
	}
}
