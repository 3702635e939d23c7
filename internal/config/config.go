// Package config reads assay.yaml, the product declaration: who the vendor
// is, the role it plays, its Senior Responsible Owner, and the human
// attestations and waivers that no file in the repository can prove.
//
// Parsing is strict. Unknown keys are errors, and every error names the file,
// line and column and says what was expected, because a typo in a declaration
// must never silently drop an attestation.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/lazyre"
)

// FileName is the conventional name of the declaration in a repository.
const FileName = "assay.yaml"

// Roles a vendor can play for a product (Code of Practice, Table 1).
const (
	RoleDeveloperDistributor = "developer-distributor"
	RoleReseller             = "reseller"
	RoleDeveloperOnly        = "developer-only"
)

// Assurance levels (see report.AssuranceObserved and AssuranceAttested).
const (
	AssuranceObserved = "observed"
	AssuranceAttested = "attested"
)

// Delivery models.
const (
	DeliveryDistributed = "distributed"
	DeliverySaaS        = "saas"
)

// Pos is where a value sits in the declaration. Fields of this type are
// filled by the parser, never read from YAML.
type Pos struct {
	Line   int `yaml:"-" json:"line,omitempty"`
	Column int `yaml:"-" json:"column,omitempty"`
}

// Config is a parsed assay.yaml.
type Config struct {
	File     string `yaml:"-"` // path the declaration was read from; empty when none
	Digest   string `yaml:"-"` // sha256 of the file bytes
	Product  string `yaml:"product"`
	Vendor   string `yaml:"vendor"`
	Role     string `yaml:"role"`
	Delivery string `yaml:"delivery"`
	// Assurance is the level claims are judged at: "observed" (the
	// default) or "attested" (every partial claim needs an attestation).
	Assurance     string        `yaml:"assurance"`
	SRO           *Person       `yaml:"sro"`
	Contact       Contact       `yaml:"contact"`
	ReviewEvery   string        `yaml:"review_every"` // e.g. "12mo" or "6mo": when the next review is due
	Attestations  []Attestation `yaml:"attestations"`
	Waivers       []Waiver      `yaml:"waivers"`
	NotApplicable []Exclusion   `yaml:"not_applicable"`
	// RemediationTargets are the vendor's declared maximum ages for an
	// unaddressed known vulnerability, by severity (claim 3.3.1).
	RemediationTargets RemediationTargets `yaml:"remediation_targets"`
	// Build declares the toolchains releases are built with, where the
	// repository does not pin them (claim 3.3.1: Go's standard library).
	Build Build `yaml:"build"`
	// VulnDBMaxAge is how old the offline vulnerability database may be
	// (a period such as "7d") before the assessment calls it stale and
	// says nothing about what it did not find; "" for the default, 7d.
	VulnDBMaxAge string `yaml:"vulnerability_database_max_age"`
	// Human-side declarations (framework, lifecycle, incidents, advisories,
	// signing keys); the types and their checks are in human.go.
	Framework      *Framework     `yaml:"framework"`
	AllowedSigners string         `yaml:"allowed_signers"` // ssh-keygen allowed signers file for attestation signatures
	ReleaseLines   []ReleaseLine  `yaml:"release_lines"`
	Support        Support        `yaml:"support"`
	Incidents      []Incident     `yaml:"incidents"`
	Advisories     []Advisory     `yaml:"advisories"`
	VEX            []VEXStatement `yaml:"vex"`
	// Releases and TrustedRoot declare release artefacts to verify and the
	// Sigstore trusted root to verify them against (principle 3.1).
	Releases    []ReleaseInput `yaml:"releases"`
	TrustedRoot string         `yaml:"trusted_root"`
	// Forge opts into reading GitHub or GitLab settings; see forge.go.
	Forge Forge `yaml:"forge"`
	// CommitSigners are the keys commits and tags should verify against;
	// see commitsigners.go.
	CommitSigners *CommitSigners `yaml:"commit_signers"`
	// Scope adjusts which parts of the repository are the product; see
	// scope.go.
	Scope Scope `yaml:"scope"`
	// Rules are custom rules in CEL, kept as YAML so the rules package
	// decodes them and reports errors at their line and column.
	Rules yaml.Node `yaml:"rules"`
	// Source is the declaration's bytes, for placing custom rule errors.
	Source []byte `yaml:"-"`
}

