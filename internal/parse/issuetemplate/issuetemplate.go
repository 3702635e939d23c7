// Package issuetemplate reads the contact links of a GitHub issue-template
// chooser (.github/ISSUE_TEMPLATE/config.yml). Projects often send security
// reporters from there to a private advisory form or a security page.
package issuetemplate

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/parse/ciyaml"
)

// Link is one entry of contact_links.
type Link struct {
	Name, URL, About string
	Line             int // line of the url key, or of the entry when it has none
}

// MaxLinks caps how many links are read.
const MaxLinks = 100

// Parse returns the contact links of a chooser file.
func Parse(data []byte) ([]Link, error) {
	root, err := ciyaml.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("parse issue-template config: %w", err)
	}
	if root == nil || root.Kind != yaml.MappingNode {
		return nil, nil
	}
	var out []Link
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "contact_links" || root.Content[i+1].Kind != yaml.SequenceNode {
			continue
		}
		for _, item := range root.Content[i+1].Content {
			if len(out) >= MaxLinks {
				return out, nil
			}
			if item.Kind != yaml.MappingNode {
				continue
			}
			l := Link{Line: item.Line}
			for j := 0; j+1 < len(item.Content); j += 2 {
				k, v := item.Content[j], item.Content[j+1]
				if v.Kind != yaml.ScalarNode {
					continue
				}
				switch k.Value {
				case "name":
					l.Name = v.Value
				case "url":
					l.URL, l.Line = v.Value, v.Line
				case "about":
					l.About = v.Value
				}
			}
			// An entry without a url is still read when its text says
			// where to go ("Please report security vulnerabilities to
			// security@example.org"): the address is the contact.
			if l.URL != "" || l.About != "" {
				out = append(out, l)
			}
		}
	}
	return out, nil
}
