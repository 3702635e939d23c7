package forge

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeFile(p string, b []byte) error { return os.WriteFile(p, b, 0o600) }

func TestParseRepo(t *testing.T) {
	cases := []struct {
		in, host, path, err string
	}{
		{in: "github.com/acme/widget", host: "github.com", path: "acme/widget"},
		{in: "https://github.com/acme/widget.git", host: "github.com", path: "acme/widget"},
		{in: "git@github.com:acme/widget.git", host: "github.com", path: "acme/widget"},
		{in: "ssh://git@gitlab.example.com:2222/grp/sub/proj.git", host: "gitlab.example.com", path: "grp/sub/proj"},
		{in: "https://gitlab.example.com:8443/grp/proj", host: "gitlab.example.com:8443", path: "grp/proj"},
		{in: "GitHub.com/Acme/Widget/", host: "github.com", path: "Acme/Widget"},
		{in: "github.com/acme", err: "want HOST/OWNER/NAME"},
		{in: "github.com/acme/../etc", err: "not a valid"},
		{in: "file:///etc/passwd", err: "scheme"},
		{in: "github.com/acme/wid get", err: "not a valid"},
		{in: "", err: "want HOST/OWNER/NAME"},
	}
	for _, tc := range cases {
		host, path, err := ParseRepo(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseRepo(%q) err = %v; want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || host != tc.host || path != tc.path {
			t.Errorf("ParseRepo(%q) = %q, %q, %v; want %q, %q", tc.in, host, path, err, tc.host, tc.path)
		}
	}
}

func TestResolve(t *testing.T) {
	cases := []struct {
		name string
		set  Settings
		decl Declared
		want Subject
		err  string
	}{
		{name: "flag wins over remote", set: Settings{Repo: "github.com/a/b"}, decl: Declared{RemoteURL: "git@gitlab.com:x/y.git"},
			want: Subject{Kind: GitHub, Host: "github.com", Path: "a/b", APIURL: "https://api.github.com/", Trusted: true, From: "--repo"}},
		{name: "remote on gitlab.com", decl: Declared{RemoteURL: "https://gitlab.com/grp/sub/proj.git"},
			want: Subject{Kind: GitLab, Host: "gitlab.com", Path: "grp/sub/proj", APIURL: "https://gitlab.com/api/v4/", Trusted: true, From: "git remote"}},
		{name: "GHES from GITHUB_API_URL", set: Settings{GitHubAPIEnv: "https://ghe.example.com/api/v3"}, decl: Declared{RemoteURL: "https://ghe.example.com/o/r"},
			want: Subject{Kind: GitHub, Host: "ghe.example.com", Path: "o/r", APIURL: "https://ghe.example.com/api/v3/", Trusted: true, From: "git remote"}},
		{name: "self-managed GitLab from CI_API_V4_URL", set: Settings{GitLabAPIEnv: "https://gl.corp.example/api/v4"}, decl: Declared{Repo: "gl.corp.example/g/p"},
			want: Subject{Kind: GitLab, Host: "gl.corp.example", Path: "g/p", APIURL: "https://gl.corp.example/api/v4/", Trusted: true, From: "assay.yaml forge.repo"}},
		{name: "env for another host is ignored", set: Settings{GitLabAPIEnv: "https://gl.corp.example/api/v4"}, decl: Declared{RemoteURL: "https://gitlab.evil.example/g/p"},
			err: "only when you name its API with --gitlab-api-url"},
		{name: "tree cannot pick a host", decl: Declared{Repo: "attacker.example/o/r", Type: "github"},
			err: "only when you name its API with --github-api-url"},
		{name: "plain http refused off loopback", set: Settings{Repo: "ghe.example.com/o/r", GitHubAPI: "http://ghe.example.com/api/v3"},
			err: "plain http"},
		{name: "GitHub path must be two segments", set: Settings{Repo: "github.com/a/b/c"}, err: "OWNER/NAME"},
		{name: "nothing to go on", err: "--repo"},
		{name: "declaration cannot borrow another repository", decl: Declared{Repo: "github.com/kubernetes/kubernetes", RemoteURL: "git@github.com:vendor/app.git"},
			err: "forge.repo names github.com/kubernetes/kubernetes but the clone's remote is github.com/vendor/app"},
		{name: "declaration matching the remote", decl: Declared{Repo: "github.com/Vendor/App", RemoteURL: "https://github.com/vendor/app.git"},
			want: Subject{Kind: GitHub, Host: "github.com", Path: "Vendor/App", APIURL: "https://api.github.com/", Trusted: true, From: "assay.yaml forge.repo"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Resolve(tc.set, tc.decl)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("err = %v; want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParseRepo(f *testing.F) {
	for _, s := range []string{"github.com/a/b", "git@h:a/b.git", "ssh://git@h:22/a/b/c", "https://h:1/a/b", "h/../b", "h/a/b\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		host, path, err := ParseRepo(s)
		if err != nil {
			return
		}
		if host == "" || strings.Contains(path, "..") && strings.Contains("/"+path+"/", "/../") || strings.ContainsAny(path, " \x00\n") {
			t.Errorf("ParseRepo(%q) = %q, %q", s, host, path)
		}
	})
}

func FuzzResolve(f *testing.F) {
	f.Add("github.com/a/b", "https://ghe.x/api/v3", "git@gitlab.com:g/p.git")
	f.Fuzz(func(t *testing.T, repo, api, remote string) {
		s, err := Resolve(Settings{Repo: repo, GitHubAPIEnv: api}, Declared{RemoteURL: remote})
		if err != nil {
			return
		}
		// A resolved subject always has an API URL from a public forge or
		// from the user, never one derived from the tree alone.
		if !strings.HasPrefix(s.APIURL, "https://api.github.com/") && !strings.HasPrefix(s.APIURL, "https://gitlab.com/") && !strings.HasPrefix(s.APIURL, api) {
			t.Errorf("Resolve(%q, %q, %q) chose API %q", repo, api, remote, s.APIURL)
		}
	})
}
