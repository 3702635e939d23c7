package cli_test

import (
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// gitInit makes dir a git repository whose single commit holds every file
// in it, then adds the given lightweight tags.
func gitInit(dir string, when time.Time, tags []string) error {
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		return err
	}
	wt, err := repo.Worktree()
	if err != nil {
		return err
	}
	if err := wt.AddGlob("."); err != nil {
		return err
	}
	sig := &object.Signature{Name: "Test Developer", Email: "dev@example.com", When: when}
	hash, err := wt.Commit("initial commit", &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
	if err != nil {
		return err
	}
	for _, t := range tags {
		if _, err := repo.CreateTag(t, hash, nil); err != nil {
			return err
		}
	}
	return nil
}
