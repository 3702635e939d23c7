package forge

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/assaysec/assay/internal/lazyre"
)

// Forge kinds.
const (
	GitHub = "github"
	GitLab = "gitlab"
)

// Subject is the repository being assessed on a forge.
type Subject struct {
	Kind   string // GitHub or GitLab
	Host   string // web host: "github.com", "gitlab.example.com"
	Path   string // "OWNER/NAME" or "GROUP/SUB/PROJECT"
	APIURL string // REST base URL ending in "/"
	// Trusted is true when the API host came from the user (flag or
	// environment) or is a public forge: only then is the token sent.
	Trusted bool
	From    string // where the subject came from: "--repo", "assay.yaml", "git remote origin"
}

// String is "host/path".
func (s Subject) String() string { return s.Host + "/" + s.Path }

// Owner is the first path segment (GitHub owner, GitLab top-level group).
func (s Subject) Owner() string {
	o, _, _ := strings.Cut(s.Path, "/")
	return o
}

// Name is the last path segment.
func (s Subject) Name() string {
	return s.Path[strings.LastIndex(s.Path, "/")+1:]
}

// WebURL is the repository's page.
func (s Subject) WebURL() string { return "https://" + s.Host + "/" + s.Path }

// Settings are the trusted inputs for resolving a subject: flags and
// environment, never files from the scanned tree.
type Settings struct {
	Repo         string // --repo
	GitHubAPI    string // --github-api-url: used for any GitHub subject
	GitLabAPI    string // --gitlab-api-url: used for any GitLab subject
	GitHubAPIEnv string // GITHUB_API_URL: used when it serves the subject's host
	GitLabAPIEnv string // CI_API_V4_URL: used when it serves the subject's host
}

// Declared are the untrusted hints from the scanned tree: assay.yaml's forge
// section and the clone's remote URL.
type Declared struct {
	Repo      string // forge.repo in assay.yaml
	Type      string // forge.type in assay.yaml
	RemoteURL string // remote "origin" (or the only remote) in .git/config
}

var (
	segment   = lazyre.New(`^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,99}$`)
	hostRE    = lazyre.New(`^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$`)
	scpLikeRE = lazyre.New(`^[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):(.+)$`)
)

// ErrNoSubject means no repository could be determined.
var ErrNoSubject = errors.New("no forge repository to assess")

// Resolve decides the subject: --repo first, then assay.yaml, then the
// remote. Repositories on hosts other than github.com and gitlab.com are
// accepted only when the user named that host's API (flag or environment),
// because the tree is untrusted and must not steer requests, let alone the
// token, to a host of its choosing.
func Resolve(set Settings, decl Declared) (Subject, error) {
	var raw, from string
	switch {
	case set.Repo != "":
		raw, from = set.Repo, "--repo"
	case decl.Repo != "":
		raw, from = decl.Repo, "assay.yaml forge.repo"
	case decl.RemoteURL != "":
		raw, from = decl.RemoteURL, "git remote"
	default:
		return Subject{}, fmt.Errorf("%w: pass --repo github.com/OWNER/NAME or gitlab.example.com/GROUP/PROJECT, or assess a clone with a remote", ErrNoSubject)
	}
	host, path, err := ParseRepo(raw)
	if err != nil {
		return Subject{}, fmt.Errorf("%s: %w", from, err)
	}
	// The declaration lives in the repository being assessed, so it must not
	// point forge evidence at some other, better-configured repository: when
	// the clone has a remote, the declared repository must be that remote.
	// Only the user, with --repo, may assess another one.
	if from == "assay.yaml forge.repo" && decl.RemoteURL != "" {
		if rh, rp, err := ParseRepo(decl.RemoteURL); err == nil && !(strings.EqualFold(rh, host) && strings.EqualFold(rp, path)) {
			return Subject{}, fmt.Errorf("%w: assay.yaml forge.repo names %s/%s but the clone's remote is %s/%s; pass --repo to assess another repository", ErrNoSubject, host, path, rh, rp)
		}
	}
	s := Subject{Host: host, Path: path, From: from}
	ghAPI, glAPI := set.GitHubAPI, set.GitLabAPI
	if ghAPI == "" && matchesHost(set.GitHubAPIEnv, host) {
		ghAPI = set.GitHubAPIEnv
	}
	if glAPI == "" && matchesHost(set.GitLabAPIEnv, host) {
		glAPI = set.GitLabAPIEnv
	}
	kind := strings.ToLower(decl.Type)
	switch {
	case strings.EqualFold(host, "github.com"):
		kind = GitHub
	case strings.EqualFold(host, "gitlab.com"):
		kind = GitLab
	case kind != "":
	case ghAPI != "" && glAPI == "":
		kind = GitHub
	case glAPI != "" && ghAPI == "":
		kind = GitLab
	case strings.Contains(host, "gitlab"):
		kind = GitLab
	case strings.Contains(host, "github"):
		kind = GitHub
	}
	s.Kind = kind
	switch {
	case kind == GitHub && ghAPI != "":
		s.APIURL = normalizeAPI(ghAPI)
	case kind == GitLab && glAPI != "":
		s.APIURL = normalizeAPI(glAPI)
	case kind == GitHub && host == "github.com":
		s.APIURL = "https://api.github.com/"
	case kind == GitLab && host == "gitlab.com":
		s.APIURL = "https://gitlab.com/api/v4/"
	case kind == GitLab:
		return Subject{}, fmt.Errorf("%s names %s, a self-managed GitLab: Assay contacts it only when you name its API with --gitlab-api-url https://%s/api/v4 (or CI_API_V4_URL)", from, host, host)
	case kind == GitHub:
		return Subject{}, fmt.Errorf("%s names %s, a GitHub Enterprise Server: Assay contacts it only when you name its API with --github-api-url https://%s/api/v3 (or GITHUB_API_URL)", from, host, host)
	default:
		return Subject{}, fmt.Errorf("%s names %s: not github.com or gitlab.com; set forge.type in assay.yaml and name its API with --github-api-url or --gitlab-api-url", from, host)
	}
	s.Trusted = true
	if err := checkAPIURL(s.APIURL); err != nil {
		return Subject{}, err
	}
	if s.Kind == GitHub && strings.Count(s.Path, "/") != 1 {
		return Subject{}, fmt.Errorf("%s: %q: a GitHub repository is OWNER/NAME", from, s.Path)
	}
	return s, nil
}

