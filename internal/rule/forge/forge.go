// Package forge holds the rules over forge evidence: GitHub and GitLab
// settings, alerts and advisories. Each finding names the setting and its
// value. Anything the token, the plan or the rate limit kept Assay from
// seeing is not_available with the permission that would reveal it, never
// false.
package forge

import (
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

//go:embed rules.yaml
var metaYAML []byte

// Rule ids of the area, each spelled once, here: Rules registers them, the
// rules put them on their findings and the tests name them. rules.yaml holds
// the same ids as data; rule.Builder checks that the two agree.
const (
	ForgeActionsRestricted               = "forgeActionsRestricted"
	ForgeAdminsBound                     = "forgeAdminsBound"
	ForgeAdvisoriesPublished             = "forgeAdvisoriesPublished"
	ForgeCiVariablesProtected            = "forgeCiVariablesProtected"
	ForgeCodeOwnerReviewRequired         = "forgeCodeOwnerReviewRequired"
	ForgeCodeScanningAlertsWithinTarget  = "forgeCodeScanningAlertsWithinTarget"
	ForgeCodeScanningEnabled             = "forgeCodeScanningEnabled"
	ForgeConfidentialReportingEnabled    = "forgeConfidentialReportingEnabled"
	ForgeDependencyAlertsEnabled         = "forgeDependencyAlertsEnabled"
	ForgeDependencyAlertsWithinTarget    = "forgeDependencyAlertsWithinTarget"
	ForgeEnvironmentsProtected           = "forgeEnvironmentsProtected"
	ForgeForcePushBlocked                = "forgeForcePushBlocked"
	ForgeMembersHaveTwoFactor            = "forgeMembersHaveTwoFactor"
	ForgeNoOpenSecretAlerts              = "forgeNoOpenSecretAlerts"
	ForgeNoSelfHostedRunnersOnPublicRepo = "forgeNoSelfHostedRunnersOnPublicRepo"
	ForgeOutsideCollaboratorsNotAdmin    = "forgeOutsideCollaboratorsNotAdmin"
	ForgeReviewRequired                  = "forgeReviewRequired"
	ForgeSecretScanningEnabled           = "forgeSecretScanningEnabled"
	ForgeSecretsRotated                  = "forgeSecretsRotated"
	ForgeSignedCommitsRequired           = "forgeSignedCommitsRequired"
	ForgeStatusChecksRequired            = "forgeStatusChecksRequired"
	ForgeTwoFactorRequired               = "forgeTwoFactorRequired"
	ForgeWorkflowTokenReadOnly           = "forgeWorkflowTokenReadOnly"
)

// Rules returns the area's rules.
func Rules() ([]rule.Rule, error) {
	b := rule.NewBuilder(metaYAML)
	bp := []evidence.Kind{evidence.KindForgeBranchProtection} // one kind each: the same collector makes them all, and the engine names a skipped collector once per kind
	rs := []rule.Rule{
		b.Rule(ForgeReviewRequired, bp, reviewRequired),
		b.Rule(ForgeStatusChecksRequired, bp, statusChecksRequired),
		b.Rule(ForgeForcePushBlocked, bp, forcePushBlocked),
		b.Rule(ForgeAdminsBound, bp, adminsBound),
		b.Rule(ForgeCodeOwnerReviewRequired, bp, codeOwnerReview),
		b.Rule(ForgeSignedCommitsRequired, bp, signedCommits),
		b.Rule(ForgeTwoFactorRequired, []evidence.Kind{evidence.KindForgeOrganization}, twoFactorRequired),
		b.Rule(ForgeMembersHaveTwoFactor, []evidence.Kind{evidence.KindForgeOrganization}, membersHaveTwoFactor),
		b.Rule(ForgeWorkflowTokenReadOnly, []evidence.Kind{evidence.KindForgeWorkflowToken}, workflowTokenReadOnly),
		b.Rule(ForgeActionsRestricted, []evidence.Kind{evidence.KindForgeActionsPolicy}, actionsRestricted),
		b.Rule(ForgeNoSelfHostedRunnersOnPublicRepo, []evidence.Kind{evidence.KindForgeRunners}, noSelfHostedRunners),
		b.Rule(ForgeEnvironmentsProtected, []evidence.Kind{evidence.KindForgeEnvironments}, environmentsProtected),
		b.Rule(ForgeSecretsRotated, []evidence.Kind{evidence.KindForgeSecrets}, secretsRotated),
		b.Rule(ForgeCiVariablesProtected, []evidence.Kind{evidence.KindForgeSecrets}, variablesProtected),
		b.Rule(ForgeSecretScanningEnabled, []evidence.Kind{evidence.KindForgeSecurityFeature}, secretScanningEnabled),
		b.Rule(ForgeNoOpenSecretAlerts, []evidence.Kind{evidence.KindForgeAlerts}, noOpenSecretAlerts),
		b.Rule(ForgeOutsideCollaboratorsNotAdmin, []evidence.Kind{evidence.KindForgeCollaborators}, outsideCollaboratorsNotAdmin),
		b.Rule(ForgeConfidentialReportingEnabled, []evidence.Kind{evidence.KindForgeSecurityFeature}, confidentialReporting),
		b.Rule(ForgeDependencyAlertsEnabled, []evidence.Kind{evidence.KindForgeSecurityFeature}, dependencyAlertsEnabled),
		b.Rule(ForgeDependencyAlertsWithinTarget, []evidence.Kind{evidence.KindForgeAlerts}, alertsWithinTarget(ForgeDependencyAlertsWithinTarget, evidence.AlertsDependabot, evidence.AlertsVulnerabilities)),
		b.Rule(ForgeCodeScanningEnabled, []evidence.Kind{evidence.KindForgeSecurityFeature}, codeScanningEnabled),
		b.Rule(ForgeCodeScanningAlertsWithinTarget, []evidence.Kind{evidence.KindForgeAlerts}, alertsWithinTarget(ForgeCodeScanningAlertsWithinTarget, evidence.AlertsCodeScanning)),
		b.Rule(ForgeAdvisoriesPublished, []evidence.Kind{evidence.KindForgeAdvisories}, advisoriesPublished),
	}
	return rs, b.Err()
}

// unseen is the finding for an answer Assay could not read.
func unseen(id string, a evidence.ForgeAccess, loc evidence.Location, what string) rule.Finding {
	msg := what + " could not be read"
	if a.Endpoint != "" {
		msg += " (" + a.Endpoint + ")"
	}
	if a.Reason != "" {
		msg += ": " + a.Reason
	}
	if a.Need != "" {
		msg += "; needs " + a.Need
	}
	f := rule.New(id, rule.NotAvailable, loc, "%s", msg)
	f.Values = map[string]string{"access": string(a.State)}
	if a.Need != "" {
		f.Values["need"] = a.Need
	}
	return f
}

func missing(id, what string) []rule.Finding {
	return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "no forge evidence of %s was collected", what)}
}

