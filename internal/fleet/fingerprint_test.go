package fleet

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/assaysec/assay/internal/report"
)

// TestUnchangedSkipped runs jobs for one repository whose fingerprint the
// test controls: the same fingerprint as the newest succeeded assessment
// records a check naming it and assesses nothing; a forced job, a new
// fingerprint or no fingerprint assesses.
func TestUnchangedSkipped(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			f := openFleet(t, b.open(t))
			ctx := context.Background()
			repos := addAll(t, f, "/repo")
			fp := "A"
			assessed := 0
			var results []Result
			run := func(force bool) Result {
				t.Helper()
				if _, err := f.Queue.EnqueueWith(ctx, repos, EnqueueOptions{Force: force}); err != nil {
					t.Fatal(err)
				}
				before := len(results)
				err := f.Queue.Work(ctx, WorkOptions{Workers: 1, UntilEmpty: true, PollEvery: 20 * time.Millisecond,
					Fingerprint: func(context.Context, string) (string, error) { return fp, nil },
					Assess: func(context.Context, string) (*report.Report, error) {
						assessed++
						return fakeReport("abc", 3), nil
					},
					OnDone: func(r Result) { results = append(results, r) }})
				if err != nil {
					t.Fatal(err)
				}
				if len(results) != before+1 {
					t.Fatalf("%d results, want 1", len(results)-before)
				}
				return results[len(results)-1]
			}

			first := run(false)
			if first.UnchangedSince != 0 || first.Assessment.ID == 0 || assessed != 1 {
				t.Fatalf("first run: %+v, %d assessed", first, assessed)
			}
			second := run(false)
			if second.UnchangedSince != first.Assessment.ID || assessed != 1 {
				t.Fatalf("second run: unchanged since %d, want %d; %d assessed", second.UnchangedSince, first.Assessment.ID, assessed)
			}
			c, err := f.Store.LatestCheck(ctx, repos[0].ID)
			if err != nil || c.UnchangedSince != first.Assessment.ID || c.CheckedAt.IsZero() {
				t.Fatalf("LatestCheck = %+v, %v", c, err)
			}
			if list, _ := f.Store.Assessments(ctx, repos[0].ID, 0); len(list) != 1 {
				t.Fatalf("%d assessments stored after a skip, want 1", len(list))
			}
			if forced := run(true); forced.UnchangedSince != 0 || assessed != 2 {
				t.Fatalf("forced run: %+v, %d assessed", forced, assessed)
			}
			third := run(false) // the same state as the forced one
			if third.UnchangedSince == 0 || third.UnchangedSince == first.Assessment.ID {
				t.Fatalf("after a forced run: unchanged since %d, want the forced assessment", third.UnchangedSince)
			}
			fp = "B"
			if changed := run(false); changed.UnchangedSince != 0 || assessed != 3 {
				t.Fatalf("changed state: %+v, %d assessed", changed, assessed)
			}
			fp = "" // no fingerprint: always assessed
			run(false)
			run(false)
			if assessed != 5 {
				t.Fatalf("without a fingerprint: %d assessed, want 5", assessed)
			}
		})
	}
}

// TestEngineFingerprint changes each input of the fingerprint in turn.
func TestEngineFingerprint(t *testing.T) {
	ctx := context.Background()
	dir, db := t.TempDir(), t.TempDir()
	day := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	fpOf := EngineFingerprint(db, func() time.Time { return day })
	get := func() string {
		t.Helper()
		fp, err := fpOf(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		return fp
	}
	if fp := get(); fp != "" {
		t.Fatalf("a directory outside git has fingerprint %q, want none", fp)
	}
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	commit := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := wt.Add(name); err != nil {
			t.Fatal(err)
		}
		sig := &object.Signature{Name: "t", Email: "t@example.com", When: day}
		if _, err := wt.Commit("c", &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
			t.Fatal(err)
		}
	}
	if fp := get(); fp != "" {
		t.Fatalf("an unborn branch has fingerprint %q, want none", fp)
	}
	commit("README.md", "hello\n")
	seen := map[string]string{}
	step := func(what string) {
		t.Helper()
		fp := get()
		if fp == "" {
			t.Fatalf("%s: no fingerprint", what)
		}
		if fp != get() {
			t.Fatalf("%s: the fingerprint is not stable", what)
		}
		if prev, ok := seen[fp]; ok {
			t.Fatalf("%s: same fingerprint as after %s", what, prev)
		}
		seen[fp] = what
	}
	step("the first commit")
	commit("SECURITY.md", "report to security@example.com\n")
	step("a new commit")
	if err := os.WriteFile(filepath.Join(dir, "assay.yaml"), []byte("role: developer-distributor\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	step("an uncommitted assay.yaml")
	if err := os.Remove(filepath.Join(dir, "assay.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "assay.yaml")); err != nil {
		t.Fatal(err)
	}
	step("assay.yaml as a link to a device (not read)")
	if err := os.WriteFile(filepath.Join(db, "CURRENT.json"), []byte(`{"format":1,"sources":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	step("a vulnerability database import")
	day = day.Add(24 * time.Hour)
	step("the next day")
	day = day.Add(time.Hour)
	if fp := get(); seen[fp] != "the next day" {
		t.Fatalf("an hour later the fingerprint changed, want the same day's")
	}
}

// A forced request for a repository whose job is already waiting makes
// that job forced instead of being dropped as a duplicate.
func TestForceUpgradesWaitingJob(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			f := openFleet(t, b.open(t))
			ctx := context.Background()
			repos := addAll(t, f, "/repo")
			assessed := 0
			work := func() {
				t.Helper()
				err := f.Queue.Work(ctx, WorkOptions{Workers: 1, UntilEmpty: true, PollEvery: 20 * time.Millisecond,
					Fingerprint: func(context.Context, string) (string, error) { return "same", nil },
					Assess: func(context.Context, string) (*report.Report, error) {
						assessed++
						return fakeReport("abc", 3), nil
					}})
				if err != nil {
					t.Fatal(err)
				}
			}
			if _, err := f.Queue.Enqueue(ctx, repos, 3); err != nil {
				t.Fatal(err)
			}
			work() // the first assessment
			if _, err := f.Queue.EnqueueWith(ctx, repos, EnqueueOptions{}); err != nil {
				t.Fatal(err)
			}
			n, err := f.Queue.EnqueueWith(ctx, repos, EnqueueOptions{Force: true})
			if err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Fatalf("forced request queued %d jobs beside the waiting one, want 0", n)
			}
			work()
			if assessed != 2 {
				t.Fatalf("%d assessments, want 2: the waiting job should have run forced", assessed)
			}
		})
	}
}
