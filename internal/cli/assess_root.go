package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/assaysec/assay/internal/report"
)

// maxWalkUp bounds the search for the repository root above PATH.
const maxWalkUp = 64

// repositoryRoot returns the nearest directory at or above p that holds
// .git, as git itself finds the work tree, and whether one was found.
func repositoryRoot(p string) (string, bool) {
	dir, err := filepath.Abs(p)
	if err != nil {
		return "", false
	}
	for range maxWalkUp {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", false
}

// assessRoot moves PATH to the repository root when PATH is a subdirectory
// of a git work tree, and returns the notice that says so ("" when PATH
// is the root or not in a repository). The root is what is released, what
// its lockfiles, CI and history describe, and where assay.yaml lives.
func assessRoot(p string) (string, string) {
	root, ok := repositoryRoot(p)
	if !ok {
		return p, ""
	}
	abs, err := filepath.Abs(p)
	if err != nil || abs == root {
		return p, ""
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		rel = abs
	}
	return root, fmt.Sprintf("%s is inside the git repository %s: assessed the repository root, as git does; run assay from a copy of the subdirectory to assess it alone", filepath.ToSlash(rel), root)
}

// addInputNotices appends, once per report, what the CLI knows about the
// input: the root it moved to, and that a declaration would help.
func addInputNotices(rep *report.Report, moved string) {
	if moved != "" {
		rep.Notices = append(rep.Notices, report.Finding{Rule: inputNotice, Outcome: "not_applicable", Message: moved})
	}
	if rep.Subject.Declaration == "" {
		rep.Notices = append(rep.Notices, report.Finding{Rule: inputNotice, Outcome: "not_applicable",
			Message: "no assay.yaml: `assay init` writes one (product, vendor, Senior Responsible Owner, contacts, support dates, remediation targets, product scope), and `assay attest` adds the attestations that claims marked unknown ask for"})
	}
}

// inputNotice names the notices the CLI adds about its input; it is not a
// rule of the catalog.
const inputNotice = "assessmentInput"
