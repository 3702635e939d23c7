// Package packaging reads what the repository's package manifests, build
// files, release scripts and installation documents say about distributing
// releases: the registries the manifests publish to (PyPI, npm, crates.io,
// Maven, Packagist, RubyGems, the Go module proxy), signing set up in build
// files (maven-gpg-plugin, Gradle signing) and release scripts (gpg, cosign),
// publish commands in release scripts run by hand, and installation
// instructions that download over plain http://. Files are read, never run.
package packaging

import (
	"context"
	"encoding/json"
	"net/url"
	"path"
	"path/filepath"
	"strings"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/evidence/publishing"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/textsafe"
)

// Name of the collector.
const Name = "release/packaging"

// Limits.
const (
	// MaxFiles caps how many files are read.
	MaxFiles = 500
	// MaxFileSize caps one file; larger ones are skipped.
	MaxFileSize = limits.MaxSmallFileSize
	// MaxDepth is how deep manifests are looked for (workspace members).
	MaxDepth = 3
	// MaxItems caps each list of the fact.
	MaxItems = 200
)

// Collector reads packaging facts.
type Collector struct{}

// New returns the collector.
func New() collector.Collector { return Collector{} }

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind { return []evidence.Kind{evidence.KindPackaging} }

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// skip holds directories whose manifests are not the product's.
var skip = map[string]bool{"testdata": true, "test": true, "tests": true, "node_modules": true, "vendor": true, "third_party": true,
	"fixtures": true, "__fixtures__": true, "examples": true, "example": true, "samples": true, "sandbox": true, "benches": true,
	"benchmarks": true, "docs": true, "website": true, "www": true, ".github": true,
	// contrib/ holds third-party contributions the project ships unsupported
	// (zlib, SQLite, many C projects): not the vendor's own packages.
	"contrib": true}

func skipped(p string) bool {
	dir := path.Dir(p)
	if dir == "." {
		return false
	}
	segs := strings.Split(dir, "/")
	if len(segs) >= MaxDepth {
		return true
	}
	for _, s := range segs {
		if skip[s] || strings.HasPrefix(s, ".") {
			return true
		}
	}
	return false
}

// Collect implements collector.Collector.
func (Collector) Collect(ctx context.Context, in *collector.Input) ([]evidence.Record, error) {
	var f evidence.Packaging
	for _, e := range in.Tree.Entries() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if f.Scanned >= MaxFiles {
			break
		}
		kind := classify(e.Path)
		if kind == "" {
			continue
		}
		data, err := in.Tree.ReadFile(e.Path, MaxFileSize)
		if err != nil {
			continue // too large or unreadable: nothing to say about it
		}
		f.Scanned++
		Scan(&f, e.Path, kind, data)
	}
	dir := in.Tree.Dir()
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs // "assess ." names the checkout by its directory
	}
	ownHosts(&f, filepath.Base(dir))
	return []evidence.Record{{Fact: f, Provenance: in.Provenance(Name, evidence.Location{}, "")}}, nil
}

// ownHosts makes firm the download links whose host is named after the
// product ("the [downloads site](http://dist.libuv.org/dist/)" in libuv's
// README): the checkout's directory or a package name found is a label of
// the host. Short names are not trusted to say so.
func ownHosts(f *evidence.Packaging, dir string) {
	names := map[string]bool{}
	add := func(n string) {
		n = strings.ToLower(n)
		if i := strings.LastIndexAny(n, "/@"); i >= 0 {
			n = n[i+1:]
		}
		if len(n) >= 4 {
			names[n] = true
		}
	}
	add(dir)
	for _, c := range f.Channels {
		add(c.Name)
	}
	for i, d := range f.Downloads {
		if !d.Link {
			continue
		}
		u, err := url.Parse(d.URL)
		if err != nil {
			continue
		}
		for _, label := range strings.Split(strings.ToLower(u.Hostname()), ".") {
			if names[label] {
				f.Downloads[i].Link = false
				break
			}
		}
	}
}

