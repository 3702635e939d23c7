// Package framework holds other frameworks (NIST SSDF, the EU Cyber
// Resilience Act's Annex I, the OpenSSF OSPS Baseline) as views over the
// same evidence that decides the UK Code of Practice claims. Each framework
// is versioned data, embedded in the binary: its groups, its controls, and
// for each control the UK claims and the rules that decide it, marked as
// published by the framework's owner or as Assay's own judgement.
//
// A control's status derives from what it maps to: it is met when every
// deciding claim is met and its deciding rules hold, not met on an observed
// violation or a not-met claim, and unknown otherwise, with the reason. A
// control that nothing maps to is unknown: no evidence maps to it.
//
// The package is pure: [View] reads the evaluated claims and the rule
// findings, nothing else.
package framework

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/catalog"
	"github.com/assaysec/assay/internal/mapping"
)

//go:embed data/*.yaml
var files embed.FS

// UK is the id of the UK Code of Practice, the report's main body. It is a
// valid --framework value but has no view of its own.
const UK = "uk-sscop"

// Sources of a mapping.
const (
	SourcePublished = catalog.SourcePublished
	SourceOurs      = catalog.SourceOurs
)

// Claim roles in a control: the mapping's roles.
const (
	RoleAll        = mapping.RoleAll
	RoleAny        = mapping.RoleAny
	RoleBlocks     = mapping.RoleBlocks
	RoleSupporting = mapping.RoleSupporting
)

// Framework is one framework version with its mapping.
type Framework struct {
	Meta     Meta      `yaml:"framework" json:"framework"`
	Groups   []Group   `yaml:"groups" json:"groups"`
	Controls []Control `yaml:"controls" json:"controls"`
}

// Meta identifies a framework and its mapping.
type Meta struct {
	ID        string `yaml:"id" json:"id"`
	Version   string `yaml:"version" json:"version"`
	Title     string `yaml:"title" json:"title"`
	Publisher string `yaml:"publisher" json:"publisher"`
	URL       string `yaml:"url" json:"url,omitempty"`
	// Crosswalk names the catalog crosswalk the controls inherit claim
	// links from (a control inherits its own entry and its group's).
	Crosswalk string `yaml:"crosswalk,omitempty" json:"crosswalk,omitempty"`
	// Source is who made the file's mapping: published or ours. Inherited
	// crosswalk links carry the crosswalk's source.
	Source string `yaml:"source" json:"source"`
	Note   string `yaml:"note,omitempty" json:"note,omitempty"`
}

// Group is a family, practice or part; Parent nests it.
type Group struct {
	ID     string `yaml:"id" json:"id"`
	Parent string `yaml:"parent,omitempty" json:"parent,omitempty"`
	Title  string `yaml:"title" json:"title"`
}

// Rules are the rules a control names, by role: the claim mapping's type,
// so a control and a claim read their rules the same way.
type Rules = mapping.Rules

// ClaimLink is a UK claim a control maps to and who made the link.
type ClaimLink struct {
	ID     string `json:"id"`
	Source string `json:"source"`
}

// Control is one control, practice task or requirement.
type Control struct {
	ID    string `yaml:"id" json:"id"`
	Group string `yaml:"group" json:"group"`
	Title string `yaml:"title" json:"title"`
	Level int    `yaml:"level,omitempty" json:"level,omitempty"`
	// Claims are UK claims Assay links to the control (source ours),
	// added to those inherited from the crosswalk.
	Claims []string `yaml:"claims,omitempty" json:"-"`
	// ClaimsRole is how the claims count: all (the default: each must be
	// met) or supporting (shown, never deciding; used where a rule observes
	// the control directly).
	ClaimsRole mapping.Role `yaml:"claims_role,omitempty" json:"claimsRole,omitempty"`
	Rules      Rules        `yaml:"rules,omitempty" json:"rules,omitzero"`
	// Absence is unknown (the default) or decisive: whether a deciding
	// rule that searched and found nothing makes the control not met.
	Absence string `yaml:"absence,omitempty" json:"absence,omitempty"`
	// Person is what a person must attest, when the control is about
	// something no file can show.
	Person string `yaml:"person,omitempty" json:"person,omitempty"`

	// Filled by the loader.
	Links      []ClaimLink `yaml:"-" json:"claims,omitempty"`
	Principles []string    `yaml:"-" json:"principles,omitempty"`
	Source     string      `yaml:"-" json:"source"`
}

