// Package catalog holds the UK Software Security Code of Practice (DSIT and
// NCSC, 7 May 2025) as versioned data embedded in the binary, and the code
// that loads and checks it.
//
// The catalog is a tree: 4 themes, 14 principles and 45 outcome claims, the
// claims taken from the NCSC Assurance Principles and Claims (APC v1.0, body
// numbering). Each claim records how far Assay can evidence it automatically,
// which kinds of evidence can support it, what a person must attest, how it
// differs for SaaS delivery and what to do when it is not met. The catalog
// also carries the Code's applicability table (which themes apply to which
// vendor role) and crosswalks to other frameworks.
//
// Principle titles and claim statements are the official texts. All other
// prose is Assay's own wording.
//
// Use [Default] for the embedded catalog. Values it returns are shared and
// must not be modified.
package catalog

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/lazyre"
)

//go:embed data/uk-sscop-2025-05-07.yaml
var embedded []byte

// embeddedJSON is the same catalog decoded and re-encoded as JSON
// (TestEmbeddedJSONMatchesYAML keeps it in step; -update rewrites it).
// Every command loads the catalog, and decoding JSON costs a tenth of
// parsing the YAML, which is the form people edit and review.
//
//go:embed data/uk-sscop-2025-05-07.json
var embeddedJSON []byte

// Automation says how far Assay can evidence a claim on its own.
type Automation string

const (
	// AutomationAuto: a tool can decide the claim with good confidence from
	// machine-readable artefacts.
	AutomationAuto Automation = "auto"
	// AutomationPartial: a tool collects strong supporting signals, but a
	// person must attest completeness or the organisational side.
	AutomationPartial Automation = "partial"
	// AutomationHuman: only a person can attest, backed by a named document.
	AutomationHuman Automation = "human"
)

// Valid reports whether a is one of the defined automation classes.
func (a Automation) Valid() bool {
	switch a {
	case AutomationAuto, AutomationPartial, AutomationHuman:
		return true
	}
	return false
}

// Evidence kinds that can support a claim.
const (
	EvidenceRepo     = "repo"     // files in the source tree
	EvidenceCI       = "ci"       // pipeline definitions and run history
	EvidenceGit      = "git"      // commit and tag history
	EvidenceRelease  = "release"  // release artefacts
	EvidenceForge    = "forge"    // forge API (GitHub, GitLab) settings and records
	EvidenceVulnDB   = "vulndb"   // vulnerability and lifecycle databases
	EvidenceDeclared = "declared" // documents and statements supplied by a person
)

// EvidenceKinds lists every valid evidence kind.
func EvidenceKinds() []string {
	return []string{EvidenceRepo, EvidenceCI, EvidenceGit, EvidenceRelease, EvidenceForge, EvidenceVulnDB, EvidenceDeclared}
}

// Crosswalk sources.
const (
	SourcePublished = "published" // mapping published by the other framework's owner
	SourceOurs      = "ours"      // Assay's own judgement
)

// Catalog is the whole Code of Practice catalog.
type Catalog struct {
	Framework  Framework   `yaml:"framework" json:"framework"`
	Roles      []Role      `yaml:"roles" json:"roles"`
	Themes     []Theme     `yaml:"themes" json:"themes"`
	Crosswalks []Crosswalk `yaml:"crosswalks" json:"crosswalks"`
}

// Framework identifies the framework and the version of its claim set.
type Framework struct {
	ID            string `yaml:"id" json:"id"`
	Version       string `yaml:"version" json:"version"`
	ClaimsVersion string `yaml:"claims_version" json:"claimsVersion"`
	Title         string `yaml:"title" json:"title,omitempty"`
	Publisher     string `yaml:"publisher" json:"publisher"`
	URL           string `yaml:"url" json:"url"`
}

// Role is a vendor role from the Code's applicability table, with the themes
// that apply to it.
type Role struct {
	ID     string   `yaml:"id" json:"id"`
	Themes []string `yaml:"themes" json:"themes"`
	Note   string   `yaml:"note" json:"note,omitempty"`
}

// Theme groups principles.
type Theme struct {
	ID         string      `yaml:"id" json:"id"`
	Title      string      `yaml:"title" json:"title,omitempty"`
	Goal       string      `yaml:"goal" json:"goal"`
	Principles []Principle `yaml:"principles" json:"principles,omitempty"`
}

// Principle is one of the Code's 14 principles. Theme is filled by the loader.
type Principle struct {
	ID      string  `yaml:"id" json:"id"`
	Theme   string  `yaml:"-"`
	Title   string  `yaml:"title" json:"title,omitempty"`
	Summary string  `yaml:"summary" json:"summary"`
	Claims  []Claim `yaml:"claims" json:"claims,omitempty"`
}

