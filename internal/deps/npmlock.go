package deps

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/google/osv-scalibr/extractor"
	"github.com/google/osv-scalibr/extractor/filesystem"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/metadata"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/packagelockjson"
	"github.com/google/osv-scalibr/inventory"
	"github.com/google/osv-scalibr/purl"

	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/source"
)

// npmLockExtractor reads package-lock.json and npm-shrinkwrap.json in one
// pass. OSV-SCALIBR's extractor finds each package's line by re-parsing
// the document from the top for every package, which is quadratic: 87 % of
// `assay vulns` on axios's 2,115-entry lockfile, and minutes on the 20,000
// entries of a large monorepo. This one decodes the document once and
// finds every key's line in a single token walk. It claims the same files
// (FileRequired is the library's) and returns the same packages, which
// TestNPMLockMatchesScalibr checks on real lockfiles.
type npmLockExtractor struct {
	filesystem.Extractor // the library's, for Name, FileRequired and Requirements
}

// heldReader reads bytes the caller already holds, and lets an extractor
// of Assay's own take them without copying.
type heldReader struct {
	*bytes.Reader
	data []byte
	memo *lockMemo
}

func newHeldReader(data []byte, memo *lockMemo) heldReader {
	return heldReader{bytes.NewReader(data), data, memo}
}

// lockMemo keeps what the extractor decoded of one file for the readers
// that come after it (the dependency graph, the integrity count): a large
// package-lock.json was decoded three times, each costing as much as the
// extraction. It is read only once the extraction has returned.
type lockMemo struct {
	npm *npmLockDoc
}

// npmLock wraps the library's extractor; nil stays nil.
func npmLock(lib filesystem.Extractor) filesystem.Extractor {
	if lib == nil {
		return nil
	}
	return npmLockExtractor{lib}
}

// npmLockDoc is a package-lock.json as every reader of it needs it: the
// packages, the dependency graph and the integrity fields.
type npmLockDoc struct {
	// Packages is lockfile v2/v3's map by node_modules path; nil in v1.
	Packages map[string]npmLockPackage `json:"packages"`
	// v1 is lockfile v1's nested "dependencies", decoded only when there
	// is no "packages" map (v2 keeps a v1 copy no reader needs).
	v1 map[string]npmLockV1Entry
}

