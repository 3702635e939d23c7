// Package customrule lets a team write rules of its own in CEL, without
// forking Assay. A rule is YAML: an id and a question, the UK claims (or
// other frameworks' controls) it supports and how (all, any, blocks,
// supporting), a CEL expression over typed evidence variables (files,
// workflows, jobs, steps, dependencies, history) and message templates.
//
// Rules are compiled once and type-checked against the evidence schema; a
// compile error names the file, line and column. Evaluation is cost-limited.
// A compiled rule implements rule.Rule, so custom rules enter the same
// mapping and evaluation path as built-in ones.
package customrule

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/ext"
	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/mapping"
	"github.com/assaysec/assay/internal/rule"
	"github.com/assaysec/assay/internal/textsafe"
)

// Limits.
const (
	// CostLimit bounds one evaluation's CEL cost (roughly, operations).
	CostLimit = 10_000_000
	// MaxExprLen bounds an expression's source.
	MaxExprLen = 8 << 10
	// MaxRules bounds the rules one assessment loads.
	MaxRules = 200
	// MaxFileSize bounds a rules file.
	MaxFileSize = 256 << 10
)

// Roles a rule can have for a claim or control.
var roles = []mapping.Role{mapping.RoleAll, mapping.RoleAny, mapping.RoleBlocks, mapping.RoleSupporting}

// Spec is one rule as written.
type Spec struct {
	ID          string        `yaml:"id"`
	Question    string        `yaml:"question"`
	Rationale   string        `yaml:"rationale"`
	Remediation string        `yaml:"remediation"`
	Claims      []ClaimLink   `yaml:"claims"`
	Controls    []ControlLink `yaml:"controls"`
	Expr        string        `yaml:"expr"`
	Message     Messages      `yaml:"message"`
	// FalseMeans is violation (the default) or no_signal.
	FalseMeans string `yaml:"false_means"`

	// Where the rule was written, filled by the loader.
	File string `yaml:"-"`
	Line int    `yaml:"-"`
	expr yaml.Node
	src  []byte
}

// ClaimLink maps the rule to a UK claim.
type ClaimLink struct {
	Claim string       `yaml:"claim"`
	Role  mapping.Role `yaml:"role"`
}

// ControlLink maps the rule to another framework's control.
type ControlLink struct {
	Rule      string       `yaml:"-"`
	Framework string       `yaml:"framework"`
	Control   string       `yaml:"control"`
	Role      mapping.Role `yaml:"role"`
}

// Messages are the finding's message templates: text with ${expr} parts,
// each a CEL expression over the same variables.
type Messages struct {
	True  string `yaml:"true"`
	False string `yaml:"false"`
}

// Error is a problem in a rules file, at a line and column.
type Error struct {
	File         string
	Line, Column int
	Msg          string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Parse reads rule specs from a YAML node: a list of rules, or a mapping
// whose rules: key holds one (the form of a rules/ file, which may also hold
// tests:). src is the file's bytes, used to place errors inside block
// scalars.
func Parse(file string, n *yaml.Node) ([]Spec, error) {
	if n == nil || n.Kind == 0 {
		return nil, nil
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind == yaml.MappingNode {
		var list *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			switch n.Content[i].Value {
			case "rules":
				list = n.Content[i+1]
			case "kind", "tests":
			default:
				k := n.Content[i]
				return nil, &Error{File: file, Line: k.Line, Column: k.Column, Msg: fmt.Sprintf("unknown key %q; want kind, rules or tests", k.Value)}
			}
		}
		if list == nil {
			return nil, nil
		}
		n = list
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, &Error{File: file, Line: n.Line, Column: n.Column, Msg: "rules: want a list of rules"}
	}
	var out []Spec
	for _, el := range n.Content {
		var s Spec
		if err := decodeStrict(el, &s); err != nil {
			return nil, &Error{File: file, Line: el.Line, Column: el.Column, Msg: yamlMessage(err)}
		}
		s.File, s.Line = file, el.Line
		for i := range s.Controls {
			s.Controls[i].Rule = s.ID
		}
		for i := 0; i+1 < len(el.Content); i += 2 {
			if el.Content[i].Value == "expr" {
				s.expr = *el.Content[i+1]
			}
		}
		out = append(out, s)
	}
	return out, nil
}

var yamlLineRe = lazyre.New(`(?m)^\s*line \d+: |yaml: unmarshal errors:\n`)

// yamlMessage drops the decoder's line numbers, which count lines of the
// re-encoded rule, not of the file; the error is placed at the rule.
func yamlMessage(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(yamlLineRe.ReplaceAllString(err.Error(), "")), "\n", "; ")
}

