// Package evaluate turns rule findings and declared attestations into claim
// and principle statuses. It is pure: no I/O, no clock (the assessment time
// is an input), so every verdict can be tested with hand-built findings.
//
// The Code's conformance rule, from the Assurance Principles and Claims: a
// principle is met when every one of its claims is well evidenced. Assay adds
// the rule that tool failure is never the vendor's failure: a claim is
// not_met only on observed negative evidence; what could not be observed is
// unknown, with the reason and what would settle it.
package evaluate

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/assaysec/assay/internal/catalog"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/mapping"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/rule"
)

// Input is everything the evaluator judges.
type Input struct {
	Catalog  *catalog.Catalog
	Mapping  *mapping.Mapping
	Rules    map[string]rule.Meta
	Findings []rule.Finding
	Evidence *evidence.Set
	Config   *config.Config
	Now      time.Time
	// RequireSigned makes unsigned or unverified attestations not count.
	RequireSigned bool
	// Assurance is report.AssuranceObserved (the default) or
	// report.AssuranceAttested, which also requires a valid attestation for
	// every claim that is not fully automatable.
	Assurance string
}

// Output is the evaluator's verdict.
type Output struct {
	Principles   []report.Principle
	Attestations []report.Attestation
	Waivers      []report.Waiver
	Notices      []report.Finding
	SignOff      *report.SignOff
}

// Evaluate judges every claim of the catalog, in catalog order.
func Evaluate(in Input) Output {
	byRule := map[string][]rule.Finding{}
	for _, f := range in.Findings {
		byRule[f.Rule] = append(byRule[f.Rule], f)
	}
	cfg := in.Config
	if cfg == nil {
		cfg = &config.Config{Role: config.RoleDeveloperDistributor, Delivery: config.DeliveryDistributed}
	}
	atts, attByClaim := judgeAttestations(in, cfg)
	waivers, claimWaiver, ruleWaiver := judgeWaivers(in, cfg)
	excluded := map[string]config.Exclusion{}
	for _, x := range cfg.NotApplicable {
		excluded[x.Claim] = x
	}

	var out Output
	out.Attestations = atts
	for _, p := range in.Catalog.Principles() {
		rp := report.Principle{ID: p.ID, Theme: p.Theme, Title: p.Title}
		for i := range p.Claims {
			c := &p.Claims[i]
			rc := judgeClaim(in, cfg, c, byRule, attByClaim[c.ID], atts, excluded, ruleWaiver)
			if w, ok := claimWaiver[c.ID]; ok && rc.Status != report.ClaimMet && rc.Status != report.ClaimNotApplicable {
				ww := waivers[w]
				ww.Status = report.WaiverActive
				waivers[w] = ww
				rc.Waiver = &ww
			}
			if rc.Waiver == nil {
				for _, f := range rc.Findings {
					if f.Waived {
						if wi, ok := ruleWaiver[f.Rule]; ok {
							ww := waivers[wi]
							ww.Status = report.WaiverActive
							waivers[wi] = ww
							rc.Waiver = &ww
						}
					}
				}
			}
			rp.Counts.Add(rc)
			rp.Claims = append(rp.Claims, rc)
		}
		rp.Status, rp.Reason = principleStatus(rp)
		out.Principles = append(out.Principles, rp)
	}
	out.Waivers = waivers
	out.Notices = notices(in, byRule)
	out.SignOff = judgeSignOff(in)
	return out
}

