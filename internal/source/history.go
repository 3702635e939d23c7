package source

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/assaysec/assay/internal/limits"
)

// ErrNoHistory is returned by OpenHistory, inside a *NoHistoryError, when
// the tree has no usable git repository.
var ErrNoHistory = errors.New("no git history")

// NoHistoryError says why a tree has no usable git history. It matches
// ErrNoHistory under errors.Is.
type NoHistoryError struct {
	Reason string // ".git is a symlink; not followed", "<dir> has no .git directory", ...
}

func (e *NoHistoryError) Error() string { return ErrNoHistory.Error() + ": " + e.Reason }

// Unwrap makes the error match ErrNoHistory.
func (e *NoHistoryError) Unwrap() error { return ErrNoHistory }

func noHistory(format string, args ...any) error {
	return &NoHistoryError{Reason: fmt.Sprintf(format, args...)}
}

// History is read-only access to the git history of the tree, through go-git:
// no git process is started and no hook, filter or config command ever runs.
type History struct {
	repo    *git.Repository
	storage *filesystem.Storage
	bounded boundedStorage
	head    *object.Commit // nil for a repository with no commits
	ref     string
	dir     string
	commits *commitCache // shared with the handles Reopen opens
	// headHash is HEAD's id once Release has dropped the HEAD commit.
	headHash string

	trackedOnce sync.Once
	tracked     map[string]bool
	trackedErr  error
}

// OpenHistory opens the git repository at the root of dir. Only a real .git
// directory inside the tree is accepted: a .git file or symlink could point
// anywhere on the machine, and alternates could pull objects from outside.
func OpenHistory(dir string) (*History, error) {
	return openHistory(dir, newCommitCache())
}

// Reopen opens another handle on the same repository, for a concurrent
// reader: go-git storage is not safe for concurrent use. The handles share
// the commits read through Unsigned, so a walk on one reads from memory
// the commits another walk decoded. Each handle must be closed.
func (h *History) Reopen() (*History, error) {
	return openHistory(h.dir, h.commits)
}

func openHistory(dir string, commits *commitCache) (*History, error) {
	dotgit := filepath.Join(dir, ".git")
	st, err := os.Lstat(dotgit)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, noHistory("%s has no .git directory", dir)
	case err != nil:
		return nil, noHistory("%v", err)
	case st.Mode()&os.ModeSymlink != 0:
		return nil, noHistory(".git is a symlink; not followed")
	case !st.IsDir():
		return nil, noHistory(".git is a file (worktree or submodule pointing elsewhere); not followed")
	}
	for _, p := range []string{"objects/info/alternates", "commondir"} {
		if _, err := os.Lstat(filepath.Join(dotgit, p)); err == nil {
			return nil, noHistory(".git/%s points at objects outside the tree; not followed", p)
		}
	}
	// The storage keeps pack files open between object reads (go-git
	// otherwise reopens the pack and builds a reader for every object);
	// Close releases them.
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, noHistory("%v", err)
	}
	wt := osfs.New(abs)
	dot, err := wt.Chroot(git.GitDirName)
	if err != nil {
		return nil, noHistory("open repository: %v", err)
	}
	store := filesystem.NewStorageWithOptions(dot, cache.NewObjectLRU(historyCacheSize),
		filesystem.Options{KeepDescriptors: true, LargeObjectThreshold: limits.LargeGitObject})
	bounded := boundedStorage{Storage: store, max: limits.MaxCommitObject}
	repo, err := git.Open(bounded, wt)
	if err != nil {
		_ = store.Close()
		return nil, noHistory("open repository: %v", err)
	}
	h := &History{repo: repo, storage: store, bounded: bounded, dir: dir, commits: commits}
	ref, err := repo.Head()
	if err != nil {
		if errors.Is(err, plumbing.ErrReferenceNotFound) {
			return h, nil // repository without commits
		}
		_ = store.Close()
		return nil, noHistory("read HEAD: %v", err)
	}
	h.ref = ref.Name().Short()
	c, err := repo.CommitObject(ref.Hash())
	if err != nil {
		_ = store.Close()
		return nil, noHistory("read HEAD commit: %v", err)
	}
	h.head = c
	return h, nil
}

// Close releases the pack files the storage keeps open. A nil History
// closes without error; reading after Close reopens packs one by one.
func (h *History) Close() error {
	if h == nil || h.storage == nil {
		return nil
	}
	return h.storage.Close()
}

