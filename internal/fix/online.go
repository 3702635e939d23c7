package fix

import (
	"context"
	"errors"
	"net/url"

	"github.com/assaysec/assay/internal/forge"
	"github.com/assaysec/assay/internal/forge/github"
)

// GitHubResolver resolves action refs through the GitHub API the forge
// settings name (--github-api-url, GITHUB_API_URL, else api.github.com),
// with their token (sent only to the API host) and answers revalidated
// through their cache. With cacheOnly it never uses the network: it
// answers from what an earlier online run cached, and a ref it has no
// answer for stays unresolved. Each owner/repo@ref is asked once per run.
func GitHubResolver(ctx context.Context, fc forge.Config, cacheOnly bool) Resolver {
	apiURL := fc.GitHubAPIURL()
	host := "api.github.com"
	if apiURL != "" {
		if u, err := url.Parse(apiURL); err == nil {
			host = u.Host
		}
	}
	token, _ := fc.Token(forge.GitHub)
	tr := forge.NewTransport(forge.Options{Auth: forge.Auth{Token: token, Header: "Authorization"}, Host: host,
		Cache: fc.OpenCache(), CacheOnly: cacheOnly, Base: fc.Transport})
	type answer struct {
		sha string
		ok  bool
	}
	seen := map[string]answer{}
	return func(repo, ref string) (string, bool, error) {
		k := repo + "@" + ref
		if v, ok := seen[k]; ok {
			return v.sha, v.ok, nil
		}
		sha, ok, err := github.ResolveRef(ctx, tr.Client(), apiURL, repo, ref)
		if errors.Is(err, forge.ErrNotCached) {
			sha, ok, err = "", false, nil
		}
		if err != nil {
			return "", false, err
		}
		if !sha40.MatchString(sha) {
			ok = false
		}
		seen[k] = answer{sha, ok}
		return sha, ok, nil
	}
}
