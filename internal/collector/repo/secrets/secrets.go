// Package secrets scans the product's files for committed secrets and
// default credentials (claim 1.4.3, and 2.1.4 for CI files). Secrets are
// found by osv-scalibr's Veles detectors, which recognise the formats of
// real credentials (cloud keys, registry tokens, private keys) rather than
// guessing from entropy. Default credentials (a password setting left at
// "admin", seed data creating admin/password) are found by
// internal/parse/defaultcreds. Every file is classified as product, test,
// example, docs or vendored code, so that test fixtures can be reported
// apart. The scan is bounded by file size, a total byte budget and a time
// limit; when a limit cuts it short the summary says which.
//
// No secret value leaves this package: facts carry the detector's name, the
// file and line, and the first 8 hex digits of the value's SHA-256.
package secrets

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/osv-scalibr/veles"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/parse/defaultcreds"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/textsafe"
)

// Name of the collector.
const Name = "repo/secrets"

// Limits bound one scan.
type Limits struct {
	MaxFile  int64         // larger files are skipped
	MaxBytes int64         // total bytes read
	Timeout  time.Duration // wall-clock time for the whole scan
}

// DefaultLimits are the limits New uses.
var DefaultLimits = Limits{MaxFile: limits.MaxSecretScanFile, MaxBytes: limits.MaxSecretScanBytes, Timeout: limits.SecretScanTimeout}

// Collector scans the tree for secrets.
type Collector struct {
	Limits Limits
}

// New returns the collector with the default limits.
func New() collector.Collector { return Collector{Limits: DefaultLimits} }

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind {
	return []evidence.Kind{evidence.KindSecretScan, evidence.KindSecret, evidence.KindDefaultCredential, evidence.KindSecretScannerConfig}
}

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// scanners are configuration files that show a secret scanner is set up.
var scanners = map[string]string{
	".gitleaks.toml": "gitleaks", "gitleaks.toml": "gitleaks", ".gitleaksignore": "gitleaks",
	".secrets.baseline": "detect-secrets",
	".gitguardian.yml":  "ggshield", ".gitguardian.yaml": "ggshield",
	".trufflehog.yml": "trufflehog", ".trufflehog.yaml": "trufflehog", ".trufflehogignore": "trufflehog",
	".talismanrc":   "talisman",
	".secretlintrc": "secretlint", ".secretlintrc.json": "secretlint", ".secretlintrc.yml": "secretlint",
}

// ScannerConfig returns the secret scanner whose configuration p is, or "".
func ScannerConfig(p string) string {
	l := strings.ToLower(p)
	if l == ".github/secret_scanning.yml" || l == ".github/secret_scanning.yaml" {
		return "github-secret-scanning"
	}
	if d := path.Dir(l); d != "." && d != ".github" && d != ".config" {
		return ""
	}
	return scanners[path.Base(l)]
}