// judgeAttestations decides which attestations count and indexes the valid
// ones by claim.
func judgeAttestations(in Input, cfg *config.Config) ([]report.Attestation, map[string][]int) {
	var out []report.Attestation
	valid := map[string][]int{}
	for _, it := range evidence.Facts[evidence.Attestation](in.Evidence) {
		a := it.Fact
		ra := report.Attestation{
			Claim: a.Claim, Statement: a.Statement, AttestedBy: a.AttestedBy,
			Date: dateString(a.Date), Expires: dateString(a.Expires),
			Signed: a.Signature.Signed, Verified: a.Signature.Verified, Signer: a.Signature.Signer,
			Location: location(it.Provenance.Location),
		}
		for _, d := range a.Evidence {
			ra.Evidence = append(ra.Evidence, report.AttestedDocument{Path: d.Path, URL: d.URL, SHA256: d.Declared, Matches: d.Matches(), Problem: d.Problem})
		}
		ra.Status, ra.Reason = attestationStatus(a, in.Now, in.RequireSigned)
		if ra.Status == report.AttestationValid {
			valid[a.Claim] = append(valid[a.Claim], len(out))
		}
		out = append(out, ra)
	}
	return out, valid
}

func attestationStatus(a evidence.Attestation, now time.Time, requireSigned bool) (report.AttestationState, string) {
	switch {
	case !a.Expires.IsZero() && !now.Before(a.Expires):
		return report.AttestationExpired, fmt.Sprintf("expired on %s; renew it with fresh evidence", dateString(a.Expires))
	case a.Date.After(now):
		return report.AttestationNotYetValid, fmt.Sprintf("dated %s, after the assessment", dateString(a.Date))
	}
	for _, d := range a.Evidence {
		if d.Matches() {
			continue
		}
		if d.Problem != "" {
			return report.AttestationStaleEvidence, fmt.Sprintf("evidence %s cannot be read: %s", d.Path, d.Problem)
		}
		return report.AttestationStaleEvidence, fmt.Sprintf("evidence %s has changed since it was attested (sha256 %s, declared %s)", d.Path, short(d.Actual), short(d.Declared))
	}
	if a.Signature.State == evidence.SignatureBad {
		return report.AttestationBadSignature, a.Signature.Problem
	}
	if requireSigned && !a.Signature.Verified {
		if !a.Signature.Signed {
			return report.AttestationUnsignedRejected, "unsigned; --require-signed is set"
		}
		return report.AttestationUnsignedRejected, "signature not verified: " + a.Signature.Problem
	}
	return report.AttestationValid, ""
}

func judgeWaivers(in Input, cfg *config.Config) (out []report.Waiver, byClaim map[string]int, byRule map[string]int) {
	byClaim, byRule = map[string]int{}, map[string]int{}
	for _, w := range cfg.Waivers {
		rw := report.Waiver{Claim: w.Claim, Rule: w.Rule, Reason: w.Reason, Owner: w.Owner, Expires: w.Expires.String(),
			Location: report.Location{Path: cfg.File, Line: w.Pos.Line}}
		if !w.Expires.IsZero() && !in.Now.Before(w.Expires.Time) {
			rw.Status = report.WaiverExpired
		} else {
			rw.Status = report.WaiverUnused
			if w.Claim != "" {
				byClaim[w.Claim] = len(out)
			} else {
				byRule[w.Rule] = len(out)
			}
		}
		out = append(out, rw)
	}
	return out, byClaim, byRule
}

// group summarises one group (all, any or blocks) of a claim's rules.
type group struct {
	trues, nas, unknowns int
	// partials counts false rules that also found some positive signal (one
	// workflow scoped, another not): not met when decisive, but they show
	// the signal is not wholly absent.
	partials int
	// Falses by what they rest on.
	violations, absences, elsewheres int
	unknownMsgs                      []string
	absenceMsgs, elsewhereMsgs       []string
	violationMsgs                    []string
	offline                          []string // any-rules skipped because the run was offline
}

func (g *group) falses() int { return g.violations + g.absences + g.elsewheres }

