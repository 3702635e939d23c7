// Package github reads a repository's security settings, alerts and
// advisories from the GitHub REST API (github.com and GitHub Enterprise
// Server) through the small REST client in internal/forge/rest, and
// returns them as forge evidence.
//
// Every endpoint is read independently: one refusal (a missing scope, a
// feature the plan lacks, a spent rate limit) is recorded on the facts it
// concerns, with the permission that would reveal it, and the rest of the
// collection goes on.
package github

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/forge"
	"github.com/assaysec/assay/internal/forge/rest"
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
	c       *rest.Client
	s       forge.Subject
	now     time.Time // assessment time: alert ages are computed against it by rules
	clock   func() time.Time
	targets map[string]int
	owner   string
	name    string
}

// New returns a fetcher for s over hc, whose transport carries the token.
func New(s forge.Subject, hc *http.Client, now time.Time, targets map[string]int) (*Fetcher, error) {
	c, err := newClient(hc, s.APIURL)
	if err != nil {
		return nil, fmt.Errorf("GitHub client for %s: %w", s, err)
	}
	parts := strings.SplitN(s.Path, "/", 2)
	if len(parts) != 2 {
		return nil, fmt.Errorf("GitHub repository %q: want OWNER/NAME", s.Path)
	}
	return &Fetcher{c: c, s: s, now: now, clock: time.Now, targets: targets, owner: parts[0], name: parts[1]}, nil
}

// repo is the API path of the repository followed by suffix.
func (f *Fetcher) repo(suffix string) string {
	return "repos/" + url.PathEscape(f.owner) + "/" + url.PathEscape(f.name) + suffix
}

