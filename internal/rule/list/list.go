// Package list is the explicit registry of rules. Each area package exposes
// Rules() ([]rule.Rule, error); adding an area is one line here.
package list

import (
	"fmt"

	"github.com/assaysec/assay/internal/rule"
	cirules "github.com/assaysec/assay/internal/rule/ci"
	depsrules "github.com/assaysec/assay/internal/rule/deps"
	"github.com/assaysec/assay/internal/rule/disclosure"
	forgerules "github.com/assaysec/assay/internal/rule/forge"
	"github.com/assaysec/assay/internal/rule/foundation"
	historyrules "github.com/assaysec/assay/internal/rule/history"
	"github.com/assaysec/assay/internal/rule/lifecycle"
	"github.com/assaysec/assay/internal/rule/maintenance"
	releaserules "github.com/assaysec/assay/internal/rule/release"
	secretrules "github.com/assaysec/assay/internal/rule/secrets"
)

// areas lists every rule area, in evaluation order.
var areas = []func() ([]rule.Rule, error){
	foundation.Rules,
	disclosure.Rules,
	depsrules.Rules,
	lifecycle.Rules,
	releaserules.Rules,
	forgerules.Rules,
	cirules.Rules,
	historyrules.Rules,
	maintenance.Rules,
	secretrules.Rules,
}

// All returns every rule, checking that ids are unique.
func All() ([]rule.Rule, error) {
	var out []rule.Rule
	seen := map[string]bool{}
	for _, area := range areas {
		rs, err := area()
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			id := r.Meta().ID
			if seen[id] {
				return nil, fmt.Errorf("rule %s registered twice", id)
			}
			seen[id] = true
			out = append(out, r)
		}
	}
	return out, nil
}