// Collect implements collector.Collector.
func (c Collector) Collect(ctx context.Context, in *collector.Input) ([]evidence.Record, error) {
	lim := c.Limits
	if lim == (Limits{}) {
		lim = DefaultLimits
	}
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()

	scan := evidence.SecretScan{Detectors: len(detectors), MaxFile: lim.MaxFile}
	var out []evidence.Record
	prov := func(p string, line int, digest string) evidence.Provenance {
		return in.Provenance(Name, evidence.Location{Path: p, Line: line}, digest)
	}

	// Choose what to read, in plan order, from names and indexed sizes
	// alone, so the byte budget cuts the same files on every run.
	var picked []file
	var budgeted int64
	var unshipped exportIgnore
	if data, err := in.Tree.ReadFile(".gitattributes", limits.MaxSmallFileSize); err == nil {
		unshipped = parseExportIgnore(data)
	}
	for _, f := range plan(in.Tree.Entries(), unpublishedCrates(in.Tree)) {
		f.Unshipped = unshipped.ignored(f.Path)
		if tool := ScannerConfig(f.Path); tool != "" {
			out = append(out, evidence.Record{Fact: evidence.SecretScannerConfig{Path: f.Path, Tool: tool}, Provenance: prov(f.Path, 0, "")})
		}
		switch {
		case skipReason(f.Path) == "binary":
			scan.SkippedBinary++
		case skipReason(f.Path) == "generated":
			scan.SkippedGenerated++
		case f.Size > lim.MaxFile:
			scan.SkippedLarge++
		case scan.Cut != "" || budgeted+f.Size > lim.MaxBytes:
			if scan.Cut == "" {
				scan.Cut = fmt.Sprintf("byte budget of %d bytes", lim.MaxBytes)
			}
			countUnscanned(&scan, f)
		default:
			budgeted += f.Size
			picked = append(picked, f)
		}
	}

	results := scanAll(ctx, in.Tree, picked, lim.MaxFile)
	for i, r := range results {
		f := picked[i]
		switch r.state {
		case notReached:
			if scan.Cut == "" || !strings.HasPrefix(scan.Cut, "time") {
				scan.Cut = cutReason(ctx, lim)
			}
			countUnscanned(&scan, f)
			continue
		case tooLarge:
			scan.SkippedLarge++
			continue
		case unreadable:
			scan.SkippedUnreadable++
			continue
		case binary:
			scan.SkippedBinary++
			continue
		}
		scan.Files++
		scan.Bytes += r.bytes
		if f.Scope == evidence.ScopeProduct {
			scan.ProductFiles++
		}
		if f.Build {
			scan.BuildFiles++
		}
		for _, x := range r.secrets {
			out = append(out, evidence.Record{Fact: x, Provenance: prov(x.Path, x.Line, r.digest)})
		}
		for _, x := range r.creds {
			out = append(out, evidence.Record{Fact: x, Provenance: prov(x.Path, x.Line, r.digest)})
		}
	}
	out = append(out, evidence.Record{Fact: scan, Provenance: prov("", 0, "")})
	return out, nil
}

type fileState int

const (
	notReached fileState = iota
	scanned
	tooLarge
	unreadable
	binary
)

type result struct {
	state   fileState
	bytes   int64
	digest  string
	secrets []evidence.Secret
	creds   []evidence.DefaultCredential
}

// scanAll reads and scans files on one worker per CPU. Results keep the
// files' order; a file not reached before ctx ends stays notReached.
func scanAll(ctx context.Context, tree *source.Tree, files []file, maxFile int64) []result {
	results := make([]result, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), len(files))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newScanner()
			for i := range next {
				results[i] = s.scanOne(tree, files[i], maxFile)
			}
		}()
	}
	for i := range files {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

func (s *scanner) scanOne(tree *source.Tree, f file, maxFile int64) result {
	data, err := tree.ReadFile(f.Path, maxFile)
	switch {
	case errors.Is(err, source.ErrTooLarge):
		return result{state: tooLarge}
	case err != nil:
		return result{state: unreadable}
	}
	if isBinary(data) && !keyFile(f.Path) {
		return result{state: binary}
	}
	secrets, creds, ok := s.scanFile(f, data)
	if !ok {
		return result{state: unreadable}
	}
	r := result{state: scanned, bytes: int64(len(data)), secrets: secrets, creds: creds}
	if len(secrets)+len(creds) > 0 {
		r.digest = source.Digest(data)
	}
	return r
}

func cutReason(ctx context.Context, lim Limits) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("time limit of %s", lim.Timeout)
	}
	return "the assessment was cancelled"
}

func countUnscanned(scan *evidence.SecretScan, f file) {
	scan.Unscanned++
	if f.Scope == evidence.ScopeProduct {
		scan.UnscannedProduct++
	}
	if f.Build {
		scan.UnscannedBuild++
	}
}

// file is a tree entry with its classification.
type file struct {
	source.Entry
	Scope string
	Build bool
	// Unshipped: .gitattributes export-ignore leaves the file out of the
	// source archive.
	Unshipped bool
}

