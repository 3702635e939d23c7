package vulndb

import (
	"archive/zip"
	"bufio"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/assaysec/assay/internal/atomicfile"
	"github.com/assaysec/assay/internal/textsafe"
)

// Layout of a database directory:
//
//	CURRENT.json            the list of live sources; replaced atomically
//	sources/<id>/           one immutable directory per imported source
//	    records.jsonl       compact OSV records, one per line
//	    <ecosystem>.idx     gob: normalised package name -> record spans
//	    kev.gob, epss.gob   for KEV and EPSS sources
//
// An import writes new source directories first and only then replaces
// CURRENT.json, so an interrupted import leaves the previous database as it
// was; directories no live source names are removed by the next import.
const (
	currentFile = "CURRENT.json"
	sourcesDir  = "sources"
	formatVer   = 1
)

// Source kinds.
const (
	KindOSV  = "osv"
	KindKEV  = "kev"
	KindEPSS = "epss"
)

// Limits on what one import reads.
const (
	MaxZipEntries   = 5_000_000
	MaxImportTotal  = 64 << 30 // total uncompressed bytes read from one source
	MaxDirDepth     = 32
	maxRecordsPrint = 20
)

// Meta is the content of CURRENT.json.
type Meta struct {
	Format  int          `json:"format"`
	Sources []SourceMeta `json:"sources"`
}

// SourceMeta describes one imported source.
type SourceMeta struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Origin     string         `json:"origin"`
	Kind       string         `json:"kind"`
	Records    int            `json:"records"`
	Skipped    int            `json:"skipped,omitempty"`
	Withdrawn  int            `json:"withdrawn,omitempty"`
	ImportedAt time.Time      `json:"importedAt"`
	Newest     time.Time      `json:"newest,omitzero"`
	Ecosystems map[string]int `json:"ecosystems,omitempty"`
	// Format names the record formats the source held.
	Format string `json:"format,omitempty"`
	// CheckedAt is when `assay db update` last found the source current at
	// its origin: imported then, or answered "not modified".
	CheckedAt time.Time `json:"checkedAt,omitzero"`
	// Fetched describes a downloaded source.
	Fetched *Fetched `json:"fetched,omitempty"`
}

// CurrentAt is when the source was last known to be current: imported, or
// confirmed unchanged by its origin since.
func (s SourceMeta) CurrentAt() time.Time {
	if s.CheckedAt.After(s.ImportedAt) {
		return s.CheckedAt
	}
	return s.ImportedAt
}

