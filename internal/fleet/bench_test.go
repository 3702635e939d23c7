package fleet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/assaysec/assay/internal/report"
)

// benchRepos is the size of the generated fleet.
const benchRepos = 200

// makeBenchRepos writes n small git repositories: a Go module with its
// go.sum, a README, a CI workflow, and a declaration.
func makeBenchRepos(b *testing.B, n int) []string {
	b.Helper()
	root := b.TempDir()
	when := time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)
	paths := make([]string, n)
	for i := range n {
		dir := filepath.Join(root, fmt.Sprintf("repo%03d", i))
		files := map[string]string{
			"go.mod":                   fmt.Sprintf("module example.com/repo%03d\n\ngo 1.26\n\nrequire golang.org/x/text v0.3.0\n", i),
			"go.sum":                   "golang.org/x/text v0.3.0 h1:g61tztE5qeGQ89tm6NTjjM9VPIm088od1l6aSorWRWg=\n",
			"main.go":                  "package main\n\nfunc main() {}\n",
			"README.md":                "# demo\n",
			".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab\n      - run: go test ./...\n",
			"assay.yaml":               fmt.Sprintf("product: repo%03d\nrole: developer-distributor\n", i),
		}
		for name, body := range files {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		repo, err := git.PlainInit(dir, false)
		if err != nil {
			b.Fatal(err)
		}
		wt, _ := repo.Worktree()
		if err := wt.AddGlob("."); err != nil {
			b.Fatal(err)
		}
		sig := &object.Signature{Name: "Bench", Email: "bench@example.com", When: when}
		if _, err := wt.Commit("initial", &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
			b.Fatal(err)
		}
		paths[i] = dir
	}
	return paths
}

// BenchmarkFleet enqueues and assesses 200 small repositories with 4
// workers, on each database: "engine" runs the real assessment, "noop" an
// assessor that returns at once, which leaves the queue's and store's own
// cost per job.
//
//	go test -run '^$' -bench Fleet -benchtime 1x ./internal/fleet/
func BenchmarkFleet(b *testing.B) {
	paths := makeBenchRepos(b, benchRepos)
	now := time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)
	noop := func(context.Context, string) (*report.Report, error) { return fakeReport("c0ffee", 3), nil }
	for _, be := range backends {
		for _, mode := range []struct {
			name   string
			assess Assessor
		}{{"engine", EngineAssessor(now)}, {"noop", noop}} {
			b.Run(be.name+"/"+mode.name, func(b *testing.B) {
				var total time.Duration
				for range b.N {
					b.StopTimer()
					f := openFleet(b, be.open(b))
					b.StartTimer()
					start := time.Now()
					ctx := context.Background()
					repos, err := f.Store.AddRepositories(ctx, paths, now)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := f.Queue.Enqueue(ctx, repos, 3); err != nil {
						b.Fatal(err)
					}
					if err := f.Queue.Work(ctx, WorkOptions{Workers: 4, UntilEmpty: true, Assess: mode.assess, PollEvery: 50 * time.Millisecond}); err != nil {
						b.Fatal(err)
					}
					total += time.Since(start)
					b.StopTimer()
					st, err := f.Store.Statuses(ctx)
					if err != nil {
						b.Fatal(err)
					}
					for _, s := range st {
						if s.Latest == nil || s.Latest.Status != StatusSucceeded {
							b.Fatalf("%s: not assessed: %+v", s.Path, s.Latest)
						}
					}
					f.Close()
					b.StartTimer()
				}
				per := total / time.Duration(b.N)
				b.ReportMetric(float64(benchRepos)/per.Seconds(), "repos/s")
				b.ReportMetric(float64(per.Milliseconds())/benchRepos, "ms/repo")
			})
		}
	}
}
