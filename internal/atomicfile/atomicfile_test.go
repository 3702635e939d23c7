package atomicfile

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "report.json")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(p)
	if err != nil || string(data) != "new" {
		t.Fatalf("content %q, %v", data, err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	// A target in a missing directory fails without leaving anything.
	if err := WriteFile(filepath.Join(dir, "missing", "x"), []byte("x"), 0o644); err == nil {
		t.Error("write into a missing directory succeeded")
	}
}

// TestWriteFileSymlink: a link stays a link and what it names gets the
// content, including a link to a file not yet created.
func TestWriteFileSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.json")
	os.WriteFile(real, []byte("old"), 0o644)
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink("real.json", link); err != nil {
		t.Skip("no symbolic links:", err)
	}
	if err := WriteFile(link, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", st.Mode(), err)
	}
	if data, _ := os.ReadFile(real); string(data) != "new" {
		t.Errorf("target content %q, want new", data)
	}
	dangling := filepath.Join(dir, "dangling.json")
	os.Symlink("later.json", dangling)
	if err := WriteFile(dangling, []byte("created"), 0o644); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(dangling); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the dangling link was replaced: %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "later.json")); string(data) != "created" {
		t.Errorf("dangling target content %q", data)
	}
	loop := filepath.Join(dir, "loop")
	os.Symlink("loop", loop)
	if err := WriteFile(loop, []byte("x"), 0o644); err == nil {
		t.Error("a symlink loop was written")
	}
}

// TestWriteFileFIFO: a FIFO (as a device would be) is written through and
// stays a FIFO; it is never renamed over.
func TestWriteFileFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "out.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs:", err)
	}
	link := filepath.Join(dir, "to-fifo")
	os.Symlink("out.fifo", link)
	for _, target := range []string{fifo, link} {
		got := make(chan string, 1)
		go func() {
			f, err := os.Open(fifo)
			if err != nil {
				got <- "open: " + err.Error()
				return
			}
			defer f.Close()
			data, _ := io.ReadAll(f)
			got <- string(data)
		}()
		if err := WriteFile(target, []byte("report\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		// Check before waiting for the reader: were the FIFO replaced, the
		// reader would never see a writer.
		st, err := os.Lstat(fifo)
		if err != nil || st.Mode()&os.ModeNamedPipe == 0 {
			t.Fatalf("%s: the FIFO was replaced: %v %v", target, st.Mode(), err)
		}
		if s := <-got; s != "report\n" {
			t.Errorf("%s: reader got %q", target, s)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	if err := WriteFile(dir, []byte("x"), 0o644); err == nil {
		t.Error("a directory was written")
	}
}
