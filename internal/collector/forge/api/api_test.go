package api_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/catalog"
	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/collector/forge/api"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evaluate"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/forge"
	"github.com/assaysec/assay/internal/forge/forgetest"
	"github.com/assaysec/assay/internal/mapping"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/rule"
	forgerules "github.com/assaysec/assay/internal/rule/forge"
	"github.com/assaysec/assay/internal/source"
)

var now = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

const secretToken = "ghp_TESTTOKEN0123456789abcdefghijklmnopq"

// run collects from a replayed scenario and evaluates the forge rules.
type run struct {
	records []evidence.Record
	err     error
	claims  map[string]report.Claim
	srv     *forgetest.Server
}

func collect(t *testing.T, srv *forgetest.Server, fc forge.Config, env map[string]string) ([]evidence.Record, error) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	tree, err := source.OpenTree(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tree.Close() })
	in := &collector.Input{Tree: tree, Now: now, Online: true}
	return api.New(fc, &config.Config{}).Collect(context.Background(), in)
}

// evaluateForge judges the claims from forge evidence alone: the forge
// mapping, with 3.3.1 decided by the forge rule (in the shipped mapping the
// dependency area's rules decide 3.3.1 and the forge alert is supporting).
func evaluateForge(t *testing.T, records []evidence.Record) map[string]report.Claim {
	t.Helper()
	rules, err := forgerules.Rules()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../../../mapping/data/forge.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), "supporting: [forgeDependencyAlertsEnabled]", "any: [forgeDependencyAlertsEnabled]", 1))
	m, err := mapping.Parse(map[string][]byte{"forge.yaml": data})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	ev := evidence.NewSet(records...)
	var findings []rule.Finding
	metas := map[string]rule.Meta{}
	for _, r := range rules {
		metas[r.Meta().ID] = r.Meta()
		findings = append(findings, r.Evaluate(ev)...)
	}
	out := evaluate.Evaluate(evaluate.Input{Catalog: cat, Mapping: m, Rules: metas, Findings: findings, Evidence: ev, Config: &config.Config{Role: config.RoleDeveloperDistributor, Delivery: config.DeliveryDistributed}, Now: now})
	claims := map[string]report.Claim{}
	for _, p := range out.Principles {
		for _, c := range p.Claims {
			claims[c.ID] = c
		}
	}
	return claims
}

func scenario(t *testing.T, name, repo string, env map[string]string) run {
	t.Helper()
	srv := forgetest.New(t, forgetest.Load(t, filepath.Join("testdata", name+".txtar")))
	fc := forge.Config{Repo: repo, GitHubAPI: srv.URL, GitLabAPI: srv.URL, CacheDir: t.TempDir()}
	recs, err := collect(t, srv, fc, env)
	r := run{records: recs, err: err, srv: srv}
	if err == nil {
		r.claims = evaluateForge(t, recs)
	}
	return r
}

func findingFor(c report.Claim, ruleID string) (report.Finding, bool) {
	for _, f := range c.Findings {
		if f.Rule == ruleID {
			return f, true
		}
	}
	return report.Finding{}, false
}

type want struct {
	status  report.ClaimStatus
	rule    string
	message string // substring of the rule's finding: the setting and its value
}

func check(t *testing.T, r run, wants map[string]want) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("collect: %v", r.err)
	}
	for id, w := range wants {
		c := r.claims[id]
		f, ok := findingFor(c, w.rule)
		if c.Status != w.status || !ok || !strings.Contains(f.Message, w.message) {
			t.Errorf("claim %s: status %s (reason %q), %s: %q; want %s with %q", id, c.Status, c.Reason, w.rule, f.Message, w.status, w.message)
		}
	}
}