// add folds one rule's verdict into the group.
func (g *group) add(in Input, id string, fs []rule.Finding, remedies *[]string) {
	switch v, neg, msg := RuleVerdict(fs, in.Rules[id]); v {
	case rule.True:
		g.trues++
	case rule.False:
		if slices.ContainsFunc(fs, func(f rule.Finding) bool { return f.Outcome == rule.True }) {
			g.partials++
		}
		switch neg {
		case rule.NoSignal:
			g.absences++
			g.absenceMsgs = append(g.absenceMsgs, msg)
		case rule.Elsewhere:
			g.elsewheres++
			g.elsewhereMsgs = append(g.elsewhereMsgs, msg)
		default:
			g.violations++
			g.violationMsgs = append(g.violationMsgs, msg)
		}
		if m, ok := in.Rules[id]; ok && m.Remediation != "" {
			*remedies = append(*remedies, m.Remediation)
		}
	case rule.NotApplicable:
		g.nas++
	default:
		g.unknowns++
		g.unknownMsgs = append(g.unknownMsgs, unknownMessage(id, fs))
	}
}

// verdict is what the observed evidence says about a claim, before
// attestations and the assurance level are taken into account.
type verdict struct {
	status report.ClaimStatus
	reason string
}

// decide applies a claim's decision to its rule groups. The order matters:
// an observed violation is decisive; then met when every all-rule holds and
// some alternative does; then a pointer elsewhere leaves it unknown; then
// an absence is decisive only where the decision says so.
func decide(d catalog.Decision, all, any, blocks group, trueMsg, naMsg string) verdict {
	anyTrue := any.trues > 0
	anyDecided := any.trues+any.falses()+any.unknowns+any.nas > 0
	positives := all.trues + any.trues
	switch {
	case blocks.violations > 0:
		return verdict{report.ClaimNotMet, blocks.violationMsgs[0]}
	case all.violations > 0:
		return verdict{report.ClaimNotMet, all.violationMsgs[0]}
	case !anyTrue && any.violations > 0 && any.unknowns == 0:
		return verdict{report.ClaimNotMet, any.violationMsgs[0]}
	}
	allHolds := all.falses() == 0 && all.unknowns == 0
	if allHolds && (anyTrue || !anyDecided) && positives > 0 {
		return verdict{report.ClaimMet, trueMsg}
	}
	anyMissing := !anyTrue && any.unknowns == 0
	unknownText := func() string {
		return strings.Join(dedupe(slices.Concat(all.unknownMsgs, any.unknownMsgs)), "; ")
	}
	if all.elsewheres > 0 || (anyMissing && any.elsewheres > 0) {
		return verdict{report.ClaimUnknown, "the signal lives outside the repository: " + strings.Join(dedupe(slices.Concat(all.elsewhereMsgs, any.elsewhereMsgs)), "; ")}
	}
	if all.absences > 0 || (anyMissing && any.absences > 0) {
		reason := strings.Join(dedupe(slices.Concat(all.absenceMsgs, any.absenceMsgs)), "; ")
		switch absenceOf(d) {
		case catalog.AbsenceDecisive:
			return verdict{report.ClaimNotMet, reason}
		case catalog.AbsenceIfNone:
			if positives+all.partials+any.partials == 0 && all.unknowns == 0 && any.unknowns == 0 {
				return verdict{report.ClaimNotMet, reason}
			}
		}
		if all.unknowns+any.unknowns > 0 {
			reason += "; and could not be observed: " + unknownText()
		}
		return verdict{report.ClaimUnknown, "no signal found in the repository: " + reason}
	}
	if all.unknowns+any.unknowns > 0 {
		return verdict{report.ClaimUnknown, "could not be observed: " + unknownText()}
	}
	if positives == 0 && all.nas+any.nas > 0 {
		return verdict{report.ClaimNotApplicable, naMsg}
	}
	return verdict{report.ClaimUnknown, "the evidence observed is not sufficient on its own"}
}

