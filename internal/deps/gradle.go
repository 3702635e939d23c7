package deps

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/google/osv-scalibr/extractor"
	"github.com/google/osv-scalibr/extractor/filesystem"
	"github.com/google/osv-scalibr/extractor/filesystem/language/java/javalockfile"
	"github.com/google/osv-scalibr/inventory"
	"github.com/google/osv-scalibr/plugin"
	"github.com/google/osv-scalibr/purl"

	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
)

// Gradle's declarations are read here because no OSV-SCALIBR extractor
// reads build scripts, and its version-catalog extractor decodes [versions]
// as plain strings, so one rich version ({ strictly = ... }) rejects the
// whole catalog, and a version.ref that names nothing silently becomes an
// unversioned package. Neither reader evaluates a script: they recognise
// the declaration forms Gradle documents and report every other one as
// unresolved rather than guessing.

// Extractor names of the hand-written Gradle readers.
const (
	gradleCatalogName = "java/gradleversioncatalog"
	gradleBuildName   = "java/gradlebuild"
)

// maxDeclarations bounds how many dependency declarations one Gradle file
// may yield, so a generated script cannot exhaust memory.
const maxDeclarations = 20000

// unresolvedMeta marks a declaration whose coordinates or version could
// not be determined; extract moves it out of the packages into
// File.Unresolved with the reason.
type unresolvedMeta struct {
	Reason string
	Groups []string
}

func (*unresolvedMeta) IsProtoable() {}

// DepGroups lets convert read the scope of an unresolved declaration.
func (m *unresolvedMeta) DepGroups() []string { return m.Groups }

// catalog is a parsed gradle/libs.versions.toml.
type catalog struct {
	libs    map[string]catalogLib // by accessor key (see accessorKey)
	bundles map[string][]string   // bundle accessor key -> library accessor keys
}

type catalogLib struct {
	alias, group, name, version string
	line                        int
	problem                     string // why the version is not known; "" when it is
}

// accessorKey is how a build script names a catalog alias: Gradle maps
// '-', '_' and '.' to the same accessor separator.
func accessorKey(alias string) string {
	return strings.ToLower(strings.NewReplacer("-", ".", "_", ".").Replace(alias))
}

// parseCatalog reads a version catalog.
func parseCatalog(data []byte) (*catalog, error) {
	var raw struct {
		Versions  map[string]any `toml:"versions"`
		Libraries map[string]any `toml:"libraries"`
		Bundles   map[string]any `toml:"bundles"`
	}
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return nil, err
	}
	lines := catalogLines(data)
	c := &catalog{libs: map[string]catalogLib{}, bundles: map[string][]string{}}
	for alias, v := range raw.Libraries {
		if len(c.libs) >= maxDeclarations {
			break
		}
		lib := catalogLib{alias: alias, line: lines[alias]}
		switch x := v.(type) {
		case string:
			parts := strings.Split(x, ":")
			if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
				lib.problem = fmt.Sprintf("%q is not group:name[:version]", x)
				break
			}
			lib.group, lib.name = parts[0], parts[1]
			if len(parts) > 2 {
				lib.version, lib.problem = pinnedVersion(parts[2])
			} else {
				lib.problem = "no version (a platform or BOM may manage it)"
			}
		case map[string]any:
			if m, ok := x["module"].(string); ok {
				lib.group, lib.name, _ = strings.Cut(m, ":")
			} else {
				lib.group, _ = x["group"].(string)
				lib.name, _ = x["name"].(string)
			}
			if lib.group == "" || lib.name == "" {
				lib.problem = "no module or group and name"
				break
			}
			lib.version, lib.problem = catalogVersion(x["version"], raw.Versions)
		default:
			lib.problem = "not a string or table"
		}
		c.libs[accessorKey(alias)] = lib
	}
	for name, v := range raw.Bundles {
		list, _ := v.([]any)
		var keys []string
		for _, x := range list {
			if s, ok := x.(string); ok {
				keys = append(keys, accessorKey(s))
			}
		}
		c.bundles[accessorKey(name)] = keys
	}
	return c, nil
}

// catalogLines finds the line of each alias in the [libraries] table.
func catalogLines(data []byte) map[string]int {
	out := map[string]int{}
	inLibs := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), limits.MaxFileSize)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			inLibs = strings.HasPrefix(line, "[libraries]")
			continue
		}
		if !inLibs {
			continue
		}
		if k, _, ok := strings.Cut(line, "="); ok {
			k = strings.Trim(strings.TrimSpace(k), `"'`)
			if _, dup := out[k]; !dup && k != "" {
				out[k] = n
			}
		}
	}
	return out
}

