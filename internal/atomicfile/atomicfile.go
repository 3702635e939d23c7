// Package atomicfile writes files so that readers see either the old content
// or the new, never a torn write: the bytes go to a temporary file in the same
// directory, which is synced and then renamed over the target.
//
// Only regular files and new paths are replaced that way. A target that is
// a device or a FIFO (`-o /dev/stdout`, `-o /dev/null`, a named pipe) is
// written through, never renamed over: renaming would turn the device into
// a regular file for every process on the machine. A symbolic link is
// followed, and what it points to is written under the same rules, so the
// link stays a link.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// maxLinks bounds the symbolic links followed to find the real target.
const maxLinks = 40

// WriteFile writes data to path atomically with the given permissions.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	target, st, err := resolve(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	switch {
	case st == nil || st.Mode().IsRegular():
		return replace(target, data, perm)
	case st.IsDir():
		return fmt.Errorf("write %s: is a directory", path)
	case st.Mode()&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe) != 0:
		return writeThrough(path, target, data)
	}
	return fmt.Errorf("write %s: not a regular file, device or FIFO (%s); refusing to replace it", path, st.Mode().Type())
}

// resolve follows symbolic links from path to the file they name. It
// returns that file's path and its information, or nil information when
// nothing exists there yet.
func resolve(path string) (string, fs.FileInfo, error) {
	p := path
	for range maxLinks {
		st, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil, nil
		}
		if err != nil {
			return "", nil, err
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			return p, st, nil
		}
		link, err := os.Readlink(p)
		if err != nil {
			return "", nil, err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(p), link)
		}
		p = link
	}
	return "", nil, fmt.Errorf("too many levels of symbolic links")
}

// writeThrough writes to a device or FIFO in place, as a shell
// redirection would.
func writeThrough(path, target string, data []byte) error {
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// replace writes a temporary file beside path and renames it over path.
func replace(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