// list is the query of a paginated list: per_page, page when past the
// first, and any filters as key, value pairs.
func list(perPage, page int, kv ...string) url.Values {
	q := url.Values{"per_page": {strconv.Itoa(perPage)}}
	if page > 0 {
		q.Set("page", strconv.Itoa(page))
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	return q
}

func (f *Fetcher) classify(endpoint, need string, err error) evidence.ForgeAccess {
	return forge.Classify(endpoint, need, refusal(err), f.clock())
}

func (f *Fetcher) web(parts ...string) string {
	return f.s.WebURL() + strings.Join(parts, "")
}

// Fetch reads everything. It fails only when the repository itself cannot
// be read: without it there is no default branch and no owner to ask about.
func (f *Fetcher) Fetch(ctx context.Context) (*evidence.ForgeRepository, []forge.Observation, error) {
	var repo repository
	resp, err := f.c.Get(ctx, f.repo(""), nil, &repo)
	if err != nil {
		a := f.classify("GET /repos/{owner}/{repo}", needRead, err)
		if rest.Status(err) == http.StatusNotFound {
			return nil, nil, fmt.Errorf("GitHub repository %s was not found, or is private and the token cannot see it (%s): set GITHUB_TOKEN to a token with %s", f.s, a.Reason, needRead)
		}
		return nil, nil, fmt.Errorf("read GitHub repository %s: %s; %s", f.s, a.Reason, a.Need)
	}
	r := &evidence.ForgeRepository{
		Forge: forge.GitHub, Host: f.s.Host, Path: f.s.Path, WebURL: repo.HTMLURL, APIURL: f.s.APIURL,
		DefaultBranch: repo.DefaultBranch, Visibility: repo.Visibility, Archived: repo.Archived, Fork: repo.Fork,
		Owner: repo.Owner.Login, Access: forge.Allowed("GET /repos/{owner}/{repo}"),
	}
	if r.WebURL == "" {
		r.WebURL = f.s.WebURL()
	}
	if r.Visibility == "" {
		r.Visibility = "public"
		if repo.Private {
			r.Visibility = "private"
		}
	}
	switch strings.ToLower(repo.Owner.Type) {
	case "organization":
		r.OwnerKind = "organization"
	default:
		r.OwnerKind = "user"
	}
	if p := repo.Permissions; p != nil {
		r.Authenticated = true
		switch {
		case p.Admin:
			r.ViewerRole = "admin"
		case p.Maintain:
			r.ViewerRole = "maintain"
		case p.Push:
			r.ViewerRole = "write"
		case p.Triage:
			r.ViewerRole = "triage"
		case p.Pull:
			r.ViewerRole = "read"
		}
	}
	if sc := resp.Header.Get("X-OAuth-Scopes"); sc != "" {
		for _, s := range strings.Split(sc, ",") {
			if s = strings.TrimSpace(s); s != "" {
				r.TokenScopes = append(r.TokenScopes, forge.Clean(s, 64))
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
	for _, feat := range f.securityFeatures(ctx, &repo, admin) {
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

// branchNotProtected is GitHub's message when a branch has no classic
// protection: an observation, not a refusal.
const branchNotProtected = "Branch not protected"

func (f *Fetcher) branchProtection(ctx context.Context, branch string, admin bool) evidence.ForgeBranchProtection {
	bp := evidence.ForgeBranchProtection{Branch: branch, Complete: true}
	if branch == "" {
		bp.Access = forge.Unsupported("GET /repos/{owner}/{repo}", "the repository has no default branch (it is empty)")
		return bp
	}
	esc := url.PathEscape(branch)
	// The branch summary is readable with read access and says whether any
	// protection (classic or ruleset) applies at all.
	var b branchSummary
	if _, err := f.c.Get(ctx, f.repo("/branches/"+esc), nil, &b); err == nil {
		if b.Protected != nil {
			v := *b.Protected
			bp.Protected = &v
		}
	} else {
		bp.Unseen = append(bp.Unseen, f.classify("GET /repos/{owner}/{repo}/branches/{branch}", needRead, err))
	}

	// Rulesets: readable by anyone who can read the repository.
	rulesets := map[string]bool{}
	next := 0
	for page := 0; page < 10; page++ {
		var rules []*branchRule
		resp, err := f.c.Get(ctx, f.repo("/rules/branches/"+esc), list(perPage, next), &rules)
		if err != nil {
			bp.Complete = false
			bp.Unseen = append(bp.Unseen, f.classify("GET /repos/{owner}/{repo}/rules/branches/{branch}", needRead, err))
			break
		}
		applyRules(&bp, rules, rulesets)
		if resp.NextPage == 0 {
			break
		}
		next = resp.NextPage
	}
	for name := range rulesets {
		bp.Sources = append(bp.Sources, name)
	}
	sort.Strings(bp.Sources)

	// Classic branch protection: admin only.
	const ep = "GET /repos/{owner}/{repo}/branches/{branch}/protection"
	var p protection
	_, err := f.c.Get(ctx, f.repo("/branches/"+esc+"/protection"), nil, &p)
	st := rest.Status(err)
	switch {
	case err == nil:
		bp.Sources = append([]string{"branch protection"}, bp.Sources...)
		applyClassic(&bp, &p)
	case st == http.StatusNotFound && refusal(err).Message == branchNotProtected:
		// Observed: no classic protection on this branch.
	case st == http.StatusNotFound && bp.Protected != nil && !*bp.Protected:
		// The summary already says nothing protects the branch.
	default:
		a := f.classify(ep, needAdmin, err)
		if st == http.StatusNotFound && admin {
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

func applyClassic(bp *evidence.ForgeBranchProtection, p *protection) {
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
	if p.RequiredSignatures != nil && p.RequiredSignatures.Enabled {
		bp.SignaturesRequired = true
	}
	if p.RequireLinearHistory != nil && p.RequireLinearHistory.Enabled {
		bp.LinearHistory = true
	}
}

func applyRules(bp *evidence.ForgeBranchProtection, rules []*branchRule, sets map[string]bool) {
	for _, r := range rules {
		if r == nil {
			continue
		}
		note := func() {
			name := fmt.Sprintf("ruleset %d", r.RulesetID)
			if r.RulesetSource != "" {
				name += " (" + forge.Clean(r.RulesetSource, 100) + ")"
			}
			sets[name] = true
		}
		pr := &r.Parameters
		switch r.Type {
		case "pull_request":
			note()
			bp.RequiresPullRequest = true
			bp.RequiredApprovals = max(bp.RequiredApprovals, pr.RequiredApprovingReviewCount)
			bp.CodeOwnerReview = bp.CodeOwnerReview || pr.RequireCodeOwnerReview
			bp.DismissStaleReviews = bp.DismissStaleReviews || pr.DismissStaleReviewsOnPush
			bp.LastPushApproval = bp.LastPushApproval || pr.RequireLastPushApproval
		case "required_status_checks":
			note()
			var names []string
			for _, c := range pr.RequiredStatusChecks {
				if c != nil {
					names = append(names, c.Context)
				}
			}
			addChecks(bp, names)
			bp.StatusChecksRequired = bp.StatusChecksRequired || len(names) > 0
			bp.StrictChecks = bp.StrictChecks || pr.StrictRequiredStatusChecksPolicy
		case "non_fast_forward":
			note()
			bp.ForcePushBlocked = true
		case "deletion":
			note()
			bp.DeletionBlocked = true
		case "required_signatures":
			note()
			bp.SignaturesRequired = true
		case "required_linear_history":
			note()
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
		next := 0
		for page := 0; page < MaxPeople/perPage; page++ {
			var users []*user
			resp, err := f.c.Get(ctx, f.repo("/collaborators"), list(perPage, next, "affiliation", "outside"), &users)
			if err != nil {
				break // the full list below says whether the endpoint is readable
			}
			for _, u := range users {
				if u != nil {
					outside[u.Login] = true
				}
			}
			if resp.NextPage == 0 {
				break
			}
			next = resp.NextPage
		}
	}
	next := 0
	for {
		var users []*user
		resp, err := f.c.Get(ctx, f.repo("/collaborators"), list(perPage, next, "affiliation", "all"), &users)
		if err != nil {
			out.Access = f.classify(ep, needPush, err)
			out.People = nil
			return out
		}
		for _, u := range users {
			if u == nil {
				continue
			}
			if len(out.People) >= MaxPeople {
				out.Truncated = true
				return out
			}
			out.People = append(out.People, evidence.ForgeCollaborator{
				Login: forge.Clean(u.Login, 100), Role: roleOf(u), Outside: outside[u.Login],
				Bot: strings.EqualFold(u.Type, "Bot"),
			})
		}
		if resp.NextPage == 0 {
			return out
		}
		next = resp.NextPage
	}
}

func roleOf(u *user) string {
	if rn := u.RoleName; rn != "" {
		return forge.Clean(strings.ToLower(rn), 40)
	}
	p := u.Permissions
	switch {
	case p == nil:
		return ""
	case p.Admin:
		return "admin"
	case p.Maintain:
		return "maintain"
	case p.Push:
		return "write"
	case p.Triage:
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
	orgPath := "orgs/" + url.PathEscape(r.Owner)
	var org organization
	if _, err := f.c.Get(ctx, orgPath, nil, &org); err != nil {
		o.Access = f.classify(ep, needOwner, err)
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
	o.DefaultPermission = forge.Clean(org.DefaultRepositoryPermission, 20)

	const mep = "GET /orgs/{org}/members?filter=2fa_disabled"
	o.MembersAccess = forge.Allowed(mep)
	var without []string
	for _, l := range []struct {
		path, endpoint, suffix string
	}{
		{"/members", mep, ""},
		{"/outside_collaborators", "GET /orgs/{org}/outside_collaborators?filter=2fa_disabled", " (outside collaborator)"},
	} {
		next := 0
		for page := 0; page < MaxPeople/perPage; page++ {
			var users []*user
			resp, err := f.c.Get(ctx, orgPath+l.path, list(perPage, next, "filter", "2fa_disabled"), &users)
			if err != nil {
				o.MembersAccess = f.classify(l.endpoint, needOwner, err)
				return o
			}
			for _, u := range users {
				if u != nil {
					without = append(without, forge.Clean(u.Login, 100)+l.suffix)
				}
			}
			if resp.NextPage == 0 {
				break
			}
			next = resp.NextPage
		}
	}
	o.WithoutTwoFactor, o.WithoutTwoFactorKnown = without, true
	return o
}

func (f *Fetcher) workflowToken(ctx context.Context) evidence.ForgeWorkflowToken {
	const ep = "GET /repos/{owner}/{repo}/actions/permissions/workflow"
	var p workflowPermissions
	if _, err := f.c.Get(ctx, f.repo("/actions/permissions/workflow"), nil, &p); err != nil {
		return evidence.ForgeWorkflowToken{Access: f.classify(ep, needAdmin, err)}
	}
	return evidence.ForgeWorkflowToken{
		DefaultPermission:      forge.Clean(p.DefaultWorkflowPermissions, 20),
		CanApprovePullRequests: p.CanApprovePullRequestReviews,
		Access:                 forge.Allowed(ep),
	}
}

func (f *Fetcher) actionsPolicy(ctx context.Context) evidence.ForgeActionsPolicy {
	const ep = "GET /repos/{owner}/{repo}/actions/permissions"
	var p actionsPermissions
	if _, err := f.c.Get(ctx, f.repo("/actions/permissions"), nil, &p); err != nil {
		return evidence.ForgeActionsPolicy{Access: f.classify(ep, needAdmin, err)}
	}
	return evidence.ForgeActionsPolicy{
		Enabled: p.Enabled, AllowedActions: forge.Clean(p.AllowedActions, 20), SHAPinning: p.SHAPinningRequired,
		Access: forge.Allowed(ep),
	}
}

func (f *Fetcher) runners(ctx context.Context) evidence.ForgeRunners {
	const ep = "GET /repos/{owner}/{repo}/actions/runners"
	out := evidence.ForgeRunners{Access: forge.Allowed(ep)}
	next := 0
	for page := 0; page < 10; page++ {
		var rs runners
		resp, err := f.c.Get(ctx, f.repo("/actions/runners"), list(perPage, next), &rs)
		if err != nil {
			return evidence.ForgeRunners{Access: f.classify(ep, needAdmin, err)}
		}
		for _, r := range rs.Runners {
			if r == nil {
				continue
			}
			run := evidence.ForgeRunner{Name: forge.Clean(r.Name, 100), OS: forge.Clean(r.OS, 40), Status: forge.Clean(r.Status, 20), SelfHosted: true}
			for _, l := range r.Labels {
				if l != nil && len(run.Labels) < 20 {
					run.Labels = append(run.Labels, forge.Clean(l.Name, 60))
				}
			}
			out.Runners = append(out.Runners, run)
		}
		if resp.NextPage == 0 {
			break
		}
		next = resp.NextPage
	}
	return out
}

func (f *Fetcher) environments(ctx context.Context) evidence.ForgeEnvironments {
	const ep = "GET /repos/{owner}/{repo}/environments"
	out := evidence.ForgeEnvironments{Access: forge.Allowed(ep)}
	next := 0
	for page := 0; page < 10; page++ {
		var envs environments
		resp, err := f.c.Get(ctx, f.repo("/environments"), list(perPage, next), &envs)
		if err != nil {
			return evidence.ForgeEnvironments{Access: f.classify(ep, needRead, err)}
		}
		for _, e := range envs.Environments {
			if e == nil {
				continue
			}
			env := evidence.ForgeEnvironment{Name: forge.Clean(e.Name, 100), AdminsBypass: e.CanAdminsBypass == nil || *e.CanAdminsBypass}
			for _, pr := range e.ProtectionRules {
				if pr == nil {
					continue
				}
				switch pr.Type {
				case "required_reviewers":
					env.RequiredReviewers += len(pr.Reviewers)
					env.Protected = true
				case "wait_timer":
					env.WaitMinutes = pr.WaitTimer
					env.Protected = env.Protected || env.WaitMinutes > 0
				case "branch_policy":
					env.Protected = true
				}
			}
			if bp := e.DeploymentBranchPolicy; bp != nil {
				switch {
				case bp.ProtectedBranches:
					env.BranchPolicy = "protected branches"
				case bp.CustomBranchPolicies:
					env.BranchPolicy = "custom"
				}
				env.Protected = env.Protected || env.BranchPolicy != ""
			}
			out.Environments = append(out.Environments, env)
		}
		if resp.NextPage == 0 {
			break
		}
		next = resp.NextPage
	}
	return out
}

func (f *Fetcher) secrets(ctx context.Context) evidence.ForgeSecrets {
	const ep = "GET /repos/{owner}/{repo}/actions/secrets"
	out := evidence.ForgeSecrets{Access: forge.Allowed(ep)}
	next := 0
	for {
		var ss secrets
		resp, err := f.c.Get(ctx, f.repo("/actions/secrets"), list(perPage, next), &ss)
		if err != nil {
			return evidence.ForgeSecrets{Access: f.classify(ep, needSecrets, err)}
		}
		for _, s := range ss.Secrets {
			if s == nil {
				continue
			}
			if len(out.Secrets) >= MaxSecrets {
				out.Truncated = true
				return out
			}
			out.Secrets = append(out.Secrets, evidence.ForgeSecret{Name: forge.Clean(s.Name, 200), Scope: "repository", UpdatedAt: s.UpdatedAt})
		}
		if resp.NextPage == 0 {
			return out
		}
		next = resp.NextPage
	}
}

func (f *Fetcher) securityFeatures(ctx context.Context, repo *repository, admin bool) []evidence.ForgeSecurityFeature {
	var out []evidence.ForgeSecurityFeature

	const pvr = "GET /repos/{owner}/{repo}/private-vulnerability-reporting"
	var pv enabled
	if _, err := f.c.Get(ctx, f.repo("/private-vulnerability-reporting"), nil, &pv); err != nil {
		out = append(out, evidence.ForgeSecurityFeature{Feature: evidence.FeaturePrivateReporting, Access: f.classify(pvr, needAdmin, err)})
	} else {
		out = append(out, evidence.ForgeSecurityFeature{Feature: evidence.FeaturePrivateReporting, Enabled: pv.Enabled, Detail: onOff(pv.Enabled), Access: forge.Allowed(pvr)})
	}

	// The vulnerability-alerts endpoint answers 204 when Dependabot alerts
	// are on and 404 when off, but it also answers 404 to anyone who is not
	// an admin, so a 404 means "off" only for an admin token.
	const va = "GET /repos/{owner}/{repo}/vulnerability-alerts"
	_, _, err := f.c.Raw(ctx, f.repo("/vulnerability-alerts"), nil, nil)
	on := err == nil
	if rest.Status(err) == http.StatusNotFound {
		err = nil
	}
	switch {
	case err != nil:
		out = append(out, evidence.ForgeSecurityFeature{Feature: evidence.FeatureDependencyAlerts, Access: f.classify(va, needAdmin, err)})
	case on || admin:
		out = append(out, evidence.ForgeSecurityFeature{Feature: evidence.FeatureDependencyAlerts, Enabled: on, Detail: onOff(on), Access: forge.Allowed(va)})
	default:
		out = append(out, evidence.ForgeSecurityFeature{Feature: evidence.FeatureDependencyAlerts, Access: evidence.ForgeAccess{
			State: evidence.AccessDenied, Endpoint: va, Reason: "HTTP 404: GitHub answers 404 both when alerts are off and when the token is not an admin", Need: needAdmin}})
	}

	// security_and_analysis is included in the repository only for admins.
	const sa = "GET /repos/{owner}/{repo} (security_and_analysis)"
	saa := repo.SecurityAndAnalysis
	status := func(feature string, fs func() *featureStatus) evidence.ForgeSecurityFeature {
		if saa == nil {
			return evidence.ForgeSecurityFeature{Feature: feature, Access: evidence.ForgeAccess{State: evidence.AccessDenied, Endpoint: sa,
				Reason: "security_and_analysis is shown to repository admins only", Need: needAdmin}}
		}
		s := fs().status()
		if s == "" {
			return evidence.ForgeSecurityFeature{Feature: feature, Detail: "not offered", Access: forge.Allowed(sa)}
		}
		return evidence.ForgeSecurityFeature{Feature: feature, Enabled: s == "enabled", Detail: forge.Clean(s, 20), Access: forge.Allowed(sa)}
	}
	out = append(out,
		status(evidence.FeatureSecretScanning, func() *featureStatus { return saa.SecretScanning }),
		status(evidence.FeaturePushProtection, func() *featureStatus { return saa.SecretScanningPushProtection }),
		status(evidence.FeatureSecurityUpdates, func() *featureStatus { return saa.DependabotSecurityUpdates }),
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
	next, after := 0, ""
	for page := 0; page < MaxAlerts/perPage+1; page++ {
		var alerts []*dependabotAlert
		resp, err := f.c.Get(ctx, f.repo("/dependabot/alerts"), list(perPage, next, "state", "open", "after", after), &alerts)
		if err != nil {
			r := refusal(err)
			if r.Status == http.StatusForbidden && strings.Contains(strings.ToLower(r.Message), "disabled") {
				out.Access = evidence.ForgeAccess{State: evidence.AccessUnsupported, Endpoint: ep, Reason: "Dependabot alerts are disabled"}
				return out, &evidence.ForgeSecurityFeature{Feature: evidence.FeatureDependencyAlerts, Detail: "disabled (" + forge.Clean(r.Message, 120) + ")", Access: forge.Allowed(ep)}
			}
			return evidence.ForgeAlerts{Source: evidence.AlertsDependabot, Access: f.classify(ep, fmt.Sprintf(needSecurity, "Dependabot alerts"), err)}, nil
		}
		for _, a := range alerts {
			if a == nil {
				continue
			}
			if len(out.Open) >= MaxAlerts {
				out.Truncated = true
				return out, nil
			}
			title := a.Dependency.Package.Name
			if id := a.SecurityAdvisory.GHSAID; id != "" {
				title += " " + id
			}
			out.Open = append(out.Open, evidence.ForgeAlert{
				ID: fmt.Sprint(a.Number), Severity: strings.ToLower(forge.Clean(a.SecurityAdvisory.Severity, 20)),
				Title: forge.Clean(title, 200), CreatedAt: a.CreatedAt, URL: forge.Clean(a.HTMLURL, 300),
			})
		}
		switch {
		case resp.After != "":
			after = resp.After
		case resp.NextPage != 0:
			next = resp.NextPage
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
	next := 0
	for page := 0; page < MaxAlerts/perPage+1; page++ {
		var alerts []*codeScanningAlert
		resp, err := f.c.Get(ctx, f.repo("/code-scanning/alerts"), list(perPage, next, "state", "open"), &alerts)
		if err != nil {
			r := refusal(err)
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
				a := f.classify(ep, fmt.Sprintf(needSecurity, "Code scanning alerts"), err)
				out = evidence.ForgeAlerts{Source: evidence.AlertsCodeScanning, Access: a}
				feat = evidence.ForgeSecurityFeature{Feature: evidence.FeatureCodeScanning, Access: a}
			}
			return out, feat
		}
		for _, a := range alerts {
			if a == nil {
				continue
			}
			if len(out.Open) >= MaxAlerts {
				out.Truncated = true
				return out, feat
			}
			sev := a.Rule.SecuritySeverityLevel
			if sev == "" {
				sev = a.Rule.Severity
			}
			out.Open = append(out.Open, evidence.ForgeAlert{
				ID: fmt.Sprint(a.Number), Severity: strings.ToLower(forge.Clean(sev, 20)),
				Title: forge.Clean(a.Rule.ID+" ("+a.Tool.Name+")", 200), CreatedAt: a.CreatedAt,
				URL: forge.Clean(a.HTMLURL, 300),
			})
		}
		if resp.NextPage == 0 {
			return out, feat
		}
		next = resp.NextPage
	}
	out.Truncated = true
	return out, feat
}

// secretScanningAlerts asks GitHub to leave the secrets out of the answer
// (hide_secret), and the transport never stores these answers on disk.
func (f *Fetcher) secretScanningAlerts(ctx context.Context) evidence.ForgeAlerts {
	const ep = "GET /repos/{owner}/{repo}/secret-scanning/alerts?state=open"
	out := evidence.ForgeAlerts{Source: evidence.AlertsSecretScanning, TargetDays: f.targets, Access: forge.Allowed(ep)}
	for page := 1; page <= MaxAlerts/perPage; page++ {
		var alerts []*secretScanningAlert
		resp, err := f.c.Get(ctx, f.repo("/secret-scanning/alerts"), list(perPage, page, "state", "open", "hide_secret", "true"), &alerts)
		if err != nil {
			r := refusal(err)
			if r.Status == http.StatusNotFound && strings.Contains(strings.ToLower(r.Message), "disabled") {
				return evidence.ForgeAlerts{Source: evidence.AlertsSecretScanning, Access: evidence.ForgeAccess{State: evidence.AccessUnsupported, Endpoint: ep, Reason: "secret scanning is disabled"}}
			}
			return evidence.ForgeAlerts{Source: evidence.AlertsSecretScanning, Access: f.classify(ep, fmt.Sprintf(needSecurity, "Secret scanning alerts"), err)}
		}
		for _, a := range alerts {
			if a == nil {
				continue
			}
			out.Open = append(out.Open, evidence.ForgeAlert{
				ID: fmt.Sprint(a.Number), Severity: "high", Title: forge.Clean(a.SecretTypeDisplayName, 200),
				CreatedAt: a.CreatedAt, URL: forge.Clean(a.HTMLURL, 300),
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
	after := ""
	for page := 0; page < MaxAdvisories/perPage; page++ {
		var advs []*advisory
		resp, err := f.c.Get(ctx, f.repo("/security-advisories"), list(perPage, 0, "after", after), &advs)
		if err != nil {
			return evidence.ForgeAdvisories{Access: f.classify(ep, needRead+" (drafts need the security manager or admin role)", err)}
		}
		for _, a := range advs {
			if a == nil {
				continue
			}
			out.Advisories = append(out.Advisories, evidence.ForgeAdvisory{
				ID: forge.Clean(a.GHSAID, 40), CVE: forge.Clean(a.CVEID, 40), Severity: forge.Clean(a.Severity, 20),
				State: forge.Clean(a.State, 20), Summary: forge.Clean(a.Summary, 200), PublishedAt: a.PublishedAt,
				URL: forge.Clean(a.HTMLURL, 300),
			})
		}
		if resp.After == "" {
			return out
		}
		after = resp.After
	}
	return out
}

func (f *Fetcher) releases(ctx context.Context) evidence.ForgeReleases {
	const ep = "GET /repos/{owner}/{repo}/releases"
	var rels []*release
	resp, err := f.c.Get(ctx, f.repo("/releases"), list(MaxReleases, 0), &rels)
	if err != nil {
		return evidence.ForgeReleases{Access: f.classify(ep, needRead, err)}
	}
	out := evidence.ForgeReleases{Access: forge.Allowed(ep), Truncated: resp.NextPage != 0}
	for _, r := range rels {
		if r == nil {
			continue
		}
		rel := evidence.ForgeRelease{
			Tag: forge.Clean(r.TagName, 200), Name: forge.Clean(r.Name, 200), PublishedAt: r.PublishedAt,
			Draft: r.Draft, Prerelease: r.Prerelease, Immutable: r.Immutable, URL: forge.Clean(r.HTMLURL, 300),
		}
		for _, a := range r.Assets {
			if a == nil {
				continue
			}
			if len(rel.Assets) >= 200 {
				break
			}
			rel.Assets = append(rel.Assets, evidence.ForgeAsset{
				Name: forge.Clean(a.Name, 200), Size: a.Size, Digest: forge.Clean(a.Digest, 100),
				URL: forge.Clean(a.BrowserDownloadURL, 300),
			})
		}
		out.Releases = append(out.Releases, rel)
	}
	return out
}