func valued(f rule.Finding, kv ...string) rule.Finding {
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Values[kv[i]] = kv[i+1]
	}
	return f
}

// --- default branch ---

// branchSetting judges one setting of the default branch's protection. A
// setting found in a readable source holds; a branch the forge reports as
// unprotected does not; a setting missing while some source was unreadable
// is unknown, naming what would reveal it.
func branchSetting(id string, ev *evidence.Set, holds func(evidence.ForgeBranchProtection) (bool, string, string)) []rule.Finding {
	it, ok := evidence.First[evidence.ForgeBranchProtection](ev)
	if !ok {
		return missing(id, "branch protection")
	}
	b, loc := it.Fact, it.Provenance.Location
	if b.Access.State == evidence.AccessUnsupported {
		return []rule.Finding{rule.New(id, rule.NotApplicable, loc, "%s", b.Access.Reason)}
	}
	if !b.Access.OK() {
		return []rule.Finding{unseen(id, b.Access, loc, "protection of the default branch "+b.Branch)}
	}
	ok, setting, value := holds(b)
	src := "none"
	if len(b.Sources) > 0 {
		src = strings.Join(b.Sources, ", ")
	}
	if ok {
		return []rule.Finding{valued(rule.New(id, rule.True, loc, "default branch %s: %s = %s (from %s)", b.Branch, setting, value, src), setting, value)}
	}
	if b.Protected != nil && !*b.Protected {
		return []rule.Finding{valued(rule.New(id, rule.False, loc, "default branch %s is not protected (protected = false): %s = %s", b.Branch, setting, value), setting, value, "protected", "false")}
	}
	if !b.Complete && len(b.Unseen) > 0 {
		f := unseen(id, b.Unseen[0], loc, fmt.Sprintf("no readable rule sets %s on %s (from %s); the rest of the protection of %s", setting, b.Branch, src, b.Branch))
		return []rule.Finding{f}
	}
	return []rule.Finding{valued(rule.New(id, rule.False, loc, "default branch %s: %s = %s (from %s)", b.Branch, setting, value, src), setting, value)}
}