func judgeClaim(in Input, cfg *config.Config, c *catalog.Claim, byRule map[string][]rule.Finding, validAtts []int, atts []report.Attestation, excluded map[string]config.Exclusion, ruleWaiver map[string]int) report.Claim {
	rc := newClaim(c, cfg)
	if outOfScope(in, cfg, c, excluded, &rc) {
		rc.Remediation = []string{}
		return rc
	}
	rules := in.Mapping.Claim(c.ID)
	f := foldRules(in, rules, byRule, ruleWaiver, &rc)
	rc.Attestations = validAtts
	att := claimAttestation{attested: in.Assurance == report.AssuranceAttested && c.Automation != catalog.AutomationAuto}
	if len(validAtts) > 0 {
		a := atts[validAtts[0]]
		att.valid = true
		att.by = fmt.Sprintf("attested by %s on %s (expires %s)", a.AttestedBy, a.Date, a.Expires)
	}
	observed := observedVerdict(c, rules, f, rc.Findings)
	switch observed.status {
	case report.ClaimNotMet:
		applyNotMet(&rc, observed, f.any, att)
	case report.ClaimMet:
		applyMet(&rc, c, observed, att)
	case report.ClaimNotApplicable:
		rc.Status, rc.Basis = report.ClaimNotApplicable, report.BasisObserved
		rc.Reason = observed.reason
		if att.valid {
			rc.Status, rc.Basis, rc.Reason = report.ClaimMet, report.BasisDeclared, att.by
		}
	default: // unknown or no rules
		applyUnknown(&rc, c, rules, observed, att)
		if s := collectable(rules, byRule); s != "" && rc.Status == report.ClaimUnknown {
			// Evidence a command can collect comes before an attestation.
			rc.Settle = "collect the missing evidence with " + s + "; otherwise " + rc.Settle
		}
	}
	if rc.Status == report.ClaimMet || rc.Status == report.ClaimNotApplicable {
		rc.Remediation = []string{}
	} else {
		rc.Remediation = dedupe(slices.Concat(f.falseRemedies, c.Remediation))
	}
	return rc
}

// newClaim is the claim's report entry before it is judged: its catalog
// text and decision, no findings and no basis.
func newClaim(c *catalog.Claim, cfg *config.Config) report.Claim {
	rc := report.Claim{ID: c.ID, Statement: c.Statement, Automation: string(c.Automation), Basis: report.BasisNone, Findings: []report.Finding{}}
	if c.Decision.MetWhen != "" || c.Decision.NotMetWhen != "" {
		rc.Decision = &report.Decision{MetWhen: c.Decision.MetWhen, NotMetWhen: c.Decision.NotMetWhen, Absence: string(absenceOf(c.Decision))}
	}
	if cfg.Delivery == config.DeliverySaaS {
		rc.SaaS = c.SaaS
	}
	return rc
}

// outOfScope makes the claim not applicable when the vendor's role does
// not cover its theme or the declaration excludes it, and reports whether
// it did.
func outOfScope(in Input, cfg *config.Config, c *catalog.Claim, excluded map[string]config.Exclusion, rc *report.Claim) bool {
	if !in.Catalog.Applies(cfg.Role, c.ID) {
		rc.Status = report.ClaimNotApplicable
		themes := ""
		if r, ok := in.Catalog.Role(cfg.Role); ok {
			themes = strings.Join(r.Themes, ", ")
		}
		rc.Reason = fmt.Sprintf("Code of Practice Table 1: a %s vendor is expected to meet themes %s; theme %s does not apply", cfg.Role, themes, c.Theme)
		return true
	}
	if x, ok := excluded[c.ID]; ok {
		rc.Status = report.ClaimNotApplicable
		rc.Basis = report.BasisDeclared
		rc.Reason = "declared not applicable: " + x.Reason
		return true
	}
	return false
}

// folded is a claim's rules folded into their groups.
type folded struct {
	all, any, blocks group
	falseRemedies    []string
}

