package fleet

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/riverqueue/river/rivertype"

	"github.com/assaysec/assay/internal/report"
)

var t0 = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

// TestStoreContract runs the same expectations against every store.
func TestStoreContract(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := b.open(t)
			f := openFleet(t, db)
			ctx := context.Background()
			s := f.Store

			t.Run("add is idempotent", func(t *testing.T) {
				first, err := s.AddRepositories(ctx, []string{"/r/b", "/r/a"}, t0)
				if err != nil {
					t.Fatal(err)
				}
				again, err := s.AddRepositories(ctx, []string{"/r/a", "/r/b", "/r/c"}, t0.Add(time.Hour))
				if err != nil {
					t.Fatal(err)
				}
				want := []Repository{{first[1].ID, "/r/a", t0}, {first[0].ID, "/r/b", t0}, {again[2].ID, "/r/c", t0.Add(time.Hour)}}
				if diff := cmp.Diff(want, again); diff != "" {
					t.Errorf("second add (-want +got):\n%s", diff)
				}
				got, err := s.Repository(ctx, "/r/c")
				if err != nil || got != want[2] {
					t.Errorf("Repository(/r/c) = %v, %v; want %v", got, err, want[2])
				}
				if _, err := s.Repository(ctx, "/r/none"); !errors.Is(err, ErrNotFound) {
					t.Errorf("Repository(/r/none) error = %v, want ErrNotFound", err)
				}
			})

			t.Run("statuses and reports", func(t *testing.T) {
				a, _ := s.Repository(ctx, "/r/a")
				b, _ := s.Repository(ctx, "/r/b")
				if _, err := s.LatestReport(ctx, a.ID); !errors.Is(err, ErrNotFound) {
					t.Errorf("LatestReport before any = %v, want ErrNotFound", err)
				}
				ok := Assessment{RepositoryID: a.ID, JobID: 7, Attempt: 1, Status: StatusSucceeded,
					StartedAt: t0, FinishedAt: t0.Add(1500 * time.Millisecond), Duration: 1500 * time.Millisecond,
					Commit: "c0ffee", Claims: report.Counts{Met: 3, NotMet: 2, Unknown: 40, Waived: 1},
					Principles: report.PrincipleCounts{Met: 1, PartiallyMet: 2, Unknown: 11},
					Report:     []byte(`{"schemaVersion":"1.0.0","note":"nul \u0000 kept"}`)}
				okID, err := s.RecordAssessment(ctx, ok)
				if err != nil {
					t.Fatal(err)
				}
				failed := Assessment{RepositoryID: a.ID, JobID: 8, Attempt: 3, Status: StatusFailed,
					StartedAt: t0.Add(time.Hour), FinishedAt: t0.Add(time.Hour), Error: "boom\x1b[31m"}
				failedID, err := s.RecordAssessment(ctx, failed)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.RecordAssessment(ctx, Assessment{RepositoryID: b.ID, Status: "weird"}); err == nil {
					t.Error("RecordAssessment accepted an unknown status")
				}
				if _, err := s.RecordAssessment(ctx, Assessment{RepositoryID: 99999, Status: StatusFailed, StartedAt: t0, FinishedAt: t0}); err == nil {
					t.Error("RecordAssessment accepted an unknown repository")
				}

				got, err := s.Statuses(ctx)
				if err != nil {
					t.Fatal(err)
				}
				ok.ID, failed.ID = okID, failedID
				ok.Report = nil
				want := []RepositoryStatus{
					{Repository: a, Latest: &failed, LastSuccess: &ok},
					{Repository: b},
				}
				c, _ := s.Repository(ctx, "/r/c")
				want = append(want, RepositoryStatus{Repository: c})
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("Statuses (-want +got):\n%s", diff)
				}

				rep, err := s.LatestReport(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if want := `{"schemaVersion":"1.0.0","note":"nul \u0000 kept"}`; string(rep.Report) != want {
					t.Errorf("report = %s, want %s", rep.Report, want)
				}
				if diff := cmp.Diff(ok, rep, cmpopts.IgnoreFields(Assessment{}, "Report")); diff != "" {
					t.Errorf("LatestReport (-want +got):\n%s", diff)
				}

				list, err := s.Assessments(ctx, a.ID, 10)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff([]Assessment{failed, ok}, list); diff != "" {
					t.Errorf("Assessments newest first (-want +got):\n%s", diff)
				}
				one, err := s.Assessment(ctx, okID)
				if err != nil || !strings.Contains(string(one.Report), "kept") {
					t.Errorf("Assessment(%d) = %s, %v; want its report", okID, one.Report, err)
				}
				if one, err := s.Assessment(ctx, failedID); err != nil || one.Report != nil || one.Error != failed.Error {
					t.Errorf("Assessment(failed) = %+v, %v", one, err)
				}
				if _, err := s.Assessment(ctx, 99999); !errors.Is(err, ErrNotFound) {
					t.Errorf("Assessment(99999) error = %v, want ErrNotFound", err)
				}
			})

			t.Run("reopen keeps data and migrations", func(t *testing.T) {
				g := openFleet(t, db)
				st, err := g.Store.Statuses(ctx)
				if err != nil || len(st) != 3 {
					t.Errorf("after reopen: %d repositories, %v; want 3", len(st), err)
				}
			})
		})
	}
}

