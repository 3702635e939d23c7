// Package github reads a repository's security settings, alerts and
// advisories from the GitHub REST API (github.com and GitHub Enterprise
// Server) through go-github, and returns them as forge evidence.
//
// Every endpoint is read independently: one refusal (a missing scope, a
// feature the plan lacks, a spent rate limit) is recorded on the facts it
// concerns, with the permission that would reveal it, and the rest of the
// collection goes on.
package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	gh "github.com/google/go-github/v93/github"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/forge"
)

// Caps on what one collection reads.
const (
	MaxPeople     = 1000
	MaxAlerts     = 1000
	MaxSecrets    = 500
	MaxReleases   = 30
	MaxAdvisories = 300
	perPage       = 100
)

// What each endpoint needs, in GitHub's terms, for the report's "what would
// settle it".
const (
	needAdmin    = "admin role on the repository (fine-grained token: Administration read; classic token: repo)"
	needPush     = "write access to the repository (fine-grained token: Metadata read; classic token: repo)"
	needOwner    = "organisation owner (fine-grained token: organisation Administration read and Members read; classic token: read:org)"
	needSecrets  = "write access to the repository (fine-grained token: Secrets read; classic token: repo)"
	needSecurity = "admin or security manager role (fine-grained token: %s read; classic token: security_events, or public_repo for public repositories)"
	needRead     = "read access to the repository (fine-grained token: Metadata read; classic token: repo for private repositories)"
)

// Fetcher reads one repository.
type Fetcher struct {
	c       *gh.Client
	s       forge.Subject
	now     time.Time // assessment time: alert ages are computed against it by rules
	clock   func() time.Time
	targets map[string]int
	owner   string
	name    string
}

// New returns a fetcher for s over hc, whose transport carries the token.
func New(s forge.Subject, hc *http.Client, now time.Time, targets map[string]int) (*Fetcher, error) {
	opts := []gh.ClientOptionsFunc{gh.WithHTTPClient(hc), gh.WithUserAgent("assay (+https://github.com/assaysec/assay)")}
	if s.APIURL != "" && s.APIURL != "https://api.github.com/" {
		api := s.APIURL
		opts = append(opts, gh.WithURLs(&api, &api))
	}
	c, err := gh.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("GitHub client for %s: %w", s, err)
	}
	parts := strings.SplitN(s.Path, "/", 2)
	if len(parts) != 2 {
		return nil, fmt.Errorf("GitHub repository %q: want OWNER/NAME", s.Path)
	}
	return &Fetcher{c: c, s: s, now: now, clock: time.Now, targets: targets, owner: parts[0], name: parts[1]}, nil
}

// errEmpty is a success that carried nothing: an empty body, null or a 204
// where an object was expected. The client decodes it to a nil value.
var errEmpty = errors.New("the forge answered without content")

// nonEmpty turns a success that decoded to nothing into errEmpty.
func nonEmpty[T any](v *T, err error) error {
	if err == nil && v == nil {
		return errEmpty
	}
	return err
}

// refusal extracts what GitHub said from a go-github error.
func refusal(resp *gh.Response, err error) forge.Refusal {
	var er *gh.ErrorResponse
	var rl *gh.RateLimitError
	var ab *gh.AbuseRateLimitError
	switch {
	case errors.As(err, &rl):
		return forge.Refusal{Status: rl.Response.StatusCode, Header: rl.Response.Header, Message: rl.Message}
	case errors.As(err, &ab):
		return forge.Refusal{Status: ab.Response.StatusCode, Header: ab.Response.Header, Message: ab.Message}
	case errors.As(err, &er) && er.Response != nil:
		return forge.Refusal{Status: er.Response.StatusCode, Header: er.Response.Header, Message: er.Message}
	case resp != nil && resp.Response != nil:
		return forge.Refusal{Status: resp.StatusCode, Header: resp.Header, Message: err.Error()}
	}
	return forge.Refusal{Err: err}
}

func status(resp *gh.Response, err error) int {
	r := refusal(resp, err)
	return r.Status
}

func (f *Fetcher) classify(endpoint, need string, resp *gh.Response, err error) evidence.ForgeAccess {
	return forge.Classify(endpoint, need, refusal(resp, err), f.clock())
}

func (f *Fetcher) web(parts ...string) string {
	return f.s.WebURL() + strings.Join(parts, "")
}

