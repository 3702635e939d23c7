// Package securityinsights reads OpenSSF Security Insights files
// (SECURITY-INSIGHTS.yml / security-insights.yml), schema versions 1.0.0 and
// 2.x, and extracts what matters for vulnerability disclosure: whether the
// project accepts reports, where and how to report, bug bounty, and where
// releases are distributed.
//
// Field names follow the real files and the published schemas:
//
//	v1.0.0: vulnerability-reporting.{accepts-vulnerability-reports, email-contact,
//	        security-policy, bug-bounty-available, bug-bounty-url, pgp-key,
//	        in-scope, out-scope}; security-contacts[]; distribution-points[] (top level)
//	v2.x:   project.vulnerability-reporting.{reports-accepted, bug-bounty-available,
//	        bug-bounty-program, contact{name,email}, policy (2.2+) or
//	        security-policy (2.0/2.1), pgp-key, in-scope, out-of-scope};
//	        repository.release.distribution-points[]{uri,comment}
//
// Documents are decoded to yaml.Node trees so every value keeps its line.
// Input is hostile: alias use, nesting, list lengths and string lengths are
// capped, duplicate keys are rejected.
package securityinsights

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/textsafe"
)

// The reader produces evidence's vocabulary directly: the fact is defined
// once, where rules read it.
type (
	Document  = evidence.InsightsDocument
	Reporting = evidence.InsightsReporting
	Link      = evidence.InsightsLink
	Problem   = evidence.InsightsProblem
)

// ParseError is returned by Parse for documents that cannot be read. Line is
// 1-based; 0 only when no position is known.
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Limits.
const (
	// MaxAliases is how many YAML aliases a document may use.
	MaxAliases = 10
	// MaxListItems caps stored list items (scope lists, distribution points).
	MaxListItems = 100
	// MaxStringLen caps a stored string value in bytes.
	MaxStringLen = 2048
	// MaxPGPKeyLen caps a stored pgp-key (an armoured key can be long).
	MaxPGPKeyLen = 16 << 10
	// MaxLines caps entries in Document.Lines.
	MaxLines = 10000
	// MaxProblems caps Document.Problems.
	MaxProblems = 200
	// maxPathLen caps a key path recorded in Document.Lines.
	maxPathLen = 512
)

var (
	versionRe   = lazyre.New(`^([0-9]+)\.([0-9]+)\.([0-9]+)$`)
	yamlErrLine = lazyre.New(`^yaml: line ([0-9]+): (.*)$`)
)

// Parse decodes a Security Insights document. It returns an error naming the
// line ("line 12: ...", a *ParseError) when the YAML is malformed, the
// document is not a single mapping, uses too many aliases, nests too deeply,
// repeats a key, or has a missing or unsupported header.schema-version.
func Parse(data []byte) (*Document, error) {
	if err := precheck(data); err != nil {
		return nil, err
	}
	root, err := decode(data)
	if err != nil {
		return nil, err
	}
	if root.Kind != yaml.MappingNode {
		return nil, &ParseError{Line: root.Line, Msg: "expected a mapping at the top level"}
	}
	d := &Document{Lines: map[string]int{}}
	w := &walker{d: d}
	if err := w.walk(root, "", true, 0); err != nil {
		return nil, err
	}

	_, hv := get(root, "header")
	if hv == nil {
		return nil, &ParseError{Line: root.Line, Msg: "missing header; expected header.schema-version"}
	}
	if hv.Kind != yaml.MappingNode {
		return nil, &ParseError{Line: hv.Line, Msg: "header is not a mapping; expected header.schema-version"}
	}
	sk, sv := get(hv, "schema-version")
	if sv == nil {
		return nil, &ParseError{Line: hv.Line, Msg: "missing header.schema-version; expected 1.0.0 or 2.x.y"}
	}
	if sv.Kind != yaml.ScalarNode {
		return nil, &ParseError{Line: sk.Line, Msg: "header.schema-version is not a string; expected 1.0.0 or 2.x.y"}
	}
	m := versionRe.FindStringSubmatch(sv.Value)
	if m == nil || (m[1] != "1" && m[1] != "2") || len(sv.Value) > 32 {
		return nil, &ParseError{Line: sv.Line, Msg: fmt.Sprintf("unsupported schema-version %q; expected 1.0.0 or 2.x.y", clip(sv.Value, 32))}
	}
	d.SchemaVersion = sv.Value
	d.Major, _ = strconv.Atoi(m[1])

	r := &reader{d: d}
	if d.Major == 1 {
		r.v1(root)
	} else {
		r.v2(root, hv)
	}
	return d, nil
}

