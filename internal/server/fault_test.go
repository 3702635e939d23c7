//go:build unix

package server

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/assaysec/assay/internal/fleet"
	"github.com/assaysec/assay/internal/report"
)

// The fault test runs assessment workers as child processes of the test
// binary, on PostgreSQL, and kills one with SIGKILL mid-assessment.
const (
	faultChildEnv = "ASSAY_SERVER_FAULT_CHILD" // the PostgreSQL URL to work
	// faultBlockEnv makes the child's assessor announce the job on stdout
	// and then block until the process dies: the kill lands at a known
	// point, inside a running assessment, whatever the machine's speed.
	faultBlockEnv = "ASSAY_SERVER_FAULT_BLOCK"
	faultReady    = "assessing "
	faultLease    = time.Second
)

func TestMain(m *testing.M) {
	if db := os.Getenv(faultChildEnv); db != "" {
		os.Exit(faultChild(db))
	}
	os.Exit(m.Run())
}

// faultChild works the queue as `assay serve --workers 1` does (the
// fingerprint check first, then the assessment) until the queue is empty
// or the process is killed.
func faultChild(url string) int {
	ctx := context.Background()
	f, err := fleet.Open(ctx, fleet.Database{Dialect: fleet.Postgres, URL: url}, fleet.OpenOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer f.Close()
	assess := fakeAssess
	if os.Getenv(faultBlockEnv) != "" {
		assess = func(ctx context.Context, dir string) (*report.Report, error) {
			fmt.Printf("%s%s\n", faultReady, dir)
			<-ctx.Done() // never, before the kill: the job timeout is far off
			return nil, ctx.Err()
		}
	}
	err = f.Queue.Work(ctx, fleet.WorkOptions{Workers: 1, UntilEmpty: true, Assess: assess, Fingerprint: stateFingerprint,
		JobTimeout: 10 * time.Minute, LeaseFor: faultLease, PollEvery: 50 * time.Millisecond})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestFaultKillWorker kills a worker process with SIGKILL while it
// assesses; a second worker process retries the job, and exactly one
// assessment is stored for it.
func TestFaultKillWorker(t *testing.T) {
	if testing.Short() {
		t.Skip("starts worker processes")
	}
	e := newEnv(t, backend{"postgres", postgresDB})
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/STATE", []byte("one\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	repo := e.addRepo(dir)
	e.must("POST", fmt.Sprintf("/api/v1/repositories/%d/assessments", repo.ID), e.admin, nil, http.StatusAccepted, nil)
	url := e.fleet.Database.URL
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	// The first worker: started, awaited at its announcement, killed.
	first := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	first.Env = append(os.Environ(), faultChildEnv+"="+url, faultBlockEnv+"=1")
	first.Stderr = os.Stderr
	out, err := first.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, faultReady) {
		_ = first.Process.Kill()
		_ = first.Wait()
		t.Fatalf("the first worker did not announce an assessment: %q, %v", line, err)
	}
	if got := jobState(t, e); got.state != "running" || got.attempt != 1 {
		t.Fatalf("before the kill the job is %+v, want running, attempt 1", got)
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	if st, ok := first.ProcessState.Sys().(syscall.WaitStatus); !ok || !st.Signaled() || st.Signal() != syscall.SIGKILL {
		t.Fatalf("the first worker ended with %v, not SIGKILL", first.ProcessState)
	}
	if n := storedRows(t, e, repo); n != 0 {
		t.Fatalf("%d assessments stored by the killed worker, want 0", n)
	}

	// The second worker: releases the dead worker's job once its lease
	// lapses, runs it and exits when the queue is empty.
	second := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	second.Env = append(os.Environ(), faultChildEnv+"="+url)
	second.Stdout, second.Stderr = os.Stderr, os.Stderr
	if err := second.Run(); err != nil {
		t.Fatalf("the second worker: %v", err)
	}

	got := jobState(t, e)
	if got.state != "completed" || got.attempt != 2 || len(got.attemptedBy) != 2 || got.attemptedBy[0] == got.attemptedBy[1] {
		t.Fatalf("after the retry the job is %+v, want completed at attempt 2 by two workers", got)
	}
	if n := storedRows(t, e, repo); n != 1 {
		t.Fatalf("%d assessments stored, want exactly 1", n)
	}
	var list struct{ Assessments []fleet.Assessment }
	e.must("GET", fmt.Sprintf("/api/v1/repositories/%d/assessments", repo.ID), e.admin, nil, http.StatusOK, &list)
	if len(list.Assessments) != 1 || list.Assessments[0].Status != fleet.StatusSucceeded || list.Assessments[0].Attempt != 2 {
		t.Fatalf("assessments = %+v, want one succeeded at attempt 2", list.Assessments)
	}
}

type jobRow struct {
	state       string
	attempt     int
	attemptedBy []string
}

// jobState reads the only assessment job's row.
func jobState(t *testing.T, e *env) jobRow {
	t.Helper()
	db, _ := e.fleet.SQL()
	var (
		j  jobRow
		by string
	)
	err := db.QueryRow(`SELECT state, attempt, array_to_string(attempted_by, ' ') FROM river_job WHERE kind = $1`, fleet.JobKind).Scan(&j.state, &j.attempt, &by)
	if err != nil {
		t.Fatal(err)
	}
	j.attemptedBy = strings.Fields(by)
	return j
}

func storedRows(t *testing.T, e *env, repo Repository) int {
	t.Helper()
	db, _ := e.fleet.SQL()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM fleet_assessments WHERE repository_id = $1`, repo.FleetRepositoryID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
