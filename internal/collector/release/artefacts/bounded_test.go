package artefacts

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/source"
)

// TestRepeatedChecksumEntryHashedOnce: a checksum file that lists one
// artefact a thousand times, in an algorithm other than the artefact
// digest's, costs one read of the artefact per algorithm (issue 15 item 9).
func TestRepeatedChecksumEntryHashedOnce(t *testing.T) {
	dir := t.TempDir()
	a := []byte(strings.Repeat("artefact\n", 1000))
	s512 := sha512.Sum512(a)
	var sums strings.Builder
	for range 1000 {
		fmt.Fprintf(&sums, "%s  a.bin\n", hex.EncodeToString(s512[:]))
	}
	write(t, dir, map[string][]byte{"r/1.0.0/a.bin": a, "r/1.0.0/SHA512SUMS": []byte(sums.String())})
	counts := map[string]int{}
	onHash = func(n string) { counts[n]++ }
	defer func() { onHash = nil }()
	ev, _ := run(t, dir, collector.Options{ReleaseDirs: []string{filepath.Join(dir, "r/1.0.0")}})
	if counts["a.bin"] != 2 { // sha256 for the artefact, sha512 for the list
		t.Errorf("a.bin hashed %d times; want 2", counts["a.bin"])
	}
	for _, r := range evidence.Facts[evidence.ReleaseChecksumFile](ev) {
		if r.Fact.Matched != 1000 {
			t.Errorf("matched %d entries; want 1000", r.Fact.Matched)
		}
	}
}

// TestCancelledVerificationFails: a run whose context has ended reads no
// artefact and reports the collector failed, never a partial release.
func TestCancelledVerificationFails(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string][]byte{"r/1.0.0/a.bin": []byte("a\n")})
	tree, err := source.OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n := 0
	onHash = func(string) { n++ }
	defer func() { onHash = nil }()
	in := &collector.Input{Tree: tree, Now: now, Options: collector.Options{ReleaseDirs: []string{filepath.Join(dir, "r/1.0.0")}}}
	if _, err := New(&config.Config{}).Collect(ctx, in); err == nil {
		t.Error("Collect with an ended context: no error")
	}
	if n != 0 {
		t.Errorf("hashed %d files after the context ended", n)
	}
}

// TestHashStopsWithContext: hashing stops between reads once the context
// ends.
func TestHashStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := ctxReadCloser{ctx: ctx, ReadCloser: nopCloser{strings.NewReader("data")}}
	if _, err := r.Read(make([]byte, 4)); err == nil {
		t.Error("read after cancel: no error")
	}
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }
