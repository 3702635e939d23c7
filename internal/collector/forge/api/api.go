// Package api collects forge evidence: the repository's settings, alerts and
// advisories as GitHub or GitLab report them. It runs only with --online
// (or forge.online in assay.yaml), reads the subject from --repo, assay.yaml
// or the clone's remote, and sends the token only to the forge's API.
package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/forge"
	"github.com/assaysec/assay/internal/forge/github"
	"github.com/assaysec/assay/internal/forge/gitlab"
)

// Name of the collector.
const Name = "forge/api"

// Collector reads forge settings.
type Collector struct {
	fc  forge.Config
	cfg *config.Config
}

// New returns the collector with the forge settings fc (--repo, the API
// URLs, the cache directory, the token variables) and the declaration cfg;
// a nil cfg is an empty declaration.
func New(fc forge.Config, cfg *config.Config) collector.Collector {
	if cfg == nil {
		cfg = &config.Config{}
	}
	return Collector{fc: fc, cfg: cfg}
}

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind { return slices.Clone(evidence.ForgeKinds) }

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{Network: true} }

// Collect implements collector.Collector.
func (c Collector) Collect(ctx context.Context, in *collector.Input) ([]evidence.Record, error) {
	fc := c.fc
	decl := forge.Declared{RemoteURL: remoteURL(in), Repo: c.cfg.Forge.Repo, Type: c.cfg.Forge.Type}
	subj, err := forge.Resolve(forge.Settings{
		Repo: fc.Repo, GitHubAPI: fc.GitHubAPI, GitLabAPI: fc.GitLabAPI,
		GitHubAPIEnv: fc.GitHubAPIEnv, GitLabAPIEnv: fc.GitLabAPIEnv,
	}, decl)
	if err != nil {
		return nil, err
	}
	token, tokenVar := fc.Token(subj.Kind)
	cache := fc.OpenCache()
	auth := forge.Auth{Token: token, Header: "Authorization"}
	if subj.Kind == forge.GitLab {
		auth.Header = "PRIVATE-TOKEN"
	}
	tr := forge.NewTransport(forge.Options{
		Auth: auth, Host: apiHost(subj.APIURL), Cache: cache, NoStore: noStore, Base: fc.Transport,
	})
	targets := map[string]int{}
	for _, sev := range []string{"critical", "high", "medium", "low"} {
		targets[sev] = c.cfg.RemediationTargets.Days(sev)
	}

	var repo *evidence.ForgeRepository
	var obs []forge.Observation
	switch subj.Kind {
	case forge.GitHub:
		f, ferr := github.New(subj, tr.Client(), in.Now, targets)
		if ferr != nil {
			return nil, ferr
		}
		repo, obs, err = f.Fetch(ctx)
	case forge.GitLab:
		f, ferr := gitlab.New(subj, tr.Client(), in.Now, targets)
		if ferr != nil {
			return nil, ferr
		}
		repo, obs, err = f.Fetch(ctx)
	default:
		return nil, fmt.Errorf("forge %q is not supported", subj.Kind)
	}
	if err != nil {
		msg := tr.Redact(err.Error())
		if token == "" {
			msg += fmt.Sprintf(" (no token: %s is empty)", tokenVar)
		}
		return nil, fmt.Errorf("%s", msg)
	}
	st := tr.Stats()
	repo.RequestsSent, repo.RequestsCached = int(st.Requests), int(st.NotModified)
	out := []evidence.Record{{Fact: *repo, Provenance: in.Provenance(Name, evidence.Location{URL: repo.WebURL}, "")}}
	for _, o := range obs {
		out = append(out, evidence.Record{Fact: o.Fact, Provenance: in.Provenance(Name, evidence.Location{URL: o.URL}, "")})
	}
	return out, nil
}

// noStore keeps answers that carry secret values off the disk: GitLab CI/CD
// variables come with their values, and secret scanning alerts may carry
// the secret despite hide_secret.
func noStore(r *http.Request) bool {
	p := r.URL.Path
	return strings.HasSuffix(p, "/variables") || strings.Contains(p, "/variables/") || strings.Contains(p, "/secret-scanning/")
}

func apiHost(api string) string {
	s := api
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[:i]
	}
	return strings.ToLower(s)
}

// remoteURL reads the clone's remote through go-git: "origin" when present,
// else the first remote by name. Nothing is executed.
func remoteURL(in *collector.Input) string {
	if in.History == nil || in.History.Repository() == nil {
		return ""
	}
	remotes, err := in.History.Repository().Remotes()
	if err != nil || len(remotes) == 0 {
		return ""
	}
	slices.SortFunc(remotes, func(a, b *git.Remote) int { return strings.Compare(a.Config().Name, b.Config().Name) })
	pick := remotes[0]
	for _, r := range remotes {
		if r.Config().Name == "origin" {
			pick = r
		}
	}
	if urls := pick.Config().URLs; len(urls) > 0 {
		return urls[0]
	}
	return ""
}