// catalogVersion resolves a library's version field: a string, a
// version.ref into [versions], or a rich version.
func catalogVersion(v any, versions map[string]any) (string, string) {
	switch x := v.(type) {
	case nil:
		return "", "no version (a platform or BOM may manage it)"
	case string:
		return pinnedVersion(x)
	case map[string]any:
		if ref, ok := x["ref"].(string); ok {
			target, found := versions[ref]
			if !found {
				return "", fmt.Sprintf("version.ref %q is not defined in [versions]", ref)
			}
			return catalogVersion(target, nil)
		}
		return richVersion(x)
	}
	return "", "version is not a string, ref or rich version"
}

// richVersion picks the version Gradle settles on from a rich version
// when it is exact: strictly, then require, then prefer (a preference is
// what Gradle uses when a strict or required range allows it).
func richVersion(m map[string]any) (string, string) {
	var ranged string
	for _, k := range []string{"strictly", "require", "prefer"} {
		s, ok := m[k].(string)
		if !ok {
			continue
		}
		if v, problem := pinnedVersion(s); problem == "" {
			return v, ""
		}
		if ranged == "" {
			ranged = s
		}
	}
	if ranged != "" {
		return "", fmt.Sprintf("version range %q: the version is chosen at build time", ranged)
	}
	return "", "rich version without strictly, require or prefer"
}

var exactVersion = lazyre.New(`^[0-9A-Za-z][0-9A-Za-z._+-]*$`)

// pinnedVersion accepts an exact version and explains anything else:
// ranges, dynamic versions ("1.+", latest.release) and interpolations.
func pinnedVersion(v string) (string, string) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return "", "empty version"
	case strings.Contains(v, "$"):
		return "", fmt.Sprintf("version %q is computed by the build script", v)
	case strings.HasPrefix(v, "latest.") || strings.HasSuffix(v, "+") || strings.ContainsAny(v, "[](),"):
		return "", fmt.Sprintf("version range %q: the version is chosen at build time", v)
	case !exactVersion.MatchString(v):
		return "", fmt.Sprintf("version %q is not a version", v)
	}
	return v, ""
}

// catalogGroup marks catalog packages whose scope the build scripts decide.
const catalogGroup = "assay:catalog"

// catalogScopes gives each catalog library the scope of its uses in the
// build scripts of the same build: runtime when any runtime configuration
// uses it, dev when only test or build configurations do, unknown when no
// script Assay read names it.
func catalogScopes(inv *Inventory) {
	for i := range inv.Files {
		cf := &inv.Files[i]
		if cf.Format != gradleCatalogName {
			continue
		}
		root := path.Dir(path.Dir(cf.Path))
		uses := map[string]string{}
		for _, bf := range inv.Files {
			if bf.Format != gradleBuildName || !(root == "." || strings.HasPrefix(bf.Path, root+"/")) {
				continue
			}
			for _, p := range bf.Packages {
				if uses[p.Name+"@"+p.Version] != Runtime {
					uses[p.Name+"@"+p.Version] = p.Scope
				}
			}
		}
		for j := range cf.Packages {
			cf.Packages[j].Scope = uses[cf.Packages[j].Name+"@"+cf.Packages[j].Version]
		}
	}
}

// catalogExtractor reads gradle/*.versions.toml.
type catalogExtractor struct{}

func (catalogExtractor) Name() string                       { return gradleCatalogName }
func (catalogExtractor) Version() int                       { return 0 }
func (catalogExtractor) Requirements() *plugin.Capabilities { return &plugin.Capabilities{} }

func (catalogExtractor) FileRequired(api filesystem.FileAPI) bool {
	p := api.Path()
	return path.Base(p) == "libs.versions.toml" || strings.HasSuffix(p, ".versions.toml") && path.Base(path.Dir(p)) == "gradle"
}

