package history

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
)

// fileRepo writes commits with arbitrary file trees.
type fileRepo struct {
	t testing.TB
	s storer.Storer
}

func newFileRepo(t testing.TB, dir string) *fileRepo {
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	return &fileRepo{t: t, s: repo.Storer}
}

func (r *fileRepo) obj(enc func(o plumbing.EncodedObject) error) plumbing.Hash {
	o := r.s.NewEncodedObject()
	if err := enc(o); err != nil {
		r.t.Fatal(err)
	}
	h, err := r.s.SetEncodedObject(o)
	if err != nil {
		r.t.Fatal(err)
	}
	return h
}

func (r *fileRepo) tree(files map[string]string) plumbing.Hash {
	sub := map[string]map[string]string{}
	var entries []object.TreeEntry
	for p, content := range files {
		if dir, rest, ok := strings.Cut(p, "/"); ok {
			if sub[dir] == nil {
				sub[dir] = map[string]string{}
			}
			sub[dir][rest] = content
			continue
		}
		h := r.obj(func(o plumbing.EncodedObject) error {
			o.SetType(plumbing.BlobObject)
			w, _ := o.Writer()
			w.Write([]byte(content))
			return w.Close()
		})
		entries = append(entries, object.TreeEntry{Name: p, Mode: filemode.Regular, Hash: h})
	}
	for d, fs := range sub {
		entries = append(entries, object.TreeEntry{Name: d, Mode: filemode.Dir, Hash: r.tree(fs)})
	}
	sort.Slice(entries, func(i, j int) bool {
		a, b := entries[i].Name, entries[j].Name
		if entries[i].Mode == filemode.Dir {
			a += "/"
		}
		if entries[j].Mode == filemode.Dir {
			b += "/"
		}
		return a < b
	})
	t := &object.Tree{Entries: entries}
	return r.obj(t.Encode)
}

func (r *fileRepo) commit(files map[string]string, msg, name, email string, when time.Time, parents ...plumbing.Hash) plumbing.Hash {
	sig := object.Signature{Name: name, Email: email, When: when}
	c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: r.tree(files), ParentHashes: parents}
	return r.obj(c.Encode)
}

func (r *fileRepo) ref(name string, h plumbing.Hash) {
	if err := r.s.SetReference(plumbing.NewHashReference(plumbing.ReferenceName(name), h)); err != nil {
		r.t.Fatal(err)
	}
}

