package source

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

// OpenRegular opens a file named by the user (a --release directory entry, an
// SBOM, a key, a bundle) for reading. It never blocks on a FIFO (the open is
// non-blocking and the opened file must be regular) and refuses files larger
// than max, so every input outside the scanned tree gets the same guards as
// the tree itself.
func OpenRegular(path string, max int64) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	return checkRegular(f, path, max)
}

// OpenRegularIn is OpenRegular for a name inside root: symlinks cannot lead
// out of root.
func OpenRegularIn(root *os.Root, name string, max int64) (*os.File, error) {
	f, err := root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	return checkRegular(f, name, max)
}

func checkRegular(f *os.File, name string, max int64) (*os.File, error) {
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: %w", name, ErrNotRegular)
	}
	if st.Size() > max {
		f.Close()
		return nil, fmt.Errorf("%s is %d bytes; the limit is %d: %w", name, st.Size(), max, ErrTooLarge)
	}
	return f, nil
}

// ReadRegular reads a user-named regular file of at most max bytes; the
// read itself is bounded too, in case the file grows after the check.
func ReadRegular(path string, max int64) ([]byte, error) {
	f, err := OpenRegular(path, max)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s grew past the limit of %d bytes: %w", path, max, ErrTooLarge)
	}
	return data, nil
}
