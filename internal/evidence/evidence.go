// Package evidence defines the facts collectors gather about a product and
// where each came from. Evidence is never a judgement: "SECURITY.md names
// security@example.com on line 12" is evidence; "the disclosure policy is
// adequate" is a rule's finding. This package holds data only, no logic that
// reads files or decides statuses.
package evidence

import (
	"slices"
	"sync"
	"time"
)

// Kind names one type of fact. Rules declare the kinds they need, collectors
// the kinds they produce, so the engine can tell a rule that its evidence
// could not be gathered instead of letting it judge an empty set.
type Kind string

// Fact is one typed piece of evidence. Each concrete fact type lives in this
// package, one file per area, and reports its Kind.
type Fact interface {
	Kind() Kind
}

// Location points at where a fact was observed: a file and line in the
// repository, a commit, or a URL.
type Location struct {
	Path   string `json:"path,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	Commit string `json:"commit,omitempty"`
	URL    string `json:"url,omitempty"`
}

// IsZero reports whether the location points nowhere.
func (l Location) IsZero() bool { return l == Location{} }

// Provenance records which collector observed a fact, where and when.
type Provenance struct {
	Collector   string    `json:"collector"`
	Location    Location  `json:"location"`
	Digest      string    `json:"digest,omitempty"` // "sha256:<hex>" of the source bytes, when read from a file
	CollectedAt time.Time `json:"collectedAt"`
}

// Record is a fact with its provenance.
type Record struct {
	Fact       Fact
	Provenance Provenance
}

// Item is a fact of a known type with its provenance, as returned by Facts.
type Item[T Fact] struct {
	Fact       T
	Provenance Provenance
}

// Set is the evidence gathered in one assessment, in collection order.
type Set struct {
	records []Record
	// view, when set, makes this a view restricted to some kinds: see
	// Restrict.
	view *readScope
}

// readScope is the kinds a view may read and the undeclared kinds it was
// asked for.
type readScope struct {
	allowed    map[Kind]bool
	mu         sync.Mutex
	undeclared []Kind
}

// Restrict returns a view of s that holds only facts of the given kinds
// (and the assessment context, which every rule may read). Reading another
// kind through the view returns nothing and is recorded: Undeclared lists
// those kinds, so a rule that reads evidence it did not declare is caught
// in tests instead of judging a partial set when a collector fails.
func (s *Set) Restrict(kinds []Kind) *Set {
	sc := &readScope{allowed: map[Kind]bool{KindAssessment: true}}
	for _, k := range kinds {
		sc.allowed[k] = true
	}
	v := &Set{view: sc}
	for _, r := range s.Records() {
		if sc.allowed[r.Fact.Kind()] {
			v.records = append(v.records, r)
		}
	}
	return v
}

// Undeclared lists the kinds read through a restricted view that it does
// not hold, in the order first asked; nil for an unrestricted set.
func (s *Set) Undeclared() []Kind {
	if s == nil || s.view == nil {
		return nil
	}
	s.view.mu.Lock()
	defer s.view.mu.Unlock()
	return slices.Clone(s.view.undeclared)
}

// allows reports whether facts of kind k may be read, recording the read
// when they may not.
func (s *Set) allows(k Kind) bool {
	if s.view == nil || s.view.allowed[k] {
		return true
	}
	s.view.mu.Lock()
	defer s.view.mu.Unlock()
	if !slices.Contains(s.view.undeclared, k) {
		s.view.undeclared = append(s.view.undeclared, k)
	}
	return false
}

// NewSet returns a set holding records.
func NewSet(records ...Record) *Set {
	return &Set{records: slices.Clone(records)}
}

// Add appends records to the set.
func (s *Set) Add(records ...Record) {
	s.records = append(s.records, records...)
}

// Records returns every record, in collection order.
func (s *Set) Records() []Record {
	if s == nil {
		return nil
	}
	return s.records
}

// Len returns the number of records.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.records)
}

// Facts returns every fact of type T in the set, in collection order.
func Facts[T Fact](s *Set) []Item[T] {
	if s == nil {
		return nil
	}
	var zero T
	if !s.allows(zero.Kind()) {
		return nil
	}
	var out []Item[T]
	for _, r := range s.records {
		if f, ok := r.Fact.(T); ok {
			out = append(out, Item[T]{Fact: f, Provenance: r.Provenance})
		}
	}
	return out
}

// First returns the first fact of type T and whether there was one.
func First[T Fact](s *Set) (Item[T], bool) {
	if s == nil {
		return Item[T]{}, false
	}
	var zero T
	if !s.allows(zero.Kind()) {
		return Item[T]{}, false
	}
	for _, r := range s.records {
		if f, ok := r.Fact.(T); ok {
			return Item[T]{Fact: f, Provenance: r.Provenance}, true
		}
	}
	return Item[T]{}, false
}

// KindAssessment is the fact describing the assessment itself.
const KindAssessment Kind = "assessment/context"

// Assessment carries the assessment time into the evidence, so that rules
// judging dates (expiry, age, notice) stay pure functions of the evidence and
// never read the clock. The engine adds exactly one before rules run.
type Assessment struct {
	Now time.Time
}

// Kind implements Fact.
func (Assessment) Kind() Kind { return KindAssessment }

// Now returns the assessment time recorded in s, or the zero time.
func Now(s *Set) time.Time {
	if a, ok := First[Assessment](s); ok {
		return a.Fact.Now
	}
	return time.Time{}
}
