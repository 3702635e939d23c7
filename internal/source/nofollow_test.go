package source

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestReadNoFollowRefusesSymlinks(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "repo")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(base, "outside.yaml"), []byte("product: outside\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "real.yaml"), []byte("product: inside\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "plain.yaml"), []byte("product: plain\n"), 0o644)
	if err := os.Symlink("../outside.yaml", filepath.Join(dir, "out.yaml")); err != nil {
		t.Skip("no symbolic links:", err)
	}
	os.Symlink("real.yaml", filepath.Join(dir, "in.yaml"))

	for _, name := range []string{"out.yaml", "in.yaml"} {
		if _, err := ReadInDir(dir, name, 1<<10); !errors.Is(err, ErrSymlink) {
			t.Errorf("ReadInDir(%s) = %v, want ErrSymlink", name, err)
		}
	}
	if data, err := ReadInDir(dir, "plain.yaml", 1<<10); err != nil || string(data) != "product: plain\n" {
		t.Errorf("ReadInDir(plain.yaml) = %q, %v", data, err)
	}
	if _, err := ReadInDir(dir, "missing.yaml", 1<<10); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want ErrNotExist", err)
	}
	tree, err := OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	if _, err := tree.ReadFileNoFollow("in.yaml", 1<<10); !errors.Is(err, ErrSymlink) {
		t.Errorf("Tree.ReadFileNoFollow(in.yaml) = %v, want ErrSymlink", err)
	}
	if data, err := tree.ReadFile("in.yaml", 1<<10); err != nil || string(data) != "product: inside\n" {
		t.Errorf("Tree.ReadFile follows in-tree links: %q, %v", data, err)
	}
}
