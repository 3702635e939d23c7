package deps

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"golang.org/x/mod/modfile"

	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/source"
)

// annotate adds what the extractors do not report: whether each package is a
// direct dependency (from the manifest next to the lockfile) and how much of
// the file is pinned by hashes.
func annotate(t *source.Tree, f *File, data []byte) { annotateMemo(t, f, data, nil) }

// annotateMemo is annotate reusing what the extractor decoded.
func annotateMemo(t *source.Tree, f *File, data []byte, memo *lockMemo) {
	if f.Format == "go/gomod" {
		dropGoDirectoryModules(f)
	}
	markRelations(t, f, data)
	gradleLockScopes(f, data)
	f.Integrity = integrity(t, f, data, memo)
}

func markRelations(t *source.Tree, f *File, data []byte) {
	read := func(name string) []byte { return readSibling(t, f.Path, name) }
	var direct map[string]string // name -> scope
	switch f.Format {
	case "javascript/packagelockjson", "javascript/yarnlock", "javascript/pnpmlock", "javascript/bunlock":
		direct = npmDirect(read("package.json"))
	case "go/gomod":
		direct = goDirect(f.Path, data)
	case "php/composerlock":
		direct = composerDirect(read("composer.json"))
	case "rust/cargolock":
		direct = cargoDirect(read("Cargo.toml"))
	case msbuildName:
		// A project's PackageReferences are its direct dependencies.
		for i := range f.Packages {
			f.Packages[i].Relation = Direct
		}
		return
	}
	if direct == nil {
		return
	}
	for i := range f.Packages {
		p := &f.Packages[i]
		if p.Name == "stdlib" && p.Ecosystem == "Go" {
			continue
		}
		if scope, ok := direct[p.Name]; ok {
			p.Relation = Direct
			if p.Scope == "" && scope != "" {
				p.Scope = scope
			}
		} else {
			p.Relation = Transitive
		}
	}
}

// readSibling reads a manifest beside the file at p, nil when there is
// none or it is too large for one.
func readSibling(t *source.Tree, p, name string) []byte {
	q := path.Join(path.Dir(p), name)
	if t == nil || !t.Exists(q) {
		return nil
	}
	b, err := t.ReadFile(q, limits.MaxSmallFileSize)
	if err != nil {
		return nil
	}
	return b
}

func npmDirect(data []byte) map[string]string {
	if data == nil {
		return nil
	}
	var pkg struct {
		Dependencies         map[string]any `json:"dependencies"`
		DevDependencies      map[string]any `json:"devDependencies"`
		OptionalDependencies map[string]any `json:"optionalDependencies"`
	}
	if json.Unmarshal(data, &pkg) != nil {
		return nil
	}
	out := map[string]string{}
	for n := range pkg.Dependencies {
		out[n] = Runtime
	}
	for n := range pkg.OptionalDependencies {
		out[n] = Optional
	}
	for n := range pkg.DevDependencies {
		out[n] = Dev
	}
	return out
}

func goDirect(p string, data []byte) map[string]string {
	mf, err := modfile.ParseLax(p, data, nil)
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for _, r := range mf.Require {
		if !r.Indirect {
			out[r.Mod.Path] = ""
		}
	}
	return out
}

func composerDirect(data []byte) map[string]string {
	if data == nil {
		return nil
	}
	var c struct {
		Require    map[string]any `json:"require"`
		RequireDev map[string]any `json:"require-dev"`
	}
	if json.Unmarshal(data, &c) != nil {
		return nil
	}
	out := map[string]string{}
	for n := range c.Require {
		out[strings.ToLower(n)] = Runtime
	}
	for n := range c.RequireDev {
		out[strings.ToLower(n)] = Dev
	}
	return out
}

func cargoDirect(data []byte) map[string]string {
	if data == nil {
		return nil
	}
	var c struct {
		Dependencies      map[string]any `toml:"dependencies"`
		DevDependencies   map[string]any `toml:"dev-dependencies"`
		BuildDependencies map[string]any `toml:"build-dependencies"`
	}
	if _, err := toml.Decode(string(data), &c); err != nil {
		return nil
	}
	out := map[string]string{}
	for n := range c.Dependencies {
		out[n] = Runtime
	}
	for n := range c.BuildDependencies {
		out[n] = Dev
	}
	for n := range c.DevDependencies {
		out[n] = Dev
	}
	return out
}