func (catalogExtractor) Extract(_ context.Context, in *filesystem.ScanInput) (inventory.Inventory, error) {
	data, err := io.ReadAll(io.LimitReader(in.Reader, limits.MaxFileSize))
	if err != nil {
		return inventory.Inventory{}, err
	}
	c, err := parseCatalog(data)
	if err != nil {
		return inventory.Inventory{}, err
	}
	var out inventory.Inventory
	for _, lib := range c.libs {
		// The catalog only declares; which configuration uses a library
		// is in the build scripts (catalogScopes).
		out.Packages = append(out.Packages, mavenPackage(lib.group, lib.name, lib.version, lib.problem, in.Path, lib.line, []string{catalogGroup}))
	}
	return out, nil
}

// mavenPackage builds a scalibr package for Maven coordinates; a problem
// makes it an unresolved declaration.
func mavenPackage(group, name, version, problem, p string, line int, groups []string) *extractor.Package {
	pkg := &extractor.Package{
		Name:     group + ":" + name,
		Version:  version,
		PURLType: purl.TypeMaven,
		Location: extractor.LocationFromPathAndLine(p, line),
		Metadata: &javalockfile.Metadata{GroupID: group, ArtifactID: name, DepGroupVals: groups},
	}
	if problem != "" {
		pkg.Version = ""
		pkg.Metadata = &unresolvedMeta{Reason: problem, Groups: groups}
	}
	return pkg
}

// unresolvedPackage is a declaration named by an expression, not by
// coordinates.
func unresolvedPackage(expr, reason, p string, line int, groups []string) *extractor.Package {
	return &extractor.Package{
		Name: expr, PURLType: purl.TypeMaven,
		Location: extractor.LocationFromPathAndLine(p, line),
		Metadata: &unresolvedMeta{Reason: reason, Groups: groups},
	}
}

// buildExtractor reads literal coordinates and catalog accessors from
// build.gradle and build.gradle.kts files and the precompiled script
// plugins beside them (buildSrc, build-logic).
type buildExtractor struct{}

func (buildExtractor) Name() string                       { return gradleBuildName }
func (buildExtractor) Version() int                       { return 0 }
func (buildExtractor) Requirements() *plugin.Capabilities { return &plugin.Capabilities{} }

func (buildExtractor) FileRequired(api filesystem.FileAPI) bool {
	base := path.Base(api.Path())
	if strings.HasPrefix(base, "settings.gradle") || strings.HasPrefix(base, "init.gradle") {
		return false
	}
	return strings.HasSuffix(base, ".gradle") || strings.HasSuffix(base, ".gradle.kts")
}

// Configurations whose components do not ship with the product.
func devConfiguration(cfg string) bool {
	l := strings.ToLower(cfg)
	return strings.Contains(l, "test") || l == "classpath" || l == "detektplugins" || l == "lintchecks"
}

var (
	// reDeclaration is a dependency declaration: a configuration name
	// followed by "(" (Kotlin, Groovy) or whitespace (Groovy).
	reDeclaration = lazyre.New(`^\s*([A-Za-z][A-Za-z0-9_]*)\s*(\(|\s)\s*(.*)$`)
	// reCoordinate is a "group:name:version[:classifier][@ext]" literal.
	reAddCall    = lazyre.New(`^\s*(?:add\(\s*["']([A-Za-z][A-Za-z0-9_]*)["']\s*,|["']([A-Za-z][A-Za-z0-9_]*)["']\s*\()\s*(.*)$`)
	reCoordinate = lazyre.New(`["']([A-Za-z0-9_.\-]+):([A-Za-z0-9_.\-]+)(?::([^"':@]+))?(?::[^"'@]*)?(?:@[A-Za-z0-9]+)?["']`)
	reMapGroup   = lazyre.New(`\bgroup\s*[:=]\s*["']([^"']+)["']`)
	reMapName    = lazyre.New(`\bname\s*[:=]\s*["']([^"']+)["']`)
	reMapVersion = lazyre.New(`\bversion\s*[:=]\s*["']([^"']+)["']`)
	reAccessor   = lazyre.New(`\blibs\.((?:[A-Za-z0-9_]+\.)*[A-Za-z0-9_]+)`)
	// reFindLibrary is the catalog looked up by alias, directly or through
	// a helper of that name in a convention plugin.
	reFindLibrary = lazyre.New(`\b(?:findLibrary|library)\(\s*"([A-Za-z0-9_.\-]+)"\s*\)`)
	reKotlinLib   = lazyre.New(`\bkotlin\(\s*"([A-Za-z0-9_.\-]+)"`)
	// reAssign is a simple string variable: val x = "1.0", def x = '1.0',
	// ext.x = "1.0", set("x", "1.0") is not evaluated.
	reAssign   = lazyre.New(`^\s*(?:(?:val|var|def|const val|ext\.|extra\[)\s*)?["']?([A-Za-z_][A-Za-z0-9_.]*)["']?\]?\s*(?::\s*String\s*)?=\s*["']([^"'$]+)["']\s*$`)
	reInterpol = lazyre.New(`\$\{?([A-Za-z_][A-Za-z0-9_.]*)\}?`)
)