// Release closes the repository and lets go of everything read from it
// but HEAD's id and branch, which HeadHash and Branch still answer; nothing
// else may be called after it. The object caches, pack indexes and shared
// commits are most of the memory a handle holds, and an assessment keeps
// its handle open long after the last collector has read history. A nil
// History releases without error.
func (h *History) Release() error {
	if h == nil {
		return nil
	}
	err := h.Close()
	*h = History{ref: h.ref, headHash: h.HeadHash()}
	return err
}

// Repository exposes the go-git repository to collectors that walk history.
// Collectors must treat it as read-only.
func (h *History) Repository() *git.Repository { return h.repo }

// Head returns the HEAD commit, or nil for a repository with no commits.
func (h *History) Head() *object.Commit { return h.head }

// HeadHash returns the HEAD commit id, or "" when there is none.
func (h *History) HeadHash() string {
	if h.head == nil {
		return h.headHash
	}
	return h.head.Hash.String()
}

// Branch returns the short name of HEAD ("main"), or "HEAD" when detached.
func (h *History) Branch() string { return h.ref }

// Tracked reports whether path is in the HEAD commit's tree, that is,
// committed rather than merely present in the working directory.
func (h *History) Tracked(path string) (bool, error) {
	h.trackedOnce.Do(h.loadTracked)
	if h.trackedErr != nil {
		return false, h.trackedErr
	}
	return h.tracked[path], nil
}

func (h *History) loadTracked() {
	h.tracked = map[string]bool{}
	if h.head == nil {
		return
	}
	tree, err := h.head.Tree()
	if err != nil {
		h.trackedErr = fmt.Errorf("read HEAD tree: %w", err)
		return
	}
	walker := object.NewTreeWalker(tree, true, nil)
	defer walker.Close()
	for n := 0; n < limits.MaxTreeFiles; n++ {
		name, entry, err := walker.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			h.trackedErr = fmt.Errorf("walk HEAD tree: %w", err)
			return
		}
		if entry.Mode.IsFile() {
			h.tracked[name] = true
		}
	}
}

// Tag is one git tag.
type Tag struct {
	Name      string
	Commit    string
	Date      time.Time // tagger date for annotated tags, else the commit date
	Annotated bool
	Signed    bool   // the tag object carries a signature (OpenPGP, SSH or X.509)
	Signature string // the armored signature, when signed
	Message   string
}

// Tags returns every tag, newest first, with at most max entries.
func (h *History) Tags(max int) ([]Tag, error) {
	iter, err := h.repo.Tags()
	if err != nil {
		return nil, fmt.Errorf("list tags: %w", err)
	}
	defer iter.Close()
	var tags []Tag
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		if len(tags) >= max {
			return io.EOF
		}
		t := Tag{Name: ref.Name().Short(), Commit: ref.Hash().String()}
		if to, err := h.repo.TagObject(ref.Hash()); err == nil {
			t.Annotated = true
			t.Date = to.Tagger.When
			t.Signature = to.PGPSignature
			t.Signed = to.PGPSignature != ""
			t.Message = to.Message
			if c, err := to.Commit(); err == nil {
				t.Commit = c.Hash.String()
			}
		} else if c, err := h.repo.CommitObject(ref.Hash()); err == nil {
			t.Date = c.Committer.When
		}
		tags = append(tags, t)
		return nil
	})
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("list tags: %w", err)
	}
	sort.SliceStable(tags, func(i, j int) bool {
		if !tags[i].Date.Equal(tags[j].Date) {
			return tags[i].Date.After(tags[j].Date)
		}
		return tags[i].Name < tags[j].Name
	})
	return tags, nil
}

// historyCacheSize bounds go-git's cache of decoded objects, one per
// handle. History walks read each commit once, newest first, and commits
// read again come from the shared commitCache, so what this cache still
// serves is mostly delta bases of trees and blobs. On sigstore/cosign 3 MiB
// decodes as fast as 4 or 8 MiB and the run peaks about 7 MB lower than
// with 4 MiB (the cache costs up to twice its size: go-git grows objects
// by appending); 2 MiB saved 5 MB more but cost about 45 ms of decoding.
// Its default (96 MiB) was most of the assessment's peak memory.
const historyCacheSize = 3 * cache.MiByte