var (
	reNpmIntegrity   = lazyre.New(`"integrity"\s*:\s*"sha(1|256|384|512)-`)
	reYarnIntegrity  = lazyre.New(`(?m)^\s+(integrity\s+sha|checksum:\s*\S)`)
	rePnpmIntegrity  = lazyre.New(`integrity:\s*sha(1|256|384|512)-`)
	rePnpmLocal      = lazyre.New(`(?m)^\s+resolution:\s*\{\s*directory:`)
	reBunIntegrity   = lazyre.New(`"sha(1|256|384|512)-[A-Za-z0-9+/=]+"`)
	reJSONHashes     = lazyre.New(`"hashes"\s*:\s*\[\s*"`)
	reNuGetHash      = lazyre.New(`"contentHash"\s*:\s*"[^"]+"`)
	reSwiftRevision  = lazyre.New(`"revision"\s*:\s*"[0-9a-f]{40}"`)
	rePubSHA         = lazyre.New(`sha256:\s*"?[0-9a-f]{64}`)
	reComposerShasum = lazyre.New(`"shasum"\s*:\s*"[0-9a-f]{40,}"`)
)

// integrity reports how many pinned packages carry a content hash. It reads
// the raw lockfile text: the extractors discard hashes, and presence is all
// claim 1.2.2 needs.
func integrity(t *source.Tree, f *File, data []byte, memo *lockMemo) Integrity {
	total := len(f.Packages)
	count := func(method string, n int) Integrity {
		return Integrity{Method: method, Hashed: min(n, total), Total: total}
	}
	if f.Format == "javascript/packagelockjson" {
		doc := (*npmLockDoc)(nil)
		if memo != nil {
			doc = memo.npm
		}
		if doc == nil {
			doc, _ = decodeNPMLock(data)
		}
		if in, ok := npmLockIntegrity(doc); ok {
			return in
		}
	}
	s := string(data)
	switch f.Format {
	case "javascript/packagelockjson":
		return count("integrity fields", len(reNpmIntegrity.FindAllStringIndex(s, -1)))
	case "javascript/yarnlock":
		return count("integrity/checksum fields", len(reYarnIntegrity.FindAllStringIndex(s, -1)))
	case "javascript/pnpmlock":
		// Packages resolved from a directory of the tree (file: and
		// injected workspace packages) are not downloaded: no hash.
		// The dependency graph may already have removed them from the
		// packages; only those still listed are taken off the total.
		if local := len(rePnpmLocal.FindAllStringIndex(s, -1)); local > 0 {
			listed := max(0, local-f.localDropped)
			if listed < total {
				in := Integrity{Method: "integrity fields", Hashed: min(len(rePnpmIntegrity.FindAllStringIndex(s, -1)), total-listed), Total: total - listed}
				in.Note = fmt.Sprintf("%d entries resolved from directories of the tree need no hash", local)
				return in
			}
		}
		return count("integrity fields", len(rePnpmIntegrity.FindAllStringIndex(s, -1)))
	case "javascript/bunlock":
		return count("integrity fields", len(reBunIntegrity.FindAllStringIndex(s, -1)))
	case "python/pipfilelock":
		return count("hashes", len(reJSONHashes.FindAllStringIndex(s, -1)))
	case "python/requirements":
		return requirementsIntegrity(s, total)
	case "python/poetrylock", "python/pdmlock":
		return tomlSections(s, "[[package]]", "", []string{"sha256:"}, total, "file hashes")
	case "python/uvlock":
		// The project itself and workspace members (editable, virtual,
		// path or directory sources) are built from the tree: no hash.
		return tomlSections(s, "[[package]]", "source = { registry", []string{"hash = \"sha256:"}, total, "file hashes")
	case "python/pylock":
		return tomlSections(s, "[[packages]]", "", []string{"hashes"}, total, "file hashes")
	case "rust/cargolock":
		return tomlSections(s, "[[package]]", "source = \"registry+", []string{"checksum = "}, total, "checksum fields")
	case "go/gomod":
		return goSumIntegrity(t, f)
	case "java/gradleverificationmetadataxml":
		return Integrity{Method: "Gradle dependency verification", Hashed: total, Total: total}
	case "java/gradlelockfile":
		if vm := gradleVerification(t, f.Path); vm != "" {
			return Integrity{Method: "Gradle dependency verification (" + vm + ")", Hashed: total, Total: total}
		}
		return Integrity{Total: total, Note: "gradle.lockfile pins versions only; enable dependency verification (gradle/verification-metadata.xml)"}
	case "java/pomxml":
		return Integrity{Total: total, Note: "pom.xml pins no hashes; Maven checks repository checksums at download time"}
	case gradleBuildName, gradleCatalogName:
		if vm := gradleVerification(t, f.Path); vm != "" {
			return Integrity{Method: "Gradle dependency verification (" + vm + ")", Hashed: total, Total: total}
		}
		return Integrity{Total: total, Note: "no Gradle dependency verification (gradle/verification-metadata.xml) in the build"}
	case "php/composerlock":
		if in, ok := composerLockIntegrity(data); ok {
			return in
		}
		return count("dist shasum", len(reComposerShasum.FindAllStringIndex(s, -1)))
	case "ruby/gemfilelock":
		return sectionLines(s, "CHECKSUMS", total, "CHECKSUMS section", "Gemfile.lock has no CHECKSUMS section (Bundler 2.6+: bundle lock --add-checksums)")
	case msbuildName:
		// NuGet writes a project's lock beside it; with one, the lock's
		// contentHash entries pin what the project declares.
		if t != nil && t.Exists(path.Join(path.Dir(f.Path), "packages.lock.json")) {
			return Integrity{Method: "contentHash in packages.lock.json", Hashed: total, Total: total}
		}
		return Integrity{Total: total, Note: "project files pin no hashes; NuGet checks package signatures at restore, but only packages.lock.json (RestorePackagesWithLockFile) pins content hashes"}
	case "dotnet/packageslockjson":
		return count("contentHash", len(reNuGetHash.FindAllStringIndex(s, -1)))
	case "swift/packageresolved":
		return count("commit revisions", len(reSwiftRevision.FindAllStringIndex(s, -1)))
	case "swift/podfilelock":
		return sectionLines(s, "SPEC CHECKSUMS:", total, "SPEC CHECKSUMS", "Podfile.lock has no SPEC CHECKSUMS")
	case "dart/pubspec":
		return count("sha256", len(rePubSHA.FindAllStringIndex(s, -1)))
	case "elixir/mixlock":
		// Every hex entry in mix.lock carries the package's inner and outer checksums.
		return count("package checksums", strings.Count(s, "{:hex,"))
	}
	return Integrity{Total: total}
}