func clone(m map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// TestScanOwnFixesAndBots builds the shapes met in real projects: an
// advisory fix on the main line released next day, its backport on a
// maintenance line released 60 days after the fix, a CVE-naming
// dependency bump that touches only go.sum, Dependabot commits (one a
// security update), and a person whose name contains a bot's.
func TestScanOwnFixesAndBots(t *testing.T) {
	dir := t.TempDir()
	r := newFileRepo(t, dir)
	day := func(n int) time.Time { return testNow.Add(time.Duration(n-200) * 24 * time.Hour) }
	base := map[string]string{"README.md": "x\n", "src/lib.go": "package lib\n", "go.sum": "a v1\n", ".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n      - uses: actions/checkout@v3\n"}
	root := r.commit(base, "initial", "alice", "alice@example.com", day(0))
	maint := r.commit(clone(base, "src/lib.go", "package lib // 1.x\n"), "start 1.x", "alice", "alice@example.com", day(1), root)
	r.ref("refs/tags/v1.0.0", maint)
	f1 := clone(base, "src/lib.go", "package lib // escaped\n")
	fix := r.commit(f1, "fix(security): escape header values (#12)", "bob", "bob@example.com", day(10), root)
	f2 := clone(f1, "go.sum", "a v2\n")
	dep := r.commit(f2, "bump a to fix CVE-2024-12345", "bob", "bob@example.com", day(11), fix)
	f3 := clone(f2, "go.sum", "a v3\n")
	bot := r.commit(f3, "[Security] Bump a from 2 to 3\n\nThis update includes a security fix.", "dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", day(12), dep)
	f4 := clone(f3, ".github/workflows/ci.yml", "jobs:\n  t:\n    steps:\n      - uses: actions/checkout@v4\n")
	person := r.commit(f4, "ci: bump checkout", "Ann Snykowski", "ann.snyk@example.com", day(13), bot)
	// commons-io: a commit documenting the product's own CVE on the site
	// is neither a fix nor a component's update.
	docs := r.commit(clone(f4, "src/site/xdoc/security.xml", "<p>CVE-2024-47554</p>\n"), "Document CVE-2024-47554 for version 2.0 before 2.14.0", "bob", "bob@example.com", day(14), person)
	r.ref("refs/tags/v2.0.1", fix)
	r.ref("refs/heads/main", docs)
	back := r.commit(clone(base, "src/lib.go", "package lib // 1.x escaped\n"), "[1.x] fix(security): escape header values (#13)", "bob", "bob@example.com", day(65), maint)
	r.ref("refs/heads/1.x", back)
	r.ref("refs/tags/v1.0.1", back)
	if err := r.s.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, "refs/heads/main")); err != nil {
		t.Fatal(err)
	}

	recs := collect(t, dir, nil, collector.Options{})
	var fixes evidence.OwnSecurityFixes
	var bots evidence.UpdateBotHistory
	var bumps evidence.ToolingBumps
	for _, rec := range recs {
		switch f := rec.Fact.(type) {
		case evidence.OwnSecurityFixes:
			fixes = f
		case evidence.UpdateBotHistory:
			bots = f
		case evidence.ToolingBumps:
			bumps = f
		}
	}
	type got struct{ Commit, Tag, Group string }
	var g []got
	for _, f := range fixes.Fixes {
		g = append(g, got{f.Commit, f.Tag, f.Group})
	}
	want := []got{
		{back.String(), "v1.0.1", "fix(security): escape header values"},
		{fix.String(), "v2.0.1", "fix(security): escape header values"},
	}
	if d := cmp.Diff(want, g); d != "" {
		t.Errorf("fixes (-want +got):\n%s", d)
	}
	if fixes.DependencyOnly != 1 {
		t.Errorf("dependency-only = %d; want 1 (the go.sum-only CVE bump)", fixes.DependencyOnly)
	}
	if len(bots.Bots) != 1 || bots.Bots[0].Account != "dependabot[bot]" || bots.Bots[0].Commits != 1 || bots.SecurityUpdateCount != 1 {
		t.Errorf("bots = %+v, security updates %d; want one dependabot commit, one security update", bots.Bots, bots.SecurityUpdateCount)
	}
	if len(bumps.Bumps) != 1 || bumps.Bumps[0].Commit != person.String() {
		t.Errorf("bumps = %+v; want the checkout bump", bumps.Bumps)
	}
}

// TestScanCap: a capped scan says so.
func TestScanCap(t *testing.T) {
	dir := t.TempDir()
	b := newBuilder(t, dir)
	for range 30 {
		b.add(spec{msg: "work", author: "alice"})
	}
	b.finish()
	for _, rec := range collect(t, dir, nil, collector.Options{HistoryMaxCommits: 5}) {
		if f, ok := rec.Fact.(evidence.UpdateBotHistory); ok {
			if !f.Scan.Capped || f.Scan.Scanned != 5*DeepFactor {
				t.Errorf("scan = %+v; want capped at %d", f.Scan, 5*DeepFactor)
			}
		}
	}
}

// TestUnquotedHostile: a subject of unclosed quotes costs linear time and
// keeps its text; a closed phrase beyond the bound stays as written.
func TestUnquotedHostile(t *testing.T) {
	s := strings.Repeat("“a b c ", 100000) // opening marks that never close
	if got := unquoted(s); got != s {
		t.Errorf("unclosed quotes changed the subject (%d bytes -> %d)", len(s), len(got))
	}
	long := "\"" + strings.Repeat("x ", 400) + "\" fix XSS"
	if got := unquoted(long); got != long {
		t.Error("a quote closing past the bound was blanked")
	}
}