// reConstraints opens a dependencies { constraints { ... } } block.
var reConstraints = lazyre.New(`^constraints\s*\{`)

// declares reports whether a declaration's arguments name a component
// Assay can read: literal coordinates, a map notation, a catalog accessor or
// a kotlin() shorthand.
func declares(args string) bool {
	return reCoordinate.MatchString(args) || reMapGroup.MatchString(args) || reAccessor.MatchString(args) ||
		reFindLibrary.MatchString(args) || reKotlinLib.MatchString(args)
}

// notComponents are declaration arguments that name no registry component:
// other projects of the build, local files, Gradle's own API.
var notComponents = []string{"project(", "projects.", "files(", "fileTree(", "gradleApi()", "localGroovy()", "gradleTestKit()", "libs.plugins."}

func (buildExtractor) Extract(_ context.Context, in *filesystem.ScanInput) (inventory.Inventory, error) {
	data, err := io.ReadAll(io.LimitReader(in.Reader, limits.MaxFileSize))
	if err != nil {
		return inventory.Inventory{}, err
	}
	vars := gradleProperties(in.FS, path.Dir(in.Path))
	var cat *catalog
	catalogProblem := ""
	if cp := findCatalog(in.FS, path.Dir(in.Path)); cp != "" {
		if b, err := readSmall(in.FS, cp); err == nil {
			if cat, err = parseCatalog(b); err != nil {
				catalogProblem = fmt.Sprintf("version catalog %s could not be read: %v", cp, err)
			}
		}
	} else {
		catalogProblem = "no version catalog (gradle/libs.versions.toml) in the build"
	}
	var out inventory.Inventory
	add := func(p *extractor.Package) bool {
		out.Packages = append(out.Packages, p)
		return len(out.Packages) < maxDeclarations
	}
	depth, depsDepth, constraintsDepth := 0, -1, -1
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		line := stripComment(lines[i])
		if m := reAssign.FindStringSubmatch(line); m != nil {
			vars[m[1]] = m[2]
		}
		trimmed := strings.TrimSpace(line)
		if depsDepth < 0 && (strings.HasPrefix(trimmed, "dependencies {") || trimmed == "dependencies{" || trimmed == "dependencies") {
			depsDepth = depth
		}
		inDeps := depsDepth >= 0 && depth > depsDepth
		if inDeps && constraintsDepth < 0 && reConstraints.MatchString(trimmed) {
			constraintsDepth = depth
		}
		inConstraints := constraintsDepth >= 0 && depth > constraintsDepth
		depth += braceDelta(line)
		if depsDepth >= 0 && depth <= depsDepth && !strings.HasPrefix(trimmed, "dependencies") {
			depsDepth = -1
		}
		if constraintsDepth >= 0 && depth <= constraintsDepth && !reConstraints.MatchString(trimmed) {
			constraintsDepth = -1
		}
		if !inDeps {
			continue
		}
		var cfg, args string
		opened := 0 // the parenthesis the match consumed
		if m := reAddCall.FindStringSubmatch(line); m != nil {
			cfg, args, opened = m[1]+m[2], m[3], 1 // add("implementation", ...) and "implementation"(...)
		} else if m := reDeclaration.FindStringSubmatch(line); m != nil && isConfiguration(m[1]) {
			cfg, args = m[1], m[3]
			if m[2] == "(" {
				opened = 1
			}
		} else {
			continue
		}
		// A declaration split over lines: read on while parentheses are open.
		for j := i + 1; opened+strings.Count(args, "(") > strings.Count(args, ")") && j < len(lines) && j < i+20; j++ {
			args += " " + strings.TrimSpace(stripComment(lines[j]))
		}
		var groups []string
		if devConfiguration(cfg) {
			groups = []string{"dev"}
		}
		p, lineNo := in.Path, i+1
		if inConstraints && !declares(args) {
			// A constraint only bounds the version of a component that
			// something else brings in; one named by an expression (a
			// platform listing the build's own subprojects) adds nothing.
			continue
		}
		if !declaration(cfg, args, vars, cat, catalogProblem, p, lineNo, groups, add) {
			break
		}
	}
	return out, nil
}