func requirementsIntegrity(s string, total int) Integrity {
	joined := strings.ReplaceAll(s, "\\\r\n", " ")
	joined = strings.ReplaceAll(joined, "\\\n", " ")
	hashed := 0
	requireHashes := false
	for _, line := range strings.Split(joined, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "--require-hashes") {
			requireHashes = true
		}
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "-") {
			continue
		}
		if strings.Contains(line, "--hash=") || strings.Contains(line, "--hash ") {
			hashed++
		}
	}
	method := ""
	if hashed > 0 {
		method = "--hash"
	}
	if requireHashes {
		method = "--require-hashes"
	}
	return Integrity{Method: method, Hashed: min(hashed, total), Total: total}
}

// tomlSections splits s at each header and counts sections that look like a
// registry package (need, when set) and those that carry a hash.
func tomlSections(s, header, need string, hashMarks []string, total int, method string) Integrity {
	parts := strings.Split(s, header)
	if len(parts) < 2 {
		return Integrity{Total: total}
	}
	eligible, hashed := 0, 0
	for _, sec := range parts[1:] {
		if need != "" && !strings.HasPrefix(ownSource(sec), need) {
			continue
		}
		eligible++
		for _, m := range hashMarks {
			if strings.Contains(sec, m) {
				hashed++
				break
			}
		}
	}
	if hashed == 0 {
		method = ""
	}
	return Integrity{Method: method, Hashed: hashed, Total: eligible}
}

func sectionLines(s, header string, total int, method, missing string) Integrity {
	i := strings.Index(s, header)
	if i < 0 {
		return Integrity{Total: total, Note: missing}
	}
	n := 0
	for _, line := range strings.Split(s[i+len(header):], "\n")[1:] {
		if strings.TrimSpace(line) == "" || !strings.HasPrefix(line, " ") {
			break
		}
		n++
	}
	return Integrity{Method: method, Hashed: min(n, total), Total: total}
}

// goSumIntegrity checks each module from go.mod against the go.sum next to
// it: the Go toolchain refuses to build a module whose hash is missing or
// wrong, so an entry per module is the integrity guarantee. Modules that a
// replace directive builds from a directory of the tree were dropped by
// dropGoDirectoryModules: go.sum holds no entry for them by design.
func goSumIntegrity(t *source.Tree, f *File) Integrity {
	sumPath := path.Join(path.Dir(f.Path), "go.sum")
	var mods []Package
	for _, p := range f.Packages {
		if p.Name != "stdlib" && p.Name != "toolchain" {
			mods = append(mods, p)
		}
	}
	note := ""
	if f.localDropped > 0 {
		note = fmt.Sprintf("%d replaced by a directory of the tree need no hash", f.localDropped)
	}
	if len(mods) == 0 {
		return Integrity{Method: "go.sum", Note: note}
	}
	if t == nil || !t.Exists(sumPath) {
		return Integrity{Total: len(mods), Note: "no go.sum next to " + f.Path}
	}
	data, err := t.ReadFile(sumPath, limits.MaxFileSize)
	if err != nil {
		return Integrity{Total: len(mods), Note: err.Error()}
	}
	have := map[string]bool{}
	for _, line := range bytes.Split(data, []byte("\n")) {
		fields := strings.Fields(string(line))
		if len(fields) == 3 {
			v := strings.TrimSuffix(fields[1], "/go.mod")
			have[fields[0]+"@"+strings.TrimPrefix(v, "v")] = true
		}
	}
	n := 0
	for _, m := range mods {
		if have[m.Name+"@"+strings.TrimPrefix(m.Version, "v")] {
			n++
		}
	}
	return Integrity{Method: "go.sum", Hashed: n, Total: len(mods), Note: note}
}

