package engine

import (
	"fmt"
	"path"

	"github.com/assaysec/assay/internal/catalog"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/customrule"
	"github.com/assaysec/assay/internal/rule"
	rulelist "github.com/assaysec/assay/internal/rule/list"
	"github.com/assaysec/assay/internal/source"
)

// The CLI's questions about the catalog and the rules, answered here so the
// CLI holds no knowledge of either.

// KnownClaim reports whether id is a claim of the embedded catalog.
func KnownClaim(id string) bool {
	cat, err := catalog.Default()
	if err != nil {
		return false
	}
	_, ok := cat.Claim(id)
	return ok
}

// ClaimIDs lists the claims of the embedded catalog in catalog order.
func ClaimIDs() []string {
	cat, err := catalog.Default()
	if err != nil {
		return nil
	}
	var out []string
	for _, c := range cat.Claims() {
		out = append(out, c.ID)
	}
	return out
}

// LoadDeclaration reads the declaration for opts (see LoadConfig), checking
// its claim ids against the embedded catalog.
func LoadDeclaration(opts Options) (*config.Config, error) {
	cat, err := catalog.Default()
	if err != nil {
		return nil, err
	}
	return LoadConfig(opts, cat)
}

// ParseDeclaration parses and validates assay.yaml content against the
// embedded catalog's claim ids.
func ParseDeclaration(file string, data []byte) (*config.Config, error) {
	return config.Parse(file, data, KnownClaim)
}

// BuiltinRules lists the built-in rules' metadata in registry order.
func BuiltinRules() ([]rule.Meta, error) {
	rs, err := rulelist.All()
	if err != nil {
		return nil, err
	}
	out := make([]rule.Meta, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Meta())
	}
	return out, nil
}

// RepositoryRules compiles the custom rules of the repository at p: its
// declaration's rules: and its rules/*.yaml files.
func RepositoryRules(p, configPath string) ([]*customrule.Rule, error) {
	cat, err := catalog.Default()
	if err != nil {
		return nil, err
	}
	cfg, err := LoadConfig(Options{Path: p, ConfigPath: configPath}, cat)
	if err != nil {
		return nil, err
	}
	tree, err := source.OpenTree(p)
	if err != nil {
		return nil, usage(err)
	}
	defer tree.Close()
	builtin, err := rulelist.All()
	if err != nil {
		return nil, err
	}
	return CustomRules(tree, cfg, cat, builtin)
}

// RuleTests is what `assay rules test` found and ran in a directory.
type RuleTests struct {
	Rules   int
	Tests   int
	Results []customrule.Result
}

// TestRuleDir compiles every rules file in dir (and assay.yaml's rules:)
// and runs the tests they hold. A rules file that does not parse or compile
// is the user's mistake (ErrUsage); one that cannot be read is not.
func TestRuleDir(dir string) (RuleTests, error) {
	tree, err := source.OpenTree(dir)
	if err != nil {
		return RuleTests{}, usage(err)
	}
	defer tree.Close()
	var specs []customrule.Spec
	var tests []customrule.Test
	files := tree.Find(func(p string) bool { return path.Ext(p) == ".yaml" || path.Ext(p) == ".yml" })
	for _, e := range files {
		data, err := tree.ReadFile(e.Path, customrule.MaxFileSize)
		if err != nil {
			return RuleTests{}, fmt.Errorf("read %s: %w", e.Path, err)
		}
		if !customrule.IsRulesFile(data) && path.Base(e.Path) != config.FileName {
			continue
		}
		s, err := customrule.ParseFile(e.Path, data)
		if err != nil {
			return RuleTests{}, usage(err)
		}
		specs = append(specs, s...)
		ts, err := customrule.ParseTests(e.Path, data)
		if err != nil {
			return RuleTests{}, usage(err)
		}
		tests = append(tests, ts...)
	}
	if len(specs) == 0 {
		return RuleTests{}, usage(fmt.Errorf("rules test: no rules files (kind: %s) in %s", customrule.FileKind, dir))
	}
	cat, err := catalog.Default()
	if err != nil {
		return RuleTests{}, err
	}
	builtin, err := rulelist.All()
	if err != nil {
		return RuleTests{}, err
	}
	compiled, err := CompileCustomRules(specs, cat, builtin)
	if err != nil {
		return RuleTests{}, err
	}
	return RuleTests{Rules: len(compiled), Tests: len(tests), Results: customrule.Run(compiled, tests)}, nil
}

// usageError marks err as the user's mistake (errors.Is(err, ErrUsage))
// without changing its message.
type usageError struct{ err error }

func (u usageError) Error() string        { return u.err.Error() }
func (u usageError) Unwrap() error        { return u.err }
func (u usageError) Is(target error) bool { return target == ErrUsage }

func usage(err error) error { return usageError{err} }
