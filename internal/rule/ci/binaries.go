package ci

import (
	"fmt"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
	"github.com/assaysec/assay/internal/scope"
)

// ---- binary artefacts in the tree ----

func noBinaryArtefacts(ev *evidence.Set) []rule.Finding {
	const id = NoBinaryArtefacts
	scan, ok := evidence.First[evidence.BinaryScan](ev)
	if !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "the tree was not searched for binary artefacts")}
	}
	var sc *scope.Scope
	if it, ok := evidence.First[evidence.ProductScope](ev); ok {
		s := it.Fact.Scope
		sc = &s
	}
	var out []rule.Finding
	var allowed []string
	for _, it := range evidence.Facts[evidence.Binary](ev) {
		b := it.Fact
		if b.Allowed != "" {
			allowed = append(allowed, fmt.Sprintf("%s (%s)", b.Path, b.Allowed))
			continue
		}
		if v := sc.Classify(b.Path); !v.In {
			// Inputs of e2e test apps and examples do not ship.
			allowed = append(allowed, fmt.Sprintf("%s (outside the product: %s)", b.Path, v.Why()))
			continue
		}
		out = append(out, rule.New(id, rule.False, loc(b.Path, 0), "%s is a committed binary (%s, %d bytes): it cannot be reviewed, and what it was built from is not in the repository", b.Path, b.Format, b.Size))
	}
	if len(out) > 0 {
		return out
	}
	note := ""
	if len(allowed) > 0 {
		shown := allowed
		if len(shown) > 3 {
			shown = append(shown[:3:3], fmt.Sprintf("%d more", len(allowed)-3))
		}
		note = fmt.Sprintf("; %d allowed: %s", len(allowed), strings.Join(shown, ", "))
	}
	if scan.Fact.Partial {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "no binary artefacts among the %d files examined, but the search stopped at its budget%s", scan.Fact.Files, note)}
	}
	return []rule.Finding{rule.New(id, rule.True, evidence.Location{}, "no executables, libraries or compiled bytecode are committed outside test data%s", note)}
}