func TestSecurityFixWording(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		want bool
	}{
		{"Merge pull request from GHSA-m2qf-hxjv-5gpq\n\nset header", true},
		{"Merge commit from fork", true},
		{"fix(sec): disregard protocol-relative URL to remediate SSRF", true},
		{"sec: prevent secret leaks in logs", true},
		{"[7.x] Fix cross-domain cookie leakage (#3018)", true},
		{"Security fix for ReDoS (#3980)", true},
		{"fix RUSTSEC-2026-0190 (#3822)", true},
		{"Fixing curl memory leak. Closes #1151", false},
		{"fix(fetch): fix credentials handling in Cloudflare workers", false},
		{"Add vulnerability to cookie injection", false},
		{"update security.md", false},
		{"Fixed cancelToken leakage", false},
		{"[SECURITY] escape the file name", true},
		{"[3.x] [security] escape the file name", true},
		{"[Console][EventDispatcher][Security][Serializer] Add PHPDoc to attribute classes", false},
		{"[2.3] [Config] [Console] [Security] [Yaml] static code analysis, code cleanup", false},
		{"[Security][Http] Fix XSS in the login form", true},
		// A tag is a prefix: "[Security]" later in the subject is prose.
		{"history: a chain of component tags ([Console][Security][Yaml]) names the parts a commit touches", false},
		{"docs: link the [security] section from the README", false},
		{"history: tags name the parts a commit touches, not a security fix", false},
		{"this is no security issue, just a typo", false},
		{"not a regression; security fix for the parser", true},
		// A condition clause says when the fixed bug happens.
		{"Fix update --lock / update mirrors not working when locked packages contain vulnerabilities, fixes #12634 (#12645)", false},
		{"Fix crash if the payload looks like XSS", false},
		// A weakness word naming a feature's subject matter is no flaw fixed.
		{"Add mitigation information to the linux vulnerabilities collector (#2806)", false},
		{"fix vulnerability report rendering on narrow screens", false},
		{"Fix flaky XSS tests", false},
		{"Mitigate vulnerabilities in the tar reader", true},
		{"Fix XSS in the vulnerability report page", true},
		{"Fix XSS when rendering user names", true},
		{"XSS fix in the login form, when debug is on", true},
		{"path traversal: fix the archive extractor", true},
		{"fix command injection in LESS template", true},
		// A conventional type that changes no shipped code.
		{"docs: add FAQ explainer for dependency security vulnerability reports", false},
		{"test(parser): cover the XSS escaping", false},
		{"ci: fix script injection in the release workflow", false},
		{"fix(docs): escape XSS in the search page", true},
		{"Merge pull request from GHSA-m2qf-hxjv-5gpq\n\ndocs: x", true},
		// Quoted phrases are talked about, not used.
		{"disclosure: an issue-template contact entry (fastapi: 'report security vulnerabilities to security@example.com') is a reporting route", false},
		{"Revert \"Fix XSS in the login form\"", false},
		{"history: read “fix the security hole” as wording", false},
		{"Fix \"XSS\" in the login form", true},
		{"Don't leak the user's token: fix the security hole in the session cache", true},
		{"fix 'path traversal' in the archive extractor", true},
		// A traversal named as the means walks a directory tree (navidrome).
		{"fix(server): enhance artist folder detection with directory traversal (#4151)", false},
		{"fix: find the config file using upward directory traversal", false},
		{"fix: issue with path traversal in the static handler", true},
		{"Prevent directory traversal via root prefix bypass.", true},
		{"Validate aliases to prevent directory traversal etc.", true},
	} {
		why, _ := SecurityFixWording(tc.msg)
		if (why != "") != tc.want {
			t.Errorf("SecurityFixWording(%q) = %q; want match %v", tc.msg, why, tc.want)
		}
	}
}

