package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// benchNow is the assessment time of the benchmarks.
var benchNow = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

// BenchmarkRun_50000Files assesses a synthetic tree of 50,000 small files
// (sources, configuration, docs and tests in 500 directories) without git
// history. The tree is written once, outside the timed loop.
func BenchmarkRun_50000Files(b *testing.B) {
	dir := b.TempDir()
	src := []byte("package p\n\nfunc F(x int) int { return x * 2 }\n")
	cfg := []byte("server:\n  port: 8080\n")
	doc := []byte("# Notes\n\nSee the configuration guide.\n")
	for i := range 50000 {
		var p string
		var body []byte
		switch i % 4 {
		case 0, 1:
			p, body = fmt.Sprintf("pkg/m%03d/f%05d.go", i%500, i), src
		case 2:
			p, body = fmt.Sprintf("config/c%03d/f%05d.yaml", i%500, i), cfg
		default:
			p, body = fmt.Sprintf("docs/d%03d/f%05d.md", i%500, i), doc
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(full, body, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.test/p\n\ngo 1.22\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Run(context.Background(), Options{Path: dir, Now: benchNow}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRun_100000Commits assesses a repository whose history has
// 100,000 commits, of which the newest 100 fall inside the default
// twelve-month window. The history is written once (commit objects stored
// directly through go-git, one small tree), outside the timed loop. Its
// cost should follow the window and the caps, not the whole history.
func BenchmarkRun_100000Commits(b *testing.B) {
	n := 100000
	if testing.Short() {
		n = 10000
	}
	dir := b.TempDir()
	makeHistory(b, dir, n, 100)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Run(context.Background(), Options{Path: dir, Now: benchNow}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRun_100Commits is the same history without the 99,900 commits
// before the window: BenchmarkRun_100000Commits should cost this plus
// opening the larger pack.
func BenchmarkRun_100Commits(b *testing.B) {
	dir := b.TempDir()
	makeHistory(b, dir, 100, 100)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Run(context.Background(), Options{Path: dir, Now: benchNow}); err != nil {
			b.Fatal(err)
		}
	}
}

// makeHistory writes a linear history of n commits under dir, the newest
// recent of them an hour apart before benchNow and the rest an hour apart
// from two years earlier, all on one tree holding go.mod and a README.
func makeHistory(b *testing.B, dir string, n, recent int) {
	b.Helper()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		b.Fatal(err)
	}
	st := repo.Storer
	blob := func(data string) plumbing.Hash {
		o := st.NewEncodedObject()
		o.SetType(plumbing.BlobObject)
		w, _ := o.Writer()
		_, _ = w.Write([]byte(data))
		_ = w.Close()
		h, err := st.SetEncodedObject(o)
		if err != nil {
			b.Fatal(err)
		}
		return h
	}
	files := map[string]string{"README.md": "# Example\n", "go.mod": "module example.test/p\n\ngo 1.22\n"}
	tree := &object.Tree{}
	for _, name := range []string{"README.md", "go.mod"} {
		tree.Entries = append(tree.Entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: blob(files[name])})
		if err := os.WriteFile(filepath.Join(dir, name), []byte(files[name]), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	to := st.NewEncodedObject()
	if err := tree.Encode(to); err != nil {
		b.Fatal(err)
	}
	treeHash, err := st.SetEncodedObject(to)
	if err != nil {
		b.Fatal(err)
	}
	old := benchNow.Add(-2 * 365 * 24 * time.Hour).Add(-time.Duration(n-recent) * time.Hour)
	var parent plumbing.Hash
	for i := range n {
		when := old.Add(time.Duration(i) * time.Hour)
		if k := n - recent; i >= k {
			when = benchNow.Add(-time.Duration(n-i) * time.Hour)
		}
		sig := object.Signature{Name: "Dev", Email: fmt.Sprintf("dev%d@example.test", i%7), When: when}
		c := &object.Commit{Author: sig, Committer: sig, TreeHash: treeHash, Message: fmt.Sprintf("change %d\n\nFixes #%d.\n", i, i%900)}
		if parent != plumbing.ZeroHash {
			c.ParentHashes = []plumbing.Hash{parent}
		}
		o := st.NewEncodedObject()
		if err := c.Encode(o); err != nil {
			b.Fatal(err)
		}
		if parent, err = st.SetEncodedObject(o); err != nil {
			b.Fatal(err)
		}
	}
	ref := plumbing.NewHashReference(plumbing.NewBranchReferenceName("main"), parent)
	if err := st.SetReference(ref); err != nil {
		b.Fatal(err)
	}
	if err := st.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, ref.Name())); err != nil {
		b.Fatal(err)
	}
	// Into one pack, as a real repository's history is.
	if err := repo.RepackObjects(&git.RepackConfig{}); err != nil {
		b.Fatal(err)
	}
}
