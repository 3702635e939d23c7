// Package source gives collectors read-only access to what is being assessed:
// the files of a local directory and its git history. It is the only place
// that touches the scanned tree, so the safety rules live here: nothing
// outside the tree is read (os.Root refuses symlinks that escape), only
// regular files are opened (never FIFOs or devices), sizes and counts are
// capped, and every oddity met on the way is recorded rather than fatal.
package source

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/assaysec/assay/internal/limits"
)

// Sentinel errors returned by Tree.ReadFile, so callers can branch on them.
var (
	ErrNotRegular = errors.New("not a regular file")
	ErrTooLarge   = errors.New("file exceeds size limit")
	ErrOutside    = errors.New("path escapes the tree")
	ErrSymlink    = errors.New("is a symbolic link; not followed")
)

// OddityKind classifies something unusual met while indexing the tree.
type OddityKind string

// Oddity kinds. Each is reported as a finding; none aborts the assessment.
const (
	OddSymlinkOutside OddityKind = "symlink_outside_tree"
	OddSymlinkLoop    OddityKind = "symlink_unresolvable"
	OddSpecialFile    OddityKind = "special_file"
	OddLargeFile      OddityKind = "file_too_large"
	OddUnsafeName     OddityKind = "unsafe_file_name"
	OddTooDeep        OddityKind = "directory_too_deep"
	OddTooMany        OddityKind = "too_many_files"
	OddUnreadable     OddityKind = "unreadable"
)

// Oddity is one unusual entry in the tree.
type Oddity struct {
	Kind   OddityKind
	Path   string
	Detail string
}

// Entry is one regular file in the tree index. Symlinks that stay inside the
// tree are indexed under their own path with the target's size.
type Entry struct {
	Path    string // slash-separated, relative to the tree root
	Size    int64
	Symlink bool
}

// Tree is a read-only view of a directory, indexed once.
type Tree struct {
	dir      string
	root     *os.Root
	entries  []Entry
	byPath   map[string]int
	dirs     map[string]bool
	oddities []Oddity
	skipped  int // oddities beyond limits.MaxOddities
}

// skipDirs are never descended into: VCS metadata, and directories that hold
// other people's code or fixtures rather than the product's own configuration.
var skipDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, "node_modules": true}

// OpenTree indexes dir. It fails only when dir itself cannot be opened.
func OpenTree(dir string) (*Tree, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open tree %q: %w", dir, err)
	}
	t := &Tree{dir: dir, root: root, byPath: map[string]int{}, dirs: map[string]bool{".": true}}
	t.index()
	return t, nil
}

// Close releases the tree's directory handle.
func (t *Tree) Close() error { return t.root.Close() }

// Dir returns the directory the tree was opened at, as given.
func (t *Tree) Dir() string { return t.dir }

// Entries returns every indexed regular file, sorted by path.
func (t *Tree) Entries() []Entry { return t.entries }

// Oddities returns what was unusual in the tree, sorted by path, and how many
// more were not recorded individually.
func (t *Tree) Oddities() ([]Oddity, int) { return t.oddities, t.skipped }

// Exists reports whether path is an indexed regular file.
func (t *Tree) Exists(p string) bool {
	_, ok := t.byPath[p]
	return ok
}

// IsDir reports whether path is a directory in the tree.
func (t *Tree) IsDir(p string) bool { return t.dirs[p] }

// Stat returns the index entry for path.
func (t *Tree) Stat(p string) (Entry, bool) {
	i, ok := t.byPath[p]
	if !ok {
		return Entry{}, false
	}
	return t.entries[i], true
}

// Find returns the indexed files whose path matches pred, in path order.
func (t *Tree) Find(pred func(p string) bool) []Entry {
	var out []Entry
	for _, e := range t.entries {
		if pred(e.Path) {
			out = append(out, e)
		}
	}
	return out
}