type npmLockPackage struct {
	Name                 string            `json:"name"`
	Version              string            `json:"version"`
	Resolved             string            `json:"resolved"`
	Integrity            string            `json:"integrity"`
	Link                 bool              `json:"link"`
	Dev                  bool              `json:"dev"`
	DevOptional          bool              `json:"devOptional"`
	Optional             bool              `json:"optional"`
	InBundle             bool              `json:"inBundle"`
	Dependencies         map[string]string `json:"dependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
	PeerDependencies     map[string]string `json:"peerDependencies"`
}

type npmLockV1Entry struct {
	Version      string                    `json:"version"`
	Resolved     string                    `json:"resolved"`
	Dev          bool                      `json:"dev"`
	Optional     bool                      `json:"optional"`
	Requires     map[string]string         `json:"requires"`
	Dependencies map[string]npmLockV1Entry `json:"dependencies"`
}

// decodeNPMLock decodes a package-lock.json or npm-shrinkwrap.json; an
// error names the line and column.
func decodeNPMLock(data []byte) (*npmLockDoc, error) {
	var doc *npmLockDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, jsonErrorAt(data, err)
	}
	if doc == nil {
		return nil, errors.New("decoded null JSON value")
	}
	if doc.Packages == nil {
		var v1 struct {
			Dependencies map[string]npmLockV1Entry `json:"dependencies"`
		}
		if err := json.Unmarshal(data, &v1); err != nil {
			return nil, jsonErrorAt(data, err)
		}
		doc.v1 = v1.Dependencies
	}
	return doc, nil
}

// npmLockMaxDepth bounds v1's nested "dependencies" (real trees are a few
// levels deep; a crafted one must not exhaust the stack).
const npmLockMaxDepth = 64

// npmEntry is one package as found, before merging repeats.
type npmEntry struct {
	key                   string // what repeats are merged on: name@version, or name@commit
	name, version, commit string
	groups                []string
	source                metadata.NPMPackageSource
	line                  int
}

// npmSourceRank orders sources when copies of one package disagree: the
// public registry wins over another remote, which wins over a local path.
func npmSourceRank(s metadata.NPMPackageSource) int {
	switch s {
	case metadata.PublicRegistry:
		return 3
	case metadata.Other:
		return 2
	case metadata.Local:
		return 1
	}
	return 0
}

// Extract implements filesystem.Extractor.
func (e npmLockExtractor) Extract(_ context.Context, in *filesystem.ScanInput) (inventory.Inventory, error) {
	// npm-shrinkwrap.json takes precedence over package-lock.json beside it.
	if path.Base(in.Path) == "package-lock.json" && in.FS != nil {
		if f, err := in.FS.Open(path.Join(path.Dir(in.Path), "npm-shrinkwrap.json")); err == nil {
			_ = f.Close()
			return inventory.Inventory{}, nil
		}
	}
	var data []byte
	if held, ok := in.Reader.(heldReader); ok {
		data = held.data // the bytes Scan already holds: no copy
	} else {
		size := int64(-1)
		if in.Info != nil {
			size = in.Info.Size()
		}
		var err error
		if data, err = source.ReadAllSized(in.Reader, size); err != nil {
			return inventory.Inventory{}, fmt.Errorf("could not read: %w", err)
		}
	}
	doc, err := decodeNPMLock(data)
	if err != nil {
		return inventory.Inventory{}, fmt.Errorf("could not extract: %w", err)
	}
	if held, ok := in.Reader.(heldReader); ok && held.memo != nil {
		held.memo.npm = doc
	}
	entries := npmEntries(doc, jsonKeyLines(data))
	return inventory.Inventory{Packages: npmPackages(entries, in.Path)}, nil
}

// NPMLockPins reads a package-lock.json or npm-shrinkwrap.json as Scan
// does, without the line of each package: for the history, which reads
// many revisions and needs no lines. An unreadable file is an error.
func NPMLockPins(p string, data []byte) ([]Package, error) {
	entries, err := readNPMLock(data, false)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", p, err)
	}
	return fromExtracted(npmPackages(entries, p), p).pkgs, nil
}

func parseNPMLock(data []byte) ([]npmEntry, error) { return readNPMLock(data, true) }

func readNPMLock(data []byte, withLines bool) ([]npmEntry, error) {
	doc, err := decodeNPMLock(data)
	if err != nil {
		return nil, err
	}
	lines := map[string]int{}
	if withLines {
		lines = jsonKeyLines(data)
	}
	return npmEntries(doc, lines), nil
}

// npmEntries lists the packages of a decoded lock; lines maps JSON key
// paths to their lines.
func npmEntries(doc *npmLockDoc, lines map[string]int) []npmEntry {
	var out []npmEntry
	if doc.Packages != nil {
		for key, p := range doc.Packages {
			if key == "" || p.Link {
				continue
			}
			name := p.Name
			if name == "" {
				name = npmNameFromPath(key)
			}
			merge := p.Version
			commit := gitCommit(p.Resolved)
			if commit == "" && p.Version != "" {
				commit = gitCommit(p.Version)
			}
			if commit != "" {
				merge = commit
			}
			out = append(out, npmEntry{key: name + "@" + merge, name: name, version: p.Version, commit: commit, groups: p.groups(), source: packagelockjson.DeterminePackageSource(p.Resolved, commit), line: lines["packages\x00"+key]})
		}
		return out
	}
	return npmV1Entries(doc.v1, lines, "dependencies", 0, out)
}

func (p npmLockPackage) groups() []string {
	var g []string
	if p.InBundle {
		g = []string{"bundled"}
	}
	if p.DevOptional {
		return append(g, "dev", "optional")
	}
	if p.Dev {
		g = append(g, "dev")
	}
	if p.Optional {
		g = append(g, "optional")
	}
	return g
}

func npmV1Entries(deps map[string]npmLockV1Entry, lines map[string]int, at string, depth int, out []npmEntry) []npmEntry {
	if depth >= npmLockMaxDepth {
		return out
	}
	for name, d := range deps {
		key := at + "\x00" + name
		out = npmV1Entries(d.Dependencies, lines, key+"\x00dependencies", depth+1, out)
		final, merge := d.Version, d.Version
		// An aliased package (npm:string-width@^4.2.0) is the real one.
		if rest, ok := strings.CutPrefix(d.Version, "npm:"); ok {
			if i := strings.LastIndex(rest, "@"); i > 0 {
				name, final = rest[:i], rest[i+1:]
			}
		}
		commit := ""
		if strings.HasPrefix(d.Version, "file:") {
			final = "" // a local directory has no version to match
		} else {
			commit = gitCommit(d.Version)
			if commit == "" {
				commit = gitCommit(d.Resolved)
			}
			if commit != "" {
				final, merge = "", commit
			}
		}
		g := []string(nil)
		switch {
		case d.Dev && d.Optional:
			g = []string{"dev", "optional"}
		case d.Dev:
			g = []string{"dev"}
		case d.Optional:
			g = []string{"optional"}
		}
		out = append(out, npmEntry{key: name + "@" + merge, name: name, version: final, commit: commit, groups: g, source: packagelockjson.DeterminePackageSource(d.Resolved, commit), line: lines[key]})
	}
	return out
}

// npmPackages merges repeats of one name@version (nested copies) the way
// npm's groups combine: a copy in no group makes the package a production
// dependency; otherwise the groups are united. The earliest line is kept.
func npmPackages(entries []npmEntry, p string) []*extractor.Package {
	type merged struct {
		npmEntry
		prod bool
	}
	byKey := map[string]*merged{}
	var keys []string
	for _, e := range entries {
		k := e.key
		m, ok := byKey[k]
		if !ok {
			m = &merged{npmEntry: e, prod: len(e.groups) == 0}
			byKey[k] = m
			keys = append(keys, k)
			continue
		}
		if len(e.groups) == 0 {
			m.prod = true
		}
		m.groups = append(m.groups, e.groups...)
		if npmSourceRank(e.source) > npmSourceRank(m.source) {
			m.source = e.source
		}
		if e.line > 0 && (m.line == 0 || e.line < m.line) {
			m.line = e.line
		}
	}
	sort.Strings(keys)
	out := make([]*extractor.Package, 0, len(keys))
	for _, k := range keys {
		m := byKey[k]
		groups := []string{}
		if !m.prod {
			groups = slices.Compact(slices.Sorted(slices.Values(m.groups)))
		}
		pt := purl.TypeNPM
		if m.commit != "" {
			pt = purl.TypeGit
		}
		out = append(out, &extractor.Package{
			Name:       m.name,
			Version:    m.version,
			SourceCode: &extractor.SourceCodeIdentifier{Commit: m.commit},
			PURLType:   pt,
			Metadata:   &metadata.JavascriptPackageMetadata{DepGroupVals: groups, Source: m.source},
			Location:   extractor.LocationFromPathAndLine(p, m.line),
		})
	}
	return out
}

// npmNameFromPath is the package name at the end of a node_modules path
// (node_modules/a/node_modules/@scope/b is @scope/b).
func npmNameFromPath(key string) string {
	name := path.Base(key)
	if scope := path.Base(path.Dir(key)); strings.HasPrefix(scope, "@") {
		name = scope + "/" + name
	}
	return name
}

var gitCommitForms = []*lazyre.Regexp{
	lazyre.New(`(?:^|.+@)(?:git(?:\+(?:ssh|https))?|ssh)://.+#(\w+)$`),
	lazyre.New(`(?:^|.+@)https://.+\.git#(\w+)$`),
	lazyre.New(`https://codeload\.github\.com(?:/[\w-.]+)+/tar\.gz/(\w+)`),
	lazyre.New(`https://gitlab\.com(?:/[\w-.]+)+/-/archive/(\w+)`),
	lazyre.New(`.+[#&]commit[:=](\w+)$`),
	lazyre.New(`^(?:github|gitlab|bitbucket):.+#(\w+)$`),
}

