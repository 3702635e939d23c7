// Package slsa reads SLSA build provenance predicates, v0.2 and v1, into one
// summary: who built it (builder id), how (build type), from what (source
// repository, ref, commit) and on what trigger. Policy checks (allowed
// builders, expected repository) are plain functions here; the rules call
// them on collected facts.
package slsa

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Predicate types.
const (
	PredicateV02 = "https://slsa.dev/provenance/v0.2"
	PredicateV1  = "https://slsa.dev/provenance/v1"
)

// IsProvenance reports whether a predicate type is SLSA provenance.
func IsProvenance(predicateType string) bool {
	return predicateType == PredicateV02 || predicateType == PredicateV1 ||
		predicateType == "https://slsa.dev/provenance/v0.1"
}

// Provenance is what a predicate says about a build.
type Provenance struct {
	Version      string // "v0.2" or "v1"
	BuilderID    string
	BuildType    string
	SourceURI    string // as written, e.g. git+https://github.com/org/repo@refs/tags/v1
	SourceRepo   string // normalised: github.com/org/repo
	SourceRef    string // refs/tags/v1
	SourceCommit string
	Trigger      string // github_event_name or event_name
	Workflow     string // entry point / workflow path
}

type v02 struct {
	Builder struct {
		ID string `json:"id"`
	} `json:"builder"`
	BuildType  string `json:"buildType"`
	Invocation struct {
		ConfigSource struct {
			URI        string            `json:"uri"`
			Digest     map[string]string `json:"digest"`
			EntryPoint string            `json:"entryPoint"`
		} `json:"configSource"`
		Environment map[string]any `json:"environment"`
	} `json:"invocation"`
	Materials []struct {
		URI    string            `json:"uri"`
		Digest map[string]string `json:"digest"`
	} `json:"materials"`
}

type v1 struct {
	BuildDefinition struct {
		BuildType          string          `json:"buildType"`
		ExternalParameters json.RawMessage `json:"externalParameters"`
		InternalParameters json.RawMessage `json:"internalParameters"`
		ResolvedDeps       []struct {
			URI    string            `json:"uri"`
			Digest map[string]string `json:"digest"`
		} `json:"resolvedDependencies"`
	} `json:"buildDefinition"`
	RunDetails struct {
		Builder struct {
			ID string `json:"id"`
		} `json:"builder"`
	} `json:"runDetails"`
}

// Parse reads a predicate of the given type.
func Parse(predicateType string, predicate []byte) (Provenance, error) {
	var p Provenance
	switch predicateType {
	case PredicateV02, "https://slsa.dev/provenance/v0.1":
		var d v02
		if err := json.Unmarshal(predicate, &d); err != nil {
			return p, fmt.Errorf("decode SLSA v0.2 predicate: %w", err)
		}
		p.Version = "v0.2"
		p.BuilderID, p.BuildType = d.Builder.ID, d.BuildType
		p.SourceURI = d.Invocation.ConfigSource.URI
		p.SourceCommit = firstDigest(d.Invocation.ConfigSource.Digest)
		p.Workflow = d.Invocation.ConfigSource.EntryPoint
		if p.SourceURI == "" && len(d.Materials) > 0 {
			p.SourceURI, p.SourceCommit = d.Materials[0].URI, firstDigest(d.Materials[0].Digest)
		}
		if ev, ok := d.Invocation.Environment["github_event_name"].(string); ok {
			p.Trigger = ev
		}
	case PredicateV1:
		var d v1
		if err := json.Unmarshal(predicate, &d); err != nil {
			return p, fmt.Errorf("decode SLSA v1 predicate: %w", err)
		}
		p.Version = "v1"
		p.BuilderID, p.BuildType = d.RunDetails.Builder.ID, d.BuildDefinition.BuildType
		var ext struct {
			Workflow struct {
				Ref        string `json:"ref"`
				Repository string `json:"repository"`
				Path       string `json:"path"`
			} `json:"workflow"`
		}
		if len(d.BuildDefinition.ExternalParameters) > 0 {
			_ = json.Unmarshal(d.BuildDefinition.ExternalParameters, &ext)
		}
		var internal struct {
			GitHub struct {
				EventName string `json:"event_name"`
			} `json:"github"`
		}
		if len(d.BuildDefinition.InternalParameters) > 0 {
			_ = json.Unmarshal(d.BuildDefinition.InternalParameters, &internal)
		}
		p.Trigger = internal.GitHub.EventName
		p.Workflow = ext.Workflow.Path
		if len(d.BuildDefinition.ResolvedDeps) > 0 {
			dep := d.BuildDefinition.ResolvedDeps[0]
			p.SourceURI = dep.URI
			p.SourceCommit = dep.Digest["gitCommit"]
			if p.SourceCommit == "" {
				p.SourceCommit = firstDigest(dep.Digest)
			}
		}
		if p.SourceURI == "" && ext.Workflow.Repository != "" {
			p.SourceURI = "git+" + ext.Workflow.Repository + "@" + ext.Workflow.Ref
		}
		if ext.Workflow.Ref != "" {
			p.SourceRef = ext.Workflow.Ref
		}
	default:
		return p, fmt.Errorf("predicate type %q is not SLSA provenance", predicateType)
	}
	if p.BuilderID == "" {
		return p, fmt.Errorf("SLSA %s provenance names no builder id", p.Version)
	}
	repo, ref := SplitSource(p.SourceURI)
	p.SourceRepo = repo
	if p.SourceRef == "" {
		p.SourceRef = ref
	}
	return p, nil
}

