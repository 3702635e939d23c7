package fleet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/go-git/go-git/v5"

	"github.com/assaysec/assay/internal/vulndb"
)

// fingerprintVersion changes when what goes into a fingerprint changes, so
// old fingerprints never match new ones.
const fingerprintVersion = "assay-fingerprint-1"

// maxDeclaration bounds the assay.yaml read for a fingerprint; a larger
// one is not fingerprinted (the directory is always assessed).
const maxDeclaration = 4 << 20

// EngineFingerprint returns a WorkOptions.Fingerprint for EngineAssessor:
// a hash of what decides an offline assessment's outcome.
//
//   - the commit checked out (HEAD); a directory that is not a git
//     repository gets no fingerprint and is always assessed;
//   - the declaration, assay.yaml, read from the directory, so an edit to
//     it is seen even before it is committed;
//   - the vulnerability database's manifest (CURRENT.json in dbDir, "" for
//     the default directory), which changes with every import;
//   - the Assay binary itself, so an upgrade re-assesses everything;
//   - the day (UTC) of now(): attestations expire and review dates pass
//     with the calendar, so an unchanged repository is still assessed once
//     a day.
//
// Other uncommitted edits in the working tree are not seen: queue the job
// with EnqueueOptions.Force to assess them.
func EngineFingerprint(dbDir string, now func() time.Time) func(ctx context.Context, dir string) (string, error) {
	if now == nil {
		now = time.Now
	}
	return func(ctx context.Context, dir string) (string, error) {
		commit, err := headCommit(dir)
		if err != nil || commit == "" {
			return "", err
		}
		decl, err := declarationHash(filepath.Join(dir, "assay.yaml"))
		if err != nil {
			return "", err
		}
		db, err := vulnDBState(dbDir)
		if err != nil {
			return "", err
		}
		h := sha256.New()
		fmt.Fprintf(h, "%s\ncommit %s\ndeclaration %s\nvulndb %s\nbinary %s\nday %s\n",
			fingerprintVersion, commit, decl, db, binaryHash(), now().UTC().Format(time.DateOnly))
		return hex.EncodeToString(h.Sum(nil)), nil
	}
}

// headCommit is the commit HEAD names, "" outside a git repository or on
// an unborn branch.
func headCommit(dir string) (string, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("fingerprint %s: %w", dir, err)
	}
	head, err := repo.Head()
	if err != nil {
		return "", nil //nolint:nilerr // an unborn branch: no commit, always assessed
	}
	return head.Hash().String(), nil
}

// declarationHash hashes a repository's assay.yaml without following a
// symbolic link or opening anything but a regular file: the repository may
// be hostile, and a link to a FIFO or a device must not block or flood the
// worker. A link is hashed by its target's name.
func declarationHash(path string) (string, error) {
	st, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "none", nil
	case err != nil:
		return "", fmt.Errorf("fingerprint: %w", err)
	case st.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(path)
		if err != nil {
			return "", fmt.Errorf("fingerprint: %w", err)
		}
		return "symlink:" + target, nil
	case !st.Mode().IsRegular():
		return "", fmt.Errorf("fingerprint: %s is not a regular file", path)
	}
	return fileHash(path, maxDeclaration)
}

// fileHash is the SHA-256 of a file, "none" when it does not exist.
func fileHash(path string, limit int64) (string, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "none", nil
	}
	if err != nil {
		return "", fmt.Errorf("fingerprint: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(f, limit+1))
	if err != nil {
		return "", fmt.Errorf("fingerprint: %w", err)
	}
	if n > limit {
		return "", fmt.Errorf("fingerprint: %s is larger than %d bytes", path, limit)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// vulnDBState hashes the vulnerability database's manifest: an import
// always replaces it, and sources are immutable once imported.
func vulnDBState(dir string) (string, error) {
	if dir == "" {
		d, err := vulndb.DefaultDir()
		if err != nil {
			return "unavailable", nil //nolint:nilerr // the assessment reports the same problem
		}
		dir = d
	}
	return fileHash(filepath.Join(dir, "CURRENT.json"), 16<<20)
}

var (
	binaryOnce sync.Once
	binarySum  string
)

// binaryHash identifies the running Assay: the executable's SHA-256, else
// its build information.
func binaryHash() string {
	binaryOnce.Do(func() {
		if exe, err := os.Executable(); err == nil {
			if sum, err := fileHash(exe, 1<<30); err == nil && sum != "none" {
				binarySum = sum
				return
			}
		}
		if bi, ok := debug.ReadBuildInfo(); ok {
			h := sha256.Sum256([]byte(bi.String()))
			binarySum = "build-" + hex.EncodeToString(h[:])
			return
		}
		binarySum = "unknown"
	})
	return binarySum
}
