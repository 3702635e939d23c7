package server

import (
	"io/fs"
	"regexp"
	"testing"
)

// TestTemplatesCompareConstants keeps the page templates from comparing
// with a string literal: roles, assessment statuses and assurance levels
// come from the functions that return the Go constants.
func TestTemplatesCompareConstants(t *testing.T) {
	compare := regexp.MustCompile(`\b(?:eq|ne)\b[^}]*?"[^"]*"`)
	names, err := fs.Glob(uiFS, "templates/*.html")
	if err != nil || len(names) == 0 {
		t.Fatalf("templates: %v %v", names, err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(uiFS, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range compare.FindAllString(string(data), -1) {
			t.Errorf("%s: %s compares with a literal; use the function returning the constant", name, m)
		}
	}
}
