// Package ciyaml decodes untrusted CI and configuration YAML into node trees
// with positions, refusing documents that would cost too much to walk: alias
// bombs, deep nesting and huge node counts are errors, not hangs. Parsers of
// GitHub Actions, GitLab CI, Dependabot and pre-commit files share it.
package ciyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
)

// MaxNodes caps the node count of a document after alias expansion. Real CI
// files hold a few thousand nodes; a million is far beyond any of them and
// still cheap to walk.
const MaxNodes = 1_000_000

// Error is a YAML problem with the line it was found on (0 when unknown).
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

var lineRE = lazyre.New(`^yaml: line (\d+): (.*)$`)

// Decode parses the first YAML document of data and checks its bounds. An
// empty document decodes to nil without error.
func Decode(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		msg := err.Error()
		if m := lineRE.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			return nil, &Error{Line: n, Msg: m[2]}
		}
		return nil, &Error{Msg: msg}
	}
	if err := Check(&doc); err != nil {
		return nil, err
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil, nil
		}
		root = root.Content[0]
	}
	return root, nil
}

// Check enforces the alias, depth and expanded-size bounds on a decoded tree.
func Check(root *yaml.Node) error {
	c := checker{size: map[*yaml.Node]int{}}
	if _, err := c.walk(root, 0); err != nil {
		return err
	}
	return nil
}

type checker struct {
	aliases int
	size    map[*yaml.Node]int // expanded size per node, memoised so shared anchors cost once
}

func (c *checker) walk(n *yaml.Node, depth int) (int, error) {
	if n == nil {
		return 0, nil
	}
	if depth > limits.MaxYAMLDepth {
		return 0, &Error{Line: n.Line, Msg: fmt.Sprintf("nesting deeper than %d levels", limits.MaxYAMLDepth)}
	}
	if s, ok := c.size[n]; ok {
		return s, nil
	}
	c.size[n] = MaxNodes + 1 // an alias cycle back to this node counts as too large
	total := 1
	if n.Kind == yaml.AliasNode {
		c.aliases++
		if c.aliases > limits.MaxYAMLAliases {
			return 0, &Error{Line: n.Line, Msg: fmt.Sprintf("more than %d aliases", limits.MaxYAMLAliases)}
		}
		s, err := c.walk(n.Alias, depth+1)
		if err != nil {
			return 0, err
		}
		total += s
	}
	for _, ch := range n.Content {
		s, err := c.walk(ch, depth+1)
		if err != nil {
			return 0, err
		}
		total += s
		if total > MaxNodes {
			return 0, &Error{Line: n.Line, Msg: fmt.Sprintf("more than %d nodes once aliases are expanded", MaxNodes)}
		}
	}
	if total > MaxNodes {
		return 0, &Error{Line: n.Line, Msg: fmt.Sprintf("more than %d nodes once aliases are expanded", MaxNodes)}
	}
	c.size[n] = total
	return total, nil
}

// Resolve follows an alias to its anchor.
func Resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	return n
}

// Pair is one key and value of a mapping.
type Pair struct {
	Key   *yaml.Node
	Value *yaml.Node
}

// Pairs returns a mapping's entries with YAML merge keys (<<) applied:
// merged entries first, overridden by the mapping's own keys.
func Pairs(n *yaml.Node) []Pair {
	return pairs(n, 0, map[*yaml.Node]bool{})
}

// pairs merges each mapping at most once per call: merging the same anchor
// twice adds nothing, and skipping repeats keeps crafted fan-outs of merge
// keys linear in the number of distinct nodes.
func pairs(n *yaml.Node, depth int, seen map[*yaml.Node]bool) []Pair {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.MappingNode || depth > 8 || seen[n] {
		return nil
	}
	seen[n] = true
	var merged, own []Pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag != "!!str" {
			v = Resolve(v)
			if v == nil {
				continue
			}
			if v.Kind == yaml.SequenceNode {
				for _, m := range v.Content {
					merged = append(merged, pairs(m, depth+1, seen)...)
				}
			} else {
				merged = append(merged, pairs(v, depth+1, seen)...)
			}
			continue
		}
		own = append(own, Pair{Key: k, Value: Resolve(v)})
	}
	if len(merged) == 0 {
		return own
	}
	keys := map[string]bool{}
	for _, p := range own {
		keys[p.Key.Value] = true
	}
	out := make([]Pair, 0, len(merged)+len(own))
	for _, p := range merged {
		if !keys[p.Key.Value] {
			keys[p.Key.Value] = true
			out = append(out, p)
		}
	}
	return append(out, own...)
}

// Get returns the value of key in mapping n, or nil.
func Get(n *yaml.Node, key string) *yaml.Node {
	for _, p := range Pairs(n) {
		if p.Key.Value == key {
			return p.Value
		}
	}
	return nil
}

// Scalar returns n's value when it is a scalar, else "".
func Scalar(n *yaml.Node) string {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// Strings returns a scalar or a sequence of scalars as strings, with the
// line of each.
func Strings(n *yaml.Node) ([]string, []int) {
	n = Resolve(n)
	if n == nil {
		return nil, nil
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil, nil
		}
		return []string{n.Value}, []int{n.Line}
	case yaml.SequenceNode:
		var vs []string
		var ls []int
		for _, c := range n.Content {
			c = Resolve(c)
			if c == nil {
				continue
			}
			if c.Kind == yaml.ScalarNode {
				vs = append(vs, c.Value)
				ls = append(ls, c.Line)
			} else if c.Kind == yaml.SequenceNode {
				// GitLab flattens nested script arrays (from !reference).
				v2, l2 := Strings(c)
				vs = append(vs, v2...)
				ls = append(ls, l2...)
			}
		}
		return vs, ls
	}
	return nil, nil
}

// ContentLine returns the line where a scalar's text starts: the line after
// the indicator for block scalars (| and >), else the node's own line.
func ContentLine(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return n.Line + 1
	}
	return n.Line
}