func TestGitHubWellConfigured(t *testing.T) {
	r := scenario(t, "github-good", "github.com/acme/widget", map[string]string{"GITHUB_TOKEN": secretToken})
	check(t, r, map[string]want{
		"1.3.2": {report.ClaimMet, "forgeStatusChecksRequired", "required status checks = test, lint (branch must be up to date)"},
		"2.1.5": {report.ClaimMet, "forgeTwoFactorRequired", "two_factor_requirement_enabled = true"},
		"2.2.2": {report.ClaimMet, "forgeReviewRequired", "required approving reviews = 2"},
		"3.2.2": {report.ClaimMet, "forgeConfidentialReportingEnabled", "private-vulnerability-reporting = enabled"},
		"3.3.1": {report.ClaimMet, "forgeDependencyAlertsEnabled", "dependency-alerts = enabled"},
		"3.4.2": {report.ClaimMet, "forgeAdvisoriesPublished", "GHSA-abcd-1234-efgh / CVE-2026-1234 (2026-06-02)"},
		"1.3.3": {report.ClaimMet, "forgeCodeScanningAlertsWithinTarget", "no open code-scanning alerts"},
	})
	if un := r.srv.Unmatched(); len(un) > 0 {
		t.Errorf("requests without a fixture: %v", un)
	}
	// Rulesets and classic protection merge; pagination was followed.
	bp, _ := evidence.First[evidence.ForgeBranchProtection](evidence.NewSet(r.records...))
	got := bp.Fact
	if !got.SignaturesRequired || !got.DeletionBlocked || !got.EnforceAdmins || !got.CodeOwnerReview {
		t.Errorf("merged protection: %+v", got)
	}
	if diff := cmp.Diff([]string{"branch protection", "ruleset 42 (acme)", "ruleset 7 (acme/widget)"}, got.Sources); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	col, _ := evidence.First[evidence.ForgeCollaborators](evidence.NewSet(r.records...))
	if len(col.Fact.People) != 4 || !col.Fact.People[2].Outside {
		t.Errorf("collaborators over two pages: %+v", col.Fact.People)
	}
	// The token went out as a bearer header and nowhere in the evidence.
	for _, h := range r.srv.AuthHeaders() {
		if h != "Authorization: Bearer "+secretToken {
			t.Errorf("unexpected credential header %q", h)
		}
	}
	assertNoToken(t, r.records)
}

func TestGitHubPoorlyConfigured(t *testing.T) {
	r := scenario(t, "github-poor", "github.com/acme/gadget", map[string]string{"GITHUB_TOKEN": secretToken})
	check(t, r, map[string]want{
		"1.3.2": {report.ClaimNotMet, "forgeStatusChecksRequired", "default branch main is not protected (protected = false): required status checks = none"},
		"2.1.5": {report.ClaimNotMet, "forgeTwoFactorRequired", "two_factor_requirement_enabled = false"},
		"2.2.2": {report.ClaimNotMet, "forgeReviewRequired", "pull request required = false"},
		"3.2.2": {report.ClaimNotMet, "forgeConfidentialReportingEnabled", "private-vulnerability-reporting = disabled"},
		"3.3.1": {report.ClaimNotMet, "forgeDependencyAlertsEnabled", "dependency-alerts = disabled"},
	})
	// Supporting rules state the bad settings with their values.
	for id, msg := range map[string]string{
		"2.1.5": "mallory",
		"2.2.2": "default_workflow_permissions = write",
		"2.1.1": "freelancer (admin)",
		"2.1.4": "AWS_SECRET_ACCESS_KEY (updated 2024-01-01)",
	} {
		found := false
		for _, f := range r.claims[id].Findings {
			if strings.Contains(f.Message, msg) && string(f.Outcome) == string(rule.False) {
				found = true
			}
		}
		if !found {
			t.Errorf("claim %s: no false finding mentioning %q in %+v", id, msg, r.claims[id].Findings)
		}
	}
}

func TestGitHubTokenWithoutAdmin(t *testing.T) {
	r := scenario(t, "github-noadmin", "github.com/acme/widget", map[string]string{"GITHUB_TOKEN": secretToken})
	check(t, r, map[string]want{
		"2.2.2": {report.ClaimUnknown, "forgeReviewRequired", "needs admin role on the repository (fine-grained token: Administration read; classic token: repo) (the forge asks for fine-grained token permission administration=read; classic token scope repo)"},
		"1.3.2": {report.ClaimUnknown, "forgeStatusChecksRequired", "Must have admin rights to Repository"},
		"2.1.5": {report.ClaimUnknown, "forgeTwoFactorRequired", "needs organisation owner"},
		"3.2.2": {report.ClaimUnknown, "forgeConfidentialReportingEnabled", "administration=read"},
		"3.3.1": {report.ClaimUnknown, "forgeDependencyAlertsEnabled", "GitHub answers 404 both when alerts are off and when the token is not an admin; needs admin role"},
	})
	for _, id := range []string{"1.3.2", "2.1.5", "2.2.2", "3.2.2", "3.3.1"} {
		if !strings.Contains(r.claims[id].Reason, "needs") {
			t.Errorf("claim %s reason %q does not say what is needed", id, r.claims[id].Reason)
		}
	}
}