// ParseRepo reads "host/owner/name", an https URL or an scp-like or ssh git
// URL, and returns the host and the repository path without ".git".
func ParseRepo(raw string) (host, path string, err error) {
	raw = strings.TrimSpace(raw)
	if len(raw) > 1024 {
		return "", "", errors.New("repository reference too long")
	}
	switch {
	case strings.Contains(raw, "://"):
		u, perr := url.Parse(raw)
		if perr != nil {
			return "", "", fmt.Errorf("parse repository URL: %w", perr)
		}
		switch u.Scheme {
		case "https", "http", "ssh", "git":
		default:
			return "", "", fmt.Errorf("repository URL scheme %q: want https or ssh", u.Scheme)
		}
		host, path = u.Hostname(), u.Path
		if u.Scheme == "https" || u.Scheme == "http" {
			if p := u.Port(); p != "" {
				host = u.Host
			}
		}
	case scpLikeRE.MatchString(raw):
		m := scpLikeRE.FindStringSubmatch(raw)
		host, path = m[1], m[2]
	default:
		host, path, _ = strings.Cut(raw, "/")
	}
	path = strings.Trim(path, "/")
	path = strings.TrimSuffix(path, ".git")
	host = strings.ToLower(host)
	if !hostRE.MatchString(host) {
		return "", "", fmt.Errorf("%q: want HOST/OWNER/NAME such as github.com/acme/widget", raw)
	}
	parts := strings.Split(path, "/")
	if len(parts) < 2 || len(parts) > 20 {
		return "", "", fmt.Errorf("%q: want HOST/OWNER/NAME such as github.com/acme/widget", raw)
	}
	for _, p := range parts {
		if !segment.MatchString(p) || p == "." || p == ".." || strings.HasSuffix(p, ".") && p != parts[len(parts)-1] {
			return "", "", fmt.Errorf("%q: path segment %q is not a valid owner, group or repository name", raw, p)
		}
	}
	return host, strings.Join(parts, "/"), nil
}

// apiHost is the host of an API URL, lowercased.
func apiHost(api string) string {
	if api == "" {
		return ""
	}
	u, err := url.Parse(api)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// matchesHost reports whether an API URL serves the forge at host: the same
// host ("ghe.example.com/api/v3", "gitlab.example.com/api/v4") or its api.
// subdomain ("api.github.example.com").
func matchesHost(api, host string) bool {
	h := apiHost(api)
	if host == "github.com" && h == "api.github.com" {
		return true
	}
	return h != "" && (h == host || h == "api."+host)
}

func normalizeAPI(api string) string {
	if !strings.HasSuffix(api, "/") {
		api += "/"
	}
	return api
}

// checkAPIURL refuses plain http except to the loopback interface: the token
// would cross the network in clear.
func checkAPIURL(api string) error {
	u, err := url.Parse(api)
	if err != nil || u.Host == "" {
		return fmt.Errorf("API URL %q: want https://HOST/PATH", RedactURL(api))
	}
	if u.User != nil {
		return fmt.Errorf("API URL %q: credentials in the URL are refused; use the token variable", RedactURL(api))
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if ip := net.ParseIP(u.Hostname()); (ip != nil && ip.IsLoopback()) || u.Hostname() == "localhost" {
			return nil
		}
		return fmt.Errorf("API URL %q: plain http would send the token in clear; use https", api)
	}
	return fmt.Errorf("API URL %q: want https", api)
}
