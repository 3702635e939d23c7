// Package rule defines rules: pure functions that ask one yes/no question of
// the evidence and answer with findings. Rules do no I/O and know nothing of
// claims; which rules support which claim is data in the catalog mapping.
package rule

import (
	"bytes"
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
)

// Outcome is a rule's answer for one subject.
type Outcome string

// Outcomes, after scorecard's probes.
const (
	True          Outcome = "true"
	False         Outcome = "false"
	NotApplicable Outcome = "not_applicable"
	NotAvailable  Outcome = "not_available" // the evidence could not be gathered
	Error         Outcome = "error"         // the evidence was gathered but is broken
)

// Keys and values of Finding.Values that the engine and evaluator share.
const (
	// ValueUnavailable says why a not_available finding could not be
	// evaluated.
	ValueUnavailable = "unavailable"
	// UnavailableOffline: the evidence needs a network source and the run
	// was offline. Such an alternative does not keep a claim unknown when
	// the local alternatives were observed.
	UnavailableOffline = "offline"
	// UnavailableNotGiven: the evidence is an input the user may give
	// (release artefacts, an SBOM) and none was given. Like an offline
	// source, such an alternative does not hold a claim open.
	UnavailableNotGiven = "not_given"
	// ValueSettle names, on a not_available finding, the command that
	// would get the missing evidence (`assay db update --online`), so that
	// the next step shown is to collect it rather than to attest.
	ValueSettle = "settle"
)

// Negative says what a false answer rests on. The evaluator treats the
// three differently: only a violation is decisive on its own; an absence is
// decisive only where the claim's decision says so; a pointer elsewhere is
// never decisive offline.
type Negative string

// Kinds of false answer.
const (
	// Violation: something was observed that breaks the claim (an unpinned
	// third-party action, a workflow that prints secrets).
	Violation Negative = "violation"
	// NoSignal: the repository was searched and the positive signal is not
	// there. The truth may still live outside the repository.
	NoSignal Negative = "no_signal"
	// Elsewhere: the repository points to where the signal lives (an
	// organisation-level policy, a project web page); offline it cannot be
	// read, and --online may settle it.
	Elsewhere Negative = "elsewhere"
)

// Finding is one answer of a rule, pointing at what proves it.
type Finding struct {
	Rule     string            `json:"rule"`
	Outcome  Outcome           `json:"outcome"`
	Message  string            `json:"message"`
	Location evidence.Location `json:"location"`
	Values   map[string]string `json:"values,omitempty"`
	// Negative qualifies a false outcome; empty means the rule's default
	// (Meta.FalseMeans, itself defaulting to Violation).
	Negative Negative `json:"negative,omitempty"`
}

// Absent builds a false finding for a positive signal that was searched for
// and not found.
func Absent(id string, loc evidence.Location, format string, args ...any) Finding {
	f := New(id, False, loc, format, args...)
	f.Negative = NoSignal
	return f
}

// Violated builds a false finding for an observed violation.
func Violated(id string, loc evidence.Location, format string, args ...any) Finding {
	f := New(id, False, loc, format, args...)
	f.Negative = Violation
	return f
}

// PointsElsewhere builds a false finding for a signal that the repository
// says lives somewhere else.
func PointsElsewhere(id string, loc evidence.Location, format string, args ...any) Finding {
	f := New(id, False, loc, format, args...)
	f.Negative = Elsewhere
	return f
}

// Meta describes a rule. It is data, embedded next to the rule's code.
type Meta struct {
	ID          string `yaml:"id" json:"id"`
	Question    string `yaml:"question" json:"question"`
	Rationale   string `yaml:"rationale" json:"rationale"`
	Remediation string `yaml:"remediation" json:"remediation"`
	// Hygiene rules judge the input itself (unreadable files, hostile
	// names); their failures are reported as notices, not against claims.
	Hygiene bool `yaml:"hygiene,omitempty" json:"hygiene,omitempty"`
	// FalseMeans is what a false answer of this rule rests on when a
	// finding does not say: violation (the default) or no_signal.
	FalseMeans Negative `yaml:"false_means,omitempty" json:"falseMeans,omitempty"`
}