// plan orders the files so that what decides the claims is scanned first:
// CI and build files, then product files, then docs, examples, vendored
// code and tests. A limit that cuts the scan short then costs the least.
// Key and certificate files in unpublished workspace members are no
// product: no registry gets them, and code would have to embed them to
// ship them.
func plan(entries []source.Entry, unpublished []string) []file {
	out := make([]file, 0, len(entries))
	for _, e := range entries {
		sc := Scope(e.Path)
		if sc == evidence.ScopeProduct && keyExts[strings.ToLower(path.Ext(e.Path))] && inAny(e.Path, unpublished) {
			sc = evidence.ScopeUnpublished
		}
		out = append(out, file{Entry: e, Scope: sc, Build: IsBuildFile(e.Path)})
	}
	rank := func(f file) int {
		if f.Build {
			return 0
		}
		return slices.Index([]string{evidence.ScopeProduct, evidence.ScopeDocs, evidence.ScopeExample, evidence.ScopeVendor, evidence.ScopeUnpublished, evidence.ScopeTest}, f.Scope) + 1
	}
	slices.SortStableFunc(out, func(a, b file) int { return cmp.Compare(rank(a), rank(b)) })
	return out
}

var binaryExts = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".ico": true, ".bmp": true, ".webp": true, ".tif": true, ".tiff": true, ".psd": true,
	".pdf": true, ".zip": true, ".gz": true, ".tgz": true, ".bz2": true, ".xz": true, ".zst": true, ".7z": true, ".rar": true, ".tar": true,
	".jar": true, ".war": true, ".class": true, ".so": true, ".dll": true, ".dylib": true, ".exe": true, ".a": true, ".o": true, ".lib": true,
	".woff": true, ".woff2": true, ".ttf": true, ".otf": true, ".eot": true, ".mp3": true, ".mp4": true, ".wav": true, ".ogg": true, ".webm": true,
	".mov": true, ".avi": true, ".wasm": true, ".pyc": true, ".pyo": true, ".whl": true, ".egg": true, ".gem": true, ".crate": true, ".deb": true,
	".rpm": true, ".dmg": true, ".iso": true, ".img": true, ".bin": true, ".dat": true, ".db": true, ".sqlite": true, ".sqlite3": true, ".xcf": true,
	".swf": true, ".fla": true, ".ogv": true, ".flac": true, ".icns": true,
	// SVG is text, but its embedded base64 images match token formats.
	".svg": true,
}

var generatedNames = map[string]bool{
	"package-lock.json": true, "npm-shrinkwrap.json": true, "yarn.lock": true, "pnpm-lock.yaml": true, "bun.lock": true, "bun.lockb": true,
	"go.sum": true, "cargo.lock": true, "poetry.lock": true, "pipfile.lock": true, "composer.lock": true, "gemfile.lock": true,
	"uv.lock": true, "pdm.lock": true, "flake.lock": true, "packages.lock.json": true, "gradle.lockfile": true, "mix.lock": true,
}

// skipReason says why a file is not scanned, judged by name alone.
func skipReason(p string) string {
	l := strings.ToLower(p)
	ext := path.Ext(l)
	switch {
	case binaryExts[ext]:
		return "binary"
	case generatedNames[path.Base(l)] || ext == ".map" || strings.HasSuffix(l, ".min.js.map"):
		return "generated"
	}
	return ""
}

// keyFile names key containers kept in binary (DER) form; the private-key
// detector reads them whole.
func keyFile(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".der", ".key", ".p8", ".pk8":
		return true
	}
	return false
}

func isBinary(data []byte) bool {
	head := data
	if len(head) > 8000 {
		head = head[:8000]
	}
	return bytes.IndexByte(head, 0) >= 0
}

// scanner holds the detectors of one scan.
type scanner struct {
	detectors []liveDetector
}

type liveDetector struct {
	name   string
	d      veles.Detector
	accept func(string) bool
	guard  func(*text) bool
}

