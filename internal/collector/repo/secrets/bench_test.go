package secrets

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/source"
)

// BenchmarkCollect_20000Files scans a synthetic tree of 20,000 files in
// the proportions of a mid-sized project: Go and Python sources, YAML
// configuration, Markdown docs and tests, about 1.5 KiB each.
func BenchmarkCollect_20000Files(b *testing.B) {
	dir := b.TempDir()
	n := 20000
	if s := os.Getenv("BENCH_FILES"); s != "" {
		fmt.Sscan(s, &n)
	}
	src := strings.Repeat("func handler(w http.ResponseWriter, r *http.Request) {\n\tname := r.URL.Query().Get(\"name\")\n\tfmt.Fprintf(w, \"hello %s\", name)\n}\n", 10)
	cfg := strings.Repeat("server:\n  port: 8080\n  host: 0.0.0.0\ndatabase:\n  user: app\n  password: ${DB_PASSWORD}\n", 12)
	doc := strings.Repeat("Configure the client with an API key read from the environment. See the settings page.\n", 16)
	var total int64
	for i := range n {
		var p, body string
		switch i % 5 {
		case 0, 1:
			p, body = fmt.Sprintf("pkg/m%03d/f%05d.go", i%400, i), src
		case 2:
			p, body = fmt.Sprintf("config/c%03d/f%05d.yaml", i%400, i), cfg
		case 3:
			p, body = fmt.Sprintf("docs/d%03d/f%05d.md", i%400, i), doc
		default:
			p, body = fmt.Sprintf("tests/t%03d/f%05d_test.py", i%400, i), src
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			b.Fatal(err)
		}
		total += int64(len(body))
	}
	tree, err := source.OpenTree(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer tree.Close()
	c := Collector{Limits: Limits{MaxFile: DefaultLimits.MaxFile, MaxBytes: DefaultLimits.MaxBytes, Timeout: 1 << 62}}
	b.SetBytes(total)
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Collect(context.Background(), &collector.Input{Tree: tree}); err != nil {
			b.Fatal(err)
		}
	}
}