func firstDigest(d map[string]string) string {
	for _, k := range []string{"sha1", "gitCommit", "sha256"} {
		if v := d[k]; v != "" {
			return v
		}
	}
	return ""
}

// SplitSource splits "git+https://github.com/org/repo@refs/tags/v1" into a
// normalised repository ("github.com/org/repo") and a ref.
func SplitSource(uri string) (repo, ref string) {
	s := strings.TrimPrefix(uri, "git+")
	if i := strings.LastIndex(s, "@"); i > strings.Index(s, "://")+3 && strings.Contains(s[i:], "refs/") {
		s, ref = s[:i], s[i+1:]
	}
	return NormaliseRepo(s), ref
}

// NormaliseRepo reduces a repository URL to host/path, lowercase host, no
// scheme, no ".git" suffix: "https://GitHub.com/Org/Repo.git" becomes
// "github.com/Org/Repo". SSH forms (git@host:org/repo) are accepted.
func NormaliseRepo(u string) string {
	s := strings.TrimSpace(u)
	s = strings.TrimPrefix(s, "git+")
	for _, p := range []string{"https://", "http://", "ssh://", "git://"} {
		s = strings.TrimPrefix(s, p)
	}
	if at := strings.Index(s, "@"); at >= 0 && at < strings.IndexAny(s+":", ":/") {
		s = s[at+1:]
	}
	if i := strings.Index(s, ":"); i > 0 && !strings.Contains(s[:i], "/") {
		s = s[:i] + "/" + s[i+1:]
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, "/"), ".git")
	host, path, _ := strings.Cut(s, "/")
	if path == "" {
		return strings.ToLower(host)
	}
	return strings.ToLower(host) + "/" + path
}

// TrustedBuilder is a builder id prefix and the SLSA build level its
// provenance supports when verified: the builder itself, not the project,
// generates and signs the provenance in an isolated job.
type TrustedBuilder struct {
	Prefix string
	Level  int
	Name   string
}

// KnownBuilders are hosted builders whose provenance is generated outside
// the user-controlled build steps. Vendors add their own in assay.yaml.
var KnownBuilders = []TrustedBuilder{
	{Prefix: "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/", Level: 3, Name: "slsa-github-generator"},
	{Prefix: "https://github.com/actions/runner", Level: 2, Name: "GitHub Actions runner"},
	{Prefix: "https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/", Level: 3, Name: "publish-to-bcr"},
	{Prefix: "https://cloudbuild.googleapis.com/GoogleHostedWorker", Level: 3, Name: "Google Cloud Build"},
	{Prefix: "https://gitlab.com/gitlab-org/gitlab-runner", Level: 2, Name: "GitLab hosted runner"},
}

// KnownBuildTypes are build types whose parameters Assay understands.
var KnownBuildTypes = []string{
	"https://github.com/slsa-framework/slsa-github-generator/generic@v1",
	"https://github.com/slsa-framework/slsa-github-generator/go@v1",
	"https://github.com/slsa-framework/slsa-github-generator/container@v1",
	"https://github.com/slsa-framework/slsa-github-generator/delegator-generic@v0",
	"https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1",
	"https://actions.github.io/buildtypes/workflow/v1",
	"https://github.com/npm/cli/gha/v2",
	"https://github.com/Attestations/GitHubActionsWorkflow@v1",
	"https://cloudbuild.googleapis.com/CloudBuildYaml@v1",
	"https://cloudbuild.googleapis.com/CloudBuildSteps@v1",
}

// BuilderLevel returns the level a known hosted builder supports and its
// name; 0 when the builder is not known.
func BuilderLevel(builderID string) (int, string) {
	for _, b := range KnownBuilders {
		if strings.HasPrefix(builderID, b.Prefix) {
			return b.Level, b.Name
		}
	}
	return 0, ""
}

// Allowed reports whether a builder id is allowed: by the vendor's list when
// there is one (an entry ending in "*" is a prefix), else by KnownBuilders.
func Allowed(builderID string, allowed []string) bool {
	if len(allowed) == 0 {
		l, _ := BuilderLevel(builderID)
		return l > 0
	}
	for _, a := range allowed {
		if p, ok := strings.CutSuffix(a, "*"); ok && p != "" && strings.HasPrefix(builderID, p) || a == builderID {
			return true
		}
	}
	return false
}

// KnownBuildType reports whether Assay understands a build type.
func KnownBuildType(t string) bool {
	for _, k := range KnownBuildTypes {
		if t == k {
			return true
		}
	}
	return false
}
