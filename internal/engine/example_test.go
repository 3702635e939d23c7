package engine

import (
	"testing"

	"github.com/assaysec/assay/internal/mapping"
	rulelist "github.com/assaysec/assay/internal/rule/list"
)

// TestWorkedExampleRule keeps docs/ARCHITECTURE.md's worked example true:
// threatModelDocumented is registered, described and mapped.
func TestWorkedExampleRule(t *testing.T) {
	const id = "threatModelDocumented"
	rules, err := rulelist.All()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rules {
		if r.Meta().ID == id {
			found = r.Meta().Question != "" && r.Meta().Remediation != ""
		}
	}
	if !found {
		t.Fatalf("rule %s is not registered with metadata", id)
	}
	maps, err := mapping.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(maps.ClaimsOf(id)) == 0 {
		t.Errorf("rule %s is not mapped to any claim", id)
	}
}