// precheck reports, with their line, what the YAML library would reject
// without a position (invalid UTF-8, control characters) and line breaks
// other than LF and CRLF (lone CR, NEL, LS, PS): YAML counts those as new
// lines, which would make its line numbers disagree with every other tool.
func precheck(data []byte) error {
	line := 1
	for i := 0; i < len(data); {
		c := data[i]
		if c == '\n' {
			line++
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch {
			case c == '\r' && (i+1 == len(data) || data[i+1] != '\n'):
				return &ParseError{Line: line, Msg: "carriage return without line feed; expected lf or crlf line endings"}
			case (c < 0x20 && c != '\t' && c != '\r') || c == 0x7f:
				return &ParseError{Line: line, Msg: fmt.Sprintf("control character U+%04X; yaml allows only printable characters", c)}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return &ParseError{Line: line, Msg: "invalid utf-8; expected utf-8 encoded yaml"}
		case r == 0x85 || r == 0x2028 || r == 0x2029:
			return &ParseError{Line: line, Msg: fmt.Sprintf("line separator U+%04X; expected lf or crlf line endings", r)}
		case (r >= 0x80 && r <= 0x9f) || r == 0xfffe || r == 0xffff || (r == 0xfeff && i != 0):
			return &ParseError{Line: line, Msg: fmt.Sprintf("control character U+%04X; yaml allows only printable characters", r)}
		}
		i += size
	}
	return nil
}

// decode parses exactly one YAML document into a node tree.
func decode(data []byte) (root *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			root, err = nil, &ParseError{Msg: fmt.Sprintf("yaml parser failed: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ParseError{Line: 1, Msg: "empty document; expected a security insights mapping"}
		}
		return nil, yamlError(err, data)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, &ParseError{Line: extra.Line, Msg: "more than one yaml document; expected exactly one"}
	case !errors.Is(err, io.EOF):
		return nil, yamlError(err, data)
	}
	n := &doc
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil, &ParseError{Line: 1, Msg: "empty document; expected a security insights mapping"}
		}
		n = n.Content[0]
	}
	return n, nil
}

func yamlError(err error, data []byte) error {
	msg := err.Error()
	if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return &ParseError{Line: n, Msg: "malformed yaml: " + m[2]}
	}
	// No position from the parser: most such errors concern the end of input.
	return &ParseError{Line: countLines(data), Msg: "malformed yaml: " + strings.TrimPrefix(msg, "yaml: ")}
}

func countLines(data []byte) int {
	n := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n++
	}
	if n == 0 {
		n = 1
	}
	return n
}

// walker checks structure (depth, aliases, duplicate keys) and records lines.
type walker struct {
	d       *Document
	aliases int
}

