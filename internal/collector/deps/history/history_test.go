package history

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/vulndb"
)

func TestLag(t *testing.T) {
	now := time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)
	dbDir := t.TempDir()
	if _, _, err := vulndb.Import(context.Background(), dbDir, []string{"../../../vulndb/testdata/ghsa"}, vulndb.ImportOptions{Now: now}); err != nil {
		t.Fatal(err)
	}
	flysystem := func(version string) string {
		return `{"packages":[{"name":"league/flysystem","version":"` + version + `"}],"packages-dev":[]}`
	}
	recs := collectLag(t, now, dbDir, []lockCommit{
		{flysystem("1.0.8"), now.AddDate(0, -6, 0)},                   // vulnerable, advisory published in 2021
		{flysystem("1.1.4"), now.AddDate(0, -6, 0).AddDate(0, 0, 20)}, // fixed 20 days later
	})
	lag := recs[0].Fact.(evidence.RemediationLag)
	if lag.Commits != 2 || len(lag.Samples) != 1 {
		t.Fatalf("lag = %+v; want 2 commits, 1 sample", lag)
	}
	s := lag.Samples[0]
	if s.ID != "GHSA-9f46-5r25-5wfm" || s.Days != 20 || s.Open {
		t.Errorf("sample = %+v; want GHSA-9f46-5r25-5wfm replaced after 20 days", s)
	}
}

// An advisory with no fixed version has no fix to adopt: pinning the
// package is not a remediation lag (it is reported by the current-state
// vulnerability rules instead).
func TestLag_NoFixedVersionIsNoSample(t *testing.T) {
	now := time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)
	src := t.TempDir()
	record := `{"schema_version":"1.3.1","id":"GHSA-0000-nofx-0000","published":"2021-01-01T00:00:00Z","modified":"2021-01-01T00:00:00Z",
"summary":"every version affected","affected":[{"package":{"ecosystem":"Packagist","name":"acme/nofix"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}`
	if err := os.WriteFile(filepath.Join(src, "GHSA-0000-nofx-0000.json"), []byte(record), 0o644); err != nil {
		t.Fatal(err)
	}
	dbDir := t.TempDir()
	if _, _, err := vulndb.Import(context.Background(), dbDir, []string{src}, vulndb.ImportOptions{Now: now, Kind: vulndb.KindOSV}); err != nil {
		t.Fatal(err)
	}
	recs := collectLag(t, now, dbDir, []lockCommit{
		{`{"packages":[{"name":"acme/nofix","version":"1.0.0"}]}`, now.AddDate(0, -6, 0)},
		{`{"packages":[]}`, now.AddDate(0, -1, 0)},
	})
	if lag := recs[0].Fact.(evidence.RemediationLag); len(lag.Samples) != 0 {
		t.Errorf("samples = %+v; want none for an advisory without a fix", lag.Samples)
	}
}

// lockCommit is one commit of composer.lock.
type lockCommit struct {
	lock string
	when time.Time
}

// collectLag commits each lockfile in turn to a new repository and runs
// the collector over it with the database in dbDir.
func collectLag(t *testing.T, now time.Time, dbDir string, commits []lockCommit) []evidence.Record {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, _ := repo.Worktree()
	for _, c := range commits {
		if err := os.WriteFile(filepath.Join(dir, "composer.lock"), []byte(c.lock), 0o644); err != nil {
			t.Fatal(err)
		}
		wt.Add("composer.lock")
		sig := &object.Signature{Name: "t", Email: "t@example.com", When: c.when}
		if _, err := wt.Commit("lock", &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
			t.Fatal(err)
		}
	}
	tree, err := source.OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tree.Close() })
	hist, err := source.OpenHistory(dir)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := New().Collect(context.Background(), &collector.Input{Tree: tree, History: hist, Now: now, Options: collector.Options{DBDir: dbDir}})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