func reviewRequired(ev *evidence.Set) []rule.Finding {
	return branchSetting(ForgeReviewRequired, ev, func(b evidence.ForgeBranchProtection) (bool, string, string) {
		if !b.RequiresPullRequest {
			if len(b.PushAllowedTo) > 0 {
				return false, "allowed to push", strings.Join(b.PushAllowedTo, ", ")
			}
			return false, "pull request required", "false"
		}
		return b.RequiredApprovals >= 1, "required approving reviews", fmt.Sprint(b.RequiredApprovals)
	})
}

func statusChecksRequired(ev *evidence.Set) []rule.Finding {
	return branchSetting(ForgeStatusChecksRequired, ev, func(b evidence.ForgeBranchProtection) (bool, string, string) {
		if !b.StatusChecksRequired {
			return false, "required status checks", "none"
		}
		v := strings.Join(b.RequiredChecks, ", ")
		if b.StrictChecks {
			v += " (branch must be up to date)"
		}
		return true, "required status checks", v
	})
}

func forcePushBlocked(ev *evidence.Set) []rule.Finding {
	return branchSetting(ForgeForcePushBlocked, ev, func(b evidence.ForgeBranchProtection) (bool, string, string) {
		return b.ForcePushBlocked && b.DeletionBlocked, "force push and deletion blocked",
			fmt.Sprintf("force push blocked %t, deletion blocked %t", b.ForcePushBlocked, b.DeletionBlocked)
	})
}

func adminsBound(ev *evidence.Set) []rule.Finding {
	return branchSetting(ForgeAdminsBound, ev, func(b evidence.ForgeBranchProtection) (bool, string, string) {
		return b.EnforceAdmins, "enforce for administrators", fmt.Sprint(b.EnforceAdmins)
	})
}

func codeOwnerReview(ev *evidence.Set) []rule.Finding {
	return branchSetting(ForgeCodeOwnerReviewRequired, ev, func(b evidence.ForgeBranchProtection) (bool, string, string) {
		return b.CodeOwnerReview, "require code owner review", fmt.Sprint(b.CodeOwnerReview)
	})
}

func signedCommits(ev *evidence.Set) []rule.Finding {
	return branchSetting(ForgeSignedCommitsRequired, ev, func(b evidence.ForgeBranchProtection) (bool, string, string) {
		return b.SignaturesRequired, "required signatures", fmt.Sprint(b.SignaturesRequired)
	})
}

// --- identity ---

func twoFactorRequired(ev *evidence.Set) []rule.Finding {
	const id = ForgeTwoFactorRequired
	it, ok := evidence.First[evidence.ForgeOrganization](ev)
	if !ok {
		return missing(id, "the owning organisation")
	}
	o, loc := it.Fact, it.Provenance.Location
	if o.Access.State == evidence.AccessUnsupported {
		// A personal account: the forge cannot enforce a second factor for
		// others, so the claim needs an attestation; unknown, not failed.
		return []rule.Finding{rule.New(id, rule.NotAvailable, loc, "%s; attest how accounts with access use a second factor", o.Access.Reason)}
	}
	if !o.Access.OK() || o.TwoFactorRequired == nil {
		return []rule.Finding{unseen(id, o.Access, loc, "the two-factor requirement of "+o.Name)}
	}
	setting := "two_factor_requirement_enabled"
	if o.Type == "group" {
		setting = "require_two_factor_authentication"
	}
	if *o.TwoFactorRequired {
		by := ""
		if o.TwoFactorRequiredBy != "" && o.TwoFactorRequiredBy != o.Name {
			by = " (inherited from group " + o.TwoFactorRequiredBy + ")"
		}
		return []rule.Finding{valued(rule.New(id, rule.True, loc, "%s %s requires two-factor authentication: %s = true%s", o.Type, o.Name, setting, by), setting, "true")}
	}
	return []rule.Finding{valued(rule.New(id, rule.False, loc, "%s %s does not require two-factor authentication: %s = false", o.Type, o.Name, setting), setting, "false")}
}