// RemediationTargets give, per severity, how long a known vulnerability may
// stay unaddressed, as a period such as "14d". Empty fields take the
// documented defaults (DefaultRemediationTargets).
type RemediationTargets struct {
	Critical string `yaml:"critical"`
	High     string `yaml:"high"`
	Medium   string `yaml:"medium"`
	Low      string `yaml:"low"`
	Pos      Pos    `yaml:"-"`
}

// Build names the toolchain releases are built with. go.mod's go line is
// only the oldest Go a module accepts; the standard library shipped is
// that of the Go that builds the release.
type Build struct {
	Go  string `yaml:"go"` // e.g. "1.24.3"
	Pos Pos    `yaml:"-"`
}

// goRelease is a Go release as build.go names it.
var goRelease = lazyre.New(`^(?:go)?1\.\d+(?:\.\d+)?$`)

// DefaultRemediationTargets apply when assay.yaml declares none: common
// industry practice, documented in docs/configuration.md.
var DefaultRemediationTargets = RemediationTargets{Critical: "14d", High: "30d", Medium: "90d", Low: "180d"}

// Days returns the target for a severity ("critical", "high", "medium",
// "low") in days, falling back to the default.
func (r RemediationTargets) Days(severity string) int {
	pick := func(v, def string) int {
		if v == "" {
			v = def
		}
		y, m, d, err := ParsePeriod(v)
		if err != nil {
			y, m, d, _ = ParsePeriod(def)
		}
		return y*365 + m*30 + d
	}
	d := DefaultRemediationTargets
	switch severity {
	case "critical":
		return pick(r.Critical, d.Critical)
	case "high":
		return pick(r.High, d.High)
	case "medium", "moderate":
		return pick(r.Medium, d.Medium)
	}
	return pick(r.Low, d.Low)
}

// Person names someone accountable.
type Person struct {
	Name  string `yaml:"name"`
	Role  string `yaml:"role"`
	Email string `yaml:"email"`
	Pos   Pos    `yaml:"-"`
}

// Contact holds the vendor's published contact routes.
type Contact struct {
	Security  string `yaml:"security"`  // mailto: or https: URI, used for security.txt
	Incidents string `yaml:"incidents"` // where customers hear about incidents
	Pos       Pos    `yaml:"-"`
}

// Attestation is a person's signed-off statement that a claim holds, backed
// by evidence pinned by hash.
type Attestation struct {
	Claim      string        `yaml:"claim"`
	Statement  string        `yaml:"statement"`
	Evidence   []EvidenceRef `yaml:"evidence"`
	AttestedBy string        `yaml:"attested_by"`
	Date       Date          `yaml:"date"`
	Expires    Date          `yaml:"expires"`
	// Signature is an SSH signature (armored, namespace "assay") over the
	// attestation's canonical form; see the signing documentation.
	Signature string `yaml:"signature"`
	Pos       Pos    `yaml:"-"`
}

// EvidenceRef points at a document backing an attestation.
type EvidenceRef struct {
	Path   string `yaml:"path"`
	URL    string `yaml:"url"`
	SHA256 string `yaml:"sha256"`
	Pos    Pos    `yaml:"-"`
}

// Waiver records an accepted gap: a claim or rule that is knowingly not met
// until a date. A waived claim is shown as waived, never as met.
type Waiver struct {
	Claim   string `yaml:"claim"`
	Rule    string `yaml:"rule"`
	Reason  string `yaml:"reason"`
	Owner   string `yaml:"owner"`
	Expires Date   `yaml:"expires"`
	Pos     Pos    `yaml:"-"`
}

// Exclusion declares a claim not applicable to this product, with why.
type Exclusion struct {
	Claim  string `yaml:"claim"`
	Reason string `yaml:"reason"`
	Pos    Pos    `yaml:"-"`
}

