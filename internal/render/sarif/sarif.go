// Package sarif renders the report as SARIF 2.1.0 for security tooling, in
// the subset GitHub code scanning reads: one reporting descriptor per Assay
// rule, one result per failing finding that points at a file, with stable
// partialFingerprints so alerts track across runs.
//
// Levels follow how much a failure matters to a claim:
//
//   - error: the finding is false, its rule is an `all` or `any` rule of a
//     claim, and that claim is not met (the failure decides the claim);
//   - warning: the finding is false but does not decide a claim on its own
//     (a supporting rule, or a claim met another way), or it is a notice
//     about the input (hygiene);
//   - note: the evidence could not be gathered or read (the claim is
//     unknown), and claims that no located finding explains.
//
// Claims that are not met or unknown with no failing finding at a file are
// reported once each against the declaration (assay.yaml), where a person
// records the attestation or waiver that settles them; without a
// declaration they appear only in the run's properties. Waived claims carry
// an external suppression with the waiver's justification.
//
// The Code of Practice is carried as a SARIF taxonomy (claims as taxa) and
// each rule relates to the claims it supports.
package sarif

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/textsafe"
)

// SchemaURI is the OASIS SARIF 2.1.0 schema (errata 01).
const SchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// FingerprintKey names Assay's partial fingerprint; bump the version when
// the inputs to the hash change.
const FingerprintKey = "assayFinding/v1"

const (
	srcRoot     = "%SRCROOT%"
	infoURI     = "https://github.com/assaysec/assay"
	maxResults  = 25000 // GitHub's limit per run
	maxTextRune = 4000
)

// New returns the SARIF renderer.
func New(render.Options) render.Renderer {
	return render.Func(func(w io.Writer, r *report.Report) error {
		log := Build(r)
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(log); err != nil {
			return fmt.Errorf("render sarif: %w", err)
		}
		return nil
	})
}

// Log is a SARIF log with the properties Assay writes.
type Log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []Run  `json:"runs"`
}

// Run is one SARIF run.
type Run struct {
	Tool              Tool               `json:"tool"`
	Invocations       []Invocation       `json:"invocations"`
	AutomationDetails *AutomationDetails `json:"automationDetails,omitempty"`
	Taxonomies        []Component        `json:"taxonomies,omitempty"`
	Results           []Result           `json:"results"`
	ColumnKind        string             `json:"columnKind"`
	Properties        map[string]any     `json:"properties,omitempty"`
}

// Tool is the analysis tool.
type Tool struct {
	Driver Component `json:"driver"`
}

// Component is a SARIF toolComponent: the driver or a taxonomy.
type Component struct {
	Name             string       `json:"name"`
	FullName         string       `json:"fullName,omitempty"`
	Version          string       `json:"version,omitempty"`
	SemanticVersion  string       `json:"semanticVersion,omitempty"`
	InformationURI   string       `json:"informationUri,omitempty"`
	Organization     string       `json:"organization,omitempty"`
	ShortDescription *Message     `json:"shortDescription,omitempty"`
	Rules            []Descriptor `json:"rules,omitempty"`
	Taxa             []Descriptor `json:"taxa,omitempty"`
	// SupportedTaxonomies names the taxonomies the driver's rules relate to.
	SupportedTaxonomies []ComponentRef `json:"supportedTaxonomies,omitempty"`
}

// ComponentRef points at a toolComponent by name.
type ComponentRef struct {
	Name string `json:"name"`
}

// Message is a SARIF message or multiformat message string.
type Message struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

// Descriptor is a SARIF reportingDescriptor: a rule or a taxon.
type Descriptor struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name,omitempty"`
	ShortDescription     *Message        `json:"shortDescription,omitempty"`
	FullDescription      *Message        `json:"fullDescription,omitempty"`
	Help                 *Message        `json:"help,omitempty"`
	HelpURI              string          `json:"helpUri,omitempty"`
	DefaultConfiguration *Configuration  `json:"defaultConfiguration,omitempty"`
	Relationships        []Relationship  `json:"relationships,omitempty"`
	Properties           *RuleProperties `json:"properties,omitempty"`
}

