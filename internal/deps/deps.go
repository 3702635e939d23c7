// Package deps inventories the third-party components a product pins in its
// lockfiles and manifests. Parsing is delegated to OSV-SCALIBR's individual
// extractor packages (never its plugin list, which drags in every scanner);
// this package only feeds them files read through the bounded source.Tree and
// turns their output into plain values.
package deps

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	cpb "github.com/google/osv-scalibr/binary/proto/config_go_proto"
	"github.com/google/osv-scalibr/extractor"
	"github.com/google/osv-scalibr/extractor/filesystem"
	"github.com/google/osv-scalibr/extractor/filesystem/language/cpp/conanlock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/dart/pubspec"
	"github.com/google/osv-scalibr/extractor/filesystem/language/dotnet/depsjson"
	"github.com/google/osv-scalibr/extractor/filesystem/language/dotnet/packagesconfig"
	"github.com/google/osv-scalibr/extractor/filesystem/language/dotnet/packageslockjson"
	"github.com/google/osv-scalibr/extractor/filesystem/language/elixir/mixlock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/golang/gomod"
	"github.com/google/osv-scalibr/extractor/filesystem/language/haskell/cabal"
	"github.com/google/osv-scalibr/extractor/filesystem/language/haskell/stacklock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/java/gradlelockfile"
	"github.com/google/osv-scalibr/extractor/filesystem/language/java/gradleverificationmetadataxml"
	"github.com/google/osv-scalibr/extractor/filesystem/language/java/pomxml"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/bunlock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/packagelockjson"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/pnpmlock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/yarnlock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/php/composerlock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/python/pdmlock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/python/pipfilelock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/python/poetrylock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/python/pylock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/python/requirements"
	"github.com/google/osv-scalibr/extractor/filesystem/language/python/uvlock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/r/renvlock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/ruby/gemfilelock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/rust/cargolock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/swift/packageresolved"
	"github.com/google/osv-scalibr/extractor/filesystem/language/swift/podfilelock"
	"github.com/google/osv-scalibr/extractor/filesystem/osv"
	scalibrlog "github.com/google/osv-scalibr/log"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/source"
)

// Relation says how a package reaches the product.
const (
	Direct     = "direct"
	Transitive = "transitive"
)

// Scopes of a package.
const (
	Runtime  = "runtime"
	Dev      = "dev"
	Optional = "optional"
)

// Package is one pinned component.
type Package struct {
	Ecosystem string `json:"ecosystem"` // OSV ecosystem name: "npm", "PyPI", "Go", ...
	Name      string `json:"name"`
	Version   string `json:"version"`
	PURL      string `json:"purl,omitempty"`
	Relation  string `json:"relation,omitempty"` // Direct, Transitive or "" when the format does not say
	Scope     string `json:"scope,omitempty"`    // Runtime, Dev, Optional or "" when unknown
	Path      string `json:"path"`               // the lockfile or manifest it came from
	Line      int    `json:"line,omitempty"`
	// Floor marks a version that is only the least the build accepts, not
	// the one it uses: Go's stdlib from go.mod's go or toolchain directive,
	// which any newer installed toolchain overrides.
	Floor bool `json:"floor,omitempty"`
}

// Key identifies a package version within an ecosystem.
func (p Package) Key() string { return p.Ecosystem + "\x00" + p.Name + "\x00" + p.Version }

// File is one lockfile or manifest and what it pins.
type File struct {
	Path      string
	Format    string // extractor name, e.g. "javascript/packagelockjson"
	Lockfile  bool   // a lockfile (exact, complete pins) rather than a manifest
	Packages  []Package
	Integrity Integrity
	Digest    string
	Err       string // why the file could not be parsed; Packages is then empty
	// localDropped counts the packages the dependency graph showed to be
	// the product's own (workspace members, directories of the tree) and
	// removed from Packages.
	localDropped int
	// Unresolved lists declarations naming a component whose coordinates
	// or exact version Assay could not determine without running the
	// build: they are reported, never given an invented version.
	Unresolved []Unresolved
	// Edges are the requirements between Packages the lockfile records
	// (nil when its format records none or has no reader).
	Edges []Edge
}

// Unresolved is one declaration Assay could not pin.
type Unresolved struct {
	Name   string // group:name as declared, or the expression
	Line   int
	Reason string
}

