// Package report is the assessment result model: versioned, sorted and
// self-describing. Every renderer reads this model and nothing else; anything
// a renderer needs that must be computed (counts per theme, the next review
// date, what to fix first) is computed once, before rendering, and stored
// here.
//
// The JSON form is Assay's machine contract, described by report.schema.json
// and docs/json-report.md. Consumers must ignore fields they do not know.
package report

import (
	_ "embed"
	"time"
)

// SchemaVersion is the version of the JSON contract. Bump the minor version
// when adding fields, the major version when changing or removing them.
const SchemaVersion = "1.2.0"

// Schema is the JSON Schema of the report.
//
//go:embed report.schema.json
var Schema []byte

// ClaimStatus is the status of one claim.
type ClaimStatus string

// Claim statuses. A claim is met only when its evidence is sufficient, and
// not met only on observed negative evidence; anything that could not be
// observed is unknown.
const (
	ClaimMet           ClaimStatus = "met"
	ClaimNotMet        ClaimStatus = "not_met"
	ClaimUnknown       ClaimStatus = "unknown"
	ClaimNotApplicable ClaimStatus = "not_applicable"
)

// PrincipleStatus is the status of one principle.
type PrincipleStatus string

// Principle statuses.
const (
	PrincipleMet           PrincipleStatus = "met"
	PrinciplePartiallyMet  PrincipleStatus = "partially_met"
	PrincipleNotMet        PrincipleStatus = "not_met"
	PrincipleUnknown       PrincipleStatus = "unknown"
	PrincipleNotApplicable PrincipleStatus = "not_applicable"
)

// Basis says what a claim status rests on.
type Basis string

// Bases.
const (
	BasisObserved         Basis = "observed"
	BasisDeclared         Basis = "declared"
	BasisObservedDeclared Basis = "observed+declared"
	BasisNone             Basis = "none"
)

// Outcome is a rule's answer as the report shows it; the values are
// internal/rule's outcomes.
type Outcome string

// Outcomes.
const (
	OutcomeTrue          Outcome = "true"
	OutcomeFalse         Outcome = "false"
	OutcomeNotApplicable Outcome = "not_applicable"
	OutcomeNotAvailable  Outcome = "not_available" // the evidence could not be gathered
	OutcomeError         Outcome = "error"         // the evidence was gathered but is broken
)

// Role is how a rule supports a claim (internal/mapping's groups), or how a
// control of another framework maps to a claim.
type Role string

// Roles.
const (
	RoleAll        Role = "all"
	RoleAny        Role = "any"
	RoleBlocks     Role = "blocks"
	RoleSupporting Role = "supporting"
)

// Negative qualifies a false outcome: what it rests on.
type Negative string

// Negatives.
const (
	NegativeViolation Negative = "violation" // observed
	NegativeNoSignal  Negative = "no_signal" // searched the repository, found nothing
	NegativeElsewhere Negative = "elsewhere" // the repository points to where the signal lives
)

// AttestationState says whether a declared attestation counts.
type AttestationState string

// Attestation states. Only AttestationValid counts towards a claim.
const (
	AttestationValid            AttestationState = "valid"
	AttestationExpired          AttestationState = "expired"
	AttestationNotYetValid      AttestationState = "not_yet_valid"
	AttestationStaleEvidence    AttestationState = "stale_evidence"
	AttestationUnsignedRejected AttestationState = "unsigned_rejected"
	AttestationBadSignature     AttestationState = "bad_signature"
)

// WaiverState says whether a declared waiver is in force.
type WaiverState string

// Waiver states.
const (
	WaiverActive  WaiverState = "active"  // in force and applied to a claim or finding
	WaiverExpired WaiverState = "expired" // past its expiry date
	WaiverUnused  WaiverState = "unused"  // in force but matched nothing
)

// CollectorState is how one evidence collector fared; the values are
// internal/collector's states.
type CollectorState string

// Collector states.
const (
	CollectorSucceeded CollectorState = "succeeded"
	CollectorSkipped   CollectorState = "skipped"
	CollectorFailed    CollectorState = "failed"
)

// SignOffState says whether the SRO's sign-off holds.
type SignOffState string

// Sign-off states.
const (
	SignOffCurrent       SignOffState = "current"
	SignOffReviewOverdue SignOffState = "review_overdue"
	SignOffUnverified    SignOffState = "unverified"
	SignOffInvalid       SignOffState = "invalid"
)