// Configuration is a reportingConfiguration.
type Configuration struct {
	Level string `json:"level"`
}

// Relationship links a rule to a taxon (a claim).
type Relationship struct {
	Target DescriptorRef `json:"target"`
	Kinds  []string      `json:"kinds"`
}

// DescriptorRef points at a reporting descriptor.
type DescriptorRef struct {
	ID            string        `json:"id"`
	ToolComponent *ComponentRef `json:"toolComponent,omitempty"`
}

// RuleProperties are the property bag of a rule descriptor.
type RuleProperties struct {
	Tags             []string `json:"tags,omitempty"`
	Precision        string   `json:"precision,omitempty"`
	SecuritySeverity string   `json:"security-severity,omitempty"`
	Claims           []string `json:"claims,omitempty"`
	Principles       []string `json:"principles,omitempty"`
	Roles            []string `json:"roles,omitempty"` // one per claim: all | any | supporting
	// For a framework control's taxon: its status, who made its mapping
	// (published or ours) and its maturity level where the framework has them.
	Status        string `json:"status,omitempty"`
	MappingSource string `json:"mappingSource,omitempty"`
	Level         int    `json:"level,omitempty"`
}

// Invocation records how the run went.
type Invocation struct {
	ExecutionSuccessful        bool           `json:"executionSuccessful"`
	EndTimeUTC                 string         `json:"endTimeUtc,omitempty"`
	ToolExecutionNotifications []Notification `json:"toolExecutionNotifications,omitempty"`
}

// Notification reports a collector that was skipped or failed.
type Notification struct {
	Level      string         `json:"level"`
	Message    Message        `json:"message"`
	Descriptor *DescriptorRef `json:"descriptor,omitempty"`
}

// AutomationDetails names the analysis category.
type AutomationDetails struct {
	ID string `json:"id"`
}

// Result is one SARIF result.
type Result struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             Message           `json:"message"`
	Locations           []Location        `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Suppressions        []Suppression     `json:"suppressions,omitempty"`
	Taxa                []DescriptorRef   `json:"taxa,omitempty"`
	Properties          *ResultProperties `json:"properties,omitempty"`
}

// ResultProperties carry the claims a result bears on.
type ResultProperties struct {
	Claims  []string `json:"claims,omitempty"`
	Outcome string   `json:"outcome,omitempty"`
	Status  string   `json:"status,omitempty"` // claim status, for claim-level results
}

// Location is a SARIF location: a file and line, and for evidence that is
// no file (the git history, a tag) the logical thing it names.
type Location struct {
	PhysicalLocation PhysicalLocation  `json:"physicalLocation"`
	LogicalLocations []LogicalLocation `json:"logicalLocations,omitempty"`
}

// LogicalLocation names something that is not a file, such as refs/tags/v1.
type LogicalLocation struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
	Kind               string `json:"kind,omitempty"`
}

// PhysicalLocation is a file and a region in it.
type PhysicalLocation struct {
	ArtifactLocation ArtifactLocation `json:"artifactLocation"`
	Region           *Region          `json:"region,omitempty"`
}

// ArtifactLocation is a file relative to the repository root.
type ArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// Region is a line range.
type Region struct {
	StartLine int `json:"startLine"`
}

// Suppression records a waiver.
type Suppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status,omitempty"`
	Justification string `json:"justification,omitempty"`
}

// Taxonomy is the name of the Code of Practice taxonomy.
const Taxonomy = "uk-sscop"

func clean(s string) string { return truncate(textsafe.Clean(s)) }

// cleanLines is clean for multi-line text (help).
func cleanLines(s string) string { return truncate(textsafe.CleanMultiline(s)) }

