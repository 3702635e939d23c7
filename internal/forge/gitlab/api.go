package gitlab

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/assaysec/assay/internal/forge"
	"github.com/assaysec/assay/internal/forge/rest"
)

// The shapes below name only the fields Assay reads from each answer
// (GitLab REST API v4). Unknown fields are ignored, so a richer answer
// decodes the same.

// accessLevel is a GitLab role as a number.
type accessLevel int

// GitLab's role levels.
const (
	noAccess   accessLevel = 0
	guest      accessLevel = 10
	reporter   accessLevel = 20
	developer  accessLevel = 30
	maintainer accessLevel = 40
	owner      accessLevel = 50
)

// apiPath is the REST API's path under the host.
const apiPath = "api/v4/"

// newClient returns a REST client for the API at apiURL. Like GitLab's own
// clients, it accepts the instance URL as well as the API URL: "/api/v4/"
// is added when missing.
func newClient(hc *http.Client, apiURL string) (*rest.Client, error) {
	u, err := url.Parse(apiURL)
	if err != nil {
		return nil, fmt.Errorf("API URL %q: %w", forge.RedactURL(apiURL), err)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	if !strings.HasSuffix(u.Path, "/"+apiPath) {
		u.Path += apiPath
	}
	u.RawPath = ""
	return rest.New(hc, u.String(), rest.Options{Header: http.Header{
		"Accept":     {"application/json"},
		"User-Agent": {"assay"},
	}})
}

// escape escapes an ID path segment the way GitLab expects: slashes and
// dots too, so "group/my.project" is one segment and no ".json" suffix is
// read as a format.
func escape(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), ".", "%2E")
}

// message is GitLab's own explanation in a refusal, in the form GitLab's
// clients print it: "{message: 403 Forbidden}" for a JSON object, the text
// for a string. A 404 says only "404 Not Found", whatever its body.
func message(status int, body []byte) string {
	if status == http.StatusNotFound {
		return "404 Not Found"
	}
	if strings.TrimSpace(string(body)) == "" {
		return ""
	}
	var raw any
	if err := json.Unmarshal(body, &raw); err != nil {
		return "failed to parse unknown error format: " + string(body)
	}
	return flatten(raw, 0)
}

