package cli

import (
	"testing"

	"github.com/assaysec/assay/internal/lazyre"
)

// TestRegexpsCompile compiles every lazily compiled expression of every
// package the command links, so a bad one fails here and not on the first
// run that reaches it.
func TestRegexpsCompile(t *testing.T) {
	if expr, err := lazyre.Compile(); err != nil {
		t.Fatalf("expression %q: %v", expr, err)
	}
}
