package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	gitserver "github.com/go-git/go-git/v5/plumbing/transport/server"

	"github.com/assaysec/assay/internal/fleet"
)

// serveFileRemotes makes file:// remotes go through go-git's in-process
// server, so the tests run no git binary.
func serveFileRemotes(t *testing.T) {
	prev := client.Protocols["file"]
	client.InstallProtocol("file", gitserver.DefaultServer)
	t.Cleanup(func() { client.InstallProtocol("file", prev) })
}

// upstream is a repository we commit to, standing in for a forge.
type upstream struct {
	t    *testing.T
	dir  string
	repo *git.Repository
}

func newUpstream(t *testing.T) *upstream {
	dir := t.TempDir()
	r, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	return &upstream{t: t, dir: dir, repo: r}
}

// url is the upstream's file:// remote: its .git directory, which is what
// go-git's in-process server reads.
func (u *upstream) url() string { return "file://" + filepath.Join(u.dir, ".git") }

// commit writes files (empty content removes one) and commits them.
func (u *upstream) commit(files map[string]string) string {
	u.t.Helper()
	wt, err := u.repo.Worktree()
	if err != nil {
		u.t.Fatal(err)
	}
	for name, data := range files {
		p := filepath.Join(u.dir, name)
		if data == "" {
			if _, err := wt.Remove(name); err != nil {
				u.t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			u.t.Fatal(err)
		}
		if _, err := wt.Add(name); err != nil {
			u.t.Fatal(err)
		}
	}
	h, err := wt.Commit("change", &git.CommitOptions{Author: &object.Signature{Name: "t", Email: "t@example.com", When: t0}})
	if err != nil {
		u.t.Fatal(err)
	}
	return h.String()
}

func TestGitCacheCloneAndFetch(t *testing.T) {
	serveFileRemotes(t)
	up := newUpstream(t)
	up.commit(map[string]string{"SECURITY.md": "report to security@example.com\n", "README.md": "# x\n"})
	c := &GitCache{Dir: t.TempDir(), allowFile: true}
	remote := up.url()
	ctx := context.Background()

	dir, err := c.Sync(ctx, remote)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "SECURITY.md")); err != nil {
		t.Errorf("clone lacks SECURITY.md: %v", err)
	}
	second := up.commit(map[string]string{"SECURITY.md": ""})
	again, err := c.Sync(ctx, remote)
	if err != nil {
		t.Fatal(err)
	}
	if again != dir {
		t.Errorf("second sync used %s, want the cached %s", again, dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "SECURITY.md")); !os.IsNotExist(err) {
		t.Errorf("fetch did not remove SECURITY.md: %v", err)
	}
	r, _ := git.PlainOpen(dir)
	if head, _ := r.Head(); head == nil || head.Hash().String() != second {
		t.Errorf("HEAD = %v, want %s", head, second)
	}
	if hooks, _ := os.ReadDir(filepath.Join(dir, ".git", "hooks")); len(hooks) != 0 {
		t.Errorf("the checkout has hooks: %v", hooks)
	}

	small := &GitCache{Dir: t.TempDir(), allowFile: true, MaxRepoBytes: 64}
	if _, err := small.Sync(ctx, remote); err == nil || !strings.Contains(err.Error(), "larger than the limit") || !fleet.IsPermanent(err) {
		t.Errorf("oversized sync error = %v, want a permanent size error", err)
	}
	if entries, _ := os.ReadDir(small.Dir); len(entries) != 0 {
		t.Errorf("an oversized checkout was kept: %v", entries)
	}
}

func TestGitCacheEviction(t *testing.T) {
	serveFileRemotes(t)
	a, b := newUpstream(t), newUpstream(t)
	a.commit(map[string]string{"a.txt": strings.Repeat("a", 4000)})
	b.commit(map[string]string{"b.txt": strings.Repeat("b", 4000)})
	c := &GitCache{Dir: t.TempDir(), allowFile: true, MaxTotalBytes: 6000}
	da, err := c.Sync(t.Context(), a.url())
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	_ = os.Chtimes(da, old, old)
	db, err := c.Sync(t.Context(), b.url())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(da); !os.IsNotExist(err) {
		t.Errorf("the least recently used checkout survived: %v", err)
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("the newest checkout was evicted: %v", err)
	}
}

