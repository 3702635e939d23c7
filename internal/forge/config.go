package forge

import (
	"net/http"
	"os"
	"strings"
)

// Config is what the command line gives the forge collector: trusted
// settings only (flags and the environment), never files from the tree.
type Config struct {
	Repo           string // --repo
	GitHubAPI      string // --github-api-url
	GitLabAPI      string // --gitlab-api-url
	GitHubAPIEnv   string // GITHUB_API_URL, as GitHub Actions sets it
	GitLabAPIEnv   string // CI_API_V4_URL, as GitLab CI sets it
	GitHubTokenEnv string // name of the variable holding the GitHub token; "" means GITHUB_TOKEN, then GH_TOKEN
	GitLabTokenEnv string // name of the variable holding the GitLab token; "" means GITLAB_TOKEN
	CacheDir       string // --cache-dir; "" means DefaultCacheDir
	NoCache        bool
	// Transport replaces the network, for tests.
	Transport http.RoundTripper
}

// Token is the API token for a forge of kind (GitHub or GitLab) from the
// variable the settings name, or the conventional ones, and the name of
// the variable it came from (or the names tried, when none is set).
func (c Config) Token(kind string) (token, name string) {
	names := []string{"GITHUB_TOKEN", "GH_TOKEN"}
	switch {
	case kind == GitHub && c.GitHubTokenEnv != "":
		names = []string{c.GitHubTokenEnv}
	case kind == GitLab && c.GitLabTokenEnv != "":
		names = []string{c.GitLabTokenEnv}
	case kind == GitLab:
		names = []string{"GITLAB_TOKEN"}
	}
	for _, n := range names {
		if v := strings.TrimSpace(os.Getenv(n)); v != "" {
			return v, n
		}
	}
	return "", strings.Join(names, " and ")
}

// OpenCache opens the answer cache the settings name (CacheDir, else the
// user cache directory), or nil when caching is off or impossible: no
// cache costs only API budget.
func (c Config) OpenCache() *Cache {
	if c.NoCache {
		return nil
	}
	dir := c.CacheDir
	if dir == "" {
		dir, _ = DefaultCacheDir()
	}
	if dir == "" {
		return nil
	}
	cache, err := OpenCache(dir, nil)
	if err != nil {
		return nil
	}
	return cache
}

// GitHubAPIURL is the GitHub REST API the settings point at: the flag,
// then GITHUB_API_URL, then "" for api.github.com.
func (c Config) GitHubAPIURL() string {
	if c.GitHubAPI != "" {
		return c.GitHubAPI
	}
	return c.GitHubAPIEnv
}
