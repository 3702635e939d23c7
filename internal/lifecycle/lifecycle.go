// Package lifecycle reads support lifecycles: the release_lines of
// assay.yaml, OpenEoX documents and endoflife.date-style product files. It
// parses; it does not judge.
package lifecycle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/limits"
)

// Line is one release line and its dates. Zero times mean "not given".
type Line struct {
	Version              string
	Released             time.Time
	EndOfSecuritySupport time.Time
	EndOfLife            time.Time
	Announced            time.Time
	TBA                  bool
	Line                 int // line in the source file, when known
}

// Format names a lifecycle file format.
type Format string

// Formats.
const (
	FormatAssay      Format = "assay.yaml"
	FormatOpenEoX    Format = "OpenEoX"
	FormatEndOfLife  Format = "endoflife.date"
	maxLines                = 1000
	maxLifecycleSize        = 1 << 20
)

// Parse reads a lifecycle file, choosing the format from its content:
// assay.yaml (release_lines), OpenEoX JSON ($schema or end_of_life at the
// top level), or endoflife.date (a JSON release list, or YAML / Markdown
// front matter with releases).
func Parse(name string, data []byte) (Format, []Line, error) {
	if len(data) > maxLifecycleSize {
		return "", nil, fmt.Errorf("%s: %d bytes; the limit is %d", name, len(data), maxLifecycleSize)
	}
	trimmed := bytes.TrimSpace(data)
	switch {
	case bytes.HasPrefix(trimmed, []byte("{")):
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(trimmed, &probe); err != nil {
			return FormatOpenEoX, nil, fmt.Errorf("%s: %w", name, err)
		}
		if _, ok := probe["releases"]; ok {
			lines, err := parseEndOfLifeJSON(probe["releases"])
			return FormatEndOfLife, lines, wrap(name, err)
		}
		lines, err := parseOpenEoX(trimmed)
		return FormatOpenEoX, lines, wrap(name, err)
	case bytes.HasPrefix(trimmed, []byte("[")):
		lines, err := parseEndOfLifeJSON(trimmed)
		return FormatEndOfLife, lines, wrap(name, err)
	}
	body := trimmed
	if bytes.HasPrefix(body, []byte("---")) {
		rest := body[3:]
		if end := bytes.Index(rest, []byte("\n---")); end >= 0 {
			body = rest[:end]
		}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(body, &root); err != nil {
		return FormatEndOfLife, nil, wrap(name, err)
	}
	if err := checkYAML(&root, 0); err != nil {
		return FormatEndOfLife, nil, wrap(name, err)
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return FormatEndOfLife, nil, fmt.Errorf("%s: want a mapping with release_lines or releases", name)
	}
	m := root.Content[0]
	if n := value(m, "release_lines"); n != nil {
		lines, err := parseAssay(n)
		return FormatAssay, lines, wrap(name, err)
	}
	if n := value(m, "releases"); n != nil {
		lines, err := parseEndOfLifeYAML(n)
		return FormatEndOfLife, lines, wrap(name, err)
	}
	return FormatEndOfLife, nil, fmt.Errorf("%s: no release_lines or releases found", name)
}

func wrap(name string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", name, err)
}

func checkYAML(n *yaml.Node, depth int) error {
	if depth > limits.MaxYAMLDepth {
		return errors.New("nested too deeply")
	}
	aliases := 0
	var walk func(*yaml.Node, int) error
	walk = func(n *yaml.Node, d int) error {
		if d > limits.MaxYAMLDepth {
			return errors.New("nested too deeply")
		}
		if n.Kind == yaml.AliasNode {
			aliases++
			if aliases > limits.MaxYAMLAliases {
				return errors.New("too many YAML aliases")
			}
			return nil // an alias is not expanded: its target is walked where it is defined
		}
		for _, c := range n.Content {
			if err := walk(c, d+1); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(n, depth)
}

func value(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := m.Content[i+1]
			if v.Kind == yaml.AliasNode {
				return nil // lifecycle data written with aliases is refused
			}
			return v
		}
	}
	return nil
}

func parseAssay(seq *yaml.Node) ([]Line, error) {
	if seq.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("line %d: release_lines: want a list", seq.Line)
	}
	var out []Line
	for _, el := range seq.Content {
		if len(out) >= maxLines {
			return out, fmt.Errorf("more than %d release lines", maxLines)
		}
		if el.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("line %d: release line: want a mapping", el.Line)
		}
		l := Line{Version: scalar(value(el, "version")), Line: el.Line}
		var err error
		for key, dst := range map[string]*time.Time{"released": &l.Released, "end_of_security_support": &l.EndOfSecuritySupport, "end_of_life": &l.EndOfLife, "announced": &l.Announced} {
			v := scalar(value(el, key))
			if v == "" {
				continue
			}
			if *dst, err = parseTime(v); err != nil {
				return nil, fmt.Errorf("line %d: %s: %w", el.Line, key, err)
			}
		}
		out = append(out, l)
	}
	return out, nil
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// parseTime accepts a date, an RFC 3339 time (with fractional seconds and
// any offset, as OpenEoX allows) and returns it in UTC.
func parseTime(v string) (time.Time, error) {
	for _, layout := range []string{time.DateOnly, time.RFC3339Nano} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("want a date YYYY-MM-DD or an RFC 3339 time; got %q", v)
}