// Report is one assessment.
type Report struct {
	SchemaVersion string         `json:"schemaVersion"`
	Tool          Tool           `json:"tool"`
	Framework     Framework      `json:"framework"`
	Subject       Subject        `json:"subject"`
	AssessedAt    time.Time      `json:"assessedAt"`
	Assurance     string         `json:"assurance"`  // AssuranceObserved or AssuranceAttested
	NextReview    string         `json:"nextReview"` // YYYY-MM-DD
	Summary       Summary        `json:"summary"`
	Themes        []Theme        `json:"themes"`
	Principles    []Principle    `json:"principles"`
	FixFirst      []FixItem      `json:"fixFirst"`
	Attestations  []Attestation  `json:"attestations"`
	Waivers       []Waiver       `json:"waivers"`
	Notices       []Finding      `json:"notices"`
	Collectors    []Collector    `json:"collectors"`
	Extensions    map[string]any `json:"extensions,omitempty"` // area-specific summaries (vulnerabilities, releases, ...)
	SignOff       *SignOff       `json:"signOff,omitempty"`    // the SRO's sign-off found in the repository
	Rules         []RuleInfo     `json:"rules,omitempty"`      // the rules behind the claims, for formats that list rules (SARIF, OSCAL)
	// Frameworks are other frameworks' controls (NIST SSDF, CRA Annex I,
	// OSPS Baseline) judged from the same findings and claims, when asked
	// for with --framework.
	Frameworks []FrameworkView `json:"frameworks,omitempty"`
}

// FrameworkView is one framework's controls, each with a status derived
// from the UK claims and the rules its mapping names.
type FrameworkView struct {
	ID        string `json:"id"`
	Version   string `json:"version"`
	Title     string `json:"title"`
	Publisher string `json:"publisher"`
	URL       string `json:"url,omitempty"`
	// MappingSource is who made the mapping: published (the framework's
	// owner) or ours (Assay's judgement); each control says its own.
	MappingSource string           `json:"mappingSource"`
	MappingNote   string           `json:"mappingNote,omitempty"`
	Summary       ControlCounts    `json:"summary"`
	Groups        []ControlGroup   `json:"groups"`
	Controls      []ControlVerdict `json:"controls"`
}

// ControlCounts tallies control statuses.
type ControlCounts struct {
	Met           int `json:"met"`
	NotMet        int `json:"not_met"`
	Unknown       int `json:"unknown"`
	NotApplicable int `json:"not_applicable"`
	Total         int `json:"total"`
}

// Add counts one control.
func (c *ControlCounts) Add(s ClaimStatus) {
	c.Total++
	switch s {
	case ClaimMet:
		c.Met++
	case ClaimNotMet:
		c.NotMet++
	case ClaimUnknown:
		c.Unknown++
	case ClaimNotApplicable:
		c.NotApplicable++
	}
}

// ControlGroup is a family, practice or part that groups controls.
type ControlGroup struct {
	ID     string `json:"id"`
	Parent string `json:"parent,omitempty"`
	Title  string `json:"title"`
}

// ControlVerdict is one control of another framework and its status.
type ControlVerdict struct {
	ID     string      `json:"id"`
	Title  string      `json:"title"`
	Group  string      `json:"group"`
	Level  int         `json:"level,omitempty"` // maturity level, where the framework has them
	Status ClaimStatus `json:"status"`
	Reason string      `json:"reason"`
	// Source is who made this control's mapping: published or ours.
	Source     string         `json:"source"`
	Claims     []ControlClaim `json:"claims,omitempty"`
	Principles []string       `json:"principles,omitempty"` // related UK principles, context only
	Findings   []Finding      `json:"findings,omitempty"`
	// Person is what a person must attest for the control, when evidence
	// alone cannot settle it.
	Person string `json:"person,omitempty"`
}

// ControlClaim is a UK claim a control maps to, with its status in this
// assessment.
type ControlClaim struct {
	ID     string      `json:"id"`
	Status ClaimStatus `json:"status"`
	Role   Role        `json:"role"`   // all | supporting
	Source string      `json:"source"` // published | ours
}

