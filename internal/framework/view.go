package framework

import (
	"strings"

	"github.com/assaysec/assay/internal/evaluate"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/mapping"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/rule"
)

// NoEvidence is the reason of a control that nothing maps to.
const NoEvidence = "no evidence maps to this control"

// Extra links a rule that is not in the framework's data (a custom rule) to
// one of its controls, with a role: all, any, blocks or supporting.
type Extra struct {
	Framework, Control, Rule string
	Role                     mapping.Role
}

// View judges every control of f from the evaluated UK claims and the rule
// findings. metas gives each rule's default for a false answer; extra adds
// custom rules to controls.
func View(f *Framework, principles []report.Principle, findings []rule.Finding, metas map[string]rule.Meta, extra ...Extra) report.FrameworkView {
	claims := map[string]report.ClaimStatus{}
	for _, p := range principles {
		for _, c := range p.Claims {
			claims[c.ID] = c.Status
		}
	}
	byRule := map[string][]rule.Finding{}
	for _, fd := range findings {
		byRule[fd.Rule] = append(byRule[fd.Rule], fd)
	}
	v := report.FrameworkView{
		ID: f.Meta.ID, Version: f.Meta.Version, Title: f.Meta.Title, Publisher: f.Meta.Publisher, URL: f.Meta.URL,
		MappingSource: f.Meta.Source, MappingNote: strings.TrimSpace(f.Meta.Note),
		Groups: []report.ControlGroup{}, Controls: []report.ControlVerdict{},
	}
	for _, g := range f.Groups {
		v.Groups = append(v.Groups, report.ControlGroup{ID: g.ID, Parent: g.Parent, Title: g.Title})
	}
	for i := range f.Controls {
		c := &f.Controls[i]
		for _, x := range extra {
			if x.Framework != f.Meta.ID || x.Control != c.ID {
				continue
			}
			cc := *c
			cc.Rules = c.Rules.Clone()
			switch x.Role {
			case RoleAll:
				cc.Rules.All = append(cc.Rules.All, x.Rule)
			case RoleAny:
				cc.Rules.Any = append(cc.Rules.Any, x.Rule)
			case RoleBlocks:
				cc.Rules.Blocks = append(cc.Rules.Blocks, x.Rule)
			default:
				cc.Rules.Supporting = append(cc.Rules.Supporting, x.Rule)
			}
			if x.Role != RoleSupporting {
				cc.Source = SourceOurs
			}
			c = &cc
		}
		cv := judge(c, claims, byRule, metas)
		v.Summary.Add(cv.Status)
		v.Controls = append(v.Controls, cv)
	}
	return v
}

// tally is one role's answers.
type tally struct {
	n, met, violated, absent, na int
	unknown                      []string
	failed                       []string
	held                         []string
}

func (t *tally) add(id string, a answer) {
	t.n++
	switch a {
	case answerMet:
		t.met++
		t.held = append(t.held, id)
	case answerViolated:
		t.violated++
		t.failed = append(t.failed, id)
	case answerAbsent:
		t.absent++
		t.failed = append(t.failed, id)
	case answerNA:
		t.na++
	default:
		t.unknown = append(t.unknown, id)
	}
}

type answer int

const (
	answerUnknown answer = iota
	answerMet
	answerViolated // observed, decisive
	answerAbsent   // searched and found nothing, or points elsewhere
	answerNA
)

func claimAnswer(s report.ClaimStatus) answer {
	switch s {
	case report.ClaimMet:
		return answerMet
	case report.ClaimNotMet:
		return answerViolated
	case report.ClaimNotApplicable:
		return answerNA
	}
	return answerUnknown
}

// ruleAnswer folds a rule's findings the way claims are judged
// (evaluate.RuleVerdict); a pointer elsewhere counts as an absence here.
func ruleAnswer(fs []rule.Finding, m rule.Meta) answer {
	switch v, neg, _ := evaluate.RuleVerdict(fs, m); v {
	case rule.False:
		if neg == rule.Violation {
			return answerViolated
		}
		return answerAbsent
	case rule.True:
		return answerMet
	case rule.NotApplicable:
		return answerNA
	}
	return answerUnknown
}