// dropGoDirectoryModules removes the modules a replace directive points at a
// directory ("replace example.com/m => ../"): the parser lists the directory
// itself as a package ("../", no version), but it is the product's own tree,
// not a third-party component, and it has no go.sum entry to check.
func dropGoDirectoryModules(f *File) {
	before := len(f.Packages)
	f.Packages = slices.DeleteFunc(f.Packages, func(p Package) bool {
		return p.Ecosystem == "Go" && modfile.IsDirectoryPath(p.Name)
	})
	f.localDropped += before - len(f.Packages)
}

// ownSource returns the package's own top-level "source = ..." line of a
// TOML lock section, ignoring sources quoted inside its dependency lists
// (uv writes `{ name = "x", source = { registry = ... } }` there). Root,
// workspace and path packages have none, or a non-registry one.
func ownSource(sec string) string {
	for _, line := range strings.Split(sec, "\n") {
		if strings.HasPrefix(line, "[") {
			break // a sub-table: the package's own keys are over
		}
		if strings.HasPrefix(line, "source = ") {
			return line
		}
	}
	return ""
}

// npmLockIntegrity counts integrity fields over the registry packages of a
// package-lock.json v2/v3. The root entry (""), workspace packages (keys
// outside node_modules/), links to them and bundled packages are part of
// the tree or of another package, so they carry no hash of their own.
func npmLockIntegrity(lock *npmLockDoc) (Integrity, bool) {
	if lock == nil || len(lock.Packages) == 0 {
		return Integrity{}, false
	}
	in := Integrity{Method: "integrity fields"}
	local := 0
	for key, p := range lock.Packages {
		switch {
		case key == "" || p.Link || p.InBundle:
			local++
			continue
		case !strings.Contains(key, "node_modules/"):
			local++
			continue
		case p.Resolved != "" && !strings.HasPrefix(p.Resolved, "http"):
			local++ // file: or git+ sources
			continue
		}
		in.Total++
		if strings.HasPrefix(p.Integrity, "sha") {
			in.Hashed++
		}
	}
	if in.Hashed == 0 {
		in.Method = ""
	}
	if local > 0 {
		in.Note = fmt.Sprintf("%d root, workspace or linked entries need no hash", local)
	}
	return in, true
}

// composerLockIntegrity counts dist shasums of composer.lock packages;
// packages from path repositories are copied from the tree and need none.
func composerLockIntegrity(data []byte) (Integrity, bool) {
	type pkg struct {
		Dist struct {
			Type   string `json:"type"`
			Shasum string `json:"shasum"`
		} `json:"dist"`
	}
	var lock struct {
		Packages    []pkg `json:"packages"`
		PackagesDev []pkg `json:"packages-dev"`
	}
	if json.Unmarshal(data, &lock) != nil {
		return Integrity{}, false
	}
	in := Integrity{Method: "dist shasum"}
	for _, p := range append(lock.Packages, lock.PackagesDev...) {
		if p.Dist.Type == "path" {
			continue
		}
		in.Total++
		if p.Dist.Shasum != "" {
			in.Hashed++
		}
	}
	if in.Hashed == 0 {
		in.Method = ""
		in.Note = "every dist shasum is empty (Composer records none for archives served by GitHub)"
	}
	return in, true
}

// gradleVerification finds the gradle/verification-metadata.xml of the
// build a Gradle file belongs to: Gradle reads it at the root of the
// build, so look up from the file's directory.
func gradleVerification(t *source.Tree, p string) string {
	if t == nil {
		return ""
	}
	dir := path.Dir(p)
	if path.Base(dir) == "gradle" {
		dir = path.Dir(dir) // a catalog lives in gradle/ itself
	}
	for range maxBuildDepth {
		vm := path.Join(dir, "gradle", "verification-metadata.xml")
		if t.Exists(vm) {
			return vm
		}
		if dir == "." || dir == "" || dir == "/" {
			return ""
		}
		dir = path.Dir(dir)
	}
	return ""
}