// FindFold returns the indexed files whose path equals one of candidates,
// ignoring case, in the order of candidates. It suits files like SECURITY.md
// whose case varies between projects.
func (t *Tree) FindFold(candidates ...string) []Entry {
	var out []Entry
	for _, c := range candidates {
		for _, e := range t.entries {
			if strings.EqualFold(e.Path, c) {
				out = append(out, e)
			}
		}
	}
	return out
}

// ReadFile reads a regular file of at most max bytes. It never blocks on a
// FIFO, never follows a symlink out of the tree and never reads more than
// max+1 bytes.
func (t *Tree) ReadFile(p string, max int64) ([]byte, error) {
	return readIn(t.root, p, max, false)
}

// ReadFileNoFollow is ReadFile for files whose identity matters, such as
// the declaration: p itself must not be a symbolic link, even to a file
// inside the tree.
func (t *Tree) ReadFileNoFollow(p string, max int64) ([]byte, error) {
	return readIn(t.root, p, max, true)
}

// ReadInDir reads the file name inside dir as Tree.ReadFileNoFollow does,
// without indexing the whole tree: never out of dir, never through a
// symbolic link, never from a FIFO or device, at most max bytes.
func ReadInDir(dir, name string, max int64) ([]byte, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open tree %q: %w", dir, err)
	}
	defer root.Close()
	return readIn(root, name, max, true)
}

func readIn(root *os.Root, p string, max int64, noFollow bool) ([]byte, error) {
	if !fs.ValidPath(p) {
		return nil, fmt.Errorf("read %q: %w", p, ErrOutside)
	}
	var lst fs.FileInfo
	if noFollow {
		var err error
		if lst, err = root.Lstat(p); err != nil {
			return nil, fmt.Errorf("read %q: %w", p, err)
		}
		if lst.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("read %q: %w", p, ErrSymlink)
		}
	}
	f, err := root.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("read %q: %w", p, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %q: %w", p, err)
	}
	if lst != nil && !os.SameFile(lst, st) {
		return nil, fmt.Errorf("read %q: replaced while being read: %w", p, ErrSymlink)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("read %q: %w", p, ErrNotRegular)
	}
	if st.Size() > max {
		return nil, fmt.Errorf("read %q (%d bytes, limit %d): %w", p, st.Size(), max, ErrTooLarge)
	}
	data, err := ReadAllSized(io.LimitReader(f, max+1), st.Size())
	if err != nil {
		return nil, fmt.Errorf("read %q: %w", p, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("read %q: %w", p, ErrTooLarge)
	}
	return data, nil
}

// ReadHead returns up to n bytes from the start of a regular file in the
// tree, whatever its size: enough to recognise a file by its magic bytes
// without reading it all.
func (t *Tree) ReadHead(p string, n int) ([]byte, error) {
	if !fs.ValidPath(p) {
		return nil, fmt.Errorf("read %q: %w", p, ErrOutside)
	}
	f, err := t.root.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("read %q: %w", p, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %q: %w", p, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("read %q: %w", p, ErrNotRegular)
	}
	data, err := io.ReadAll(io.LimitReader(f, int64(n)))
	if err != nil {
		return nil, fmt.Errorf("read %q: %w", p, err)
	}
	return data, nil
}

