// Package treetest builds small repository trees for collector tests and
// runs a collector over them, so each test states only its files and what
// it expects.
package treetest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/source"
)

// Write writes files (slash-separated path -> content) under a new
// temporary directory and returns it.
func Write(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Collect runs c over dir at now (the clock when zero) and returns its
// records; a collector error fails the test. A collector that reads the
// declaration is given it when the test constructs it.
func Collect(t testing.TB, c collector.Collector, dir string, now time.Time) []evidence.Record {
	t.Helper()
	tree, err := source.OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	if now.IsZero() {
		now = time.Now()
	}
	recs, err := c.Collect(context.Background(), &collector.Input{Tree: tree, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