// gitCommit is the commit a git-resolved dependency is pinned to, or "".
// The forms are the ones npm writes: git+ssh://...#sha, https://....git#sha,
// codeload and GitLab archive URLs, github:owner/repo#sha, and a
// repository URL on a known git host with the commit as fragment or ref.
func gitCommit(s string) string {
	if s == "" || !strings.ContainsAny(s, "#/:") {
		return ""
	}
	// Registry tarballs are by far the most common resolution and never
	// carry a commit; skip the expressions for them.
	if strings.HasPrefix(s, "https://registry.") && !strings.Contains(s, "#") {
		return ""
	}
	for _, re := range gitCommitForms {
		if m := re.FindStringSubmatch(s); m != nil {
			return m[1]
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	switch u.Host {
	case "github.com", "gitlab.com", "bitbucket.org":
	default:
		return ""
	}
	if u.RawQuery == "" {
		return u.Fragment
	}
	return u.Query().Get("ref")
}

// jsonErrorAt names the line a JSON decoding error points at: encoding/json
// gives only a byte offset, and a reader of a 20,000-line lockfile needs the
// line.
func jsonErrorAt(data []byte, err error) error {
	var off int64
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		off = syntax.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	default:
		return err
	}
	off = min(max(off, 0), int64(len(data)))
	return fmt.Errorf("line %d: %w", bytes.Count(data[:off], []byte{'\n'})+1, err)
}

// jsonKeyLines scans a JSON document once and returns the line of every
// key of the objects packages live in: the members of "packages"
// (lockfile v2 and v3) and of v1's nested "dependencies" objects, keyed by
// the key's path joined with NUL ("packages\x00node_modules/a",
// "dependencies\x00a\x00dependencies\x00b"). It is a byte scanner rather
// than a token walk: the document has already been decoded (so it is valid
// JSON), and a token walk allocates every string of a lockfile that can
// hold tens of thousands of packages.
func jsonKeyLines(data []byte) map[string]int {
	// kind says what an open container is, and so which of its keys are
	// recorded and which of its children are followed.
	type kind uint8
	const (
		other   kind = iota // not followed
		root                // the document
		members             // "packages", or a v1 "dependencies" object: keys recorded
		v1Entry             // one v1 package: only its "dependencies" is followed
	)
	type frame struct {
		path      string
		kind      kind
		object    bool
		expectKey bool
	}
	out := map[string]int{}
	stack := make([]frame, 0, 16)
	line := 1
	nextPath, nextKind := "", root // what the next container opened is
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '\n':
			line++
		case '"':
			j, escaped := i+1, false
			for j < len(data) && data[j] != '"' {
				if data[j] == '\\' {
					escaped = true
					j++
				}
				j++
			}
			if j >= len(data) {
				return out
			}
			top := len(stack) - 1
			if top < 0 || !stack[top].object || !stack[top].expectKey {
				nextKind = other // a string value
				i = j
				continue
			}
			f := &stack[top]
			f.expectKey = false
			nextKind = other
			if f.kind != other {
				key := string(data[i+1 : j])
				if escaped {
					var k string
					if json.Unmarshal(data[i:j+1], &k) == nil {
						key = k
					}
				}
				switch f.kind {
				case root:
					nextPath = key
					if key == "packages" || key == "dependencies" {
						nextKind = members
					}
				case members:
					nextPath = f.path + "\x00" + key
					out[nextPath] = line
					if f.path != "packages" {
						nextKind = v1Entry
					}
				case v1Entry:
					if key == "dependencies" {
						nextPath, nextKind = f.path+"\x00"+key, members
					}
				}
			}
			i = j
		case '{', '[':
			if len(stack) >= 2*npmLockMaxDepth {
				return out
			}
			k := nextKind
			if c == '[' {
				k = other
			}
			stack = append(stack, frame{path: nextPath, kind: k, object: c == '{', expectKey: c == '{'})
			nextKind = other
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case ',':
			if top := len(stack) - 1; top >= 0 && stack[top].object {
				stack[top].expectKey = true
			}
			nextKind = other
		}
	}
	return out
}