// Deciding reports whether anything decides the control.
func (c *Control) Deciding() bool {
	return len(c.Rules.All)+len(c.Rules.Any)+len(c.Rules.Blocks) > 0 || (c.ClaimsRole != RoleSupporting && len(c.Links) > 0)
}

// Control returns the control with the given id.
func (f *Framework) Control(id string) (*Control, bool) {
	for i := range f.Controls {
		if f.Controls[i].ID == id {
			return &f.Controls[i], true
		}
	}
	return nil, false
}

// Group returns the group with the given id.
func (f *Framework) Group(id string) (*Group, bool) {
	for i := range f.Groups {
		if f.Groups[i].ID == id {
			return &f.Groups[i], true
		}
	}
	return nil, false
}

// Set is every embedded framework, in a fixed order.
type Set struct {
	list []*Framework
}

// IDs returns the framework ids a user may select, UK first.
func (s *Set) IDs() []string {
	out := []string{UK}
	for _, f := range s.list {
		out = append(out, f.Meta.ID)
	}
	return out
}

// All returns the frameworks other than the UK Code, in order.
func (s *Set) All() []*Framework { return s.list }

// Get returns the framework with id.
func (s *Set) Get(id string) (*Framework, bool) {
	for _, f := range s.list {
		if f.Meta.ID == id {
			return f, true
		}
	}
	return nil, false
}

// Find returns the framework and control for a control id, searched in
// every framework; "framework:control" names the framework explicitly.
func (s *Set) Find(id string) (*Framework, *Control, bool) {
	fw, ctl, qualified := strings.Cut(id, ":")
	for _, f := range s.list {
		if qualified && f.Meta.ID != fw {
			continue
		}
		want := id
		if qualified {
			want = ctl
		}
		if c, ok := f.Control(want); ok {
			return f, c, true
		}
	}
	return nil, nil, false
}

// order fixes the order frameworks are listed and reported in.
var order = []string{"ssdf", "cra-annex-i", "osps-baseline"}

var defaultSet = sync.OnceValues(func() (*Set, error) {
	cat, err := catalog.Default()
	if err != nil {
		return nil, err
	}
	return Load(cat)
})

// Default returns the embedded frameworks, loaded once against the embedded
// catalog. The result is shared and must not be modified.
func Default() (*Set, error) { return defaultSet() }

// Load parses every embedded framework and links it to the catalog.
func Load(cat *catalog.Catalog) (*Set, error) {
	names, err := fs.Glob(files, "data/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	s := &Set{}
	for _, name := range names {
		data, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		f, err := Parse(data, cat)
		if err != nil {
			return nil, fmt.Errorf("framework %s: %w", name, err)
		}
		if _, dup := s.Get(f.Meta.ID); dup {
			return nil, fmt.Errorf("framework %s: id %s defined twice", name, f.Meta.ID)
		}
		s.list = append(s.list, f)
	}
	slices.SortStableFunc(s.list, func(a, b *Framework) int {
		return slices.Index(order, a.Meta.ID) - slices.Index(order, b.Meta.ID)
	})
	return s, nil
}

// Parse decodes one framework strictly, inherits crosswalk links from the
// catalog and validates it.
func Parse(data []byte, cat *catalog.Catalog) (*Framework, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f Framework
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty document")
		}
		return nil, err
	}
	if err := f.link(cat); err != nil {
		return nil, err
	}
	if err := f.validate(cat); err != nil {
		return nil, err
	}
	return &f, nil
}

