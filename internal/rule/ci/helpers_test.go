package ci

import (
	"context"
	"testing"
	"time"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/collector/ci/buildenv"
	"github.com/assaysec/assay/internal/collector/ci/pipelines"
	"github.com/assaysec/assay/internal/collector/ci/updates"
	"github.com/assaysec/assay/internal/collector/deps/manifests"
	"github.com/assaysec/assay/internal/collector/repo/binaries"
	reposcope "github.com/assaysec/assay/internal/collector/repo/scope"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
	"github.com/assaysec/assay/internal/source"
)

var testNow = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

// collectDir runs the CI collectors over a directory, as the engine would.
func collectDir(t testing.TB, dir string) *evidence.Set {
	t.Helper()
	tree, err := source.OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tree.Close() })
	in := &collector.Input{Tree: tree, Now: testNow}
	ev := evidence.NewSet()
	for _, c := range []collector.Collector{pipelines.New(), buildenv.New(), updates.New(), manifests.New(&config.Config{}), binaries.New(), reposcope.New(nil)} {
		recs, err := c.Collect(context.Background(), in)
		if err != nil {
			t.Fatalf("%s: %v", c.Name(), err)
		}
		ev.Add(recs...)
	}
	return ev
}

// evalAll runs every rule of the area and groups findings by rule.
func evalAll(t testing.TB, ev *evidence.Set) map[string][]rule.Finding {
	t.Helper()
	rs, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]rule.Finding{}
	for _, r := range rs {
		out[r.Meta().ID] = r.Evaluate(ev)
	}
	return out
}
