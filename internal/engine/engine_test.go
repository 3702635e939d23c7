package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/assaysec/assay/internal/engine"
	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/render/jsonfmt"
	"github.com/assaysec/assay/internal/render/text"
	"github.com/assaysec/assay/internal/report"
)

var now = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

func write(t testing.TB, dir, name string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRun_HostileRepository builds, inside the test, a tree designed to hurt
// a scanner: a symlink out of the tree, a symlink loop, a FIFO, a 200 MB
// SECURITY.md, file names with ANSI escapes and invalid UTF-8, and a
// security.txt full of terminal control characters. The assessment must
// finish, read nothing outside the tree, report each oddity, and print no raw
// control character.
func TestRun_HostileRepository(t *testing.T) {
	outside := t.TempDir()
	write(t, outside, "secret.txt", []byte("Contact: mailto:leak@outside.invalid\nTOPSECRET\n"))
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, ".well-known"), 0o755))
	must(os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, ".well-known", "security.txt")))
	must(os.Symlink("../"+filepath.Base(outside), filepath.Join(dir, "escape-dir")))
	must(os.Symlink("loop2", filepath.Join(dir, "loop1")))
	must(os.Symlink("loop1", filepath.Join(dir, "loop2")))
	must(os.Symlink(".", filepath.Join(dir, "self")))
	must(syscall.Mkfifo(filepath.Join(dir, "SECURITY.md.fifo"), 0o644))
	must(syscall.Mkfifo(filepath.Join(dir, "docs-fifo"), 0o644))
	must(os.MkdirAll(filepath.Join(dir, ".github"), 0o755))
	must(syscall.Mkfifo(filepath.Join(dir, ".github", "SECURITY.md"), 0o644))
	// A 200 MB SECURITY.md, sparse so the test costs no disk.
	big, err := os.Create(filepath.Join(dir, "SECURITY.md"))
	must(err)
	must(big.Truncate(200 << 20))
	must(big.Close())
	write(t, dir, "evil\x1b]0;pwned\x07name.md", []byte("x"))
	write(t, dir, "bad-\xff\xfe-utf8.txt", []byte("x"))
	write(t, dir, "docs/security.txt", []byte("Contact: mailto:a@b.c\n"))
	write(t, dir, "docs/SECURITY.md", []byte("# Security\x1b[2J\x1b]8;;https://evil.invalid\x07click\x1b]8;;\x07\n\nReport to \x1b[31msecurity@hostile-vendor.io\x1b[0m privately, please. We answer within 3 days and fix fast.\n"))
	// A security.txt at the root full of control characters.
	write(t, dir, "security.txt", []byte("Contact: mailto:sec@hostile-vendor.io\x1b[8m\nExpires: 2027-01-01T00:00:00Z\x07\x1b[?1049h\nPolicy: https://x\x00y\n\x1bc\x9b31m\n"))

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := engine.Run(ctx, engine.Options{Path: dir, Now: now})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	var txt, js bytes.Buffer
	if err := text.New(render.Options{Verbose: true}).Render(&txt, res.Report); err != nil {
		t.Fatal(err)
	}
	if err := jsonfmt.New(render.Options{}).Render(&js, res.Report); err != nil {
		t.Fatal(err)
	}
	for i, c := range txt.Bytes() {
		if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			t.Fatalf("raw control byte %#x in text output at %d: %q", c, i, txt.Bytes()[max(0, i-40):min(txt.Len(), i+40)])
		}
	}
	if !json.Valid(js.Bytes()) {
		t.Fatal("JSON output is not valid JSON")
	}
	for _, out := range []string{txt.String(), js.String()} {
		if strings.Contains(out, "TOPSECRET") || strings.Contains(out, "leak@outside.invalid") {
			t.Fatal("output contains content from outside the tree")
		}
	}
	notices := map[string]bool{}
	for _, n := range res.Report.Notices {
		notices[n.Location.Path] = true
	}
	for _, p := range []string{".well-known/security.txt", "escape-dir", "loop1", "loop2", "SECURITY.md.fifo", "docs-fifo", ".github/SECURITY.md", "SECURITY.md", "evil\x1b]0;pwned\x07name.md", "bad-\xff\xfe-utf8.txt"} {
		if !notices[p] {
			t.Errorf("no notice for hostile entry %q; notices: %v", p, res.Report.Notices)
		}
	}
	// The oversized SECURITY.md is reported, not read: the policy claim is judged on docs/SECURITY.md.
	c := claim(t, res.Report, "3.2.1")
	if c.Status != report.ClaimMet {
		t.Errorf("3.2.1 = %s (%s), want met from docs/SECURITY.md", c.Status, c.Reason)
	}
}

func claim(t *testing.T, r *report.Report, id string) report.Claim {
	t.Helper()
	for _, p := range r.Principles {
		for _, c := range p.Claims {
			if c.ID == id {
				return c
			}
		}
	}
	t.Fatalf("claim %s missing", id)
	return report.Claim{}
}

// TestRun_Deterministic checks that two runs over the same input with the
// same --now give byte-identical JSON.
func TestRun_Deterministic(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "SECURITY.md", []byte("Report vulnerabilities to security@acme-software.co.uk; we reply within 3 days.\n"))
	write(t, dir, "go.mod", []byte("module x\n\nrequire a.b/c v1.0.0\n"))
	var outs [2]bytes.Buffer
	for i := range outs {
		res, err := engine.Run(context.Background(), engine.Options{Path: dir, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if err := jsonfmt.New(render.Options{}).Render(&outs[i], res.Report); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(outs[0].Bytes(), outs[1].Bytes()) {
		t.Error("two runs gave different JSON")
	}
}

// BenchmarkRun_20000Files assesses a generated tree of 20,000 files.
func BenchmarkRun_20000Files(b *testing.B) {
	dir := b.TempDir()
	for i := 0; i < 20000; i++ {
		name := fmt.Sprintf("pkg%03d/sub%02d/file%05d.go", i%200, i%17, i)
		write(b, dir, name, []byte("package x\n"))
	}
	write(b, dir, "SECURITY.md", []byte("Report vulnerabilities to security@acme-software.co.uk; we reply within 3 days.\n"))
	write(b, dir, ".well-known/security.txt", []byte("Contact: mailto:security@acme-software.co.uk\nExpires: 2027-01-01T00:00:00Z\n"))
	write(b, dir, "go.mod", []byte("module x\n\nrequire a.b/c v1.0.0\n"))
	write(b, dir, "go.sum", []byte("a.b/c v1.0.0 h1:x\n"))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := engine.Run(context.Background(), engine.Options{Path: dir, Now: now}); err != nil {
			b.Fatal(err)
		}
	}
}
