package customrule

import (
	"fmt"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/source"
)

// Dir is the repository directory whose YAML files hold custom rules.
const Dir = "rules"

// FileKind marks a YAML file as Assay rules (kind: assay-rules). Files in
// rules/ without it are other tools' (Semgrep, linters) and are ignored.
const FileKind = "assay-rules"

// MaxFiles bounds the rules files read from Dir.
const MaxFiles = 100

// FromRepo gathers the rule specs of a repository: the rules: list of the
// declaration (file names it, src is its bytes) and every YAML file under
// rules/, read through the tree.
func FromRepo(tree *source.Tree, declFile string, decl *yaml.Node, declSrc []byte) ([]Spec, error) {
	specs, err := Parse(declFile, decl)
	if err != nil {
		return nil, err
	}
	for i := range specs {
		specs[i].src = declSrc
	}
	if tree == nil {
		return specs, nil
	}
	files := tree.Find(func(p string) bool {
		return strings.HasPrefix(p, Dir+"/") && (path.Ext(p) == ".yaml" || path.Ext(p) == ".yml")
	})
	if len(files) > MaxFiles {
		return nil, fmt.Errorf("%s: %d rules files; the limit is %d", Dir, len(files), MaxFiles)
	}
	for _, e := range files {
		data, err := tree.ReadFile(e.Path, MaxFileSize)
		if err != nil {
			return nil, fmt.Errorf("read custom rules: %w", err)
		}
		if !IsRulesFile(data) {
			continue
		}
		s, err := ParseFile(e.Path, data)
		if err != nil {
			return nil, err
		}
		specs = append(specs, s...)
	}
	return specs, nil
}

// IsRulesFile reports whether data is a YAML mapping with kind: assay-rules.
func IsRulesFile(data []byte) bool {
	var head struct {
		Kind string `yaml:"kind"`
	}
	return yaml.Unmarshal(data, &head) == nil && head.Kind == FileKind
}