func judge(c *Control, claims map[string]report.ClaimStatus, byRule map[string][]rule.Finding, metas map[string]rule.Meta) report.ControlVerdict {
	cv := report.ControlVerdict{ID: c.ID, Title: c.Title, Group: c.Group, Level: c.Level, Source: c.Source, Person: c.Person, Principles: c.Principles}
	var all, any, blocks tally
	claimRole := RoleAll
	if c.ClaimsRole == RoleSupporting {
		claimRole = RoleSupporting
	}
	for _, l := range c.Links {
		st, ok := claims[l.ID]
		if !ok {
			st = report.ClaimUnknown
		}
		cv.Claims = append(cv.Claims, report.ControlClaim{ID: l.ID, Status: st, Role: claimRole, Source: l.Source})
		if claimRole == RoleAll {
			all.add("claim "+l.ID, claimAnswer(st))
		}
	}
	for _, id := range c.Rules.IDs() {
		role := c.Rules.Role(id)
		fs := byRule[id]
		m := metas[id]
		for _, f := range fs {
			rf := report.Finding{Rule: f.Rule, Outcome: report.Outcome(f.Outcome), Message: f.Message, Role: role, Location: location(f.Location)}
			if f.Outcome == rule.False {
				rf.Negative = report.Negative(rule.NegativeOf(f, m))
			}
			cv.Findings = append(cv.Findings, rf)
		}
		a := ruleAnswer(fs, m)
		switch role {
		case RoleAll:
			all.add(id, a)
		case RoleAny:
			any.add(id, a)
		case RoleBlocks:
			if a == answerViolated {
				blocks.add(id, a)
			}
		}
	}
	cv.Status, cv.Reason = verdict(c, all, any, blocks)
	return cv
}

func verdict(c *Control, all, any, blocks tally) (report.ClaimStatus, string) {
	decisive := c.Absence == "decisive"
	needPerson := ""
	if c.Person != "" {
		needPerson = "; a person must attest " + c.Person
	}
	switch {
	case blocks.violated > 0:
		return report.ClaimNotMet, "violated: " + strings.Join(blocks.failed, ", ")
	case all.violated > 0 || decisive && all.absent > 0:
		return report.ClaimNotMet, "not met: " + strings.Join(all.failed, ", ")
	case any.n > any.na && any.met == 0 && any.violated+boolInt(decisive)*any.absent == any.n-any.na:
		return report.ClaimNotMet, "no alternative holds: " + strings.Join(any.failed, ", ")
	}
	if all.n == 0 && any.n == 0 {
		reason := NoEvidence
		if len(c.Links) > 0 || len(c.Rules.Supporting) > 0 || len(c.Principles) > 0 {
			reason = "no evidence decides this control; related evidence is shown"
		}
		return report.ClaimUnknown, reason + needPerson
	}
	if all.n > 0 && all.na == all.n && (any.n == 0 || any.na == any.n) {
		return report.ClaimNotApplicable, "nothing to check: every mapped claim and rule is not applicable"
	}
	allMet := all.met+all.na == all.n
	anyMet := any.n == 0 || any.met > 0
	if allMet && anyMet && (all.met > 0 || any.met > 0) {
		reason := "met by " + strings.Join(append(all.held, any.held...), ", ")
		if c.Person != "" {
			reason += "; confirm " + c.Person
		}
		return report.ClaimMet, reason
	}
	var open []string
	open = append(open, all.unknown...)
	open = append(open, all.failed...)
	if !anyMet {
		open = append(open, any.unknown...)
		open = append(open, any.failed...)
	}
	if len(open) == 0 {
		return report.ClaimUnknown, "undecided" + needPerson
	}
	return report.ClaimUnknown, "undecided: " + strings.Join(open, ", ") + needPerson
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func location(l evidence.Location) report.Location {
	return report.Location{Path: l.Path, Line: l.Line, URL: l.URL, Commit: l.Commit}
}
