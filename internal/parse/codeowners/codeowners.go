// Package codeowners reads CODEOWNERS files in GitHub's and GitLab's
// syntax: pattern lines with owners, comments, and GitLab [Section] headers
// with default owners.
package codeowners

import (
	"bufio"
	"bytes"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
)

// maxRules bounds the rules kept from one file.
const maxRules = 10_000

// Locations are where GitHub and GitLab look for CODEOWNERS, in their order.
var Locations = []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"}

var section = lazyre.New(`^\^?\[([^\]]+)\](?:\[\d+\])?\s*(.*)$`)

// Parse reads a CODEOWNERS file. It never fails: lines it cannot read are
// skipped, as the forges do.
func Parse(p string, data []byte) evidence.CodeOwners {
	out := evidence.CodeOwners{Path: p}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var sect string
	var sectOwners []string
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if m := section.FindStringSubmatch(line); m != nil {
			sect = m[1]
			sectOwners = fieldsNoComment(m[2])
			continue
		}
		f := fieldsNoComment(line)
		if len(f) == 0 {
			continue
		}
		r := evidence.CodeOwnerRule{Pattern: unescape(f[0]), Owners: f[1:], Line: n, Section: sect}
		if len(r.Owners) == 0 && sect != "" {
			r.Owners = sectOwners
		}
		out.Rules = append(out.Rules, r)
		if len(out.Rules) >= maxRules {
			break
		}
	}
	return out
}

// fieldsNoComment splits on white space, keeping backslash-escaped spaces
// inside a field, and stops at a # comment.
func fieldsNoComment(s string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && s[i+1] == ' ':
			cur.WriteString("\\ ")
			i++
		case c == ' ' || c == '\t':
			flush()
		case c == '#' && cur.Len() == 0:
			return out
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return out
}

func unescape(s string) string { return strings.ReplaceAll(s, `\ `, " ") }
