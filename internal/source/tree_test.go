package source

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOpenTree_Hostile(t *testing.T) {
	outside := t.TempDir()
	write(t, outside, "secret.txt", "TOP SECRET")
	dir := t.TempDir()
	write(t, dir, "README.md", "hello")
	write(t, dir, "docs/SECURITY.md", "policy")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "abs-escape")))
	must(os.Symlink("../../"+filepath.Base(outside)+"/secret.txt", filepath.Join(dir, "rel-escape")))
	must(os.Symlink("loop-b", filepath.Join(dir, "loop-a")))
	must(os.Symlink("loop-a", filepath.Join(dir, "loop-b")))
	must(os.Symlink("README.md", filepath.Join(dir, "inside-link")))
	must(os.Symlink("docs", filepath.Join(dir, "dir-link")))
	must(syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644))
	write(t, dir, "bad\x1b[31mname", "x")

	tree, err := OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	var paths []string
	for _, e := range tree.Entries() {
		paths = append(paths, e.Path)
	}
	if diff := cmp.Diff([]string{"README.md", "docs/SECURITY.md", "inside-link"}, paths); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	odd, _ := tree.Oddities()
	kinds := map[string]OddityKind{}
	for _, o := range odd {
		kinds[o.Path] = o.Kind
	}
	want := map[string]OddityKind{
		"abs-escape":      OddSymlinkOutside,
		"rel-escape":      OddSymlinkOutside,
		"loop-a":          OddSymlinkLoop,
		"loop-b":          OddSymlinkLoop,
		"fifo":            OddSpecialFile,
		"bad\x1b[31mname": OddUnsafeName,
	}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("oddities (-want +got):\n%s", diff)
	}

	// Reading through the escaping links or the FIFO must fail, not block or leak.
	for _, p := range []string{"abs-escape", "rel-escape", "fifo", "loop-a", "../" + filepath.Base(outside) + "/secret.txt"} {
		data, err := tree.ReadFile(p, 1<<20)
		if err == nil || bytes.Contains(data, []byte("SECRET")) {
			t.Errorf("ReadFile(%q) = %q, %v; want an error", p, data, err)
		}
	}
	if _, err := tree.ReadFile("fifo", 1<<20); !errors.Is(err, ErrNotRegular) {
		t.Errorf("ReadFile(fifo): want ErrNotRegular, got %v", err)
	}
	if data, err := tree.ReadFile("inside-link", 100); err != nil || string(data) != "hello" {
		t.Errorf("ReadFile(inside-link) = %q, %v", data, err)
	}
	if _, err := tree.ReadFile("README.md", 2); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ReadFile over limit: want ErrTooLarge, got %v", err)
	}
}

func TestOpenHistory_RefusesDotGitFile(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".git", "gitdir: /etc\n")
	if _, err := OpenHistory(dir); !errors.Is(err, ErrNoHistory) {
		t.Errorf("OpenHistory with a .git file: want ErrNoHistory, got %v", err)
	}
	dir2 := t.TempDir()
	if err := os.Symlink("/", filepath.Join(dir2, ".git")); err != nil {
		t.Fatal(err)
	}
	_, err := OpenHistory(dir2)
	if !errors.Is(err, ErrNoHistory) {
		t.Errorf("OpenHistory with a .git symlink: want ErrNoHistory, got %v", err)
	}
	// The reason is carried, not parsed out of the message.
	var nh *NoHistoryError
	if !errors.As(err, &nh) || nh.Reason != ".git is a symlink; not followed" {
		t.Errorf("OpenHistory with a .git symlink: want a NoHistoryError with its reason, got %#v", err)
	}
	if got, want := err.Error(), "no git history: .git is a symlink; not followed"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestReadRegular(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.txt", "hello")
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	if data, err := ReadRegular(filepath.Join(dir, "a.txt"), 10); err != nil || string(data) != "hello" {
		t.Errorf("ReadRegular = %q, %v", data, err)
	}
	if _, err := ReadRegular(filepath.Join(dir, "a.txt"), 2); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over limit: want ErrTooLarge, got %v", err)
	}
	if _, err := ReadRegular(filepath.Join(dir, "fifo"), 10); !errors.Is(err, ErrNotRegular) {
		t.Errorf("fifo: want ErrNotRegular, got %v", err)
	}
	if _, err := ReadRegular(dir, 10); !errors.Is(err, ErrNotRegular) {
		t.Errorf("directory: want ErrNotRegular, got %v", err)
	}
}