func newScanner() *scanner {
	s := &scanner{}
	for _, nd := range detectors {
		s.detectors = append(s.detectors, liveDetector{nd.name, nd.new(), nd.accept, nd.guard})
	}
	return s
}

// scanFile runs the detectors and the default-credential heuristic over one
// file. A detector that panics on hostile input costs only that file: ok is
// false and the file counts as unreadable.
func (s *scanner) scanFile(f file, data []byte) (secrets []evidence.Secret, creds []evidence.DefaultCredential, ok bool) {
	defer func() {
		if recover() != nil {
			secrets, creds, ok = nil, nil, false
		}
	}()
	lines := newLineIndex(data)
	type key struct {
		det  string
		line int
		fp   string
	}
	seen := map[key]bool{}
	t := newText(data)
	for _, d := range s.detectors {
		if d.guard != nil && !d.guard(t) {
			continue
		}
		found, offsets := d.d.Detect(data)
		for i, sec := range found {
			v := secretValue(sec)
			if v == "" || placeholder(v) || (d.accept != nil && !d.accept(v)) {
				continue
			}
			off := 0
			if i < len(offsets) {
				off = offsets[i]
			}
			if i < len(offsets) && (inEncodedBlob(data, off) || inBinaryDataURI(data, off)) {
				continue
			}
			k := key{d.name, lines.line(off), Fingerprint(v)}
			if seen[k] {
				continue
			}
			seen[k] = true
			secrets = append(secrets, evidence.Secret{Detector: d.name, Path: f.Path, Line: k.line, Fingerprint: k.fp, Scope: f.Scope, Build: f.Build,
				ClientConfig: d.name == gcpAPIKeyDetector && inFirebaseWebConfig(data, off)})
		}
	}
	slices.SortFunc(secrets, func(a, b evidence.Secret) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Detector, b.Detector))
	})
	for _, m := range defaultcreds.ScanLowered(data, t.lowered(), credModes(f.Path)) {
		creds = append(creds, evidence.DefaultCredential{
			Path: f.Path, Line: m.Line, Key: textsafe.Truncate(textsafe.Clean(m.Key), 64), Form: m.Form,
			Reason: m.Reason, Fingerprint: Fingerprint(m.Value), Scope: credScope(f, m.Form), Build: f.Build,
		})
	}
	return secrets, creds, true
}

// credScope is the file's scope, except that a login instruction in the
// project's own documentation describes the product's default account: it
// is as much part of the product as the account itself.
//
// A setting or seed row in a product file that export-ignore leaves out of
// the source archive (flysystem's docker-compose.yml of FTP and SFTP test
// servers) configures the project's own tooling: it does not ship. A login
// instruction still describes the product's account wherever it is
// written, and a CI file keeps its scope so that build credentials are
// still judged as such.
func credScope(f file, form string) string {
	switch {
	case form == defaultcreds.FormInstruction && f.Scope == evidence.ScopeDocs:
		return evidence.ScopeProduct
	case form != defaultcreds.FormInstruction && f.Scope == evidence.ScopeProduct && f.Unshipped && !f.Build:
		return evidence.ScopeUnshipped
	}
	return f.Scope
}

// credModes picks the forms the default-credential heuristic looks for in
// a file, by its name.
func credModes(p string) defaultcreds.Mode {
	l := strings.ToLower(p)
	base := path.Base(l)
	m := defaultcreds.SQL
	if localeDir(l) || localeFile(base) {
		return m
	}
	// A template (.dist, .example, .sample, .template) is judged by the
	// name it is copied to: config.inc.php.dist is PHP, .env.example env.
	inner := base
	for _, suf := range []string{".dist", ".example", ".sample", ".template", ".tmpl", ".tpl", ".default", ".orig"} {
		if strings.HasSuffix(inner, suf) && len(inner) > len(suf) {
			inner = strings.TrimSuffix(inner, suf)
			break
		}
	}
	ext := path.Ext(inner)
	stem := strings.TrimSuffix(inner, ext)
	switch {
	case strings.HasPrefix(inner, ".env") || inner == "env" || strings.HasPrefix(inner, "dockerfile") || strings.HasPrefix(inner, "containerfile") || strings.HasSuffix(inner, ".dockerfile"):
		m |= defaultcreds.Settings
	case dataConfigExts[ext]:
		m |= defaultcreds.Settings
	case ext == ".json" && configName(stem):
		m |= defaultcreds.Settings
	case codeExts[ext] && configName(stem):
		m |= defaultcreds.CodeSettings
	}
	if docExts[ext] || strings.HasPrefix(base, "readme") || strings.HasPrefix(base, "install") {
		m |= defaultcreds.Prose
	}
	return m
}

