package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/assaysec/assay/internal/forge/rest"
)

// shaMediaType asks the commits endpoint for the bare SHA. It is part of
// the cache key, so it stays the same across releases: offline runs answer
// from what earlier online runs cached.
const shaMediaType = "application/vnd.github.v3.sha"

// ResolveRef returns the commit SHA a tag or branch of owner/name points
// to, through GET /repos/{owner}/{repo}/commits/{ref} (one request, answer
// is the bare SHA). apiURL "" means api.github.com. found is false when the
// repository or the ref does not exist.
func ResolveRef(ctx context.Context, hc *http.Client, apiURL, repo, ref string) (sha string, found bool, err error) {
	c, err := newClient(hc, apiURL)
	if err != nil {
		return "", false, fmt.Errorf("GitHub client: %w", err)
	}
	owner, name, ok := strings.Cut(repo, "/")
	if !ok {
		return "", false, fmt.Errorf("repository %q: want OWNER/NAME", repo)
	}
	path := "repos/" + url.PathEscape(owner) + "/" + url.PathEscape(name) + "/commits/" + escapeRef(ref)
	_, body, err := c.Raw(ctx, path, nil, http.Header{"Accept": {shaMediaType}})
	var se *rest.StatusError
	if errors.As(err, &se) && (se.Status == http.StatusNotFound || se.Status == http.StatusUnprocessableEntity) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("resolve %s@%s: %w", repo, ref, err)
	}
	return strings.TrimSpace(string(body)), true, nil
}

// escapeRef escapes each segment of a ref, keeping its slashes: a branch
// "release/1.x" stays a path the API resolves.
func escapeRef(ref string) string {
	parts := strings.Split(ref, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}