// foldRules adds every mapped rule's findings to the claim and folds each
// rule's verdict into its group.
func foldRules(in Input, rules mapping.Rules, byRule map[string][]rule.Finding, ruleWaiver map[string]int, rc *report.Claim) *folded {
	f := &folded{}
	for _, id := range rules.IDs() {
		role := rules.Role(id)
		fs := byRule[id]
		_, waived := ruleWaiver[id]
		meta := in.Rules[id]
		for _, fi := range fs {
			rf := report.Finding{
				Rule: fi.Rule, Outcome: report.Outcome(fi.Outcome), Message: fi.Message, Role: role,
				Waived: waived && fi.Outcome == rule.False, Location: location(fi.Location),
			}
			if fi.Outcome == rule.False {
				rf.Negative = report.Negative(rule.NegativeOf(fi, meta))
			}
			rc.Findings = append(rc.Findings, rf)
		}
		if role != mapping.RoleBlocks && rules.Guards(id) {
			if v, neg, _ := RuleVerdict(fs, meta); v == rule.False && neg == rule.Violation && !waived {
				f.blocks.add(in, id, fs, &f.falseRemedies)
			}
		}
		switch role {
		case mapping.RoleSupporting:
			continue
		case mapping.RoleBlocks:
			// A guard only ever blocks: its absence, or its failure to
			// observe, says nothing about the claim.
			if v, neg, _ := RuleVerdict(fs, meta); v == rule.False && neg == rule.Violation && !waived {
				f.blocks.add(in, id, fs, &f.falseRemedies)
			}
		case mapping.RoleAny:
			if offlineOnly(fs) {
				// An alternative only a network source could show does not
				// hold the claim open when local alternatives were observed.
				f.any.offline = append(f.any.offline, id)
				continue
			}
			f.any.add(in, id, fs, &f.falseRemedies)
		default:
			f.all.add(in, id, fs, &f.falseRemedies)
		}
	}
	if len(f.any.offline) > 0 && f.any.trues+f.any.falses()+f.any.nas+f.any.unknowns == 0 {
		f.any.unknowns++
		f.any.unknownMsgs = append(f.any.unknownMsgs, "only network sources or inputs not given could decide it: run with --online or give them ("+strings.Join(f.any.offline, ", ")+")")
	}
	return f
}

// claimAttestation is what attestations say about one claim.
type claimAttestation struct {
	valid    bool   // a valid attestation backs the claim
	by       string // "attested by ... on ... (expires ...)", of the first valid one
	attested bool   // the assurance level asks this claim for an attestation
}

// observedVerdict decides the claim from the observed evidence alone.
func observedVerdict(c *catalog.Claim, rules mapping.Rules, f *folded, findings []report.Finding) verdict {
	var observed verdict
	if rules.Deciding() > 0 {
		observed = decide(c.Decision, f.all, f.any, f.blocks, firstTrueMessage(findings), firstMessage(findings, report.OutcomeNotApplicable))
	}
	if observed.status == report.ClaimNotApplicable && c.Decision.NotApplicableWhen == "" {
		// Nothing the rules check is present, but the claim still applies:
		// only the decision may say when that makes it not applicable.
		observed = verdict{report.ClaimUnknown, "nothing the rules check is present (" + observed.reason + ")"}
	}
	return observed
}

// applyNotMet records observed negative evidence; an attestation never
// overrides it.
func applyNotMet(rc *report.Claim, observed verdict, any group, att claimAttestation) {
	rc.Status = report.ClaimNotMet
	rc.Basis = report.BasisObserved
	rc.Reason = observed.reason
	if len(any.offline) > 0 && any.trues == 0 {
		rc.Reason += "; not checked (offline or not given): " + strings.Join(any.offline, ", ")
	}
	if att.valid {
		rc.Basis = report.BasisObservedDeclared
		rc.Reason += " (observed evidence contradicts the attestation: " + att.by + ")"
	}
}