// Claim is an APC outcome claim. Principle and Theme are filled by the loader.
type Claim struct {
	ID        string `yaml:"id" json:"id"`
	Principle string `yaml:"-"`
	Theme     string `yaml:"-"`
	// Statement is the official claim text.
	Statement  string     `yaml:"statement" json:"statement"`
	Automation Automation `yaml:"automation" json:"automation"`
	// Decision says, as data, when observed evidence makes the claim met or
	// not met, and what an absence of every positive signal means.
	Decision Decision `yaml:"decision" json:"decision"`
	// ObservedSufficient is derived from the decision: true when observed
	// evidence alone can make the claim met (Decision.MetWhen is set).
	ObservedSufficient bool `yaml:"-" json:"observedSufficient"`
	// Evidence lists the evidence kinds (Evidence* constants) that can
	// support the claim.
	Evidence []string `yaml:"evidence" json:"evidence"`
	// Signals are the concrete things Assay looks for.
	Signals []string `yaml:"signals" json:"signals"`
	// Attestation says what a person must attest and which document settles it.
	Attestation string `yaml:"attestation" json:"attestation,omitempty"`
	// SaaS is empty, or says how the claim applies to software delivered as
	// a service.
	SaaS        string   `yaml:"saas" json:"saas,omitempty"`
	Remediation []string `yaml:"remediation" json:"remediation"`
}

// Absence says what it means for a claim when its rules searched the
// repository and found no positive signal.
type Absence string

const (
	// AbsenceUnknown: the truth can live outside the repository (an
	// internal wiki, forge settings, a web page), so finding nothing here
	// leaves the claim unknown.
	AbsenceUnknown Absence = "unknown"
	// AbsenceDecisive: the claim is about something the repository itself
	// must hold; any deciding rule that finds nothing makes it not met.
	AbsenceDecisive Absence = "decisive"
	// AbsenceIfNone: not met only when no deciding rule found any positive
	// signal at all; a mix of present and absent signals stays unknown.
	AbsenceIfNone Absence = "if_none"
)

// Decision is how observed evidence decides a claim. MetWhen and NotMetWhen
// are prose shown by `assay explain`; the mapping data names the rules that
// observe them. Confirm lists what a person should still confirm when the
// claim is met by observation.
type Decision struct {
	MetWhen    string   `yaml:"met_when" json:"metWhen"`
	NotMetWhen string   `yaml:"not_met_when" json:"notMetWhen"`
	Absence    Absence  `yaml:"absence" json:"absence"`
	Confirm    []string `yaml:"confirm,omitempty" json:"confirm,omitempty"`
	// NotApplicableWhen, when set, lets the claim be not applicable when
	// every deciding rule finds nothing to check; otherwise that is unknown.
	NotApplicableWhen string `yaml:"not_applicable_when,omitempty" json:"notApplicableWhen,omitempty"`
}

// Crosswalk maps another framework's controls or practices to claims and
// principles.
type Crosswalk struct {
	ID      string           `yaml:"id" json:"id"`
	Title   string           `yaml:"title" json:"title,omitempty"`
	Version string           `yaml:"version" json:"version"`
	Source  string           `yaml:"source" json:"source"` // SourcePublished or SourceOurs
	Note    string           `yaml:"note" json:"note,omitempty"`
	Entries []CrosswalkEntry `yaml:"entries" json:"entries"`
}

// CrosswalkEntry is one control (or practice) of the other framework. Exactly
// one of Control and Practice is set.
type CrosswalkEntry struct {
	Control    string   `yaml:"control,omitempty" json:"control,omitempty"`
	Practice   string   `yaml:"practice,omitempty" json:"practice,omitempty"`
	Title      string   `yaml:"title,omitempty" json:"title,omitempty"`
	Claims     []string `yaml:"claims,omitempty" json:"claims,omitempty"`
	Principles []string `yaml:"principles,omitempty" json:"principles,omitempty"`
}

// Ref returns the entry's control or practice id.
func (e CrosswalkEntry) Ref() string {
	if e.Control != "" {
		return e.Control
	}
	return e.Practice
}

// CrosswalkRef is a crosswalk entry that mentions a claim or principle, as
// returned by [Catalog.CrosswalkFor].
type CrosswalkRef struct {
	Crosswalk string // crosswalk id, e.g. "osps-baseline"
	Ref       string // control or practice id, e.g. "OSPS-AC-01" or "PO.1"
	Title     string // entry title, when the crosswalk gives one
	Source    string // SourcePublished or SourceOurs
	Via       string // the catalog id the entry names: the claim itself or a principle
}