// Fetch reads everything. It fails only when the repository itself cannot
// be read: without it there is no default branch and no owner to ask about.
func (f *Fetcher) Fetch(ctx context.Context) (*evidence.ForgeRepository, []forge.Observation, error) {
	repo, resp, err := f.c.Repositories.Get(ctx, f.owner, f.name)
	err = nonEmpty(repo, err)
	if err != nil {
		a := f.classify("GET /repos/{owner}/{repo}", needRead, resp, err)
		if status(resp, err) == http.StatusNotFound {
			return nil, nil, fmt.Errorf("GitHub repository %s was not found, or is private and the token cannot see it (%s): set GITHUB_TOKEN to a token with %s", f.s, a.Reason, needRead)
		}
		return nil, nil, fmt.Errorf("read GitHub repository %s: %s; %s", f.s, a.Reason, a.Need)
	}
	r := &evidence.ForgeRepository{
		Forge: forge.GitHub, Host: f.s.Host, Path: f.s.Path, WebURL: repo.GetHTMLURL(), APIURL: f.s.APIURL,
		DefaultBranch: repo.GetDefaultBranch(), Visibility: repo.GetVisibility(), Archived: repo.GetArchived(), Fork: repo.GetFork(),
		Owner: repo.GetOwner().GetLogin(), Access: forge.Allowed("GET /repos/{owner}/{repo}"),
	}
	if r.WebURL == "" {
		r.WebURL = f.s.WebURL()
	}
	if r.Visibility == "" {
		r.Visibility = "public"
		if repo.GetPrivate() {
			r.Visibility = "private"
		}
	}
	switch strings.ToLower(repo.GetOwner().GetType()) {
	case "organization":
		r.OwnerKind = "organization"
	default:
		r.OwnerKind = "user"
	}
	if p := repo.GetPermissions(); p != nil {
		r.Authenticated = true
		switch {
		case p.GetAdmin():
			r.ViewerRole = "admin"
		case p.GetMaintain():
			r.ViewerRole = "maintain"
		case p.GetPush():
			r.ViewerRole = "write"
		case p.GetTriage():
			r.ViewerRole = "triage"
		case p.GetPull():
			r.ViewerRole = "read"
		}
	}
	if resp != nil {
		if sc := resp.Header.Get("X-OAuth-Scopes"); sc != "" {
			for _, s := range strings.Split(sc, ",") {
				if s = strings.TrimSpace(s); s != "" {
					r.TokenScopes = append(r.TokenScopes, forge.Clean(s, 64))
				}
			}
		}
	}
	admin := r.ViewerRole == "admin"

	var obs []forge.Observation
	add := func(fact evidence.Fact, url string) { obs = append(obs, forge.Observation{Fact: fact, URL: url}) }
	add(f.branchProtection(ctx, r.DefaultBranch, admin), f.web("/settings/branches"))
	add(f.collaborators(ctx, r.OwnerKind == "organization"), f.web("/settings/access"))
	add(f.organization(ctx, r), "https://"+f.s.Host+"/organizations/"+r.Owner+"/settings/security")
	add(f.workflowToken(ctx), f.web("/settings/actions"))
	add(f.actionsPolicy(ctx), f.web("/settings/actions"))
	add(f.runners(ctx), f.web("/settings/actions/runners"))
	add(f.environments(ctx), f.web("/settings/environments"))
	add(f.secrets(ctx), f.web("/settings/secrets/actions"))
	for _, feat := range f.securityFeatures(ctx, repo, admin) {
		add(feat, f.web("/settings/security_analysis"))
	}
	dep, depFeature := f.dependabotAlerts(ctx)
	add(dep, f.web("/security/dependabot"))
	if depFeature != nil {
		add(*depFeature, f.web("/security/dependabot"))
	}
	cs, csFeature := f.codeScanningAlerts(ctx, r.Visibility)
	add(cs, f.web("/security/code-scanning"))
	add(csFeature, f.web("/security/code-scanning"))
	add(f.secretScanningAlerts(ctx), f.web("/security/secret-scanning"))
	add(f.advisories(ctx), f.web("/security/advisories"))
	add(f.releases(ctx), f.web("/releases"))
	return r, obs, nil
}