// applyMet records observed positive evidence, which makes the claim met
// only when observation suffices for it at this assurance level or an
// attestation backs it.
func applyMet(rc *report.Claim, c *catalog.Claim, observed verdict, att claimAttestation) {
	switch {
	case att.valid:
		rc.Status, rc.Basis, rc.Reason = report.ClaimMet, report.BasisObservedDeclared, observed.reason+"; "+att.by
	case !c.ObservedSufficient:
		rc.Status, rc.Basis = report.ClaimUnknown, report.BasisObserved
		rc.Reason = "supporting evidence observed (" + observed.reason + "), but this claim needs a person's attestation"
		rc.Settle = settleText(c)
	case att.attested:
		rc.Status, rc.Basis = report.ClaimUnknown, report.BasisObserved
		rc.Reason = "observed (" + observed.reason + "), but the attested assurance level also needs a valid attestation"
		rc.Settle = settleText(c)
	default:
		rc.Status, rc.Basis, rc.Reason = report.ClaimMet, report.BasisObserved, observed.reason
		rc.Confirm = slices.Clone(c.Decision.Confirm)
	}
}

// collectable returns the command a not_available finding of the claim's
// rules names as what would get its evidence (rule.ValueSettle), or "".
func collectable(rules mapping.Rules, byRule map[string][]rule.Finding) string {
	for _, id := range rules.IDs() {
		for _, f := range byRule[id] {
			if s := f.Values[rule.ValueSettle]; f.Outcome == rule.NotAvailable && s != "" {
				return s
			}
		}
	}
	return ""
}

// applyUnknown records a claim the evidence does not decide: met by a valid
// attestation, unknown otherwise, with what would settle it.
func applyUnknown(rc *report.Claim, c *catalog.Claim, rules mapping.Rules, observed verdict, att claimAttestation) {
	if att.valid {
		rc.Status, rc.Basis = report.ClaimMet, report.BasisDeclared
		rc.Reason = att.by
		return
	}
	rc.Status = report.ClaimUnknown
	if len(rc.Findings) > 0 {
		rc.Basis = report.BasisObserved
	}
	switch {
	case rules.Deciding() == 0 && c.Automation == catalog.AutomationHuman:
		rc.Reason = "no file can prove this claim; it needs an attestation in assay.yaml"
	case rules.Deciding() == 0:
		rc.Reason = "no observed evidence decides this claim in this assessment; it needs an attestation in assay.yaml"
	default:
		rc.Reason = observed.reason
	}
	rc.Settle = settleText(c)
}

func absenceOf(d catalog.Decision) catalog.Absence {
	if d.Absence == "" {
		return catalog.AbsenceUnknown
	}
	return d.Absence
}

// RuleVerdict folds a rule's findings into one answer: any false wins (a
// violation over a pointer elsewhere over an absence), then any true;
// errors and unavailable evidence leave it undecided; a rule that said
// nothing at all is undecided too. For a false answer it also returns what
// it rests on and the message of the finding that decided it.
func RuleVerdict(fs []rule.Finding, m rule.Meta) (rule.Outcome, rule.Negative, string) {
	if len(fs) == 0 {
		return "", "", ""
	}
	has := map[rule.Outcome]bool{}
	var neg rule.Negative
	var msg string
	rank := map[rule.Negative]int{rule.NoSignal: 1, rule.Elsewhere: 2, rule.Violation: 3}
	for _, f := range fs {
		has[f.Outcome] = true
		if f.Outcome == rule.False {
			if n := rule.NegativeOf(f, m); rank[n] > rank[neg] {
				neg, msg = n, f.Message
			}
		}
	}
	switch {
	case has[rule.False]:
		return rule.False, neg, msg
	case has[rule.True]:
		return rule.True, "", ""
	case has[rule.Error]:
		return rule.Error, "", ""
	case has[rule.NotAvailable]:
		return rule.NotAvailable, "", ""
	}
	return rule.NotApplicable, "", ""
}

func offlineOnly(fs []rule.Finding) bool {
	if len(fs) == 0 {
		return false
	}
	for _, f := range fs {
		if f.Outcome != rule.NotAvailable {
			return false
		}
		if u := f.Values[rule.ValueUnavailable]; u != rule.UnavailableOffline && u != rule.UnavailableNotGiven {
			return false
		}
	}
	return true
}