func TestMigrationsWellFormed(t *testing.T) {
	for _, d := range []Dialect{SQLite, Postgres} {
		ms, err := loadMigrations(fleetMigrations, d)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 || ms[0].version != 1 {
			t.Errorf("%s: migrations start at %v", d, ms)
		}
	}
	// Both dialects must have the same versions, so one Assay release means
	// one schema version everywhere.
	a, _ := loadMigrations(fleetMigrations, SQLite)
	b, _ := loadMigrations(fleetMigrations, Postgres)
	if len(a) != len(b) {
		t.Errorf("sqlite has %d migrations, postgres %d", len(a), len(b))
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := b.open(t)
			f := openFleet(t, db)
			s := f.Store.(*sqlStore)
			if _, err := s.db.Exec(rebind(s.dialect, `INSERT INTO fleet_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
				999, "9999_future.sql", encodeTime(s.dialect, t0)); err != nil {
				t.Fatal(err)
			}
			f.Close()
			_, err := Open(context.Background(), db, OpenOptions{})
			if err == nil {
				t.Fatal("Open accepted a newer schema")
			}
			if want := "schema version 999"; !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %q", err, want)
			}
		})
	}
}

// TestRecordOncePerJob: a job rerun after its worker died having stored
// the outcome stores nothing new and gets the first row's id back.
func TestRecordOncePerJob(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			f := openFleet(t, b.open(t))
			ctx := context.Background()
			repos := addAll(t, f, "/a")
			a := Assessment{RepositoryID: repos[0].ID, JobID: 42, Attempt: 1, Status: StatusSucceeded, StartedAt: t0, FinishedAt: t0}
			first, err := f.Store.RecordAssessment(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			a.Attempt, a.Status, a.Error = 2, StatusFailed, "rerun"
			second, err := f.Store.RecordAssessment(ctx, a)
			if err != nil || second != first {
				t.Fatalf("second record = %d, %v; want %d", second, err, first)
			}
			// Assessments outside a job (job id 0) are never merged.
			a.JobID = 0
			third, err := f.Store.RecordAssessment(ctx, a)
			if err != nil || third == first {
				t.Fatalf("record without job = %d, %v", third, err)
			}
			if got := storedRowsPerJob(t, f); got[42] != 1 || got[0] != 1 {
				t.Errorf("rows per job = %v", got)
			}
		})
	}
}

// TestOrphaned: only a running job whose last worker holds no live lease,
// attempted at least a lease ago, is an orphan.
func TestOrphaned(t *testing.T) {
	now := t0
	old, recent := now.Add(-time.Minute), now.Add(-time.Second)
	live := map[string]bool{"alive": true}
	for _, tc := range []struct {
		name string
		job  rivertype.JobRow
		want bool
	}{
		{"dead worker", rivertype.JobRow{State: rivertype.JobStateRunning, AttemptedBy: []string{"alive", "dead"}, AttemptedAt: &old}, true},
		{"live worker", rivertype.JobRow{State: rivertype.JobStateRunning, AttemptedBy: []string{"dead", "alive"}, AttemptedAt: &old}, false},
		{"just taken", rivertype.JobRow{State: rivertype.JobStateRunning, AttemptedBy: []string{"unknown"}, AttemptedAt: &recent}, false},
		{"not running", rivertype.JobRow{State: rivertype.JobStateAvailable, AttemptedBy: []string{"dead"}, AttemptedAt: &old}, false},
	} {
		if got := orphaned(&tc.job, live, 10*time.Second, now); got != tc.want {
			t.Errorf("%s: orphaned = %v, want %v", tc.name, got, tc.want)
		}
	}
}