// Date is a calendar date written as YYYY-MM-DD (an RFC 3339 timestamp is
// accepted too). The zero Date means "not given".
type Date struct {
	time.Time
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &Error{Line: n.Line, Column: n.Column, Msg: "want a date YYYY-MM-DD"}
	}
	t, err := ParseDate(n.Value)
	if err != nil {
		return &Error{Line: n.Line, Column: n.Column, Msg: fmt.Sprintf("want a date YYYY-MM-DD, got %q", n.Value)}
	}
	d.Time = t
	return nil
}

// MarshalYAML implements yaml.Marshaler.
func (d Date) MarshalYAML() (any, error) {
	if d.IsZero() {
		return "", nil
	}
	return d.Format(time.DateOnly), nil
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// ParseDate reads YYYY-MM-DD or RFC 3339.
func ParseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}

// Error is one problem in a declaration, with its position.
type Error struct {
	File   string
	Line   int
	Column int
	Field  string
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:%d:", e.Line, e.Column)
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one declaration.
type Errors []*Error

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// ErrInvalid is wrapped by every validation failure.
var ErrInvalid = errors.New("invalid declaration")

// Unwrap lets callers test errors.Is(err, ErrInvalid).
func (es Errors) Unwrap() error { return ErrInvalid }

// MaxSize caps the declaration file.
const MaxSize = 1 << 20

// Parse decodes and validates a declaration. file names it in errors.
// knownClaim, when not nil, reports whether a claim id exists in the catalog.
func Parse(file string, data []byte, knownClaim func(string) bool) (*Config, error) {
	if len(data) > MaxSize {
		return nil, Errors{{File: file, Msg: fmt.Sprintf("file is %d bytes; the limit is %d", len(data), MaxSize)}}
	}
	cfg := &Config{File: file}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			cfg.setDefaults()
			return cfg, nil
		}
		return nil, Errors{yamlError(file, err)}
	}
	if len(doc.Content) == 0 {
		cfg.setDefaults()
		return cfg, nil
	}
	root := doc.Content[0]
	var errs Errors
	if aliases := countAliases(root, 0); aliases > 50 {
		return nil, Errors{{File: file, Line: root.Line, Column: root.Column, Msg: "too many YAML aliases; write the declaration out in full"}}
	}
	checkKeys(file, root, reflect.TypeFor[Config](), "", &errs, 0)
	if len(errs) > 0 {
		return nil, errs
	}
	if err := root.Decode(cfg); err != nil {
		return nil, Errors{yamlError(file, err)}
	}
	setPositions(root, reflect.ValueOf(cfg).Elem(), 0)
	cfg.File = file
	cfg.Source = data
	cfg.setDefaults()
	errs = append(errs, cfg.validate(knownClaim)...)
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b *Error) int { return a.Line - b.Line })
		return nil, errs
	}
	return cfg, nil
}

func (c *Config) setDefaults() {
	if c.Role == "" {
		c.Role = RoleDeveloperDistributor
	}
	if c.Delivery == "" {
		c.Delivery = DeliveryDistributed
	}
}

var (
	claimIDPattern = lazyre.New(`^[1-4]\.[1-6]\.[1-6]$`)
	sha256Pattern  = lazyre.New(`^[0-9a-f]{64}$`)
	ruleIDPattern  = lazyre.New(`^[a-z][a-zA-Z0-9]+$`)
)

