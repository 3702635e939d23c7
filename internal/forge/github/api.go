package github

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/assaysec/assay/internal/forge"
	"github.com/assaysec/assay/internal/forge/rest"
)

// The shapes below name only the fields Assay reads from each answer
// (GitHub REST API, version 2022-11-28). Unknown fields are ignored, so a
// richer answer decodes the same.

// apiVersion is the REST API version every request asks for.
const apiVersion = "2022-11-28"

// headers are sent with every request. The token is not among them: the
// forge transport attaches it, for the API host only.
func headers() http.Header {
	return http.Header{
		"Accept":               {"application/vnd.github+json"},
		"X-Github-Api-Version": {apiVersion},
		"User-Agent":           {"assay (+https://github.com/assaysec/assay)"},
	}
}

// newClient returns a REST client for apiURL ("" means api.github.com).
func newClient(hc *http.Client, apiURL string) (*rest.Client, error) {
	if apiURL == "" {
		apiURL = "https://api.github.com/"
	}
	return rest.New(hc, apiURL, rest.Options{Header: headers()})
}

// message is GitHub's own explanation in a refusal: the "message" field of
// the JSON body, or nothing when the body is not that JSON.
func message(_ int, body []byte) string {
	var e struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	return e.Message
}

// refusal describes an error from the client for forge.Classify.
func refusal(err error) forge.Refusal { return rest.Refusal(err, message) }

type permissions struct {
	Admin    bool `json:"admin"`
	Maintain bool `json:"maintain"`
	Push     bool `json:"push"`
	Triage   bool `json:"triage"`
	Pull     bool `json:"pull"`
}

type featureStatus struct {
	Status string `json:"status"`
}

type repository struct {
	HTMLURL       string `json:"html_url"`
	DefaultBranch string `json:"default_branch"`
	Visibility    string `json:"visibility"`
	Private       bool   `json:"private"`
	Archived      bool   `json:"archived"`
	Fork          bool   `json:"fork"`
	Owner         struct {
		Login string `json:"login"`
		Type  string `json:"type"`
	} `json:"owner"`
	// Permissions is present only for an authenticated viewer.
	Permissions *permissions `json:"permissions"`
	// SecurityAndAnalysis is shown to repository admins only.
	SecurityAndAnalysis *struct {
		SecretScanning               *featureStatus `json:"secret_scanning"`
		SecretScanningPushProtection *featureStatus `json:"secret_scanning_push_protection"`
		DependabotSecurityUpdates    *featureStatus `json:"dependabot_security_updates"`
	} `json:"security_and_analysis"`
}

// status is a feature's "status", "" when the feature is not listed.
func (s *featureStatus) status() string {
	if s == nil {
		return ""
	}
	return s.Status
}

type branchSummary struct {
	Protected *bool `json:"protected"`
}

type enabled struct {
	Enabled bool `json:"enabled"`
}

type protection struct {
	RequiredStatusChecks *struct {
		Strict   bool      `json:"strict"`
		Contexts *[]string `json:"contexts"`
		Checks   *[]*struct {
			Context string `json:"context"`
		} `json:"checks"`
	} `json:"required_status_checks"`
	RequiredPullRequestReviews *struct {
		DismissStaleReviews          bool `json:"dismiss_stale_reviews"`
		RequireCodeOwnerReviews      bool `json:"require_code_owner_reviews"`
		RequiredApprovingReviewCount int  `json:"required_approving_review_count"`
		RequireLastPushApproval      bool `json:"require_last_push_approval"`
	} `json:"required_pull_request_reviews"`
	EnforceAdmins        *enabled `json:"enforce_admins"`
	AllowForcePushes     *enabled `json:"allow_force_pushes"`
	AllowDeletions       *enabled `json:"allow_deletions"`
	RequiredSignatures   *enabled `json:"required_signatures"`
	RequireLinearHistory *enabled `json:"required_linear_history"`
}

// branchRule is one entry of GET /repos/{owner}/{repo}/rules/branches/{branch}.
// Parameters hold the fields of the two rule types Assay reads
// (pull_request, required_status_checks); other types carry none it needs.
type branchRule struct {
	Type          string `json:"type"`
	RulesetSource string `json:"ruleset_source"`
	RulesetID     int64  `json:"ruleset_id"`
	Parameters    struct {
		RequiredApprovingReviewCount int  `json:"required_approving_review_count"`
		RequireCodeOwnerReview       bool `json:"require_code_owner_review"`
		DismissStaleReviewsOnPush    bool `json:"dismiss_stale_reviews_on_push"`
		RequireLastPushApproval      bool `json:"require_last_push_approval"`
		RequiredStatusChecks         []*struct {
			Context string `json:"context"`
		} `json:"required_status_checks"`
		StrictRequiredStatusChecksPolicy bool `json:"strict_required_status_checks_policy"`
	} `json:"parameters"`
}