// Fetched is what `assay db update` recorded of a download: where from,
// the validators that make the next request conditional, and the digest
// and size of the bytes that were imported.
type Fetched struct {
	URL          string `json:"url"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
	SHA256       string `json:"sha256"`
	Bytes        int64  `json:"bytes"`
}

// Problem is a record that could not be imported.
type Problem struct {
	Source string
	Path   string
	Err    string
}

// DefaultDir is the database directory in the user cache directory.
func DefaultDir() (string, error) {
	c, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("locate the user cache directory: %w (use --db DIR)", err)
	}
	return filepath.Join(c, "assay", "vulndb"), nil
}

// ReadMeta reads CURRENT.json; a missing file is fs.ErrNotExist.
func ReadMeta(dir string) (*Meta, error) {
	p := filepath.Join(dir, currentFile)
	data, err := readBounded(p, maxMetaSize)
	if err != nil {
		return nil, err
	}
	m, err := ParseMeta(data)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return m, nil
}

// maxMetaSize bounds CURRENT.json: it lists sources, not records.
const maxMetaSize = 16 << 20

// ParseMeta decodes and checks a manifest (CURRENT.json). Every source
// must have an ID usable as a directory name and a known kind, so that a
// hand-edited or corrupt manifest can never name files outside the
// database directory.
func ParseMeta(data []byte) (*Meta, error) {
	var m Meta
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if m.Format != formatVer {
		return nil, fmt.Errorf("database format %d, want %d; re-import the sources", m.Format, formatVer)
	}
	for _, s := range m.Sources {
		if s.ID == "" || s.ID != filepath.Base(s.ID) || !filepath.IsLocal(s.ID) || strings.HasPrefix(s.ID, ".") {
			return nil, fmt.Errorf("source %q: invalid id %q; re-import the sources", s.Name, s.ID)
		}
		switch s.Kind {
		case KindOSV, KindKEV, KindEPSS:
		default:
			return nil, fmt.Errorf("source %q: unknown kind %q; re-import the sources", s.Name, s.Kind)
		}
		if s.Records < 0 {
			return nil, fmt.Errorf("source %q: negative record count", s.Name)
		}
	}
	return &m, nil
}

// ImportOptions tune an import.
type ImportOptions struct {
	Now     time.Time
	Replace bool                     // drop every existing source rather than keep those not re-imported
	Kind    string                   // force a kind for every source; "" detects it
	Eco     string                   // implicit ecosystem for records that name none
	Report  func(SourceMeta, string) // called after each source, for progress
	// Caps on one zip source, 0 for MaxZipEntries and MaxImportTotal:
	// downloads use tighter ones.
	MaxZipEntries  int
	MaxImportTotal int64
}

// Import reads each source into dir and makes them live atomically.
func Import(ctx context.Context, dir string, sources []string, opts ImportOptions) (*Meta, []Problem, error) {
	if err := os.MkdirAll(filepath.Join(dir, sourcesDir), 0o755); err != nil {
		return nil, nil, fmt.Errorf("create database directory: %w", err)
	}
	unlock, err := lock(dir)
	if err != nil {
		return nil, nil, err
	}
	defer unlock()
	items := make([]importItem, 0, len(sources))
	for _, src := range sources {
		abs, err := filepath.Abs(src)
		if err != nil {
			return nil, nil, fmt.Errorf("import %s: %w", src, err)
		}
		items = append(items, importItem{path: abs, shown: src, kind: opts.Kind})
	}
	return importLocked(ctx, dir, items, nil, opts)
}

// importItem is one source of an import: a local file or directory, and
// for a download where it came from.
type importItem struct {
	path  string // what is read
	shown string // how errors and reports name it
	kind  string // "" detects it
	// A downloaded source is recorded under its URL, not its temporary
	// path, with what makes the next download conditional.
	fetched *Fetched
	name    string
}

// importLocked imports items and makes them live in one replacement of
// CURRENT.json; the caller holds the lock. Live sources whose origin is in
// confirmed are kept as they are, marked checked at opts.Now: their origin
// said they had not changed.
func importLocked(ctx context.Context, dir string, items []importItem, confirmed map[string]bool, opts ImportOptions) (*Meta, []Problem, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now().UTC()
	}
	prev, err := ReadMeta(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		if opts.Replace {
			prev = nil
		} else {
			return nil, nil, err
		}
	}
	var problems []Problem
	var added []SourceMeta
	for _, it := range items {
		o := opts
		o.Kind = it.kind
		sm, probs, err := importSource(ctx, dir, it.path, o)
		problems = append(problems, probs...)
		if err != nil {
			return nil, problems, fmt.Errorf("import %s: %w", it.shown, err)
		}
		if it.fetched != nil {
			sm.Name, sm.Origin = it.name, it.fetched.URL
			f := *it.fetched
			sm.Fetched = &f
			sm.CheckedAt = opts.Now
		}
		added = append(added, sm)
		if opts.Report != nil {
			opts.Report(sm, it.shown)
		}
	}
	next := &Meta{Format: formatVer}
	if prev != nil && !opts.Replace {
		for _, s := range prev.Sources {
			if slices.ContainsFunc(added, func(a SourceMeta) bool { return a.Origin == s.Origin }) {
				continue
			}
			if confirmed[s.Origin] {
				s.CheckedAt = opts.Now
			}
			next.Sources = append(next.Sources, s)
		}
	}
	next.Sources = append(next.Sources, added...)
	data, err := json.MarshalIndent(next, "", "  ")
	if err != nil {
		return nil, problems, err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, currentFile), data, 0o644); err != nil {
		return nil, problems, err
	}
	collect(dir, next)
	return next, problems, nil
}

// lock keeps two imports from racing on CURRENT.json: the second would
// drop the first one's sources. A lock older than an hour is taken to be
// left by a killed import.
func lock(dir string) (func(), error) {
	p := filepath.Join(dir, "LOCK")
	for attempt := 0; attempt < 2; attempt++ {
		f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintf(f, "%d\n", os.Getpid())
			f.Close()
			return func() { os.Remove(p) }, nil
		}
		st, serr := os.Stat(p)
		if serr != nil || time.Since(st.ModTime()) < time.Hour {
			return nil, fmt.Errorf("another import is running in %s (remove %s if it is not)", dir, p)
		}
		os.Remove(p)
	}
	return nil, fmt.Errorf("cannot lock %s", dir)
}

// collect removes source directories that no live source names, including
// those of interrupted imports.
func collect(dir string, m *Meta) {
	live := map[string]bool{}
	for _, s := range m.Sources {
		live[s.ID] = true
	}
	ents, err := os.ReadDir(filepath.Join(dir, sourcesDir))
	if err != nil {
		return
	}
	for _, e := range ents {
		if !live[e.Name()] {
			os.RemoveAll(filepath.Join(dir, sourcesDir, e.Name()))
		}
	}
}

func newID(now time.Time) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b[:])
}

// detectKind guesses a source's kind from its name and first bytes.
func detectKind(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if st.IsDir() {
		return KindOSV, nil
	}
	lower := strings.ToLower(path)
	switch {
	case strings.HasSuffix(lower, ".zip"):
		return KindOSV, nil
	case strings.HasSuffix(lower, ".csv"), strings.HasSuffix(lower, ".csv.gz"):
		return KindEPSS, nil
	case strings.HasSuffix(lower, ".yaml"), strings.HasSuffix(lower, ".yml"):
		return KindOSV, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	h := string(head[:n])
	if strings.Contains(h, `"catalogVersion"`) || strings.Contains(h, `"cveID"`) {
		return KindKEV, nil
	}
	if strings.HasSuffix(lower, ".json") {
		return KindOSV, nil
	}
	return "", fmt.Errorf("cannot tell what %s is: want an OSV directory or zip, a KEV JSON catalogue or an EPSS CSV", path)
}

func importSource(ctx context.Context, dir, src string, opts ImportOptions) (SourceMeta, []Problem, error) {
	kind := opts.Kind
	if kind == "" {
		k, err := detectKind(src)
		if err != nil {
			return SourceMeta{}, nil, err
		}
		kind = k
	}
	id := newID(opts.Now)
	tmp, err := os.MkdirTemp(filepath.Join(dir, sourcesDir), ".tmp-")
	if err != nil {
		return SourceMeta{}, nil, err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	sm := SourceMeta{ID: id, Name: filepath.Base(src), Origin: src, Kind: kind, ImportedAt: opts.Now}
	var problems []Problem
	switch kind {
	case KindOSV:
		problems, err = buildOSV(ctx, tmp, src, &sm, opts)
	case KindKEV:
		err = buildKEV(tmp, src, &sm)
	case KindEPSS:
		err = buildEPSS(tmp, src, &sm)
	default:
		err = fmt.Errorf("unknown source kind %q", kind)
	}
	if err != nil {
		return sm, problems, err
	}
	if err := os.Rename(tmp, filepath.Join(dir, sourcesDir, id)); err != nil {
		return sm, problems, err
	}
	ok = true
	return sm, problems, nil
}

func readBounded(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s exceeds %d bytes", path, max)
	}
	return data, nil
}

func buildKEV(tmp, src string, sm *SourceMeta) error {
	data, err := readBounded(src, MaxFeedSize)
	if err != nil {
		return err
	}
	cat, err := ParseKEV(data)
	if err != nil {
		return err
	}
	sm.Records = len(cat.Entries)
	sm.Newest = cat.Released
	for _, e := range cat.Entries {
		if e.Added.After(sm.Newest) {
			sm.Newest = e.Added
		}
	}
	return writeGob(filepath.Join(tmp, "kev.gob"), cat.Entries)
}

func buildEPSS(tmp, src string, sm *SourceMeta) error {
	data, err := readBounded(src, MaxFeedSize)
	if err != nil {
		return err
	}
	sc, err := ParseEPSS(data)
	if err != nil {
		return err
	}
	sm.Records = len(sc.Scores)
	sm.Newest = sc.Date
	return writeGob(filepath.Join(tmp, "epss.gob"), sc.Scores)
}

func writeGob(path string, v any) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := gob.NewEncoder(w).Encode(v); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// span locates one record in records.jsonl.
type span struct {
	Off int64
	Len int32
}

type osvBuilder struct {
	w       *bufio.Writer
	off     int64
	idx     map[string]map[string][]span // base ecosystem -> name -> spans
	sm      *SourceMeta
	eco     string
	read    int64
	problem []Problem
	tried   map[string]int // record files seen, by format
	// 0 for MaxZipEntries and MaxImportTotal
	maxEntries int
	maxTotal   int64
}

func (b *osvBuilder) limits() (entries int, total int64) {
	entries, total = MaxZipEntries, int64(MaxImportTotal)
	if b.maxEntries > 0 {
		entries = b.maxEntries
	}
	if b.maxTotal > 0 {
		total = b.maxTotal
	}
	return entries, total
}

func buildOSV(ctx context.Context, tmp, src string, sm *SourceMeta, opts ImportOptions) ([]Problem, error) {
	f, err := os.Create(filepath.Join(tmp, "records.jsonl"))
	if err != nil {
		return nil, err
	}
	b := &osvBuilder{w: bufio.NewWriterSize(f, 1<<20), idx: map[string]map[string][]span{}, sm: sm, eco: opts.Eco, tried: map[string]int{},
		maxEntries: opts.MaxZipEntries, maxTotal: opts.MaxImportTotal}
	sm.Ecosystems = map[string]int{}
	st, err := os.Stat(src)
	switch {
	case err != nil:
	case st.IsDir():
		root := src
		if ghsa := filepath.Join(src, ghsaReviewed); isDir(ghsa) {
			// github/advisory-database: the reviewed advisories are OSV
			// records with packages; the unreviewed ones (most of the
			// repository) name none, so they would match nothing.
			root = ghsa
			sm.Format = FormatGHSA
		}
		err = b.walkDir(ctx, root)
	case strings.HasSuffix(strings.ToLower(src), ".zip"):
		err = b.walkZip(ctx, src)
	default:
		var data []byte
		data, err = readBounded(src, MaxRecordSize)
		if err == nil {
			b.add(src, filepath.Base(src), data)
		}
	}
	if err == nil {
		err = b.w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return b.problem, err
	}
	if sm.Records == 0 && sm.Withdrawn == 0 {
		return b.problem, b.nothingFound()
	}
	if sm.Format == "" {
		sm.Format = strings.Join(slices.Sorted(maps.Keys(b.tried)), ", ")
	}
	for e, names := range b.idx {
		if err := writeGob(filepath.Join(tmp, indexFile(e)), names); err != nil {
			return b.problem, err
		}
	}
	return b.problem, nil
}

// The GHSA repository's reviewed advisories, below its root.
const ghsaReviewed = "advisories/github-reviewed"

// FormatGHSA names github/advisory-database's layout.
const FormatGHSA = "GHSA repository (advisories/github-reviewed)"

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// nothingFound is the error for a source that yielded no record: an
// import that silently adds nothing would leave a user believing the
// source was checked against.
func (b *osvBuilder) nothingFound() error {
	formats := strings.Join([]string{FormatOSVJSON + " (*.json)", FormatOSVYAML + " (*.yaml, *.yml)", FormatRustSec, FormatGHSA}, ", ")
	files := 0
	for _, n := range b.tried {
		files += n
	}
	if files == 0 {
		return fmt.Errorf("no vulnerability records found; formats tried: %s", formats)
	}
	msg := fmt.Sprintf("no vulnerability records found: %s named like records, none readable as any of %s", textsafe.Count(files, "file"), formats)
	if len(b.problem) > 0 {
		msg += fmt.Sprintf(" (first: %s: %s)", b.problem[0].Path, b.problem[0].Err)
	}
	return errors.New(msg)
}

// indexFile names an ecosystem's index file safely.
func indexFile(eco string) string {
	var s strings.Builder
	for _, c := range eco {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' {
			s.WriteRune(c)
		} else {
			s.WriteByte('_')
		}
	}
	return s.String() + ".idx"
}

// Record formats an OSV source can hold, by file name.
const (
	FormatOSVJSON = "OSV JSON"
	FormatOSVYAML = "OSV YAML"
	FormatRustSec = "RustSec advisories (crates/*/RUSTSEC-*.md)"
)

// recordFormat names the format of a record file, or "" for a file that
// is not one.
func recordFormat(name string) string {
	l := strings.ToLower(name)
	switch {
	case strings.HasSuffix(l, ".json"):
		return FormatOSVJSON
	case strings.HasSuffix(l, ".yaml"), strings.HasSuffix(l, ".yml"):
		return FormatOSVYAML
	case isRustSecName(name):
		return FormatRustSec
	}
	return ""
}

func isRecordName(name string) bool { return recordFormat(name) != "" }

func (b *osvBuilder) walkDir(ctx context.Context, root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			b.problem = append(b.problem, Problem{Source: root, Path: p, Err: err.Error()})
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if strings.Count(rel, string(filepath.Separator)) >= MaxDirDepth || (rel != "." && strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil // never follow symlinks or open devices
		}
		if !isRecordName(d.Name()) {
			return nil
		}
		data, err := readBounded(p, MaxRecordSize)
		if err != nil {
			b.problem = append(b.problem, Problem{Source: root, Path: rel, Err: err.Error()})
			return nil
		}
		b.read += int64(len(data))
		if _, maxTotal := b.limits(); b.read > maxTotal {
			return fmt.Errorf("source exceeds %d bytes", maxTotal)
		}
		b.add(root, filepath.ToSlash(rel), data)
		return nil
	})
}

func (b *osvBuilder) walkZip(ctx context.Context, path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("open zip: %w", err)
	}
	defer zr.Close()
	return b.walkZipReader(ctx, path, &zr.Reader)
}

// walkZipReader reads every record of an opened zip, bounded per entry
// and in total whatever the entries declare.
func (b *osvBuilder) walkZipReader(ctx context.Context, path string, zr *zip.Reader) error {
	maxEntries, maxTotal := b.limits()
	if len(zr.File) > maxEntries {
		return fmt.Errorf("zip has %d entries, limit %d", len(zr.File), maxEntries)
	}
	if err := zipEntriesOverlap(zr); err != nil {
		return err
	}
	for _, zf := range zr.File {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !isRecordName(zf.Name) || zf.FileInfo().IsDir() {
			continue
		}
		if zf.UncompressedSize64 > MaxRecordSize {
			b.problem = append(b.problem, Problem{Source: path, Path: zf.Name, Err: "record larger than the limit"})
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			b.problem = append(b.problem, Problem{Source: path, Path: zf.Name, Err: err.Error()})
			continue
		}
		// The declared size can lie; read at most the limit regardless.
		data, err := io.ReadAll(io.LimitReader(rc, MaxRecordSize+1))
		rc.Close()
		if err != nil || len(data) > MaxRecordSize {
			b.problem = append(b.problem, Problem{Source: path, Path: zf.Name, Err: fmt.Sprintf("read: %v", err)})
			continue
		}
		b.read += int64(len(data))
		if b.read > maxTotal {
			return fmt.Errorf("zip expands beyond %d bytes", maxTotal)
		}
		b.add(path, zf.Name, data)
	}
	return nil
}

// add parses and stores one record; a broken record is a problem, not a
// failed import.
func (b *osvBuilder) add(src, name string, data []byte) {
	format := recordFormat(name)
	if format == "" {
		format = FormatOSVJSON // a source that is one file, whatever its name
	}
	eco := b.eco
	if eco == "" && format == FormatOSVYAML {
		eco = "PyPI" // PyPA's advisory database is the YAML OSV source; it leaves PyPI implicit
	}
	if b.tried == nil {
		b.tried = map[string]int{}
	}
	b.tried[format]++
	var r *Record
	var err error
	if format == FormatRustSec {
		r, err = ParseRustSec(data)
	} else {
		r, err = ParseRecord(data, format == FormatOSVYAML, eco)
	}
	if err != nil {
		b.sm.Skipped++
		if len(b.problem) < 1000 {
			b.problem = append(b.problem, Problem{Source: src, Path: name, Err: err.Error()})
		}
		return
	}
	if !r.Withdrawn.IsZero() {
		b.sm.Withdrawn++
		return
	}
	line, err := json.Marshal(r)
	if err != nil {
		b.sm.Skipped++
		return
	}
	sp := span{Off: b.off, Len: int32(len(line))}
	if _, err := b.w.Write(line); err != nil {
		return
	}
	b.w.WriteByte('\n')
	b.off += int64(len(line)) + 1
	b.sm.Records++
	newest := r.Modified
	if r.Published.After(newest) {
		newest = r.Published // golang/vulndb leaves modified unset
	}
	if newest.After(b.sm.Newest) {
		b.sm.Newest = newest
	}
	seen := map[string]bool{}
	for _, a := range r.Affected {
		if a.Package.Name == "" || a.Package.Ecosystem == "" {
			continue
		}
		base := BaseEcosystem(a.Package.Ecosystem)
		key := base + "\x00" + NormalizeName(base, a.Package.Name)
		if seen[key] {
			continue
		}
		seen[key] = true
		if b.idx[base] == nil {
			b.idx[base] = map[string][]span{}
		}
		n := NormalizeName(base, a.Package.Name)
		b.idx[base][n] = append(b.idx[base][n], sp)
		b.sm.Ecosystems[base]++
	}
}

// DB is an opened database. It loads each ecosystem's index on first use.
type DB struct {
	Dir  string
	Meta *Meta

	mu      sync.Mutex
	files   map[string]*os.File
	indexes map[string]map[string][]span // sourceID/eco -> index
	kev     map[string]KEV
	epss    map[string]EPSS
	feeds   bool
	// lookedUp holds Lookup's decoded records by package, so a package
	// asked about again (every revision of a lockfile names it) is not
	// read and unmarshalled again. Callers only read records.
	lookedUp map[string][]*Record
}

// ErrNoDatabase means no database has been imported in the directory.
var ErrNoDatabase = errors.New("no vulnerability database")

// Open opens the database in dir.
func Open(dir string) (*DB, error) {
	m, err := ReadMeta(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w in %s: run `assay db update --online`, or `assay db import` with OSV records", ErrNoDatabase, dir)
	}
	if err != nil {
		return nil, err
	}
	if err := checkFiles(dir, m); err != nil {
		return nil, err
	}
	return &DB{Dir: dir, Meta: m, files: map[string]*os.File{}, indexes: map[string]map[string][]span{}}, nil
}

// checkFiles confirms that every file the manifest implies is present: a
// database that disagrees with its own manifest is an error, never an
// empty answer ("no known vulnerabilities") for what it should have held.
func checkFiles(dir string, m *Meta) error {
	for _, s := range m.Sources {
		sdir := filepath.Join(dir, sourcesDir, s.ID)
		var want []string
		switch s.Kind {
		case KindOSV:
			if s.Records > 0 {
				want = append(want, "records.jsonl")
			}
			for _, eco := range slices.Sorted(maps.Keys(s.Ecosystems)) {
				if s.Ecosystems[eco] > 0 {
					want = append(want, indexFile(eco))
				}
			}
		case KindKEV:
			want = append(want, "kev.gob")
		case KindEPSS:
			want = append(want, "epss.gob")
		}
		st, err := os.Stat(sdir)
		if err != nil || !st.IsDir() {
			return fmt.Errorf("vulnerability database %s is damaged: source %s (%s) is listed in %s but its directory is missing; re-import it with `assay db import`", dir, s.Name, s.ID, currentFile)
		}
		for _, f := range want {
			st, err := os.Lstat(filepath.Join(sdir, f))
			if err != nil || !st.Mode().IsRegular() {
				return fmt.Errorf("vulnerability database %s is damaged: source %s is missing %s that %s implies; re-import it with `assay db import`", dir, s.Name, f, currentFile)
			}
		}
	}
	return nil
}

// Close releases open files.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	for _, f := range db.files {
		f.Close()
	}
	db.files = map[string]*os.File{}
	return nil
}

// ImportedAt returns when the stalest live OSV source was last known to
// be current (SourceMeta.CurrentAt): imported, or confirmed unchanged by
// its origin in an update since. The database is only as current as its
// stalest vulnerability source.
func (db *DB) ImportedAt() time.Time {
	var t time.Time
	for _, s := range db.Meta.Sources {
		if c := s.CurrentAt(); s.Kind == KindOSV && (t.IsZero() || c.Before(t)) {
			t = c
		}
	}
	return t
}

func (db *DB) index(s SourceMeta, eco string) (map[string][]span, error) {
	key := s.ID + "/" + eco
	if idx, ok := db.indexes[key]; ok {
		return idx, nil
	}
	f, err := os.Open(filepath.Join(db.Dir, sourcesDir, s.ID, indexFile(eco)))
	if errors.Is(err, fs.ErrNotExist) && s.Ecosystems[eco] == 0 {
		db.indexes[key] = nil // the source holds no record for this ecosystem
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read index %s of source %s: %w (the database disagrees with its manifest; re-import the source)", eco, s.Name, err)
	}
	defer f.Close()
	idx, err := decodeIndex(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("read index %s of source %s: %w", eco, s.Name, err)
	}
	db.indexes[key] = idx
	return idx, nil
}

// decodeIndex reads an ecosystem index and checks every span, so that a
// corrupt index is reported when it is read rather than as odd records.
func decodeIndex(r io.Reader) (map[string][]span, error) {
	var idx map[string][]span
	if err := gob.NewDecoder(r).Decode(&idx); err != nil {
		return nil, err
	}
	for name, sps := range idx {
		for _, sp := range sps {
			if sp.Off < 0 || sp.Len <= 0 || sp.Len > MaxRecordSize {
				return nil, fmt.Errorf("corrupt index entry for %q", name)
			}
		}
	}
	return idx, nil
}

func (db *DB) record(s SourceMeta, sp span) (*Record, error) {
	f := db.files[s.ID]
	if f == nil {
		var err error
		f, err = os.Open(filepath.Join(db.Dir, sourcesDir, s.ID, "records.jsonl"))
		if err != nil {
			return nil, err
		}
		db.files[s.ID] = f
	}
	if sp.Len < 0 || sp.Len > MaxRecordSize {
		return nil, fmt.Errorf("source %s: corrupt index", s.Name)
	}
	buf := make([]byte, sp.Len)
	if _, err := f.ReadAt(buf, sp.Off); err != nil {
		return nil, fmt.Errorf("source %s: read record: %w", s.Name, err)
	}
	var r Record
	if err := json.Unmarshal(buf, &r); err != nil {
		return nil, fmt.Errorf("source %s: corrupt record at %d: %w", s.Name, sp.Off, err)
	}
	return &r, nil
}

// Lookup returns every record naming the package, across sources.
func (db *DB) Lookup(eco, name string) ([]*Record, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	base := BaseEcosystem(eco)
	n := NormalizeName(base, name)
	key := base + "\x00" + n
	if recs, ok := db.lookedUp[key]; ok {
		return recs, nil
	}
	var out []*Record
	for _, s := range db.Meta.Sources {
		if s.Kind != KindOSV {
			continue
		}
		idx, err := db.index(s, base)
		if err != nil {
			return nil, err
		}
		for _, sp := range idx[n] {
			r, err := db.record(s, sp)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
	}
	if db.lookedUp == nil {
		db.lookedUp = map[string][]*Record{}
	}
	out = slices.Clip(out) // a caller's append never writes into the cache
	db.lookedUp[key] = out
	return out, nil
}

func (db *DB) loadFeeds() {
	if db.feeds {
		return
	}
	db.feeds = true
	var kevAt, epssAt time.Time
	for _, s := range db.Meta.Sources {
		switch s.Kind {
		case KindKEV:
			if s.ImportedAt.Before(kevAt) {
				continue
			}
			var m map[string]KEV
			if readGob(filepath.Join(db.Dir, sourcesDir, s.ID, "kev.gob"), &m) == nil {
				db.kev, kevAt = m, s.ImportedAt
			}
		case KindEPSS:
			if s.ImportedAt.Before(epssAt) {
				continue
			}
			var m map[string]EPSS
			if readGob(filepath.Join(db.Dir, sourcesDir, s.ID, "epss.gob"), &m) == nil {
				db.epss, epssAt = m, s.ImportedAt
			}
		}
	}
}

func readGob(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return gob.NewDecoder(bufio.NewReader(f)).Decode(v)
}

// KEV returns the KEV entry for a CVE id.
func (db *DB) KEV(cve string) (KEV, bool) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.loadFeeds()
	k, ok := db.kev[cve]
	return k, ok
}

// EPSS returns the EPSS score for a CVE id.
func (db *DB) EPSS(cve string) (EPSS, bool) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.loadFeeds()
	e, ok := db.epss[cve]
	return e, ok
}

// SortedSources returns the sources by kind then name, for display.
func (m *Meta) SortedSources() []SourceMeta {
	out := slices.Clone(m.Sources)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind > out[j].Kind // osv, kev, epss
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// zipEntriesOverlap refuses a zip whose entries share compressed data: a
// few kilobytes of entries pointing at one deflate stream would otherwise
// expand to the import's whole byte budget (an overlapping zip bomb). Real
// archives never overlap.
func zipEntriesOverlap(zr *zip.Reader) error {
	type span struct {
		start, end int64
		name       string
	}
	spans := make([]span, 0, len(zr.File))
	for _, zf := range zr.File {
		off, err := zf.DataOffset()
		if err != nil {
			continue // reported when the entry is opened
		}
		spans = append(spans, span{off, off + int64(zf.CompressedSize64), zf.Name})
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	for i := 1; i < len(spans); i++ {
		if spans[i].start < spans[i-1].end {
			return fmt.Errorf("zip entries %q and %q share compressed data: refusing an overlapping zip", spans[i-1].name, spans[i].name)
		}
	}
	return nil
}