// flatten prints a decoded JSON error: strings as they are, arrays as
// "[a, b]", objects as "{key: value}" pairs in key order. Nesting is
// bounded; the caller truncates the result.
func flatten(v any, depth int) string {
	if depth > 10 {
		return "…"
	}
	switch v := v.(type) {
	case string:
		return v
	case []any:
		parts := make([]string, 0, len(v))
		for _, e := range v {
			parts = append(parts, flatten(e, depth+1))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		parts := make([]string, 0, len(v))
		for k, e := range v {
			parts = append(parts, "{"+k+": "+flatten(e, depth+1)+"}")
		}
		sort.Strings(parts)
		return strings.Join(parts, ", ")
	default:
		return fmt.Sprintf("failed to parse unexpected error type: %T", v)
	}
}

// refusal describes an error from the client for forge.Classify.
func refusal(err error) forge.Refusal { return rest.Refusal(err, message) }

// date is a GitLab date ("2026-01-31") or date and time (RFC 3339).
type date time.Time

// UnmarshalJSON reads either form; null leaves the zero time.
func (d *date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	t, err := time.Parse(`"`+time.RFC3339+`"`, string(b))
	if err != nil {
		if t, err = time.Parse(`"2006-01-02"`, string(b)); err != nil {
			return fmt.Errorf("date %s: %w", forge.Clean(string(b), 40), err)
		}
	}
	*d = date(t)
	return nil
}

type project struct {
	WebURL        string `json:"web_url"`
	DefaultBranch string `json:"default_branch"`
	Visibility    string `json:"visibility"`
	Archived      bool   `json:"archived"`
	// ForkedFromProject is only compared with null.
	ForkedFromProject json.RawMessage `json:"forked_from_project"`
	IssuesAccessLevel string          `json:"issues_access_level"`
	// IssuesEnabled is all that older self-managed versions report.
	IssuesEnabled                    bool `json:"issues_enabled"`
	ServiceDeskEnabled               bool `json:"service_desk_enabled"`
	OnlyAllowMergeIfPipelineSucceeds bool `json:"only_allow_merge_if_pipeline_succeeds"`
	Permissions                      *struct {
		ProjectAccess *struct {
			AccessLevel accessLevel `json:"access_level"`
		} `json:"project_access"`
		GroupAccess *struct {
			AccessLevel accessLevel `json:"access_level"`
		} `json:"group_access"`
	} `json:"permissions"`
	Namespace *struct {
		FullPath string `json:"full_path"`
		Kind     string `json:"kind"`
	} `json:"namespace"`
}

// forked reports whether the project is a fork: forked_from_project is
// present and not null.
func (p *project) forked() bool {
	s := strings.TrimSpace(string(p.ForkedFromProject))
	return s != "" && s != "null"
}

type protectedBranch struct {
	AllowForcePush            bool `json:"allow_force_push"`
	CodeOwnerApprovalRequired bool `json:"code_owner_approval_required"`
	PushAccessLevels          []*struct {
		AccessLevel            accessLevel `json:"access_level"`
		AccessLevelDescription string      `json:"access_level_description"`
		UserID                 int64       `json:"user_id"`
		GroupID                int64       `json:"group_id"`
		DeployKeyID            int64       `json:"deploy_key_id"`
	} `json:"push_access_levels"`
}

type approvals struct {
	ApprovalsBeforeMerge                   int64 `json:"approvals_before_merge"`
	ResetApprovalsOnPush                   bool  `json:"reset_approvals_on_push"`
	MergeRequestsDisableCommittersApproval bool  `json:"merge_requests_disable_committers_approval"`
}

type approvalRule struct {
	Name                          string `json:"name"`
	RuleType                      string `json:"rule_type"`
	ReportType                    string `json:"report_type"`
	ApprovalsRequired             int64  `json:"approvals_required"`
	AppliesToAllProtectedBranches bool   `json:"applies_to_all_protected_branches"`
	ProtectedBranches             []*struct {
		Name string `json:"name"`
	} `json:"protected_branches"`
}

type pushRule struct {
	RejectUnsignedCommits bool `json:"reject_unsigned_commits"`
}

type member struct {
	Username    string      `json:"username"`
	AccessLevel accessLevel `json:"access_level"`
	ExpiresAt   *date       `json:"expires_at"`
}

type group struct {
	FullPath             string `json:"full_path"`
	RequireTwoFactorAuth bool   `json:"require_two_factor_authentication"`
	TwoFactorGracePeriod int64  `json:"two_factor_grace_period"`
}

type runner struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Status      string `json:"status"`
	RunnerType  string `json:"runner_type"`
	IsShared    bool   `json:"is_shared"`
}

type environment struct {
	Name string `json:"name"`
}

type protectedEnvironment struct {
	Name                  string `json:"name"`
	RequiredApprovalCount int64  `json:"required_approval_count"`
	ApprovalRules         []*struct {
		RequiredApprovals int64 `json:"required_approvals"`
	} `json:"approval_rules"`
}

// variable has no field for the value: it is never decoded, let alone
// kept.
type variable struct {
	Key              string `json:"key"`
	EnvironmentScope string `json:"environment_scope"`
	Masked           bool   `json:"masked"`
	Hidden           bool   `json:"hidden"`
	Protected        bool   `json:"protected"`
	VariableType     string `json:"variable_type"`
}

type securitySettings struct {
	SecretPushProtectionEnabled bool `json:"secret_push_protection_enabled"`
}

type vulnerability struct {
	ID         int64     `json:"id"`
	State      string    `json:"state"`
	Severity   string    `json:"severity"`
	ReportType string    `json:"report_type"`
	Title      string    `json:"title"`
	CreatedAt  time.Time `json:"created_at"`
}

type release struct {
	TagName         string    `json:"tag_name"`
	Name            string    `json:"name"`
	UpcomingRelease bool      `json:"upcoming_release"`
	ReleasedAt      time.Time `json:"released_at"`
	Assets          struct {
		Links []*struct {
			Name string `json:"name"`
			URL  string `json:"url"`
		} `json:"links"`
	} `json:"assets"`
}
