package cli_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/assaysec/assay/internal/cli"
	"github.com/assaysec/assay/internal/engine"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"assay": func() {
			os.Exit(cli.Run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// TestScripts runs every CLI script in testdata/script. Scripts get:
//   - $CORPUS: the shared corpus of real files (scripts that need it start
//     with `[!corpus] skip`);
//   - `gitinit DIR`: a git repository with one commit of DIR's files, built
//     with go-git, so no git binary is needed;
//   - `osvserve DIR`: a local HTTP server offering DIR as osv.dev's bucket
//     and the KEV and EPSS sites do, its URL in $OSVSERVER (osvserve_test.go);
//   - HOME, XDG_CACHE_HOME inside the work directory, so no script touches
//     the user's cache or the network.
func TestScripts(t *testing.T) {
	corpus, _ := filepath.Abs("../../../shared/corpus")
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("CORPUS", corpus)
			env.Setenv("HOME", filepath.Join(env.WorkDir, ".home"))
			env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, ".cache"))
			env.Setenv("NO_COLOR", "1")
			env.Setenv(engine.StrictReadsEnv, "1")
			env.Setenv("GITHUB_TOKEN", "")
			env.Setenv("GITLAB_TOKEN", "")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"gitinit":  cmdGitInit,
			"exitcode": cmdExitCode,
			"signtag":  cmdSignTag,
			"osvserve": cmdOSVServe,
		},
		// [corpus] holds when the shared corpus of real files is present;
		// scripts that read it start with `[!corpus] skip`.
		Condition: func(cond string) (bool, error) {
			if cond != "corpus" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			_, err := os.Stat(filepath.Join(corpus, "README.md"))
			return err == nil, nil
		},
		RequireExplicitExec: true,
	})
}

// cmdExitCode runs assay and checks its exit code, for the documented
// codes: `exitcode 2 assess --format pdf .`. Output is available to the
// following stdout/stderr assertions, as with exec.
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode CODE ARGS...")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec("assay", args[1:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit code %d, want %d", got, want)
	}
}

func cmdGitInit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: gitinit DIR [TAG...]")
	}
	dir := ts.MkAbs(args[0])
	when := time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)
	if err := gitInit(dir, when, args[1:]); err != nil {
		ts.Fatalf("gitinit %s: %v", args[0], err)
	}
}