func (c *Config) validate(knownClaim func(string) bool) Errors {
	var errs Errors
	add := func(p Pos, field, format string, args ...any) {
		errs = append(errs, &Error{File: c.File, Line: p.Line, Column: p.Column, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	c.Forge.validate(add)
	c.Scope.validate(add)
	c.validateBasics(add)
	checkClaim := claimChecker(add, knownClaim)
	c.validateAttestations(add, checkClaim)
	c.validateWaivers(add, checkClaim)
	c.validateExclusions(add, checkClaim)
	c.validateHuman(add)
	c.validateRelease(add)
	return errs
}

// addFunc records one problem at a position and field.
type addFunc = func(p Pos, field, format string, args ...any)

// validateBasics checks the product's role, delivery, assurance, SRO,
// contact and periods.
func (c *Config) validateBasics(add addFunc) {
	switch c.Role {
	case RoleDeveloperDistributor, RoleReseller, RoleDeveloperOnly:
	default:
		add(Pos{}, "role", "want one of developer-distributor, reseller, developer-only; got %q", c.Role)
	}
	switch c.Delivery {
	case DeliveryDistributed, DeliverySaaS:
	default:
		add(Pos{}, "delivery", "want distributed or saas; got %q", c.Delivery)
	}
	switch c.Assurance {
	case "", AssuranceObserved, AssuranceAttested:
	default:
		add(Pos{}, "assurance", "want observed or attested; got %q", c.Assurance)
	}
	if c.SRO != nil && strings.TrimSpace(c.SRO.Name) == "" {
		add(c.SRO.Pos, "sro.name", "the Senior Responsible Owner needs a name")
	}
	if c.Contact.Security != "" && !ContactURIOK(c.Contact.Security) {
		add(c.Contact.Pos, "contact.security", "want a mailto: or https: URI; got %q", c.Contact.Security)
	}
	if c.ReviewEvery != "" {
		if _, _, _, err := ParsePeriod(c.ReviewEvery); err != nil {
			add(Pos{}, "review_every", "%v", err)
		}
	}
	if c.Build.Go != "" && !goRelease.MatchString(c.Build.Go) {
		add(c.Build.Pos, "build.go", "want a Go release such as 1.24.3; got %q", c.Build.Go)
	}
	if c.VulnDBMaxAge != "" {
		if _, err := ParseAge(c.VulnDBMaxAge); err != nil {
			add(Pos{}, "vulnerability_database_max_age", "%v", err)
		}
	}
	for name, v := range map[string]string{"critical": c.RemediationTargets.Critical, "high": c.RemediationTargets.High, "medium": c.RemediationTargets.Medium, "low": c.RemediationTargets.Low} {
		if v == "" {
			continue
		}
		if _, _, _, err := ParsePeriod(v); err != nil {
			add(c.RemediationTargets.Pos, "remediation_targets."+name, "%v", err)
		}
	}
}

// claimChecker returns a check that a field names a claim of the catalog.
func claimChecker(add addFunc, knownClaim func(string) bool) func(p Pos, field, id string) {
	return func(p Pos, field, id string) {
		switch {
		case id == "":
			add(p, field, "a claim id such as \"3.2.1\" is required")
		case !claimIDPattern.MatchString(id):
			add(p, field, "want a claim id such as \"3.2.1\"; got %q", id)
		case knownClaim != nil && !knownClaim(id):
			add(p, field, "claim %q is not in the Code of Practice catalog", id)
		}
	}
}

func (c *Config) validateAttestations(add addFunc, checkClaim func(p Pos, field, id string)) {
	for i, a := range c.Attestations {
		f := fmt.Sprintf("attestations[%d]", i)
		checkClaim(a.Pos, f+".claim", a.Claim)
		if strings.TrimSpace(a.Statement) == "" {
			add(a.Pos, f+".statement", "the argument for the claim is required")
		}
		if strings.TrimSpace(a.AttestedBy) == "" {
			add(a.Pos, f+".attested_by", "the person attesting is required")
		}
		if a.Date.IsZero() {
			add(a.Pos, f+".date", "the date of the attestation is required (YYYY-MM-DD)")
		}
		if a.Expires.IsZero() {
			add(a.Pos, f+".expires", "an expiry date is required (YYYY-MM-DD); attestations must be renewed")
		} else if !a.Date.IsZero() && !a.Expires.After(a.Date.Time) {
			add(a.Pos, f+".expires", "must be after the attestation date %s", a.Date)
		}
		if len(a.Evidence) == 0 {
			add(a.Pos, f+".evidence", "at least one evidence document (path or url) is required")
		}
		for j, e := range a.Evidence {
			validateEvidenceRef(add, fmt.Sprintf("%s.evidence[%d]", f, j), e)
		}
	}
}

// validateEvidenceRef checks one document backing an attestation: a file
// pinned by hash, or an https URL.
func validateEvidenceRef(add addFunc, ef string, e EvidenceRef) {
	switch {
	case e.Path == "" && e.URL == "":
		add(e.Pos, ef, "want path or url")
	case e.Path != "" && e.URL != "":
		add(e.Pos, ef, "want path or url, not both")
	case e.Path != "":
		if !validRelPath(e.Path) {
			add(e.Pos, ef+".path", "want a relative path inside the repository; got %q", e.Path)
		}
		if e.SHA256 == "" {
			add(e.Pos, ef+".sha256", "files are pinned by hash: add sha256 (run `assay attest` to fill it in)")
		}
	case e.URL != "":
		if !strings.HasPrefix(e.URL, "https://") {
			add(e.Pos, ef+".url", "want an https:// URL; got %q", e.URL)
		}
	}
	if e.SHA256 != "" && !sha256Pattern.MatchString(e.SHA256) {
		add(e.Pos, ef+".sha256", "want 64 lowercase hex digits")
	}
}

func (c *Config) validateWaivers(add addFunc, checkClaim func(p Pos, field, id string)) {
	for i, w := range c.Waivers {
		f := fmt.Sprintf("waivers[%d]", i)
		switch {
		case w.Claim == "" && w.Rule == "":
			add(w.Pos, f, "want the claim or rule being waived")
		case w.Claim != "":
			checkClaim(w.Pos, f+".claim", w.Claim)
		case !ruleIDPattern.MatchString(w.Rule):
			add(w.Pos, f+".rule", "want a rule id such as securityPolicyPresent; got %q", w.Rule)
		}
		if strings.TrimSpace(w.Reason) == "" {
			add(w.Pos, f+".reason", "a reason is required")
		}
		if strings.TrimSpace(w.Owner) == "" {
			add(w.Pos, f+".owner", "an owner is required")
		}
		if w.Expires.IsZero() {
			add(w.Pos, f+".expires", "an expiry date is required (YYYY-MM-DD); waivers must be revisited")
		}
	}
}

func (c *Config) validateExclusions(add addFunc, checkClaim func(p Pos, field, id string)) {
	for i, x := range c.NotApplicable {
		f := fmt.Sprintf("not_applicable[%d]", i)
		checkClaim(x.Pos, f+".claim", x.Claim)
		if strings.TrimSpace(x.Reason) == "" {
			add(x.Pos, f+".reason", "a reason is required")
		}
	}
}

func validRelPath(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") {
		return false
	}
	for _, part := range strings.Split(p, "/") {
		if part == ".." || part == "" {
			return false
		}
	}
	return true
}

// ParseAge reads a maximum age: a period in days, months or years ("7d",
// "1mo") or a Go duration ("36h").
func ParseAge(s string) (time.Duration, error) {
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	y, m, d, err := ParsePeriod(s)
	if err != nil {
		return 0, fmt.Errorf("want an age such as 7d, 36h or 1mo; got %q", s)
	}
	return time.Duration(y*365+m*30+d) * 24 * time.Hour, nil
}

// ParsePeriod reads a review period such as "12mo", "6mo", "90d" or "1y".
func ParsePeriod(s string) (years, months, days int, err error) {
	var n int
	var unit string
	if _, err := fmt.Sscanf(s, "%d%s", &n, &unit); err != nil || n <= 0 {
		return 0, 0, 0, fmt.Errorf("want a period such as 12mo, 6mo, 90d or 1y; got %q", s)
	}
	switch unit {
	case "y":
		return n, 0, 0, nil
	case "mo":
		return 0, n, 0, nil
	case "d":
		return 0, 0, n, nil
	}
	return 0, 0, 0, fmt.Errorf("want a period such as 12mo, 6mo, 90d or 1y; got %q", s)
}

func yamlError(file string, err error) *Error {
	var ce *Error
	if errors.As(err, &ce) {
		ce.File = file
		return ce
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = strings.TrimPrefix(te.Errors[0], "yaml: ")
		if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
			msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
		}
	}
	return &Error{File: file, Line: line, Column: 1, Msg: msg}
}

func countAliases(n *yaml.Node, depth int) int {
	if n == nil || depth > 100 {
		return 0
	}
	c := 0
	if n.Kind == yaml.AliasNode {
		c++
	}
	for _, ch := range n.Content {
		c += countAliases(ch, depth+1)
	}
	return c
}

// checkKeys reports keys that no field of t accepts, and values of the wrong
// shape, with their positions.
func checkKeys(file string, n *yaml.Node, t reflect.Type, path string, errs *Errors, depth int) {
	if depth > 50 {
		*errs = append(*errs, &Error{File: file, Line: n.Line, Column: n.Column, Field: path, Msg: "nested too deeply"})
		return
	}
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[Date]() || t == reflect.TypeFor[Glob]() || t == reflect.TypeFor[yaml.Node]() {
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			*errs = append(*errs, &Error{File: file, Line: n.Line, Column: n.Column, Field: path, Msg: "want a mapping of keys to values"})
			return
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			f, ok := fields[k.Value]
			if !ok {
				*errs = append(*errs, &Error{File: file, Line: k.Line, Column: k.Column, Field: join(path, k.Value),
					Msg: fmt.Sprintf("unknown key; expected one of: %s", strings.Join(sortedKeys(fields), ", "))})
				continue
			}
			checkKeys(file, v, f.Type, join(path, k.Value), errs, depth+1)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			*errs = append(*errs, &Error{File: file, Line: n.Line, Column: n.Column, Field: path, Msg: "want a list"})
			return
		}
		for i, el := range n.Content {
			checkKeys(file, el, t.Elem(), fmt.Sprintf("%s[%d]", path, i), errs, depth+1)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			*errs = append(*errs, &Error{File: file, Line: n.Line, Column: n.Column, Field: path, Msg: "want a mapping"})
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			checkKeys(file, n.Content[i+1], t.Elem(), join(path, n.Content[i].Value), errs, depth+1)
		}
	default:
		if n.Kind != yaml.ScalarNode {
			*errs = append(*errs, &Error{File: file, Line: n.Line, Column: n.Column, Field: path, Msg: "want a single value"})
		}
	}
}

