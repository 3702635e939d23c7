package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/engine"
	"github.com/assaysec/assay/internal/fix"
	"github.com/assaysec/assay/internal/publish"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/textsafe"
)

func newFixCmd(streams *IO) *cobra.Command {
	var write bool
	var pinsPath string
	var online bool
	var f assessFlags
	cmd := &cobra.Command{
		Use:   "fix [PATH]",
		Short: "Propose mechanical fixes (Dependabot, workflow permissions, checkouts, script injection, SHA pins, security policy files) as a diff; --write applies them",
		Long: `Fix assesses PATH offline, then proposes a change for each failing finding that
has a mechanical remedy: Dependabot entries for every detected ecosystem and
directory; in GitHub Actions workflows, top-level permissions: contents: read
with job-level grants derived from what each job does, persist-credentials:
false on checkouts of jobs that do not push, attacker-controlled expressions
moved from run: scripts into env:, and actions pinned to commit SHAs (from
.github/assay-pins.yaml, --pins FILE, the forge cache, or --online); and SECURITY.md,
.well-known/security.txt and SUPPORT.md from assay.yaml where none exist.
By default it prints unified diffs; --write applies them. YAML is edited as
text, so comments and formatting are kept, and a second run changes nothing.
See docs/fix.md.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFix(cmd, streams, args, &f, write, pinsPath, online)
		},
	}
	cmd.Flags().BoolVar(&write, "write", false, "apply the changes instead of printing diffs")
	cmd.Flags().BoolVar(&online, "online", false, "resolve action tags the pin files lack through the GitHub API (token from GITHUB_TOKEN or --github-token-env); offline, only answers already in the forge cache are used")
	bindForgeFlags(cmd, &f.forge)
	for _, name := range []string{"repo", "gitlab-api-url", "gitlab-token-env"} {
		_ = cmd.Flags().MarkHidden(name) // the pins come from GitHub's API only
	}
	cmd.Flags().StringVar(&pinsPath, "pins", "", "pin `FILE` (owner/repo@ref: sha) for pinning actions, besides .github/assay-pins.yaml")
	cmd.Flags().StringVar(&f.now, "now", "", "run as of this `RFC3339` time (security.txt Expires), for reproducible runs")
	cmd.Flags().StringVar(&f.config, "config", "", "product declaration `FILE` (default PATH/assay.yaml when present)")
	f.failOn = "never"
	return cmd
}

func runFix(cmd *cobra.Command, streams *IO, args []string, f *assessFlags, write bool, pinsPath string, online bool) error {
	p := pathArg(args)
	opts, err := f.options(nil, p)
	if err != nil {
		return err
	}
	res, err := engine.Run(cmd.Context(), opts)
	if err != nil {
		return err
	}
	tree, err := source.OpenTree(p)
	if err != nil {
		return usagef("%v", err)
	}
	defer tree.Close()
	var extra []byte
	if pinsPath != "" {
		if extra, err = os.ReadFile(pinsPath); err != nil {
			return usagef("--pins: %v", err)
		}
	}
	// Tags the pin files lack are resolved through the GitHub API with
	// --online, and otherwise from the forge cache an earlier online run
	// filled; the assessment itself stays offline.
	fc := f.forge
	fc.GitHubAPIEnv = os.Getenv("GITHUB_API_URL")
	resolve := fix.GitHubResolver(cmd.Context(), fc, !online)
	changes, problems := fix.Propose(fix.TreeFiles(tree), res.Evidence, pinsPath, extra, resolve)
	policies, skipped, err := fix.Policies(fix.TreeFiles(tree), publish.Input{Config: res.Config, Now: opts.Now})
	if err != nil {
		return err
	}
	changes = append(changes, policies...)
	problems = append(problems, skipped...)
	for _, pr := range problems {
		fmt.Fprintf(streams.Err, "assay fix: %s\n", textsafe.Clean(pr))
	}
	if len(changes) == 0 {
		fmt.Fprintln(streams.Out, "nothing to fix")
		return nil
	}
	for _, c := range changes {
		if !write {
			fmt.Fprintf(streams.Out, "# %s\n%s", c.Reason, fix.Diff(c))
		} else {
			if err := fix.Write(p, c); err != nil {
				return err
			}
			fmt.Fprintf(streams.Out, "wrote %s: %s\n", c.Path, c.Reason)
		}
		for _, n := range c.Notes {
			fmt.Fprintf(streams.Out, "#   check: %s\n", n)
		}
	}
	return nil
}
