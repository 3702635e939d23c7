package customrule

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
	rulelist "github.com/assaysec/assay/internal/rule/list"
)

const runbook = `rules:
  - id: runbookPresent
    question: Does the service have a runbook?
    remediation: Add RUNBOOK.md describing how to operate the service.
    claims:
      - {claim: "4.3.1", role: any}
    false_means: no_signal
    expr: files.exists(f, f.path.endsWith("RUNBOOK.md") && f.size > 0)
    message:
      true: "runbook found (${files.filter(f, f.path.endsWith('RUNBOOK.md'))[0].path})"
      false: "no RUNBOOK.md among ${size(files)} files"
`

func compile(t *testing.T, src string) []*Rule {
	t.Helper()
	specs, err := ParseFile("rules/ops.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Compile(specs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestEvaluate(t *testing.T) {
	rs := compile(t, runbook)
	r := rs[0]
	if diff := cmp.Diff([]evidence.Kind{evidence.KindFileList}, r.Needs()); diff != "" {
		t.Errorf("needs (-want +got):\n%s", diff)
	}
	got := r.EvaluateWith(Evidence{Files: []File{{Path: "docs/RUNBOOK.md", Size: 10}}})
	if got[0].Outcome != rule.True || got[0].Message != "runbook found (docs/RUNBOOK.md)" {
		t.Errorf("got %+v", got[0])
	}
	got = r.EvaluateWith(Evidence{Files: []File{{Path: "README.md", Size: 10}}})
	if got[0].Outcome != rule.False || got[0].Negative != rule.NoSignal || got[0].Message != "no RUNBOOK.md among 1 files" {
		t.Errorf("got %+v", got[0])
	}
	if got[0].Location.Path != "rules/ops.yaml" || got[0].Location.Line != 2 {
		t.Errorf("location %+v: want the rule's file and line", got[0].Location)
	}
	if e := Entries(rs); len(e) != 1 || e[0].Claim != "4.3.1" || e[0].Any[0] != "runbookPresent" {
		t.Errorf("entries %+v", e)
	}
}

func TestCompileErrorsNameFileLineColumn(t *testing.T) {
	for name, tc := range map[string]struct{ src, want string }{
		"type error, plain": {
			"rules:\n  - id: badType\n    question: q\n    remediation: r\n    claims: [{claim: \"1.1.1\", role: any}]\n    expr: history.commits > \"ten\"\n",
			"rules/x.yaml:6:27: rule badType: expr: found no matching overload for '_>_'",
		},
		"unknown field, block": {
			"rules:\n  - id: badField\n    question: q\n    remediation: r\n    claims: [{claim: \"1.1.1\", role: any}]\n    expr: |\n      steps.all(s,\n        s.colour == \"red\")\n",
			"rules/x.yaml:8:10: rule badField: expr: undefined field 'colour'",
		},
		"not bool": {
			"rules:\n  - id: notBool\n    question: q\n    remediation: r\n    claims: [{claim: \"1.1.1\", role: any}]\n    expr: size(files)\n",
			"rules/x.yaml:6:11: rule notBool: expr: expression has type int; a rule must return bool",
		},
		"syntax, quoted": {
			"rules:\n  - id: badSyntax\n    question: q\n    remediation: r\n    claims: [{claim: \"1.1.1\", role: any}]\n    expr: \"files.exists(f, f.path ==)\"\n",
			"rules/x.yaml:6:37: rule badSyntax: expr: Syntax error",
		},
		"unknown key": {
			"rules:\n  - id: k\n    colour: red\n",
			"rules/x.yaml:2:5: field colour not found in type customrule.Spec",
		},
		"bad role": {
			"rules:\n  - id: badRole\n    question: q\n    remediation: r\n    claims: [{claim: \"1.1.1\", role: most}]\n    expr: \"true\"\n",
			"rules/x.yaml:2:3: rule badRole: claim 1.1.1: role \"most\"",
		},
		"no mapping": {
			"rules:\n  - id: unmapped\n    question: q\n    remediation: r\n    expr: \"true\"\n",
			"maps to no claim or control",
		},
	} {
		t.Run(name, func(t *testing.T) {
			specs, err := ParseFile("rules/x.yaml", []byte(tc.src))
			if err == nil {
				_, err = Compile(specs, Options{})
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestCostLimit(t *testing.T) {
	rs := compile(t, `rules:
  - id: expensive
    question: q
    remediation: r
    claims: [{claim: "1.1.1", role: supporting}]
    expr: files.all(a, files.all(b, files.all(c, a.path + b.path + c.path != "")))
`)
	var fs []File
	for range 400 {
		fs = append(fs, File{Path: "a"})
	}
	got := rs[0].EvaluateWith(Evidence{Files: fs})
	if got[0].Outcome != rule.Error || !strings.Contains(got[0].Message, "cost") {
		t.Errorf("got %+v, want an error for exceeding the cost limit", got[0])
	}
}

// TestBuiltinsInCEL re-expresses two built-in rules in CEL and checks they
// answer as the Go rules do on the same evidence, to show the variables
// carry enough of the evidence model.
func TestBuiltinsInCEL(t *testing.T) {
	rs := compile(t, `rules:
  - id: celCommitsAreSigned
    question: Are most recent commits signed?
    remediation: Sign commits.
    claims: [{claim: "1.1.4", role: supporting}]
    expr: history.signed_ratio >= 0.8
  - id: celCiActionsPinned
    question: Are third-party actions pinned to a commit SHA?
    remediation: Pin actions.
    claims: [{claim: "1.2.2", role: supporting}]
    expr: |
      steps.filter(s, s.uses != "" && !s.uses.startsWith("./") && !s.uses.startsWith("docker://")
          && !s.uses.contains("${{") && !(s.uses.split("/")[0].lowerAscii() in ["actions", "github"]))
        .all(s, s.uses.matches("@[0-9a-f]{40}$"))
`)
	builtin := map[string]rule.Rule{}
	all, err := rulelist.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		builtin[r.Meta().ID] = r
	}
	pipeline := func(uses ...string) *evidence.Set {
		var steps []evidence.CIStep
		for i, u := range uses {
			steps = append(steps, evidence.CIStep{Line: i + 1, Uses: u})
		}
		return evidence.NewSet(evidence.Record{Fact: evidence.CIPipeline{Path: ".github/workflows/ci.yml", System: evidence.CIGitHubActions, Jobs: []evidence.CIJob{{ID: "test", Steps: steps}}}})
	}
	history := func(walked, signed int) *evidence.Set {
		return evidence.NewSet(evidence.Record{Fact: evidence.History{Walked: walked, Signed: signed}})
	}
	for name, tc := range map[string]struct {
		builtin string
		cel     *Rule
		ev      *evidence.Set
	}{
		"all signed":         {"commitsAreSigned", rs[0], history(10, 10)},
		"most signed":        {"commitsAreSigned", rs[0], history(10, 8)},
		"few signed":         {"commitsAreSigned", rs[0], history(10, 3)},
		"pinned":             {"ciActionsPinned", rs[1], pipeline("actions/checkout@v4", "golangci/golangci-lint-action@1481404843c368bc19ca9406f87d6e0fc97bdcfd", "./local")},
		"tag":                {"ciActionsPinned", rs[1], pipeline("golangci/golangci-lint-action@v6")},
		"short sha":          {"ciActionsPinned", rs[1], pipeline("golangci/golangci-lint-action@1481404")},
		"first party by tag": {"ciActionsPinned", rs[1], pipeline("actions/setup-go@v5", "github/codeql-action/init@v3", "owner/x@0123456789abcdef0123456789abcdef01234567")},
	} {
		t.Run(name, func(t *testing.T) {
			want := builtin[tc.builtin].Evaluate(tc.ev)
			got := tc.cel.Evaluate(tc.ev)
			if outcome(want) != outcome(got) {
				t.Errorf("built-in %s says %s, CEL says %s (%s)", tc.builtin, outcome(want), outcome(got), got[0].Message)
			}
		})
	}
}

// outcome folds findings as the evaluator does: any false wins.
func outcome(fs []rule.Finding) rule.Outcome {
	o := rule.Outcome("")
	for _, f := range fs {
		if f.Outcome == rule.False {
			return rule.False
		}
		o = f.Outcome
	}
	return o
}

func FuzzParseFile(f *testing.F) {
	f.Add([]byte(runbook))
	f.Add([]byte("rules: {}"))
	f.Add([]byte("- id: x\n  expr: '&&'\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		specs, err := ParseFile("f.yaml", data)
		if err != nil {
			return
		}
		_, _ = Compile(specs, Options{})
	})
}