// Empty says why a manifest or lockfile that exists yields no component:
// it could not be parsed, or every declaration is unresolved. "" when it
// lists components, or declares none.
func (f File) Empty() string {
	switch {
	case len(f.Packages) > 0:
		return ""
	case f.Err != "":
		return f.Err
	case len(f.Unresolved) > 0:
		u := f.Unresolved[0]
		return fmt.Sprintf("%s unresolved; first %s (line %d): %s", countOf(len(f.Unresolved), "declaration"), u.Name, u.Line, u.Reason)
	}
	return ""
}

func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Integrity says how much of a file's content is pinned by a hash.
type Integrity struct {
	Method string // "integrity fields", "go.sum", "--hash", ...; "" when the format has none
	Hashed int    // packages with a hash
	Total  int    // packages that could carry one
	Note   string
}

// Inventory is the result of scanning a tree.
type Inventory struct {
	Files []File
}

// Warnings says, one line per file, which manifests and lockfiles yield
// no component although they exist, and which declare components Assay
// could not pin: an SBOM or a vulnerability scan over them is silently
// incomplete otherwise.
func (inv *Inventory) Warnings() []string {
	var out []string
	for _, f := range inv.Files {
		if e := f.Empty(); e != "" {
			out = append(out, fmt.Sprintf("%s: manifest present but no components could be read: %s", f.Path, e))
			continue
		}
		if n := len(f.Unresolved); n > 0 {
			u := f.Unresolved[0]
			out = append(out, fmt.Sprintf("%s: %s not listed, the version could not be resolved; first %s (line %d): %s", f.Path, countOf(n, "declared component"), u.Name, u.Line, u.Reason))
		}
	}
	return out
}

// Ref identifies the component a package is: its purl, else its
// ecosystem, name and version. An SBOM lists one component per Ref, and
// counts of components use the same identity.
func (p Package) Ref() string {
	if p.PURL != "" {
		return p.PURL
	}
	return p.Key()
}

// Edges returns the recorded requirements of every file.
func (inv *Inventory) Edges() []Edge {
	var out []Edge
	for _, f := range inv.Files {
		out = append(out, f.Edges...)
	}
	return out
}

// Packages returns every package of every file, in file order.
func (inv *Inventory) Packages() []Package {
	var out []Package
	for _, f := range inv.Files {
		out = append(out, f.Packages...)
	}
	return out
}

// format pairs an extractor with whether its files are lockfiles.
type format struct {
	ex   filesystem.Extractor
	lock bool
}

// formats builds the extractor set. Each is constructed with its default
// configuration; none of them reaches the network (pomxml only merges
// parents found on the local filesystem because it is given no client).
func formats() []format {
	mk := func(fn func(*cpb.PluginConfig) (filesystem.Extractor, error)) filesystem.Extractor {
		e, err := fn(&cpb.PluginConfig{})
		if err != nil {
			return nil
		}
		return e
	}
	list := []format{
		{npmLock(mk(packagelockjson.New)), true},
		{mk(yarnlock.New), true},
		{mk(pnpmlock.New), true},
		{mk(bunlock.New), true},
		{mk(requirements.New), false},
		{mk(poetrylock.New), true},
		{mk(pipfilelock.New), true},
		{mk(uvlock.New), true},
		{mk(pdmlock.New), true},
		{mk(pylock.New), true},
		{mk(cargolock.New), true},
		{mk(gomod.New), true},
		{mk(pomxml.New), false},
		{mk(gradlelockfile.New), true},
		{mk(gradleverificationmetadataxml.New), true},
		{catalogExtractor{}, false},
		{buildExtractor{}, false},
		{mk(composerlock.New), true},
		{mk(gemfilelock.New), true},
		{mk(packageslockjson.New), true},
		{mk(packageresolved.New), true},
		{mk(podfilelock.New), true},
		{mk(pubspec.New), true},
		{mk(mixlock.New), true},
		{mk(packagesconfig.New), false},
		{msbuildExtractor{}, false},
		{mk(depsjson.New), true},
		{mk(cabal.New), true},
		{mk(stacklock.New), true},
		{mk(renvlock.New), true},
		{mk(conanlock.New), true},
	}
	return slices.DeleteFunc(list, func(f format) bool { return f.ex == nil })
}

var quietOnce sync.Once

// quiet silences scalibr's package-level logger: a hostile lockfile must
// not be able to flood the user's terminal, and every error we care about is
// returned and reported as evidence instead.
func quiet() { quietOnce.Do(func() { scalibrlog.SetLogger(discard{}) }) }