// classify says how a path is read: a manifest kind, "script" or "doc".
func classify(p string) string {
	base := path.Base(p)
	lb := strings.ToLower(base)
	dir := path.Dir(p)
	switch {
	case strings.HasSuffix(lb, ".gemspec") && !skipped(p):
		return "gemspec"
	case strings.HasSuffix(lb, ".podspec") && !skipped(p):
		return "podspec"
	case (strings.HasSuffix(lb, ".csproj") || strings.HasSuffix(lb, ".fsproj") || strings.HasSuffix(lb, ".vbproj")) && !skipped(p):
		return "dotnetproj"
	case (base == "pyproject.toml" || base == "setup.py" || base == "package.json" || base == "Cargo.toml" || base == "pom.xml" ||
		base == "build.gradle" || base == "build.gradle.kts" || base == "composer.json" || base == "go.mod") && !skipped(p):
		return base
	}
	if gradleScript(p) {
		return "build.gradle"
	}
	if base == "gradle.properties" && !skipped(p) {
		return base
	}
	if dir == "." || dir == "scripts" || dir == "script" || dir == "bin" || dir == "tools" || dir == "ci" || dir == "release" || dir == "build" {
		if releaseScript.MatchString(lb) {
			return "script"
		}
	}
	if (dir == "." || dir == "docs" || strings.HasPrefix(dir, "docs/")) && installDoc.MatchString(lb) && strings.Count(p, "/") <= 3 {
		return "doc"
	}
	return ""
}

// gradleScript reports a Gradle script other than build.gradle(.kts) that
// configures the build: a script under gradle/ that build files apply (apply
// from:), or a precompiled script plugin (src/main/kotlin or src/main/groovy
// of buildSrc, build-logic or another included build), where convention
// builds keep their publishing and signing set-up. Settings and init
// scripts configure no publication.
func gradleScript(p string) bool {
	lb := strings.ToLower(path.Base(p))
	if !strings.HasSuffix(lb, ".gradle") && !strings.HasSuffix(lb, ".gradle.kts") || strings.HasPrefix(lb, "settings.") || strings.HasPrefix(lb, "init.") {
		return false
	}
	dir := path.Dir(p)
	if dir == "gradle" {
		return true
	}
	segs := strings.Split(dir, "/")
	if len(segs) > MaxDepth+3 {
		return false
	}
	for i, s := range segs {
		if skip[s] || strings.HasPrefix(s, ".") {
			return false
		}
		if s == "src" && i+2 < len(segs) && segs[i+1] == "main" && (segs[i+2] == "kotlin" || segs[i+2] == "groovy") {
			return true
		}
	}
	return false
}

var (
	releaseScript = lazyre.New(`^(?:[\w.-]*[-_])?(?:release|publish|deploy|sign)(?:[-_][\w.-]*)?(?:\.(?:sh|bash|zsh|ps1))?$`)
	installDoc    = lazyre.New(`^(?:readme|install|installation|installing|getting[-_]started|download|downloads|setup|quickstart)[\w.-]*\.(?:md|rst|txt|adoc|markdown)$|^readme$|^install$`)
)

// Scan adds what one file says to f. kind comes from classify.
func Scan(f *evidence.Packaging, p, kind string, data []byte) {
	text := string(data)
	switch kind {
	case "pyproject.toml":
		pyproject(f, p, text)
	case "setup.py":
		if l := lineOf(text, setupCall); l > 0 && !strings.Contains(text, "Private :: Do Not Upload") {
			addChannel(f, evidence.PackageChannel{Channel: "pypi", Path: p, Line: l})
		}
	case "package.json":
		packageJSON(f, p, text)
	case "Cargo.toml":
		cargo(f, p, text)
	case "pom.xml":
		pom(f, p, text)
	case "build.gradle", "build.gradle.kts":
		gradle(f, p, text)
	case "gradle.properties":
		gradleProperties(f, p, text)
	case "composer.json":
		composer(f, p, text)
	case "gemspec":
		if l := lineOf(text, gemSpecNew); l > 0 {
			addChannel(f, evidence.PackageChannel{Channel: "rubygems", Path: p, Line: l})
		}
	case "podspec":
		podspec(f, p, text)
	case "dotnetproj":
		dotnetProject(f, p, text)
	case "go.mod":
		if m := goModuleLine.FindStringSubmatchIndex(text); m != nil {
			mod := text[m[2]:m[3]]
			if first, _, _ := strings.Cut(mod, "/"); strings.Contains(first, ".") {
				addChannel(f, evidence.PackageChannel{Channel: "go-proxy", Name: textsafe.Clean(mod), Path: p, Line: lineAt(text, m[0])})
			}
		}
	case "script":
		script(f, p, text)
	case "doc":
		docs(f, p, text)
	}
}

func addChannel(f *evidence.Packaging, c evidence.PackageChannel) {
	if len(f.Channels) < MaxItems {
		c.Name = textsafe.Clean(c.Name)
		c.URL = textsafe.Clean(c.URL)
		f.Channels = append(f.Channels, c)
	}
}