var dataConfigExts = map[string]bool{
	".conf": true, ".cfg": true, ".cnf": true, ".ini": true, ".env": true, ".properties": true, ".toml": true,
	".yml": true, ".yaml": true, ".xml": true, ".config": true,
}

var codeExts = map[string]bool{".php": true, ".py": true, ".js": true, ".mjs": true, ".cjs": true, ".ts": true, ".rb": true, ".exs": true}

// configName reports a file stem that names configuration: config,
// config.inc, settings, local_settings, wp-config, appsettings.Production.
func configName(stem string) bool {
	for _, w := range []string{"config", "settings", "conf", "credentials", "secrets", "database", "environment"} {
		if strings.Contains(stem, w) {
			return true
		}
	}
	return false
}

// localeDir reports translation catalogues, whose "password" keys hold
// form labels, not passwords.
func localeDir(p string) bool {
	for _, seg := range strings.Split(path.Dir(p), "/") {
		switch seg {
		case "locale", "locales", "i18n", "l10n", "lang", "langs", "translations", "messages":
			return true
		}
	}
	return false
}

// localeFile reports translation bundles kept next to code:
// messages_en.properties, strings.xml, en.lang.yml.
func localeFile(base string) bool {
	return strings.HasPrefix(base, "messages") || strings.HasPrefix(base, "strings") ||
		strings.Contains(base, "i18n") || strings.Contains(base, "locale") || strings.Contains(base, ".lang.")
}

// Fingerprint is the first 8 hex digits of the SHA-256 of a secret's
// value: enough to tell findings apart and match one across runs and
// against a rotated key, without showing the value. (It does not hide a
// weak default such as "admin"; such values are public anyway.)
func Fingerprint(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:4])
}

// placeholder reports whether a detected value is documentation, not a
// credential: a name in capitals such as TOKEN or YOUR_API_KEY (real keys
// mix in digits or lower case), a template or shell reference, or elided
// text. Such values appear in comments, help text and examples
// ("Authorization: Bearer TOKEN").
func placeholder(v string) bool {
	v = strings.TrimSpace(v)
	if strings.ContainsAny(v, "$<>{}") || strings.Contains(v, "...") || strings.Contains(v, "***") || strings.Contains(strings.ToLower(v), "xxxx") {
		return true
	}
	if v == "" {
		return true
	}
	for _, r := range v {
		if !(r >= 'A' && r <= 'Z' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// secretValue renders a Veles secret for fingerprinting: its string and
// byte fields in order. Veles secrets are plain structs (Key, Token, Block,
// or an ID and a secret for pair credentials).
func secretValue(s veles.Secret) string {
	v := reflect.ValueOf(s)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	var parts []string
	var walk func(v reflect.Value, depth int)
	walk = func(v reflect.Value, depth int) {
		if depth > 3 {
			return
		}
		switch v.Kind() {
		case reflect.String:
			parts = append(parts, v.String())
		case reflect.Slice:
			if v.Type().Elem().Kind() == reflect.Uint8 {
				parts = append(parts, string(v.Bytes()))
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i), depth+1)
				}
			}
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem(), depth+1)
			}
		}
	}
	walk(v, 0)
	return strings.Join(parts, "\x00")
}

