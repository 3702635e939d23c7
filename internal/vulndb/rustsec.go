package vulndb

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"golang.org/x/mod/semver"
)

// RustSec's advisory-db keeps each advisory as crates/<crate>/RUSTSEC-*.md:
// a ```toml fenced block of metadata, then the Markdown title and
// description. osv.dev publishes the same advisories as OSV records (the
// repository's osv branch); ParseRustSec produces those records from the
// native files so the repository can be imported as cloned.

// isRustSecName reports whether a file name is a native RustSec advisory.
func isRustSecName(name string) bool {
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	return strings.HasPrefix(base, "RUSTSEC-") && strings.HasSuffix(strings.ToLower(base), ".md")
}

// rustsecAdvisory is the TOML front matter of one advisory; fields Assay
// has no use for are ignored by the decoder.
type rustsecAdvisory struct {
	Advisory struct {
		ID            string   `toml:"id"`
		Package       string   `toml:"package"`
		Date          string   `toml:"date"`
		URL           string   `toml:"url"`
		Title         string   `toml:"title"`
		Description   string   `toml:"description"`
		Categories    []string `toml:"categories"`
		Aliases       []string `toml:"aliases"`
		Related       []string `toml:"related"`
		CVSS          string   `toml:"cvss"`
		Informational string   `toml:"informational"`
		Withdrawn     string   `toml:"withdrawn"`
		// The V1 format kept the version lists in [advisory].
		PatchedVersions    []string `toml:"patched_versions"`
		UnaffectedVersions []string `toml:"unaffected_versions"`
	} `toml:"advisory"`
	Versions struct {
		Patched    []string `toml:"patched"`
		Unaffected []string `toml:"unaffected"`
	} `toml:"versions"`
	Affected struct {
		Arch      []string            `toml:"arch"`
		OS        []string            `toml:"os"`
		Functions map[string][]string `toml:"functions"`
	} `toml:"affected"`
}