// walk visits every node. Paths are built only while they are recorded:
// once Lines is full or a path grows past maxPathLen, children are still
// checked but no longer named, keeping allocation linear in the input.
func (w *walker) walk(n *yaml.Node, path string, record bool, depth int) error {
	if depth > limits.MaxYAMLDepth {
		return &ParseError{Line: n.Line, Msg: fmt.Sprintf("nesting deeper than %d levels", limits.MaxYAMLDepth)}
	}
	child := func(name string) (string, bool) {
		if !record || len(w.d.Lines) >= MaxLines {
			return "", false
		}
		p := join(path, name)
		if len(p) > maxPathLen {
			return "", false
		}
		return p, true
	}
	switch n.Kind {
	case yaml.AliasNode:
		if err := w.alias(n); err != nil {
			return err
		}
	case yaml.MappingNode:
		seen := make(map[string]int, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.AliasNode {
				if err := w.alias(k); err != nil {
					return err
				}
			}
			if k.Kind == yaml.ScalarNode {
				if first, dup := seen[k.Value]; dup {
					return &ParseError{Line: k.Line, Msg: fmt.Sprintf("duplicate key %q (first at line %d)", clip(k.Value, 64), first)}
				}
				seen[k.Value] = k.Line
			}
			p, rec := child(clip(k.Value, 128))
			if rec {
				w.line(p, k.Line)
			}
			if err := w.walk(v, p, rec, depth+1); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p, rec := child(strconv.Itoa(i))
			if rec {
				w.line(p, c.Line)
			}
			if err := w.walk(c, p, rec, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *walker) alias(n *yaml.Node) error {
	w.aliases++
	if w.aliases > MaxAliases {
		return &ParseError{Line: n.Line, Msg: fmt.Sprintf("more than %d yaml aliases; expected plain values", MaxAliases)}
	}
	return nil
}

func (w *walker) line(path string, line int) {
	if _, ok := w.d.Lines[path]; !ok {
		w.d.Lines[path] = line
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// resolve follows an alias to its anchored node.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 4; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

// get returns the key and (alias-resolved) value nodes for key in mapping m.
func get(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	m = resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return k, resolve(m.Content[i+1])
		}
	}
	return nil, nil
}

// reader extracts typed values, recording problems for wrong types.
type reader struct{ d *Document }

func (r *reader) problem(line int, format string, args ...any) {
	if len(r.d.Problems) < MaxProblems {
		r.d.Problems = append(r.d.Problems, Problem{Line: line, Message: fmt.Sprintf(format, args...)})
	}
}

func isNull(v *yaml.Node) bool {
	return v.Kind == yaml.ScalarNode && v.Tag == "!!null"
}

// str reads a scalar string; "" for absent or null values.
func (r *reader) str(m *yaml.Node, key, path string, max int) string {
	k, v := get(m, key)
	if v == nil || isNull(v) {
		return ""
	}
	if v.Kind != yaml.ScalarNode {
		r.problem(k.Line, "%s is not a string; expected a string", path)
		return ""
	}
	s := strings.TrimSpace(v.Value)
	if len(s) > max {
		r.problem(v.Line, "%s is longer than %d bytes; stored value truncated", path, max)
		s = clip(s, max)
	}
	return s
}

// boolean reads a YAML boolean; nil when absent or of the wrong type.
func (r *reader) boolean(m *yaml.Node, key, path string) *bool {
	k, v := get(m, key)
	if v == nil || isNull(v) {
		return nil
	}
	if v.Kind == yaml.ScalarNode && v.Tag == "!!bool" {
		switch strings.ToLower(v.Value) {
		case "true":
			b := true
			return &b
		case "false":
			b := false
			return &b
		}
	}
	r.problem(k.Line, "%s is %s; expected true or false", path, describe(v))
	return nil
}

func describe(v *yaml.Node) string {
	switch v.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", clip(v.Value, 32))
}

// strList reads a list of strings (a single string is accepted as a list of
// one, with a problem noted).
func (r *reader) strList(m *yaml.Node, key, path string) []string {
	k, v := get(m, key)
	if v == nil || isNull(v) {
		return nil
	}
	switch v.Kind {
	case yaml.ScalarNode:
		r.problem(k.Line, "%s is a string; expected a list of strings", path)
		return []string{clip(strings.TrimSpace(v.Value), MaxStringLen)}
	case yaml.SequenceNode:
	default:
		r.problem(k.Line, "%s is a mapping; expected a list of strings", path)
		return nil
	}
	var out []string
	for i, c := range v.Content {
		c = resolve(c)
		if c == nil || c.Kind != yaml.ScalarNode {
			line := v.Line
			if c != nil {
				line = c.Line
			}
			r.problem(line, "%s.%d is not a string; expected a string", path, i)
			continue
		}
		if len(out) >= MaxListItems {
			r.problem(c.Line, "%s has more than %d items; the rest are ignored", path, MaxListItems)
			break
		}
		out = append(out, clip(strings.TrimSpace(c.Value), MaxStringLen))
	}
	return out
}

func (r *reader) v1(root *yaml.Node) {
	d := r.d
	if k, vr := get(root, "vulnerability-reporting"); vr != nil && !isNull(vr) {
		rep := &d.Reporting
		rep.Present, rep.Line = true, k.Line
		if vr.Kind != yaml.MappingNode {
			r.problem(k.Line, "vulnerability-reporting is %s; expected a mapping", describe(vr))
		} else {
			const p = "vulnerability-reporting."
			rep.AcceptsReports = r.boolean(vr, "accepts-vulnerability-reports", p+"accepts-vulnerability-reports")
			if rep.AcceptsReports == nil {
				if kk, _ := get(vr, "accepts-vulnerability-reports"); kk == nil {
					r.problem(k.Line, "vulnerability-reporting has no accepts-vulnerability-reports; expected true or false")
				}
			}
			rep.BugBountyAvailable = r.boolean(vr, "bug-bounty-available", p+"bug-bounty-available")
			rep.BugBountyURL = r.str(vr, "bug-bounty-url", p+"bug-bounty-url", MaxStringLen)
			rep.Contact = r.str(vr, "email-contact", p+"email-contact", MaxStringLen)
			rep.PolicyURL = r.str(vr, "security-policy", p+"security-policy", MaxStringLen)
			if rep.PolicyURL != "" {
				rep.PolicySource = p + "security-policy"
			}
			rep.PGPKey = r.str(vr, "pgp-key", p+"pgp-key", MaxPGPKeyLen)
			rep.InScope = r.strList(vr, "in-scope", p+"in-scope")
			rep.OutOfScope = r.strList(vr, "out-scope", p+"out-scope")
			if rep.OutOfScope == nil {
				rep.OutOfScope = r.strList(vr, "out-of-scope", p+"out-of-scope")
			}
		}
	}
	if d.Reporting.Contact == "" {
		d.Reporting.Contact = r.v1SecurityContact(root)
	}
	// v1 distribution-points is a top-level list of URIs.
	if k, dp := get(root, "distribution-points"); dp != nil && !isNull(dp) {
		r.links(k, dp, "distribution-points")
	}
}

// v1SecurityContact picks a contact from v1 security-contacts[]: the first
// primary e-mail, else the first e-mail, else the first value.
func (r *reader) v1SecurityContact(root *yaml.Node) string {
	_, sc := get(root, "security-contacts")
	if sc == nil || sc.Kind != yaml.SequenceNode {
		return ""
	}
	var firstEmail, firstAny string
	for i, c := range sc.Content {
		if i >= MaxListItems {
			break
		}
		c = resolve(c)
		if c == nil || c.Kind != yaml.MappingNode {
			continue
		}
		path := "security-contacts." + strconv.Itoa(i)
		val := r.str(c, "value", path+".value", MaxStringLen)
		if val == "" {
			continue
		}
		typ := strings.ToLower(r.str(c, "type", path+".type", 64))
		primary := r.boolean(c, "primary", path+".primary")
		if typ == "email" {
			if primary != nil && *primary {
				return val
			}
			if firstEmail == "" {
				firstEmail = val
			}
		}
		if firstAny == "" {
			firstAny = val
		}
	}
	if firstEmail != "" {
		return firstEmail
	}
	return firstAny
}

func (r *reader) v2(root, header *yaml.Node) {
	d := r.d
	d.ProjectSource = r.str(header, "project-si-source", "header.project-si-source", MaxStringLen)
	_, proj := get(root, "project")
	if k, vr := get(proj, "vulnerability-reporting"); vr != nil && !isNull(vr) {
		rep := &d.Reporting
		rep.Present, rep.Line = true, k.Line
		if vr.Kind != yaml.MappingNode {
			r.problem(k.Line, "project.vulnerability-reporting is %s; expected a mapping", describe(vr))
		} else {
			const p = "project.vulnerability-reporting."
			rep.AcceptsReports = r.boolean(vr, "reports-accepted", p+"reports-accepted")
			if kk, _ := get(vr, "reports-accepted"); kk == nil {
				r.problem(k.Line, "project.vulnerability-reporting has no reports-accepted; expected true or false")
			}
			rep.BugBountyAvailable = r.boolean(vr, "bug-bounty-available", p+"bug-bounty-available")
			if kk, _ := get(vr, "bug-bounty-available"); kk == nil {
				r.problem(k.Line, "project.vulnerability-reporting has no bug-bounty-available; expected true or false")
			}
			rep.BugBountyURL = r.str(vr, "bug-bounty-program", p+"bug-bounty-program", MaxStringLen)
			if ck, c := get(vr, "contact"); c != nil && !isNull(c) {
				if c.Kind != yaml.MappingNode {
					r.problem(ck.Line, "%scontact is %s; expected a mapping with name and email", p, describe(c))
				} else {
					rep.ContactName = r.str(c, "name", p+"contact.name", MaxStringLen)
					rep.Contact = r.str(c, "email", p+"contact.email", MaxStringLen)
					if rep.Contact == "" {
						rep.Contact = rep.ContactName
					}
				}
			}
			// "policy" since 2.2.0; "security-policy" in 2.0.0 and 2.1.0.
			for _, key := range []string{"policy", "security-policy"} {
				if rep.PolicyURL = r.str(vr, key, p+key, MaxStringLen); rep.PolicyURL != "" {
					rep.PolicySource = p + key
					break
				}
			}
			rep.PGPKey = r.str(vr, "pgp-key", p+"pgp-key", MaxPGPKeyLen)
			rep.InScope = r.strList(vr, "in-scope", p+"in-scope")
			rep.OutOfScope = r.strList(vr, "out-of-scope", p+"out-of-scope")
		}
	}
	_, repo := get(root, "repository")
	if d.Reporting.PolicyURL == "" {
		_, doc := get(repo, "documentation")
		const p = "repository.documentation.security-policy"
		if d.Reporting.PolicyURL = r.str(doc, "security-policy", p, MaxStringLen); d.Reporting.PolicyURL != "" {
			d.Reporting.PolicySource = p
		}
	}
	_, rel := get(repo, "release")
	if k, dp := get(rel, "distribution-points"); dp != nil && !isNull(dp) {
		r.links(k, dp, "repository.release.distribution-points")
	}
}

// links reads a list of distribution points: strings (v1) or {uri, comment}
// mappings (v2); either form is accepted in both versions.
func (r *reader) links(k, seq *yaml.Node, path string) {
	if seq.Kind != yaml.SequenceNode {
		r.problem(k.Line, "%s is %s; expected a list", path, describe(seq))
		return
	}
	for i, c := range seq.Content {
		c = resolve(c)
		if c == nil {
			continue
		}
		if len(r.d.DistributionPoints) >= MaxListItems {
			r.problem(c.Line, "%s has more than %d items; the rest are ignored", path, MaxListItems)
			return
		}
		ip := path + "." + strconv.Itoa(i)
		switch c.Kind {
		case yaml.ScalarNode:
			if u := strings.TrimSpace(c.Value); u != "" && !isNull(c) {
				r.d.DistributionPoints = append(r.d.DistributionPoints, Link{URI: clip(u, MaxStringLen), Line: c.Line})
			}
		case yaml.MappingNode:
			uk, uv := get(c, "uri")
			u := r.str(c, "uri", ip+".uri", MaxStringLen)
			if u == "" {
				r.problem(c.Line, "%s has no uri; expected a uri", ip)
				continue
			}
			line := uk.Line
			if uv != nil {
				line = uv.Line
			}
			r.d.DistributionPoints = append(r.d.DistributionPoints, Link{
				URI:     u,
				Comment: r.str(c, "comment", ip+".comment", MaxStringLen),
				Line:    line,
			})
		default:
			r.problem(c.Line, "%s is a list; expected a uri", ip)
		}
	}
}

// clip cuts s to at most n bytes on a UTF-8 boundary.
func clip(s string, n int) string { return textsafe.Truncate(s, n) }
