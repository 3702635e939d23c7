package fleet

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestEngineAssessorConcurrent runs the real engine on a few repositories at
// once (the race detector watches the engine's shared state), including a
// broken declaration that must fail once, without retries.
func TestEngineAssessorConcurrent(t *testing.T) {
	root := t.TempDir()
	var paths []string
	for i, decl := range []string{"product: a\n", "product: b\n", "product: c\n", "product: d\ncolour: red\n"} {
		dir := filepath.Join(root, string(rune('a'+i)))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "assay.yaml"), []byte(decl), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/x\n\ngo 1.26\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, dir)
	}
	f := openFleet(t, sqliteDB(t))
	ctx := context.Background()
	repos := addAll(t, f, paths...)
	if _, err := f.Queue.Enqueue(ctx, repos, 3); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)
	var attempts atomic.Int32
	if err := f.Queue.Work(ctx, WorkOptions{Workers: 4, UntilEmpty: true, Assess: EngineAssessor(now),
		OnDone: func(Result) { attempts.Add(1) }}); err != nil {
		t.Fatal(err)
	}
	if attempts.Load() != 4 {
		t.Errorf("%d attempts, want 4 (the broken declaration is not retried)", attempts.Load())
	}
	st, err := f.Store.Statuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		broken := strings.HasSuffix(s.Path, "d")
		switch {
		case s.Latest == nil:
			t.Errorf("%s: not assessed", s.Path)
		case broken && (s.Latest.Status != StatusFailed || !strings.Contains(s.Latest.Error, "colour: unknown key")):
			t.Errorf("%s: %s %q, want failed on the unknown key", s.Path, s.Latest.Status, s.Latest.Error)
		case !broken && (s.Latest.Status != StatusSucceeded || s.Latest.Claims.Met+s.Latest.Claims.NotMet+s.Latest.Claims.Unknown+s.Latest.Claims.NotApplicable != 45):
			t.Errorf("%s: %s %+v, want 45 claims counted", s.Path, s.Latest.Status, s.Latest.Claims)
		}
	}
}