func membersHaveTwoFactor(ev *evidence.Set) []rule.Finding {
	const id = ForgeMembersHaveTwoFactor
	it, ok := evidence.First[evidence.ForgeOrganization](ev)
	if !ok {
		return missing(id, "the owning organisation")
	}
	o, loc := it.Fact, it.Provenance.Location
	if o.Access.State == evidence.AccessUnsupported {
		return []rule.Finding{rule.New(id, rule.NotAvailable, loc, "%s", o.Access.Reason)}
	}
	if o.MembersAccess.State == evidence.AccessUnsupported {
		// The forge offers no such list; the requirement alone decides.
		return []rule.Finding{rule.New(id, rule.NotApplicable, loc, "%s", o.MembersAccess.Reason)}
	}
	if !o.MembersAccess.OK() || !o.WithoutTwoFactorKnown {
		return []rule.Finding{unseen(id, o.MembersAccess, loc, "the members of "+o.Name+" without two-factor authentication")}
	}
	if len(o.WithoutTwoFactor) == 0 {
		return []rule.Finding{valued(rule.New(id, rule.True, loc, "every member and outside collaborator of %s has two-factor authentication (members with 2FA disabled = 0)", o.Name), "2fa_disabled", "0")}
	}
	return []rule.Finding{valued(rule.New(id, rule.False, loc, "%d people with access to %s have two-factor authentication disabled: %s", len(o.WithoutTwoFactor), o.Name, list(o.WithoutTwoFactor, 10)),
		"2fa_disabled", fmt.Sprint(len(o.WithoutTwoFactor)))}
}

// --- CI ---

func workflowTokenReadOnly(ev *evidence.Set) []rule.Finding {
	const id = ForgeWorkflowTokenReadOnly
	it, ok := evidence.First[evidence.ForgeWorkflowToken](ev)
	if !ok {
		return missing(id, "workflow token permissions")
	}
	t, loc := it.Fact, it.Provenance.Location
	switch {
	case t.Access.State == evidence.AccessUnsupported:
		return []rule.Finding{rule.New(id, rule.NotApplicable, loc, "%s", t.Access.Reason)}
	case !t.Access.OK():
		return []rule.Finding{unseen(id, t.Access, loc, "the default workflow permissions")}
	case t.DefaultPermission == "read":
		return []rule.Finding{valued(rule.New(id, rule.True, loc, "default_workflow_permissions = read (can approve pull requests: %t)", t.CanApprovePullRequests), "default_workflow_permissions", "read")}
	}
	return []rule.Finding{valued(rule.New(id, rule.False, loc, "default_workflow_permissions = %s: every workflow token can write unless a job narrows it", t.DefaultPermission), "default_workflow_permissions", t.DefaultPermission)}
}

func actionsRestricted(ev *evidence.Set) []rule.Finding {
	const id = ForgeActionsRestricted
	it, ok := evidence.First[evidence.ForgeActionsPolicy](ev)
	if !ok {
		return missing(id, "the actions policy")
	}
	p, loc := it.Fact, it.Provenance.Location
	switch {
	case p.Access.State == evidence.AccessUnsupported:
		return []rule.Finding{rule.New(id, rule.NotApplicable, loc, "%s", p.Access.Reason)}
	case !p.Access.OK():
		return []rule.Finding{unseen(id, p.Access, loc, "the actions policy")}
	case !p.Enabled:
		return []rule.Finding{valued(rule.New(id, rule.True, loc, "Actions are disabled for the repository (enabled = false)"), "enabled", "false")}
	case p.AllowedActions == "local_only" || p.AllowedActions == "selected":
		return []rule.Finding{valued(rule.New(id, rule.True, loc, "allowed_actions = %s (sha_pinning_required = %t)", p.AllowedActions, p.SHAPinning), "allowed_actions", p.AllowedActions)}
	}
	return []rule.Finding{valued(rule.New(id, rule.False, loc, "allowed_actions = %s: any action from any repository may run (sha_pinning_required = %t)", orNone(p.AllowedActions), p.SHAPinning), "allowed_actions", p.AllowedActions)}
}