func addSigning(f *evidence.Packaging, s evidence.SigningConfig) {
	if len(f.Signing) < MaxItems {
		s.Detail = textsafe.Clean(s.Detail)
		f.Signing = append(f.Signing, s)
	}
}

func lineAt(text string, i int) int { return strings.Count(text[:i], "\n") + 1 }

// lineOf returns the line of re's first match in text, 0 when none.
func lineOf(text string, re *lazyre.Regexp) int {
	if loc := re.FindStringIndex(text); loc != nil {
		return lineAt(text, loc[0])
	}
	return 0
}

// Where a packaging file declares its package, for the evidence's line.
var (
	setupCall         = lazyre.New(`\bsetup\s*\(`)
	gemSpecNew        = lazyre.New(`Gem::Specification\.new`)
	jsonNameKey       = lazyre.New(`"name"\s*:`)
	jsonProvenanceKey = lazyre.New(`"provenance"\s*:`)
	pomArtifactID     = lazyre.New(`<artifactId>`)
	goModuleLine      = lazyre.New(`(?m)^module\s+"?([^\s"]+)`)
	cargoPublishOff   = lazyre.New(`^publish\s*=\s*(?:false|\[\s*\])`)
)

var tomlName = lazyre.New(`^name\s*=\s*["']([^"']+)["']`)

// pyproject records a PyPI package: a [project] or [tool.poetry] table with
// a name, unless the classifiers forbid uploading.
func pyproject(f *evidence.Packaging, p, text string) {
	if strings.Contains(text, "Private :: Do Not Upload") {
		return
	}
	section := ""
	for i, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") {
			section = t
			continue
		}
		if section != "[project]" && section != "[tool.poetry]" {
			continue
		}
		if m := tomlName.FindStringSubmatch(t); m != nil {
			addChannel(f, evidence.PackageChannel{Channel: "pypi", Name: m[1], Path: p, Line: i + 1})
			return
		}
	}
}

// cargo records a crates.io package: a [package] table without
// publish = false (or an empty registry list).
func cargo(f *evidence.Packaging, p, text string) {
	section, name, line := "", "", 0
	for i, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[") {
			section = t
			continue
		}
		if section != "[package]" {
			continue
		}
		if m := tomlName.FindStringSubmatch(t); m != nil && name == "" {
			name, line = m[1], i+1
		}
		if cargoPublishOff.MatchString(t) {
			return
		}
	}
	if name != "" {
		addChannel(f, evidence.PackageChannel{Channel: "crates.io", Name: name, Path: p, Line: line})
	}
}

func packageJSON(f *evidence.Packaging, p, text string) {
	var pkg struct {
		Name          string          `json:"name"`
		Private       json.RawMessage `json:"private"`
		PublishConfig struct {
			Registry   string `json:"registry"`
			Provenance bool   `json:"provenance"`
		} `json:"publishConfig"`
	}
	if json.Unmarshal([]byte(text), &pkg) != nil || pkg.Name == "" {
		return
	}
	if s := strings.TrimSpace(string(pkg.Private)); s == "true" || s == `"true"` {
		return
	}
	l := lineOf(text, jsonNameKey)
	addChannel(f, evidence.PackageChannel{Channel: "npm", Name: pkg.Name, Path: p, Line: l, URL: pkg.PublishConfig.Registry})
	if pkg.PublishConfig.Provenance {
		addSigning(f, evidence.SigningConfig{Tool: "npm-provenance", Path: p, Line: lineOf(text, jsonProvenanceKey), Detail: "publishConfig.provenance: true"})
	}
}

func composer(f *evidence.Packaging, p, text string) {
	var c struct {
		Name string `json:"name"`
		Type string `json:"type"`
	}
	if json.Unmarshal([]byte(text), &c) != nil || c.Name == "" || c.Type == "project" {
		return
	}
	addChannel(f, evidence.PackageChannel{Channel: "packagist", Name: c.Name, Path: p, Line: lineOf(text, jsonNameKey)})
}

var (
	mavenGPG       = lazyre.New(`<artifactId>\s*maven-gpg-plugin\s*</artifactId>`)
	mavenSignOther = lazyre.New(`<artifactId>\s*(?:sign-maven-plugin|pgpverify-maven-plugin-never|maven-jarsigner-plugin)\s*</artifactId>`)
	distMgmt       = lazyre.New(`(?s)<distributionManagement>.*?</distributionManagement>`)
	pomSite        = lazyre.New(`(?s)<site>.*?</site>`)
	xmlURL         = lazyre.New(`<url>\s*([^<\s]+)\s*</url>`)
	centralPlugin  = lazyre.New(`<artifactId>\s*(?:central-publishing-maven-plugin|nexus-staging-maven-plugin)\s*</artifactId>|<artifactId>\s*oss-parent\s*</artifactId>`)
)