type user struct {
	Login       string       `json:"login"`
	Type        string       `json:"type"`
	RoleName    string       `json:"role_name"`
	Permissions *permissions `json:"permissions"`
}

type organization struct {
	// TwoFactorRequirementEnabled is shown to organisation owners only.
	TwoFactorRequirementEnabled *bool  `json:"two_factor_requirement_enabled"`
	DefaultRepositoryPermission string `json:"default_repository_permission"`
}

type workflowPermissions struct {
	DefaultWorkflowPermissions   string `json:"default_workflow_permissions"`
	CanApprovePullRequestReviews bool   `json:"can_approve_pull_request_reviews"`
}

type actionsPermissions struct {
	Enabled            bool   `json:"enabled"`
	AllowedActions     string `json:"allowed_actions"`
	SHAPinningRequired bool   `json:"sha_pinning_required"`
}

type runners struct {
	Runners []*struct {
		Name   string `json:"name"`
		OS     string `json:"os"`
		Status string `json:"status"`
		Labels []*struct {
			Name string `json:"name"`
		} `json:"labels"`
	} `json:"runners"`
}

type environments struct {
	Environments []*struct {
		Name            string `json:"name"`
		CanAdminsBypass *bool  `json:"can_admins_bypass"`
		ProtectionRules []*struct {
			Type      string            `json:"type"`
			WaitTimer int               `json:"wait_timer"`
			Reviewers []json.RawMessage `json:"reviewers"`
		} `json:"protection_rules"`
		DeploymentBranchPolicy *struct {
			ProtectedBranches    bool `json:"protected_branches"`
			CustomBranchPolicies bool `json:"custom_branch_policies"`
		} `json:"deployment_branch_policy"`
	} `json:"environments"`
}

type secrets struct {
	Secrets []*struct {
		Name      string    `json:"name"`
		UpdatedAt time.Time `json:"updated_at"`
	} `json:"secrets"`
}

type dependabotAlert struct {
	Number     int       `json:"number"`
	HTMLURL    string    `json:"html_url"`
	CreatedAt  time.Time `json:"created_at"`
	Dependency struct {
		Package struct {
			Name string `json:"name"`
		} `json:"package"`
	} `json:"dependency"`
	SecurityAdvisory struct {
		GHSAID   string `json:"ghsa_id"`
		Severity string `json:"severity"`
	} `json:"security_advisory"`
}

type codeScanningAlert struct {
	Number    int       `json:"number"`
	HTMLURL   string    `json:"html_url"`
	CreatedAt time.Time `json:"created_at"`
	Rule      struct {
		ID                    string `json:"id"`
		Severity              string `json:"severity"`
		SecuritySeverityLevel string `json:"security_severity_level"`
	} `json:"rule"`
	Tool struct {
		Name string `json:"name"`
	} `json:"tool"`
}

// secretScanningAlert has no field for the secret: it is never decoded,
// let alone kept, even if GitHub sends it despite hide_secret.
type secretScanningAlert struct {
	Number                int       `json:"number"`
	SecretTypeDisplayName string    `json:"secret_type_display_name"`
	CreatedAt             time.Time `json:"created_at"`
	HTMLURL               string    `json:"html_url"`
}

type advisory struct {
	GHSAID      string    `json:"ghsa_id"`
	CVEID       string    `json:"cve_id"`
	Severity    string    `json:"severity"`
	State       string    `json:"state"`
	Summary     string    `json:"summary"`
	PublishedAt time.Time `json:"published_at"`
	HTMLURL     string    `json:"html_url"`
}

type release struct {
	TagName     string    `json:"tag_name"`
	Name        string    `json:"name"`
	PublishedAt time.Time `json:"published_at"`
	Draft       bool      `json:"draft"`
	Prerelease  bool      `json:"prerelease"`
	Immutable   bool      `json:"immutable"`
	HTMLURL     string    `json:"html_url"`
	Assets      []*struct {
		Name               string `json:"name"`
		Size               int64  `json:"size"`
		Digest             string `json:"digest"`
		BrowserDownloadURL string `json:"browser_download_url"`
	} `json:"assets"`
}