// openEoX is the OpenEoX core document (oasis-tcs/openeox core.json).
type openEoX struct {
	Schema               string `json:"$schema"`
	EndOfLife            string `json:"end_of_life"`
	EndOfSecuritySupport string `json:"end_of_security_support"`
	EndOfSales           string `json:"end_of_sales"`
	LastUpdated          string `json:"last_updated"`
}

func parseOpenEoX(data []byte) ([]Line, error) {
	var d openEoX
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, err
	}
	if d.EndOfLife == "" && d.EndOfSecuritySupport == "" {
		return nil, errors.New("OpenEoX: end_of_life and end_of_security_support are both missing")
	}
	l := Line{Version: "*"}
	var err error
	for key, pair := range map[string]struct {
		v   string
		dst *time.Time
	}{"end_of_life": {d.EndOfLife, &l.EndOfLife}, "end_of_security_support": {d.EndOfSecuritySupport, &l.EndOfSecuritySupport}} {
		switch pair.v {
		case "":
		case "tba":
			l.TBA = true
		default:
			if *pair.dst, err = parseTime(pair.v); err != nil {
				return nil, fmt.Errorf("OpenEoX %s: %w", key, err)
			}
		}
	}
	if d.LastUpdated != "" {
		if _, err := parseTime(d.LastUpdated); err != nil {
			return nil, fmt.Errorf("OpenEoX last_updated: %w", err)
		}
	}
	return []Line{l}, nil
}

// eolDate is an endoflife.date field: a date, true/false, or absent.
type eolDate struct {
	t   time.Time
	set bool // true or a date
}

func parseEOLValue(v string) (eolDate, error) {
	switch strings.ToLower(v) {
	case "", "false":
		return eolDate{}, nil
	case "true":
		return eolDate{set: true}, nil
	}
	t, err := parseTime(v)
	return eolDate{t: t, set: err == nil}, err
}

type eolRelease struct {
	Cycle       string
	ReleaseDate string
	EOL         string
	Support     string
	Line        int
}

func (r eolRelease) line() (Line, error) {
	l := Line{Version: r.Cycle, Line: r.Line}
	if r.Cycle == "" {
		return l, errors.New("release without a cycle (releaseCycle)")
	}
	var err error
	if r.ReleaseDate != "" {
		if l.Released, err = parseTime(r.ReleaseDate); err != nil {
			return l, fmt.Errorf("release %s releaseDate: %w", r.Cycle, err)
		}
	}
	eol, err := parseEOLValue(r.EOL)
	if err != nil {
		return l, fmt.Errorf("release %s eol: %w", r.Cycle, err)
	}
	l.EndOfLife = eol.t
	// endoflife.date's "eol" is the end of security support; "support" is
	// the end of active (bug fix) support.
	l.EndOfSecuritySupport = eol.t
	if eol.set && eol.t.IsZero() {
		// eol: true without a date: already ended, date unknown.
		l.TBA = false
	}
	return l, nil
}

func parseEndOfLifeYAML(seq *yaml.Node) ([]Line, error) {
	if seq.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("line %d: releases: want a list", seq.Line)
	}
	var out []Line
	for _, el := range seq.Content {
		if len(out) >= maxLines {
			return out, fmt.Errorf("more than %d releases", maxLines)
		}
		if el.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("line %d: release: want a mapping", el.Line)
		}
		r := eolRelease{Cycle: scalar(value(el, "releaseCycle")), ReleaseDate: scalar(value(el, "releaseDate")),
			EOL: scalar(value(el, "eol")), Support: scalar(value(el, "support")), Line: el.Line}
		l, err := r.line()
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", el.Line, err)
		}
		out = append(out, l)
	}
	return out, nil
}

func parseEndOfLifeJSON(data []byte) ([]Line, error) {
	var raw []map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	if len(raw) > maxLines {
		return nil, fmt.Errorf("more than %d releases", maxLines)
	}
	str := func(m map[string]any, keys ...string) string {
		for _, k := range keys {
			switch v := m[k].(type) {
			case string:
				return v
			case bool:
				return fmt.Sprint(v)
			case float64:
				return fmt.Sprint(v)
			}
		}
		return ""
	}
	var out []Line
	for i, m := range raw {
		r := eolRelease{Cycle: str(m, "cycle", "releaseCycle", "name"), ReleaseDate: str(m, "releaseDate"), EOL: str(m, "eol", "eolFrom"), Support: str(m, "support")}
		l, err := r.line()
		if err != nil {
			return nil, fmt.Errorf("release %d: %w", i+1, err)
		}
		out = append(out, l)
	}
	return out, nil
}
