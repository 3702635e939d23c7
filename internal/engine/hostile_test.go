package engine_test

// The hostile-repository suite (issue 15): one table of trees, files and
// databases built to hurt Assay. For each case the assessment runs to the
// end (or fails with the documented usage error), names the hostile file in
// a notice, a claim's reason or an error, shows nothing from outside the
// tree, and allocates a bounded number of bytes beyond an ordinary run
// (runtime.MemStats TotalAlloc through internal/testutil/growth; never wall
// time, so -race and a loaded machine cannot fail it).
//
// Cases whose behaviour is the CLI's, with their exit codes, stay in the
// testscripts and unit tests named here:
//   - output onto a FIFO, symlink or device is written through, never
//     replaced: internal/cli/testdata/script/output_special.txtar (exit 0)
//     and internal/atomicfile TestWriteFileFIFO, TestWriteFileSymlink;
//   - forge error bodies that echo the Authorization header are redacted:
//     internal/collector/forge/api TestForgeErrorBodiesRedacted and
//     internal/forge TestClassifyRedactsMessages, FuzzRedact;
//   - a symlinked assay.yaml is a usage error (exit 2) naming the file; a
//     file named with --config is read wherever it is (below, and
//     engine.LoadConfig);
//   - a vulnerability database that disagrees with its manifest makes
//     `assay vulns` an error (exit 3): internal/vulndb
//     TestDatabaseDisagreeingWithManifest; here, assess keeps going and
//     3.3.1 is not met-by-silence.

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/assaysec/assay/internal/engine"
	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/render/html"
	"github.com/assaysec/assay/internal/render/jsonfmt"
	"github.com/assaysec/assay/internal/render/text"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/testutil/growth"
	"github.com/assaysec/assay/internal/vulndb"
)

const outsideSecret = "TOPSECRET-outside-the-tree"

// hostileCase is one hostile input. build makes the tree in dir (outside
// is a directory beyond it) and may set options; run, when set, replaces
// engine.Run for inputs that are not a tree (a database import).
type hostileCase struct {
	name  string
	skip  func() string
	build func(t *testing.T, dir, outside string, o *engine.Options)
	run   func(t *testing.T, dir, outside string) (shown string, err error)
	// wantErr, when set, is the documented error: errors.Is and a
	// substring of its message.
	wantErr     error
	wantErrText string
	// notices are paths that must each have a notice.
	notices []string
	// shown are strings the rendered reports (text, JSON, HTML) or the
	// error must contain: the hostile file named.
	shown []string
	// claims are claims whose status must not be the one given (a
	// hostile input must never make a claim look met or not met by
	// silence).
	notStatus map[string]report.ClaimStatus
	// collectors are collectors whose status must be the one given.
	collectors map[string]string
	// budget bounds the bytes allocated beyond an ordinary run.
	budget uint64
}

