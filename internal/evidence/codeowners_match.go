package evidence

import (
	"path"
	"strings"
)

// Owners returns the owners of file p under the file's rules: the last
// matching rule wins (per section for GitLab, where every section applies;
// the result then joins the owners of all sections). It also returns the
// line of the deciding rule, 0 when none matched.
func (c CodeOwners) Owners(p string) ([]string, int) {
	bySection := map[string]CodeOwnerRule{}
	var order []string
	for _, r := range c.Rules {
		if MatchCodeOwners(r.Pattern, p) {
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

// MatchCodeOwners reports whether a CODEOWNERS pattern (gitignore-style) matches the
// slash-separated path p.
func MatchCodeOwners(pattern, p string) bool {
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
