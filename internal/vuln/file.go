package vuln

import (
	"fmt"
	"io"
	"os"

	"github.com/assaysec/assay/internal/limits"
)

// readFile reads a user-named regular file, bounded.
func readFile(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", p)
	}
	data, err := io.ReadAll(io.LimitReader(f, limits.MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > limits.MaxFileSize {
		return nil, fmt.Errorf("%s exceeds %d bytes", p, limits.MaxFileSize)
	}
	return data, nil
}