func TestWarmCacheRevalidates(t *testing.T) {
	srv := forgetest.New(t, forgetest.Load(t, filepath.Join("testdata", "github-good.txtar")))
	fc := forge.Config{Repo: "github.com/acme/widget", GitHubAPI: srv.URL, CacheDir: t.TempDir()}
	env := map[string]string{"GITHUB_TOKEN": secretToken}
	cold, err := collect(t, srv, fc, env)
	if err != nil {
		t.Fatal(err)
	}
	coldHits := srv.Hits()
	srv.Reset()
	warm, err := collect(t, srv, fc, env)
	if err != nil {
		t.Fatal(err)
	}
	hits, cond := srv.Hits(), srv.Conditional()
	for res, n := range hits {
		if n > 1 {
			t.Errorf("warm run requested %s %d times; want at most once", res, n)
		}
		// Only 200 answers carry an ETag; refusals and 204/404 are asked again.
		if cond[res] == 0 && !strings.Contains(res, "vulnerability-alerts") && !strings.Contains(res, "secret-scanning") {
			t.Errorf("warm run requested %s without If-None-Match", res)
		}
	}
	if len(hits) != len(coldHits) {
		t.Errorf("warm run asked for %d resources, cold run %d", len(hits), len(coldHits))
	}
	repo, _ := evidence.First[evidence.ForgeRepository](evidence.NewSet(warm...))
	t.Logf("cold run: %d resources; warm run: %d requests, %d conditional, %d answered 304", len(coldHits), repo.Fact.RequestsSent, len(cond), repo.Fact.RequestsCached)
	if repo.Fact.RequestsCached == 0 || repo.Fact.RequestsCached != repo.Fact.RequestsSent-2 {
		t.Errorf("warm run: %d sent, %d served from cache", repo.Fact.RequestsSent, repo.Fact.RequestsCached)
	}
	// The warm run reaches the same verdicts.
	strip := func(rs []evidence.Record) []evidence.Fact {
		var out []evidence.Fact
		for _, r := range rs {
			if x, ok := r.Fact.(evidence.ForgeRepository); ok {
				x.RequestsSent, x.RequestsCached = 0, 0
				out = append(out, x)
				continue
			}
			out = append(out, r.Fact)
		}
		return out
	}
	if diff := cmp.Diff(strip(cold), strip(warm)); diff != "" {
		t.Errorf("warm facts differ (-cold +warm):\n%s", diff)
	}
	// Nothing in the cache holds the token or a secret scanning answer.
	filepath.WalkDir(fc.CacheDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		data, _ := os.ReadFile(p)
		if strings.Contains(string(data), secretToken) || strings.Contains(string(data), "secret-scanning") {
			t.Errorf("cache file %s holds the token or a secret scanning answer", p)
		}
		if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
			t.Errorf("cache file %s mode %v; want 0600", p, st.Mode().Perm())
		}
		return nil
	})
}

func TestRepositoryRefused(t *testing.T) {
	for name, tc := range map[string]struct {
		fixture string
		want    string
	}{
		"401": {"-- /repos/acme/widget --\nHTTP 401\n\n{\"message\": \"Bad credentials\"}\n", "the token was rejected"},
		"404": {"", "was not found, or is private and the token cannot see it"},
	} {
		t.Run(name, func(t *testing.T) {
			ans, err := forgetest.Parse([]byte(tc.fixture))
			if err != nil {
				t.Fatal(err)
			}
			srv := forgetest.New(t, ans)
			_, err = collect(t, srv, forge.Config{Repo: "github.com/acme/widget", GitHubAPI: srv.URL, NoCache: true}, map[string]string{"GITHUB_TOKEN": secretToken})
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), secretToken) {
				t.Errorf("err = %v; want it to say %q without the token", err, tc.want)
			}
		})
	}
}

func TestNoSubject(t *testing.T) {
	_, err := collect(t, nil, forge.Config{NoCache: true}, nil)
	if err == nil || !strings.Contains(err.Error(), "--repo") {
		t.Errorf("err = %v; want a hint to pass --repo", err)
	}
}

