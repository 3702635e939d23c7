// Package gitlab reads a project's security settings, alerts and releases
// from the GitLab REST API (gitlab.com and self-managed) through GitLab's
// client-go, and returns them as forge evidence.
//
// Many of the settings depend on the plan (Premium, Ultimate) as well as on
// the token's role. A refusal is recorded with both possibilities named when
// the token's role cannot rule one out, and never becomes a failed claim.
package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"
	"golang.org/x/time/rate"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/forge"
	"github.com/assaysec/assay/internal/textsafe"
)

// Caps on what one collection reads.
const (
	MaxPeople   = 1000
	MaxAlerts   = 1000
	MaxSecrets  = 500
	MaxReleases = 30
	perPage     = 100
	maxParents  = 20
)

const (
	needRead       = "a token with the read_api scope from a member of the project"
	needMaintainer = "the Maintainer role on the project (token scope read_api)"
	needDeveloper  = "the Developer role on the project (token scope read_api)"
)

// Fetcher reads one project.
type Fetcher struct {
	c       *gl.Client
	s       forge.Subject
	now     time.Time
	clock   func() time.Time
	targets map[string]int
	role    gl.AccessLevelValue
}

// New returns a fetcher for s over hc, whose transport carries the token.
// The client's own retries and rate limiter are off: the transport does both.
func New(s forge.Subject, hc *http.Client, now time.Time, targets map[string]int) (*Fetcher, error) {
	c, err := gl.NewClient("",
		gl.WithBaseURL(s.APIURL), gl.WithHTTPClient(hc), gl.WithoutRetries(),
		gl.WithCustomLimiter(rate.NewLimiter(rate.Inf, 0)), gl.WithUserAgent("assay"))
	if err != nil {
		return nil, fmt.Errorf("GitLab client for %s: %w", s, err)
	}
	return &Fetcher{c: c, s: s, now: now, clock: time.Now, targets: targets}, nil
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

func refusal(resp *gl.Response, err error) forge.Refusal {
	var er *gl.ErrorResponse
	switch {
	case errors.As(err, &er) && er.Response != nil:
		return forge.Refusal{Status: er.Response.StatusCode, Header: er.Response.Header, Message: er.Message}
	case resp != nil && resp.Response != nil && resp.StatusCode >= 300:
		return forge.Refusal{Status: resp.StatusCode, Header: resp.Header, Message: err.Error()}
	}
	return forge.Refusal{Err: err}
}

// classify records a refusal. For features that need a paid tier, a member
// with enough role who is still refused is seeing the plan's limit.
func (f *Fetcher) classify(endpoint, need string, minRole gl.AccessLevelValue, tier string, resp *gl.Response, err error) evidence.ForgeAccess {
	r := refusal(resp, err)
	a := forge.Classify(endpoint, need, r, f.clock())
	if a.State == evidence.AccessDenied && tier != "" && r.Status != http.StatusUnauthorized {
		if f.role >= minRole {
			return forge.Tier(endpoint, a.Reason, tier)
		}
		a.Need = need + ", on " + tier
	}
	return a
}

func (f *Fetcher) web(suffix string) string { return f.s.WebURL() + suffix }

// Fetch reads everything. It fails only when the project cannot be read.
func (f *Fetcher) Fetch(ctx context.Context) (*evidence.ForgeRepository, []forge.Observation, error) {
	rctx := gl.WithContext(ctx)
	p, resp, err := f.c.Projects.GetProject(f.s.Path, nil, rctx)
	err = nonEmpty(p, err)
	if err != nil {
		r := refusal(resp, err)
		a := forge.Classify("GET /projects/:id", needRead, r, f.clock())
		if r.Status == http.StatusNotFound {
			return nil, nil, fmt.Errorf("GitLab project %s was not found, or is private and the token cannot see it: set GITLAB_TOKEN to %s", f.s, needRead)
		}
		return nil, nil, fmt.Errorf("read GitLab project %s: %s; %s", f.s, a.Reason, a.Need)
	}
	if perm := p.Permissions; perm != nil {
		if perm.ProjectAccess != nil {
			f.role = max(f.role, perm.ProjectAccess.AccessLevel)
		}
		if perm.GroupAccess != nil {
			f.role = max(f.role, perm.GroupAccess.AccessLevel)
		}
	}
	gate := p.OnlyAllowMergeIfPipelineSucceeds
	r := &evidence.ForgeRepository{
		Forge: forge.GitLab, Host: f.s.Host, Path: f.s.Path, WebURL: forge.Clean(p.WebURL, 300), APIURL: f.s.APIURL,
		DefaultBranch: forge.Clean(p.DefaultBranch, 200), Visibility: string(p.Visibility), Archived: p.Archived,
		Fork: p.ForkedFromProject != nil, ViewerRole: roleName(f.role), Authenticated: f.role > 0,
		//lint:ignore SA1019 older self-managed GitLab versions report only issues_enabled
		IssuesEnabled: p.IssuesAccessLevel != gl.DisabledAccessControl && (p.IssuesAccessLevel != "" || p.IssuesEnabled),
		ServiceDesk:   p.ServiceDeskEnabled, PipelineGate: &gate,
		Access: forge.Allowed("GET /projects/:id"),
	}
	if r.WebURL == "" {
		r.WebURL = f.s.WebURL()
	}
	if ns := p.Namespace; ns != nil {
		r.Owner = forge.Clean(ns.FullPath, 200)
		r.OwnerKind = "group"
		if ns.Kind == "user" {
			r.OwnerKind = "user"
		}
	}

	var obs []forge.Observation
	add := func(fact evidence.Fact, url string) { obs = append(obs, forge.Observation{Fact: fact, URL: url}) }
	add(f.branchProtection(rctx, r), f.web("/-/settings/repository"))
	add(f.members(rctx), f.web("/-/project_members"))
	add(f.group(rctx, r), "https://"+f.s.Host+"/groups/"+r.Owner+"/-/edit")
	unsupported := "GitLab has no such setting"
	add(evidence.ForgeWorkflowToken{Access: forge.Unsupported("", "GitLab CI job tokens take the permissions of the user who runs the pipeline; there is no default to set")}, f.web("/-/settings/ci_cd"))
	add(evidence.ForgeActionsPolicy{Access: forge.Unsupported("", unsupported)}, f.web("/-/settings/ci_cd"))
	add(f.runners(rctx), f.web("/-/settings/ci_cd"))
	add(f.environments(rctx), f.web("/-/settings/ci_cd"))
	add(f.variables(rctx), f.web("/-/settings/ci_cd"))
	add(f.reporting(r), f.web("/-/issues"))
	add(f.pushProtection(rctx), f.web("/-/security/configuration"))
	dep, depAlerts := f.dependencies(rctx), f.vulnerabilities(rctx)
	add(dep, f.web("/-/dependencies"))
	add(depAlerts, f.web("/-/security/vulnerability_report"))
	add(evidence.ForgeAdvisories{Access: forge.Unsupported("", "GitLab has no repository security advisory API; advisories are published through CVE requests or the GitLab Advisory Database")}, f.web("/-/security/vulnerability_report"))
	add(f.releases(rctx), f.web("/-/releases"))
	return r, obs, nil
}

func roleName(l gl.AccessLevelValue) string {
	switch {
	case l >= gl.OwnerPermissions:
		return "owner"
	case l >= gl.MaintainerPermissions:
		return "maintainer"
	case l >= gl.DeveloperPermissions:
		return "developer"
	case l >= gl.ReporterPermissions:
		return "reporter"
	case l >= gl.GuestPermissions:
		return "guest"
	}
	return ""
}

func (f *Fetcher) branchProtection(ro gl.RequestOptionFunc, r *evidence.ForgeRepository) evidence.ForgeBranchProtection {
	const ep = "GET /projects/:id/protected_branches/:name"
	bp := evidence.ForgeBranchProtection{Branch: r.DefaultBranch, Complete: true, Access: forge.Allowed(ep)}
	if r.DefaultBranch == "" {
		bp.Access = forge.Unsupported("GET /projects/:id", "the project has no default branch (it is empty)")
		return bp
	}
	if r.PipelineGate != nil && *r.PipelineGate {
		bp.StatusChecksRequired = true
		bp.RequiredChecks = []string{"pipeline must succeed"}
		bp.Sources = append(bp.Sources, "merge request settings")
	}
	pb, resp, err := f.c.ProtectedBranches.GetProtectedBranch(f.s.Path, r.DefaultBranch, ro)
	err = nonEmpty(pb, err)
	switch {
	case err == nil:
		protected := true
		bp.Protected = &protected
		bp.Sources = append(bp.Sources, "protected branch")
		bp.ForcePushBlocked = !pb.AllowForcePush
		bp.DeletionBlocked = true // GitLab refuses to delete a protected branch by push
		bp.CodeOwnerReview = pb.CodeOwnerApprovalRequired
		noOne := len(pb.PushAccessLevels) > 0
		for _, l := range pb.PushAccessLevels {
			bp.PushAllowedTo = append(bp.PushAllowedTo, forge.Clean(l.AccessLevelDescription, 100))
			if l.AccessLevel != gl.NoPermissions || l.UserID != 0 || l.GroupID != 0 || l.DeployKeyID != 0 {
				noOne = false
			}
		}
		// Direct pushes by no one means every change goes through a merge
		// request; administrators are bound too.
		bp.RequiresPullRequest, bp.EnforceAdmins = noOne, noOne
	case refusal(resp, err).Status == http.StatusNotFound && f.role >= gl.MaintainerPermissions:
		protected := false
		bp.Protected = &protected
	default:
		bp.Complete = false
		bp.Unseen = append(bp.Unseen, f.classify(ep, needMaintainer, gl.MaintainerPermissions, "", resp, err))
	}

	const aep = "GET /projects/:id/approvals"
	if ap, resp, err := f.c.Projects.GetApprovalConfiguration(f.s.Path, ro); err == nil && ap != nil {
		//lint:ignore SA1019 the project-level count still applies where no approval rules exist
		bp.RequiredApprovals = max(bp.RequiredApprovals, int(ap.ApprovalsBeforeMerge))
		bp.DismissStaleReviews = ap.ResetApprovalsOnPush
		bp.LastPushApproval = ap.MergeRequestsDisableCommittersApproval
	} else {
		bp.Unseen = append(bp.Unseen, f.classify(aep, needDeveloper, gl.DeveloperPermissions, "", resp, err))
	}
	const rep = "GET /projects/:id/approval_rules"
	opts := &gl.GetProjectApprovalRulesListsOptions{ListOptions: gl.ListOptions{PerPage: perPage}}
	rules, resp, err := f.c.Projects.GetProjectApprovalRules(f.s.Path, opts, ro)
	if err != nil {
		bp.Complete = false
		bp.Unseen = append(bp.Unseen, f.classify(rep, needDeveloper, gl.DeveloperPermissions, "GitLab Premium (required merge request approvals)", resp, err))
	}
	for _, rule := range rules {
		if rule.ReportType != "" || rule.RuleType == "report_approver" {
			continue // security-report approvals apply only when a scan finds something
		}
		applies := rule.AppliesToAllProtectedBranches || len(rule.ProtectedBranches) == 0
		for _, b := range rule.ProtectedBranches {
			if b != nil && b.Name == r.DefaultBranch {
				applies = true
			}
		}
		if applies {
			bp.RequiredApprovals = max(bp.RequiredApprovals, int(rule.ApprovalsRequired))
			bp.Sources = append(bp.Sources, "approval rule "+forge.Clean(rule.Name, 100))
		}
	}
	const pep = "GET /projects/:id/push_rule"
	if pr, resp, err := f.c.Projects.GetProjectPushRules(f.s.Path, ro); err == nil && pr != nil {
		if pr != nil && pr.RejectUnsignedCommits {
			bp.SignaturesRequired = true
			bp.Sources = append(bp.Sources, "push rules")
		}
	} else if st := refusal(resp, err).Status; st != http.StatusNotFound {
		bp.Unseen = append(bp.Unseen, f.classify(pep, needMaintainer, gl.MaintainerPermissions, "GitLab Premium (push rules)", resp, err))
	}
	if bp.RequiredApprovals == 0 && len(bp.Unseen) > 0 {
		for _, u := range bp.Unseen {
			if u.Endpoint == rep || u.Endpoint == aep {
				bp.Complete = false
			}
		}
	}
	if !bp.Complete && bp.Protected == nil && len(bp.Sources) == 0 {
		bp.Access = bp.Unseen[0]
	}
	return bp
}

func (f *Fetcher) members(ro gl.RequestOptionFunc) evidence.ForgeCollaborators {
	const ep = "GET /projects/:id/members/all"
	out := evidence.ForgeCollaborators{Access: forge.Allowed(ep)}
	opts := &gl.ListProjectMembersOptions{ListOptions: gl.ListOptions{PerPage: perPage}}
	for {
		ms, resp, err := f.c.ProjectMembers.ListAllProjectMembers(f.s.Path, opts, ro)
		if err != nil {
			return evidence.ForgeCollaborators{Access: f.classify(ep, needRead, 0, "", resp, err)}
		}
		for _, m := range ms {
			if len(out.People) >= MaxPeople {
				out.Truncated = true
				return out
			}
			c := evidence.ForgeCollaborator{Login: forge.Clean(m.Username, 100), Role: roleName(m.AccessLevel),
				Bot: strings.Contains(m.Username, "_bot")}
			if m.ExpiresAt != nil {
				c.Expires = time.Time(*m.ExpiresAt)
			}
			out.People = append(out.People, c)
		}
		if resp.NextPage == 0 {
			return out
		}
		opts.Page = resp.NextPage
	}
}

// group reads the two-factor requirement of the project's group and its
// ancestors: a requirement on any parent group binds every subgroup.
func (f *Fetcher) group(ro gl.RequestOptionFunc, r *evidence.ForgeRepository) evidence.ForgeOrganization {
	const ep = "GET /groups/:id"
	o := evidence.ForgeOrganization{Name: r.Owner, Type: r.OwnerKind, Access: forge.Allowed(ep),
		MembersAccess: forge.Unsupported("", "GitLab shows members' two-factor status to instance administrators only")}
	if r.OwnerKind != "group" {
		o.Access = forge.Unsupported(ep, "the project belongs to a personal namespace; GitLab can require two-factor authentication only for a group's members (or instance-wide)")
		return o
	}
	path := r.Owner
	required := false
	for i := 0; i < maxParents && path != ""; i++ {
		g, resp, err := f.c.Groups.GetGroup(path, &gl.GetGroupOptions{}, ro)
		err = nonEmpty(g, err)
		if err != nil {
			if i == 0 {
				o.Access = f.classify(ep, needRead, 0, "", resp, err)
				return o
			}
			break // a parent we cannot read; the project's own group answered
		}
		if g.RequireTwoFactorAuth {
			required = true
			o.TwoFactorRequiredBy = forge.Clean(g.FullPath, 200)
			o.TwoFactorGraceHours = int(g.TwoFactorGracePeriod)
			break
		}
		j := strings.LastIndex(path, "/")
		if j < 0 {
			break
		}
		path = path[:j]
	}
	o.TwoFactorRequired = &required
	return o
}

func (f *Fetcher) runners(ro gl.RequestOptionFunc) evidence.ForgeRunners {
	const ep = "GET /projects/:id/runners"
	out := evidence.ForgeRunners{Access: forge.Allowed(ep)}
	opts := &gl.ListProjectRunnersOptions{ListOptions: gl.ListOptions{PerPage: perPage}}
	for page := 0; page < 10; page++ {
		rs, resp, err := f.c.Runners.ListProjectRunners(f.s.Path, opts, ro)
		if err != nil {
			return evidence.ForgeRunners{Access: f.classify(ep, needMaintainer, gl.MaintainerPermissions, "", resp, err)}
		}
		for _, r := range rs {
			out.Runners = append(out.Runners, evidence.ForgeRunner{
				Name: forge.Clean(firstNonEmpty(r.Name, r.Description), 100), Status: forge.Clean(r.Status, 20),
				SelfHosted: r.RunnerType != "instance_type", Shared: r.IsShared || r.RunnerType == "instance_type",
			})
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return out
}

func (f *Fetcher) environments(ro gl.RequestOptionFunc) evidence.ForgeEnvironments {
	const ep = "GET /projects/:id/protected_environments"
	out := evidence.ForgeEnvironments{Access: forge.Allowed(ep)}
	envs, resp, err := f.c.Environments.ListEnvironments(f.s.Path, &gl.ListEnvironmentsOptions{ListOptions: gl.ListOptions{PerPage: perPage}}, ro)
	if err != nil {
		return evidence.ForgeEnvironments{Access: f.classify("GET /projects/:id/environments", needDeveloper, 0, "", resp, err)}
	}
	prot := map[string]*gl.ProtectedEnvironment{}
	pes, resp, err := f.c.ProtectedEnvironments.ListProtectedEnvironments(f.s.Path, &gl.ListProtectedEnvironmentsOptions{ListOptions: gl.ListOptions{PerPage: perPage}}, ro)
	if err != nil {
		if len(envs) > 0 {
			return evidence.ForgeEnvironments{Access: f.classify(ep, needMaintainer, gl.MaintainerPermissions, "GitLab Premium (protected environments)", resp, err)}
		}
	}
	for _, pe := range pes {
		prot[pe.Name] = pe
	}
	for _, e := range envs {
		env := evidence.ForgeEnvironment{Name: forge.Clean(e.Name, 100)}
		if pe, ok := prot[e.Name]; ok {
			env.Protected = true
			env.RequiredReviewers = int(pe.RequiredApprovalCount)
			for _, r := range pe.ApprovalRules {
				if r != nil {
					env.RequiredReviewers = max(env.RequiredReviewers, int(r.RequiredApprovalCount))
				}
			}
		}
		out.Environments = append(out.Environments, env)
	}
	return out
}

// variables lists CI/CD variables by name and flags. GitLab returns their
// values too; they are dropped here, and the transport keeps these answers
// off the disk.
func (f *Fetcher) variables(ro gl.RequestOptionFunc) evidence.ForgeSecrets {
	const ep = "GET /projects/:id/variables"
	out := evidence.ForgeSecrets{Access: forge.Allowed(ep)}
	opts := &gl.ListProjectVariablesOptions{ListOptions: gl.ListOptions{PerPage: perPage}}
	for {
		vs, resp, err := f.c.ProjectVariables.ListVariables(f.s.Path, opts, ro)
		if err != nil {
			return evidence.ForgeSecrets{Access: f.classify(ep, needMaintainer, gl.MaintainerPermissions, "", resp, err)}
		}
		for _, v := range vs {
			if len(out.Secrets) >= MaxSecrets {
				out.Truncated = true
				return out
			}
			v.Value = ""
			out.Secrets = append(out.Secrets, evidence.ForgeSecret{
				Name: forge.Clean(v.Key, 200), Scope: forge.Clean(v.EnvironmentScope, 100), Masked: v.Masked || v.Hidden,
				Protected: v.Protected, Hidden: v.Hidden, File: v.VariableType == gl.FileVariableType,
			})
		}
		if resp.NextPage == 0 {
			return out
		}
		opts.Page = resp.NextPage
	}
}

// reporting: GitLab's confidential route is a confidential issue (open to
// anyone who can file issues) or Service Desk e-mail.
func (f *Fetcher) reporting(r *evidence.ForgeRepository) evidence.ForgeSecurityFeature {
	var on []string
	if r.IssuesEnabled {
		on = append(on, "issues enabled (reporters can mark an issue confidential)")
	}
	if r.ServiceDesk {
		on = append(on, "Service Desk enabled (e-mailed reports are confidential)")
	}
	d := "issues and Service Desk are both disabled"
	if len(on) > 0 {
		d = strings.Join(on, "; ")
	}
	return evidence.ForgeSecurityFeature{Feature: evidence.FeaturePrivateReporting, Enabled: len(on) > 0, Detail: d, Access: forge.Allowed("GET /projects/:id")}
}

func (f *Fetcher) pushProtection(ro gl.RequestOptionFunc) evidence.ForgeSecurityFeature {
	const ep = "GET /projects/:id/security_settings"
	s, resp, err := f.c.ProjectSecuritySettings.ListProjectSecuritySettings(f.s.Path, ro)
	err = nonEmpty(s, err)
	if err != nil {
		return evidence.ForgeSecurityFeature{Feature: evidence.FeaturePushProtection, Access: f.classify(ep, needMaintainer, gl.MaintainerPermissions, "GitLab Ultimate (secret push protection)", resp, err)}
	}
	on := s.SecretPushProtectionEnabled
	return evidence.ForgeSecurityFeature{Feature: evidence.FeaturePushProtection, Enabled: on, Detail: onOff(on), Access: forge.Allowed(ep)}
}

func onOff(b bool) string {
	if b {
		return "enabled"
	}
	return "disabled"
}

// dependencies reads the dependency list, which GitLab fills from
// dependency scanning: a non-empty list shows scanning runs.
func (f *Fetcher) dependencies(ro gl.RequestOptionFunc) evidence.ForgeSecurityFeature {
	const ep = "GET /projects/:id/dependencies"
	deps, resp, err := f.c.Dependencies.ListProjectDependencies(f.s.Path, &gl.ListProjectDependenciesOptions{ListOptions: gl.ListOptions{PerPage: 20}}, ro)
	if err != nil {
		return evidence.ForgeSecurityFeature{Feature: evidence.FeatureDependencyScanning, Access: f.classify(ep, needDeveloper, gl.DeveloperPermissions, "GitLab Ultimate (dependency list)", resp, err)}
	}
	if len(deps) == 0 {
		return evidence.ForgeSecurityFeature{Feature: evidence.FeatureDependencyScanning, Detail: "the dependency list is empty: no dependency scanning results on the default branch", Access: forge.Allowed(ep)}
	}
	total := len(deps)
	if resp != nil && resp.TotalItems > 0 {
		total = int(resp.TotalItems)
	}
	return evidence.ForgeSecurityFeature{Feature: evidence.FeatureDependencyScanning, Enabled: true,
		Detail: fmt.Sprintf("%s listed from dependency scanning", textsafe.Plural(total, "dependency", "dependencies")), Access: forge.Allowed(ep)}
}

func (f *Fetcher) vulnerabilities(ro gl.RequestOptionFunc) evidence.ForgeAlerts {
	const ep = "GET /projects/:id/vulnerabilities"
	out := evidence.ForgeAlerts{Source: evidence.AlertsVulnerabilities, TargetDays: f.targets, Access: forge.Allowed(ep)}
	opts := &gl.ListProjectVulnerabilitiesOptions{ListOptions: gl.ListOptions{PerPage: perPage}}
	for page := 0; page < MaxAlerts/perPage+1; page++ {
		//lint:ignore SA1019 the REST endpoint is deprecated in favour of GraphQL but still served, and Assay stays REST-only
		vs, resp, err := f.c.ProjectVulnerabilities.ListProjectVulnerabilities(f.s.Path, opts, ro)
		if err != nil {
			return evidence.ForgeAlerts{Source: evidence.AlertsVulnerabilities, Access: f.classify(ep, needDeveloper, gl.DeveloperPermissions, "GitLab Ultimate (vulnerability report)", resp, err)}
		}
		for _, v := range vs {
			if v.State != "detected" && v.State != "confirmed" {
				continue
			}
			if len(out.Open) >= MaxAlerts {
				out.Truncated = true
				return out
			}
			a := evidence.ForgeAlert{ID: fmt.Sprint(v.ID), Severity: strings.ToLower(forge.Clean(v.Severity, 20)),
				Title: forge.Clean(v.ReportType+": "+v.Title, 200), URL: f.web(fmt.Sprintf("/-/security/vulnerabilities/%d", v.ID))}
			if v.CreatedAt != nil {
				a.CreatedAt = *v.CreatedAt
			}
			out.Open = append(out.Open, a)
		}
		if resp.NextPage == 0 {
			return out
		}
		opts.Page = resp.NextPage
	}
	out.Truncated = true
	return out
}

func (f *Fetcher) releases(ro gl.RequestOptionFunc) evidence.ForgeReleases {
	const ep = "GET /projects/:id/releases"
	rels, resp, err := f.c.Releases.ListReleases(f.s.Path, &gl.ListReleasesOptions{ListOptions: gl.ListOptions{PerPage: MaxReleases}}, ro)
	if err != nil {
		return evidence.ForgeReleases{Access: f.classify(ep, needRead, 0, "", resp, err)}
	}
	out := evidence.ForgeReleases{Access: forge.Allowed(ep), Truncated: resp.NextPage != 0}
	for _, r := range rels {
		rel := evidence.ForgeRelease{Tag: forge.Clean(r.TagName, 200), Name: forge.Clean(r.Name, 200), Prerelease: r.UpcomingRelease,
			URL: f.web("/-/releases/" + r.TagName)}
		if r.ReleasedAt != nil {
			rel.PublishedAt = *r.ReleasedAt
		}
		for _, l := range r.Assets.Links {
			if l != nil && len(rel.Assets) < 200 {
				rel.Assets = append(rel.Assets, evidence.ForgeAsset{Name: forge.Clean(l.Name, 200), URL: forge.Clean(l.URL, 300)})
			}
		}
		out.Releases = append(out.Releases, rel)
	}
	return out
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