func (f *Framework) link(cat *catalog.Catalog) error {
	var xw *catalog.Crosswalk
	if f.Meta.Crosswalk != "" {
		for i := range cat.Crosswalks {
			if cat.Crosswalks[i].ID == f.Meta.Crosswalk {
				xw = &cat.Crosswalks[i]
			}
		}
		if xw == nil {
			return fmt.Errorf("crosswalk %q not in the catalog", f.Meta.Crosswalk)
		}
	}
	for i := range f.Controls {
		c := &f.Controls[i]
		c.Source = f.Meta.Source
		add := func(id, source string) {
			if !slices.ContainsFunc(c.Links, func(l ClaimLink) bool { return l.ID == id }) {
				c.Links = append(c.Links, ClaimLink{ID: id, Source: source})
			}
		}
		if xw != nil {
			for _, ref := range []string{c.ID, c.Group, parentRef(c.ID)} {
				for _, e := range xw.Entries {
					if e.Ref() != ref {
						continue
					}
					for _, id := range e.Claims {
						add(id, xw.Source)
					}
					for _, p := range e.Principles {
						if !slices.Contains(c.Principles, p) {
							c.Principles = append(c.Principles, p)
						}
					}
				}
			}
		}
		for _, id := range c.Claims {
			add(id, SourceOurs)
		}
		// A control decided by Assay's own rules, or by claims Assay
		// linked, rests on Assay's judgement.
		if len(c.Rules.All)+len(c.Rules.Any)+len(c.Rules.Blocks) > 0 || len(c.Claims) > 0 {
			c.Source = SourceOurs
		} else if len(c.Links) > 0 && xw != nil {
			c.Source = xw.Source
		}
	}
	return nil
}

// parentRef is "PO.1" for "PO.1.1" and "OSPS-AC-01" for "OSPS-AC-01.01".
func parentRef(id string) string {
	if i := strings.LastIndex(id, "."); i > 0 {
		return id[:i]
	}
	return ""
}

func (f *Framework) validate(cat *catalog.Catalog) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	m := f.Meta
	for _, fld := range []struct{ name, val string }{{"id", m.ID}, {"version", m.Version}, {"title", m.Title}, {"publisher", m.Publisher}} {
		if strings.TrimSpace(fld.val) == "" {
			bad("framework.%s is empty", fld.name)
		}
	}
	if m.ID == UK {
		bad("framework id %s is the catalog's own", UK)
	}
	if m.Source != SourcePublished && m.Source != SourceOurs {
		bad("framework.source %q: want published or ours", m.Source)
	}
	groups := map[string]bool{}
	for _, g := range f.Groups {
		if g.ID == "" || strings.TrimSpace(g.Title) == "" {
			bad("group %q: id and title are required", g.ID)
		}
		if groups[g.ID] {
			bad("group %s: duplicate id", g.ID)
		}
		if g.Parent != "" && !groups[g.Parent] {
			bad("group %s: parent %q not defined before it", g.ID, g.Parent)
		}
		groups[g.ID] = true
	}
	seen := map[string]bool{}
	for _, c := range f.Controls {
		if c.ID == "" || strings.TrimSpace(c.Title) == "" {
			bad("control %q: id and title are required", c.ID)
		}
		if strings.Contains(c.ID, ":") {
			bad("control %s: id must not contain ':'", c.ID)
		}
		if seen[c.ID] {
			bad("control %s: appears more than once", c.ID)
		}
		seen[c.ID] = true
		if !groups[c.Group] {
			bad("control %s: unknown group %q", c.ID, c.Group)
		}
		if c.Level < 0 || c.Level > 3 {
			bad("control %s: level %d: want 1 to 3", c.ID, c.Level)
		}
		switch c.ClaimsRole {
		case "", RoleAll, RoleSupporting:
		default:
			bad("control %s: claims_role %q: want all or supporting", c.ID, c.ClaimsRole)
		}
		switch c.Absence {
		case "", "unknown", "decisive":
		default:
			bad("control %s: absence %q: want unknown or decisive", c.ID, c.Absence)
		}
		for _, l := range c.Links {
			if _, ok := cat.Claim(l.ID); !ok {
				bad("control %s: unknown claim %q", c.ID, l.ID)
			}
		}
		ids := slices.Concat(c.Rules.All, c.Rules.Any, c.Rules.Blocks, c.Rules.Supporting)
		for i, id := range ids {
			if slices.Contains(ids[:i], id) {
				bad("control %s: rule %s listed twice", c.ID, id)
			}
		}
	}
	return errors.Join(errs...)
}