// pom records Maven publishing (distributionManagement, the Central
// publishing plugins, the Sonatype parent) and GPG signing wherever the
// plugin is declared, a release profile included.
func pom(f *evidence.Packaging, p, text string) {
	if loc := mavenGPG.FindStringIndex(text); loc != nil {
		addSigning(f, evidence.SigningConfig{Tool: "maven-gpg-plugin", Path: p, Line: lineAt(text, loc[0]), Detail: "maven-gpg-plugin signs the artefacts Maven deploys"})
	} else if loc := mavenSignOther.FindStringIndex(text); loc != nil {
		addSigning(f, evidence.SigningConfig{Tool: "maven-signing", Path: p, Line: lineAt(text, loc[0]), Detail: strings.TrimSpace(text[loc[0]:loc[1]])})
	}
	if loc := distMgmt.FindStringIndex(text); loc != nil {
		// The <site> entry deploys the project's website (often over
		// scm:svn:), not the artefacts; blanked so offsets stay right.
		block := pomSite.ReplaceAllStringFunc(text[loc[0]:loc[1]], func(m string) string { return strings.Repeat(" ", len(m)) })
		urls := xmlURL.FindAllStringSubmatchIndex(block, 10)
		for _, u := range urls {
			addChannel(f, evidence.PackageChannel{Channel: "maven", Path: p, Line: lineAt(text, loc[0]+u[0]), URL: block[u[2]:u[3]]})
		}
		if len(urls) == 0 {
			addChannel(f, evidence.PackageChannel{Channel: "maven", Path: p, Line: lineAt(text, loc[0])})
		}
		return
	}
	if loc := centralPlugin.FindStringIndex(text); loc != nil {
		addChannel(f, evidence.PackageChannel{Channel: "maven", Path: p, Line: lineAt(text, loc[0])})
		return
	}
	if path.Dir(p) == "." {
		// A root POM whose repository is configured elsewhere (a parent
		// POM, the maintainer's settings) still ships to a Maven repository.
		if l := lineOf(text, pomArtifactID); l > 0 {
			addChannel(f, evidence.PackageChannel{Channel: "maven", Path: p, Line: l})
		}
	}
}

var (
	gradleSigning = lazyre.New(`(?m)^\s*signing\s*\{|id\s*\(?\s*["']signing["']|apply\s+plugin:\s*["']signing["']|\bsignAllPublications\s*\(`)
	gradlePublish = lazyre.New(`(?m)["']maven-publish["']|\bmaven-publish\b|com\.vanniktech\.maven\.publish|^\s*publishing\s*\{`)
	gradleRepoURL = lazyre.New(`url\s*=?\s*(?:uri\s*\()?\s*["']([a-z]+://[^"']+)["']`)
)

// gradleSignProperty is the Gradle Maven Publish plugin's (com.vanniktech)
// switch that signs every publication, the same as signAllPublications() in
// the build script.
var gradleSignProperty = lazyre.New(`(?m)^[ \t]*RELEASE_SIGNING_ENABLED[ \t]*[=:][ \t]*true[ \t]*\r?$`)

// gradleProperties records signing switched on in gradle.properties.
func gradleProperties(f *evidence.Packaging, p, text string) {
	if loc := gradleSignProperty.FindStringIndex(text); loc != nil {
		addSigning(f, evidence.SigningConfig{Tool: "gradle-signing", Path: p, Line: lineAt(text, loc[0]), Detail: "RELEASE_SIGNING_ENABLED=true: the Gradle Maven Publish plugin signs every publication"})
	}
}

func gradle(f *evidence.Packaging, p, text string) {
	if loc := gradleSigning.FindStringIndex(text); loc != nil {
		addSigning(f, evidence.SigningConfig{Tool: "gradle-signing", Path: p, Line: lineAt(text, loc[0]), Detail: "the Gradle signing plugin signs the publications"})
	}
	if loc := gradlePublish.FindStringIndex(text); loc != nil {
		c := evidence.PackageChannel{Channel: "maven", Path: p, Line: lineAt(text, loc[0])}
		if m := gradleRepoURL.FindStringSubmatch(text[loc[0]:]); m != nil {
			c.URL = m[1]
		}
		addChannel(f, c)
	}
}

