package fleet

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/assaysec/assay/internal/engine"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/report"
)

// Bounds on a --from list: it may come from anywhere, so it is read with
// limits like any other input.
const (
	MaxListSize  = 16 << 20
	MaxListPaths = 100_000
)

// ReadPathList parses a list of paths, one a line. Blank lines and lines
// starting with '#' are skipped; surrounding spaces are trimmed. name is
// used in errors, which give the line number.
func ReadPathList(name string, r io.Reader) ([]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxListSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > MaxListSize {
		return nil, fmt.Errorf("%s: larger than the limit of %d bytes", name, MaxListSize)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), limits.MaxPathLength+2)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		switch {
		case !utf8.ValidString(s):
			return nil, fmt.Errorf("%s:%d: want a path in UTF-8", name, line)
		case strings.ContainsRune(s, 0):
			return nil, fmt.Errorf("%s:%d: a path must not contain NUL", name, line)
		}
		if len(out) == MaxListPaths {
			return nil, fmt.Errorf("%s:%d: more than the limit of %d paths", name, line, MaxListPaths)
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: a line longer than the path limit of %d bytes", name, line+1, limits.MaxPathLength)
		}
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return out, nil
}

// ResolveDirs turns paths into absolute, cleaned directory paths, in order
// and without duplicates. Symbolic links are resolved so that one directory
// is one repository.
func ResolveDirs(paths []string) ([]string, error) {
	seen := map[string]bool{}
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		if len(p) > limits.MaxPathLength {
			return nil, fmt.Errorf("path %.40q...: longer than the limit of %d bytes", p, limits.MaxPathLength)
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			abs = real
		}
		st, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("%s: not a directory", p)
		}
		if !seen[abs] {
			seen[abs] = true
			out = append(out, abs)
		}
	}
	return out, nil
}

// EngineAssessor assesses with Assay's engine, offline: a fleet run never
// uses network sources, so it needs and stores no token. A zero now means
// each assessment's own clock.
func EngineAssessor(now time.Time) Assessor {
	return func(ctx context.Context, path string) (*report.Report, error) {
		res, err := engine.Run(ctx, engine.Options{Path: path, Now: now})
		if err != nil {
			if errors.Is(err, engine.ErrUsage) {
				return nil, Permanent(err)
			}
			return nil, err
		}
		return res.Report, nil
	}
}
