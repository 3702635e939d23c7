// Package dependabot reads .github/dependabot.yml: which package ecosystems
// are updated, in which directories, on what schedule.
package dependabot

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/parse/ciyaml"
)

// Locations are where GitHub reads the configuration.
var Locations = []string{".github/dependabot.yml", ".github/dependabot.yaml"}

// Parse reads a Dependabot configuration. Errors carry the line.
func Parse(p string, data []byte) (evidence.UpdateConfig, error) {
	out := evidence.UpdateConfig{Path: p, Tool: "dependabot", Line: 1}
	root, err := ciyaml.Decode(data)
	if err != nil {
		return out, err
	}
	if root == nil || root.Kind != yaml.MappingNode {
		return out, &ciyaml.Error{Line: 1, Msg: "want a mapping with version: 2 and updates:"}
	}
	if v := ciyaml.Scalar(ciyaml.Get(root, "version")); v != "2" {
		return out, &ciyaml.Error{Line: root.Line, Msg: "want version: 2"}
	}
	ups := ciyaml.Get(root, "updates")
	if ups == nil || ups.Kind != yaml.SequenceNode {
		return out, &ciyaml.Error{Line: root.Line, Msg: "want an updates: list"}
	}
	out.Line = ups.Line
	for _, u := range ups.Content {
		u = ciyaml.Resolve(u)
		if u == nil || u.Kind != yaml.MappingNode {
			continue
		}
		eco := ciyaml.Get(u, "package-ecosystem")
		e := evidence.UpdateEntry{Ecosystem: strings.ToLower(ciyaml.Scalar(eco)), Line: u.Line}
		if eco != nil {
			e.Line = eco.Line
		}
		if d := ciyaml.Scalar(ciyaml.Get(u, "directory")); d != "" {
			e.Directories = append(e.Directories, d)
		}
		ds, _ := ciyaml.Strings(ciyaml.Get(u, "directories"))
		e.Directories = append(e.Directories, ds...)
		e.Schedule = ciyaml.Scalar(ciyaml.Get(ciyaml.Get(u, "schedule"), "interval"))
		if ciyaml.Scalar(ciyaml.Get(u, "open-pull-requests-limit")) == "0" {
			e.Disabled = true
		}
		if e.Ecosystem == "" {
			return out, &ciyaml.Error{Line: u.Line, Msg: "update entry without package-ecosystem"}
		}
		out.Updates = append(out.Updates, e)
	}
	return out, nil
}