func TestSecurityUpdateWording(t *testing.T) {
	indirect := "chore(deps): bump send and express (#1)\n\nBumps send.\n---\nupdated-dependencies:\n- dependency-name: send\n  dependency-type: indirect\n...\n"
	direct := "chore(deps): bump x from 1 to 2\n\n---\nupdated-dependencies:\n- dependency-name: x\n  dependency-type: direct:production\n...\n"
	if SecurityUpdateWording(indirect) == "" {
		t.Error("an indirect-dependency Dependabot update is a security update")
	}
	if SecurityUpdateWording(direct) != "" {
		t.Error("a direct version update is not a security update")
	}
}

func TestProductSource(t *testing.T) {
	for p, want := range map[string]bool{
		"src/flask/sessions.py": true, "lib/adapters/xhr.js": true, "internal/x.go": true,
		"go.sum": false, "Cargo.lock": false, "axum/Cargo.toml": false, "package-lock.json": false, "CHANGELOG.md": false,
		"tests/test_basic.py": false, "internal/x_test.go": false, ".github/workflows/ci.yml": false, "examples/a/main.rs": false,
		"requirements/dev.txt": false,
		// Dependency manifests that are code or named after the package.
		"setup.py": false, "pkg/setup.py": false, "rack.gemspec": false, "src/App/App.csproj": false, "Package.swift": false,
		"src/setup_utils.py": true,
		// Documents without an extension; a source file named like one is code.
		"CONTRIBUTING": false, "NEWS": false, "docs/AUTHORS": false, "src/install": true, "src/install.c": true,
		// Maven's site sources (commons-io documents its CVEs in src/site/xdoc/security.xml).
		"src/site/xdoc/security.xml": false, "module/src/site/markdown/index.md": false, "src/main/java/site/Site.java": true,
	} {
		if got := ProductSource(p); got != want {
			t.Errorf("ProductSource(%q) = %v; want %v", p, got, want)
		}
	}
}

func TestDependencyFile(t *testing.T) {
	for p, want := range map[string]bool{
		"go.sum": true, "web/package-lock.json": true, "requirements/dev.txt": true, "Gemfile.lock": true,
		"rack.gemspec": true, "vendor/golang.org/x/net/http2/frame.go": true,
		"CHANGELOG": false, "LICENSE": false, ".travis.yml": false, "src/site/xdoc/security.xml": false,
		"docs/security.md": false, "src/lib.go": false,
	} {
		if got := dependencyFile(p); got != want {
			t.Errorf("dependencyFile(%q) = %v; want %v", p, got, want)
		}
	}
}

func TestChangelogLinks(t *testing.T) {
	data := "# 0.6.0-rc.2\n\n## Security\n\n- **breaking:** Added a default body limit\n  ([#1346])\n\n## Routing\n\n- **fixed:** other ([#1327])\n\n# 1.6.4\n\n* **security:** fixed prototype pollution ([#6167](https://x/issues/6167)) ([3c0c11c](https://x/commit/3c0c11cade))\n"
	got := ChangelogLinks("CHANGELOG.md", []byte(data))
	want := []changelogLink{
		{where: "CHANGELOG.md:5", version: "0.6.0-rc.2", prs: []int{1346}},
		{where: "CHANGELOG.md:14", version: "1.6.4", prs: []int{6167, 6167}, hashes: []string{"3c0c11c", "3c0c11cade"}},
	}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(changelogLink{})); d != "" {
		t.Errorf("links (-want +got):\n%s", d)
	}
}

