package fleet

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestReadOnlyOpenCreatesNothing: status and report open the database
// read-only; a missing one is ErrNoFleet and nothing appears on disk.
func TestReadOnlyOpenCreatesNothing(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	missing := Database{Dialect: SQLite, Path: filepath.Join(base, "nonexistent", "dir", "x.db")}
	if _, err := Open(ctx, missing, OpenOptions{ReadOnly: true}); !errors.Is(err, ErrNoFleet) {
		t.Fatalf("read-only open of a missing database: %v, want ErrNoFleet", err)
	}
	if _, err := os.Stat(filepath.Join(base, "nonexistent")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a read-only open created %s: %v", filepath.Join(base, "nonexistent"), err)
	}
	// An empty file is not a fleet either, and stays empty.
	empty := Database{Dialect: SQLite, Path: filepath.Join(base, "empty.db")}
	os.WriteFile(empty.Path, nil, 0o600)
	if _, err := Open(ctx, empty, OpenOptions{ReadOnly: true}); !errors.Is(err, ErrNoFleet) {
		t.Fatalf("read-only open of an empty file: %v, want ErrNoFleet", err)
	}
	if st, _ := os.Stat(empty.Path); st.Size() != 0 {
		t.Errorf("a read-only open wrote %d bytes", st.Size())
	}

	d := Database{Dialect: SQLite, Path: filepath.Join(base, "fleet.db")}
	w, err := Open(ctx, d, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	if _, err := w.Store.AddRepositories(ctx, []string{repo}, time.Now()); err != nil {
		t.Fatal(err)
	}
	w.Close()
	r, err := Open(ctx, d, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	st, err := r.Store.Statuses(ctx)
	if err != nil || len(st) != 1 {
		t.Fatalf("statuses %v, %v", st, err)
	}
	if _, err := r.Queue.Pending(ctx); err != nil {
		t.Fatalf("pending: %v", err)
	}
	if _, err := r.Store.AddRepositories(ctx, []string{t.TempDir()}, time.Now()); err == nil {
		t.Error("a read-only open wrote a repository")
	}
}
