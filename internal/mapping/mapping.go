// Package mapping says which rules support which Code of Practice claim. It
// is data, one embedded YAML file per evidence area, so rules stay
// framework-agnostic and the same rules could be mapped to another framework.
//
// Each entry names a claim and three groups of rules:
//
//	all:        every rule must hold; one false makes the claim not met
//	any:        alternatives; one true is enough, all false makes it not met
//	blocks:     guards; an observed violation makes the claim not met
//	            whatever else holds, an absence or a true answer is ignored
//	supporting: shown as evidence, never decides the status
//
// Whether an absence (a false answer that rests on no signal, not on a
// violation) is decisive is the claim's decision, kept in the catalog.
package mapping

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/report"
)

//go:embed data/*.yaml
var files embed.FS

// Entry is one claim's rules from one area file.
type Entry struct {
	Claim      string   `yaml:"claim"`
	All        []string `yaml:"all"`
	Any        []string `yaml:"any"`
	Blocks     []string `yaml:"blocks"`
	Supporting []string `yaml:"supporting"`
}

// Rules is every rule mapped to one claim, merged across areas.
type Rules struct {
	All        []string `yaml:"all,omitempty" json:"all,omitempty"`
	Any        []string `yaml:"any,omitempty" json:"any,omitempty"`
	Blocks     []string `yaml:"blocks,omitempty" json:"blocks,omitempty"`
	Supporting []string `yaml:"supporting,omitempty" json:"supporting,omitempty"`
}

// Clone returns a copy whose slices can be appended to independently.
func (r Rules) Clone() Rules {
	return Rules{All: slices.Clone(r.All), Any: slices.Clone(r.Any), Blocks: slices.Clone(r.Blocks), Supporting: slices.Clone(r.Supporting)}
}

// IDs returns every rule id once, in all, any, blocks, supporting order.
func (r Rules) IDs() []string {
	var out []string
	for _, id := range slices.Concat(r.All, r.Any, r.Blocks, r.Supporting) {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// Guards reports whether a rule's violation blocks the claim, whatever
// other role it has.
func (r Rules) Guards(rule string) bool { return slices.Contains(r.Blocks, rule) }

// Deciding reports whether any rule can decide the claim (all, any or
// blocks).
func (r Rules) Deciding() int { return len(r.All) + len(r.Any) + len(r.Blocks) }

// Role is how a rule supports a claim: the group it is listed in. It is
// the report's vocabulary, so a role reaches the report unconverted.
type Role = report.Role

// Roles, one per group of an entry.
const (
	RoleAll        = report.RoleAll
	RoleAny        = report.RoleAny
	RoleBlocks     = report.RoleBlocks
	RoleSupporting = report.RoleSupporting
)

// Role returns how a rule supports the claim, or "" when it does not. A
// rule that both decides and guards the claim has its deciding role.
func (r Rules) Role(rule string) Role {
	switch {
	case slices.Contains(r.All, rule):
		return RoleAll
	case slices.Contains(r.Any, rule):
		return RoleAny
	case slices.Contains(r.Blocks, rule):
		return RoleBlocks
	case slices.Contains(r.Supporting, rule):
		return RoleSupporting
	}
	return ""
}

// Mapping is the merged rule-to-claim table.
type Mapping struct {
	claims map[string]*Rules
	rules  map[string][]string // rule -> claims
	source map[string]string   // rule -> area file (first seen)
}

// Load parses every embedded area file.
func Load() (*Mapping, error) {
	names, err := fs.Glob(files, "data/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	m := &Mapping{claims: map[string]*Rules{}, rules: map[string][]string{}, source: map[string]string{}}
	for _, name := range names {
		data, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		if err := m.add(name, data); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Parse builds a mapping from area files given as name -> YAML, for tests.
func Parse(areas map[string][]byte) (*Mapping, error) {
	m := &Mapping{claims: map[string]*Rules{}, rules: map[string][]string{}, source: map[string]string{}}
	names := make([]string, 0, len(areas))
	for n := range areas {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := m.add(n, areas[n]); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Mapping) add(name string, data []byte) error {
	var entries []Entry
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&entries); err != nil {
		return fmt.Errorf("parse mapping %s: %w", name, err)
	}
	for _, e := range entries {
		if e.Claim == "" {
			return fmt.Errorf("mapping %s: entry without a claim", name)
		}
		r := m.claims[e.Claim]
		if r == nil {
			r = &Rules{}
			m.claims[e.Claim] = r
		}
		for _, group := range []struct {
			ids []string
			dst *[]string
		}{{e.All, &r.All}, {e.Any, &r.Any}, {e.Blocks, &r.Blocks}, {e.Supporting, &r.Supporting}} {
			for _, id := range group.ids {
				// A rule may both decide (all or any) and guard (blocks) one
				// claim: a given artefact that verifies makes 3.1.1 met, one
				// that fails makes it not met whatever else holds.
				if role := r.Role(id); role != "" && !(group.dst == &r.Blocks && role != RoleSupporting && !slices.Contains(r.Blocks, id)) {
					return fmt.Errorf("mapping %s: rule %s mapped to claim %s twice", name, id, e.Claim)
				}
				*group.dst = append(*group.dst, id)
				if !slices.Contains(m.rules[id], e.Claim) {
					m.rules[id] = append(m.rules[id], e.Claim)
				}
				if _, ok := m.source[id]; !ok {
					m.source[id] = name
				}
			}
		}
	}
	return nil
}

// Add merges entries from another source (custom rules) into the mapping,
// under the same checks as the embedded area files.
func (m *Mapping) Add(name string, entries []Entry) error {
	data, err := yaml.Marshal(entries)
	if err != nil {
		return fmt.Errorf("mapping %s: %w", name, err)
	}
	return m.add(name, data)
}

// Claim returns the rules mapped to a claim.
func (m *Mapping) Claim(id string) Rules {
	if r := m.claims[id]; r != nil {
		return *r
	}
	return Rules{}
}

// ClaimsOf returns the claims a rule supports, sorted.
func (m *Mapping) ClaimsOf(rule string) []string {
	out := slices.Clone(m.rules[rule])
	slices.Sort(out)
	return out
}

// RuleIDs returns every mapped rule id, sorted.
func (m *Mapping) RuleIDs() []string {
	out := make([]string, 0, len(m.rules))
	for id := range m.rules {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// ClaimIDs returns every claim with at least one rule, sorted.
func (m *Mapping) ClaimIDs() []string {
	out := make([]string, 0, len(m.claims))
	for id := range m.claims {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}