func (f *Fetcher) branchProtection(ctx context.Context, branch string, admin bool) evidence.ForgeBranchProtection {
	bp := evidence.ForgeBranchProtection{Branch: branch, Complete: true}
	if branch == "" {
		bp.Access = forge.Unsupported("GET /repos/{owner}/{repo}", "the repository has no default branch (it is empty)")
		return bp
	}
	// The branch summary is readable with read access and says whether any
	// protection (classic or ruleset) applies at all.
	if b, resp, err := f.c.Repositories.GetBranch(ctx, f.owner, f.name, branch, 1); err == nil && b != nil {
		if b.Protected != nil {
			v := *b.Protected
			bp.Protected = &v
		}
	} else {
		bp.Unseen = append(bp.Unseen, f.classify("GET /repos/{owner}/{repo}/branches/{branch}", needRead, resp, err))
	}

	// Rulesets: readable by anyone who can read the repository.
	rulesets := map[string]bool{}
	opts := &gh.ListOptions{PerPage: perPage}
	for page := 0; page < 10; page++ {
		rules, resp, err := f.c.Repositories.ListRulesForBranch(ctx, f.owner, f.name, branch, opts)
		if err != nil {
			bp.Complete = false
			bp.Unseen = append(bp.Unseen, f.classify("GET /repos/{owner}/{repo}/rules/branches/{branch}", needRead, resp, err))
			break
		}
		if rules != nil {
			applyRules(&bp, rules, rulesets)
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	for name := range rulesets {
		bp.Sources = append(bp.Sources, name)
	}
	sort.Strings(bp.Sources)

	// Classic branch protection: admin only.
	const ep = "GET /repos/{owner}/{repo}/branches/{branch}/protection"
	p, resp, err := f.c.Repositories.GetBranchProtection(ctx, f.owner, f.name, branch)
	err = nonEmpty(p, err)
	switch {
	case err == nil:
		bp.Sources = append([]string{"branch protection"}, bp.Sources...)
		applyClassic(&bp, p)
	case errors.Is(err, gh.ErrBranchNotProtected):
		// Observed: no classic protection on this branch.
	case status(resp, err) == http.StatusNotFound && bp.Protected != nil && !*bp.Protected:
		// The summary already says nothing protects the branch.
	default:
		a := f.classify(ep, needAdmin, resp, err)
		if status(resp, err) == http.StatusNotFound && admin {
			break // an admin sees "not protected" as 404
		}
		bp.Complete = false
		bp.Unseen = append(bp.Unseen, a)
	}
	bp.Access = forge.Allowed(ep)
	if !bp.Complete && len(bp.Sources) == 0 && (bp.Protected == nil || *bp.Protected) {
		// Nothing readable: the protection is unknown, not absent.
		bp.Access = bp.Unseen[len(bp.Unseen)-1]
	}
	return bp
}

func applyClassic(bp *evidence.ForgeBranchProtection, p *gh.Protection) {
	if rv := p.RequiredPullRequestReviews; rv != nil {
		bp.RequiresPullRequest = true
		bp.RequiredApprovals = max(bp.RequiredApprovals, rv.RequiredApprovingReviewCount)
		bp.CodeOwnerReview = bp.CodeOwnerReview || rv.RequireCodeOwnerReviews
		bp.DismissStaleReviews = bp.DismissStaleReviews || rv.DismissStaleReviews
		bp.LastPushApproval = bp.LastPushApproval || rv.RequireLastPushApproval
	}
	if sc := p.RequiredStatusChecks; sc != nil {
		var names []string
		if sc.Contexts != nil {
			names = append(names, *sc.Contexts...)
		}
		if sc.Checks != nil {
			for _, c := range *sc.Checks {
				if c != nil {
					names = append(names, c.Context)
				}
			}
		}
		addChecks(bp, names)
		bp.StatusChecksRequired = bp.StatusChecksRequired || len(bp.RequiredChecks) > 0
		bp.StrictChecks = bp.StrictChecks || sc.Strict
	}
	if p.EnforceAdmins != nil && p.EnforceAdmins.Enabled {
		bp.EnforceAdmins = true
	}
	if p.AllowForcePushes == nil || !p.AllowForcePushes.Enabled {
		bp.ForcePushBlocked = true
	}
	if p.AllowDeletions == nil || !p.AllowDeletions.Enabled {
		bp.DeletionBlocked = true
	}
	if p.RequiredSignatures != nil && p.RequiredSignatures.GetEnabled() {
		bp.SignaturesRequired = true
	}
	if p.RequireLinearHistory != nil && p.RequireLinearHistory.Enabled {
		bp.LinearHistory = true
	}
}

func applyRules(bp *evidence.ForgeBranchProtection, r *gh.BranchRules, sets map[string]bool) {
	note := func(m gh.BranchRuleMetadata) {
		name := fmt.Sprintf("ruleset %d", m.RulesetID)
		if m.RulesetSource != "" {
			name += " (" + forge.Clean(m.RulesetSource, 100) + ")"
		}
		sets[name] = true
	}
	for _, pr := range r.PullRequest {
		if pr == nil {
			continue
		}
		note(pr.BranchRuleMetadata)
		bp.RequiresPullRequest = true
		bp.RequiredApprovals = max(bp.RequiredApprovals, pr.Parameters.RequiredApprovingReviewCount)
		bp.CodeOwnerReview = bp.CodeOwnerReview || pr.Parameters.RequireCodeOwnerReview
		bp.DismissStaleReviews = bp.DismissStaleReviews || pr.Parameters.DismissStaleReviewsOnPush
		bp.LastPushApproval = bp.LastPushApproval || pr.Parameters.RequireLastPushApproval
	}
	for _, sc := range r.RequiredStatusChecks {
		if sc == nil {
			continue
		}
		note(sc.BranchRuleMetadata)
		var names []string
		for _, c := range sc.Parameters.RequiredStatusChecks {
			if c != nil {
				names = append(names, c.Context)
			}
		}
		addChecks(bp, names)
		bp.StatusChecksRequired = bp.StatusChecksRequired || len(names) > 0
		bp.StrictChecks = bp.StrictChecks || sc.Parameters.StrictRequiredStatusChecksPolicy
	}
	for _, m := range r.NonFastForward {
		if m != nil {
			note(*m)
			bp.ForcePushBlocked = true
		}
	}
	for _, m := range r.Deletion {
		if m != nil {
			note(*m)
			bp.DeletionBlocked = true
		}
	}
	for _, m := range r.RequiredSignatures {
		if m != nil {
			note(*m)
			bp.SignaturesRequired = true
		}
	}
	for _, m := range r.RequiredLinearHistory {
		if m != nil {
			note(*m)
			bp.LinearHistory = true
		}
	}
}

func addChecks(bp *evidence.ForgeBranchProtection, names []string) {
	for _, n := range names {
		n = forge.Clean(n, 200)
		if n != "" && !slices.Contains(bp.RequiredChecks, n) && len(bp.RequiredChecks) < 100 {
			bp.RequiredChecks = append(bp.RequiredChecks, n)
		}
	}
}

func (f *Fetcher) collaborators(ctx context.Context, org bool) evidence.ForgeCollaborators {
	const ep = "GET /repos/{owner}/{repo}/collaborators"
	out := evidence.ForgeCollaborators{Access: forge.Allowed(ep)}
	outside := map[string]bool{}
	if org {
		opts := &gh.ListCollaboratorsOptions{Affiliation: "outside", ListOptions: gh.ListOptions{PerPage: perPage}}
		for page := 0; page < MaxPeople/perPage; page++ {
			users, resp, err := f.c.Repositories.ListCollaborators(ctx, f.owner, f.name, opts)
			if err != nil {
				break // the full list below says whether the endpoint is readable
			}
			for _, u := range users {
				outside[u.GetLogin()] = true
			}
			if resp.NextPage == 0 {
				break
			}
			opts.Page = resp.NextPage
		}
	}
	opts := &gh.ListCollaboratorsOptions{Affiliation: "all", ListOptions: gh.ListOptions{PerPage: perPage}}
	for {
		users, resp, err := f.c.Repositories.ListCollaborators(ctx, f.owner, f.name, opts)
		if err != nil {
			out.Access = f.classify(ep, needPush, resp, err)
			out.People = nil
			return out
		}
		for _, u := range users {
			if len(out.People) >= MaxPeople {
				out.Truncated = true
				return out
			}
			out.People = append(out.People, evidence.ForgeCollaborator{
				Login: forge.Clean(u.GetLogin(), 100), Role: roleOf(u), Outside: outside[u.GetLogin()],
				Bot: strings.EqualFold(u.GetType(), "Bot"),
			})
		}
		if resp.NextPage == 0 {
			return out
		}
		opts.Page = resp.NextPage
	}
}

func roleOf(u *gh.User) string {
	if rn := u.GetRoleName(); rn != "" {
		return forge.Clean(strings.ToLower(rn), 40)
	}
	p := u.GetPermissions()
	switch {
	case p == nil:
		return ""
	case p.GetAdmin():
		return "admin"
	case p.GetMaintain():
		return "maintain"
	case p.GetPush():
		return "write"
	case p.GetTriage():
		return "triage"
	}
	return "read"
}

func (f *Fetcher) organization(ctx context.Context, r *evidence.ForgeRepository) evidence.ForgeOrganization {
	const ep = "GET /orgs/{org}"
	o := evidence.ForgeOrganization{Name: r.Owner, Type: r.OwnerKind, Access: forge.Allowed(ep)}
	if r.OwnerKind != "organization" {
		o.Access = forge.Unsupported(ep, "the repository belongs to a personal account; GitHub can require two-factor authentication only for an organisation's members")
		o.MembersAccess = o.Access
		return o
	}
	org, resp, err := f.c.Organizations.Get(ctx, r.Owner)
	err = nonEmpty(org, err)
	if err != nil {
		o.Access = f.classify(ep, needOwner, resp, err)
		o.MembersAccess = o.Access
		return o
	}
	if v := org.TwoFactorRequirementEnabled; v != nil {
		b := *v
		o.TwoFactorRequired = &b
	} else {
		// GitHub shows the setting to organisation owners only.
		o.Access = evidence.ForgeAccess{State: evidence.AccessDenied, Endpoint: ep,
			Reason: "two_factor_requirement_enabled is shown to organisation owners only", Need: needOwner}
	}
	o.DefaultPermission = forge.Clean(org.GetDefaultRepoPermission(), 20)

	const mep = "GET /orgs/{org}/members?filter=2fa_disabled"
	o.MembersAccess = forge.Allowed(mep)
	var without []string
	mopts := &gh.ListMembersOptions{Filter: "2fa_disabled", ListOptions: gh.ListOptions{PerPage: perPage}}
	for page := 0; page < MaxPeople/perPage; page++ {
		users, resp, err := f.c.Organizations.ListMembers(ctx, r.Owner, mopts)
		if err != nil {
			o.MembersAccess = f.classify(mep, needOwner, resp, err)
			return o
		}
		for _, u := range users {
			without = append(without, forge.Clean(u.GetLogin(), 100))
		}
		if resp.NextPage == 0 {
			break
		}
		mopts.Page = resp.NextPage
	}
	copts := &gh.ListOutsideCollaboratorsOptions{Filter: "2fa_disabled", ListOptions: gh.ListOptions{PerPage: perPage}}
	for page := 0; page < MaxPeople/perPage; page++ {
		users, resp, err := f.c.Organizations.ListOutsideCollaborators(ctx, r.Owner, copts)
		if err != nil {
			o.MembersAccess = f.classify("GET /orgs/{org}/outside_collaborators?filter=2fa_disabled", needOwner, resp, err)
			return o
		}
		for _, u := range users {
			without = append(without, forge.Clean(u.GetLogin(), 100)+" (outside collaborator)")
		}
		if resp.NextPage == 0 {
			break
		}
		copts.Page = resp.NextPage
	}
	o.WithoutTwoFactor, o.WithoutTwoFactorKnown = without, true
	return o
}

func (f *Fetcher) workflowToken(ctx context.Context) evidence.ForgeWorkflowToken {
	const ep = "GET /repos/{owner}/{repo}/actions/permissions/workflow"
	p, resp, err := f.c.Repositories.GetDefaultWorkflowPermissions(ctx, f.owner, f.name)
	err = nonEmpty(p, err)
	if err != nil {
		return evidence.ForgeWorkflowToken{Access: f.classify(ep, needAdmin, resp, err)}
	}
	return evidence.ForgeWorkflowToken{
		DefaultPermission:      forge.Clean(p.GetDefaultWorkflowPermissions(), 20),
		CanApprovePullRequests: p.GetCanApprovePullRequestReviews(),
		Access:                 forge.Allowed(ep),
	}
}

func (f *Fetcher) actionsPolicy(ctx context.Context) evidence.ForgeActionsPolicy {
	const ep = "GET /repos/{owner}/{repo}/actions/permissions"
	p, resp, err := f.c.Repositories.GetActionsPermissions(ctx, f.owner, f.name)
	err = nonEmpty(p, err)
	if err != nil {
		return evidence.ForgeActionsPolicy{Access: f.classify(ep, needAdmin, resp, err)}
	}
	return evidence.ForgeActionsPolicy{
		Enabled: p.Enabled, AllowedActions: forge.Clean(p.GetAllowedActions(), 20), SHAPinning: p.GetSHAPinningRequired(),
		Access: forge.Allowed(ep),
	}
}

func (f *Fetcher) runners(ctx context.Context) evidence.ForgeRunners {
	const ep = "GET /repos/{owner}/{repo}/actions/runners"
	out := evidence.ForgeRunners{Access: forge.Allowed(ep)}
	opts := &gh.ListRunnersOptions{ListOptions: gh.ListOptions{PerPage: perPage}}
	for page := 0; page < 10; page++ {
		rs, resp, err := f.c.Actions.ListRunners(ctx, f.owner, f.name, opts)
		err = nonEmpty(rs, err)
		if err != nil {
			return evidence.ForgeRunners{Access: f.classify(ep, needAdmin, resp, err)}
		}
		for _, r := range rs.Runners {
			run := evidence.ForgeRunner{Name: forge.Clean(r.GetName(), 100), OS: forge.Clean(r.GetOS(), 40), Status: forge.Clean(r.GetStatus(), 20), SelfHosted: true}
			for _, l := range r.Labels {
				if len(run.Labels) < 20 {
					run.Labels = append(run.Labels, forge.Clean(l.GetName(), 60))
				}
			}
			out.Runners = append(out.Runners, run)
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return out
}

func (f *Fetcher) environments(ctx context.Context) evidence.ForgeEnvironments {
	const ep = "GET /repos/{owner}/{repo}/environments"
	out := evidence.ForgeEnvironments{Access: forge.Allowed(ep)}
	opts := &gh.EnvironmentListOptions{ListOptions: gh.ListOptions{PerPage: perPage}}
	for page := 0; page < 10; page++ {
		envs, resp, err := f.c.Repositories.ListEnvironments(ctx, f.owner, f.name, opts)
		err = nonEmpty(envs, err)
		if err != nil {
			return evidence.ForgeEnvironments{Access: f.classify(ep, needRead, resp, err)}
		}
		for _, e := range envs.Environments {
			env := evidence.ForgeEnvironment{Name: forge.Clean(e.GetName(), 100), AdminsBypass: e.CanAdminsBypass == nil || *e.CanAdminsBypass}
			for _, pr := range e.ProtectionRules {
				switch pr.GetType() {
				case "required_reviewers":
					env.RequiredReviewers += len(pr.Reviewers)
					env.Protected = true
				case "wait_timer":
					env.WaitMinutes = pr.GetWaitTimer()
					env.Protected = env.Protected || env.WaitMinutes > 0
				case "branch_policy":
					env.Protected = true
				}
			}
			if bp := e.DeploymentBranchPolicy; bp != nil {
				switch {
				case bp.GetProtectedBranches():
					env.BranchPolicy = "protected branches"
				case bp.GetCustomBranchPolicies():
					env.BranchPolicy = "custom"
				}
				env.Protected = env.Protected || env.BranchPolicy != ""
			}
			out.Environments = append(out.Environments, env)
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return out
}

func (f *Fetcher) secrets(ctx context.Context) evidence.ForgeSecrets {
	const ep = "GET /repos/{owner}/{repo}/actions/secrets"
	out := evidence.ForgeSecrets{Access: forge.Allowed(ep)}
	opts := &gh.ListOptions{PerPage: perPage}
	for {
		ss, resp, err := f.c.Actions.ListRepoSecrets(ctx, f.owner, f.name, opts)
		err = nonEmpty(ss, err)
		if err != nil {
			return evidence.ForgeSecrets{Access: f.classify(ep, needSecrets, resp, err)}
		}
		for _, s := range ss.Secrets {
			if len(out.Secrets) >= MaxSecrets {
				out.Truncated = true
				return out
			}
			out.Secrets = append(out.Secrets, evidence.ForgeSecret{Name: forge.Clean(s.Name, 200), Scope: "repository", UpdatedAt: s.UpdatedAt.Time})
		}
		if resp.NextPage == 0 {
			return out
		}
		opts.Page = resp.NextPage
	}
}

func (f *Fetcher) securityFeatures(ctx context.Context, repo *gh.Repository, admin bool) []evidence.ForgeSecurityFeature {
	var out []evidence.ForgeSecurityFeature

	const pvr = "GET /repos/{owner}/{repo}/private-vulnerability-reporting"
	on, resp, err := f.c.Repositories.IsPrivateReportingEnabled(ctx, f.owner, f.name)
	if err != nil {
		out = append(out, evidence.ForgeSecurityFeature{Feature: evidence.FeaturePrivateReporting, Access: f.classify(pvr, needAdmin, resp, err)})
	} else {
		out = append(out, evidence.ForgeSecurityFeature{Feature: evidence.FeaturePrivateReporting, Enabled: on, Detail: onOff(on), Access: forge.Allowed(pvr)})
	}

	// The vulnerability-alerts endpoint answers 204 when Dependabot alerts
	// are on and 404 when off, but it also answers 404 to anyone who is not
	// an admin, so a 404 means "off" only for an admin token.
	const va = "GET /repos/{owner}/{repo}/vulnerability-alerts"
	on, resp, err = f.c.Repositories.GetVulnerabilityAlerts(ctx, f.owner, f.name)
	switch {
	case err != nil:
		out = append(out, evidence.ForgeSecurityFeature{Feature: evidence.FeatureDependencyAlerts, Access: f.classify(va, needAdmin, resp, err)})
	case on || admin:
		out = append(out, evidence.ForgeSecurityFeature{Feature: evidence.FeatureDependencyAlerts, Enabled: on, Detail: onOff(on), Access: forge.Allowed(va)})
	default:
		out = append(out, evidence.ForgeSecurityFeature{Feature: evidence.FeatureDependencyAlerts, Access: evidence.ForgeAccess{
			State: evidence.AccessDenied, Endpoint: va, Reason: "HTTP 404: GitHub answers 404 both when alerts are off and when the token is not an admin", Need: needAdmin}})
	}

	// security_and_analysis is included in the repository only for admins.
	const sa = "GET /repos/{owner}/{repo} (security_and_analysis)"
	saa := repo.GetSecurityAndAnalysis()
	status := func(feature, s string) evidence.ForgeSecurityFeature {
		if saa == nil {
			return evidence.ForgeSecurityFeature{Feature: feature, Access: evidence.ForgeAccess{State: evidence.AccessDenied, Endpoint: sa,
				Reason: "security_and_analysis is shown to repository admins only", Need: needAdmin}}
		}
		if s == "" {
			return evidence.ForgeSecurityFeature{Feature: feature, Detail: "not offered", Access: forge.Allowed(sa)}
		}
		return evidence.ForgeSecurityFeature{Feature: feature, Enabled: s == "enabled", Detail: forge.Clean(s, 20), Access: forge.Allowed(sa)}
	}
	out = append(out,
		status(evidence.FeatureSecretScanning, saa.GetSecretScanning().GetStatus()),
		status(evidence.FeaturePushProtection, saa.GetSecretScanningPushProtection().GetStatus()),
		status(evidence.FeatureSecurityUpdates, saa.GetDependabotSecurityUpdates().GetStatus()),
	)
	return out
}

func onOff(b bool) string {
	if b {
		return "enabled"
	}
	return "disabled"
}

// dependabotAlerts lists open alerts. A 403 saying alerts are disabled is an
// observation of the setting, not a refusal.
func (f *Fetcher) dependabotAlerts(ctx context.Context) (evidence.ForgeAlerts, *evidence.ForgeSecurityFeature) {
	const ep = "GET /repos/{owner}/{repo}/dependabot/alerts?state=open"
	out := evidence.ForgeAlerts{Source: evidence.AlertsDependabot, TargetDays: f.targets, Access: forge.Allowed(ep)}
	state := "open"
	opts := &gh.ListAlertsOptions{State: &state, ListOptions: gh.ListOptions{PerPage: perPage}}
	for page := 0; page < MaxAlerts/perPage+1; page++ {
		alerts, resp, err := f.c.Dependabot.ListRepoAlerts(ctx, f.owner, f.name, opts)
		if err != nil {
			r := refusal(resp, err)
			if r.Status == http.StatusForbidden && strings.Contains(strings.ToLower(r.Message), "disabled") {
				out.Access = evidence.ForgeAccess{State: evidence.AccessUnsupported, Endpoint: ep, Reason: "Dependabot alerts are disabled"}
				return out, &evidence.ForgeSecurityFeature{Feature: evidence.FeatureDependencyAlerts, Detail: "disabled (" + forge.Clean(r.Message, 120) + ")", Access: forge.Allowed(ep)}
			}
			return evidence.ForgeAlerts{Source: evidence.AlertsDependabot, Access: f.classify(ep, fmt.Sprintf(needSecurity, "Dependabot alerts"), resp, err)}, nil
		}
		for _, a := range alerts {
			if len(out.Open) >= MaxAlerts {
				out.Truncated = true
				return out, nil
			}
			title := a.GetDependency().GetPackage().GetName()
			if id := a.GetSecurityAdvisory().GetGHSAID(); id != "" {
				title += " " + id
			}
			out.Open = append(out.Open, evidence.ForgeAlert{
				ID: fmt.Sprint(a.GetNumber()), Severity: strings.ToLower(forge.Clean(a.GetSecurityAdvisory().GetSeverity(), 20)),
				Title: forge.Clean(title, 200), CreatedAt: a.GetCreatedAt().Time, URL: forge.Clean(a.GetHTMLURL(), 300),
			})
		}
		switch {
		case resp.After != "":
			opts.After = resp.After
		case resp.NextPage != 0:
			opts.ListOptions.Page = resp.NextPage
		default:
			return out, nil
		}
	}
	out.Truncated = true
	return out, nil
}

func (f *Fetcher) codeScanningAlerts(ctx context.Context, visibility string) (evidence.ForgeAlerts, evidence.ForgeSecurityFeature) {
	const ep = "GET /repos/{owner}/{repo}/code-scanning/alerts?state=open"
	out := evidence.ForgeAlerts{Source: evidence.AlertsCodeScanning, TargetDays: f.targets, Access: forge.Allowed(ep)}
	feat := evidence.ForgeSecurityFeature{Feature: evidence.FeatureCodeScanning, Enabled: true, Detail: "analyses found", Access: forge.Allowed(ep)}
	opts := &gh.AlertListOptions{State: "open", ListOptions: gh.ListOptions{PerPage: perPage}}
	for page := 0; page < MaxAlerts/perPage+1; page++ {
		alerts, resp, err := f.c.CodeScanning.ListAlertsForRepo(ctx, f.owner, f.name, opts)
		if err != nil {
			r := refusal(resp, err)
			msg := strings.ToLower(r.Message)
			switch {
			case r.Status == http.StatusNotFound && strings.Contains(msg, "no analysis found"):
				feat = evidence.ForgeSecurityFeature{Feature: evidence.FeatureCodeScanning, Detail: "no code scanning analysis has been uploaded", Access: forge.Allowed(ep)}
				out.Access = evidence.ForgeAccess{State: evidence.AccessUnsupported, Endpoint: ep, Reason: "code scanning has no analyses"}
			case r.Status == http.StatusForbidden && strings.Contains(msg, "advanced security must be enabled"):
				if visibility == "public" {
					feat = evidence.ForgeSecurityFeature{Feature: evidence.FeatureCodeScanning, Detail: "disabled", Access: forge.Allowed(ep)}
				} else {
					feat.Access = forge.Tier(ep, r.Message, "GitHub Code Security (Advanced Security) for this private repository")
					feat.Enabled = false
				}
				out.Access = feat.Access
				if feat.Access.OK() {
					out.Access = evidence.ForgeAccess{State: evidence.AccessUnsupported, Endpoint: ep, Reason: "code scanning is disabled"}
				}
			default:
				a := f.classify(ep, fmt.Sprintf(needSecurity, "Code scanning alerts"), resp, err)
				out = evidence.ForgeAlerts{Source: evidence.AlertsCodeScanning, Access: a}
				feat = evidence.ForgeSecurityFeature{Feature: evidence.FeatureCodeScanning, Access: a}
			}
			return out, feat
		}
		for _, a := range alerts {
			if len(out.Open) >= MaxAlerts {
				out.Truncated = true
				return out, feat
			}
			sev := a.GetRule().GetSecuritySeverityLevel()
			if sev == "" {
				sev = a.GetRule().GetSeverity()
			}
			out.Open = append(out.Open, evidence.ForgeAlert{
				ID: fmt.Sprint(a.GetNumber()), Severity: strings.ToLower(forge.Clean(sev, 20)),
				Title: forge.Clean(a.GetRule().GetID()+" ("+a.GetTool().GetName()+")", 200), CreatedAt: a.GetCreatedAt().Time,
				URL: forge.Clean(a.GetHTMLURL(), 300),
			})
		}
		if resp.NextPage == 0 {
			return out, feat
		}
		opts.ListOptions.Page = resp.NextPage
	}
	out.Truncated = true
	return out, feat
}

// secretScanningAlerts asks GitHub to leave the secrets out of the answer
// (hide_secret), and the transport never stores these answers on disk.
func (f *Fetcher) secretScanningAlerts(ctx context.Context) evidence.ForgeAlerts {
	const ep = "GET /repos/{owner}/{repo}/secret-scanning/alerts?state=open"
	out := evidence.ForgeAlerts{Source: evidence.AlertsSecretScanning, TargetDays: f.targets, Access: forge.Allowed(ep)}
	u := fmt.Sprintf("repos/%s/%s/secret-scanning/alerts?state=open&hide_secret=true&per_page=%d", f.owner, f.name, perPage)
	for page := 1; page <= MaxAlerts/perPage; page++ {
		req, err := f.c.NewRequest(ctx, http.MethodGet, fmt.Sprintf("%s&page=%d", u, page), nil)
		if err != nil {
			return evidence.ForgeAlerts{Source: evidence.AlertsSecretScanning, Access: forge.Classify(ep, "", forge.Refusal{Err: err}, f.clock())}
		}
		var alerts []*gh.SecretScanningAlert
		resp, err := f.c.Do(req, &alerts)
		if err != nil {
			r := refusal(resp, err)
			if r.Status == http.StatusNotFound && strings.Contains(strings.ToLower(r.Message), "disabled") {
				return evidence.ForgeAlerts{Source: evidence.AlertsSecretScanning, Access: evidence.ForgeAccess{State: evidence.AccessUnsupported, Endpoint: ep, Reason: "secret scanning is disabled"}}
			}
			return evidence.ForgeAlerts{Source: evidence.AlertsSecretScanning, Access: f.classify(ep, fmt.Sprintf(needSecurity, "Secret scanning alerts"), resp, err)}
		}
		for _, a := range alerts {
			a.Secret = nil
			out.Open = append(out.Open, evidence.ForgeAlert{
				ID: fmt.Sprint(a.GetNumber()), Severity: "high", Title: forge.Clean(a.GetSecretTypeDisplayName(), 200),
				CreatedAt: a.GetCreatedAt().Time, URL: forge.Clean(a.GetHTMLURL(), 300),
			})
		}
		if resp.NextPage == 0 {
			return out
		}
	}
	out.Truncated = true
	return out
}

func (f *Fetcher) advisories(ctx context.Context) evidence.ForgeAdvisories {
	const ep = "GET /repos/{owner}/{repo}/security-advisories"
	out := evidence.ForgeAdvisories{Access: forge.Allowed(ep)}
	opts := &gh.ListRepositorySecurityAdvisoriesOptions{ListCursorOptions: gh.ListCursorOptions{PerPage: perPage}}
	for page := 0; page < MaxAdvisories/perPage; page++ {
		advs, resp, err := f.c.SecurityAdvisories.ListRepositorySecurityAdvisories(ctx, f.owner, f.name, opts)
		if err != nil {
			return evidence.ForgeAdvisories{Access: f.classify(ep, needRead+" (drafts need the security manager or admin role)", resp, err)}
		}
		for _, a := range advs {
			out.Advisories = append(out.Advisories, evidence.ForgeAdvisory{
				ID: forge.Clean(a.GetGHSAID(), 40), CVE: forge.Clean(a.GetCVEID(), 40), Severity: forge.Clean(a.GetSeverity(), 20),
				State: forge.Clean(a.GetState(), 20), Summary: forge.Clean(a.GetSummary(), 200), PublishedAt: a.GetPublishedAt().Time,
				URL: forge.Clean(a.GetHTMLURL(), 300),
			})
		}
		if resp.After == "" {
			return out
		}
		opts.After = resp.After
	}
	return out
}

func (f *Fetcher) releases(ctx context.Context) evidence.ForgeReleases {
	const ep = "GET /repos/{owner}/{repo}/releases"
	rels, resp, err := f.c.Repositories.ListReleases(ctx, f.owner, f.name, &gh.ListOptions{PerPage: MaxReleases})
	if err != nil {
		return evidence.ForgeReleases{Access: f.classify(ep, needRead, resp, err)}
	}
	out := evidence.ForgeReleases{Access: forge.Allowed(ep), Truncated: resp.NextPage != 0}
	for _, r := range rels {
		rel := evidence.ForgeRelease{
			Tag: forge.Clean(r.TagName, 200), Name: forge.Clean(r.GetName(), 200), PublishedAt: r.GetPublishedAt().Time,
			Draft: r.Draft, Prerelease: r.Prerelease, Immutable: r.GetImmutable(), URL: forge.Clean(r.GetHTMLURL(), 300),
		}
		for _, a := range r.Assets {
			if len(rel.Assets) >= 200 {
				break
			}
			rel.Assets = append(rel.Assets, evidence.ForgeAsset{
				Name: forge.Clean(a.GetName(), 200), Size: int64(a.GetSize()), Digest: forge.Clean(a.GetDigest(), 100),
				URL: forge.Clean(a.GetBrowserDownloadURL(), 300),
			})
		}
		out.Releases = append(out.Releases, rel)
	}
	return out
}