func TestHostileRepositorySuite(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ordinary := func(t *testing.T, dir string) {
		write(t, dir, "go.mod", []byte("module example.com/x\n\nrequire a.b/c v1.0.0\n"))
	}
	// Warm the catalog, mapping and rule caches, then measure an ordinary
	// run: each case's allocation is judged against it.
	base := t.TempDir()
	ordinary(t, base)
	write(t, base, "SECURITY.md", []byte("Report vulnerabilities to security@acme-software.co.uk; we reply within 3 days.\n"))
	if _, err := engine.Run(ctx, engine.Options{Path: base, Now: now}); err != nil {
		t.Fatal(err)
	}
	baseline, _ := growth.Allocated(func() {
		if _, err := engine.Run(ctx, engine.Options{Path: base, Now: now}); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("ordinary run: %d bytes allocated", baseline)

	for _, tc := range hostileCases(ordinary) {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skip != nil {
				if why := tc.skip(); why != "" {
					t.Skip(why)
				}
			}
			outside := t.TempDir()
			write(t, outside, "secret.txt", []byte("Contact: mailto:leak@outside.invalid\n"+outsideSecret+"\n"))
			dir := t.TempDir()
			opts := engine.Options{Path: dir, Now: now}
			tc.build(t, dir, outside, &opts)

			var shown string
			var err error
			var res *engine.Result
			used, _ := growth.Allocated(func() {
				if tc.run != nil {
					shown, err = tc.run(t, dir, outside)
					return
				}
				res, err = engine.Run(ctx, opts)
			})
			if res != nil {
				shown = renderAll(t, res.Report)
			}
			switch {
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.wantErrText) {
					t.Fatalf("error = %v; want %v naming %q", err, tc.wantErr, tc.wantErrText)
				}
				shown += err.Error()
			case err != nil:
				t.Fatalf("run: %v", err)
			}
			if strings.Contains(shown, outsideSecret) || strings.Contains(shown, "leak@outside.invalid") {
				t.Error("output shows content from outside the tree")
			}
			for _, s := range tc.shown {
				if !strings.Contains(shown, s) {
					t.Errorf("output does not name %q", s)
				}
			}
			if res != nil {
				have := map[string]bool{}
				for _, n := range res.Report.Notices {
					have[n.Location.Path] = true
				}
				for _, p := range tc.notices {
					if !have[p] {
						t.Errorf("no notice for %q; notices: %v", p, res.Report.Notices)
					}
				}
				got := map[string]string{}
				for _, c := range res.Report.Collectors {
					got[c.Name] = string(c.Status) + ": " + c.Reason
				}
				for name, want := range tc.collectors {
					if !strings.HasPrefix(got[name], want+":") {
						t.Errorf("collector %s = %q; want %s", name, got[name], want)
					}
				}
				if os.Getenv("HOSTILE_DUMP") != "" {
					for _, c := range res.Report.Principles {
						for _, cl := range c.Claims {
							t.Logf("claim %s %s: %s", cl.ID, cl.Status, cl.Reason)
						}
					}
					t.Logf("collectors %v", got)
					t.Logf("notices %v", res.Report.Notices)
					for _, l := range strings.Split(shown, "\n") {
						if strings.Contains(l, os.Getenv("HOSTILE_DUMP")) {
							t.Logf("shown: %.300s", l)
						}
					}
				}
				for id, bad := range tc.notStatus {
					if c := claim(t, res.Report, id); c.Status == bad {
						t.Errorf("%s = %s (%s); a hostile input must not decide it", id, c.Status, c.Reason)
					}
				}
			}
			over := int64(used) - int64(baseline)
			t.Logf("%d bytes allocated, %d beyond an ordinary run (budget %d)", used, over, tc.budget)
			if !growth.RaceEnabled && over > int64(tc.budget) {
				t.Errorf("allocated %d bytes beyond an ordinary run; budget %d", over, tc.budget)
			}
		})
	}
}

// renderAll renders the report as text, JSON and HTML, checking that the
// text has no raw control bytes and the HTML no live markup from names.
func renderAll(t *testing.T, r *report.Report) string {
	t.Helper()
	var txt, js, h bytes.Buffer
	if err := text.New(render.Options{Verbose: true}).Render(&txt, r); err != nil {
		t.Fatal(err)
	}
	if err := jsonfmt.New(render.Options{}).Render(&js, r); err != nil {
		t.Fatal(err)
	}
	if err := html.New(render.Options{}).Render(&h, r); err != nil {
		t.Fatal(err)
	}
	for i, c := range txt.Bytes() {
		if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			t.Fatalf("raw control byte %#x in text output at %d", c, i)
		}
	}
	if bytes.Contains(h.Bytes(), []byte("<script>alert")) {
		t.Error("HTML output carries a live <script> from a file name")
	}
	return txt.String() + js.String() + h.String()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// sparse makes a file of size bytes that costs no disk.
func sparse(t *testing.T, p string, size int64) {
	t.Helper()
	must(t, os.MkdirAll(filepath.Dir(p), 0o755))
	f, err := os.Create(p)
	must(t, err)
	must(t, f.Truncate(size))
	must(t, f.Close())
}