var (
	scriptSign   = lazyre.New(`(?m)(?:^|[\s;&|(])(?:gpg2?\s+[^\n]*(?:--detach-sign|--detach-sig|--clearsign|--clear-sign|\s-[a-zA-Z]*b[a-zA-Z]*s\b|\s-[a-zA-Z]*s[a-zA-Z]*b\b|\s--sign\b)|cosign\s+(?:sign|sign-blob|attest)\b|minisign\s+-S\b|signify(?:-openbsd)?\s+-S\b|ssh-keygen\s+-Y\s+sign\b|git\s+tag\s+(?:[^\n]*\s)?-(?:s|u)\b)`)
	scriptVerify = lazyre.New(`--verify\b|\bverify(?:-blob)?\b|-Y\s+verify`)
)

// script records signing and publish commands in a release script kept
// outside CI.
func script(f *evidence.Packaging, p, text string) {
	for _, loc := range scriptSign.FindAllStringIndex(text, 10) {
		i := loc[0]
		for i < loc[1] && strings.IndexByte(" \t\r\n;&|(", text[i]) >= 0 {
			i++
		}
		line := lineText(text, i)
		if commented(line) || scriptVerify.MatchString(line) {
			continue
		}
		addSigning(f, evidence.SigningConfig{Tool: signTool(line), Path: p, Line: lineAt(text, i), Detail: textsafe.Shorten(line, 100)})
		break
	}
	l, what, _, ok := publishing.StepPublishes(evidence.CIStep{Run: text, RunLine: 1})
	if ok && len(f.Manual) < MaxItems {
		f.Manual = append(f.Manual, evidence.ScriptPublish{Path: p, Line: l, Command: textsafe.Clean(what)})
	}
}

func signTool(line string) string {
	switch {
	case strings.Contains(line, "cosign"):
		return "cosign"
	case strings.Contains(line, "minisign"), strings.Contains(line, "signify"):
		return "minisign"
	case strings.Contains(line, "ssh-keygen"):
		return "ssh"
	case strings.Contains(line, "git tag"):
		return "signed-tag"
	}
	return "gpg"
}

func lineText(text string, i int) string {
	start := strings.LastIndexByte(text[:i], '\n') + 1
	end := strings.IndexByte(text[i:], '\n')
	if end < 0 {
		return text[start:]
	}
	return text[start : i+end]
}

// markdownLink reports whether u is the target of a Markdown link on line:
// inline ("[text](u)") or a reference definition ("[label]: u").
func markdownLink(line, u string) bool {
	if strings.Contains(line, "]("+u) || strings.Contains(line, "](<"+u) {
		return true
	}
	t := strings.TrimSpace(line)
	if !strings.HasPrefix(t, "[") {
		return false
	}
	label, rest, ok := strings.Cut(t[1:], "]:")
	return ok && label != "" && !strings.Contains(label, "]") && strings.HasPrefix(strings.TrimLeft(strings.TrimSpace(rest), "<"), u)
}

func commented(line string) bool {
	t := strings.TrimSpace(line)
	return strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//") || strings.HasPrefix(t, "REM ")
}

var (
	httpURL = lazyre.New(`http://[^\s<>"'()\[\]` + "`" + `]+`)
	// fetchCmd marks a line that downloads or installs from a URL.
	fetchCmd = lazyre.New(`(?i)\b(?:curl|wget|iwr|invoke-webrequest|fetch|pip3?\s+install|npm\s+(?:install|i)|yarn\s+add|go\s+(?:get|install)|gem\s+install|apt(?:-get)?\s+install|add-apt-repository|helm\s+repo\s+add|docker\s+pull|brew\s+install)\b|deb\s+http://|baseurl\s*=`)
	// downloadWord marks prose that speaks of downloading.
	downloadWord = lazyre.New(`(?i)\bdownload`)
	// webPage is a URL of a web page (a site, a folder, an HTML or script
	// page) rather than of a file to download.
	webPage = lazyre.New(`(?i)^http://[^/]+(?:/|/[^?#]*(?:/|\.html?|\.php|\.aspx?))?(?:[?#].*)?$`)
	// ownRelease is prose about getting the product's own releases.
	ownRelease = lazyre.New(`(?i)\b(?:releases?|latest|versions?|installers?)\b`)
	archiveURL = lazyre.New(`(?i)\.(?:tar\.gz|tgz|tar\.xz|tar\.bz2|zip|exe|msi|deb|rpm|dmg|pkg|whl|jar|apk|appimage|sh)(?:[?#].*)?$`)
	localHost  = lazyre.New(`(?i)^http://(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|[\w.-]*example\.(?:com|org|net)|[\w-]+\.local|[\w-]+\.test|[\w-]+\.invalid|host\.docker\.internal|your[\w.-]*|<)|^http://(?:www\.)?(?:w3\.org|apache\.org/licenses|opensource\.org|gnu\.org/licenses|creativecommons\.org|json-schema\.org|schemas\.|xmlns\.|purl\.org|maven\.apache\.org/(?:POM|xsd))`)
)

