package list

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRuleIDsSpelledOnce checks that the Go code of the rule areas spells
// each registered rule id once, beside the area's Rules; everything else
// (registration, findings, tests) uses the constant. rules.yaml and the
// mapping data are checked against the registry elsewhere.
func TestRuleIDsSpelledOnce(t *testing.T) {
	rules, err := All()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range rules {
		ids[r.Meta().ID] = true
	}
	spelled := map[string][]string{}
	dirs, err := os.ReadDir("..")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, _ := filepath.Glob(filepath.Join("..", d.Name(), "*.go"))
		for _, name := range files {
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				if v, err := strconv.Unquote(lit.Value); err == nil && ids[v] {
					spelled[v] = append(spelled[v], fset.Position(lit.Pos()).String())
				}
				return true
			})
		}
	}
	for id := range ids {
		where := spelled[id]
		if len(where) != 1 || !registers(t, strings.Split(where[0], ":")[0]) {
			t.Errorf("rule id %q is spelled %d times, want once, beside the area's Rules: %v", id, len(where), where)
		}
	}
}

// registers reports whether a file holds its area's Rules function.
func registers(t *testing.T, file string) bool {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(string(data), "\nfunc Rules() ")
}