// TestChangelogLinksNonCodeHeading: under a heading for documentation or
// tests, security wording names the subject of the change; an advisory id
// still links the entry.
func TestChangelogLinksNonCodeHeading(t *testing.T) {
	data := "## [12.0.0](x) (2026-04-03)\n\n### 📚 Documentation\n\n* add FAQ explainer for dependency security vulnerability reports ([#5691](https://x/issues/5691))\n* document the CVE-2026-1234 fix ([#5692](https://x/issues/5692))\n\n### 🩹 Fixes\n\n* security fix for the glob parser ([#5693](https://x/issues/5693))\n"
	got := ChangelogLinks("CHANGELOG.md", []byte(data))
	want := []changelogLink{
		{where: "CHANGELOG.md:6", version: "12.0.0", prs: []int{5692, 5692}, ids: []string{"CVE-2026-1234"}},
		{where: "CHANGELOG.md:10", version: "12.0.0", prs: []int{5693, 5693}},
	}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(changelogLink{})); d != "" {
		t.Errorf("links (-want +got):\n%s", d)
	}
}

// A heading that shares security with other kinds of change does not make
// every entry under it a security fix; an entry naming a weakness or
// carrying a security label still is one.
func TestChangelogLinksMixedHeading(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string
	}{
		{"mixed heading", "### Security, performance improvements and bug fixes\n\n* perf: shorter postcodes list (#3201)\n* fix: polynomial regex on uncontrolled input (#3196)\n* docs: typo (#3209)\n", []string{"CHANGELOG.md:4"}},
		{"security and bug fixes", "## Security and bug fixes\n- fix crash on empty input (#10)\n- **security:** escape names (#11)\n", []string{"CHANGELOG.md:3"}},
		{"pure security heading", "## 🔒 Security fixes\n- limit body size (#12)\n", []string{"CHANGELOG.md:2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, l := range ChangelogLinks("CHANGELOG.md", []byte(tt.data)) {
				got = append(got, l.where)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("entries (-want +got):\n%s", d)
			}
		})
	}
}

func TestVersionChanges(t *testing.T) {
	for _, tc := range []struct {
		name, path, old, new string
		want                 int
	}{
		{"action bump", ".github/workflows/ci.yml", "- uses: actions/checkout@v3\n", "- uses: actions/checkout@v4\n", 1},
		{"sha pin bump", ".github/workflows/ci.yml", "- uses: actions/cache@aaaa # v4\n", "- uses: actions/cache@bbbb # v4.1\n", 1},
		{"base image", "Dockerfile", "FROM golang:1.22 AS build\n", "FROM golang:1.23 AS build\n", 1},
		{"go directive", "go.mod", "module x\n\ngo 1.22\n", "module x\n\ngo 1.23\n", 1},
		{"pre-commit rev", ".pre-commit-config.yaml", "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.1.0\n", "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.2.0\n", 1},
		{"nvmrc", ".nvmrc", "18\n", "20\n", 1},
		{"matrix include runtime", ".github/workflows/ci.yml", "      - { ruby: 3.2, rack: head }\n      - { ruby: 3.2, rack: stable }\n", "      - { ruby: 3.4, rack: head }\n      - { ruby: 3.4, rack: stable }\n", 1},
		{"matrix include quoted, runtime not first", ".github/workflows/ci.yml", "      - {os: ubuntu, 'python-version': '3.11'}\n", "      - {os: ubuntu, 'python-version': '3.13'}\n", 1},
		{"matrix include edit that keeps the runtime", ".github/workflows/ci.yml", "      - { ruby: 3.4, rack: head }\n", "      - { ruby: 3.4, bundler: default, rack: head }\n", 0},
		{"unrelated edit", ".github/workflows/ci.yml", "- uses: actions/checkout@v4\n  run: make\n", "- uses: actions/checkout@v4\n  run: make test\n", 0},
	} {
		if got := VersionChanges(tc.path, []byte(tc.old), []byte(tc.new)); len(got) != tc.want {
			t.Errorf("%s: VersionChanges = %q; want %d changes", tc.name, got, tc.want)
		}
	}
}