// ParseRustSec converts one native RustSec advisory (Markdown with a
// ```toml front-matter block) to an OSV record as osv.dev publishes it:
// ecosystem crates.io, one SEMVER range derived from the patched and
// unaffected requirements, published at noon UTC of the advisory's date.
// The file carries no modification time (osv.dev takes it from git), so
// modified is the publication time.
func ParseRustSec(data []byte) (*Record, error) {
	if len(data) > MaxRecordSize {
		return nil, fmt.Errorf("advisory of %d bytes exceeds the %d byte limit", len(data), MaxRecordSize)
	}
	front, body, err := rustsecFrontMatter(data)
	if err != nil {
		return nil, err
	}
	var adv rustsecAdvisory
	if _, err := toml.Decode(front, &adv); err != nil {
		return nil, fmt.Errorf("decode RustSec front matter: %w", err)
	}
	a := adv.Advisory
	if !strings.HasPrefix(a.ID, "RUSTSEC-") {
		return nil, fmt.Errorf("%w: RustSec advisory without a RUSTSEC- id (got %q)", ErrNotOSV, truncate(a.ID, 40))
	}
	if a.Package == "" {
		return nil, fmt.Errorf("RustSec advisory %s names no package", a.ID)
	}
	published, err := rustsecDate(a.Date)
	if err != nil {
		return nil, fmt.Errorf("RustSec advisory %s: date: %w", a.ID, err)
	}
	r := &Record{ID: a.ID, Published: published, Modified: published, Aliases: a.Aliases, Summary: a.Title}
	if a.Withdrawn != "" {
		w, err := rustsecDate(a.Withdrawn)
		if err != nil {
			return nil, fmt.Errorf("RustSec advisory %s: withdrawn: %w", a.ID, err)
		}
		r.Withdrawn = w
	}
	if r.Summary == "" {
		r.Summary = markdownTitle(body)
	}
	switch {
	case strings.HasPrefix(a.CVSS, "CVSS:3."):
		r.Severity = []Severity{{Type: "CVSS_V3", Score: a.CVSS}}
	case strings.HasPrefix(a.CVSS, "CVSS:4."):
		r.Severity = []Severity{{Type: "CVSS_V4", Score: a.CVSS}}
	}
	patched := slices.Concat(adv.Versions.Patched, a.PatchedVersions)
	unaffected := slices.Concat(adv.Versions.Unaffected, a.UnaffectedVersions)
	events, dropped := rustsecEvents(unaffected, patched)
	dbs := map[string]any{}
	if len(a.Categories) > 0 {
		dbs["categories"] = a.Categories
	}
	if a.CVSS != "" {
		dbs["cvss"] = a.CVSS
	}
	if a.Informational != "" {
		dbs["informational"] = a.Informational
	}
	if len(dropped) > 0 {
		// Recorded so that a wider match than osv.dev's can be traced to
		// the requirement Assay could not express.
		dbs["assay_unconverted_requirements"] = dropped
	}
	functions := make([]string, 0, len(adv.Affected.Functions))
	for f := range adv.Affected.Functions {
		functions = append(functions, f)
	}
	slices.Sort(functions)
	eco := map[string]any{"affects": map[string]any{
		"arch": nonNil(adv.Affected.Arch), "os": nonNil(adv.Affected.OS), "functions": functions,
	}}
	r.Affected = []Affected{{
		Package:           Pkg{Ecosystem: "crates.io", Name: a.Package, PURL: "pkg:cargo/" + a.Package},
		Ranges:            []Range{{Type: "SEMVER", Events: events}},
		DatabaseSpecific:  dbs,
		EcosystemSpecific: eco,
	}}
	return r, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// rustsecFrontMatter splits an advisory into its TOML block and the
// Markdown that follows.
func rustsecFrontMatter(data []byte) (front, body string, err error) {
	s := string(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.TrimLeft(s, " \t\n")
	first, rest, ok := strings.Cut(s, "\n")
	if !ok || strings.TrimSpace(first) != "```toml" {
		return "", "", fmt.Errorf("%w: a RustSec advisory starts with a ```toml block", ErrNotOSV)
	}
	for off := 0; off <= len(rest); {
		line, _, _ := strings.Cut(rest[off:], "\n")
		if strings.TrimSpace(line) == "```" {
			end := min(off+len(line)+1, len(rest))
			return rest[:off], rest[end:], nil
		}
		if off+len(line) >= len(rest) {
			break
		}
		off += len(line) + 1
	}
	return "", "", errors.New("RustSec advisory: the ```toml block is not closed")
}

// markdownTitle returns the first level-one heading.
func markdownTitle(body string) string {
	for _, line := range strings.Split(body, "\n") {
		if t, ok := strings.CutPrefix(strings.TrimSpace(line), "# "); ok {
			return strings.TrimSpace(t)
		}
	}
	return ""
}

func rustsecDate(s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("want YYYY-MM-DD, got %q", truncate(s, 40))
	}
	return d.Add(12 * time.Hour), nil
}

// bound is one end of a range of versions.
type bound struct {
	kind int // unbounded, inclusive or exclusive
	v    string
}

const (
	unbounded = iota
	inclusive
	exclusive
)

// interval is a range of versions that a requirement accepts.
type interval struct{ start, end bound }

// cmpV compares two semantic versions (without the v prefix).
func cmpV(a, b string) int { return semver.Compare("v"+a, "v"+b) }

// startLE says whether a range starting at s and one ending at e share a
// version (s <= e), unbounded ends always doing so.
func startLE(s, e bound) bool {
	if s.kind == unbounded || e.kind == unbounded {
		return true
	}
	switch c := cmpV(s.v, e.v); {
	case c < 0:
		return true
	case c == 0:
		return s.kind == inclusive && e.kind == inclusive
	}
	return false
}

func (a interval) overlaps(b interval) bool {
	return startLE(a.start, b.end) && startLE(b.start, a.end)
}

// lowerStart returns the start that admits more versions.
func lowerStart(a, b bound) bound {
	switch {
	case a.kind == unbounded || b.kind == unbounded:
		return bound{}
	case cmpV(a.v, b.v) < 0:
		return a
	case cmpV(a.v, b.v) > 0:
		return b
	case a.kind == inclusive:
		return a
	}
	return b
}

// higherEnd returns the end that admits more versions.
func higherEnd(a, b bound) bound {
	switch {
	case a.kind == unbounded || b.kind == unbounded:
		return bound{}
	case cmpV(a.v, b.v) > 0:
		return a
	case cmpV(a.v, b.v) < 0:
		return b
	case a.kind == inclusive:
		return a
	}
	return b
}

// rustsecEvents derives the affected SEMVER events from the versions that
// are not affected (patched and unaffected requirements together): the
// affected versions are the gaps between the unaffected intervals. This is
// osv.dev's conversion; where RustSec's tooling refuses overlapping
// requirements, their union is taken. A requirement that cannot be
// expressed as an interval is left out, which can only widen the
// affected ranges: a match may be reported that osv.dev would not, never
// the reverse. The requirements left out are returned.
func rustsecEvents(unaffectedReqs, patchedReqs []string) ([]Event, []string) {
	var ivs []interval
	var dropped []string
	for _, req := range slices.Concat(unaffectedReqs, patchedReqs) {
		iv, err := parseCargoReq(req)
		if err != nil {
			dropped = append(dropped, req)
			continue
		}
		ivs = append(ivs, iv)
	}
	if len(ivs) == 0 {
		return []Event{{Introduced: "0.0.0-0"}}, dropped
	}
	slices.SortStableFunc(ivs, func(a, b interval) int {
		switch {
		case a.start.kind == unbounded && b.start.kind == unbounded:
			return 0
		case a.start.kind == unbounded:
			return -1
		case b.start.kind == unbounded:
			return 1
		}
		if c := cmpV(a.start.v, b.start.v); c != 0 {
			return c
		}
		// At the same version an inclusive start admits more.
		return cmpKind(a.start.kind, b.start.kind)
	})
	merged := []interval{ivs[0]}
	for _, iv := range ivs[1:] {
		last := &merged[len(merged)-1]
		if last.overlaps(iv) {
			last.start = lowerStart(last.start, iv.start)
			last.end = higherEnd(last.end, iv.end)
			continue
		}
		merged = append(merged, iv)
	}
	var ev []Event
	add := func(intro string, fixed string) {
		if intro == "" {
			intro = "0.0.0-0"
		}
		ev = append(ev, Event{Introduced: intro})
		if fixed != "" {
			ev = append(ev, Event{Fixed: fixed})
		}
	}
	switch s := merged[0].start; s.kind {
	case inclusive:
		add("", s.v)
	case exclusive:
		add("", incrementVersion(s.v))
	}
	for i := 1; i < len(merged); i++ {
		add(afterEnd(merged[i-1].end), atStart(merged[i].start))
	}
	if e := merged[len(merged)-1].end; e.kind != unbounded {
		add(afterEnd(e), "")
	}
	if ev == nil {
		// Every version is unaffected: say so with a range that holds none,
		// as the advisory still names the crate.
		return []Event{{Introduced: "0.0.0-0"}, {Fixed: "0.0.0-0"}}, dropped
	}
	return ev, dropped
}

func cmpKind(a, b int) int {
	switch {
	case a == b:
		return 0
	case a == inclusive:
		return -1
	}
	return 1
}

// afterEnd is the first affected version after an unaffected interval.
func afterEnd(e bound) string {
	if e.kind == inclusive {
		return incrementVersion(e.v)
	}
	return e.v
}

// atStart is the first unaffected version of an interval: the fix of the
// affected gap before it.
func atStart(s bound) string {
	if s.kind == exclusive {
		return incrementVersion(s.v)
	}
	return s.v
}

// incrementVersion returns the lowest version above v in SemVer
// precedence: 1.2.3 -> 1.2.4-0, 1.2.3-rc.1 -> 1.2.3-rc.1.0.
func incrementVersion(v string) string {
	v, _, _ = strings.Cut(v, "+")
	core, pre, hasPre := strings.Cut(v, "-")
	if hasPre {
		return core + "-" + pre + ".0"
	}
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return v
	}
	p, err := strconv.ParseUint(parts[2], 10, 64)
	if err != nil {
		return v
	}
	return parts[0] + "." + parts[1] + "." + strconv.FormatUint(p+1, 10) + "-0"
}

