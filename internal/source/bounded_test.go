package source

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/assaysec/assay/internal/limits"
)

// TestHugeCommitMessageIsBounded: a commit whose message is far larger
// than limits.MaxCommitObject is read cut short, under its own hash, with
// its tree and parents, and reading it allocates about the cut, not the
// message (issue 15 item 8).
func TestHugeCommitMessageIsBounded(t *testing.T) {
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Add("a.txt"); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "A", Email: "a@example.test", When: time.Unix(1700000000, 0)}
	first, err := wt.Commit("first\n", &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		t.Fatal(err)
	}
	const msgSize = 64 << 20
	msg := "huge subject\n\n" + strings.Repeat("x", msgSize)
	huge, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
	if err != nil {
		t.Fatal(err)
	}
	msg = ""
	runtime.GC()

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	h, err := OpenHistory(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	c := h.Head()
	runtime.ReadMemStats(&after)

	if c.Hash != huge {
		t.Errorf("head hash = %s; want %s", c.Hash, huge)
	}
	if len(c.ParentHashes) != 1 || c.ParentHashes[0] != first {
		t.Errorf("parents = %v; want [%s]", c.ParentHashes, first)
	}
	if !strings.HasPrefix(c.Message, "huge subject\n") || len(c.Message) > limits.MaxCommitObject {
		t.Errorf("message: %d bytes, prefix %q; want the subject, at most %d bytes", len(c.Message), c.Message[:min(20, len(c.Message))], limits.MaxCommitObject)
	}
	if _, err := c.Tree(); err != nil {
		t.Errorf("tree of the cut commit: %v", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
		t.Errorf("reading the commit allocated %d bytes; want well under the %d-byte message", got, msgSize)
	}
	// Ordinary commits are untouched.
	p, err := h.Repository().CommitObject(first)
	if err != nil || p.Message != "first\n" {
		t.Errorf("first commit = %v, %v", p, err)
	}
}
