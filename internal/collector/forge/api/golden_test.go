package api_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/assaysec/assay/internal/forge"
	"github.com/assaysec/assay/internal/forge/forgetest"
	"github.com/assaysec/assay/internal/testutil/golden"
)

// TestScenarioEvidence_Golden pins the whole of what the collector records
// for each scenario, and for variants where every answer but the
// repository's is refused or malformed: the evidence, the error, and the
// requests made (paths and sorted queries). It guards the forge clients
// against silent drift in any evidence field, not only the ones the claim
// tests read.
func TestScenarioEvidence_Golden(t *testing.T) {
	type variant struct {
		name   string
		mutate func(a *forgetest.Answer) // applied to every answer but the repository's
	}
	variants := []variant{
		{name: "as-is"},
		{name: "rate-limited", mutate: func(a *forgetest.Answer) {
			a.Status = 403
			a.Header = map[string][]string{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"4102444800"}}
			a.Body = []byte(`{"message": "API rate limit exceeded"}`)
		}},
		// Resets far in the future: the transport neither sleeps nor
		// retries, so the run is fast and its reasons are fixed.
		{name: "too-many-requests", mutate: func(a *forgetest.Answer) {
			a.Status = 429
			a.Header = map[string][]string{"Retry-After": {"Fri, 01 Jan 2100 00:00:00 GMT"}}
			a.Body = []byte(`{"message": "slow down"}`)
		}},
		{name: "forbidden", mutate: func(a *forgetest.Answer) {
			a.Status = 403
			a.Header = map[string][]string{"X-Accepted-Github-Permissions": {"administration=read"}}
			a.Body = []byte(`{"message": "Resource not accessible by integration"}`)
		}},
		{name: "not-found", mutate: func(a *forgetest.Answer) {
			a.Status, a.Header, a.Body = 404, nil, []byte(`{"message": "Not Found"}`)
		}},
		{name: "malformed", mutate: func(a *forgetest.Answer) {
			a.Status, a.Header, a.Body = 200, nil, []byte(`{"broken": [`)
		}},
		{name: "wrong-shape", mutate: func(a *forgetest.Answer) {
			a.Status, a.Header, a.Body = 200, nil, []byte(`"a string"`)
		}},
		{name: "no-content", mutate: func(a *forgetest.Answer) {
			a.Status, a.Header, a.Body = 204, nil, nil
		}},
	}
	scenarios := []struct{ file, repo, tokenVar string }{
		{"github-good", "github.com/acme/widget", "GITHUB_TOKEN"},
		{"github-poor", "github.com/acme/gadget", "GITHUB_TOKEN"},
		{"github-noadmin", "github.com/acme/widget", "GITHUB_TOKEN"},
		{"gitlab-good", "gitlab.example.com/acme/platform/widget", "GITLAB_TOKEN"},
		{"gitlab-poor", "gitlab.example.com/acme/gizmo", "GITLAB_TOKEN"},
		{"gitlab-reporter", "gitlab.example.com/acme/platform/widget", "GITLAB_TOKEN"},
	}
	for _, sc := range scenarios {
		for _, v := range variants {
			if v.name != "as-is" && !strings.HasSuffix(sc.file, "-good") {
				continue
			}
			t.Run(sc.file+"_"+v.name, func(t *testing.T) {
				ans := forgetest.Load(t, filepath.Join("testdata", sc.file+".txtar"))
				repoPath := "/repos/" + strings.TrimPrefix(sc.repo, "github.com/")
				if strings.HasPrefix(sc.file, "gitlab") {
					repoPath = "/projects/" + strings.TrimPrefix(sc.repo, "gitlab.example.com/")
				}
				if v.mutate != nil {
					for i := range ans {
						if ans[i].Path != repoPath {
							v.mutate(&ans[i])
						}
					}
				}
				srv := forgetest.New(t, ans)
				fc := forge.Config{Repo: sc.repo, GitHubAPI: srv.URL, GitLabAPI: srv.URL, NoCache: true}
				token := secretToken
				if sc.tokenVar == "GITLAB_TOKEN" {
					token = gitlabToken
				}
				recs, err := collect(t, srv, fc, map[string]string{sc.tokenVar: token})
				var b strings.Builder
				if err != nil {
					fmt.Fprintf(&b, "error: %v\n", err)
				}
				b.WriteString("requests:\n")
				for _, r := range normalisedHits(srv.Hits()) {
					fmt.Fprintf(&b, "  %s\n", r)
				}
				data, merr := json.MarshalIndent(recs, "", "  ")
				if merr != nil {
					t.Fatal(merr)
				}
				b.WriteString("evidence:\n")
				b.Write(data)
				b.WriteString("\n")
				got := strings.ReplaceAll(b.String(), strings.TrimPrefix(srv.URL, "http://"), "{{host}}")
				golden.Check(t, filepath.Join("testdata", "golden", sc.file+"_"+v.name+".golden"), []byte(got))
			})
		}
	}
}

// normalisedHits lists the requests with their query parameters sorted, so
// that the order a client happens to encode them in does not matter.
func normalisedHits(hits map[string]int) []string {
	var out []string
	for k, n := range hits {
		p, q, _ := strings.Cut(k, "?")
		vals, _ := url.ParseQuery(q)
		s := p
		if enc := vals.Encode(); enc != "" {
			s += "?" + enc
		}
		out = append(out, fmt.Sprintf("%s x%d", s, n))
	}
	sort.Strings(out)
	return out
}