// declaration turns one declaration's arguments into packages; it returns
// false when the file reached maxDeclarations.
func declaration(cfg, args string, vars map[string]string, cat *catalog, catalogProblem, p string, line int, groups []string, add func(*extractor.Package) bool) bool {
	for _, skip := range notComponents {
		if strings.Contains(args, skip) && !strings.Contains(args, "libs.") && !reCoordinate.MatchString(args) {
			return true
		}
	}
	if strings.Contains(args, "libs.plugins.") {
		return true
	}
	found := false
	for _, m := range reCoordinate.FindAllStringSubmatch(args, -1) {
		found = true
		group, name, version := m[1], m[2], m[3]
		if strings.Contains(group, "$") || strings.Contains(name, "$") {
			if !add(mavenPackage(group, name, "", fmt.Sprintf("coordinates %s:%s are computed by the build script", group, name), p, line, groups)) {
				return false
			}
			continue
		}
		if ownVersion(version) {
			continue // an artifact of this build, published at the project's version
		}
		v, problem := resolveVars(version, vars)
		switch {
		case version == "" && strings.Count(m[0], ":") >= 2:
			problem = "the version is appended by the build script (string concatenation)"
		case version == "":
			problem = "no version (a platform or BOM may manage it)"
		}
		if !add(mavenPackage(group, name, v, problem, p, line, groups)) {
			return false
		}
	}
	if g := reMapGroup.FindStringSubmatch(args); g != nil {
		if n := reMapName.FindStringSubmatch(args); n != nil {
			found = true
			v, problem := "", "no version (a platform or BOM may manage it)"
			if ver := reMapVersion.FindStringSubmatch(args); ver != nil {
				if ownVersion(ver[1]) {
					return true
				}
				v, problem = resolveVars(ver[1], vars)
			}
			if !add(mavenPackage(g[1], n[1], v, problem, p, line, groups)) {
				return false
			}
		}
	}
	var keys []string
	for _, m := range reAccessor.FindAllStringSubmatch(args, -1) {
		keys = append(keys, strings.TrimSuffix(strings.ToLower(m[1]), ".get"))
	}
	for _, m := range reFindLibrary.FindAllStringSubmatch(args, -1) {
		keys = append(keys, accessorKey(m[1]))
	}
	for _, m := range reKotlinLib.FindAllStringSubmatch(args, -1) {
		found = true
		if !add(mavenPackage("org.jetbrains.kotlin", "kotlin-"+m[1], "", "kotlin(\""+m[1]+"\") takes the version of the Kotlin Gradle plugin", p, line, groups)) {
			return false
		}
	}
	for _, key := range keys {
		found = true
		if cat == nil {
			if !add(unresolvedPackage("libs."+key, catalogProblem, p, line, groups)) {
				return false
			}
			continue
		}
		libKeys := []string{key}
		if b, ok := strings.CutPrefix(key, "bundles."); ok {
			libKeys = cat.bundles[b]
		}
		for _, k := range libKeys {
			lib, ok := cat.libs[k]
			if !ok {
				if !add(unresolvedPackage("libs."+k, "not in the version catalog", p, line, groups)) {
					return false
				}
				continue
			}
			if !add(mavenPackage(lib.group, lib.name, lib.version, lib.problem, p, line, groups)) {
				return false
			}
		}
	}
	if !found {
		expr := strings.TrimSpace(args)
		if len(expr) > 80 {
			expr = expr[:80] + "..."
		}
		return add(unresolvedPackage(fmt.Sprintf("%s(%s)", cfg, strings.TrimSuffix(expr, ")")), "an expression Assay does not evaluate", p, line, groups))
	}
	return true
}

// isConfiguration recognises Gradle's dependency configurations and the
// conventional names plugins add (kapt, ksp, *Implementation, ...).
func isConfiguration(name string) bool {
	switch name {
	case "implementation", "api", "compileOnly", "runtimeOnly", "compileOnlyApi", "annotationProcessor",
		"compile", "runtime", "provided", "testCompile", "testRuntime", "classpath", "kapt", "ksp",
		"coreLibraryDesugaring", "detektPlugins", "lintChecks", "developmentOnly", "shadow", "implementationDependenciesMetadata":
		return true
	}
	for _, suffix := range []string{"Implementation", "Api", "CompileOnly", "RuntimeOnly", "AnnotationProcessor", "Kapt", "Ksp"} {
		if strings.HasSuffix(name, suffix) && len(name) > len(suffix) {
			return true
		}
	}
	return false
}

