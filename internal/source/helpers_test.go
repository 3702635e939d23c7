package source

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// stagedRepo makes a git repository in a temporary directory with a.txt
// staged, and returns it with a fixed signature for its commits.
func stagedRepo(t *testing.T) (dir string, wt *git.Worktree, sig *object.Signature) {
	t.Helper()
	dir = t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if wt, err = repo.Worktree(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Add("a.txt"); err != nil {
		t.Fatal(err)
	}
	return dir, wt, &object.Signature{Name: "A", Email: "a@example.test", When: time.Unix(1700000000, 0)}
}