func TestSelfManagedHostNeedsTrustedAPI(t *testing.T) {
	_, err := collect(t, nil, forge.Config{Repo: "git.evil.example/acme/widget", NoCache: true}, map[string]string{"GITHUB_TOKEN": secretToken})
	if err == nil || !strings.Contains(err.Error(), "--github-api-url") {
		t.Errorf("err = %v; want a refusal naming --github-api-url", err)
	}
}

func assertNoToken(t *testing.T, recs []evidence.Record) {
	t.Helper()
	for _, r := range recs {
		if s := strings.ToLower(cmp.Diff(nil, r.Fact)); strings.Contains(s, strings.ToLower(secretToken)) {
			t.Errorf("fact %T holds the token", r.Fact)
		}
	}
}

const gitlabToken = "glpat-TESTTOKEN0123456789abcd"

func TestGitLabWellConfigured(t *testing.T) {
	r := scenario(t, "gitlab-good", "gitlab.example.com/acme/platform/widget", map[string]string{"GITLAB_TOKEN": gitlabToken})
	check(t, r, map[string]want{
		"1.3.2": {report.ClaimMet, "forgeStatusChecksRequired", "required status checks = pipeline must succeed"},
		"2.1.5": {report.ClaimMet, "forgeTwoFactorRequired", "require_two_factor_authentication = true (inherited from group acme)"},
		"2.2.2": {report.ClaimMet, "forgeReviewRequired", "required approving reviews = 2"},
		"3.2.2": {report.ClaimMet, "forgeConfidentialReportingEnabled", "issues enabled (reporters can mark an issue confidential)"},
		"3.3.1": {report.ClaimMet, "forgeDependencyAlertsEnabled", "dependency-scanning = 57 dependencies listed from dependency scanning"},
	})
	if un := r.srv.Unmatched(); len(un) > 0 {
		t.Errorf("requests without a fixture: %v", un)
	}
	for _, h := range r.srv.AuthHeaders() {
		if h != "Private-Token: "+gitlabToken {
			t.Errorf("unexpected credential header %q", h)
		}
	}
	for _, rec := range r.records {
		if strings.Contains(cmp.Diff(nil, rec.Fact), "MUST-NOT-BE-KEPT") {
			t.Errorf("fact %T keeps a variable's value", rec.Fact)
		}
	}
}

func TestGitLabPoorlyConfigured(t *testing.T) {
	r := scenario(t, "gitlab-poor", "gitlab.example.com/acme/gizmo", map[string]string{"GITLAB_TOKEN": gitlabToken})
	check(t, r, map[string]want{
		"1.3.2": {report.ClaimNotMet, "forgeStatusChecksRequired", "default branch main is not protected (protected = false): required status checks = none"},
		"2.1.5": {report.ClaimNotMet, "forgeTwoFactorRequired", "require_two_factor_authentication = false"},
		"2.2.2": {report.ClaimNotMet, "forgeReviewRequired", "not protected (protected = false)"},
		"3.2.2": {report.ClaimNotMet, "forgeConfidentialReportingEnabled", "issues and Service Desk are both disabled"},
		"3.3.1": {report.ClaimNotMet, "forgeDependencyAlertsEnabled", "the dependency list is empty"},
	})
	found := false
	for _, f := range r.claims["2.1.4"].Findings {
		found = found || f.Rule == "forgeCiVariablesProtected" && f.Outcome == "false" && strings.Contains(f.Message, "AWS_SECRET_ACCESS_KEY")
	}
	if !found {
		t.Errorf("2.1.4: no false finding for the bare variable: %+v", r.claims["2.1.4"].Findings)
	}
}

func TestGitLabReporterToken(t *testing.T) {
	r := scenario(t, "gitlab-reporter", "gitlab.example.com/acme/platform/widget", map[string]string{"GITLAB_TOKEN": gitlabToken})
	check(t, r, map[string]want{
		"2.2.2": {report.ClaimUnknown, "forgeReviewRequired", "needs the Maintainer role on the project (token scope read_api)"},
		"1.3.2": {report.ClaimUnknown, "forgeStatusChecksRequired", "needs the Maintainer role"},
		"2.1.5": {report.ClaimUnknown, "forgeTwoFactorRequired", "needs a token with the read_api scope"},
		"3.3.1": {report.ClaimUnknown, "forgeDependencyAlertsEnabled", "needs the Developer role on the project (token scope read_api), on GitLab Ultimate (dependency list)"},
	})
}

