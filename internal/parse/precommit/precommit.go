// Package precommit reads .pre-commit-config.yaml: the hook repositories and
// the revisions they are pinned to, and whether pre-commit.ci keeps them
// updated.
package precommit

import (
	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/parse/ciyaml"
)

// Parse reads a pre-commit configuration.
func Parse(p string, data []byte) (evidence.PreCommit, error) {
	out := evidence.PreCommit{Path: p}
	root, err := ciyaml.Decode(data)
	if err != nil {
		return out, err
	}
	if root == nil || root.Kind != yaml.MappingNode {
		return out, &ciyaml.Error{Line: 1, Msg: "want a mapping with repos:"}
	}
	repos := ciyaml.Get(root, "repos")
	if repos != nil && repos.Kind == yaml.SequenceNode {
		for _, r := range repos.Content {
			r = ciyaml.Resolve(r)
			if r == nil {
				continue
			}
			repo := ciyaml.Scalar(ciyaml.Get(r, "repo"))
			if repo == "local" || repo == "meta" {
				continue
			}
			out.Repos = append(out.Repos, evidence.PreCommitRepo{Repo: repo, Rev: ciyaml.Scalar(ciyaml.Get(r, "rev")), Line: r.Line})
		}
	}
	if ci := ciyaml.Get(root, "ci"); ci != nil {
		out.CIBlock = true
		out.AutoUpdate = ciyaml.Scalar(ciyaml.Get(ci, "autoupdate_schedule")) != "never"
	}
	return out, nil
}
