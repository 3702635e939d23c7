package render

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/assaysec/assay/internal/report"
)

// FileHref links to a repository file relative to the repository root, where
// a report is meant to be opened or published. Each path segment is
// percent-encoded and the link starts with "./", so a file named
// "javascript:x" or "//host" stays a relative link to that file.
func FileHref(p string, line int) string {
	p = strings.TrimLeft(strings.ReplaceAll(p, `\`, "/"), "/")
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	h := "./" + strings.Join(segs, "/")
	if line > 0 {
		h += "#L" + strconv.Itoa(line)
	}
	return h
}

// SafeURL returns u when it is an absolute http or https URL, else "" so
// that callers show it as text instead of a link.
func SafeURL(u string) string {
	pu, err := url.Parse(u)
	if err != nil || pu.Host == "" || (pu.Scheme != "https" && pu.Scheme != "http") {
		return ""
	}
	return pu.String()
}

// SubjectName names the assessed repository for people: its path as
// given, except that "." (or "./") says nothing to a reader of a report
// opened elsewhere, so the product's name stands in (the directory's name
// when nothing is declared).
func SubjectName(s report.Subject) string {
	switch strings.TrimSuffix(s.Path, "/") {
	case ".", "":
		if s.Product != "" {
			return s.Product
		}
	}
	return s.Path
}