// RuleInfo describes one rule: the question it asks, why it matters, how to
// fix a false answer, and the claims it supports.
type RuleInfo struct {
	ID          string      `json:"id"`
	Question    string      `json:"question"`
	Rationale   string      `json:"rationale"`
	Remediation string      `json:"remediation"`
	Hygiene     bool        `json:"hygiene,omitempty"`
	Claims      []RuleClaim `json:"claims,omitempty"`
}

// RuleClaim is one claim a rule supports, with the rule's role in it.
type RuleClaim struct {
	Claim     string `json:"claim"`
	Principle string `json:"principle"`
	Role      Role   `json:"role"` // all | any | supporting
}

// Tool identifies the assessing tool.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Framework identifies the framework assessed against.
type Framework struct {
	ID            string `json:"id"`
	Version       string `json:"version"`
	ClaimsVersion string `json:"claimsVersion"`
	Title         string `json:"title"`
}

// Subject is what was assessed.
type Subject struct {
	Path        string  `json:"path"`
	Commit      string  `json:"commit"`
	Branch      string  `json:"branch,omitempty"`
	Product     string  `json:"product"`
	Vendor      string  `json:"vendor,omitempty"`
	Role        string  `json:"role"`
	Delivery    string  `json:"delivery"`
	SRO         *Person `json:"sro,omitempty"`
	Declaration string  `json:"declaration,omitempty"` // path of assay.yaml
	DeclDigest  string  `json:"declarationDigest,omitempty"`
}

// Person is a named, accountable person.
type Person struct {
	Name string `json:"name"`
	Role string `json:"role,omitempty"`
}

// Counts tallies claim statuses.
type Counts struct {
	Met           int `json:"met"`
	NotMet        int `json:"not_met"`
	Unknown       int `json:"unknown"`
	NotApplicable int `json:"not_applicable"`
	Waived        int `json:"waived"`
}

// Add counts one claim.
func (c *Counts) Add(cl Claim) {
	switch cl.Status {
	case ClaimMet:
		c.Met++
	case ClaimNotMet:
		c.NotMet++
	case ClaimUnknown:
		c.Unknown++
	case ClaimNotApplicable:
		c.NotApplicable++
	}
	if cl.Waiver != nil {
		c.Waived++
	}
}

// PrincipleCounts tallies principle statuses.
type PrincipleCounts struct {
	Met           int `json:"met"`
	PartiallyMet  int `json:"partially_met"`
	NotMet        int `json:"not_met"`
	Unknown       int `json:"unknown"`
	NotApplicable int `json:"not_applicable"`
}

// Add counts one principle.
func (c *PrincipleCounts) Add(s PrincipleStatus) {
	switch s {
	case PrincipleMet:
		c.Met++
	case PrinciplePartiallyMet:
		c.PartiallyMet++
	case PrincipleNotMet:
		c.NotMet++
	case PrincipleUnknown:
		c.Unknown++
	case PrincipleNotApplicable:
		c.NotApplicable++
	}
}

// Summary is the headline of the report.
type Summary struct {
	Claims     Counts          `json:"claims"`
	Principles PrincipleCounts `json:"principles"`
	Total      int             `json:"totalClaims"`
}

// Theme groups principles, with their claim counts for overviews.
type Theme struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Principles []string `json:"principles"`
	Claims     Counts   `json:"claims"`
}

// Principle is one of the 14 principles and its claims.
type Principle struct {
	ID     string          `json:"id"`
	Theme  string          `json:"theme"`
	Title  string          `json:"title"`
	Status PrincipleStatus `json:"status"`
	Reason string          `json:"reason"`
	Counts Counts          `json:"counts"`
	Claims []Claim         `json:"claims"`
}

// Claim is one of the 45 assurance claims and its verdict.
type Claim struct {
	ID         string      `json:"id"`
	Statement  string      `json:"statement"`
	Automation string      `json:"automation"`
	Status     ClaimStatus `json:"status"`
	Basis      Basis       `json:"basis"`
	Reason     string      `json:"reason"`
	Settle     string      `json:"settle,omitempty"` // what evidence would settle an unknown claim
	// Confirm lists what a person should still confirm about a claim met
	// by observation.
	Confirm      []string  `json:"confirm,omitempty"`
	Decision     *Decision `json:"decision,omitempty"` // the catalog's decision for the claim
	SaaS         string    `json:"saas,omitempty"`     // how the claim applies to SaaS delivery, when it differs
	Findings     []Finding `json:"findings"`
	Attestations []int     `json:"attestations,omitempty"` // indexes into Report.Attestations
	Waiver       *Waiver   `json:"waiver,omitempty"`
	Remediation  []string  `json:"remediation"`
}

