package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/engine"
	"github.com/assaysec/assay/internal/explain"
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
			p := pathArg(args)
			custom, err := engine.RepositoryRules(p, configPath)
			if err != nil {
				return err
			}
			builtin, err := engine.BuiltinRules()
			if err != nil {
				return err
			}
			var b strings.Builder
			for _, m := range builtin {
				fmt.Fprintf(&b, "%-44s built-in  %s\n", m.ID, m.Question)
			}
			for _, r := range custom {
				s := r.Spec()
				var maps []string
				for _, c := range s.Claims {
					maps = append(maps, c.Claim+" "+string(c.Role))
				}
				for _, c := range s.Controls {
					maps = append(maps, c.Framework+":"+c.Control+" "+string(c.Role))
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

// runRuleTests compiles every rules file in dir and runs its tests.
func runRuleTests(streams *IO, dir string) error {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return usagef("rules test: %s is not a directory", dir)
	}
	rt, err := engine.TestRuleDir(dir)
	if err != nil {
		return err
	}
	failed := 0
	for _, r := range rt.Results {
		mark := "PASS"
		if !r.Pass {
			mark = "FAIL"
			failed++
		}
		fmt.Fprintf(streams.Out, "%s %s:%d %s (%s): got %s, want %s: %s\n", mark, r.Test.File, r.Test.Line, r.Test.Name, r.Test.Rule, r.Got, r.Test.Want, r.Message)
	}
	fmt.Fprintf(streams.Out, "%d rules, %d tests, %d failed\n", rt.Rules, rt.Tests, failed)
	if failed > 0 {
		return errPolicy
	}
	if rt.Tests == 0 {
		return usageError{errors.New("rules test: the rules files hold no tests")}
	}
	return nil
}

// explainCustom explains a custom rule of the repository at repo.
func explainCustom(repo, id string) (string, bool, error) {
	if _, err := os.Stat(repo); err != nil {
		return "", false, nil
	}
	rs, err := engine.RepositoryRules(repo, "")
	if err != nil {
		return "", false, err
	}
	for _, r := range rs {
		if r.Spec().ID == id {
			return explain.CustomRule(r), true, nil
		}
	}
	return "", false, nil
}
