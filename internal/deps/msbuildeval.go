package deps

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/google/osv-scalibr/extractor"
	"github.com/google/osv-scalibr/extractor/filesystem"
	"github.com/google/osv-scalibr/inventory"
	"github.com/google/osv-scalibr/plugin"
	"github.com/google/osv-scalibr/purl"

	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/source"
)

// msbuildName is the extractor name of the hand-written MSBuild reader.
const msbuildName = "dotnet/msbuild"

// Bounds of one project's evaluation.
const (
	// maxMSBuildFiles bounds the files (the project, the Directory.*.props
	// and .targets found above it, and their imports) read for one project.
	maxMSBuildFiles = 32
	// maxMSBuildImportDepth bounds how deeply imports are followed.
	maxMSBuildImportDepth = 8
	// maxPropValues bounds the alternative values a property may take
	// under conditions Assay does not evaluate.
	maxPropValues = 8
	// maxMSBuildProps bounds the properties one evaluation keeps.
	maxMSBuildProps = 10000
)

// propState is what is known of one property after the definitions read
// so far: the values it may have and, when open, that it may also have
// one Assay cannot know (unset, or set by a property function), and why.
type propState struct {
	vals []string
	open string
}

// msEval evaluates one project: properties in document order across the
// imported files (MSBuild's first pass), then items with the final
// properties (its second pass).
type msEval struct {
	fsys    fs.FS
	project string // the project file
	props   map[string]*propState
	read    int             // files read
	seen    map[string]bool // files on the current import chain
	items   []msEvalItem
	// files lists the files read; cur is the one being evaluated.
	files []string
	cur   string
}

// msEvalItem is an item definition with the file it is in and the
// directory properties in force there.
type msEvalItem struct {
	node msNode
	path string
}

// builtins are the reserved properties MSBuild defines for a file; they
// are set per file while its definitions are evaluated.
func (e *msEval) setFileProps(p string) {
	e.cur = p
	dir := path.Dir(p)
	e.props["msbuildthisfiledirectory"] = &propState{vals: []string{dirProperty(dir)}}
	e.props["msbuildthisfile"] = &propState{vals: []string{path.Base(p)}}
	e.props["msbuildthisfilename"] = &propState{vals: []string{strings.TrimSuffix(path.Base(p), path.Ext(p))}}
	e.props["msbuildthisfilefullpath"] = &propState{vals: []string{"/" + p}}
}

func newMSEval(fsys fs.FS, project string) *msEval {
	e := &msEval{fsys: fsys, project: project, props: map[string]*propState{}, seen: map[string]bool{}}
	dir := path.Dir(project)
	base := path.Base(project)
	set := func(k, v string) { e.props[k] = &propState{vals: []string{v}} }
	set("msbuildprojectdirectory", strings.TrimSuffix(dirProperty(dir), "/"))
	set("msbuildprojectfile", base)
	set("msbuildprojectname", strings.TrimSuffix(base, path.Ext(base)))
	set("msbuildprojectextension", path.Ext(base))
	set("msbuildprojectfullpath", "/"+project)
	return e
}

// run evaluates the project: Directory.Build.props, then
// Directory.Packages.props (both imported by the SDK before the project
// body), the project, then Directory.Build.targets (imported after it).
func (e *msEval) run(data []byte) error {
	dir := path.Dir(e.project)
	if p := fileAbove(e.fsys, dir, "Directory.Build.props"); p != "" {
		e.file(p, nil, 0)
	}
	if p := fileAbove(e.fsys, dir, "Directory.Packages.props"); p != "" {
		e.file(p, nil, 0)
	}
	err := e.file(e.project, data, 0)
	if p := fileAbove(e.fsys, dir, "Directory.Build.targets"); p != "" {
		e.file(p, nil, 0)
	}
	return err
}

