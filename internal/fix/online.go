package fix

import (
	"context"
	"net/http"
	"net/url"

	"github.com/assaysec/assay/internal/forge"
	"github.com/assaysec/assay/internal/forge/github"
)

// GitHubResolver resolves action refs through the GitHub API at apiURL
// ("" for api.github.com), with token when given (sent only to the API
// host) and answers revalidated through cache when not nil. Each
// owner/repo@ref is asked once per run.
func GitHubResolver(ctx context.Context, apiURL, token string, cache *forge.Cache, base http.RoundTripper) Resolver {
	host := "api.github.com"
	if apiURL != "" {
		if u, err := url.Parse(apiURL); err == nil {
			host = u.Host
		}
	}
	tr := forge.NewTransport(forge.Options{Auth: forge.Auth{Token: token, Header: "Authorization"}, Host: host, Cache: cache, Base: base})
	seen := map[string][2]any{}
	return func(repo, ref string) (string, bool, error) {
		k := repo + "@" + ref
		if v, ok := seen[k]; ok {
			return v[0].(string), v[1].(bool), nil
		}
		sha, ok, err := github.ResolveRef(ctx, tr.Client(), apiURL, repo, ref)
		if err != nil {
			return "", false, err
		}
		if !sha40.MatchString(sha) {
			ok = false
		}
		seen[k] = [2]any{sha, ok}
		return sha, ok, nil
	}
}