// SkipDir reports whether a path lies in a directory whose manifests belong
// to fixtures or vendored code rather than to the product.
func SkipDir(p string) bool {
	for _, seg := range strings.Split(path.Dir(p), "/") {
		switch seg {
		case "testdata", "node_modules", "vendor", "third_party", "fixtures", "__fixtures__", "bower_components", ".git":
			return true
		}
	}
	return false
}

// Options tune a scan.
type Options struct {
	// All includes files in fixture and vendored directories (SkipDir).
	All bool
	// MaxFiles caps how many dependency files are parsed.
	MaxFiles int
}

// Scan inventories every supported file in the tree.
func Scan(ctx context.Context, t *source.Tree, opts Options) *Inventory {
	quiet()
	fsys := &treeFS{t: t}
	fmts := formats()
	maxFiles := opts.MaxFiles
	if maxFiles == 0 {
		maxFiles = MaxFiles
	}
	inv := &Inventory{}
	st := &scanState{t: t}
	for _, e := range t.Entries() {
		if ctx.Err() != nil {
			break
		}
		if !opts.All && SkipDir(e.Path) {
			continue
		}
		api := fileAPI{p: e.Path, size: e.Size}
		for _, f := range fmts {
			if !f.ex.FileRequired(api) {
				continue
			}
			if len(inv.Files) >= maxFiles {
				catalogScopes(inv)
				return inv
			}
			inv.Files = append(inv.Files, scanFile(ctx, st, fsys, f, e.Path))
			break
		}
	}
	catalogScopes(inv)
	return inv
}

// MaxFiles is the default cap on dependency files parsed in one tree.
const MaxFiles = 2000

// scanState holds what several files of one scan share.
type scanState struct {
	t       *source.Tree
	modules map[string]bool // group:artifact of the poms in the tree; nil until needed
}

func (st *scanState) repoModules() map[string]bool {
	if st.modules == nil {
		st.modules = repoModules(st.t)
	}
	return st.modules
}

func scanFile(ctx context.Context, st *scanState, fsys *treeFS, f format, p string) File {
	t := st.t
	out := File{Path: p, Format: f.ex.Name(), Lockfile: f.lock}
	data, err := t.ReadFile(p, limits.MaxFileSize)
	if err != nil {
		out.Err = err.Error()
		return out
	}
	out.Digest = source.Digest(data)
	memo := &lockMemo{}
	res, err := runMemo(ctx, f.ex, fsys, p, data, memo)
	if err != nil {
		out.Err = err.Error()
		return out
	}
	out.Packages, out.Unresolved = res.pkgs, res.unresolved
	if out.Format == "java/pomxml" {
		annotatePom(t, &out, data, st.repoModules())
	}
	g := readGraphMemo(out.Format, data, func(name string) []byte {
		return readSibling(t, out.Path, name)
	}, memo)
	applyGraph(&out, g)
	annotateMemo(t, &out, data, memo)
	applyDirect(&out, g)
	return out
}

// ExtractTimeout bounds one file's extraction. The extractors cannot be
// interrupted, so a file that takes longer is reported as unreadable and
// its goroutine is abandoned; the assessment goes on.
var ExtractTimeout = 20 * time.Second

// ErrExtractTimeout marks a file whose extraction was abandoned.
var ErrExtractTimeout = errors.New("extraction took too long")

// Extract runs one extractor over data, recovering from a panic in the
// library and giving up after ExtractTimeout, so one crafted file cannot
// abort or stall the assessment.
func Extract(ctx context.Context, ex filesystem.Extractor, fsys fs.FS, p string, data []byte) ([]Package, error) {
	r, err := run(ctx, ex, fsys, p, data)
	return r.pkgs, err
}

// extracted is what one file yields.
type extracted struct {
	pkgs       []Package
	unresolved []Unresolved
}

func run(ctx context.Context, ex filesystem.Extractor, fsys fs.FS, p string, data []byte) (extracted, error) {
	return runMemo(ctx, ex, fsys, p, data, nil)
}