// decodeStrict decodes a node, rejecting unknown keys.
func decodeStrict(n *yaml.Node, v any) error {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	if err := enc.Encode(n); err != nil {
		return err
	}
	dec := yaml.NewDecoder(&buf)
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// ParseFile reads a rules file.
func ParseFile(file string, data []byte) ([]Spec, error) {
	if len(data) > MaxFileSize {
		return nil, &Error{File: file, Msg: fmt.Sprintf("file is %d bytes; the limit is %d", len(data), MaxFileSize)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Error{File: file, Msg: err.Error()}
	}
	specs, err := Parse(file, &doc)
	if err != nil {
		return nil, err
	}
	for i := range specs {
		specs[i].src = data
	}
	return specs, nil
}

var idPattern = lazyre.New(`^[a-z][a-zA-Z0-9]+$`)

// env is the CEL environment: the evidence types and variables.
var env = sync.OnceValues(func() (*cel.Env, error) {
	return cel.NewEnv(
		ext.NativeTypes(ext.ParseStructTags(true),
			reflect.TypeFor[File](), reflect.TypeFor[Workflow](), reflect.TypeFor[Job](),
			reflect.TypeFor[Step](), reflect.TypeFor[Dependency](), reflect.TypeFor[History]()),
		ext.Strings(),
		cel.Variable("files", cel.ListType(cel.ObjectType("customrule.File"))),
		cel.Variable("workflows", cel.ListType(cel.ObjectType("customrule.Workflow"))),
		cel.Variable("jobs", cel.ListType(cel.ObjectType("customrule.Job"))),
		cel.Variable("steps", cel.ListType(cel.ObjectType("customrule.Step"))),
		cel.Variable("dependencies", cel.ListType(cel.ObjectType("customrule.Dependency"))),
		cel.Variable("history", cel.ObjectType("customrule.History")),
	)
})

// Rule is a compiled custom rule. It implements rule.Rule.
type Rule struct {
	spec    Spec
	meta    rule.Meta
	prog    cel.Program
	needs   []evidence.Kind
	msgTrue []part
	msgFals []part
}

// part is a literal or a compiled ${expr} of a message template.
type part struct {
	lit  string
	prog cel.Program
}

// Spec returns the rule as written.
func (r *Rule) Spec() Spec { return r.spec }

// Meta implements rule.Rule.
func (r *Rule) Meta() rule.Meta { return r.meta }

// Needs implements rule.Rule.
func (r *Rule) Needs() []evidence.Kind { return r.needs }

// Evaluate implements rule.Rule.
func (r *Rule) Evaluate(ev *evidence.Set) []rule.Finding {
	return r.EvaluateWith(FromSet(ev))
}

// EvaluateWith runs the rule over given variables (a rule test's fixture).
func (r *Rule) EvaluateWith(e Evidence) []rule.Finding {
	act := activation(e)
	out, _, err := r.prog.Eval(act)
	loc := evidence.Location{Path: r.spec.File, Line: r.spec.Line}
	if err != nil {
		return []rule.Finding{rule.New(r.meta.ID, rule.Error, loc, "custom rule failed: %s", textsafe.Clean(err.Error()))}
	}
	ok, isBool := out.Value().(bool)
	if !isBool {
		return []rule.Finding{rule.New(r.meta.ID, rule.Error, loc, "custom rule returned %v, not a bool", out.Type())}
	}
	if ok {
		return []rule.Finding{rule.New(r.meta.ID, rule.True, loc, "%s", render(r.msgTrue, act, "holds: "+r.meta.Question))}
	}
	f := rule.New(r.meta.ID, rule.False, loc, "%s", render(r.msgFals, act, "does not hold: "+r.meta.Question))
	f.Negative = r.meta.FalseMeans
	return []rule.Finding{f}
}

func activation(e Evidence) map[string]any {
	return map[string]any{
		"files": nonNil(e.Files), "workflows": nonNil(e.Workflows), "jobs": nonNil(e.Jobs),
		"steps": nonNil(e.Steps), "dependencies": nonNil(e.Dependencies), "history": e.History,
	}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func render(parts []part, act map[string]any, fallback string) string {
	if len(parts) == 0 {
		return fallback
	}
	var b strings.Builder
	for _, p := range parts {
		if p.prog == nil {
			b.WriteString(p.lit)
			continue
		}
		v, _, err := p.prog.Eval(act)
		if err != nil {
			b.WriteString("?")
			continue
		}
		fmt.Fprintf(&b, "%v", v.Value())
	}
	s := textsafe.Clean(b.String())
	if len(s) > 2000 {
		s = s[:2000] + "…"
	}
	return s
}

// Options tell Compile which claims and controls exist.
type Options struct {
	KnownClaim   func(id string) bool
	KnownControl func(framework, control string) bool
	// Builtin reports whether an id is a built-in rule's.
	Builtin func(id string) bool
}

// Compile checks and compiles specs. Every problem is reported, joined,
// each at its file, line and column.
func Compile(specs []Spec, o Options) ([]*Rule, error) {
	e, err := env()
	if err != nil {
		return nil, fmt.Errorf("custom rules: CEL environment: %w", err)
	}
	if len(specs) > MaxRules {
		return nil, fmt.Errorf("custom rules: %d rules; the limit is %d", len(specs), MaxRules)
	}
	var errs []error
	seen := map[string]bool{}
	var out []*Rule
	for _, s := range specs {
		bad := func(format string, args ...any) {
			errs = append(errs, &Error{File: s.File, Line: s.Line, Column: 3, Msg: fmt.Sprintf("rule %s: ", s.ID) + fmt.Sprintf(format, args...)})
		}
		checkSpec(s, o, seen, bad)
		if strings.TrimSpace(s.Expr) == "" {
			bad("expr is required")
			continue
		}
		if len(s.Expr) > MaxExprLen {
			bad("expr is %d bytes; the limit is %d", len(s.Expr), MaxExprLen)
			continue
		}
		prog, needs, perr := compileExpr(e, s.Expr, cel.BoolType)
		if perr != nil {
			errs = append(errs, s.exprError(perr))
			continue
		}
		r := &Rule{spec: s, prog: prog, needs: needs}
		r.meta = rule.Meta{ID: s.ID, Question: s.Question, Rationale: s.Rationale, Remediation: s.Remediation, FalseMeans: rule.Negative(s.FalseMeans)}
		if r.meta.Rationale == "" {
			r.meta.Rationale = "a custom rule of this organisation (" + s.File + ")"
		}
		var terr error
		if r.msgTrue, terr = compileTemplate(e, s.Message.True); terr != nil {
			bad("message.true: %v", terr)
		}
		if r.msgFals, terr = compileTemplate(e, s.Message.False); terr != nil {
			bad("message.false: %v", terr)
		}
		out = append(out, r)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// checkSpec checks a rule's id, text and mapping, everything but its
// expression and messages.
func checkSpec(s Spec, o Options, seen map[string]bool, bad func(format string, args ...any)) {
	switch {
	case !idPattern.MatchString(s.ID):
		bad("id: want a camelCase yes/no question such as runbookPresent")
	case seen[s.ID]:
		bad("defined twice")
	case o.Builtin != nil && o.Builtin(s.ID):
		bad("id is a built-in rule's; choose another")
	}
	seen[s.ID] = true
	if strings.TrimSpace(s.Question) == "" || strings.TrimSpace(s.Remediation) == "" {
		bad("question and remediation are required")
	}
	switch s.FalseMeans {
	case "", string(rule.Violation), string(rule.NoSignal):
	default:
		bad("false_means %q: want violation or no_signal", s.FalseMeans)
	}
	if len(s.Claims)+len(s.Controls) == 0 {
		bad("maps to no claim or control: add claims: or controls:")
	}
	for _, c := range s.Claims {
		if o.KnownClaim != nil && !o.KnownClaim(c.Claim) {
			bad("unknown claim %q", c.Claim)
		}
		if !slices.Contains(roles, c.Role) {
			bad("claim %s: role %q: want all, any, blocks or supporting", c.Claim, c.Role)
		}
	}
	for _, c := range s.Controls {
		if o.KnownControl != nil && !o.KnownControl(c.Framework, c.Control) {
			bad("unknown control %s of framework %q", c.Control, c.Framework)
		}
		if !slices.Contains(roles, c.Role) {
			bad("control %s: role %q: want all, any, blocks or supporting", c.Control, c.Role)
		}
	}
}

// celIssue is a CEL compile error at a position within the expression.
type celIssue struct {
	line, col int // 1-based line, 0-based column, within the expression
	msg       string
}

type celIssues []celIssue

func (c celIssues) Error() string { return c[0].msg }

func compileExpr(e *cel.Env, src string, want *cel.Type) (cel.Program, []evidence.Kind, error) {
	ast, iss := e.Compile(src)
	if iss != nil && iss.Err() != nil {
		var out celIssues
		for _, er := range iss.Errors() {
			out = append(out, celIssue{line: er.Location.Line(), col: er.Location.Column(), msg: er.Message})
		}
		if len(out) == 0 {
			return nil, nil, iss.Err()
		}
		return nil, nil, out
	}
	if want != nil && !ast.OutputType().IsExactType(want) {
		return nil, nil, celIssues{{line: 1, col: 0, msg: fmt.Sprintf("expression has type %s; a rule must return bool", ast.OutputType())}}
	}
	prog, err := e.Program(ast, cel.CostLimit(CostLimit), cel.InterruptCheckFrequency(100))
	if err != nil {
		return nil, nil, err
	}
	var needs []evidence.Kind
	for _, ref := range ast.NativeRep().ReferenceMap() {
		if k, ok := needsOf[ref.Name]; ok && !slices.Contains(needs, k) {
			needs = append(needs, k)
		}
	}
	slices.Sort(needs)
	return prog, needs, nil
}

// exprError places a CEL error at its line and column in the rules file.
func (s Spec) exprError(err error) error {
	var iss celIssues
	if !errors.As(err, &iss) {
		return &Error{File: s.File, Line: s.expr.Line, Column: s.expr.Column, Msg: fmt.Sprintf("rule %s: expr: %v", s.ID, err)}
	}
	var errs []error
	for _, is := range iss {
		line, col := s.position(is.line, is.col)
		errs = append(errs, &Error{File: s.File, Line: line, Column: col, Msg: fmt.Sprintf("rule %s: expr: %s", s.ID, is.msg)})
	}
	return errors.Join(errs...)
}

// position maps a line and column in the expression to the file: a block
// scalar's content starts on the next line at its indentation; a flow
// scalar starts at the node (after its quote).
func (s Spec) position(line, col int) (int, int) {
	n := s.expr
	if n.Line == 0 {
		return s.Line, 1
	}
	switch n.Style {
	case yaml.LiteralStyle, yaml.FoldedStyle:
		// Block content is indented by its first line's indentation.
		return n.Line + line, indentOf(s.src, n.Line+1) + col + 1
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		if line == 1 {
			return n.Line, n.Column + 1 + col
		}
	default:
		if line == 1 {
			return n.Line, n.Column + col
		}
	}
	return n.Line + line - 1, col + 1
}

func indentOf(src []byte, line int) int {
	lines := bytes.Split(src, []byte("\n"))
	if line < 1 || line > len(lines) {
		return 0
	}
	l := lines[line-1]
	return len(l) - len(bytes.TrimLeft(l, " "))
}

var templateRe = lazyre.New(`\$\{([^}]*)\}`)

func compileTemplate(e *cel.Env, t string) ([]part, error) {
	if t == "" {
		return nil, nil
	}
	var out []part
	last := 0
	for _, m := range templateRe.FindAllStringSubmatchIndex(t, -1) {
		out = append(out, part{lit: t[last:m[0]]})
		prog, _, err := compileExpr(e, t[m[2]:m[3]], nil)
		if err != nil {
			return nil, fmt.Errorf("${%s}: %w", t[m[2]:m[3]], err)
		}
		out = append(out, part{prog: prog})
		last = m[1]
	}
	out = append(out, part{lit: t[last:]})
	return out, nil
}

// Entries returns the claim mapping entries of the rules, for
// mapping.Mapping.Add.
func Entries(rs []*Rule) []mapping.Entry {
	var out []mapping.Entry
	for _, r := range rs {
		for _, c := range r.spec.Claims {
			e := mapping.Entry{Claim: c.Claim}
			switch c.Role {
			case mapping.RoleAll:
				e.All = []string{r.meta.ID}
			case mapping.RoleAny:
				e.Any = []string{r.meta.ID}
			case mapping.RoleBlocks:
				e.Blocks = []string{r.meta.ID}
			default:
				e.Supporting = []string{r.meta.ID}
			}
			out = append(out, e)
		}
	}
	return out
}

// ControlLinks returns the rules' links to other frameworks' controls.
func ControlLinks(rs []*Rule) []ControlLink {
	var out []ControlLink
	for _, r := range rs {
		out = append(out, r.spec.Controls...)
	}
	return out
}