// A ref repeated in several jobs is named once in the change.
func TestVersionChangesListsRepeatedRefOnce(t *testing.T) {
	old := "- uses: actions/checkout@aaaa\n- uses: actions/checkout@aaaa\n- uses: actions/checkout@aaaa\n"
	got := VersionChanges(".github/workflows/ci.yml", []byte(old), []byte(strings.ReplaceAll(old, "aaaa", "bbbb")))
	want := []string{"uses actions/checkout: aaaa -> bbbb (.github/workflows/ci.yml)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("VersionChanges (-want +got):\n%s", diff)
	}
}

func FuzzVersionTokens(f *testing.F) {
	f.Add("Dockerfile", "FROM golang:1.22@sha256:abc AS b\nARG GO_VERSION=1.2\n")
	f.Add(".github/workflows/ci.yml", "- uses: a/b@v1\n  with:\n    python-version: ['3.9']\n")
	f.Fuzz(func(t *testing.T, p, data string) {
		VersionTokens(p, []byte(data))
		VersionChanges(p, []byte(data), []byte(data+"\n"))
	})
}

func FuzzChangelogLinks(f *testing.F) {
	f.Add("## Security\n- fix ([#1])\n* **sec:** CVE-2024-1234 (abcdef1)\n")
	f.Fuzz(func(t *testing.T, data string) {
		ChangelogLinks("CHANGELOG.md", []byte(data))
	})
}

func FuzzSecurityFixWording(f *testing.F) {
	f.Add("Merge pull request from GHSA-xxxx-xxxx-xxxx")
	f.Add("fix(security): backport #12 (#13)\n\n(cherry picked from commit abcdef1)")
	f.Fuzz(func(t *testing.T, msg string) {
		SecurityFixWording(msg)
		SecurityUpdateWording(msg)
		backportRefs(msg)
		prNumbers(msg)
	})
}

func TestTagForVersion(t *testing.T) {
	rel := []relTag{{name: "v3.1.0"}, {name: "cli-2.0.1"}, {name: "1.0.0-rc.1"}}
	tests := []struct {
		version, want string
		ok            bool
	}{
		{"3.1.0", "v3.1.0", true},
		{"2.0.1", "cli-2.0.1", true},
		{"1.0.0-rc.1", "1.0.0-rc.1", true},
		{"3.1", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := tagForVersion(rel, tt.version)
		if ok != tt.ok || got.name != tt.want {
			t.Errorf("tagForVersion(%q) = %q, %v; want %q, %v", tt.version, got.name, ok, tt.want, tt.ok)
		}
	}
}

// TestScanOffReleaseLine: an untagged copy of a security fix is off every
// release line when it sits on a pull request's source branch or on a
// line that has never released since it forked; a copy on a maintenance
// line that has released on its own is a backport still owed.
func TestScanOffReleaseLine(t *testing.T) {
	dir := t.TempDir()
	r := newFileRepo(t, dir)
	day := func(n int) time.Time { return testNow.Add(time.Duration(n-200) * 24 * time.Hour) }
	base := map[string]string{"README.md": "x\n", "src/lib.go": "package lib\n"}
	root := r.commit(base, "initial", "alice", "alice@example.com", day(0))
	r.ref("refs/tags/v1.0.0", root)
	patched := clone(base, "src/lib.go", "package lib // escaped\n")
	mainFix := r.commit(patched, "fix(security): escape header values (#12)", "bob", "bob@example.com", day(10), root)
	r.ref("refs/heads/main", mainFix)
	r.ref("refs/tags/v1.1.0", mainFix)
	maintRel := r.commit(clone(base, "src/lib.go", "package lib // 1.0.x\n"), "prepare 1.0.1", "alice", "alice@example.com", day(5), root)
	r.ref("refs/tags/v1.0.1", maintRel)
	if err := r.s.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, "refs/heads/main")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		branch string
		parent plumbing.Hash
		when   int
		want   bool
	}{
		{"topic", root, 9, true},       // the pull request's source branch
		{"next", root, 11, true},       // an unreleased next major
		{"1.0.x", maintRel, 12, false}, // a line that released v1.0.1 after forking
	}
	copies := map[string]string{}
	for _, tc := range tests {
		c := r.commit(clone(patched, "NOTE", tc.branch), "fix(security): escape header values on "+tc.branch, "bob", "bob@example.com", day(tc.when), tc.parent)
		r.ref("refs/heads/"+tc.branch, c)
		copies[c.String()] = tc.branch
	}
	got := map[string]bool{}
	for _, rec := range collect(t, dir, nil, collector.Options{}) {
		if f, ok := rec.Fact.(evidence.OwnSecurityFixes); ok {
			for _, fx := range f.Fixes {
				if b, ok := copies[fx.Commit]; ok {
					got[b] = fx.OffReleaseLine
				} else if fx.Commit == mainFix.String() && (fx.Tag != "v1.1.0" || fx.OffReleaseLine) {
					t.Errorf("main-line fix = %+v; want tagged v1.1.0 and on a release line", fx)
				}
			}
		}
	}
	want := map[string]bool{}
	for _, tc := range tests {
		want[tc.branch] = tc.want
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("off release line (-want +got):\n%s", d)
	}
}