func truncate(s string) string {
	if len(s) > maxTextRune {
		s = strings.ToValidUTF8(s[:maxTextRune], "") + "…"
	}
	return s
}

// fileURI makes a repository path a relative URI reference: segments are
// percent-encoded, so a hostile file name stays a plain relative path.
func fileURI(p string) string {
	p = strings.TrimLeft(strings.ReplaceAll(p, `\`, "/"), "/")
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

var levelRank = map[string]int{"note": 1, "warning": 2, "error": 3}

// ruleView gathers what is known about one rule: its metadata from the
// report, else what the claims' findings say about it.
type ruleView struct {
	info    report.RuleInfo
	claims  []report.RuleClaim
	hygiene bool
}

// Build converts a report to a SARIF log.
func Build(r *report.Report) *Log {
	statements := map[string]string{}
	claimStatus := map[string]report.ClaimStatus{}
	for _, p := range r.Principles {
		for _, c := range p.Claims {
			statements[c.ID] = c.Statement
			claimStatus[c.ID] = c.Status
		}
	}

	// Rules: the report's rule list, plus any rule seen in findings.
	views := map[string]*ruleView{}
	var order []string
	addView := func(id string) *ruleView {
		v, ok := views[id]
		if !ok {
			v = &ruleView{info: report.RuleInfo{ID: id}}
			views[id] = v
			order = append(order, id)
		}
		return v
	}
	for _, ri := range r.Rules {
		v := addView(ri.ID)
		v.info, v.claims, v.hygiene = ri, slices.Clone(ri.Claims), ri.Hygiene
	}
	for _, p := range r.Principles {
		for _, c := range p.Claims {
			for _, f := range c.Findings {
				v := addView(f.Rule)
				if !slices.ContainsFunc(v.claims, func(rc report.RuleClaim) bool { return rc.Claim == c.ID }) {
					v.claims = append(v.claims, report.RuleClaim{Claim: c.ID, Principle: p.ID, Role: f.Role})
				}
			}
		}
	}
	for _, n := range r.Notices {
		addView(n.Rule).hygiene = true
	}
	slices.Sort(order)

	ruleClaims := map[string][]string{}
	for _, id := range order {
		for _, c := range views[id].claims {
			ruleClaims[id] = append(ruleClaims[id], c.Claim)
		}
	}
	b := &builder{r: r, statements: statements, status: claimStatus, index: map[string]int{}, seen: map[string]int{},
		controls: frameworkRelations(r.Frameworks, ruleClaims)}
	for _, id := range order {
		b.addRule(b.ruleDescriptor(views[id]))
	}
	b.results(views)
	if b.out == nil {
		b.out = []Result{}
	}

	supported := []ComponentRef{{Name: Taxonomy}}
	for _, v := range r.Frameworks {
		supported = append(supported, ComponentRef{Name: frameworkTaxonomyName(v.ID)})
	}
	run := Run{
		Tool: Tool{Driver: Component{
			Name: "assay", FullName: "Assay supply-chain assessment", Version: r.Tool.Version,
			SemanticVersion: semver(r.Tool.Version), InformationURI: infoURI, Organization: "Assay",
			Rules: b.rules, SupportedTaxonomies: supported,
		}},
		Invocations:       []Invocation{b.invocation()},
		AutomationDetails: &AutomationDetails{ID: "assay/" + r.Framework.ID + "/"},
		Taxonomies:        append([]Component{taxonomy(r)}, frameworkTaxonomies(r.Frameworks)...),
		Results:           b.out,
		ColumnKind:        "utf16CodeUnits",
		Properties:        runProperties(r, b.unlocated),
	}
	return &Log{Schema: SchemaURI, Version: "2.1.0", Runs: []Run{run}}
}

type builder struct {
	r          *report.Report
	statements map[string]string
	status     map[string]report.ClaimStatus
	rules      []Descriptor
	index      map[string]int
	out        []Result
	seen       map[string]int             // fingerprint base -> occurrences
	unlocated  []string                   // claims not met or unknown that no result shows
	controls   map[string][]DescriptorRef // rule id -> other frameworks' controls it bears on
}

func (b *builder) addRule(d Descriptor) int {
	if i, ok := b.index[d.ID]; ok {
		return i
	}
	b.index[d.ID] = len(b.rules)
	b.rules = append(b.rules, d)
	return len(b.rules) - 1
}

// claimRuleID is the id of the claim-level pseudo-rule.
func claimRuleID(claim string) string { return "claim-" + claim }

func semver(v string) string {
	v = strings.TrimPrefix(v, "v")
	if v == "" || v[0] < '0' || v[0] > '9' {
		return ""
	}
	return v
}

// severity maps a rule's strongest role to a default level and GitHub's
// security-severity score.
func severity(v *ruleView) (level, score string) {
	best := ""
	for _, c := range v.claims {
		switch {
		case c.Role == "all":
			best = "all"
		case c.Role == "any" && best != "all":
			best = "any"
		case best == "":
			best = "supporting"
		}
	}
	switch {
	case best == "all":
		return "error", "7.0"
	case best == "any":
		return "warning", "5.0"
	case v.hygiene:
		return "warning", "4.0"
	}
	return "note", "2.0"
}

func (b *builder) ruleDescriptor(v *ruleView) Descriptor {
	ri := v.info
	question := ri.Question
	if question == "" {
		question = "Assay rule " + ri.ID
	}
	level, score := severity(v)
	var claims, principles, roles []string
	var rels []Relationship
	for _, c := range v.claims {
		claims = append(claims, c.Claim)
		roles = append(roles, c.Role)
		if c.Principle != "" && !slices.Contains(principles, c.Principle) {
			principles = append(principles, c.Principle)
		}
		rels = append(rels, Relationship{Target: DescriptorRef{ID: c.Claim, ToolComponent: &ComponentRef{Name: Taxonomy}}, Kinds: []string{"relevant"}})
	}
	for _, ref := range b.controls[ri.ID] {
		rels = append(rels, Relationship{Target: ref, Kinds: []string{"relevant"}})
	}
	tags := []string{"security", "supply-chain", Taxonomy}
	for _, p := range principles {
		tags = append(tags, "principle-"+p)
	}
	if v.hygiene {
		tags = append(tags, "input-hygiene")
	}
	var text, md strings.Builder
	fmt.Fprintf(&text, "%s\n", question)
	fmt.Fprintf(&md, "**%s**\n", mdEscape(question))
	if ri.Rationale != "" {
		fmt.Fprintf(&text, "\nWhy it matters: %s\n", ri.Rationale)
		fmt.Fprintf(&md, "\n%s\n", mdEscape(ri.Rationale))
	}
	if ri.Remediation != "" {
		fmt.Fprintf(&text, "\nHow to fix: %s\n", ri.Remediation)
		fmt.Fprintf(&md, "\n**How to fix:** %s\n", mdEscape(ri.Remediation))
	}
	if len(v.claims) > 0 {
		text.WriteString("\nSupports these claims of the UK Software Security Code of Practice:\n")
		md.WriteString("\n**Supports these claims of the UK Software Security Code of Practice:**\n\n")
		for _, c := range v.claims {
			fmt.Fprintf(&text, "- %s (%s rule): %s\n", c.Claim, c.Role, b.statements[c.Claim])
			fmt.Fprintf(&md, "- %s (%s rule): %s\n", c.Claim, c.Role, mdEscape(b.statements[c.Claim]))
		}
	}
	d := Descriptor{
		ID: ri.ID, Name: pascal(ri.ID),
		ShortDescription:     &Message{Text: clean(question)},
		Help:                 &Message{Text: cleanLines(strings.TrimSpace(text.String())), Markdown: strings.TrimSpace(md.String())},
		DefaultConfiguration: &Configuration{Level: level},
		Relationships:        rels,
		Properties: &RuleProperties{Tags: tags, Precision: "high", SecuritySeverity: score,
			Claims: claims, Principles: principles, Roles: roles},
	}
	if ri.Rationale != "" {
		d.FullDescription = &Message{Text: clean(ri.Rationale)}
	}
	return d
}

func pascal(id string) string {
	if id == "" {
		return ""
	}
	return strings.ToUpper(id[:1]) + id[1:]
}

var mdReplacer = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;", "|", `\|`, "#", `\#`)

func mdEscape(s string) string { return mdReplacer.Replace(textsafe.Clean(s)) }

// located is one failing finding at a file, with every claim it bears on.
type located struct {
	f      report.Finding
	claims []string
	level  string
	waiver *report.Waiver
}

func (b *builder) results(views map[string]*ruleView) {
	var items []*located
	byKey := map[string]*located{}
	shown := map[string]bool{}
	add := func(f report.Finding, claim string, level string, w *report.Waiver) {
		key := strings.Join([]string{f.Rule, f.Location.Path, strconv.Itoa(f.Location.Line), f.Outcome, f.Message}, "\x00")
		it, ok := byKey[key]
		if !ok {
			it = &located{f: f}
			byKey[key] = it
			items = append(items, it)
		}
		if claim != "" && !slices.Contains(it.claims, claim) {
			it.claims = append(it.claims, claim)
			shown[claim] = true
		}
		if levelRank[level] > levelRank[it.level] {
			it.level = level
		}
		if w != nil && it.waiver == nil {
			it.waiver = w
		}
	}
	decl := b.r.Subject.Declaration
	for _, p := range b.r.Principles {
		for _, c := range p.Claims {
			for _, f := range c.Findings {
				// Evidence that is no file (a tag, the history) is shown
				// at the declaration, naming it as a logical location;
				// without a declaration the claim is listed as unlocated.
				if !fileLocation(f.Location.Path) && (decl == "" || !logicalLocation(f.Location.Path)) {
					continue
				}
				level := findingLevel(f, c.Status)
				if level == "" {
					continue
				}
				w := c.Waiver
				if w == nil && f.Waived {
					w = &report.Waiver{Rule: f.Rule, Reason: "rule waived in the declaration"}
				}
				add(f, c.ID, level, w)
			}
		}
	}
	for _, n := range b.r.Notices {
		if fileLocation(n.Location.Path) && n.Outcome == "false" {
			add(n, "", "warning", nil)
		}
	}
	for _, it := range items {
		if len(b.out) >= maxResults {
			break
		}
		b.out = append(b.out, b.result(it))
	}
	// Claims not met or unknown that no located result explains.
	for _, p := range b.r.Principles {
		for _, c := range p.Claims {
			if c.Status != report.ClaimNotMet && c.Status != report.ClaimUnknown || shown[c.ID] {
				continue
			}
			if decl == "" || len(b.out) >= maxResults {
				b.unlocated = append(b.unlocated, c.ID)
				continue
			}
			b.out = append(b.out, b.claimResult(p, c, decl))
		}
	}
}

// fileLocation reports whether a finding's path names a file code scanning
// can show: ".git" stands for the history and refs/tags/v1 for a tag, which
// have no line to point at.
func fileLocation(p string) bool { return p != "" && !logicalLocation(p) }

// logicalLocation reports whether a path names part of the git repository
// (its history, a ref) rather than a file in the tree.
func logicalLocation(p string) bool {
	return p == ".git" || strings.HasPrefix(p, ".git/") || strings.HasPrefix(p, "refs/") || p == "HEAD"
}

// located returns a finding's locations: its file, or, for a logical
// location, the declaration (a file code scanning can show) with the ref or
// history named as a logical location.
func (b *builder) locations(path string, line int) []Location {
	if !logicalLocation(path) {
		return location(path, line)
	}
	locs := location(b.r.Subject.Declaration, 1)
	kind := "repository"
	if strings.HasPrefix(path, "refs/") || path == "HEAD" {
		kind = "ref"
	}
	name := textsafe.Clean(path)
	locs[0].LogicalLocations = []LogicalLocation{{Name: name, FullyQualifiedName: "git:" + name, Kind: kind}}
	return locs
}

// findingLevel decides a finding's level under one claim, or "" when the
// finding is no problem.
func findingLevel(f report.Finding, status report.ClaimStatus) string {
	switch f.Outcome {
	case "false":
		if status == report.ClaimNotMet && (f.Role == "all" || f.Role == "any") {
			return "error"
		}
		return "warning"
	case "not_available", "error":
		return "note"
	}
	return ""
}

func (b *builder) fingerprint(parts ...string) string {
	base := strings.Join(parts, "\x00")
	n := b.seen[base]
	b.seen[base] = n + 1
	sum := sha256.Sum256([]byte(base + "\x00" + strconv.Itoa(n)))
	return hex.EncodeToString(sum[:16])
}

func location(path string, line int) []Location {
	return []Location{{PhysicalLocation: PhysicalLocation{
		ArtifactLocation: ArtifactLocation{URI: fileURI(path), URIBaseID: srcRoot},
		Region:           &Region{StartLine: max(line, 1)},
	}}}
}

func (b *builder) result(it *located) Result {
	f := it.f
	var msg strings.Builder
	msg.WriteString(clean(f.Message))
	if len(it.claims) > 0 {
		msg.WriteString(" (claim")
		if len(it.claims) > 1 {
			msg.WriteString("s")
		}
		for i, c := range it.claims {
			if i > 0 {
				msg.WriteString(",")
			}
			fmt.Fprintf(&msg, " %s %s", c, strings.ReplaceAll(string(b.status[c]), "_", " "))
		}
		msg.WriteString(")")
	}
	if f.Outcome == "not_available" || f.Outcome == "error" {
		msg.WriteString(": could not be observed; the claim stays unknown until it is")
	}
	res := Result{
		RuleID: f.Rule, RuleIndex: b.index[f.Rule], Level: it.level,
		Message:   Message{Text: msg.String()},
		Locations: b.locations(f.Location.Path, f.Location.Line),
		// Line numbers are left out so that an alert survives edits above it.
		PartialFingerprints: map[string]string{FingerprintKey: b.fingerprint(f.Rule, f.Location.Path, f.Outcome, f.Message)},
		Properties:          &ResultProperties{Claims: it.claims, Outcome: f.Outcome},
	}
	for _, c := range it.claims {
		res.Taxa = append(res.Taxa, DescriptorRef{ID: c, ToolComponent: &ComponentRef{Name: Taxonomy}})
	}
	res.Taxa = append(res.Taxa, b.controls[f.Rule]...)
	if it.waiver != nil {
		res.Suppressions = []Suppression{suppression(it.waiver)}
	}
	return res
}

func suppression(w *report.Waiver) Suppression {
	just := "waived"
	if w.Expires != "" {
		just += " until " + w.Expires
	}
	if w.Owner != "" {
		just += " by " + w.Owner
	}
	if w.Reason != "" {
		just += ": " + w.Reason
	}
	return Suppression{Kind: "external", Status: "accepted", Justification: clean(just)}
}

// claimResult reports a claim that no located finding explains, against the
// declaration where its attestation or waiver would go.
func (b *builder) claimResult(p report.Principle, c report.Claim, decl string) Result {
	id := claimRuleID(c.ID)
	level := "error"
	if c.Status == report.ClaimUnknown {
		level = "note"
	}
	var help strings.Builder
	fmt.Fprintf(&help, "Claim %s of principle %s (%s): %s", c.ID, p.ID, p.Title, c.Statement)
	if c.Settle != "" {
		fmt.Fprintf(&help, "\n\nTo settle: %s", c.Settle)
	}
	for _, rem := range c.Remediation {
		fmt.Fprintf(&help, "\n- %s", rem)
	}
	idx := b.addRule(Descriptor{
		ID: id, Name: "Claim" + strings.ReplaceAll(c.ID, ".", "_"),
		ShortDescription:     &Message{Text: clean("Claim " + c.ID + ": " + c.Statement)},
		FullDescription:      &Message{Text: clean(c.Statement)},
		Help:                 &Message{Text: cleanLines(help.String())},
		DefaultConfiguration: &Configuration{Level: level},
		Relationships:        []Relationship{{Target: DescriptorRef{ID: c.ID, ToolComponent: &ComponentRef{Name: Taxonomy}}, Kinds: []string{"equal"}}},
		Properties:           &RuleProperties{Tags: []string{"security", "supply-chain", Taxonomy, "principle-" + p.ID, "claim"}, Precision: "medium", Claims: []string{c.ID}, Principles: []string{p.ID}},
	})
	msg := fmt.Sprintf("Claim %s is %s: %s", c.ID, strings.ReplaceAll(string(c.Status), "_", " "), clean(c.Reason))
	res := Result{
		RuleID: id, RuleIndex: idx, Level: level,
		Message:             Message{Text: msg},
		Locations:           location(decl, 1),
		PartialFingerprints: map[string]string{FingerprintKey: b.fingerprint(id, decl)},
		Taxa:                []DescriptorRef{{ID: c.ID, ToolComponent: &ComponentRef{Name: Taxonomy}}},
		Properties:          &ResultProperties{Claims: []string{c.ID}, Status: string(c.Status)},
	}
	if c.Waiver != nil {
		res.Suppressions = []Suppression{suppression(c.Waiver)}
	}
	return res
}

func (b *builder) invocation() Invocation {
	inv := Invocation{ExecutionSuccessful: true}
	if !b.r.AssessedAt.IsZero() {
		inv.EndTimeUTC = b.r.AssessedAt.UTC().Format("2006-01-02T15:04:05Z")
	}
	for _, c := range b.r.Collectors {
		level := ""
		switch c.Status {
		case "failed":
			level = "error"
		case "skipped":
			level = "note"
		default:
			continue
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, Notification{
			Level:      level,
			Message:    Message{Text: clean(fmt.Sprintf("collector %s %s: %s", c.Name, c.Status, c.Reason))},
			Descriptor: &DescriptorRef{ID: c.Name},
		})
	}
	return inv
}

func taxonomy(r *report.Report) Component {
	t := Component{
		Name: Taxonomy, FullName: r.Framework.Title, Version: r.Framework.Version,
		Organization:     "DSIT and NCSC",
		InformationURI:   "https://www.gov.uk/government/publications/software-security-code-of-practice",
		ShortDescription: &Message{Text: "UK Software Security Code of Practice, assurance claims v" + r.Framework.ClaimsVersion},
	}
	for _, p := range r.Principles {
		for _, c := range p.Claims {
			t.Taxa = append(t.Taxa, Descriptor{ID: c.ID, Name: "Claim" + strings.ReplaceAll(c.ID, ".", "_"),
				ShortDescription: &Message{Text: clean(c.Statement)},
				FullDescription:  &Message{Text: clean("Principle " + p.ID + ": " + p.Title)}})
		}
	}
	return t
}

func runProperties(r *report.Report, unlocated []string) map[string]any {
	props := map[string]any{
		"framework":           r.Framework,
		"product":             clean(r.Subject.Product),
		"commit":              r.Subject.Commit,
		"claims":              r.Summary.Claims,
		"principles":          r.Summary.Principles,
		"totalClaims":         r.Summary.Total,
		"reportSchemaVersion": r.SchemaVersion,
	}
	if r.Subject.Vendor != "" {
		props["vendor"] = clean(r.Subject.Vendor)
	}
	if len(unlocated) > 0 {
		props["claimsWithoutLocation"] = unlocated
	}
	if len(r.Frameworks) > 0 {
		props["frameworks"] = frameworkSummaries(r.Frameworks)
	}
	return props
}
