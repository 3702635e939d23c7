package customrule

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/rule"
)

// Test is one rule test: a fixture of evidence and the outcome the rule
// must give (true, false or error).
type Test struct {
	Name     string   `yaml:"name"`
	Rule     string   `yaml:"rule"`
	Evidence Evidence `yaml:"evidence"`
	Want     string   `yaml:"want"`
	// Message, when set, must appear in the finding's message.
	Message string `yaml:"message"`
	File    string `yaml:"-"`
	Line    int    `yaml:"-"`
}

// ParseTests reads the tests: list of a rules file.
func ParseTests(file string, data []byte) ([]Test, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Error{File: file, Msg: err.Error()}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil
	}
	root := doc.Content[0]
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "tests" {
			list = root.Content[i+1]
		}
	}
	if list == nil {
		return nil, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, &Error{File: file, Line: list.Line, Column: list.Column, Msg: "tests: want a list"}
	}
	var out []Test
	for _, el := range list.Content {
		var t Test
		if err := decodeStrict(el, &t); err != nil {
			return nil, &Error{File: file, Line: el.Line, Column: el.Column, Msg: yamlMessage(err)}
		}
		switch t.Want {
		case string(rule.True), string(rule.False), string(rule.Error):
		default:
			return nil, &Error{File: file, Line: el.Line, Column: el.Column, Msg: fmt.Sprintf("test %q: want %q: want true, false or error", t.Name, t.Want)}
		}
		t.File, t.Line = file, el.Line
		out = append(out, t)
	}
	return out, nil
}

// Result is one test's verdict.
type Result struct {
	Test    Test
	Pass    bool
	Got     rule.Outcome
	Message string
}

// Run runs tests against compiled rules.
func Run(rs []*Rule, tests []Test) []Result {
	byID := map[string]*Rule{}
	for _, r := range rs {
		byID[r.meta.ID] = r
	}
	var out []Result
	for _, t := range tests {
		r, ok := byID[t.Rule]
		if !ok {
			out = append(out, Result{Test: t, Message: fmt.Sprintf("no rule %q", t.Rule)})
			continue
		}
		fs := r.EvaluateWith(t.Evidence)
		res := Result{Test: t, Got: fs[0].Outcome, Message: fs[0].Message}
		res.Pass = string(res.Got) == t.Want && (t.Message == "" || bytes.Contains([]byte(res.Message), []byte(t.Message)))
		out = append(out, res)
	}
	return out
}