// TestScanNamedSecurityFixes: the commits on the assessed line that name
// CVE or GHSA ids, oldest first, each id with the line naming it. A bump
// an update bot authored names its dependency's CVEs, not the product's;
// a commit on another branch is not in the product assessed.
func TestScanNamedSecurityFixes(t *testing.T) {
	dir := t.TempDir()
	r := newFileRepo(t, dir)
	day := func(n int) time.Time { return testNow.Add(time.Duration(n-200) * 24 * time.Hour) }
	base := map[string]string{"README.md": "x\n", "go.mod": "module demo\n"}
	root := r.commit(base, "initial", "alice", "alice@example.com", day(0))
	fix := r.commit(clone(base, "README.md", "y\n"), "fix parser overflow\n\nFixes CVE-2025-1234 and GHSA-9wx4-h78v-vm56.\nAlso CVE-2025-1234 again.", "bob", "bob@example.com", day(10), root)
	bot := r.commit(clone(base, "go.mod", "module demo // 2\n"), "chore(deps): bump golang.org/x/net from 0.1.0 to 0.33.0\n\nFixes CVE-2024-45338.", "dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", day(11), fix)
	later := r.commit(clone(base, "README.md", "z\n"), "Security: Update exporter-toolkit (CVE-2025-9999)", "bob", "bob@example.com", day(12), bot)
	side := r.commit(clone(base, "README.md", "w\n"), "fix CVE-2025-7777 on the experiment", "bob", "bob@example.com", day(13), root)
	r.ref("refs/heads/main", later)
	r.ref("refs/heads/experiment", side)
	if err := r.s.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, "refs/heads/main")); err != nil {
		t.Fatal(err)
	}
	var got []evidence.SecurityFix
	var walked []evidence.HistoryWalked
	for _, rec := range collect(t, dir, nil, collector.Options{}) {
		switch f := rec.Fact.(type) {
		case evidence.SecurityFix:
			if rec.Provenance.Location.Commit != f.Commit {
				t.Errorf("fix %s located at commit %q", f.Commit, rec.Provenance.Location.Commit)
			}
			got = append(got, f)
		case evidence.HistoryWalked:
			walked = append(walked, f)
		}
	}
	want := []evidence.SecurityFix{
		{Commit: fix.String(), Date: day(10).UTC(), IDs: []string{"CVE-2025-1234", "GHSA-9wx4-h78v-vm56"}, Title: "fix parser overflow",
			Context: []string{"Fixes CVE-2025-1234 and GHSA-9wx4-h78v-vm56.", "Fixes CVE-2025-1234 and GHSA-9wx4-h78v-vm56."}},
		{Commit: later.String(), Date: day(12).UTC(), IDs: []string{"CVE-2025-9999"}, Title: "Security: Update exporter-toolkit (CVE-2025-9999)",
			Context: []string{"Security: Update exporter-toolkit (CVE-2025-9999)"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("named fixes (-want +got):\n%s", d)
	}
	// Four commits on the assessed line; the experiment's is not counted.
	if d := cmp.Diff([]evidence.HistoryWalked{{Commits: 4}}, walked); d != "" {
		t.Errorf("history walked (-want +got):\n%s", d)
	}
}

// TestScanCarriedForwardFixes builds the shape of a project that ships a
// security fix the same day on its maintenance line and carries it into
// the next minor: GitHub's squashed "Merge commit from fork" on both
// lines, the main-line copy first released in v1.1.0 (the first release
// of its line), and a later hardening that names an advisory the
// changelog lists as fixed in v1.0.1 without citing a commit.
func TestScanCarriedForwardFixes(t *testing.T) {
	dir := t.TempDir()
	r := newFileRepo(t, dir)
	day := func(n int) time.Time { return testNow.Add(time.Duration(n-200) * 24 * time.Hour) }
	changelog := "# Changelog\n\n## [1.0.1] - 2026-02-13\n\n### Security\n\n- [CVE-2026-1111](https://github.com/advisories/GHSA-7g2v-jj9q-g3rg) Possible log injection.\n"
	base := map[string]string{"README.md": "x\n", "src/lib.go": "package lib\n"}
	root := r.commit(base, "initial", "alice", "alice@example.com", day(0))
	r.ref("refs/tags/v1.0.0", root)
	merge := "Merge commit from fork\n\n* Apply bytesize limits in QueryParser\n\nThe limit matches the existing one.\n"
	maint := r.commit(clone(base, "src/lib.go", "package lib // 1.0 limited\n"), merge, "carol", "carol@example.com", day(10), root)
	r.ref("refs/heads/1-0-stable", maint)
	r.ref("refs/tags/v1.0.1", maint)
	onMain := clone(base, "src/lib.go", "package lib // limited\n", "CHANGELOG.md", changelog)
	mainFix := r.commit(onMain, merge, "carol", "carol@example.com", day(10), root)
	minor := r.commit(clone(onMain, "VERSION", "1.1.0\n"), "Release 1.1.0", "alice", "alice@example.com", day(80), mainFix)
	r.ref("refs/tags/v1.1.0", minor)
	hardening := r.commit(clone(onMain, "VERSION", "1.1.0\n", "src/log.go", "package lib // escaped\n"), "Escape exception output\n\nConsistent with the logger fix for CVE-2026-1111.\n", "dave", "dave@example.com", day(100), minor)
	r.ref("refs/heads/main", hardening)
	if err := r.s.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, "refs/heads/main")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "CHANGELOG.md"), []byte(changelog), 0o644); err != nil {
		t.Fatal(err)
	}
	type got struct {
		Tag, Group, ListedTag string
		Opens                 bool
	}
	byCommit := map[string]got{}
	for _, rec := range collect(t, dir, nil, collector.Options{}) {
		if f, ok := rec.Fact.(evidence.OwnSecurityFixes); ok {
			for _, fx := range f.Fixes {
				byCommit[fx.Commit] = got{fx.Tag, fx.Group, fx.ListedTag, fx.TagOpensLine}
			}
		}
	}
	want := map[string]got{
		maint.String():     {Tag: "v1.0.1", Group: "apply bytesize limits in queryparser"},
		mainFix.String():   {Tag: "v1.1.0", Group: "apply bytesize limits in queryparser", Opens: true},
		hardening.String(): {Group: "CVE-2026-1111", ListedTag: "v1.0.1"},
	}
	if d := cmp.Diff(want, byCommit); d != "" {
		t.Errorf("fixes (-want +got):\n%s", d)
	}
}