// Digest returns "sha256:<hex>" of data.
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// HashFile returns the SHA-256 hex digest of a regular file in the tree,
// streaming it so large evidence files need no memory.
func (t *Tree) HashFile(p string, max int64) (string, error) {
	if !fs.ValidPath(p) {
		return "", fmt.Errorf("hash %q: %w", p, ErrOutside)
	}
	f, err := t.root.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return "", fmt.Errorf("hash %q: %w", p, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("hash %q: %w", p, err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("hash %q: %w", p, ErrNotRegular)
	}
	if st.Size() > max {
		return "", fmt.Errorf("hash %q: %w", p, ErrTooLarge)
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, max)); err != nil {
		return "", fmt.Errorf("hash %q: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (t *Tree) odd(kind OddityKind, p, detail string) {
	if len(t.oddities) >= limits.MaxOddities {
		t.skipped++
		return
	}
	t.oddities = append(t.oddities, Oddity{Kind: kind, Path: p, Detail: detail})
}

// index walks the tree once. fs.WalkDir over os.Root never follows symlinked
// directories, so a symlink loop cannot recurse; symlinked files are resolved
// through the root, which refuses targets outside the tree.
func (t *Tree) index() {
	fsys := t.root.FS()
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.odd(OddUnreadable, p, err.Error())
			if d != nil && d.IsDir() && p != "." {
				return fs.SkipDir
			}
			return nil
		}
		if p == "." {
			return nil
		}
		if len(t.entries) >= limits.MaxTreeFiles {
			t.odd(OddTooMany, p, fmt.Sprintf("more than %d files; the rest of the tree was not indexed", limits.MaxTreeFiles))
			return fs.SkipAll
		}
		if !utf8.ValidString(p) || hasControl(p) || len(p) > limits.MaxPathLength {
			t.odd(OddUnsafeName, p, "file name holds control characters, invalid UTF-8 or is too long; skipped")
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		mode := d.Type()
		switch {
		case d.IsDir():
			if skipDirs[d.Name()] {
				return fs.SkipDir
			}
			if strings.Count(p, "/")+1 > limits.MaxTreeDepth {
				t.odd(OddTooDeep, p, fmt.Sprintf("deeper than %d levels; not indexed", limits.MaxTreeDepth))
				return fs.SkipDir
			}
			t.dirs[p] = true
			return nil
		case mode&fs.ModeSymlink != 0:
			t.indexSymlink(p)
			return nil
		case mode.IsRegular():
			info, err := d.Info()
			if err != nil {
				t.odd(OddUnreadable, p, err.Error())
				return nil
			}
			t.add(Entry{Path: p, Size: info.Size()})
			return nil
		default:
			t.odd(OddSpecialFile, p, fmt.Sprintf("%s is not a regular file; never opened", describeMode(mode)))
			return nil
		}
	})
	slices.SortFunc(t.entries, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	for i, e := range t.entries {
		t.byPath[e.Path] = i
	}
	slices.SortStableFunc(t.oddities, func(a, b Oddity) int { return strings.Compare(a.Path, b.Path) })
}

func (t *Tree) indexSymlink(p string) {
	target, err := t.root.Readlink(p)
	if err != nil {
		t.odd(OddUnreadable, p, err.Error())
		return
	}
	if path.IsAbs(target) || escapes(path.Dir(p), target) {
		t.odd(OddSymlinkOutside, p, "symlink points outside the tree; not followed")
		return
	}
	st, err := t.root.Stat(p)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) || strings.Contains(err.Error(), "too many levels") {
			t.odd(OddSymlinkLoop, p, "symlink loop; not followed")
		} else {
			t.odd(OddSymlinkLoop, p, "symlink target cannot be resolved inside the tree; not followed")
		}
		return
	}
	switch {
	case st.Mode().IsRegular():
		t.add(Entry{Path: p, Size: st.Size(), Symlink: true})
	case st.IsDir():
		// Directory symlinks are not descended: that is how loops are avoided.
	default:
		t.odd(OddSpecialFile, p, "symlink to a file that is not regular; never opened")
	}
}

func (t *Tree) add(e Entry) {
	if e.Size > limits.MaxFileSize {
		t.odd(OddLargeFile, e.Path, fmt.Sprintf("%d bytes exceeds the %d byte limit; not read", e.Size, limits.MaxFileSize))
	}
	t.entries = append(t.entries, e)
}

// escapes reports whether a relative symlink target leaves the tree when
// resolved from dir.
func escapes(dir, target string) bool {
	joined := path.Join(dir, target)
	return joined == ".." || strings.HasPrefix(joined, "../")
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	default:
		return "special file"
	}
}
