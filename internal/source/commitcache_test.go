package source

import (
	"errors"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestReopenSharesCommits: a commit read through one handle's unsigned
// view is served to a reopened handle from the shared cache, decodes to
// the same commit as a read from the pack, and is no object of another
// type.
func TestReopenSharesCommits(t *testing.T) {
	dir, wt, sig := stagedRepo(t)
	hash, err := wt.Commit("subject\n\nbody\n", &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		t.Fatal(err)
	}

	h, err := OpenHistory(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	fromPack, err := object.GetCommit(h.Unsigned(), hash)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := h.commits.get(hash); !ok {
		t.Fatal("commit not cached after a read through Unsigned")
	}
	other, err := h.Reopen()
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if other.commits != h.commits {
		t.Fatal("reopened handle has its own commit cache")
	}
	fromCache, err := object.GetCommit(other.Unsigned(), hash)
	if err != nil {
		t.Fatal(err)
	}
	opts := cmp.Options{cmpopts.IgnoreUnexported(object.Commit{})}
	if diff := cmp.Diff(fromPack, fromCache, opts); diff != "" {
		t.Errorf("cached commit differs (-pack +cache):\n%s", diff)
	}
	if _, err := object.GetTree(other.Unsigned(), hash); !errors.Is(err, plumbing.ErrObjectNotFound) {
		t.Errorf("commit read as a tree: err = %v; want ErrObjectNotFound", err)
	}
}

// TestCommitCacheBound: once full the cache keeps what it holds.
func TestCommitCacheBound(t *testing.T) {
	c := newCommitCache()
	big := make([]byte, maxCommitCache-10)
	c.put(plumbing.Hash{1}, big)
	c.put(plumbing.Hash{2}, make([]byte, 11))
	c.put(plumbing.Hash{3}, make([]byte, 10))
	got := []bool{}
	for _, h := range []plumbing.Hash{{1}, {2}, {3}} {
		_, ok := c.get(h)
		got = append(got, ok)
	}
	if diff := cmp.Diff([]bool{true, false, true}, got); diff != "" {
		t.Errorf("cached (-want +got):\n%s", diff)
	}
	if c.room(1) {
		t.Error("a full cache has room")
	}
}