// docs records http:// URLs that an installation document tells customers
// to download from; URLs in usage examples, local addresses, XML
// namespaces and licence links are not download paths.
func docs(f *evidence.Packaging, p, text string) {
	for i, line := range strings.Split(text, "\n") {
		if !strings.Contains(line, "http://") {
			continue
		}
		for _, u := range httpURL.FindAllString(line, 5) {
			u = strings.TrimRight(u, ".,;:")
			if localHost.MatchString(u) {
				continue
			}
			firm := fetchCmd.MatchString(line) || archiveURL.MatchString(u)
			if !firm && !downloadWord.MatchString(line) {
				continue
			}
			// Prose about downloading from a file address, or about the
			// product's releases, is a download path all the same. A
			// Markdown link names what it leads to ("[Git for Windows]:
			// http://git-scm.com/download/win"): often another program,
			// which only a person can tell from this one.
			firm = firm || (!webPage.MatchString(u) && !markdownLink(line, u)) || ownRelease.MatchString(line)
			if len(f.Downloads) < MaxItems {
				f.Downloads = append(f.Downloads, evidence.DownloadMention{Path: p, Line: i + 1, URL: textsafe.Clean(u), Text: textsafe.Clean(textsafe.Shorten(line, 100)), Link: !firm})
			}
		}
	}
}

var (
	podSpecNew  = lazyre.New(`Pod::Spec\.new\b`)
	podSource   = lazyre.New(`\.source\s*=\s*\{[^}]*:(?:git|http)\s*=>\s*["']([^"']+)["']`)
	nugetID     = lazyre.New(`<PackageId>\s*([^<\s]+)\s*</PackageId>`)
	nugetOnPack = lazyre.New(`(?i)<GeneratePackageOnBuild>\s*true\s*</GeneratePackageOnBuild>`)
	notPackable = lazyre.New(`(?i)<IsPackable>\s*false\s*</IsPackable>|<IsTestProject>\s*true\s*</IsTestProject>`)
	// Microsoft.NET.Test.Sdk makes a project a test project and sets
	// IsPackable to false unless the project sets it back.
	testSdkRef = lazyre.New(`(?i)<PackageReference\s+Include\s*=\s*"Microsoft\.NET\.Test\.Sdk"`)
	packable   = lazyre.New(`(?i)<IsPackable>\s*true\s*</IsPackable>`)
)

// podspec reads a CocoaPods spec: published to the trunk, whose clients
// fetch the code from the source the spec names. Only an http(s) source is
// kept as the address; a git SSH remote is not a customer download.
func podspec(f *evidence.Packaging, p, text string) {
	l := lineOf(text, podSpecNew)
	if l == 0 {
		return
	}
	c := evidence.PackageChannel{Channel: "cocoapods", Path: p, Line: l}
	if m := podSource.FindStringSubmatchIndex(text); m != nil {
		if u := text[m[2]:m[3]]; strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
			c.URL, c.Line = u, lineAt(text, m[2])
		}
	}
	addChannel(f, c)
}

// dotnetProject reads a .NET project that builds a NuGet package: one
// naming a PackageId or packing on build, and not marked unpackable or a
// test project.
func dotnetProject(f *evidence.Packaging, p, text string) {
	if notPackable.MatchString(text) || (testSdkRef.MatchString(text) && !packable.MatchString(text)) {
		return
	}
	c := evidence.PackageChannel{Channel: "nuget", Path: p}
	if m := nugetID.FindStringSubmatchIndex(text); m != nil {
		c.Name, c.Line = text[m[2]:m[3]], lineAt(text, m[0])
	} else if m := nugetOnPack.FindStringIndex(text); m != nil {
		c.Line = lineAt(text, m[0])
	} else {
		return
	}
	addChannel(f, c)
}