// NegativeOf returns what a false finding rests on, falling back to the
// rule's default and then to Violation.
func NegativeOf(f Finding, m Meta) Negative {
	switch {
	case f.Negative != "":
		return f.Negative
	case m.FalseMeans != "":
		return m.FalseMeans
	}
	return Violation
}

// Rule is one yes/no question.
type Rule interface {
	Meta() Meta
	Needs() []evidence.Kind
	Evaluate(ev *evidence.Set) []Finding
}

// OptionalReader is a rule that also reads kinds it can judge without:
// refinements such as declared remediation targets, whose absence the rule
// answers with a documented default. The engine lets the rule see them but
// does not make the rule unavailable when their collector did not run.
type OptionalReader interface {
	Optional() []evidence.Kind
}

// Func adapts a function to the Rule interface.
type Func struct {
	M  Meta
	N  []evidence.Kind
	O  []evidence.Kind // optional reads, see OptionalReader
	Fn func(ev *evidence.Set) []Finding
}

// Optional implements OptionalReader.
func (f Func) Optional() []evidence.Kind { return f.O }

// Reading returns f also allowed to read the optional kinds.
func (f Func) Reading(kinds ...evidence.Kind) Func {
	f.O = append(slices.Clone(f.O), kinds...)
	return f
}

// Meta implements Rule.
func (f Func) Meta() Meta { return f.M }

// Needs implements Rule.
func (f Func) Needs() []evidence.Kind { return f.N }

// Evaluate implements Rule.
func (f Func) Evaluate(ev *evidence.Set) []Finding { return f.Fn(ev) }

var idPattern = lazyre.New(`^[a-z][a-zA-Z0-9]+$`)

// ParseMetas parses a YAML list of rule metadata and checks each entry.
func ParseMetas(data []byte) (map[string]Meta, error) {
	var list []Meta
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("parse rule metadata: %w", err)
	}
	out := make(map[string]Meta, len(list))
	for _, m := range list {
		if !idPattern.MatchString(m.ID) {
			return nil, fmt.Errorf("rule id %q: want a camelCase yes/no question", m.ID)
		}
		switch m.FalseMeans {
		case "", Violation, NoSignal, Elsewhere:
		default:
			return nil, fmt.Errorf("rule %s: false_means %q: want violation, no_signal or elsewhere", m.ID, m.FalseMeans)
		}
		if m.Question == "" || m.Rationale == "" || m.Remediation == "" {
			return nil, fmt.Errorf("rule %s: question, rationale and remediation are required", m.ID)
		}
		if _, dup := out[m.ID]; dup {
			return nil, fmt.Errorf("rule %s: defined twice", m.ID)
		}
		out[m.ID] = m
	}
	return out, nil
}

// Builder makes rules from a metadata table, so each area writes
// b.Rule("securityPolicyPresent", needs, fn) and keeps its text in YAML.
type Builder struct {
	metas map[string]Meta
	used  map[string]bool
	err   error
}

// NewBuilder parses metadata for an area's rules.
func NewBuilder(metaYAML []byte) *Builder {
	m, err := ParseMetas(metaYAML)
	return &Builder{metas: m, used: map[string]bool{}, err: err}
}

// Rule returns the rule with id, its needs and its function.
func (b *Builder) Rule(id string, needs []evidence.Kind, fn func(*evidence.Set) []Finding) Func {
	m, ok := b.metas[id]
	if !ok && b.err == nil {
		b.err = fmt.Errorf("rule %s: no metadata", id)
	}
	b.used[id] = true
	return Func{M: m, N: needs, Fn: fn}
}

// Err reports metadata that failed to parse, rules without metadata and
// metadata without a rule.
func (b *Builder) Err() error {
	if b.err != nil {
		return b.err
	}
	var unused []string
	for id := range b.metas {
		if !b.used[id] {
			unused = append(unused, id)
		}
	}
	slices.Sort(unused)
	if len(unused) > 0 {
		return fmt.Errorf("rule metadata without a rule: %v", unused)
	}
	return nil
}

// New builds a finding for rule id.
func New(id string, o Outcome, loc evidence.Location, format string, args ...any) Finding {
	return Finding{Rule: id, Outcome: o, Location: loc, Message: fmt.Sprintf(format, args...)}
}