func noSelfHostedRunners(ev *evidence.Set) []rule.Finding {
	const id = ForgeNoSelfHostedRunnersOnPublicRepo
	r, ok := evidence.First[evidence.ForgeRepository](ev)
	if !ok {
		return missing(id, "the repository")
	}
	it, ok := evidence.First[evidence.ForgeRunners](ev)
	if !ok {
		return missing(id, "runners")
	}
	rs, loc := it.Fact, it.Provenance.Location
	switch {
	case r.Fact.Visibility != "public":
		return []rule.Finding{rule.New(id, rule.NotApplicable, loc, "the repository is %s", r.Fact.Visibility)}
	case r.Fact.Forge == "gitlab":
		return []rule.Finding{rule.New(id, rule.NotApplicable, loc, "GitLab does not run fork merge requests on the parent project's runners unless a maintainer starts them")}
	case !rs.Access.OK():
		return []rule.Finding{unseen(id, rs.Access, loc, "the self-hosted runners")}
	}
	var names []string
	for _, x := range rs.Runners {
		if x.SelfHosted && !x.Shared {
			names = append(names, x.Name)
		}
	}
	if len(names) == 0 {
		return []rule.Finding{valued(rule.New(id, rule.True, loc, "public repository with no self-hosted runners (runners = 0)"), "runners", "0")}
	}
	return []rule.Finding{valued(rule.New(id, rule.False, loc, "public repository with %d self-hosted runners: %s", len(names), list(names, 10)), "runners", fmt.Sprint(len(names)))}
}

func environmentsProtected(ev *evidence.Set) []rule.Finding {
	const id = ForgeEnvironmentsProtected
	it, ok := evidence.First[evidence.ForgeEnvironments](ev)
	if !ok {
		return missing(id, "environments")
	}
	e, loc := it.Fact, it.Provenance.Location
	if !e.Access.OK() {
		return []rule.Finding{unseen(id, e.Access, loc, "the deployment environments")}
	}
	if len(e.Environments) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, loc, "no deployment environments are defined")}
	}
	var open, closed []string
	for _, x := range e.Environments {
		if x.Protected {
			d := x.Name
			if x.RequiredReviewers > 0 {
				d += fmt.Sprintf(" (%d reviewers)", x.RequiredReviewers)
			}
			closed = append(closed, d)
		} else {
			open = append(open, x.Name)
		}
	}
	if len(open) == 0 {
		return []rule.Finding{rule.New(id, rule.True, loc, "every environment is protected: %s", list(closed, 10))}
	}
	return []rule.Finding{valued(rule.New(id, rule.False, loc, "environments without protection rules: %s", list(open, 10)), "unprotected", fmt.Sprint(len(open)))}
}

// --- credentials ---

func secretsRotated(ev *evidence.Set) []rule.Finding {
	const id = ForgeSecretsRotated
	it, ok := evidence.First[evidence.ForgeSecrets](ev)
	if !ok {
		return missing(id, "CI secrets")
	}
	s, loc, now := it.Fact, it.Provenance.Location, it.Provenance.CollectedAt
	if !s.Access.OK() {
		return []rule.Finding{unseen(id, s.Access, loc, "the CI secrets")}
	}
	if len(s.Secrets) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, loc, "no CI secrets are stored on the forge")}
	}
	var old []string
	dated := 0
	for _, x := range s.Secrets {
		if x.UpdatedAt.IsZero() {
			continue
		}
		dated++
		if now.Sub(x.UpdatedAt) > 365*24*time.Hour {
			old = append(old, fmt.Sprintf("%s (updated %s)", x.Name, x.UpdatedAt.UTC().Format(time.DateOnly)))
		}
	}
	switch {
	case dated == 0:
		return []rule.Finding{rule.New(id, rule.NotAvailable, loc, "the forge does not report when its %d CI variables last changed; attest the rotation schedule", len(s.Secrets))}
	case len(old) == 0:
		return []rule.Finding{rule.New(id, rule.True, loc, "all %d CI secrets were updated within the last year", dated)}
	}
	return []rule.Finding{valued(rule.New(id, rule.False, loc, "%d of %d CI secrets not updated for over a year: %s", len(old), dated, list(old, 10)), "stale", fmt.Sprint(len(old)))}
}

