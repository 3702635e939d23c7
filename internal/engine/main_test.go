package engine_test

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/assaysec/assay/internal/engine"
	"github.com/assaysec/assay/internal/evidence"
)

// TestMain fails the package when any test made a rule read evidence it
// did not declare: every rule sees only its declared kinds, and a read
// outside them would judge a partial set when a collector fails.
//
// It also points the user cache (the default vulnerability database and
// forge cache) at an empty directory, so no test judges the machine's own
// database: tests that need one import it into a directory of their own.
func TestMain(m *testing.M) {
	os.Setenv(engine.StrictReadsEnv, "1")
	cache, err := os.MkdirTemp("", "assay-engine-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Setenv("XDG_CACHE_HOME", cache)
	var mu sync.Mutex
	seen := map[string]bool{}
	engine.SetOnUndeclared(func(rule string, kinds []evidence.Kind) {
		mu.Lock()
		defer mu.Unlock()
		seen[fmt.Sprintf("%s reads %v", rule, kinds)] = true
	})
	code := m.Run()
	os.RemoveAll(cache)
	if len(seen) > 0 {
		for s := range seen {
			fmt.Fprintf(os.Stderr, "undeclared evidence read: %s\n", s)
		}
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}