// parseCargoReq turns one Cargo version requirement ("< 0.6.5",
// ">= 1.2, < 1.4", "^0.3", "=1.0.1") into the interval it accepts. It
// refuses what has no single interval: wildcards, more than one lower or
// upper bound, and caret, tilde or exact comparators combined with others.
func parseCargoReq(req string) (interval, error) {
	parts := strings.Split(req, ",")
	if len(parts) > 2 {
		return interval{}, fmt.Errorf("too many comparators in %q", req)
	}
	var iv interval
	for _, p := range parts {
		op, ver, err := splitComparator(strings.TrimSpace(p))
		if err != nil {
			return interval{}, err
		}
		full, major, minor, patch, err := partialVersion(ver)
		if err != nil {
			return interval{}, fmt.Errorf("%q: %w", req, err)
		}
		alone := func() error {
			if len(parts) != 1 {
				return fmt.Errorf("%q: %s must be the only comparator", req, op)
			}
			return nil
		}
		switch op {
		case ">", ">=":
			if iv.start.kind != unbounded {
				return interval{}, fmt.Errorf("%q: two lower bounds", req)
			}
			iv.start = bound{inclusive, full}
			if op == ">" {
				iv.start.kind = exclusive
			}
		case "<", "<=":
			if iv.end.kind != unbounded {
				return interval{}, fmt.Errorf("%q: two upper bounds", req)
			}
			iv.end = bound{inclusive, full}
			if op == "<" {
				iv.end.kind = exclusive
			}
		case "=":
			if err := alone(); err != nil {
				return interval{}, err
			}
			iv = interval{bound{inclusive, full}, bound{inclusive, full}}
		case "^", "~":
			if err := alone(); err != nil {
				return interval{}, err
			}
			var end string
			switch {
			case op == "~" && minor < 0:
				end = fmt.Sprintf("%d.0.0", major+1)
			case op == "~":
				end = fmt.Sprintf("%d.%d.0", major, minor+1)
			case major > 0:
				end = fmt.Sprintf("%d.0.0", major+1)
			case minor < 0:
				end = "1.0.0"
			case minor == 0 && patch >= 0:
				end = fmt.Sprintf("0.0.%d", patch+1)
			default:
				end = fmt.Sprintf("0.%d.0", minor+1)
			}
			// -0 keeps the next major's pre-releases out, as Cargo does.
			iv = interval{bound{inclusive, full}, bound{exclusive, end + "-0"}}
		}
	}
	if iv.start.kind != unbounded && iv.end.kind != unbounded && !startLE(iv.start, iv.end) {
		return interval{}, fmt.Errorf("%q accepts no version", req)
	}
	return iv, nil
}

