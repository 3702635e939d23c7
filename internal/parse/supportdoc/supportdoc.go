// Package supportdoc reads end-of-support information that projects write in
// prose documents (README, SECURITY, SUPPORT): version tables with an
// end-of-life column ("| 6.x | EOL (2023-10-31) |"), a project-wide
// deprecation notice with a date ("As of Feb 11th 2020, this package is
// deprecated"), and support rules given without dates ("only the latest
// version is supported"). Input is Markdown or plain text; code is
// skipped.
package supportdoc

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/parse/doctext"
)

// Line is one release line read from a table or notice.
type Line struct {
	Version  string
	End      time.Time // end of life or of support; zero when none is given
	Security bool      // the column is about security support
	Current  bool      // marked latest, current or active, with no end date
	Ended    bool      // marked end of life (or unsupported) without a date
	Line     int
}

// Doc is what one document says.
type Doc struct {
	Lines    []Line
	Rule     string // a support rule without dates, as written
	RuleLine int
	// Notice is a written notice commitment; Notice.Months is 0 when the
	// document makes none.
	Notice Notice
}

// Limits.
const (
	MaxLines     = 200
	noticeWindow = 15 // prose lines from the top where a status notice counts
	maxRule      = 160
)

var (
	versionRe    = lazyre.New(`^v?\d+(?:\.\d+){0,2}(?:\.x|\.\*|\+)?(?:\s+lts)?$|^v?\d+\.x$`)
	sepRe        = lazyre.New(`^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$`)
	versionColRe = lazyre.New(`(?i)version|release|branch|series|line`)
	endColRe     = lazyre.New(`(?i)eol|end|support|status|security|maintain|until|life|expir`)
	undecidedRe  = lazyre.New(`(?i)^\W*(?:tbd|tba|to be (?:determined|announced|decided))\W*$`)
	currentRe    = lazyre.New(`(?i)\b(?:latest|current|active|supported|maintained|stable)\b`)
	endWordRe    = lazyre.New(`(?i)\b(?:eol|end[- ]of[- ]life|end of support|unsupported|deprecated|until|ends?|ended|expired?)\b`)
	// The marks of a Supported column (GitHub's SECURITY.md template and
	// the tables that follow it): a tick for a supported line, a cross for
	// one that is not.
	supportedMarkRe = lazyre.New(`(?i)^(?:✅|✔️?|:white_check_mark:|:heavy_check_mark:|yes)(?:\s|$)`)
	endedMarkRe     = lazyre.New(`(?i)^(?:❌|✖️?|:x:|:heavy_multiplication_x:|no)(?:\s|$)`)
	noticeRe        = lazyre.New(`(?i)\b(?:deprecated|end[- ]of[- ]life|unmaintained|no longer (?:maintained|supported))\b`)
	ruleRe          = lazyre.New(`(?i)\b(?:only|just)\s+(?:the\s+)?(?:last|latest|most\s+recent|current|newest)\s+(?:stable\s+|major\s+|minor\s+)?(?:version|release|major|minor)s?\b|\b(?:the\s+)?(?:latest|last|most\s+recent)\s+(?:stable\s+)?(?:version|release)s?\s+(?:is|are)\s+(?:the\s+only\s+(?:ones?\s+)?)?supported\b`)

	endedRe     = lazyre.New(`(?i)^(?:eol|end[- ]of[- ]life|end of support|unsupported|unmaintained|no longer supported|not supported)$`)
	linkRe      = lazyre.New(`\[([^\]]*)\]\([^)]*\)`)
	monthYearRe = lazyre.New(`(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})\b`)

	isoRe   = lazyre.New(`\b(\d{4})-(\d{2})-(\d{2})\b`)
	monthRe = lazyre.New(`(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`)
	dayMoRe = lazyre.New(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})\b`)
)

var months = map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// FindDate returns the first calendar date written in s.
func FindDate(s string) (time.Time, bool) {
	best, at := time.Time{}, -1
	try := func(i int, y, m, d int) {
		t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if y < 1990 || y > 2200 || m < 1 || m > 12 || d < 1 || t.Day() != d {
			return
		}
		if at < 0 || i < at {
			best, at = t, i
		}
	}
	if m := isoRe.FindStringSubmatchIndex(s); m != nil {
		y, _ := strconv.Atoi(s[m[2]:m[3]])
		mo, _ := strconv.Atoi(s[m[4]:m[5]])
		d, _ := strconv.Atoi(s[m[6]:m[7]])
		try(m[0], y, mo, d)
	}
	if m := monthRe.FindStringSubmatchIndex(s); m != nil {
		d, _ := strconv.Atoi(s[m[4]:m[5]])
		y, _ := strconv.Atoi(s[m[6]:m[7]])
		try(m[0], y, int(months[strings.ToLower(s[m[2]:m[2]+3])]), d)
	}
	if m := dayMoRe.FindStringSubmatchIndex(s); m != nil {
		d, _ := strconv.Atoi(s[m[2]:m[3]])
		y, _ := strconv.Atoi(s[m[6]:m[7]])
		try(m[0], y, int(months[strings.ToLower(s[m[4]:m[4]+3])]), d)
	}
	return best, at >= 0
}

func cells(row string) []string {
	t := strings.TrimSpace(row)
	t = strings.TrimPrefix(strings.TrimSuffix(t, "|"), "|")
	parts := strings.Split(t, "|")
	for i, p := range parts {
		// A linked cell ("[1.7](https://…/v1.7.33)") reads as its text.
		p = linkRe.ReplaceAllString(p, "$1")
		parts[i] = strings.TrimSpace(strings.Trim(strings.TrimSpace(p), "*_`"))
	}
	return parts
}