// TestForgeErrorBodiesRedacted: an API error that echoes the Authorization
// header (and other credentials) reaches neither the findings nor the
// cache with the token in it.
func TestForgeErrorBodiesRedacted(t *testing.T) {
	const (
		foreignPAT = "github_pat_11AAAAAAA0123456789_abcdefghijklmnopqrstuvwxyz"
		gitlabPAT  = "glpat-abcdefghij0123456789"
		oauth      = "gho_16C7e42F292c6912E7710c838347Ae178B4a"
	)
	ans := forgetest.Load(t, filepath.Join("testdata", "github-noadmin.txtar"))
	for i := range ans {
		if ans[i].Path == "/repos/acme/widget/branches/main/protection" {
			ans[i].Body = []byte(`{"message": "Must have admin rights to Repository. Request headers: Authorization: Bearer ` + secretToken +
				`; X-Forwarded: token ` + foreignPAT + ` ` + gitlabPAT + ` ` + oauth + `", "documentation_url": "https://docs.github.com/rest"}`)
		}
	}
	srv := forgetest.New(t, ans)
	cache := t.TempDir()
	fc := forge.Config{Repo: "github.com/acme/widget", GitHubAPI: srv.URL, CacheDir: cache}
	recs, err := collect(t, srv, fc, map[string]string{"GITHUB_TOKEN": secretToken})
	if err != nil {
		t.Fatal(err)
	}
	shown, err := json.Marshal(recs)
	if err != nil {
		t.Fatal(err)
	}
	claims := evaluateForge(t, recs)
	shownClaims, _ := json.Marshal(claims)
	var stored strings.Builder
	filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(p)
			stored.Write(data)
		}
		return nil
	})
	for _, tok := range []string{secretToken, foreignPAT, gitlabPAT, oauth} {
		for what, text := range map[string]string{"evidence": string(shown), "findings": string(shownClaims), "cache": stored.String()} {
			if strings.Contains(text, tok) {
				t.Errorf("%s holds the token %s", what, tok[:8])
			}
		}
	}
	if !strings.Contains(string(shown), "[redacted]") {
		t.Errorf("the refusal message was not kept (redacted): %s", shown)
	}
	if !strings.Contains(string(shownClaims), "Must have admin rights") {
		t.Error("the forge's own words were lost with the token")
	}
}

// FuzzForgeResponses serves arbitrary bytes as every GitHub and GitLab API
// answer: the collector may fail, but never panics, and never shows the
// token.
func FuzzForgeResponses(f *testing.F) {
	f.Add([]byte(`{"name":"widget","default_branch":"main","owner":{"login":"acme","type":"Organization"}}`), 200, false)
	f.Add([]byte(`[{"id":1}]`), 200, true)
	f.Add([]byte(`{"message":"Authorization: Bearer `+secretToken+`"}`), 403, false)
	f.Add([]byte(`not json`), 200, true)
	gh := forgetest.Load(f, filepath.Join("testdata", "github-good.txtar"))
	gl := forgetest.Load(f, filepath.Join("testdata", "gitlab-good.txtar"))
	f.Fuzz(func(t *testing.T, body []byte, status int, gitlab bool) {
		// Statuses that retry (5xx, 429) would make the target sleep; the
		// transport's retries have their own tests.
		statuses := []int{200, 200, 200, 204, 400, 401, 403, 404, 410, 422}
		status = statuses[uint(status)%uint(len(statuses))]
		base, repo, env := gh, "github.com/acme/widget", map[string]string{"GITHUB_TOKEN": secretToken}
		if gitlab {
			base, repo, env = gl, "gitlab.com/acme/widget", map[string]string{"GITLAB_TOKEN": secretToken}
		}
		ans := make([]forgetest.Answer, len(base))
		for i, a := range base {
			a.Body, a.Status = body, status
			ans[i] = a
		}
		srv := forgetest.New(t, ans)
		recs, err := collect(t, srv, forge.Config{Repo: repo, GitHubAPI: srv.URL, GitLabAPI: srv.URL, NoCache: true}, env)
		shown, _ := json.Marshal(recs)
		if strings.Contains(string(shown), secretToken) || err != nil && strings.Contains(err.Error(), secretToken) {
			t.Fatal("the token reached the evidence or the error")
		}
	})
}