func rootCanReadAll() string {
	if os.Geteuid() == 0 {
		return "running as root: file permissions do not stop reads"
	}
	return ""
}

// gitRepo makes a repository in dir with one commit of go.mod and returns
// its worktree and a signature.
func gitRepo(t *testing.T, dir string) (*git.Worktree, *object.Signature) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		write(t, dir, "go.mod", []byte("module example.com/x\n"))
	}
	repo, err := git.PlainInit(dir, false)
	must(t, err)
	wt, err := repo.Worktree()
	must(t, err)
	_, err = wt.Add("go.mod")
	must(t, err)
	sig := &object.Signature{Name: "A", Email: "a@example.test", When: now.Add(-24 * time.Hour)}
	_, err = wt.Commit("first\n", &git.CommitOptions{Author: sig, Committer: sig})
	must(t, err)
	return wt, sig
}

func hostileCases(ordinary func(*testing.T, string)) []hostileCase {
	return []hostileCase{
		{
			name: "symlinks out of the tree and loops",
			build: func(t *testing.T, dir, outside string, _ *engine.Options) {
				ordinary(t, dir)
				must(t, os.MkdirAll(filepath.Join(dir, ".well-known"), 0o755))
				must(t, os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, ".well-known", "security.txt")))
				must(t, os.Symlink("../"+filepath.Base(outside), filepath.Join(dir, "escape-dir")))
				must(t, os.Symlink("loop2", filepath.Join(dir, "loop1")))
				must(t, os.Symlink("loop1", filepath.Join(dir, "loop2")))
			},
			notices: []string{".well-known/security.txt", "escape-dir", "loop1", "loop2"},
			shown:   []string{".well-known/security.txt"},
			budget:  8 << 20,
		},
		{
			name: "FIFOs where files are read",
			build: func(t *testing.T, dir, _ string, _ *engine.Options) {
				ordinary(t, dir)
				must(t, syscall.Mkfifo(filepath.Join(dir, "SECURITY.md"), 0o644))
				must(t, os.MkdirAll(filepath.Join(dir, ".well-known"), 0o755))
				must(t, syscall.Mkfifo(filepath.Join(dir, ".well-known", "security.txt"), 0o644))
			},
			notices:   []string{"SECURITY.md", ".well-known/security.txt"},
			notStatus: map[string]report.ClaimStatus{"3.2.1": report.ClaimMet},
			budget:    8 << 20,
		},
		{
			name: "symlinked assay.yaml",
			build: func(t *testing.T, dir, outside string, _ *engine.Options) {
				ordinary(t, dir)
				write(t, outside, "assay.yaml", []byte("product: "+outsideSecret+"\n"))
				must(t, os.Symlink(filepath.Join(outside, "assay.yaml"), filepath.Join(dir, "assay.yaml")))
			},
			wantErr: engine.ErrUsage, wantErrText: "assay.yaml is a symbolic link",
			budget: 8 << 20,
		},
		{
			name: "assay.yaml named with --config outside the tree",
			build: func(t *testing.T, dir, outside string, o *engine.Options) {
				ordinary(t, dir)
				write(t, outside, "decl.yaml", []byte("product: Outside Product\n"))
				o.ConfigPath = filepath.Join(outside, "decl.yaml")
			},
			shown:  []string{"Outside Product"},
			budget: 8 << 20,
		},
		{
			name: "YAML alias bomb in assay.yaml",
			build: func(t *testing.T, dir, _ string, _ *engine.Options) {
				ordinary(t, dir)
				var b strings.Builder
				b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
				for i := 1; i < 10; i++ {
					fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
				}
				write(t, dir, "assay.yaml", []byte(b.String()))
			},
			wantErr: engine.ErrUsage, wantErrText: "assay.yaml",
			budget: 16 << 20,
		},
		{
			name: "YAML alias bomb and deep nesting in workflows",
			build: func(t *testing.T, dir, _ string, _ *engine.Options) {
				ordinary(t, dir)
				var b strings.Builder
				b.WriteString("on: push\nx0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
				for i := 1; i < 10; i++ {
					fmt.Fprintf(&b, "x%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
				}
				write(t, dir, ".github/workflows/bomb.yml", []byte(b.String()))
				deep := "on: push\njobs: " + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "\n"
				write(t, dir, ".github/workflows/deep.yml", []byte(deep))
			},
			shown:  []string{".github/workflows/bomb.yml", ".github/workflows/deep.yml"},
			budget: 32 << 20,
		},
		{
			name: "deeply nested JSON manifest",
			build: func(t *testing.T, dir, _ string, _ *engine.Options) {
				write(t, dir, "package.json", []byte(`{"name":"x","dependencies":`+strings.Repeat(`{"a":`, 200_000)+"1"+strings.Repeat("}", 200_000)+"}"))
				write(t, dir, "composer.json", []byte(strings.Repeat("[", 500_000)+strings.Repeat("]", 500_000)))
			},
			shown:  []string{"package.json", "composer.json"},
			budget: 48 << 20,
		},
		{
			name: "escape sequences and HTML in names",
			build: func(t *testing.T, dir, _ string, _ *engine.Options) {
				ordinary(t, dir)
				write(t, dir, "evil\x1b]0;pwned\x07name.md", []byte("x"))
				write(t, dir, "bad-\xff\xfe-utf8.txt", []byte("x"))
				write(t, dir, "docs/<script>alert(1)</script>.md", []byte("x"))
				write(t, dir, "SECURITY.md", []byte("# Security\x1b[2J\n\nReport to \x1b[31msecurity@hostile-vendor.io\x1b[0m privately. We answer within 3 days.\n"))
			},
			notices: []string{"evil\x1b]0;pwned\x07name.md", "bad-\xff\xfe-utf8.txt"},
			budget:  8 << 20,
		},
		{
			name: "oversized SECURITY.md and security.txt",
			build: func(t *testing.T, dir, _ string, _ *engine.Options) {
				ordinary(t, dir)
				sparse(t, filepath.Join(dir, "SECURITY.md"), 200<<20)
				sparse(t, filepath.Join(dir, ".well-known", "security.txt"), 200<<20)
			},
			notices: []string{"SECURITY.md", ".well-known/security.txt"},
			shown:   []string{"SECURITY.md", ".well-known/security.txt"},
			notStatus: map[string]report.ClaimStatus{
				"3.2.1": report.ClaimNotMet, // unreadable is unknown, not "no policy"
			},
			budget: 16 << 20,
		},
		{
			name: "unreadable SECURITY.md and security.txt",
			skip: rootCanReadAll,
			build: func(t *testing.T, dir, _ string, _ *engine.Options) {
				ordinary(t, dir)
				write(t, dir, "SECURITY.md", []byte("Report to security@acme-software.co.uk.\n"))
				write(t, dir, ".well-known/security.txt", []byte("Contact: mailto:security@acme-software.co.uk\n"))
				must(t, os.Chmod(filepath.Join(dir, "SECURITY.md"), 0))
				must(t, os.Chmod(filepath.Join(dir, ".well-known", "security.txt"), 0))
			},
			shown:     []string{"SECURITY.md", ".well-known/security.txt"},
			notStatus: map[string]report.ClaimStatus{"3.2.1": report.ClaimNotMet},
			budget:    8 << 20,
		},
		{
			name: ".git file with gitdir: pointing elsewhere",
			build: func(t *testing.T, dir, outside string, _ *engine.Options) {
				ordinary(t, dir)
				gitRepo(t, outside)
				write(t, dir, ".git", []byte("gitdir: "+filepath.Join(outside, ".git")+"\n"))
			},
			shown:  []string{".git is a file"},
			budget: 8 << 20,
		},
		{
			name: ".git with alternates pointing outside",
			build: func(t *testing.T, dir, outside string, _ *engine.Options) {
				ordinary(t, dir)
				gitRepo(t, dir)
				gitRepo(t, outside)
				write(t, dir, ".git/objects/info/alternates", []byte(filepath.Join(outside, ".git", "objects")+"\n"))
			},
			shown:  []string{".git/objects/info/alternates"},
			budget: 8 << 20,
		},
		{
			name: "huge commit message",
			build: func(t *testing.T, dir, _ string, _ *engine.Options) {
				ordinary(t, dir)
				wt, sig := gitRepo(t, dir)
				msg := "fix: huge subject\n\n" + strings.Repeat("x", 64<<20)
				_, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
				must(t, err)
			},
			collectors: map[string]string{"git/history": "succeeded"},
			budget:     32 << 20, // the message is 64 MiB
		},
		{
			name: "repeated checksum entries in a release directory",
			build: func(t *testing.T, dir, outside string, o *engine.Options) {
				ordinary(t, dir)
				rel := filepath.Join(outside, "release", "1.0.0")
				a := bytes.Repeat([]byte("artefact\n"), 1<<17) // about 1 MiB
				sum := sha512.Sum512(a)
				line := hex.EncodeToString(sum[:]) + "  a.bin\n"
				write(t, rel, "a.bin", a)
				write(t, rel, "SHA512SUMS", []byte(strings.Repeat(line, 1000)))
				o.Collector.ReleaseDirs = []string{rel}
			},
			shown:  []string{"SHA512SUMS"},
			budget: 24 << 20, // hashing a.bin 1000 times would read 1 GiB
		},
		{
			name: "vulnerability database disagreeing with its manifest",
			build: func(t *testing.T, dir, outside string, o *engine.Options) {
				write(t, dir, "package-lock.json", []byte(`{"name":"x","lockfileVersion":3,"packages":{"":{"name":"x"},"node_modules/ansi-html":{"version":"0.0.1"}}}`))
				db := filepath.Join(outside, "db")
				_, _, err := vulndb.Import(context.Background(), db, []string{"../vulndb/testdata/ghsa"}, vulndb.ImportOptions{Now: now})
				must(t, err)
				m, err := vulndb.ReadMeta(db)
				must(t, err)
				for _, s := range m.Sources {
					must(t, os.RemoveAll(filepath.Join(db, "sources", s.ID)))
				}
				o.Collector.DBDir = db
			},
			shown:     []string{"is damaged: source ghsa", "known vulnerabilities could not be checked"},
			notStatus: map[string]report.ClaimStatus{"3.3.1": report.ClaimMet},
			budget:    8 << 20,
		},
		{
			name: "zip bomb in db import",
			build: func(t *testing.T, _, outside string, _ *engine.Options) {
				var buf bytes.Buffer
				zw := zip.NewWriter(&buf)
				w, err := zw.Create("advisories/GHSA-bomb.json")
				must(t, err)
				zero := make([]byte, 1<<20)
				for range 64 { // 64 MiB of zeros, about 64 KiB compressed
					_, err = w.Write(zero)
					must(t, err)
				}
				must(t, zw.Close())
				write(t, outside, "bomb.zip", buf.Bytes())
			},
			run: func(t *testing.T, _, outside string) (string, error) {
				_, probs, err := vulndb.Import(context.Background(), filepath.Join(outside, "db"), []string{filepath.Join(outside, "bomb.zip")}, vulndb.ImportOptions{Now: now, Kind: vulndb.KindOSV})
				var b strings.Builder
				for _, p := range probs {
					fmt.Fprintf(&b, "%s %s: %s\n", p.Source, p.Path, p.Err)
				}
				if err != nil {
					// A source with nothing usable is an error naming it: fine.
					fmt.Fprintf(&b, "%v\n", err)
				}
				return b.String(), nil
			},
			shown:  []string{"GHSA-bomb.json"},
			budget: 48 << 20, // the entry inflates to 64 MiB
		},
	}
}
