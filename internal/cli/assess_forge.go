package cli

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/engine"
	"github.com/assaysec/assay/internal/forge"
)

// bindForgeFlags adds the forge source's flags. Tokens are named by
// variable, never passed as values, so they stay out of shell history and
// process listings.
func bindForgeFlags(cmd *cobra.Command, fc *forge.Config) {
	fl := cmd.Flags()
	fl.StringVar(&fc.Repo, "repo", "", "forge repository to read settings from with --online: github.com/`OWNER/NAME` or gitlab.example.com/GROUP/PROJECT (default: the clone's remote)")
	fl.StringVar(&fc.GitHubAPI, "github-api-url", "", "GitHub REST API `URL` for GitHub Enterprise Server, e.g. https://ghe.example.com/api/v3 (default $GITHUB_API_URL when it serves the repository)")
	fl.StringVar(&fc.GitLabAPI, "gitlab-api-url", "", "GitLab REST API `URL` for self-managed GitLab, e.g. https://gitlab.example.com/api/v4 (default $CI_API_V4_URL when it serves the project)")
	fl.StringVar(&fc.GitHubTokenEnv, "github-token-env", "", "environment `VARIABLE` holding the GitHub token (default GITHUB_TOKEN, then GH_TOKEN)")
	fl.StringVar(&fc.GitLabTokenEnv, "gitlab-token-env", "", "environment `VARIABLE` holding the GitLab token (default GITLAB_TOKEN)")
	fl.StringVar(&fc.CacheDir, "cache-dir", "", "`DIR` for cached forge API answers, revalidated with ETags (default: the user cache directory/assay/forge)")
}

// applyForge fills the forge settings from the environment and lets
// forge.online in assay.yaml allow network sources, unless --offline was
// given explicitly. A declaration that does not parse is left for the
// engine to report.
func applyForge(cmd *cobra.Command, fc forge.Config, opts *engine.Options) {
	fc.GitHubAPIEnv = os.Getenv("GITHUB_API_URL")
	fc.GitLabAPIEnv = os.Getenv("CI_API_V4_URL")
	opts.Forge = fc
	if opts.Online || cmd.Flags().Changed("offline") {
		return
	}
	o := *opts
	if o.Path == "" {
		o.Path = "."
	}
	if cfg, err := engine.LoadDeclaration(o); err == nil && cfg.Forge.Online {
		opts.Online = true
	}
}