func variablesProtected(ev *evidence.Set) []rule.Finding {
	const id = ForgeCiVariablesProtected
	r, ok := evidence.First[evidence.ForgeRepository](ev)
	if !ok {
		return missing(id, "the repository")
	}
	it, ok := evidence.First[evidence.ForgeSecrets](ev)
	if !ok {
		return missing(id, "CI variables")
	}
	s, loc := it.Fact, it.Provenance.Location
	switch {
	case r.Fact.Forge != "gitlab":
		return []rule.Finding{rule.New(id, rule.NotApplicable, loc, "GitHub always masks secrets in logs")}
	case !s.Access.OK():
		return []rule.Finding{unseen(id, s.Access, loc, "the CI/CD variables")}
	case len(s.Secrets) == 0:
		return []rule.Finding{rule.New(id, rule.NotApplicable, loc, "no CI/CD variables are defined on the project")}
	}
	var bare []string
	for _, x := range s.Secrets {
		if !x.Masked && !x.Protected {
			bare = append(bare, x.Name)
		}
	}
	if len(bare) == 0 {
		return []rule.Finding{rule.New(id, rule.True, loc, "all %d CI/CD variables are masked or protected", len(s.Secrets))}
	}
	return []rule.Finding{valued(rule.New(id, rule.False, loc, "CI/CD variables neither masked nor protected (masked = false, protected = false): %s", list(bare, 10)), "unprotected", fmt.Sprint(len(bare)))}
}

func features(ev *evidence.Set, names ...string) []evidence.Item[evidence.ForgeSecurityFeature] {
	var out []evidence.Item[evidence.ForgeSecurityFeature]
	for _, it := range evidence.Facts[evidence.ForgeSecurityFeature](ev) {
		if slices.Contains(names, it.Fact.Feature) {
			out = append(out, it)
		}
	}
	return out
}

// featureRule: true when any readable answer shows a feature on, false when
// readable answers show them all off, else not available.
func featureRule(id, what string, its []evidence.Item[evidence.ForgeSecurityFeature]) []rule.Finding {
	if len(its) == 0 {
		return missing(id, what)
	}
	var off []evidence.Item[evidence.ForgeSecurityFeature]
	var blocked []evidence.Item[evidence.ForgeSecurityFeature]
	for _, it := range its {
		switch {
		case it.Fact.Access.OK() && it.Fact.Enabled:
			return []rule.Finding{valued(rule.New(id, rule.True, it.Provenance.Location, "%s = %s", it.Fact.Feature, orNone(it.Fact.Detail)), it.Fact.Feature, "enabled")}
		case it.Fact.Access.OK():
			off = append(off, it)
		default:
			blocked = append(blocked, it)
		}
	}
	if len(off) > 0 {
		it := off[0]
		return []rule.Finding{valued(rule.New(id, rule.False, it.Provenance.Location, "%s = %s", it.Fact.Feature, orNone(it.Fact.Detail)), it.Fact.Feature, "disabled")}
	}
	it := blocked[0]
	return []rule.Finding{unseen(id, it.Fact.Access, it.Provenance.Location, what)}
}

func secretScanningEnabled(ev *evidence.Set) []rule.Finding {
	return featureRule(ForgeSecretScanningEnabled, "secret scanning", features(ev, evidence.FeatureSecretScanning, evidence.FeaturePushProtection))
}

func noOpenSecretAlerts(ev *evidence.Set) []rule.Finding {
	const id = ForgeNoOpenSecretAlerts
	a, ok := alerts(ev, evidence.AlertsSecretScanning)
	if !ok {
		r, ok := evidence.First[evidence.ForgeRepository](ev)
		if ok && r.Fact.Forge == "gitlab" {
			return []rule.Finding{rule.New(id, rule.NotApplicable, r.Provenance.Location, "GitLab reports detected secrets in the vulnerability report, judged with the other vulnerabilities")}
		}
		return missing(id, "secret scanning alerts")
	}
	x, loc := a.Fact, a.Provenance.Location
	switch {
	case x.Access.State == evidence.AccessUnsupported:
		return []rule.Finding{rule.New(id, rule.NotApplicable, loc, "%s", x.Access.Reason)}
	case !x.Access.OK():
		return []rule.Finding{unseen(id, x.Access, loc, "the secret scanning alerts")}
	case len(x.Open) == 0:
		return []rule.Finding{valued(rule.New(id, rule.True, loc, "no open secret scanning alerts (open = 0)"), "open", "0")}
	}
	var out []rule.Finding
	for _, al := range x.Open {
		if len(out) == 20 {
			break
		}
		out = append(out, rule.New(id, rule.False, evidence.Location{URL: al.URL}, "open secret scanning alert #%s: %s, open since %s", al.ID, al.Title, al.CreatedAt.UTC().Format(time.DateOnly)))
	}
	return out
}

