package forge

import "net/http"

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
