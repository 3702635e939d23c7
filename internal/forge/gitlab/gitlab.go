// Package gitlab reads a project's security settings, alerts and releases
// from the GitLab REST API (gitlab.com and self-managed) through the small
// REST client in internal/forge/rest, and returns them as forge evidence.
//
// Many of the settings depend on the plan (Premium, Ultimate) as well as on
// the token's role. A refusal is recorded with both possibilities named when
// the token's role cannot rule one out, and never becomes a failed claim.
package gitlab

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/forge"
	"github.com/assaysec/assay/internal/forge/rest"
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
	c       *rest.Client
	s       forge.Subject
	now     time.Time
	clock   func() time.Time
	targets map[string]int
	role    accessLevel
}

// New returns a fetcher for s over hc, whose transport carries the token
// and does the retries and rate-limit waits.
func New(s forge.Subject, hc *http.Client, now time.Time, targets map[string]int) (*Fetcher, error) {
	c, err := newClient(hc, s.APIURL)
	if err != nil {
		return nil, fmt.Errorf("GitLab client for %s: %w", s, err)
	}
	return &Fetcher{c: c, s: s, now: now, clock: time.Now, targets: targets}, nil
}

// project is the API path of the project followed by suffix.
func (f *Fetcher) project(suffix string) string {
	return "projects/" + escape(f.s.Path) + suffix
}

// list is the query of a paginated list: per_page, and page when past the
// first.
func list(perPage, page int) url.Values {
	q := url.Values{"per_page": {strconv.Itoa(perPage)}}
	if page > 0 {
		q.Set("page", strconv.Itoa(page))
	}
	return q
}

