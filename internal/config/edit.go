package config

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/atomicfile"
)

// Document is a declaration opened for editing: changes keep the rest of
// the file, its order and its comments, as a person wrote them.
type Document struct {
	node yaml.Node
}

// ParseDocument opens a declaration's bytes for editing. An empty file is
// an empty mapping.
func ParseDocument(file string, data []byte) (*Document, error) {
	d := &Document{}
	if err := yaml.Unmarshal(data, &d.node); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(d.node.Content) == 0 {
		d.node = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	return d, nil
}

// attestationYAML is how an edit writes an attestation: only the
// fields that are set, in a fixed order.
type attestationYAML struct {
	Claim      string         `yaml:"claim"`
	Statement  string         `yaml:"statement"`
	Evidence   []evidenceYAML `yaml:"evidence"`
	AttestedBy string         `yaml:"attested_by"`
	Date       string         `yaml:"date"`
	Expires    string         `yaml:"expires"`
	Signature  string         `yaml:"signature,omitempty"`
}

type evidenceYAML struct {
	Path   string `yaml:"path,omitempty"`
	URL    string `yaml:"url,omitempty"`
	SHA256 string `yaml:"sha256,omitempty"`
}

// PutAttestation replaces the attestation for the same claim and person, or
// appends a new one, keeping the rest of the document (and its comments).
// It reports whether it replaced one.
func (d *Document) PutAttestation(a Attestation) (bool, error) {
	root := d.node.Content[0]
	if root.Kind != yaml.MappingNode {
		return false, errors.New("the declaration is not a mapping")
	}
	ay := attestationYAML{Claim: a.Claim, Statement: a.Statement, AttestedBy: a.AttestedBy,
		Date: a.Date.String(), Expires: a.Expires.String(), Signature: a.Signature}
	for _, e := range a.Evidence {
		ay.Evidence = append(ay.Evidence, evidenceYAML{Path: e.Path, URL: e.URL, SHA256: e.SHA256})
	}
	var n yaml.Node
	if err := n.Encode(ay); err != nil {
		return false, err
	}
	// Each evidence entry on one line, as in the documentation's examples.
	if ev := mappingValue(&n, "evidence"); ev != nil {
		for _, e := range ev.Content {
			e.Style = yaml.FlowStyle
		}
	}
	list := mappingValue(root, "attestations")
	if list == nil || list.Kind != yaml.SequenceNode {
		list = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		setMappingValue(root, "attestations", list)
	}
	// An empty "attestations: []" would otherwise keep the flow style and put
	// every attestation on one line.
	list.Style &^= yaml.FlowStyle
	for i, el := range list.Content {
		c, by := mappingValue(el, "claim"), mappingValue(el, "attested_by")
		if c != nil && c.Value == a.Claim && by != nil && Identity(by.Value) == Identity(a.AttestedBy) {
			list.Content[i] = &n
			return true, nil
		}
	}
	list.Content = append(list.Content, &n)
	return false, nil
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func setMappingValue(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

// Bytes encodes the edited document, two-space indented.
func (d *Document) Bytes() ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&d.node); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteFile writes the edited declaration to path atomically, after
// checking that it still parses: an edit never leaves an invalid
// declaration behind.
func (d *Document) WriteFile(path string) error {
	out, err := d.Bytes()
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if _, err := Parse(path, out, nil); err != nil {
		return fmt.Errorf("the updated declaration would be invalid: %w", err)
	}
	return atomicfile.WriteFile(path, out, 0o644)
}

// Identity is the principal an attestation's signer must be allowed to sign
// as: the e-mail address in attested_by when it has one ("Jane Doe
// <jane@example.com>" or "jane@example.com"), otherwise attested_by itself.
func Identity(attestedBy string) string {
	s := strings.TrimSpace(attestedBy)
	if a, err := mail.ParseAddress(s); err == nil {
		return a.Address
	}
	for _, f := range strings.Fields(s) {
		f = strings.Trim(f, "<>(),;")
		if strings.Count(f, "@") == 1 && !strings.HasPrefix(f, "@") && !strings.HasSuffix(f, "@") {
			return f
		}
	}
	return s
}