// setPositions fills every Pos field from the node that produced its struct.
func setPositions(n *yaml.Node, v reflect.Value, depth int) {
	if depth > 50 || n == nil {
		return
	}
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[Date]() || v.Type() == reflect.TypeFor[Glob]() || v.Type() == reflect.TypeFor[yaml.Node]() || n.Kind != yaml.MappingNode {
			return
		}
		if pf := v.FieldByName("Pos"); pf.IsValid() && pf.Type() == reflect.TypeFor[Pos]() {
			pf.Set(reflect.ValueOf(Pos{Line: n.Line, Column: n.Column}))
		}
		fields := yamlFields(v.Type())
		for i := 0; i+1 < len(n.Content); i += 2 {
			if f, ok := fields[n.Content[i].Value]; ok {
				setPositions(n.Content[i+1], v.FieldByIndex(f.Index), depth+1)
			}
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i := 0; i < v.Len() && i < len(n.Content); i++ {
			setPositions(n.Content[i], v.Index(i), depth+1)
		}
	}
}

func yamlFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f
	}
	return out
}

func sortedKeys(m map[string]reflect.StructField) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// NextReview is when the declaration is next due for review: review_every
// after now, or a year when it sets none. A malformed period gives the
// year and the error.
func (c *Config) NextReview(now time.Time) (time.Time, error) {
	y, m, d := 1, 0, 0
	if c.ReviewEvery != "" {
		yy, mm, dd, err := ParsePeriod(c.ReviewEvery)
		if err != nil {
			return now.UTC().AddDate(1, 0, 0), fmt.Errorf("review_every: %w", err)
		}
		y, m, d = yy, mm, dd
	}
	return now.UTC().AddDate(y, m, d), nil
}
