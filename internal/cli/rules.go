package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/catalog"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/customrule"
	"github.com/assaysec/assay/internal/engine"
	rulelist "github.com/assaysec/assay/internal/rule/list"
	"github.com/assaysec/assay/internal/source"
)

func newRulesCmd(streams *IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List rules, and test custom rules written in CEL",
	}
	var configPath string
	list := &cobra.Command{
		Use:   "list [PATH]",
		Short: "List the built-in rules and the custom rules of PATH (assay.yaml rules: and rules/*.yaml)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			p := "."
			if len(args) == 1 {
				p = args[0]
			}
			custom, err := loadCustomRules(p, configPath)
			if err != nil {
				return err
			}
			builtin, err := rulelist.All()
			if err != nil {
				return err
			}
			var b strings.Builder
			for _, r := range builtin {
				m := r.Meta()
				fmt.Fprintf(&b, "%-44s built-in  %s\n", m.ID, m.Question)
			}
			for _, r := range custom {
				s := r.Spec()
				var maps []string
				for _, c := range s.Claims {
					maps = append(maps, c.Claim+" "+c.Role)
				}
				for _, c := range s.Controls {
					maps = append(maps, c.Framework+":"+c.Control+" "+c.Role)
				}
				fmt.Fprintf(&b, "%-44s custom    %s  [%s] (%s:%d)\n", s.ID, s.Question, strings.Join(maps, ", "), s.File, s.Line)
			}
			_, err = io.WriteString(streams.Out, b.String())
			return err
		},
	}
	list.Flags().StringVar(&configPath, "config", "", "product declaration `FILE` (default PATH/assay.yaml when present)")
	test := &cobra.Command{
		Use:   "test DIR",
		Short: "Run the tests: of the rules files in DIR (evidence fixture and expected outcome per test)",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return runRuleTests(streams, args[0])
		},
	}
	cmd.AddCommand(list, test)
	return cmd
}

// loadCustomRules compiles the custom rules of the repository at p.
func loadCustomRules(p, configPath string) ([]*customrule.Rule, error) {
	cat, err := catalog.Default()
	if err != nil {
		return nil, err
	}
	cfg, err := engine.LoadConfig(engine.Options{Path: p, ConfigPath: configPath}, cat)
	if err != nil {
		return nil, err
	}
	tree, err := source.OpenTree(p)
	if err != nil {
		return nil, usagef("%v", err)
	}
	defer tree.Close()
	builtin, err := rulelist.All()
	if err != nil {
		return nil, err
	}
	return engine.CustomRules(tree, cfg, cat, builtin)
}

// runRuleTests compiles every rules file in dir and runs its tests.
func runRuleTests(streams *IO, dir string) error {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return usagef("rules test: %s is not a directory", dir)
	}
	tree, err := source.OpenTree(dir)
	if err != nil {
		return usagef("%v", err)
	}
	defer tree.Close()
	var specs []customrule.Spec
	var tests []customrule.Test
	files := tree.Find(func(p string) bool { return path.Ext(p) == ".yaml" || path.Ext(p) == ".yml" })
	for _, e := range files {
		data, err := tree.ReadFile(e.Path, customrule.MaxFileSize)
		if err != nil {
			return fmt.Errorf("read %s: %w", e.Path, err)
		}
		if !customrule.IsRulesFile(data) && path.Base(e.Path) != config.FileName {
			continue
		}
		s, err := customrule.ParseFile(e.Path, data)
		if err != nil {
			return usageError{err}
		}
		specs = append(specs, s...)
		ts, err := customrule.ParseTests(e.Path, data)
		if err != nil {
			return usageError{err}
		}
		tests = append(tests, ts...)
	}
	if len(specs) == 0 {
		return usagef("rules test: no rules files (kind: %s) in %s", customrule.FileKind, dir)
	}
	cat, err := catalog.Default()
	if err != nil {
		return err
	}
	builtin, err := rulelist.All()
	if err != nil {
		return err
	}
	compiled, err := engine.CompileCustomRules(specs, cat, builtin)
	if err != nil {
		return err
	}
	failed := 0
	for _, r := range customrule.Run(compiled, tests) {
		mark := "PASS"
		if !r.Pass {
			mark = "FAIL"
			failed++
		}
		fmt.Fprintf(streams.Out, "%s %s:%d %s (%s): got %s, want %s: %s\n", mark, r.Test.File, r.Test.Line, r.Test.Name, r.Test.Rule, r.Got, r.Test.Want, r.Message)
	}
	fmt.Fprintf(streams.Out, "%d rules, %d tests, %d failed\n", len(compiled), len(tests), failed)
	if failed > 0 {
		return errPolicy
	}
	if len(tests) == 0 {
		return usageError{errors.New("rules test: the rules files hold no tests")}
	}
	return nil
}

// explainCustom explains a custom rule of the repository at repo.
func explainCustom(repo, id string) (string, bool, error) {
	if _, err := os.Stat(repo); err != nil {
		return "", false, nil
	}
	rs, err := loadCustomRules(repo, "")
	if err != nil {
		return "", false, err
	}
	for _, r := range rs {
		s := r.Spec()
		if s.ID != id {
			continue
		}
		m := r.Meta()
		var b strings.Builder
		fmt.Fprintf(&b, "Rule %s (custom, %s:%d)\n\n%s\n\nWhy: %s\n\nRemediation: %s\n\nExpression (CEL):\n", s.ID, s.File, s.Line, m.Question, m.Rationale, m.Remediation)
		for _, l := range strings.Split(strings.TrimSpace(s.Expr), "\n") {
			fmt.Fprintf(&b, "  %s\n", l)
		}
		fn := string(m.FalseMeans)
		if fn == "" {
			fn = "violation"
		}
		fmt.Fprintf(&b, "\nA false answer means: %s\n", fn)
		if len(s.Claims) > 0 {
			b.WriteString("\nSupports claims:\n")
			for _, c := range s.Claims {
				fmt.Fprintf(&b, "  %-6s (%s)\n", c.Claim, c.Role)
			}
		}
		if len(s.Controls) > 0 {
			b.WriteString("\nSupports framework controls:\n")
			for _, c := range s.Controls {
				fmt.Fprintf(&b, "  %s %s (%s)\n", c.Framework, c.Control, c.Role)
			}
		}
		return b.String(), true, nil
	}
	return "", false, nil
}
