package config

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/scope"
)

// Scope is the optional scope section: which parts of the repository are
// not the product (scope.exclude) and which default exclusions are (scope.include).
// See internal/scope for the defaults and the glob syntax.
type Scope struct {
	Exclude []Glob `yaml:"exclude"`
	Include []Glob `yaml:"include"`
	Pos     Pos    `yaml:"-"`
}

// Glob is one path glob of the scope section, with its position.
type Glob struct {
	Pattern string
	Pos     Pos
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (g *Glob) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &Error{Line: n.Line, Column: n.Column, Msg: "want a path glob such as extras/ or **/bench"}
	}
	g.Pattern, g.Pos = n.Value, Pos{Line: n.Line, Column: n.Column}
	return nil
}

func (s Scope) validate(add func(p Pos, field, format string, args ...any)) {
	for name, list := range map[string][]Glob{"scope.exclude": s.Exclude, "scope.include": s.Include} {
		for i, g := range list {
			if err := scope.Validate(g.Pattern); err != nil {
				add(g.Pos, fmt.Sprintf("%s[%d]", name, i), "%v", err)
			}
		}
	}
}

// ProductScope returns the scope the declaration describes: the defaults,
// adjusted by scope.exclude and scope.include.
func (c *Config) ProductScope() *scope.Scope {
	if c == nil {
		return scope.New(nil, nil)
	}
	conv := func(list []Glob, reason string) []scope.Pattern {
		var out []scope.Pattern
		for _, g := range list {
			src := FileName
			if c.File != "" {
				src = c.File
			}
			out = append(out, scope.Pattern{Glob: g.Pattern, Reason: reason, Source: fmt.Sprintf("%s:%d", src, g.Pos.Line)})
		}
		return out
	}
	return scope.New(conv(c.Scope.Exclude, scope.ReasonDeclared), conv(c.Scope.Include, "included by scope.include"))
}
