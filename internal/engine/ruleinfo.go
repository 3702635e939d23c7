package engine

import (
	"slices"
	"strings"

	"github.com/assaysec/assay/internal/catalog"
	"github.com/assaysec/assay/internal/mapping"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/rule"
)

// DescribeRules lists every rule with its metadata and the claims it
// supports, sorted by id, for formats that describe rules (SARIF rule
// descriptors, OSCAL). Rules that no claim maps are kept when they are
// hygiene rules, whose failures reach the report as notices.
func DescribeRules(cat *catalog.Catalog, maps *mapping.Mapping, metas map[string]rule.Meta) []report.RuleInfo {
	principleOf := map[string]string{}
	for _, p := range cat.Principles() {
		for _, c := range p.Claims {
			principleOf[c.ID] = p.ID
		}
	}
	ids := map[string]bool{}
	for id := range metas {
		ids[id] = true
	}
	for _, id := range maps.RuleIDs() {
		ids[id] = true
	}
	out := make([]report.RuleInfo, 0, len(ids))
	for id := range ids {
		m := metas[id]
		ri := report.RuleInfo{ID: id, Question: m.Question, Rationale: m.Rationale, Remediation: m.Remediation, Hygiene: m.Hygiene}
		for _, c := range maps.ClaimsOf(id) {
			ri.Claims = append(ri.Claims, report.RuleClaim{Claim: c, Principle: principleOf[c], Role: maps.Claim(c).Role(id)})
		}
		if len(ri.Claims) == 0 && !ri.Hygiene {
			continue
		}
		out = append(out, ri)
	}
	slices.SortFunc(out, func(a, b report.RuleInfo) int { return strings.Compare(a.ID, b.ID) })
	return out
}
