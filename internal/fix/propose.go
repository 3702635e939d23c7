package fix

import (
	"errors"
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/assaysec/assay/internal/atomicfile"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/source"
)

// Propose returns the changes that repair what the assessment found, read
// through read: update-bot entries, then each GitHub workflow's fixes
// (permissions, persist-credentials, injection, pinning through the pin
// file, then online). Problems are what it could not read or
func Propose(read Files, ev *evidence.Set, pinsPath string, extra []byte, online Resolver) ([]Change, []string) {
	var out []Change
	var problems []string
	renovate := false
	for _, it := range evidence.Facts[evidence.UpdateConfig](ev) {
		if it.Fact.Tool == "renovate" {
			renovate = true
		}
	}
	if c, ok, err := Dependabot(read, Targets(ev), renovate); err != nil {
		problems = append(problems, err.Error())
	} else if ok {
		out = append(out, c)
	}
	pins, err := LoadPins(read, pinsPath, extra)
	if err != nil {
		problems = append(problems, err.Error())
	}
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		pl := it.Fact
		if pl.System != evidence.CIGitHubActions || !strings.HasPrefix(pl.Path, ".github/workflows/") {
			continue
		}
		data, ok, err := read(pl.Path)
		if err != nil || !ok {
			problems = append(problems, fmt.Sprintf("%s: cannot read: %v", pl.Path, err))
			continue
		}
		c, ok, err := Workflow(pl.Path, data, Chain(pins.Resolve, online))
		switch {
		case err != nil:
			problems = append(problems, err.Error())
		case ok:
			out = append(out, c)
		default:
			problems = append(problems, c.Notes...)
		}
	}
	return out, problems
}

// TreeFiles reads files of tree, bounded, for the fixers.
func TreeFiles(tree *source.Tree) Files {
	return func(p string) ([]byte, bool, error) {
		if !tree.Exists(p) {
			return nil, false, nil
		}
		data, err := tree.ReadFile(p, 1<<20)
		if err != nil {
			return nil, false, err
		}
		return data, true, nil
	}
}

// Write writes a change under root atomically, refusing paths that leave
// it and symbolic links.
func Write(root string, c Change) error {
	clean := path.Clean(c.Path)
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return fmt.Errorf("fix: refusing to write %s outside the repository", c.Path)
	}
	full := root + "/" + clean
	if fi, err := os.Lstat(full); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("fix: %s is a symlink; not written", c.Path)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(path.Dir(full), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(full, c.New, 0o644)
}
