package fix

import (
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/lazyre"
)

var sha40 = lazyre.New(`^[0-9a-f]{40}$`)

// Resolver returns the commit SHA a ref of an action repository
// (owner/repo) names; ok is false when it cannot tell.
type Resolver func(repo, ref string) (sha string, ok bool, err error)

// Pins is a pin file's table: "owner/repo@ref" -> commit SHA.
type Pins map[string]string

// maxPinFile bounds a pin file.
const maxPinFile = 1 << 20

// ParsePins reads a pin file: a YAML mapping of owner/repo@ref to a
// 40-hex commit SHA. A malformed entry is an error naming its line.
func ParsePins(p string, data []byte) (Pins, error) {
	if len(data) > maxPinFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", p, maxPinFile)
	}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	out := Pins{}
	if n.Kind == 0 {
		return out, nil
	}
	if len(n.Content) != 1 || n.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: want a mapping of owner/repo@ref: sha", p)
	}
	m := n.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		name, ref, ok := strings.Cut(k.Value, "@")
		if !ok || ref == "" || strings.Count(name, "/") < 1 {
			return nil, fmt.Errorf("%s:%d: key %q is not owner/repo@ref", p, k.Line, k.Value)
		}
		if !sha40.MatchString(v.Value) {
			return nil, fmt.Errorf("%s:%d: %q is not a 40-hex commit SHA", p, v.Line, v.Value)
		}
		out[strings.ToLower(repoOf(name))+"@"+ref] = v.Value
	}
	return out, nil
}

// Resolve looks a ref up in the table.
func (p Pins) Resolve(repo, ref string) (string, bool, error) {
	s, ok := p[strings.ToLower(repo)+"@"+ref]
	return s, ok, nil
}

// Chain tries resolvers in order.
func Chain(rs ...Resolver) Resolver {
	return func(repo, ref string) (string, bool, error) {
		for _, r := range rs {
			if r == nil {
				continue
			}
			s, ok, err := r(repo, ref)
			if err != nil || ok {
				return s, ok, err
			}
		}
		return "", false, nil
	}
}

// repoOf is owner/repo of an action name that may name a path inside it
// (github/codeql-action/init).
func repoOf(name string) string {
	parts := strings.SplitN(name, "/", 3)
	if len(parts) < 2 {
		return name
	}
	return parts[0] + "/" + parts[1]
}

// pinnable splits a uses: value into the action name and ref when it is a
// repository action not yet pinned to a full SHA.
func pinnable(uses string) (name, ref string, ok bool) {
	if uses == "" || strings.HasPrefix(uses, "./") || strings.HasPrefix(uses, "docker://") || strings.Contains(uses, "${{") {
		return "", "", false
	}
	name, ref, ok = strings.Cut(uses, "@")
	if !ok || ref == "" || sha40.MatchString(ref) || !strings.Contains(name, "/") {
		return "", "", false
	}
	// The SLSA generator's reusable workflows must be called by tag.
	if strings.HasPrefix(strings.ToLower(name), "slsa-framework/slsa-github-generator/.github/workflows/") {
		return "", "", false
	}
	return name, ref, true
}

// Pin rewrites uses: references (steps and reusable-workflow jobs) that
// name a tag or branch to the commit SHA the resolver gives, with the ref
// kept as a trailing comment (`@<sha> # v4`) so update bots keep bumping
// it. A line with a comment of its own keeps that comment. The notes name
// every reference that could not be resolved.
func Pin(p string, data []byte, resolve Resolver) (Change, bool, error) {
	d, err := parseDoc(data)
	if err != nil {
		return Change{}, false, fmt.Errorf("%s: %w", p, err)
	}
	var edits []edit
	unresolved := map[string][]int{}
	n := 0
	try := func(v *yaml.Node) error {
		if v == nil || v.Kind != yaml.ScalarNode {
			return nil
		}
		name, ref, ok := pinnable(v.Value)
		if !ok {
			return nil
		}
		sha, ok, err := resolve(repoOf(name), ref)
		if err != nil {
			return fmt.Errorf("%s:%d: resolve %s: %w", p, v.Line, v.Value, err)
		}
		if !ok || !sha40.MatchString(sha) {
			unresolved[v.Value] = append(unresolved[v.Value], v.Line)
			return nil
		}
		i := v.Line - 1
		l := d.lines[i]
		out, ok := pinnedLine(l, v, name, sha, ref)
		if !ok {
			// A value written across lines or with escapes; leave it.
			unresolved[v.Value] = append(unresolved[v.Value], v.Line)
			return nil
		}
		edits = append(edits, edit{after: i, replace: true, text: []string{out}})
		n++
		return nil
	}
	for _, j := range d.jobs() {
		_, u := get(j.node, "uses")
		if err := try(u); err != nil {
			return Change{}, false, err
		}
		for _, s := range steps(j.node) {
			_, u := get(s, "uses")
			if err := try(u); err != nil {
				return Change{}, false, err
			}
		}
	}
	var notes []string
	keys := make([]string, 0, len(unresolved))
	for k := range unresolved {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		notes = append(notes, fmt.Sprintf("could not resolve %s (line %s) to a commit SHA; add it to the pin file or run with --online", k, joinInts(unresolved[k])))
	}
	if len(edits) == 0 {
		return Change{Path: p, Notes: notes}, false, nil
	}
	return Change{Path: p, Old: data, New: d.apply(edits), Reason: fmt.Sprintf("%d action references followed a tag or branch; they are pinned to commit SHAs", n), Notes: notes}, true, nil
}

// pinnedLine rewrites line l so that the uses: value v names sha, keeping
// its quotes and comment, or adding the ref as a comment; false when the
// value is not on the line as written.
func pinnedLine(l string, v *yaml.Node, name, sha, ref string) (string, bool) {
	col := v.Column - 1
	at := strings.Index(l[col:], v.Value)
	if at < 0 {
		return "", false
	}
	at += col
	end := at + len(v.Value)
	rest := l[end:]
	body := strings.TrimRight(rest, "\r\n")
	eol := rest[len(body):]
	if v.Style == yaml.DoubleQuotedStyle || v.Style == yaml.SingleQuotedStyle {
		if len(body) > 0 {
			body = body[1:] // the closing quote, written back below
		}
	}
	quote := ""
	if v.Style == yaml.DoubleQuotedStyle {
		quote = `"`
	} else if v.Style == yaml.SingleQuotedStyle {
		quote = "'"
	}
	out := l[:at] + name + "@" + sha + quote
	if strings.Contains(body, "#") {
		out += body + eol
	} else {
		out += strings.TrimRight(body, " \t") + " # " + ref + eol
	}
	return out, true
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

// PinFile is where a repository keeps its pins.
const PinFile = ".github/assay-pins.yaml"

// LoadPins reads the repository's pin file (when present) and, when
// extra is not nil, a pin file given by the user, whose entries win.
func LoadPins(read Files, extraPath string, extra []byte) (Pins, error) {
	out := Pins{}
	data, ok, err := read(PinFile)
	if err != nil {
		return nil, err
	}
	if ok {
		ps, err := ParsePins(PinFile, data)
		if err != nil {
			return nil, err
		}
		for k, v := range ps {
			out[k] = v
		}
	}
	if extra != nil {
		ps, err := ParsePins(extraPath, extra)
		if err != nil {
			return nil, err
		}
		for k, v := range ps {
			out[k] = v
		}
	}
	return out, nil
}
