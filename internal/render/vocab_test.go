package render_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// vocabulary returns the values of the report's string constants: claim
// and principle statuses, outcomes, roles, attestation, waiver, collector and
// sign-off states, assurance levels.
func vocabulary(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("../report/*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				if len(vs.Names) == 1 && vs.Names[0].Name == "SchemaVersion" {
					continue
				}
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						out[s] = true
					}
				}
			}
		}
	}
	if !out["met"] || !out["current"] || !out["succeeded"] {
		t.Fatalf("vocabulary incomplete: %v", out)
	}
	return out
}

// templateCompare finds a template comparison with a string literal.
var templateCompare = regexp.MustCompile(`\b(?:eq|ne)\b[^}]*?"([^"]*)"`)

// TestRenderersCompareConstants keeps renderers from spelling the report's
// vocabulary: a comparison or switch case against a status, outcome, role
// or state must use the report's constant, so renaming a value cannot
// silently break a format. Templates compare with the functions that
// return the constants.
func TestRenderersCompareConstants(t *testing.T) {
	vocab := vocabulary(t)
	fset := token.NewFileSet()
	check := func(pos token.Pos, e ast.Expr) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return
		}
		if s, _ := strconv.Unquote(lit.Value); vocab[s] {
			t.Errorf("%s: compares with the literal %s; use the report constant", fset.Position(pos), lit.Value)
		}
	}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") || strings.Contains(path, "testdata") {
			return err
		}
		switch {
		case strings.HasSuffix(path, ".go"):
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.BinaryExpr:
					if n.Op == token.EQL || n.Op == token.NEQ {
						check(n.Pos(), n.X)
						check(n.Pos(), n.Y)
					}
				case *ast.CaseClause:
					for _, e := range n.List {
						check(e.Pos(), e)
					}
				}
				return true
			})
		case strings.HasSuffix(path, ".tmpl"):
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range templateCompare.FindAllStringSubmatch(string(data), -1) {
				if vocab[m[1]] {
					t.Errorf("%s: template compares with the literal %q; use a function returning the report constant", path, m[1])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