// ownVersion reports a version that is the project's own: the artifact is
// another module of this build, not a third-party component.
func ownVersion(v string) bool {
	switch strings.Trim(v, "${}") {
	case "version", "project.version", "rootProject.version":
		return true
	}
	return false
}

// resolveVars substitutes $name and ${name} from gradle.properties and
// simple assignments in the script; anything else stays unresolved.
func resolveVars(v string, vars map[string]string) (string, string) {
	var missing string
	out := reInterpol.ReplaceAllStringFunc(v, func(m string) string {
		name := reInterpol.FindStringSubmatch(m)[1]
		for _, k := range []string{name, strings.TrimPrefix(name, "project."), strings.TrimPrefix(name, "rootProject.")} {
			if val, ok := vars[k]; ok {
				return val
			}
		}
		if missing == "" {
			missing = name
		}
		return m
	})
	if missing != "" {
		return "", fmt.Sprintf("version %q: %s is not defined in gradle.properties or as a string in the script", v, missing)
	}
	return pinnedVersion(out)
}

// codeBytes calls fn with the index of every byte of line outside string
// literals ('…' and "…", with backslash escapes), until fn returns false.
func codeBytes(line string, fn func(i int) bool) {
	inStr := byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case inStr != 0 && c == '\\':
			i++
		case inStr != 0:
			if c == inStr {
				inStr = 0
			}
		case c == '"' || c == '\'':
			inStr = c
		default:
			if !fn(i) {
				return
			}
		}
	}
}

// stripComment cuts a "//" comment; a "//" inside a string (a URL) is not
// one.
func stripComment(line string) string {
	end := len(line)
	codeBytes(line, func(i int) bool {
		if line[i] == '/' && i+1 < len(line) && line[i+1] == '/' {
			end = i
			return false
		}
		return true
	})
	return line[:end]
}

// braceDelta counts the braces of a line outside string literals.
func braceDelta(line string) int {
	d := 0
	codeBytes(line, func(i int) bool {
		switch line[i] {
		case '{':
			d++
		case '}':
			d--
		}
		return true
	})
	return d
}

// maxBuildDepth bounds the walk up from a build script to its build root.
const maxBuildDepth = 32

// findCatalog walks up from dir to the nearest gradle/libs.versions.toml.
func findCatalog(fsys fs.FS, dir string) string {
	if fsys == nil {
		return ""
	}
	for range maxBuildDepth {
		p := path.Join(dir, "gradle", "libs.versions.toml")
		if _, err := fs.Stat(fsys, p); err == nil {
			return p
		}
		// Included builds (build-logic, buildSrc) use the catalog of the
		// build that includes them, further up.
		if dir == "." || dir == "" || dir == "/" {
			return ""
		}
		dir = path.Dir(dir)
	}
	return ""
}

// gradleProperties reads gradle.properties from dir up to the tree root:
// the nearest definition wins, as for a project and its root project.
func gradleProperties(fsys fs.FS, dir string) map[string]string {
	vars := map[string]string{}
	if fsys == nil {
		return vars
	}
	for range maxBuildDepth {
		if data, err := readSmall(fsys, path.Join(dir, "gradle.properties")); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				line = strings.TrimSpace(line)
				if line == "" || line[0] == '#' || line[0] == '!' {
					continue
				}
				k, v, ok := strings.Cut(line, "=")
				if !ok {
					k, v, ok = strings.Cut(line, ":")
				}
				k, v = strings.TrimSpace(k), strings.TrimSpace(v)
				if _, set := vars[k]; ok && !set && k != "" {
					vars[k] = v
				}
			}
		}
		if dir == "." || dir == "" || dir == "/" {
			break
		}
		dir = path.Dir(dir)
	}
	return vars
}

func readSmall(fsys fs.FS, p string) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limits.MaxSmallFileSize))
}

var (
	_ filesystem.Extractor = catalogExtractor{}
	_ filesystem.Extractor = buildExtractor{}
)
