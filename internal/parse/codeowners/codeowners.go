// Package codeowners reads CODEOWNERS files in GitHub's and GitLab's
// syntax: pattern lines with owners, comments, and GitLab [Section] headers
// with default owners.
package codeowners

import (
	"bufio"
	"bytes"
	"path"
	"regexp"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
)

// maxRules bounds the rules kept from one file.
const maxRules = 10_000

// Locations are where GitHub and GitLab look for CODEOWNERS, in their order.
var Locations = []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"}

var section = regexp.MustCompile(`^\^?\[([^\]]+)\](?:\[\d+\])?\s*(.*)$`)

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

// Owners returns the owners of file p under the file's rules: the last
// matching rule wins (per section for GitLab, where every section applies;
// the result then joins the owners of all sections). It also returns the
// line of the deciding rule, 0 when none matched.
func Owners(c evidence.CodeOwners, p string) ([]string, int) {
	bySection := map[string]evidence.CodeOwnerRule{}
	var order []string
	for _, r := range c.Rules {
		if Match(r.Pattern, p) {
			if _, ok := bySection[r.Section]; !ok {
				order = append(order, r.Section)
			}
			bySection[r.Section] = r
		}
	}
	var owners []string
	line := 0
	for _, s := range order {
		r := bySection[s]
		owners = append(owners, r.Owners...)
		if r.Line > line {
			line = r.Line
		}
	}
	return owners, line
}

// Match reports whether a CODEOWNERS pattern (gitignore-style) matches the
// slash-separated path p.
func Match(pattern, p string) bool {
	if pattern == "" {
		return false
	}
	if pattern == "*" || pattern == "**" || pattern == "/**" || pattern == "/*" && !strings.Contains(p, "/") {
		return true
	}
	anchored := strings.HasPrefix(pattern, "/") || strings.Contains(strings.TrimSuffix(pattern, "/"), "/")
	pat := strings.TrimPrefix(pattern, "/")
	dirOnly := strings.HasSuffix(pat, "/")
	pat = strings.TrimSuffix(pat, "/")
	if !anchored {
		// Matches at any depth: try every suffix of the path.
		segs := strings.Split(p, "/")
		for i := range segs {
			if matchPrefix(pat, strings.Join(segs[i:], "/"), dirOnly) {
				return true
			}
		}
		return false
	}
	return matchPrefix(pat, p, dirOnly)
}

// matchPrefix matches pat against p or against a directory prefix of p.
func matchPrefix(pat, p string, dirOnly bool) bool {
	segs := strings.Split(p, "/")
	for i := 1; i <= len(segs); i++ {
		prefix := strings.Join(segs[:i], "/")
		isDir := i < len(segs)
		if dirOnly && !isDir {
			continue
		}
		if globMatch(pat, prefix) {
			return true
		}
	}
	return false
}

// globMatch matches with ** spanning directories and * and ? within one.
func globMatch(pat, s string) bool {
	if !strings.Contains(pat, "**") {
		ok, err := path.Match(pat, s)
		return err == nil && ok
	}
	parts := strings.SplitN(pat, "**", 2)
	head, tail := parts[0], strings.TrimPrefix(parts[1], "/")
	if !strings.HasPrefix(s, strings.TrimSuffix(head, "/")) && head != "" {
		// head may hold wildcards; check segment-wise below.
		hs := strings.TrimSuffix(head, "/")
		segs := strings.Split(s, "/")
		hsegs := strings.Split(hs, "/")
		if len(segs) < len(hsegs) {
			return false
		}
		if !globMatch(hs, strings.Join(segs[:len(hsegs)], "/")) {
			return false
		}
		s = strings.Join(segs[len(hsegs):], "/")
	} else if head != "" {
		s = strings.TrimPrefix(strings.TrimPrefix(s, strings.TrimSuffix(head, "/")), "/")
	}
	if tail == "" {
		return true
	}
	segs := strings.Split(s, "/")
	for i := range segs {
		if globMatch(tail, strings.Join(segs[i:], "/")) {
			return true
		}
	}
	return false
}