// classify records a refusal. For features that need a paid tier, a member
// with enough role who is still refused is seeing the plan's limit.
func (f *Fetcher) classify(endpoint, need string, minRole accessLevel, tier string, err error) evidence.ForgeAccess {
	r := refusal(err)
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
	var p project
	if _, err := f.c.Get(ctx, f.project(""), nil, &p); err != nil {
		r := refusal(err)
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
		DefaultBranch: forge.Clean(p.DefaultBranch, 200), Visibility: p.Visibility, Archived: p.Archived,
		Fork: p.forked(), ViewerRole: roleName(f.role), Authenticated: f.role > 0,
		// Older self-managed GitLab versions report only issues_enabled.
		IssuesEnabled: p.IssuesAccessLevel != "disabled" && (p.IssuesAccessLevel != "" || p.IssuesEnabled),
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
	add(f.branchProtection(ctx, r), f.web("/-/settings/repository"))
	add(f.members(ctx), f.web("/-/project_members"))
	add(f.group(ctx, r), "https://"+f.s.Host+"/groups/"+r.Owner+"/-/edit")
	unsupported := "GitLab has no such setting"
	add(evidence.ForgeWorkflowToken{Access: forge.Unsupported("", "GitLab CI job tokens take the permissions of the user who runs the pipeline; there is no default to set")}, f.web("/-/settings/ci_cd"))
	add(evidence.ForgeActionsPolicy{Access: forge.Unsupported("", unsupported)}, f.web("/-/settings/ci_cd"))
	add(f.runners(ctx), f.web("/-/settings/ci_cd"))
	add(f.environments(ctx), f.web("/-/settings/ci_cd"))
	add(f.variables(ctx), f.web("/-/settings/ci_cd"))
	add(f.reporting(r), f.web("/-/issues"))
	add(f.pushProtection(ctx), f.web("/-/security/configuration"))
	dep, depAlerts := f.dependencies(ctx), f.vulnerabilities(ctx)
	add(dep, f.web("/-/dependencies"))
	add(depAlerts, f.web("/-/security/vulnerability_report"))
	add(evidence.ForgeAdvisories{Access: forge.Unsupported("", "GitLab has no repository security advisory API; advisories are published through CVE requests or the GitLab Advisory Database")}, f.web("/-/security/vulnerability_report"))
	add(f.releases(ctx), f.web("/-/releases"))
	return r, obs, nil
}

func roleName(l accessLevel) string {
	switch {
	case l >= owner:
		return "owner"
	case l >= maintainer:
		return "maintainer"
	case l >= developer:
		return "developer"
	case l >= reporter:
		return "reporter"
	case l >= guest:
		return "guest"
	}
	return ""
}

func (f *Fetcher) branchProtection(ctx context.Context, r *evidence.ForgeRepository) evidence.ForgeBranchProtection {
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
	var pb protectedBranch
	_, err := f.c.Get(ctx, f.project("/protected_branches/"+escape(r.DefaultBranch)), nil, &pb)
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
			if l == nil {
				continue
			}
			bp.PushAllowedTo = append(bp.PushAllowedTo, forge.Clean(l.AccessLevelDescription, 100))
			if l.AccessLevel != noAccess || l.UserID != 0 || l.GroupID != 0 || l.DeployKeyID != 0 {
				noOne = false
			}
		}
		// Direct pushes by no one means every change goes through a merge
		// request; administrators are bound too.
		bp.RequiresPullRequest, bp.EnforceAdmins = noOne, noOne
	case rest.Status(err) == http.StatusNotFound && f.role >= maintainer:
		protected := false
		bp.Protected = &protected
	default:
		bp.Complete = false
		bp.Unseen = append(bp.Unseen, f.classify(ep, needMaintainer, maintainer, "", err))
	}

	const aep = "GET /projects/:id/approvals"
	var ap approvals
	if _, err := f.c.Get(ctx, f.project("/approvals"), nil, &ap); err == nil {
		// The project-level count still applies where no approval rules exist.
		bp.RequiredApprovals = max(bp.RequiredApprovals, int(ap.ApprovalsBeforeMerge))
		bp.DismissStaleReviews = ap.ResetApprovalsOnPush
		bp.LastPushApproval = ap.MergeRequestsDisableCommittersApproval
	} else {
		bp.Unseen = append(bp.Unseen, f.classify(aep, needDeveloper, developer, "", err))
	}
	const rep = "GET /projects/:id/approval_rules"
	var rules []*approvalRule
	if _, err := f.c.Get(ctx, f.project("/approval_rules"), list(perPage, 0), &rules); err != nil {
		bp.Complete = false
		bp.Unseen = append(bp.Unseen, f.classify(rep, needDeveloper, developer, "GitLab Premium (required merge request approvals)", err))
		rules = nil
	}
	for _, rule := range rules {
		if rule == nil || rule.ReportType != "" || rule.RuleType == "report_approver" {
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
	var pr pushRule
	if _, err := f.c.Get(ctx, f.project("/push_rule"), nil, &pr); err == nil {
		if pr.RejectUnsignedCommits {
			bp.SignaturesRequired = true
			bp.Sources = append(bp.Sources, "push rules")
		}
	} else if rest.Status(err) != http.StatusNotFound {
		bp.Unseen = append(bp.Unseen, f.classify(pep, needMaintainer, maintainer, "GitLab Premium (push rules)", err))
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

func (f *Fetcher) members(ctx context.Context) evidence.ForgeCollaborators {
	const ep = "GET /projects/:id/members/all"
	out := evidence.ForgeCollaborators{Access: forge.Allowed(ep)}
	next := 0
	for {
		var ms []*member
		resp, err := f.c.Get(ctx, f.project("/members/all"), list(perPage, next), &ms)
		if err != nil {
			return evidence.ForgeCollaborators{Access: f.classify(ep, needRead, 0, "", err)}
		}
		for _, m := range ms {
			if m == nil {
				continue
			}
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
		next = resp.NextPage
	}
}

// group reads the two-factor requirement of the project's group and its
// ancestors: a requirement on any parent group binds every subgroup.
func (f *Fetcher) group(ctx context.Context, r *evidence.ForgeRepository) evidence.ForgeOrganization {
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
		var g group
		if _, err := f.c.Get(ctx, "groups/"+escape(path), nil, &g); err != nil {
			if i == 0 {
				o.Access = f.classify(ep, needRead, 0, "", err)
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

func (f *Fetcher) runners(ctx context.Context) evidence.ForgeRunners {
	const ep = "GET /projects/:id/runners"
	out := evidence.ForgeRunners{Access: forge.Allowed(ep)}
	next := 0
	for page := 0; page < 10; page++ {
		var rs []*runner
		resp, err := f.c.Get(ctx, f.project("/runners"), list(perPage, next), &rs)
		if err != nil {
			return evidence.ForgeRunners{Access: f.classify(ep, needMaintainer, maintainer, "", err)}
		}
		for _, r := range rs {
			if r == nil {
				continue
			}
			out.Runners = append(out.Runners, evidence.ForgeRunner{
				Name: forge.Clean(firstNonEmpty(r.Name, r.Description), 100), Status: forge.Clean(r.Status, 20),
				SelfHosted: r.RunnerType != "instance_type", Shared: r.IsShared || r.RunnerType == "instance_type",
			})
		}
		if resp.NextPage == 0 {
			break
		}
		next = resp.NextPage
	}
	return out
}

func (f *Fetcher) environments(ctx context.Context) evidence.ForgeEnvironments {
	const ep = "GET /projects/:id/protected_environments"
	out := evidence.ForgeEnvironments{Access: forge.Allowed(ep)}
	var envs []*environment
	if _, err := f.c.Get(ctx, f.project("/environments"), list(perPage, 0), &envs); err != nil {
		return evidence.ForgeEnvironments{Access: f.classify("GET /projects/:id/environments", needDeveloper, 0, "", err)}
	}
	prot := map[string]*protectedEnvironment{}
	var pes []*protectedEnvironment
	if _, err := f.c.Get(ctx, f.project("/protected_environments"), list(perPage, 0), &pes); err != nil {
		if len(envs) > 0 {
			return evidence.ForgeEnvironments{Access: f.classify(ep, needMaintainer, maintainer, "GitLab Premium (protected environments)", err)}
		}
		pes = nil
	}
	for _, pe := range pes {
		if pe != nil {
			prot[pe.Name] = pe
		}
	}
	for _, e := range envs {
		if e == nil {
			continue
		}
		env := evidence.ForgeEnvironment{Name: forge.Clean(e.Name, 100)}
		if pe, ok := prot[e.Name]; ok {
			env.Protected = true
			env.RequiredReviewers = int(pe.RequiredApprovalCount)
			for _, r := range pe.ApprovalRules {
				if r != nil {
					env.RequiredReviewers = max(env.RequiredReviewers, int(r.RequiredApprovals))
				}
			}
		}
		out.Environments = append(out.Environments, env)
	}
	return out
}

// variables lists CI/CD variables by name and flags. GitLab returns their
// values too; they are never decoded, and the transport keeps these
// answers off the disk.
func (f *Fetcher) variables(ctx context.Context) evidence.ForgeSecrets {
	const ep = "GET /projects/:id/variables"
	out := evidence.ForgeSecrets{Access: forge.Allowed(ep)}
	next := 0
	for {
		var vs []*variable
		resp, err := f.c.Get(ctx, f.project("/variables"), list(perPage, next), &vs)
		if err != nil {
			return evidence.ForgeSecrets{Access: f.classify(ep, needMaintainer, maintainer, "", err)}
		}
		for _, v := range vs {
			if v == nil {
				continue
			}
			if len(out.Secrets) >= MaxSecrets {
				out.Truncated = true
				return out
			}
			out.Secrets = append(out.Secrets, evidence.ForgeSecret{
				Name: forge.Clean(v.Key, 200), Scope: forge.Clean(v.EnvironmentScope, 100), Masked: v.Masked || v.Hidden,
				Protected: v.Protected, Hidden: v.Hidden, File: v.VariableType == "file",
			})
		}
		if resp.NextPage == 0 {
			return out
		}
		next = resp.NextPage
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

func (f *Fetcher) pushProtection(ctx context.Context) evidence.ForgeSecurityFeature {
	const ep = "GET /projects/:id/security_settings"
	var s securitySettings
	if _, err := f.c.Get(ctx, f.project("/security_settings"), nil, &s); err != nil {
		return evidence.ForgeSecurityFeature{Feature: evidence.FeaturePushProtection, Access: f.classify(ep, needMaintainer, maintainer, "GitLab Ultimate (secret push protection)", err)}
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
// dependency scanning: a non-empty list shows scanning runs. Only its
// length and X-Total are read.
func (f *Fetcher) dependencies(ctx context.Context) evidence.ForgeSecurityFeature {
	const ep = "GET /projects/:id/dependencies"
	var deps []json.RawMessage
	resp, err := f.c.Get(ctx, f.project("/dependencies"), list(20, 0), &deps)
	if err != nil {
		return evidence.ForgeSecurityFeature{Feature: evidence.FeatureDependencyScanning, Access: f.classify(ep, needDeveloper, developer, "GitLab Ultimate (dependency list)", err)}
	}
	if len(deps) == 0 {
		return evidence.ForgeSecurityFeature{Feature: evidence.FeatureDependencyScanning, Detail: "the dependency list is empty: no dependency scanning results on the default branch", Access: forge.Allowed(ep)}
	}
	total := len(deps)
	if resp.Total > 0 {
		total = resp.Total
	}
	return evidence.ForgeSecurityFeature{Feature: evidence.FeatureDependencyScanning, Enabled: true,
		Detail: fmt.Sprintf("%s listed from dependency scanning", textsafe.Plural(total, "dependency", "dependencies")), Access: forge.Allowed(ep)}
}

// vulnerabilities reads the REST vulnerability list: deprecated in favour
// of GraphQL but still served, and Assay stays REST-only.
func (f *Fetcher) vulnerabilities(ctx context.Context) evidence.ForgeAlerts {
	const ep = "GET /projects/:id/vulnerabilities"
	out := evidence.ForgeAlerts{Source: evidence.AlertsVulnerabilities, TargetDays: f.targets, Access: forge.Allowed(ep)}
	next := 0
	for page := 0; page < MaxAlerts/perPage+1; page++ {
		var vs []*vulnerability
		resp, err := f.c.Get(ctx, f.project("/vulnerabilities"), list(perPage, next), &vs)
		if err != nil {
			return evidence.ForgeAlerts{Source: evidence.AlertsVulnerabilities, Access: f.classify(ep, needDeveloper, developer, "GitLab Ultimate (vulnerability report)", err)}
		}
		for _, v := range vs {
			if v == nil || v.State != "detected" && v.State != "confirmed" {
				continue
			}
			if len(out.Open) >= MaxAlerts {
				out.Truncated = true
				return out
			}
			out.Open = append(out.Open, evidence.ForgeAlert{ID: fmt.Sprint(v.ID), Severity: strings.ToLower(forge.Clean(v.Severity, 20)),
				Title: forge.Clean(v.ReportType+": "+v.Title, 200), URL: f.web(fmt.Sprintf("/-/security/vulnerabilities/%d", v.ID)),
				CreatedAt: v.CreatedAt})
		}
		if resp.NextPage == 0 {
			return out
		}
		next = resp.NextPage
	}
	out.Truncated = true
	return out
}

func (f *Fetcher) releases(ctx context.Context) evidence.ForgeReleases {
	const ep = "GET /projects/:id/releases"
	var rels []*release
	resp, err := f.c.Get(ctx, f.project("/releases"), list(MaxReleases, 0), &rels)
	if err != nil {
		return evidence.ForgeReleases{Access: f.classify(ep, needRead, 0, "", err)}
	}
	out := evidence.ForgeReleases{Access: forge.Allowed(ep), Truncated: resp.NextPage != 0}
	for _, r := range rels {
		if r == nil {
			continue
		}
		rel := evidence.ForgeRelease{Tag: forge.Clean(r.TagName, 200), Name: forge.Clean(r.Name, 200), Prerelease: r.UpcomingRelease,
			URL: f.web("/-/releases/" + r.TagName), PublishedAt: r.ReleasedAt}
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
