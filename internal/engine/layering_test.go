package engine

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/assaysec/assay/internal/"

// boundary says which internal packages a layer may not import. Data flows
// one way: collect -> evidence -> rules -> findings -> claim status ->
// report -> render.
type boundary struct {
	layer   string   // package path under internal/, "x/*" for x and below
	forbids []string // imports it may not make, same syntax
	allows  []string // exceptions inside a forbidden prefix
	// isolated says the packages below the layer's root may not import
	// each other, only the root and their own subpackages; except names
	// the one that assembles them.
	isolated bool
	except   string
}

var boundaries = []boundary{
	{layer: "evidence/*", forbids: []string{"*"}, allows: []string{"evidence/*", "textsafe", "limits", "scope", "lazyre", "shellword"}},
	{layer: "report", forbids: []string{"*"}},
	{layer: "rule/*", forbids: []string{"*"}, allows: []string{"rule/*", "evidence/*", "textsafe", "limits", "scope", "lazyre"}},
	{layer: "render/*", forbids: []string{"*"}, allows: []string{"render/*", "report", "textsafe", "lazyre"}},
	{layer: "collector", forbids: []string{"forge/*", "config"}},
	// Collectors share per-run inputs through the base package, never by
	// importing each other; only the registry list knows them all.
	{layer: "collector/*", isolated: true, except: "collector/list"},
	{layer: "cli", forbids: []string{"evidence/*", "mapping", "rule/*", "catalog"}},
}

// knownViolations are accepted edges against the flow. It is empty: every
// package keeps to its layer, and a new edge fails the test.
var knownViolations = []string{}

func matches(pattern, pkg string) bool {
	if pattern == "*" {
		return true
	}
	if base, ok := strings.CutSuffix(pattern, "/*"); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}

func TestImportBoundaries(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go tool not on PATH")
	}
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "github.com/assaysec/assay/internal/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || !strings.HasPrefix(fields[0], module) {
			continue
		}
		pkg := strings.TrimPrefix(fields[0], module)
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			dep := strings.TrimPrefix(imp, module)
			// Test support builds whole pipelines on purpose.
			if strings.HasPrefix(dep, "testutil") || strings.HasSuffix(pkg, "rendertest") {
				continue
			}
			for _, b := range boundaries {
				if !matches(b.layer, pkg) {
					continue
				}
				if b.isolated {
					root := strings.TrimSuffix(b.layer, "/*")
					if pkg != root && pkg != b.except && matches(b.layer, dep) && dep != root &&
						!matches(pkg+"/*", dep) && !matches(dep+"/*", pkg) {
						got = append(got, pkg+" -> "+dep)
					}
					continue
				}
				forbidden := slices.ContainsFunc(b.forbids, func(p string) bool { return matches(p, dep) })
				allowed := slices.ContainsFunc(b.allows, func(p string) bool { return matches(p, dep) })
				if forbidden && !allowed && !matches(b.layer, dep) {
					got = append(got, pkg+" -> "+dep)
				}
			}
		}
	}
	slices.Sort(got)
	got = slices.Compact(got)
	for _, v := range got {
		if !slices.Contains(knownViolations, v) {
			t.Errorf("import against the flow: %s", v)
		}
	}
	for _, v := range knownViolations {
		if !slices.Contains(got, v) {
			t.Errorf("known violation %s is gone: remove it from knownViolations", v)
		}
	}
}
