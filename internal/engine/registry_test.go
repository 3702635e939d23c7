package engine_test

import (
	"regexp"
	"testing"

	"github.com/assaysec/assay/internal/catalog"
	"github.com/assaysec/assay/internal/collector/list"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/mapping"
	rulelist "github.com/assaysec/assay/internal/rule/list"
)

var collectorName = regexp.MustCompile(`^[a-z0-9-]+(/[a-z0-9-]+)+$`)

// The registries are guarded by tests instead of a linter: names are valid
// and unique, every rule's evidence is produced by some collector, every
// mapped rule exists and supports a real claim, and every registered rule
// either supports a claim or is a hygiene rule.
func TestRegistries(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	maps, err := mapping.Load()
	if err != nil {
		t.Fatal(err)
	}
	rules, err := rulelist.All()
	if err != nil {
		t.Fatal(err)
	}
	produced := map[evidence.Kind]bool{evidence.KindAssessment: true}
	seen := map[string]bool{}
	for _, mk := range list.All {
		c := mk(list.Settings{Config: &config.Config{}})
		if !collectorName.MatchString(c.Name()) {
			t.Errorf("collector name %q does not match %s", c.Name(), collectorName)
		}
		if seen[c.Name()] {
			t.Errorf("collector %q registered twice", c.Name())
		}
		seen[c.Name()] = true
		for _, k := range c.Produces() {
			produced[k] = true
		}
	}
	ruleIDs := map[string]bool{}
	for _, r := range rules {
		m := r.Meta()
		ruleIDs[m.ID] = true
		for _, k := range r.Needs() {
			if !produced[k] {
				t.Errorf("rule %s needs %s, which no registered collector produces", m.ID, k)
			}
		}
		if len(maps.ClaimsOf(m.ID)) == 0 && !m.Hygiene {
			t.Errorf("rule %s supports no claim and is not a hygiene rule", m.ID)
		}
	}
	for _, id := range maps.RuleIDs() {
		if !ruleIDs[id] {
			t.Errorf("mapping names rule %s, which is not registered", id)
		}
	}
	for _, id := range maps.ClaimIDs() {
		if _, ok := cat.Claim(id); !ok {
			t.Errorf("mapping names claim %s, which is not in the catalog", id)
		}
	}
}