func splitComparator(s string) (op, ver string, err error) {
	for _, o := range []string{">=", "<=", ">", "<", "=", "^", "~"} {
		if v, ok := strings.CutPrefix(s, o); ok {
			return o, strings.TrimSpace(v), nil
		}
	}
	if s == "" {
		return "", "", errors.New("empty requirement")
	}
	return "^", s, nil // Cargo's default operator
}

// partialVersion parses major[.minor[.patch]][-pre][+build], returning
// the full version (missing parts 0, no build) and the parts, -1 where
// absent.
func partialVersion(s string) (full string, major, minor, patch int, err error) {
	core, _, _ := strings.Cut(s, "+")
	core, pre, hasPre := strings.Cut(core, "-")
	nums := strings.Split(core, ".")
	if len(nums) > 3 || core == "" {
		return "", 0, 0, 0, fmt.Errorf("version %q is not major[.minor[.patch]]", truncate(s, 40))
	}
	vals := []int{-1, -1, -1}
	for i, n := range nums {
		x, err := strconv.Atoi(n)
		if err != nil || x < 0 || (len(n) > 1 && n[0] == '0') {
			return "", 0, 0, 0, fmt.Errorf("version %q: %q is not a number (wildcards are not supported)", truncate(s, 40), truncate(n, 20))
		}
		vals[i] = x
	}
	if hasPre && len(nums) != 3 {
		return "", 0, 0, 0, fmt.Errorf("version %q: a pre-release needs major.minor.patch", truncate(s, 40))
	}
	full = fmt.Sprintf("%d.%d.%d", vals[0], max(vals[1], 0), max(vals[2], 0))
	if hasPre {
		full += "-" + pre
	}
	if !semver.IsValid("v" + full) {
		return "", 0, 0, 0, fmt.Errorf("version %q is not a semantic version", truncate(s, 40))
	}
	return full, vals[0], vals[1], vals[2], nil
}
