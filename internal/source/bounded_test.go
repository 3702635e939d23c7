package source

import (
	"runtime"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"

	"github.com/assaysec/assay/internal/limits"
)

// TestHugeCommitMessageIsBounded: a commit whose message is far larger
// than limits.MaxCommitObject is read cut short, under its own hash, with
// its tree and parents, and reading it allocates about the cut, not the
// message (issue 15 item 8).
func TestHugeCommitMessageIsBounded(t *testing.T) {
	dir, wt, sig := stagedRepo(t)
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