// minBlobRun is how long an unbroken run of base64 characters must be for
// a match inside it to count as chance: an embedded binary (a WebAssembly
// module, a font or an image inlined as base64) holds every short
// token-shaped string sooner or later. PEM bodies break every 64
// characters and real tokens stand alone, so neither comes near it.
const minBlobRun = 1024

// inEncodedBlob reports whether off lies inside such a run.
func inEncodedBlob(data []byte, off int) bool {
	if off < 0 || off >= len(data) {
		return false
	}
	isB64 := func(c byte) bool {
		return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=' || c == '-' || c == '_'
	}
	start, end := off, off
	for start > 0 && isB64(data[start-1]) && off-start < minBlobRun {
		start--
	}
	for end < len(data) && isB64(data[end]) && end-start < minBlobRun {
		end++
	}
	return end-start >= minBlobRun
}

// gcpAPIKeyDetector finds Google API keys (AIza...), which Firebase web
// apps carry in their client configuration.
const gcpAPIKeyDetector = "secrets/gcpapikey"

// firebaseConfigWindow is how far around a key its Firebase configuration
// is looked for: the configuration object is one short block, on one line
// in an env file or a few lines in source.
const firebaseConfigWindow = 400

// inFirebaseWebConfig reports whether the key at off sits in a Firebase
// web-app configuration: authDomain (the field every web config has, and
// no server credential) or the project's firebaseapp.com host close by.
// Excalidraw's .env.production sets VITE_APP_FIREBASE_CONFIG to such an
// object. A legacy FCM server key, also AIza-shaped, comes without them.
func inFirebaseWebConfig(data []byte, off int) bool {
	if off < 0 || off >= len(data) {
		return false
	}
	w := bytes.ToLower(data[max(0, off-firebaseConfigWindow):min(len(data), off+firebaseConfigWindow)])
	return bytes.Contains(w, []byte("authdomain")) || bytes.Contains(w, []byte(".firebaseapp.com"))
}

// binaryMediaPrefixes are the media types of data URIs that carry an
// encoded image, font or other binary, never text a person typed.
var binaryMediaPrefixes = []string{
	"image/", "font/", "audio/", "video/", "application/font", "application/x-font",
	"application/octet-stream", "application/wasm", "application/vnd.ms-fontobject", "application/pdf",
}

// inBinaryDataURI reports whether off lies in the payload of a base64 data
// URI of a binary media type (url("data:image/gif;base64,R0lGOD...") in a
// stylesheet). Small inlined images are too short for inEncodedBlob, yet
// their bytes hold token-shaped runs: TinyMCE's skin CSS, which PocketBase
// ships, has eight Square access-token matches in its GIF icons.
func inBinaryDataURI(data []byte, off int) bool {
	if off < 0 || off >= len(data) {
		return false
	}
	isB64 := func(c byte) bool {
		return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=' || c == '-' || c == '_'
	}
	start := off
	for start > 0 && isB64(data[start-1]) && off-start < minBlobRun {
		start--
	}
	const marker = ";base64,"
	if start < len(marker) || !bytes.EqualFold(data[start-len(marker):start], []byte(marker)) {
		return false
	}
	// The media type sits between "data:" and the marker, with no space
	// or quote inside; parameters (";charset=...") may come between.
	head := data[max(0, start-len(marker)-128) : start-len(marker)]
	i := bytes.LastIndex(bytes.ToLower(head), []byte("data:"))
	if i < 0 || bytes.ContainsAny(head[i:], " \t\r\n\"'()") {
		return false
	}
	media := strings.ToLower(string(head[i+len("data:"):]))
	for _, p := range binaryMediaPrefixes {
		if strings.HasPrefix(media, p) {
			return true
		}
	}
	return false
}

// lineIndex maps byte offsets to 1-based line numbers.
type lineIndex []int

func newLineIndex(data []byte) lineIndex {
	idx := lineIndex{0}
	for i, b := range data {
		if b == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

func (ix lineIndex) line(off int) int {
	n, found := slices.BinarySearch(ix, off)
	if found {
		return n + 1
	}
	return n
}