// file evaluates the properties and imports of one file in order and
// queues its items. data is the file's content when already read.
func (e *msEval) file(p string, data []byte, depth int) error {
	if e.seen[p] || e.read >= maxMSBuildFiles || depth > maxMSBuildImportDepth {
		return nil
	}
	if data == nil {
		b, err := readSmall(e.fsys, p)
		if err != nil {
			return nil // an import Assay cannot read adds nothing it can see
		}
		data = b
	}
	e.read++
	e.files = append(e.files, p)
	e.seen[p] = true
	defer delete(e.seen, p)
	nodes, err := parseMSBuild(data)
	for _, nd := range nodes {
		e.setFileProps(p)
		switch nd.kind {
		case msProperty:
			e.define(nd)
		case msItem:
			if len(e.items) < maxDeclarations {
				e.items = append(e.items, msEvalItem{node: nd, path: p})
			}
		case msImport:
			if nd.sdk || e.conds(nd.conds, "") == triFalse {
				continue
			}
			for _, target := range e.importTargets(p, nd.value) {
				e.file(target, nil, depth+1)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	return nil
}

var reFileAbove = lazyre.New(`^\$\(\[MSBuild\]::GetPathOfFileAbove\(\s*'?([^',()]+?)'?\s*(?:,\s*'?([^'()]*(?:\([^'()]*\))?[^'()]*)'?\s*)?\)\)$`)

// importTargets resolves an <Import Project=...> to the tree files it
// names: a literal or property-built path, or the
// GetPathOfFileAbove idiom that chains Directory.Build.props files.
func (e *msEval) importTargets(from, project string) []string {
	dir := path.Dir(from)
	if m := reFileAbove.FindStringSubmatch(strings.TrimSpace(project)); m != nil {
		start := dir
		if m[2] != "" {
			s, ok := e.expandOne(m[2])
			if !ok {
				return nil
			}
			if start, ok = treePath(dir, s); !ok {
				return nil
			}
		}
		if p := fileAbove(e.fsys, start, m[1]); p != "" {
			return []string{p}
		}
		return nil
	}
	vals, problem := e.expand(project)
	if problem != "" {
		return nil
	}
	var out []string
	for _, v := range vals {
		if p, ok := treePath(dir, v); ok && p != "." {
			out = append(out, p)
		}
	}
	return out
}

// define evaluates one property definition.
func (e *msEval) define(nd msNode) {
	key := strings.ToLower(nd.name)
	if strings.HasPrefix(key, "msbuild") {
		return // reserved properties cannot be set
	}
	cur := e.props[key]
	if cur == nil && len(e.props) >= maxMSBuildProps {
		return
	}
	c := e.conds(nd.conds, key)
	if c == triFalse {
		return
	}
	vals, problem := e.expand(nd.value)
	if c == triTrue {
		if problem != "" {
			e.props[key] = &propState{open: problem}
		} else {
			e.props[key] = &propState{vals: vals}
		}
		return
	}
	// Set only when a condition Assay cannot evaluate holds: the property
	// keeps what it had as one alternative.
	next := &propState{open: fmt.Sprintf("%s is set at %s:%d under a condition Assay does not evaluate (%s)", nd.name, e.cur, nd.line, shortCond(nd.conds))}
	if cur != nil {
		next.vals = slices.Clone(cur.vals)
		if cur.open == "" {
			next.open = ""
		}
		if len(cur.vals) == 0 && cur.open != "" {
			next.open = cur.open
		}
	}
	if problem != "" {
		next.open = problem
	}
	for _, v := range vals {
		if !slices.Contains(next.vals, v) && len(next.vals) < maxPropValues {
			next.vals = append(next.vals, v)
		}
	}
	e.props[key] = next
}

func shortCond(conds []string) string {
	s := strings.Join(conds, " and ")
	if s == msOtherwise {
		return "an Otherwise branch"
	}
	s = strings.ReplaceAll(s, msOtherwise, "Otherwise")
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return s
}

// conds evaluates the conditions of an element and its ancestors. self
// is the property being defined: the "set unless already set" idiom
// ('$(X)' == ” on X itself) is decided by whether X is set so far,
// since a property the files leave unset is empty in a plain build.
func (e *msEval) conds(cs []string, self string) tri {
	v := triTrue
	for _, c := range cs {
		switch evalCondition(c, e.condEnv(self)) {
		case triFalse:
			return triFalse
		case triUnknown:
			v = triUnknown
		}
	}
	return v
}

func (e *msEval) condEnv(self string) condEnv {
	return condEnv{
		expand: func(s string) (string, bool) {
			if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
				s = s[1 : len(s)-1]
			}
			if self != "" && strings.EqualFold(strings.TrimSpace(s), "$("+self+")") && e.props[self] == nil {
				return "", true
			}
			return e.expandOne(s)
		},
		exists: func(p string) tri {
			// Exists() is relative to the project's directory.
			q, ok := treePath(path.Dir(e.project), p)
			if !ok || e.fsys == nil {
				return triUnknown
			}
			_, err := fs.Stat(e.fsys, q)
			return triOf(err == nil)
		},
	}
}

// expandOne expands s to its single value; false when it has several or
// cannot be expanded.
func (e *msEval) expandOne(s string) (string, bool) {
	vals, problem := e.expand(s)
	if problem != "" || len(vals) != 1 {
		return "", false
	}
	return vals[0], true
}

// expand substitutes $(Name) references with the values known so far. A
// property with several alternatives yields each combination (bounded);
// an undefined property, a property function, an item list @(...) or
// metadata %(...) makes it unexpandable, and problem says why. Values are
// stored expanded, so expansion never recurses.
func (e *msEval) expand(s string) (vals []string, problem string) {
	if strings.Contains(s, "@(") || strings.Contains(s, "%(") {
		return nil, fmt.Sprintf("%q uses item lists or metadata, which need the build", s)
	}
	vals = []string{""}
	rest := s
	for {
		i := strings.Index(rest, "$(")
		if i < 0 {
			break
		}
		j := refEnd(rest, i)
		if j > len(rest) || rest[j-1] != ')' {
			return nil, fmt.Sprintf("%q has an unclosed $( reference", s)
		}
		name := strings.TrimSpace(rest[i+2 : j-1])
		lit := rest[:i]
		rest = rest[j:]
		if !isPropName(name) {
			return nil, fmt.Sprintf("$(%s) is a property function, which needs the build", clipName(name))
		}
		st := e.props[strings.ToLower(name)]
		switch {
		case st == nil:
			return nil, fmt.Sprintf("$(%s) is not defined in the project, its Directory.Build.props, Directory.Packages.props or imports (it may be set on the command line or by the environment)", name)
		case len(st.vals) == 0:
			return nil, st.open
		case st.open != "":
			return nil, fmt.Sprintf("$(%s) is %s or another value, depending on conditions Assay does not evaluate; %s", name, strings.Join(st.vals, " or "), st.open)
		}
		var next []string
		for _, v := range vals {
			for _, w := range st.vals {
				if len(next) < maxPropValues {
					next = append(next, clip(v+lit+w))
				}
			}
		}
		vals = next
	}
	for k := range vals {
		vals[k] = clip(vals[k] + rest)
	}
	return slices.Compact(vals), ""
}

var rePropName = lazyre.New(`^[A-Za-z_][A-Za-z0-9_\-]*$`)

func isPropName(s string) bool { return rePropName.MatchString(s) }

func clipName(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// msDecl is one PackageReference after evaluation.
type msDecl struct {
	name      string
	meta      map[string]string // raw metadata
	path      string            // the file that includes it
	line      int
	global    bool   // a GlobalPackageReference (CPM): build-only by definition
	uncertain string // non-empty when a metadata child is conditional
}

// centralVersion is a PackageVersion of Central Package Management.
type centralVersion struct {
	vals    []string
	problem string
}

// evaluateItems runs MSBuild's item pass over the queued items with the
// final properties: includes, updates and removes of PackageReference,
// and the central PackageVersion items.
func (e *msEval) evaluateItems() (decls []msDecl, central map[string]*centralVersion) {
	central = map[string]*centralVersion{}
	for _, it := range e.items {
		nd := it.node
		e.setFileProps(it.path)
		c := e.conds(nd.conds, "")
		if c == triFalse {
			continue
		}
		names, problem := e.expand(nd.spec)
		var list []string
		if problem == "" {
			for _, v := range names {
				for _, n := range strings.Split(v, ";") {
					if n = strings.TrimSpace(n); n != "" {
						list = append(list, n)
					}
				}
			}
		}
		switch nd.itemType {
		case "PackageVersion":
			if nd.op == "remove" {
				continue
			}
			for _, n := range list {
				key := strings.ToLower(n)
				vals, problem := e.expand(nd.meta["version"])
				cv := central[key]
				if cv == nil || c == triTrue {
					cv = &centralVersion{}
					central[key] = cv
				}
				if problem != "" {
					cv.problem = problem
				}
				for _, v := range vals {
					if !slices.Contains(cv.vals, v) && len(cv.vals) < maxPropValues {
						cv.vals = append(cv.vals, v)
					}
				}
			}
		case "PackageReference", "GlobalPackageReference":
			if problem != "" && nd.op == "include" {
				decls = append(decls, msDecl{name: nd.spec, path: it.path, line: nd.line, uncertain: problem})
				continue
			}
			switch nd.op {
			case "include":
				for _, n := range list {
					if len(decls) >= maxDeclarations {
						break
					}
					d := msDecl{name: n, meta: e.expandMeta(nd.meta), path: it.path, line: nd.line, global: nd.itemType == "GlobalPackageReference"}
					if cm, ok := nd.meta["\x00conditional"]; ok {
						d.uncertain = fmt.Sprintf("its %s is set under a condition Assay does not evaluate", cm)
					}
					decls = append(decls, d)
				}
			case "update":
				// Update changes the items defined before it; an update
				// under an unknown condition may or may not apply.
				for i := range decls {
					if !containsFold(list, decls[i].name) {
						continue
					}
					for k, v := range e.expandMeta(nd.meta) {
						if c == triUnknown && (k == "version" || k == "versionoverride") && decls[i].meta[k] != v {
							decls[i].uncertain = fmt.Sprintf("its version is updated at %s:%d under a condition Assay does not evaluate (%s)", it.path, nd.line, shortCond(nd.conds))
						}
						decls[i].meta[k] = v
					}
				}
			case "remove":
				if c == triTrue {
					decls = slices.DeleteFunc(decls, func(d msDecl) bool { return containsFold(list, d.name) })
				}
			}
		}
	}
	return decls, central
}

// expandMeta keeps metadata raw: it is expanded when resolved, so the
// reason for an unresolved version can name the property.
func (e *msEval) expandMeta(meta map[string]string) map[string]string {
	out := make(map[string]string, len(meta))
	for k, v := range meta {
		if k != "\x00conditional" {
			out[k] = v
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// prop returns a property's single final value, "" when it is unset or
// has several.
func (e *msEval) prop(name string) string {
	st := e.props[strings.ToLower(name)]
	if st == nil || st.open != "" || len(st.vals) != 1 {
		return ""
	}
	return st.vals[0]
}

// msPackage is one resolved declaration of a project.
type msPackage struct {
	name, version string
	path          string
	line          int
	dev           bool
	problem       string // why the version is not known
	floating      bool   // the version floats (1.*): it changes between restores
	raw           string // the floating requirement as resolved
	ranged        bool   // the requirement is a version range
}

// evaluateMSBuild reads one project file with the props and targets
// around it and returns its package declarations.
func evaluateMSBuild(fsys fs.FS, p string, data []byte) ([]msPackage, error) {
	e := newMSEval(fsys, p)
	err := e.run(data)
	decls, central := e.evaluateItems()
	cpm := strings.EqualFold(e.prop("ManagePackageVersionsCentrally"), "true")
	cpmOff := strings.EqualFold(e.prop("ManagePackageVersionsCentrally"), "false") ||
		e.props["managepackageversionscentrally"] == nil
	test := testProject(e, p, decls)
	exe := strings.EqualFold(e.prop("OutputType"), "exe") || strings.EqualFold(e.prop("OutputType"), "winexe")
	var out []msPackage
	for _, d := range decls {
		pkg := msPackage{name: d.name, path: d.path, line: d.line}
		pkg.dev = test || d.global || buildOnly(d, exe)
		if d.uncertain != "" {
			pkg.problem = d.uncertain
			out = append(out, pkg)
			continue
		}
		raw, from := "", ""
		switch {
		case !cpmOff && d.meta["versionoverride"] != "":
			raw, from = d.meta["versionoverride"], "VersionOverride"
		case d.meta["version"] != "":
			raw, from = d.meta["version"], "Version"
		}
		var vals []string
		var problem string
		if raw != "" {
			vals, problem = e.expand(raw)
		} else if cv, ok := central[strings.ToLower(d.name)]; ok && !cpmOff {
			vals, problem = cv.vals, cv.problem
			from = "the PackageVersion of Directory.Packages.props"
		} else if cpm {
			problem = "Central Package Management is on but no PackageVersion for it is in Directory.Packages.props or its imports"
		} else {
			problem = "no version: NuGet restores the lowest version the feed has (warning NU1604)"
		}
		switch {
		case problem != "":
			pkg.problem = fmt.Sprintf("version %s: %s", raw, problem)
			if raw == "" {
				pkg.problem = problem
			}
		case len(vals) > 1:
			pkg.problem = fmt.Sprintf("%s %s takes %s under conditions Assay does not evaluate", from, raw, strings.Join(vals, " or "))
		case len(vals) == 1:
			pkg.version, pkg.problem, pkg.floating = nugetVersion(vals[0])
			pkg.raw = vals[0]
			pkg.ranged = pkg.problem != "" && !pkg.floating && strings.ContainsAny(vals[0], "[](),")
		default:
			pkg.problem = "empty version"
		}
		out = append(out, pkg)
	}
	return out, err
}

var reNuGetExact = lazyre.New(`^[0-9]+(\.[0-9]+){0,3}(-[0-9A-Za-z.\-]+)?(\+[0-9A-Za-z.\-]+)?$`)

// nugetVersion reads a NuGet version requirement. An exact requirement
// ("[1.2.3]") is a pin. A bare "1.2.3" is, to NuGet, "1.2.3 or higher",
// but it resolves to the lowest applicable version, which is 1.2.3 itself
// whenever the feed has it (the author asked for it, and NuGet warns with
// NU1603 when it must take a higher one): it is taken as the version used.
// A range's lower bound is the version used only if the feed has it,
// which Assay cannot see, so ranges are reported, as are floating versions
// ("1.*"), which take the highest matching version at each restore.
func nugetVersion(v string) (version, problem string, floating bool) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return "", "empty version", false
	case strings.Contains(v, "*"):
		return "", fmt.Sprintf("floating version %q: NuGet takes the highest matching version at each restore", v), true
	case strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]") && !strings.Contains(v, ","):
		v = strings.TrimSpace(v[1 : len(v)-1])
	case strings.ContainsAny(v, "[](),"):
		return "", fmt.Sprintf("version range %q: NuGet takes the lowest version in the range that the feed has, which Assay cannot see", v), false
	}
	if !reNuGetExact.MatchString(v) {
		return "", fmt.Sprintf("version %q is not a NuGet version", v), false
	}
	return v, "", false
}

// testProject reports whether the project is a test project: it says so
// (IsTestProject), references the test SDK, is named like one
// (Lib.Tests, Lib.UnitTests) or lives under a test directory.
func testProject(e *msEval, p string, decls []msDecl) bool {
	if strings.EqualFold(e.prop("IsTestProject"), "true") {
		return true
	}
	for _, d := range decls {
		if strings.EqualFold(d.name, "Microsoft.NET.Test.Sdk") {
			return true
		}
	}
	base := path.Base(p)
	name := strings.ToLower(strings.TrimSuffix(base, path.Ext(base)))
	last := name[strings.LastIndex(name, ".")+1:]
	if last == "test" || last == "tests" || strings.HasSuffix(last, "tests") && strings.Contains(name, ".") {
		return true
	}
	for _, seg := range strings.Split(path.Dir(p), "/") {
		switch strings.ToLower(seg) {
		case "test", "tests":
			return true
		}
	}
	return false
}

// buildOnlyPrefixes name packages that only take part in the build
// (analyzers, source link, versioning, reference assemblies), so they
// never ship in the product.
var buildOnlyPrefixes = []string{
	"microsoft.sourcelink.", "microsoft.codeanalysis.netanalyzers", "microsoft.codeanalysis.publicapianalyzers",
	"microsoft.codeanalysis.bannedapianalyzers", "microsoft.visualstudio.threading.analyzers", "stylecop.analyzers",
	"roslynator.", "sonaranalyzer.", "meziantou.analyzer", "nerdbank.gitversioning", "minver", "gitversion.msbuild",
	"microsoft.netframework.referenceassemblies", "microsoft.dotnet.apicompat", "coverlet.",
}

// buildOnly reports whether a reference does not ship with the product:
// an analyzer or build tool, assets limited to analyzers and build
// logic, or PrivateAssets="all" in a library. PrivateAssets only stops a
// dependency flowing to the library's consumers; an application still
// copies its runtime assets into its output, so there it stays runtime.
func buildOnly(d msDecl, exe bool) bool {
	n := strings.ToLower(d.name)
	for _, pre := range buildOnlyPrefixes {
		if strings.HasPrefix(n, pre) {
			return true
		}
	}
	if strings.HasSuffix(n, ".analyzers") || strings.HasSuffix(n, ".analyzer") {
		return true
	}
	if inc := assetList(d.meta["includeassets"]); len(inc) > 0 && !slices.Contains(inc, "all") &&
		!slices.Contains(inc, "runtime") && !slices.Contains(inc, "compile") && !slices.Contains(inc, "native") {
		return true
	}
	return !exe && slices.Contains(assetList(d.meta["privateassets"]), "all")
}

func assetList(s string) []string {
	var out []string
	for _, a := range strings.Split(strings.ToLower(s), ";") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// msbuildMeta carries a declaration's scope and the file that declares
// it (a Directory.Build.props when the project inherits it).
type msbuildMeta struct {
	Groups []string
	Path   string
}

func (*msbuildMeta) IsProtoable() {}

// DepGroups lets convert read the scope.
func (m *msbuildMeta) DepGroups() []string { return m.Groups }

// msbuildExtractor reads *.csproj, *.fsproj and *.vbproj project files.
type msbuildExtractor struct{}

func (msbuildExtractor) Name() string                       { return msbuildName }
func (msbuildExtractor) Version() int                       { return 0 }
func (msbuildExtractor) Requirements() *plugin.Capabilities { return &plugin.Capabilities{} }

// FileRequired claims the project files of C#, F# and Visual Basic.
func (msbuildExtractor) FileRequired(api filesystem.FileAPI) bool { return ProjectFile(api.Path()) }

// ProjectFile reports whether a file name is an MSBuild project of C#,
// F# or Visual Basic, whose PackageReference items declare NuGet
// packages.
func ProjectFile(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".csproj", ".fsproj", ".vbproj":
		return true
	}
	return false
}

// Extract evaluates the project. A file that is not well-formed XML
// still yields the declarations read before the problem; only a file
// with none is reported unreadable.
func (msbuildExtractor) Extract(_ context.Context, in *filesystem.ScanInput) (inventory.Inventory, error) {
	data, err := io.ReadAll(io.LimitReader(in.Reader, limits.MaxFileSize))
	if err != nil {
		return inventory.Inventory{}, err
	}
	var fsys fs.FS
	if in.FS != nil {
		fsys = in.FS
	}
	pkgs, err := evaluateMSBuild(fsys, in.Path, data)
	if err != nil && len(pkgs) == 0 {
		return inventory.Inventory{}, err
	}
	var out inventory.Inventory
	for _, p := range pkgs {
		groups := []string{}
		if p.dev {
			groups = []string{"dev"}
		}
		pkg := &extractor.Package{
			Name: p.name, Version: p.version, PURLType: purl.TypeNuget,
			Location: extractor.LocationFromPathAndLine(in.Path, p.line),
			Metadata: &msbuildMeta{Groups: groups, Path: p.path},
		}
		if p.problem != "" {
			reason := p.problem
			if p.path != in.Path {
				// Unresolved declarations are located in the project
				// file; one it inherits names its own file.
				reason += fmt.Sprintf(" (declared in %s:%d)", p.path, p.line)
				pkg.Location = extractor.LocationFromPathAndLine(in.Path, 0)
			}
			pkg.Version = ""
			pkg.Metadata = &unresolvedMeta{Reason: reason, Groups: groups}
		}
		out.Packages = append(out.Packages, pkg)
	}
	return out, nil
}

// MSBuildResolution is how a project file's package references resolve.
type MSBuildResolution struct {
	// Floating is the first floating requirement ("Serilog 4.*"), at
	// FloatingLine of the project (0 when inherited from a props file):
	// such a build takes whatever the feed has newest at each restore.
	Floating     string
	FloatingLine int
	// Ranged is set when a reference asks for a version range: NuGet
	// resolves it to the lowest version the feed has, which Assay cannot
	// see, so the version is not known exactly.
	Ranged bool
}

// ResolveMSBuild reads a project file as the inventory does, for the
// manifest facts.
func ResolveMSBuild(t *source.Tree, p string) MSBuildResolution {
	var r MSBuildResolution
	data, err := t.ReadFile(p, limits.MaxFileSize)
	if err != nil {
		return r
	}
	pkgs, _ := evaluateMSBuild(&treeFS{t: t}, p, data)
	for _, pkg := range pkgs {
		switch {
		case pkg.floating && r.Floating == "":
			r.Floating = pkg.name + " " + pkg.raw
			if pkg.path == p {
				r.FloatingLine = pkg.line
			}
		case pkg.ranged:
			r.Ranged = true
		}
	}
	return r
}

var _ filesystem.Extractor = msbuildExtractor{}