// runMemo is run keeping what the extractor decoded in memo, which is
// filled only when it returns without error.
func runMemo(ctx context.Context, ex filesystem.Extractor, fsys fs.FS, p string, data []byte, memo *lockMemo) (extracted, error) {
	quiet()
	// The extractor fills a memo of its own: an abandoned extraction
	// (timeout, cancellation) must never write to the caller's.
	own := &lockMemo{}
	type result struct {
		extracted
		err error
	}
	ch := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if rec := recover(); rec != nil {
				r = result{err: fmt.Errorf("parse %s: extractor %s failed: %v", p, ex.Name(), rec)}
			}
			ch <- r
		}()
		r.extracted, r.err = extract(ctx, ex, fsys, p, data, own)
	}()
	timer := time.NewTimer(ExtractTimeout)
	defer timer.Stop()
	select {
	case r := <-ch:
		if r.err == nil && memo != nil {
			*memo = *own
		}
		return r.extracted, r.err
	case <-timer.C:
		return extracted{}, fmt.Errorf("parse %s as %s: %w (%s)", p, ex.Name(), ErrExtractTimeout, ExtractTimeout)
	case <-ctx.Done():
		return extracted{}, ctx.Err()
	}
}

func extract(ctx context.Context, ex filesystem.Extractor, fsys fs.FS, p string, data []byte, memo *lockMemo) (extracted, error) {
	var sfs treeFSish
	if x, ok := fsys.(treeFSish); ok {
		sfs = x
	} else {
		sfs = emptyFS{}
	}
	in := &filesystem.ScanInput{
		FS:     sfs,
		Path:   p,
		Root:   ".",
		Info:   fileInfo{name: path.Base(p), size: int64(len(data))},
		Reader: newHeldReader(data, memo),
	}
	res, err := ex.Extract(ctx, in)
	if err != nil {
		return extracted{}, fmt.Errorf("parse %s as %s: %w", p, ex.Name(), err)
	}
	return fromExtracted(res.Packages, p), nil
}

// fromExtracted converts an extractor's packages. Extractors may report
// one package several times (nested npm copies) in map order; the earliest
// line is kept so output is stable, and the packages are sorted.
func fromExtracted(found []*extractor.Package, p string) extracted {
	var pkgs []Package
	var unresolved []Unresolved
	seen := map[string]int{}
	for _, sp := range found {
		pkg := convert(sp, p)
		if pkg.Name == "" {
			continue
		}
		// A Maven declaration without a version is managed by something
		// Assay could not read (a parent or BOM outside the repository):
		// reported, not listed with an empty version.
		if um, ok := sp.Metadata.(*unresolvedMeta); ok || pkg.Ecosystem == "Maven" && pkg.Version == "" {
			reason := "no version in the file or its in-repository parents (a parent or imported BOM outside the repository may manage it)"
			if ok {
				reason = um.Reason
			}
			unresolved = append(unresolved, Unresolved{Name: pkg.Name, Line: pkg.Line, Reason: reason})
			continue
		}
		if i, dup := seen[pkg.Key()]; dup {
			if pkg.Line > 0 && (pkgs[i].Line == 0 || pkg.Line < pkgs[i].Line) {
				pkgs[i].Line = pkg.Line
			}
			if pkgs[i].Scope != Runtime && pkg.Scope == Runtime {
				pkgs[i].Scope = Runtime
			}
			continue
		}
		seen[pkg.Key()] = len(pkgs)
		pkgs = append(pkgs, pkg)
	}
	slices.SortStableFunc(pkgs, func(a, b Package) int {
		return strings.Compare(a.Name+"\x00"+a.Version, b.Name+"\x00"+b.Version)
	})
	slices.SortFunc(unresolved, func(a, b Unresolved) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return strings.Compare(a.Name, b.Name)
	})
	return extracted{pkgs: pkgs, unresolved: unresolved}
}

func convert(sp *extractor.Package, p string) Package {
	pkg := Package{Name: sp.Name, Version: sp.Version, Path: p}
	pkg.Ecosystem = sp.Ecosystem().String()
	if u := sp.PURL(); u != nil {
		pkg.PURL = cleanPURL(u.String())
	}
	pkg.Floor = GoStdlibFloor(pkg)
	if m, ok := sp.Metadata.(*msbuildMeta); ok && m.Path != "" {
		pkg.Path = m.Path // inherited from a Directory.Build.props
	}
	if pkg.Ecosystem == "" && strings.HasPrefix(pkg.PURL, "pkg:cocoapods/") {
		pkg.Ecosystem = "CocoaPods"
	}
	if d := sp.Location.Descriptor; d != nil && d.File != nil {
		pkg.Line = d.File.LineNumber
	}
	if dg, ok := sp.Metadata.(osv.DepGroups); ok {
		groups := dg.DepGroups()
		switch {
		case slices.Contains(groups, "dev"), slices.Contains(groups, "test"):
			pkg.Scope = Dev
		case slices.Contains(groups, "optional"):
			pkg.Scope = Optional
		default:
			pkg.Scope = Runtime
		}
	}
	return pkg
}