func unknownMessage(id string, fs []rule.Finding) string {
	for _, f := range fs {
		if f.Outcome == rule.NotAvailable || f.Outcome == rule.Error {
			return f.Message
		}
	}
	return fmt.Sprintf("rule %s produced no finding", id)
}

func principleStatus(p report.Principle) (report.PrincipleStatus, string) {
	c := p.Counts
	applicable := c.Met + c.NotMet + c.Unknown
	switch {
	case applicable == 0:
		return report.PrincipleNotApplicable, "no claim applies"
	case c.NotMet > 0:
		return report.PrincipleNotMet, fmt.Sprintf("%d of %d applicable claims not met", c.NotMet, applicable)
	case c.Met == applicable:
		return report.PrincipleMet, fmt.Sprintf("all %d applicable claims met", applicable)
	case c.Met > 0:
		return report.PrinciplePartiallyMet, fmt.Sprintf("%d of %d applicable claims met, %d unknown", c.Met, applicable, c.Unknown)
	}
	return report.PrincipleUnknown, fmt.Sprintf("none of %d applicable claims could be established", applicable)
}

// notices are the failures of hygiene rules: findings about the input itself
// rather than about any claim.
func notices(in Input, byRule map[string][]rule.Finding) []report.Finding {
	var out []report.Finding
	ids := make([]string, 0, len(byRule))
	for id := range byRule {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if m, ok := in.Rules[id]; !ok || !m.Hygiene {
			continue
		}
		for _, f := range byRule[id] {
			if f.Outcome == rule.True || f.Outcome == rule.NotApplicable {
				continue
			}
			out = append(out, report.Finding{Rule: f.Rule, Outcome: report.Outcome(f.Outcome), Message: f.Message, Location: location(f.Location)})
		}
	}
	return out
}

// judgeSignOff reports the SRO's sign-off: it holds when its signature
// verifies and its next review date has not passed.
func judgeSignOff(in Input) *report.SignOff {
	it, ok := evidence.First[evidence.SignOff](in.Evidence)
	if !ok {
		return nil
	}
	s := it.Fact
	so := &report.SignOff{Path: s.Path, Name: s.Name, Role: s.Role, SignedAt: s.SignedAt, NextReview: s.NextReview, Scope: s.Scope,
		Commit: s.Commit, Signed: s.Signature.Signed, Verified: s.Signature.Verified, Signer: s.Signature.Signer}
	review, reviewErr := time.Parse(time.DateOnly, s.NextReview)
	switch {
	case s.Problem != "":
		so.Status, so.Reason = report.SignOffInvalid, s.Problem
	case !s.Signature.Verified:
		so.Status, so.Reason = report.SignOffUnverified, s.Signature.Problem
	case reviewErr == nil && !in.Now.Before(review):
		so.Status, so.Reason = report.SignOffReviewOverdue, "the next review date "+s.NextReview+" has passed; the SRO should review and sign off again"
	default:
		so.Status = report.SignOffCurrent
	}
	return so
}

func settleText(c *catalog.Claim) string {
	if c.Attestation == "" {
		return fmt.Sprintf("an attestation for claim %s in assay.yaml", c.ID)
	}
	return fmt.Sprintf("an attestation for claim %s in assay.yaml backed by: %s", c.ID, c.Attestation)
}

func firstTrueMessage(fs []report.Finding) string { return firstMessage(fs, report.OutcomeTrue) }

func firstMessage(fs []report.Finding, outcome report.Outcome) string {
	for _, f := range fs {
		if f.Outcome == outcome && f.Role != report.RoleSupporting {
			return f.Message
		}
	}
	for _, f := range fs {
		if f.Outcome == outcome {
			return f.Message
		}
	}
	return ""
}

func location(l evidence.Location) report.Location {
	return report.Location{Path: l.Path, Line: l.Line, URL: l.URL, Commit: l.Commit}
}

func dateString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func short(s string) string {
	if len(s) > 12 {
		return s[:12] + "…"
	}
	if s == "" {
		return "none"
	}
	return s
}

func dedupe(in []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