func TestGitCacheCheckURL(t *testing.T) {
	c := &GitCache{}
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "https://GitHub.com/org/repo.git", want: "https://github.com/org/repo.git"},
		{in: "http://github.com/org/repo", wantErr: "only https"},
		{in: "ssh://git@github.com/org/repo", wantErr: "only https"},
		{in: "file:///etc", wantErr: "only https"},
		{in: "https://user:hunter2@github.com/org/repo", wantErr: "credentials"},
		{in: "https://github.com/org/repo?x=1", wantErr: "without query"},
		{in: "https://127.0.0.1/repo", wantErr: "refusing"},
		{in: "https://10.1.2.3/repo", wantErr: "refusing"},
		{in: "https://169.254.169.254/latest", wantErr: "refusing"},
		{in: "https://[::1]/repo", wantErr: "refusing"},
		{in: "https:///repo", wantErr: "want https://HOST"},
		{in: "https://h/" + strings.Repeat("x", maxURL), wantErr: "longer than"},
	}
	for _, tt := range tests {
		got, err := c.CheckURL(tt.in)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("CheckURL(%.60q) error = %v, want %q", tt.in, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("CheckURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("CheckURL error shows the password: %v", err)
		}
	}
	if _, err := (&GitCache{AllowPrivate: true}).CheckURL("https://10.1.2.3/repo"); err != nil {
		t.Errorf("AllowPrivate still refuses: %v", err)
	}
}

// TestSafeDialerRefusesLoopback checks the address actually dialled, which
// a DNS answer or a redirect cannot get around.
func TestSafeDialerRefusesLoopback(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer hs.Close()
	addr := strings.TrimPrefix(hs.URL, "http://")
	if _, err := safeDialer(false).DialContext(t.Context(), "tcp", addr); !errors.Is(err, errRefusedAddress) {
		t.Errorf("dial %s = %v, want refused", addr, err)
	}
	conn, err := safeDialer(true).DialContext(t.Context(), "tcp", addr)
	if err != nil {
		t.Fatalf("with AllowPrivate: %v", err)
	}
	conn.Close()
}

// TestGitURLRepository registers a repository by URL, assesses it through
// the cache twice and sees the diff after SECURITY.md is removed upstream.
func TestGitURLRepository(t *testing.T) {
	serveFileRemotes(t)
	up := newUpstream(t)
	up.commit(map[string]string{"SECURITY.md": "report to security@example.com\n", "COMMIT": "1111111\n"})
	e := newEnv(t, backends[0])
	cache := &GitCache{Dir: t.TempDir(), allowFile: true}
	e.srv.cfg.Git = cache
	var prod Product
	e.must("POST", "/api/v1/products", e.admin, map[string]string{"name": "Remote"}, http.StatusCreated, &prod)
	var added struct{ Repository Repository }
	e.must("POST", fmt.Sprintf("/api/v1/products/%d/repositories", prod.ID), e.admin,
		map[string]any{"path": up.url(), "enqueue": true}, http.StatusCreated, &added)
	work := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := e.fleet.Queue.Work(ctx, fleet.WorkOptions{Workers: 1, UntilEmpty: true, Assess: cache.Assessor(fakeAssess), PollEvery: 20 * time.Millisecond}); err != nil {
			t.Fatal(err)
		}
	}
	work()
	up.commit(map[string]string{"SECURITY.md": "", "COMMIT": "2222222\n"})
	e.must("POST", fmt.Sprintf("/api/v1/repositories/%d/assessments", added.Repository.ID), e.admin, nil, http.StatusAccepted, nil)
	work()
	var d Diff
	e.must("GET", fmt.Sprintf("/api/v1/repositories/%d/diff", added.Repository.ID), e.admin, nil, http.StatusOK, &d)
	if len(d.Changes) != 1 || d.Changes[0].Summary != "3.2.1 met -> not_met: SECURITY.md removed in 2222222" {
		t.Errorf("diff = %+v", d)
	}
}

// FuzzCheckURL: whatever CheckURL accepts is an https URL without
// credentials whose host is no loopback, private or link-local literal,
// and accepting is stable on its own output.
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{"https://github.com/o/r", "https://u:p@h/x", "https://[::ffff:127.0.0.1]/x", "https://0x7f.1/x", "HTTPS://H/X", "https://h/%00"} {
		f.Add(s)
	}
	c := &GitCache{}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := c.CheckURL(s)
		if err != nil {
			return
		}
		u, perr := url.Parse(got)
		if perr != nil || u.Scheme != "https" || u.User != nil || u.Host == "" {
			t.Fatalf("CheckURL(%q) accepted %q", s, got)
		}
		if ip := net.ParseIP(u.Hostname()); ip != nil && !publicIP(ip) {
			t.Fatalf("CheckURL(%q) accepted a private address %q", s, got)
		}
		if again, err := c.CheckURL(got); err != nil || again != got {
			t.Fatalf("CheckURL(%q) = %q, %v; want it unchanged", got, again, err)
		}
	})
}
