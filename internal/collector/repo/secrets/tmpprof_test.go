package secrets

import (
	"fmt"
	"os"
			"sort"
		"testing"
	"time"

	"github.com/assaysec/assay/internal/parse/defaultcreds"
	"github.com/assaysec/assay/internal/source"
)

func TestTmpDetectorCost(t *testing.T) {
	root := os.Getenv("TMPREPO")
	if root == "" {
		t.Skip()
	}
	tree, err := source.OpenTree(root)
	if err != nil {
		t.Fatal(err)
	}
	var files [][]byte
	var names []string
	for _, f := range plan(tree.Entries()) {
		if skipReason(f.Path) != "" || f.Size > DefaultLimits.MaxFile {
			continue
		}
		d, err := tree.ReadFile(f.Path, DefaultLimits.MaxFile)
		if err != nil {
			continue
		}
		files = append(files, d)
		names = append(names, f.Path)
	}
	texts := make([]*text, len(files))
	for i, f := range files {
		texts[i] = newText(f)
	}
	s := newScanner()
	type cost struct {
		name string
		d    time.Duration
		runs int
	}
	var costs []cost
	for rep := 0; rep < 3; rep++ {
	costs = costs[:0]
	for _, d := range s.detectors {
		start := time.Now()
		runs := 0
		for _, f := range files {
			_ = f
		}
		for i, f := range files {
			tx := texts[i]
			if d.guard != nil && !d.guard(tx) {
				continue
			}
			runs++
			d.d.Detect(f)
		}
		costs = append(costs, cost{d.name, time.Since(start), runs})
	}
	}
	start := time.Now()
	for i, f := range files {
		defaultcreds.Scan(f, credModes(names[i]))
	}
	costs = append(costs, cost{"defaultcreds", time.Since(start), len(files)})
	sort.Slice(costs, func(i, j int) bool { return costs[i].d > costs[j].d })
	var total time.Duration
	for _, c := range costs {
		total += c.d
	}
	fmt.Println("files", len(files), "total", total)
	for _, c := range costs[:25] {
		fmt.Printf("%-45s %8v %d\n", c.name, c.d.Round(time.Microsecond), c.runs)
	}
}