// --- access ---

func outsideCollaboratorsNotAdmin(ev *evidence.Set) []rule.Finding {
	const id = ForgeOutsideCollaboratorsNotAdmin
	r, ok := evidence.First[evidence.ForgeRepository](ev)
	if !ok {
		return missing(id, "the repository")
	}
	it, ok := evidence.First[evidence.ForgeCollaborators](ev)
	if !ok {
		return missing(id, "collaborators")
	}
	c, loc := it.Fact, it.Provenance.Location
	if !c.Access.OK() {
		return []rule.Finding{unseen(id, c.Access, loc, "the collaborators and their roles")}
	}
	summary := roleSummary(c.People)
	if r.Fact.OwnerKind != "organization" {
		return []rule.Finding{rule.New(id, rule.NotApplicable, loc, "no organisation, so no outside collaborators; people with access: %s", summary)}
	}
	var admins []string
	for _, p := range c.People {
		if p.Outside && (p.Role == "admin" || p.Role == "maintain") {
			admins = append(admins, p.Login+" ("+p.Role+")")
		}
	}
	if len(admins) == 0 {
		return []rule.Finding{rule.New(id, rule.True, loc, "no outside collaborator holds admin or maintain; people with access: %s", summary)}
	}
	return []rule.Finding{valued(rule.New(id, rule.False, loc, "outside collaborators with administrative roles: %s; people with access: %s", list(admins, 10), summary), "outside_admins", fmt.Sprint(len(admins)))}
}

func roleSummary(people []evidence.ForgeCollaborator) string {
	count := map[string]int{}
	outside := 0
	for _, p := range people {
		role := p.Role
		if role == "" {
			role = "unknown"
		}
		count[role]++
		if p.Outside {
			outside++
		}
	}
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return rank(keys[i]) > rank(keys[j]) || rank(keys[i]) == rank(keys[j]) && keys[i] < keys[j]
	})
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d %s", count[k], k))
	}
	s := fmt.Sprintf("%d (%s)", len(people), strings.Join(parts, ", "))
	if outside > 0 {
		s += fmt.Sprintf(", %d outside", outside)
	}
	return s
}

func rank(role string) int {
	switch role {
	case "owner", "admin":
		return 5
	case "maintainer", "maintain":
		return 4
	case "developer", "write":
		return 3
	case "triage", "reporter":
		return 2
	case "read", "guest":
		return 1
	}
	return 0
}

// --- vulnerabilities ---

func confidentialReporting(ev *evidence.Set) []rule.Finding {
	return featureRule(ForgeConfidentialReportingEnabled, "private vulnerability reporting", features(ev, evidence.FeaturePrivateReporting))
}

func dependencyAlertsEnabled(ev *evidence.Set) []rule.Finding {
	const id = ForgeDependencyAlertsEnabled
	// Open alerts that could be listed prove the feature on.
	if a, ok := alerts(ev, evidence.AlertsDependabot); ok && a.Fact.Access.OK() {
		return []rule.Finding{valued(rule.New(id, rule.True, a.Provenance.Location, "%s = enabled (%d open alerts)", evidence.FeatureDependencyAlerts, len(a.Fact.Open)), evidence.FeatureDependencyAlerts, "enabled")}
	}
	return featureRule(id, "dependency vulnerability alerts", features(ev, evidence.FeatureDependencyAlerts, evidence.FeatureDependencyScanning))
}

func codeScanningEnabled(ev *evidence.Set) []rule.Finding {
	const id = ForgeCodeScanningEnabled
	if r, ok := evidence.First[evidence.ForgeRepository](ev); ok && r.Fact.Forge == "gitlab" {
		return []rule.Finding{rule.New(id, rule.NotApplicable, r.Provenance.Location, "GitLab configures static analysis in .gitlab-ci.yml; see the pipeline evidence")}
	}
	return featureRule(id, "code scanning", features(ev, evidence.FeatureCodeScanning))
}

