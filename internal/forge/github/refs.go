package github

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v93/github"
)

// ResolveRef returns the commit SHA a tag or branch of owner/name points
// to, through GET /repos/{owner}/{repo}/commits/{ref} (one request, answer
// is the bare SHA). apiURL "" means api.github.com. found is false when the
// repository or the ref does not exist.
func ResolveRef(ctx context.Context, hc *http.Client, apiURL, repo, ref string) (sha string, found bool, err error) {
	opts := []gh.ClientOptionsFunc{gh.WithHTTPClient(hc), gh.WithUserAgent("assay (+https://github.com/assaysec/assay)")}
	if apiURL != "" && apiURL != "https://api.github.com/" {
		if !strings.HasSuffix(apiURL, "/") {
			apiURL += "/"
		}
		opts = append(opts, gh.WithURLs(&apiURL, &apiURL))
	}
	c, err := gh.NewClient(opts...)
	if err != nil {
		return "", false, fmt.Errorf("GitHub client: %w", err)
	}
	owner, name, ok := strings.Cut(repo, "/")
	if !ok {
		return "", false, fmt.Errorf("repository %q: want OWNER/NAME", repo)
	}
	s, resp, err := c.Repositories.GetCommitSHA1(ctx, owner, name, ref, "")
	if resp != nil && (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusUnprocessableEntity) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("resolve %s@%s: %w", repo, ref, err)
	}
	return strings.TrimSpace(s), true, nil
}