// Decision is the catalog's rule for deciding a claim from observed
// evidence, carried into the report so a reader sees what met means.
type Decision struct {
	MetWhen    string `json:"metWhen,omitempty"`
	NotMetWhen string `json:"notMetWhen,omitempty"`
	Absence    string `json:"absence"` // unknown | decisive | if_none
}

// Assurance levels: what a claim needs to be met.
const (
	// AssuranceObserved: the catalog's decisions; observed evidence can
	// make a partial claim met.
	AssuranceObserved = "observed"
	// AssuranceAttested: every partial claim also needs a valid
	// attestation; what an SRO signs and a customer bundle carries.
	AssuranceAttested = "attested"
)

// Location points at evidence.
type Location struct {
	Path   string `json:"path,omitempty"`
	Line   int    `json:"line,omitempty"`
	URL    string `json:"url,omitempty"`
	Commit string `json:"commit,omitempty"`
}

// Finding is one rule answer shown under a claim or as a notice.
type Finding struct {
	Rule    string  `json:"rule"`
	Outcome Outcome `json:"outcome"`
	Message string  `json:"message"`
	Role    Role    `json:"role,omitempty"` // all | any | blocks | supporting, under a claim
	// Negative qualifies a false outcome: violation (observed), no_signal
	// (searched the repository, found nothing) or elsewhere (the repository
	// points to where the signal lives).
	Negative Negative `json:"negative,omitempty"`
	Waived   bool     `json:"waived,omitempty"`
	Location Location `json:"location"`
}

// Attestation is a declared attestation and whether it counts.
type Attestation struct {
	Claim      string             `json:"claim"`
	Statement  string             `json:"statement"`
	AttestedBy string             `json:"attestedBy"`
	Date       string             `json:"date"`
	Expires    string             `json:"expires"`
	Status     AttestationState   `json:"status"`
	Reason     string             `json:"reason,omitempty"`
	Signed     bool               `json:"signed"`
	Verified   bool               `json:"verified"`
	Signer     string             `json:"signer,omitempty"`
	Evidence   []AttestedDocument `json:"evidence"`
	Location   Location           `json:"location"`
}

// AttestedDocument is one document backing an attestation.
type AttestedDocument struct {
	Path    string `json:"path,omitempty"`
	URL     string `json:"url,omitempty"`
	SHA256  string `json:"sha256,omitempty"`
	Matches bool   `json:"matches"`
	Problem string `json:"problem,omitempty"`
}

// Waiver is a declared waiver and whether it is in force.
type Waiver struct {
	Claim    string      `json:"claim,omitempty"`
	Rule     string      `json:"rule,omitempty"`
	Reason   string      `json:"reason"`
	Owner    string      `json:"owner"`
	Expires  string      `json:"expires"`
	Status   WaiverState `json:"status"`
	Location Location    `json:"location"`
}

// FixItem is one entry of the "what to fix first" list.
type FixItem struct {
	Claim     string      `json:"claim"`
	Principle string      `json:"principle"`
	Status    ClaimStatus `json:"status"`
	Action    string      `json:"action"`
	Unblocks  []string    `json:"unblocks,omitempty"` // principles this would move towards met
}

// Collector is how one evidence collector fared.
type Collector struct {
	Name    string         `json:"name"`
	Status  CollectorState `json:"status"`
	Reason  string         `json:"reason,omitempty"`
	Records int            `json:"records"`
}

// SignOff is the Senior Responsible Owner's sign-off of an assessment, as
// found in the repository, and whether it holds.
type SignOff struct {
	Path       string       `json:"path"`
	Name       string       `json:"name,omitempty"`
	Role       string       `json:"role,omitempty"`
	SignedAt   string       `json:"signedAt,omitempty"`
	NextReview string       `json:"nextReview,omitempty"`
	Scope      string       `json:"scope,omitempty"`
	Commit     string       `json:"commit,omitempty"`
	Signed     bool         `json:"signed"`
	Verified   bool         `json:"verified"`
	Signer     string       `json:"signer,omitempty"`
	Status     SignOffState `json:"status"`
	Reason     string       `json:"reason,omitempty"`
}