var defaultCatalog = sync.OnceValues(func() (*Catalog, error) {
	c, err := parseJSON(embeddedJSON)
	if err != nil {
		return nil, fmt.Errorf("embedded catalog: %w", err)
	}
	return c, nil
})

// parseJSON decodes a catalog in its JSON form strictly, then links and
// validates it as Parse does.
func parseJSON(data []byte) (*Catalog, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	c.link()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Default returns the embedded catalog, parsed and validated once. The result
// is shared: callers must not modify it.
func Default() (*Catalog, error) {
	return defaultCatalog()
}

// Parse decodes a catalog strictly (unknown keys are errors), fills the
// derived Theme and Principle fields, and validates it.
func Parse(data []byte) (*Catalog, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("catalog: empty document")
		}
		return nil, fmt.Errorf("catalog: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("catalog: more than one YAML document")
	}
	c.link()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// link fills the parent ids of principles and claims.
func (c *Catalog) link() {
	for ti := range c.Themes {
		t := &c.Themes[ti]
		for pi := range t.Principles {
			p := &t.Principles[pi]
			p.Theme = t.ID
			for ci := range p.Claims {
				p.Claims[ci].Principle = p.ID
				p.Claims[ci].Theme = t.ID
				p.Claims[ci].ObservedSufficient = strings.TrimSpace(p.Claims[ci].Decision.MetWhen) != ""
			}
		}
	}
}

var (
	themeIDRe     = lazyre.New(`^[1-9][0-9]*$`)
	principleIDRe = lazyre.New(`^[1-9][0-9]*\.[1-9][0-9]*$`)
	claimIDRe     = lazyre.New(`^[1-9][0-9]*\.[1-9][0-9]*\.[1-9][0-9]*$`)
	slugRe        = lazyre.New(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// Validate checks the catalog's structure and references and returns every
// problem found, joined.
func (c *Catalog) Validate() error {
	v := &validator{themes: map[string]bool{}, principles: map[string]bool{}, claims: map[string]bool{}, kinds: EvidenceKinds()}
	v.framework(c.Framework)
	if len(c.Themes) == 0 {
		v.bad("catalog has no themes")
	}
	for i := range c.Themes {
		v.theme(&c.Themes[i])
	}
	v.roles(c.Roles)
	v.crosswalks(c.Crosswalks)
	if len(v.errs) == 0 {
		return nil
	}
	return fmt.Errorf("catalog: invalid: %w", errors.Join(v.errs...))
}

// validator collects a catalog's problems and the ids seen so far, which
// later references are checked against.
type validator struct {
	errs                       []error
	themes, principles, claims map[string]bool
	kinds                      []string // valid evidence kinds
}

func (v *validator) bad(format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf(format, args...))
}

func (v *validator) framework(f Framework) {
	for _, fld := range []struct{ name, val string }{
		{"id", f.ID}, {"version", f.Version}, {"claims_version", f.ClaimsVersion}, {"title", f.Title},
	} {
		if strings.TrimSpace(fld.val) == "" {
			v.bad("framework: %s is empty", fld.name)
		}
	}
}

func (v *validator) theme(t *Theme) {
	switch {
	case !themeIDRe.MatchString(t.ID):
		v.bad("theme %q: malformed id", t.ID)
	case v.themes[t.ID]:
		v.bad("theme %q: duplicate id", t.ID)
	}
	v.themes[t.ID] = true
	if strings.TrimSpace(t.Title) == "" {
		v.bad("theme %s: empty title", t.ID)
	}
	if len(t.Principles) == 0 {
		v.bad("theme %s: no principles", t.ID)
	}
	for i := range t.Principles {
		v.principle(t, &t.Principles[i])
	}
}

func (v *validator) principle(t *Theme, p *Principle) {
	switch {
	case !principleIDRe.MatchString(p.ID):
		v.bad("principle %q: malformed id", p.ID)
	case !strings.HasPrefix(p.ID, t.ID+"."):
		v.bad("principle %s: id not under theme %s", p.ID, t.ID)
	case v.principles[p.ID]:
		v.bad("principle %s: duplicate id", p.ID)
	}
	v.principles[p.ID] = true
	if p.Theme != "" && p.Theme != t.ID {
		v.bad("principle %s: theme field %q, but listed under theme %s", p.ID, p.Theme, t.ID)
	}
	if strings.TrimSpace(p.Title) == "" {
		v.bad("principle %s: empty title", p.ID)
	}
	if len(p.Claims) == 0 {
		v.bad("principle %s: no claims", p.ID)
	}
	for i := range p.Claims {
		v.claim(t, p, &p.Claims[i])
	}
}

func (v *validator) claim(t *Theme, p *Principle, cl *Claim) {
	switch {
	case !claimIDRe.MatchString(cl.ID):
		v.bad("claim %q: malformed id", cl.ID)
	case !strings.HasPrefix(cl.ID, p.ID+"."):
		v.bad("claim %s: id not under principle %s", cl.ID, p.ID)
	case v.claims[cl.ID]:
		v.bad("claim %s: duplicate id", cl.ID)
	}
	v.claims[cl.ID] = true
	if cl.Principle != "" && cl.Principle != p.ID {
		v.bad("claim %s: principle field %q, but listed under principle %s", cl.ID, cl.Principle, p.ID)
	}
	if cl.Theme != "" && cl.Theme != t.ID {
		v.bad("claim %s: theme field %q, but listed under theme %s", cl.ID, cl.Theme, t.ID)
	}
	if strings.TrimSpace(cl.Statement) == "" {
		v.bad("claim %s: empty statement", cl.ID)
	}
	if !cl.Automation.Valid() {
		v.bad("claim %s: invalid automation %q (want auto, partial or human)", cl.ID, cl.Automation)
	}
	v.decision(cl)
	v.claimEvidence(cl)
	if len(cl.Remediation) == 0 {
		v.bad("claim %s: no remediation", cl.ID)
	}
	for i, r := range cl.Remediation {
		if strings.TrimSpace(r) == "" {
			v.bad("claim %s: remediation %d is empty", cl.ID, i+1)
		}
	}
}

func (v *validator) decision(cl *Claim) {
	switch cl.Decision.Absence {
	case "", AbsenceUnknown, AbsenceDecisive, AbsenceIfNone:
	default:
		v.bad("claim %s: decision.absence %q: want unknown, decisive or if_none", cl.ID, cl.Decision.Absence)
	}
	if cl.Decision.MetWhen == "" && cl.Decision.Absence != AbsenceUnknown && cl.Decision.Absence != "" {
		v.bad("claim %s: decision.absence must be unknown when no observed fact can make it met", cl.ID)
	}
	if cl.ObservedSufficient && cl.Automation == AutomationHuman {
		v.bad("claim %s: decision.met_when must be empty for a human claim", cl.ID)
	}
}

func (v *validator) claimEvidence(cl *Claim) {
	if len(cl.Evidence) == 0 {
		v.bad("claim %s: no evidence kinds", cl.ID)
	}
	seen := map[string]bool{}
	for _, k := range cl.Evidence {
		if !slices.Contains(v.kinds, k) {
			v.bad("claim %s: invalid evidence kind %q", cl.ID, k)
		} else if seen[k] {
			v.bad("claim %s: duplicate evidence kind %q", cl.ID, k)
		}
		seen[k] = true
	}
}

func (v *validator) roles(rs []Role) {
	roles := map[string]bool{}
	for _, r := range rs {
		switch {
		case !slugRe.MatchString(r.ID):
			v.bad("role %q: malformed id", r.ID)
		case roles[r.ID]:
			v.bad("role %s: duplicate id", r.ID)
		}
		roles[r.ID] = true
		if len(r.Themes) == 0 {
			v.bad("role %s: no themes", r.ID)
		}
		for _, t := range r.Themes {
			if !v.themes[t] {
				v.bad("role %s: unknown theme %q", r.ID, t)
			}
		}
	}
}

func (v *validator) crosswalks(xs []Crosswalk) {
	crosswalks := map[string]bool{}
	for i := range xs {
		x := &xs[i]
		switch {
		case !slugRe.MatchString(x.ID):
			v.bad("crosswalk %q: malformed id", x.ID)
		case crosswalks[x.ID]:
			v.bad("crosswalk %s: duplicate id", x.ID)
		}
		crosswalks[x.ID] = true
		if x.Source != SourcePublished && x.Source != SourceOurs {
			v.bad("crosswalk %s: invalid source %q (want %s or %s)", x.ID, x.Source, SourcePublished, SourceOurs)
		}
		v.crosswalkEntries(x)
	}
}

func (v *validator) crosswalkEntries(x *Crosswalk) {
	refs := map[string]bool{}
	for i, e := range x.Entries {
		if (e.Control == "") == (e.Practice == "") {
			v.bad("crosswalk %s: entry %d: set exactly one of control and practice", x.ID, i+1)
			continue
		}
		ref := e.Ref()
		if refs[ref] {
			v.bad("crosswalk %s: duplicate entry %s", x.ID, ref)
		}
		refs[ref] = true
		if len(e.Claims) == 0 && len(e.Principles) == 0 {
			v.bad("crosswalk %s: %s maps to no claims or principles", x.ID, ref)
		}
		for _, id := range e.Claims {
			if !v.claims[id] {
				v.bad("crosswalk %s: %s: unknown claim %q", x.ID, ref, id)
			}
		}
		for _, id := range e.Principles {
			if !v.principles[id] {
				v.bad("crosswalk %s: %s: unknown principle %q", x.ID, ref, id)
			}
		}
	}
}

// Theme returns the theme with the given id.
func (c *Catalog) Theme(id string) (*Theme, bool) {
	for i := range c.Themes {
		if c.Themes[i].ID == id {
			return &c.Themes[i], true
		}
	}
	return nil, false
}

// Principle returns the principle with the given id.
func (c *Catalog) Principle(id string) (*Principle, bool) {
	for _, p := range c.Principles() {
		if p.ID == id {
			return p, true
		}
	}
	return nil, false
}

// Claim returns the claim with the given id.
func (c *Catalog) Claim(id string) (*Claim, bool) {
	for _, cl := range c.Claims() {
		if cl.ID == id {
			return cl, true
		}
	}
	return nil, false
}

// Principles returns every principle in catalog order.
func (c *Catalog) Principles() []*Principle {
	var out []*Principle
	for ti := range c.Themes {
		for pi := range c.Themes[ti].Principles {
			out = append(out, &c.Themes[ti].Principles[pi])
		}
	}
	return out
}

// Claims returns every claim in catalog order.
func (c *Catalog) Claims() []*Claim {
	var out []*Claim
	for _, p := range c.Principles() {
		for ci := range p.Claims {
			out = append(out, &p.Claims[ci])
		}
	}
	return out
}

// Role returns the role with the given id.
func (c *Catalog) Role(id string) (*Role, bool) {
	for i := range c.Roles {
		if c.Roles[i].ID == id {
			return &c.Roles[i], true
		}
	}
	return nil, false
}

// Applies reports whether a claim applies to a vendor role, judged by the
// themes the role covers. It is false for an unknown role or claim.
//
// For the developer-only role, theme 3 claims apply only where they fall
// within the developer's responsibility; Applies reports them as applying and
// leaves that judgement to the assessment.
func (c *Catalog) Applies(role, claimID string) bool {
	r, ok := c.Role(role)
	if !ok {
		return false
	}
	cl, ok := c.Claim(claimID)
	if !ok {
		return false
	}
	theme := cl.Theme
	if theme == "" { // catalog built by hand rather than parsed
		theme, _, _ = strings.Cut(cl.ID, ".")
	}
	return slices.Contains(r.Themes, theme)
}

// CrosswalkFor returns the crosswalk entries that mention id, in crosswalk
// and entry order. For a claim id that means entries naming the claim or its
// principle; for a principle id, entries naming the principle or any of its
// claims. Via records which catalog id matched (a claim match wins over a
// principle match for the same entry). It returns nil for an unknown id.
func (c *Catalog) CrosswalkFor(id string) []CrosswalkRef {
	var claimIDs, principleIDs []string
	if cl, ok := c.Claim(id); ok {
		claimIDs = []string{cl.ID}
		principleIDs = []string{claimPrinciple(cl)}
	} else if p, ok := c.Principle(id); ok {
		principleIDs = []string{p.ID}
		for _, cl := range p.Claims {
			claimIDs = append(claimIDs, cl.ID)
		}
	} else {
		return nil
	}

	var out []CrosswalkRef
	for _, x := range c.Crosswalks {
		for _, e := range x.Entries {
			via := ""
			if i := slices.IndexFunc(e.Claims, func(s string) bool { return slices.Contains(claimIDs, s) }); i >= 0 {
				via = e.Claims[i]
			} else if i := slices.IndexFunc(e.Principles, func(s string) bool { return slices.Contains(principleIDs, s) }); i >= 0 {
				via = e.Principles[i]
			}
			if via == "" {
				continue
			}
			out = append(out, CrosswalkRef{
				Crosswalk: x.ID,
				Ref:       e.Ref(),
				Title:     e.Title,
				Source:    x.Source,
				Via:       via,
			})
		}
	}
	return out
}

func claimPrinciple(cl *Claim) string {
	if cl.Principle != "" {
		return cl.Principle
	}
	if i := strings.LastIndex(cl.ID, "."); i > 0 {
		return cl.ID[:i]
	}
	return ""
}