func alerts(ev *evidence.Set, source string) (evidence.Item[evidence.ForgeAlerts], bool) {
	for _, it := range evidence.Facts[evidence.ForgeAlerts](ev) {
		if it.Fact.Source == source {
			return it, true
		}
	}
	return evidence.Item[evidence.ForgeAlerts]{}, false
}

// severity maps forge severities to the four target classes.
func severity(s string) string {
	switch strings.ToLower(s) {
	case "critical":
		return "critical"
	case "high", "error":
		return "high"
	case "medium", "moderate", "warning":
		return "medium"
	}
	return "low"
}

func alertsWithinTarget(id string, sources ...string) func(*evidence.Set) []rule.Finding {
	return func(ev *evidence.Set) []rule.Finding {
		var it evidence.Item[evidence.ForgeAlerts]
		found := false
		for _, s := range sources {
			if a, ok := alerts(ev, s); ok {
				it, found = a, true
				if a.Fact.Access.OK() {
					break
				}
			}
		}
		if !found {
			return missing(id, "alerts")
		}
		a, loc, now := it.Fact, it.Provenance.Location, it.Provenance.CollectedAt
		switch {
		case a.Access.State == evidence.AccessUnsupported:
			return []rule.Finding{rule.New(id, rule.NotAvailable, loc, "%s alerts are not produced: %s", a.Source, a.Access.Reason)}
		case !a.Access.OK():
			return []rule.Finding{unseen(id, a.Access, loc, "the open "+a.Source+" alerts")}
		case len(a.Open) == 0:
			return []rule.Finding{valued(rule.New(id, rule.True, loc, "no open %s alerts (open = 0)", a.Source), "open", "0")}
		}
		var out []rule.Finding
		overdue := 0
		for _, al := range a.Open {
			sev := severity(al.Severity)
			target := a.TargetDays[sev]
			if target <= 0 || al.CreatedAt.IsZero() {
				continue
			}
			age := int(now.Sub(al.CreatedAt).Hours() / 24)
			if age > target {
				overdue++
				if len(out) < 20 {
					out = append(out, valued(rule.New(id, rule.False, evidence.Location{URL: al.URL}, "%s alert #%s (%s, %s) open %d days; target %d days",
						a.Source, al.ID, orNone(al.Severity), al.Title, age, target), "age_days", fmt.Sprint(age), "target_days", fmt.Sprint(target)))
				}
			}
		}
		if overdue > len(out) {
			out = append(out, rule.New(id, rule.False, loc, "%d more overdue %s alerts not listed", overdue-len(out), a.Source))
		}
		if overdue == 0 {
			return []rule.Finding{valued(rule.New(id, rule.True, loc, "%d open %s alerts, all within their remediation targets", len(a.Open), a.Source), "open", fmt.Sprint(len(a.Open)))}
		}
		return out
	}
}

func advisoriesPublished(ev *evidence.Set) []rule.Finding {
	const id = ForgeAdvisoriesPublished
	it, ok := evidence.First[evidence.ForgeAdvisories](ev)
	if !ok {
		return missing(id, "security advisories")
	}
	a, loc := it.Fact, it.Provenance.Location
	switch {
	case a.Access.State == evidence.AccessUnsupported:
		return []rule.Finding{rule.New(id, rule.NotAvailable, loc, "%s; attest how affected customers are informed", a.Access.Reason)}
	case !a.Access.OK():
		return []rule.Finding{unseen(id, a.Access, loc, "the repository security advisories")}
	}
	var pub []string
	withCVE := 0
	for _, x := range a.Advisories {
		if x.State != "published" {
			continue
		}
		d := x.ID
		if x.CVE != "" {
			d += " / " + x.CVE
			withCVE++
		}
		if !x.PublishedAt.IsZero() {
			d += " (" + x.PublishedAt.UTC().Format(time.DateOnly) + ")"
		}
		pub = append(pub, d)
	}
	if len(pub) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, loc, "no published repository security advisories; if a vulnerability has been fixed, publish one")}
	}
	return []rule.Finding{valued(rule.New(id, rule.True, loc, "%d published security advisories, %d with a CVE: %s", len(pub), withCVE, list(pub, 10)), "published", fmt.Sprint(len(pub)))}
}

func list(s []string, n int) string {
	if len(s) <= n {
		return strings.Join(s, ", ")
	}
	return strings.Join(s[:n], ", ") + fmt.Sprintf(" and %d more", len(s)-n)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