// GoStdlibFloor reports whether p is the Go standard library as go.mod
// names it. The go and toolchain directives state the oldest Go release
// the module builds with; the stdlib compiled in is whichever newer
// toolchain the builder has, so the version is a floor, not a pin.
func GoStdlibFloor(p Package) bool {
	return p.Ecosystem == "Go" && p.Name == "stdlib" && path.Base(p.Path) == "go.mod"
}

// Extractors returns the names of the formats Scan understands.
func Extractors() []string {
	var out []string
	for _, f := range formats() {
		out = append(out, f.ex.Name())
	}
	return out
}

// ExtractorFor returns the extractor that claims a file name, for tests and
// for history scans that read old revisions.
func ExtractorFor(p string, size int64) (filesystem.Extractor, bool) {
	for _, f := range formats() {
		if f.ex.FileRequired(fileAPI{p: p, size: size}) {
			return f.ex, true
		}
	}
	return nil, false
}

type discard struct{}

func (discard) Errorf(string, ...any) {}
func (discard) Warnf(string, ...any)  {}
func (discard) Infof(string, ...any)  {}
func (discard) Debugf(string, ...any) {}
func (discard) Error(...any)          {}
func (discard) Warn(...any)           {}
func (discard) Info(...any)           {}
func (discard) Debug(...any)          {}

// fileAPI describes a tree entry to an extractor's FileRequired.
type fileAPI struct {
	p    string
	size int64
}

func (f fileAPI) Path() string { return f.p }
func (f fileAPI) Stat() (fs.FileInfo, error) {
	return fileInfo{name: path.Base(f.p), size: f.size}, nil
}

type fileInfo struct {
	name string
	size int64
	dir  bool
}

func (i fileInfo) Name() string { return i.name }
func (i fileInfo) Size() int64  { return i.size }
func (i fileInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i fileInfo) ModTime() time.Time { return time.Time{} }
func (i fileInfo) IsDir() bool        { return i.dir }
func (i fileInfo) Sys() any           { return nil }

// treeFSish is scalibr's FS interface.
type treeFSish interface {
	fs.FS
	fs.ReadDirFS
	fs.StatFS
}

// treeFS lets extractors open sibling files (go.sum, parent poms,
// requirements includes) through the bounded tree, never the real
// filesystem.
type treeFS struct{ t *source.Tree }

func (f *treeFS) Open(name string) (fs.File, error) {
	name = path.Clean(strings.TrimPrefix(name, "./"))
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if f.t == nil || !f.t.Exists(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	data, err := f.t.ReadFile(name, limits.MaxFileSize)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &memFile{Reader: bytes.NewReader(data), info: fileInfo{name: path.Base(name), size: int64(len(data))}}, nil
}

func (f *treeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrPermission}
}

func (f *treeFS) Stat(name string) (fs.FileInfo, error) {
	name = path.Clean(strings.TrimPrefix(name, "./"))
	if f.t != nil {
		if e, ok := f.t.Stat(name); ok {
			return fileInfo{name: path.Base(name), size: e.Size}, nil
		}
		if f.t.IsDir(name) {
			return fileInfo{name: path.Base(name), dir: true}, nil
		}
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}
func (emptyFS) ReadDir(name string) ([]fs.DirEntry, error) {
	return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
}
func (emptyFS) Stat(name string) (fs.FileInfo, error) {
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

type memFile struct {
	*bytes.Reader
	info fileInfo
}

func (m *memFile) Stat() (fs.FileInfo, error) { return m.info, nil }
func (m *memFile) Close() error               { return nil }

var _ io.ReaderAt = (*memFile)(nil)

// The inventory is needed by several collectors of one assessment; cache
// the last few scans by tree so the lockfiles are parsed once.
var (
	cacheMu sync.Mutex
	cache   = map[*source.Tree]*Inventory{}
	order   []*source.Tree
)

// ScanCached is Scan with a per-tree cache.
func ScanCached(ctx context.Context, t *source.Tree) *Inventory {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if inv, ok := cache[t]; ok {
		return inv
	}
	inv := Scan(ctx, t, Options{})
	if ctx.Err() != nil {
		return inv // incomplete; do not cache
	}
	cache[t] = inv
	order = append(order, t)
	if len(order) > 4 {
		delete(cache, order[0])
		order = order[1:]
	}
	return inv
}

// Evidence converts a package for evidence.
func (p Package) Evidence() evidence.DepPackage { return evidence.DepPackage(p) }