// Parse reads a document. isReadme enables the status-notice search at the
// top of the file.
func Parse(path string, data []byte, isReadme bool) Doc {
	lines := doctext.Parse(data, doctext.FormatOf(path)).Lines
	var d Doc
	var header []string
	prose := 0
	table := 0 // index in d.Lines where the current table's rows start
	// endTable drops the rows of a table that gives no date at all: a
	// version table without end dates (a compatibility matrix, a list of
	// supported versions) is not a lifecycle table.
	endTable := func() {
		if header != nil && !slices.ContainsFunc(d.Lines[table:], func(l Line) bool { return !l.End.IsZero() }) {
			d.Lines = d.Lines[:table]
		}
		header, table = nil, len(d.Lines)
	}
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			endTable()
			continue
		}
		if strings.HasPrefix(t, "|") && strings.Count(t, "|") >= 2 {
			switch {
			case sepRe.MatchString(t):
			case header == nil:
				header, table = cells(t), len(d.Lines)
			default:
				if len(d.Lines) < MaxLines {
					if ln, ok := row(header, cells(t), i+1); ok {
						d.Lines = append(d.Lines, ln)
					}
				}
			}
			continue
		}
		endTable()
		prose++
		if isReadme && prose <= noticeWindow && noticeRe.MatchString(t) {
			if when, ok := FindDate(t); ok && len(d.Lines) < MaxLines {
				d.Lines = append(d.Lines, Line{Version: "*", End: when, Line: i + 1})
			}
		}
		if d.Rule == "" {
			if m := ruleRe.FindStringIndex(t); m != nil {
				if _, dated := FindDate(t); !dated {
					r := strings.Join(strings.Fields(t), " ")
					if len(r) > maxRule {
						r = r[:maxRule]
					}
					d.Rule, d.RuleLine = r, i+1
				}
			}
		}
	}
	endTable()
	if n, ok := FindNotice(lines); ok {
		d.Notice = n
	}
	// A document that gives no date at all has no lifecycle table.
	dated := false
	for _, l := range d.Lines {
		if !l.End.IsZero() {
			dated = true
		}
	}
	if !dated {
		d.Lines = nil
	}
	return d
}

// monthEnd reads a month without a day ("September 2026", "March, 2027")
// as the last day of that month: support runs through it.
func monthEnd(s string) (time.Time, bool) {
	m := monthYearRe.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	y, _ := strconv.Atoi(m[2])
	if y < 1990 || y > 2200 {
		return time.Time{}, false
	}
	first := time.Date(y, months[strings.ToLower(m[1][:3])], 1, 0, 0, 0, 0, time.UTC)
	return first.AddDate(0, 1, -1), true
}

// namedVersionRe is a version cell that names the product first
// ("PHPUnit 13", "Foo Server 2.4.x"): at most two words, then the version.
var namedVersionRe = lazyre.New(`(?i)^([a-z][a-z0-9.+_-]*(?:\s+[a-z][a-z0-9.+_-]*)?)\s+(v?\d.*)$`)

// runtimeNames are platforms whose versions a project's table may list
// with dates that are theirs, not the project's ("Python 3.8 | EOL
// 2024-10-07" in a compatibility table): such a row is no release line of
// the product.
var runtimeNames = map[string]bool{"python": true, "php": true, "node": true, "node.js": true, "nodejs": true, "go": true, "golang": true,
	"java": true, "jdk": true, "openjdk": true, "ruby": true, "rust": true, ".net": true, "dotnet": true, "kotlin": true, "perl": true,
	"erlang": true, "elixir": true, "otp": true, "kubernetes": true, "k8s": true, "ubuntu": true, "debian": true, "windows": true, "macos": true}

// versionCell returns the version a table cell names: "2.x" as written,
// and "PHPUnit 13" as "13", so that the line matches the project's tags.
func versionCell(c string) (string, bool) {
	lc := strings.ToLower(c)
	if versionRe.MatchString(lc) {
		return c, true
	}
	m := namedVersionRe.FindStringSubmatch(c)
	if m == nil || runtimeNames[strings.ToLower(strings.Fields(m[1])[0])] || !versionRe.MatchString(strings.ToLower(m[2])) {
		return "", false
	}
	return m[2], true
}

// row reads one table row: the version column (named version, release,
// branch or series, else the first) and a date in an end-of-support column.
func row(header, cs []string, n int) (Line, bool) {
	vcol := 0
	for i, h := range header {
		if versionColRe.MatchString(h) {
			vcol = i
			break
		}
	}
	if vcol >= len(cs) {
		return Line{}, false
	}
	version, ok := versionCell(cs[vcol])
	if !ok {
		return Line{}, false
	}
	ln := Line{Version: version, Line: n}
	for i, c := range cs {
		if i == vcol || i >= len(header) || !endColRe.MatchString(header[i]) {
			continue
		}
		when, ok := FindDate(c)
		if !ok {
			when, ok = monthEnd(c)
		}
		if ok && (endWordRe.MatchString(c) || endWordRe.MatchString(header[i]) || strings.Contains(strings.ToLower(header[i]), "eol")) {
			ln.End = when
			ln.Security = strings.Contains(strings.ToLower(header[i]), "security")
			ln.Ended = false
			return ln, true
		}
		// An end date still to be set (TBD) is a line that has not ended.
		if currentRe.MatchString(c) || supportedMarkRe.MatchString(c) || undecidedRe.MatchString(c) {
			ln.Current = true
		}
		if endedRe.MatchString(c) || endedMarkRe.MatchString(c) {
			ln.Ended = true
		}
	}
	return ln, true
}
