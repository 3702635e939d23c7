package history

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/crypto/ssh"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/sign"
	"github.com/assaysec/assay/internal/source"
)

var testNow = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

// spec describes one main-line commit of a synthetic repository.
type spec struct {
	msg      string
	author   string
	workflow string // new content of .github/workflows/ci.yml; "" keeps it
	merge    bool   // merge a side commit by another author
	signed   bool
}

// builder writes git objects straight into a repository's object store, so
// a history of thousands of commits takes seconds and needs no git binary.
type builder struct {
	t       testing.TB
	s       storer.Storer
	signer  *sign.Signer
	when    time.Time
	head    plumbing.Hash
	files   map[string]plumbing.Hash // root-level name -> blob
	wf      plumbing.Hash
	counter int
}

func newBuilder(t testing.TB, dir string) *builder {
	t.Helper()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	sg, err := sign.NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	b := &builder{t: t, s: repo.Storer, signer: sg, when: testNow.Add(-100 * 24 * time.Hour), files: map[string]plumbing.Hash{}}
	b.files["README.md"] = b.blob("hello\n")
	b.wf = b.blob("on: push\n")
	return b
}

func (b *builder) blob(content string) plumbing.Hash {
	o := b.s.NewEncodedObject()
	o.SetType(plumbing.BlobObject)
	w, _ := o.Writer()
	w.Write([]byte(content))
	w.Close()
	h, err := b.s.SetEncodedObject(o)
	if err != nil {
		b.t.Fatal(err)
	}
	return h
}

func (b *builder) tree(entries []object.TreeEntry) plumbing.Hash {
	t := &object.Tree{Entries: entries}
	o := b.s.NewEncodedObject()
	if err := t.Encode(o); err != nil {
		b.t.Fatal(err)
	}
	h, err := b.s.SetEncodedObject(o)
	if err != nil {
		b.t.Fatal(err)
	}
	return h
}

func (b *builder) rootTree() plumbing.Hash {
	wfTree := b.tree([]object.TreeEntry{{Name: "ci.yml", Mode: filemode.Regular, Hash: b.wf}})
	gh := b.tree([]object.TreeEntry{{Name: "workflows", Mode: filemode.Dir, Hash: wfTree}})
	return b.tree([]object.TreeEntry{
		{Name: ".github", Mode: filemode.Dir, Hash: gh},
		{Name: "README.md", Mode: filemode.Regular, Hash: b.files["README.md"]},
	})
}

func (b *builder) commit(msg, author string, parents []plumbing.Hash, signed bool) plumbing.Hash {
	b.when = b.when.Add(10 * time.Minute)
	sig := object.Signature{Name: author, Email: author + "@example.com", When: b.when}
	c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: b.rootTree(), ParentHashes: parents}
	if signed {
		o := &plumbing.MemoryObject{}
		if err := c.EncodeWithoutSignature(o); err != nil {
			b.t.Fatal(err)
		}
		r, _ := o.Reader()
		buf, err := io.ReadAll(r)
		if err != nil {
			b.t.Fatal(err)
		}
		armored, err := b.signer.Sign(buf, "git")
		if err != nil {
			b.t.Fatal(err)
		}
		c.PGPSignature = string(armored)
	}
	o := b.s.NewEncodedObject()
	if err := c.Encode(o); err != nil {
		b.t.Fatal(err)
	}
	h, err := b.s.SetEncodedObject(o)
	if err != nil {
		b.t.Fatal(err)
	}
	return h
}

func (b *builder) add(sp spec) {
	b.counter++
	if sp.workflow != "" {
		b.wf = b.blob(sp.workflow)
	}
	var parents []plumbing.Hash
	if !b.head.IsZero() {
		parents = append(parents, b.head)
	}
	if sp.merge {
		side := b.commit("side work", "contributor", parents, false)
		parents = append(parents, side)
	}
	b.head = b.commit(sp.msg, sp.author, parents, sp.signed)
}

func (b *builder) finish() {
	ref := plumbing.NewHashReference("refs/heads/main", b.head)
	if err := b.s.SetReference(ref); err != nil {
		b.t.Fatal(err)
	}
	if err := b.s.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, "refs/heads/main")); err != nil {
		b.t.Fatal(err)
	}
}

func collect(t testing.TB, dir string, cfg *config.Config, opts collector.Options) []evidence.Record {
	t.Helper()
	tree, err := source.OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	h, err := source.OpenHistory(dir)
	if err != nil {
		t.Fatal(err)
	}
	if cfg == nil {
		cfg = &config.Config{}
	}
	recs, err := New(cfg).Collect(context.Background(), &collector.Input{Tree: tree, History: h, Now: testNow, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestCollect(t *testing.T) {
	dir := t.TempDir()
	b := newBuilder(t, dir)
	b.add(spec{msg: "initial", author: "alice", signed: true})
	b.add(spec{msg: "change CI directly", author: "alice", workflow: "on: [push]\n", signed: true})
	b.add(spec{msg: "Merge pull request #2 from bob/ci", author: "alice", workflow: "on: [push, pull_request]\n", merge: true, signed: true})
	b.add(spec{msg: "Update workflow (#3)", author: "bob", workflow: "on: [pull_request]\n"})
	b.add(spec{msg: "docs\n\nReviewed-by: Carol <carol@example.com>", author: "bob"})
	b.finish()
	pub := ssh.MarshalAuthorizedKey(b.signer.PublicKey())
	cfg := &config.Config{CommitSigners: &config.CommitSigners{SSHKeys: []string{string(pub)}}}
	recs := collect(t, dir, cfg, collector.Options{})
	// The five facts, then how much history the id scan read (no
	// commit names a CVE).
	if len(recs) != 6 {
		t.Fatalf("got %d records", len(recs))
	}
	h := recs[0].Fact.(evidence.History)
	want := evidence.History{
		MaxCommits: 5000, Walked: 5, Signed: 3, SignedSSH: 3, VerifyKeys: 1, Verified: 3,
		Merges: 1, MergesOtherCommitter: 1, ForgeMerges: 2, ReviewTrailers: 1, FirstParent: 5, Authors: 2,
	}
	if diff := cmp.Diff(want, h, cmpopts.IgnoreFields(evidence.History{}, "Since", "Oldest", "Newest")); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	bc := recs[1].Fact.(evidence.BuildChanges)
	if bc.Total != 4 || bc.Merged != 1 || bc.ViaPR != 1 || bc.Direct != 2 {
		t.Errorf("build changes = total %d merged %d viaPR %d direct %d; want 4 1 1 2", bc.Total, bc.Merged, bc.ViaPR, bc.Direct)
	}
	if len(bc.DirectSamples) != 2 || bc.DirectSamples[0].Paths[0] != ".github/workflows" {
		t.Errorf("direct samples = %+v", bc.DirectSamples)
	}
}

func TestCollectRespectsCapAndWindow(t *testing.T) {
	dir := t.TempDir()
	b := newBuilder(t, dir)
	for i := range 30 {
		b.add(spec{msg: fmt.Sprint("commit ", i), author: "alice"})
	}
	b.finish()
	h := collect(t, dir, nil, collector.Options{HistoryMaxCommits: 10})[0].Fact.(evidence.History)
	if h.Walked != 10 || !h.Truncated {
		t.Errorf("cap: walked %d truncated %v; want 10 true", h.Walked, h.Truncated)
	}
	// Commits are 10 minutes apart ending about 100 days ago; a 30-day window holds none.
	h = collect(t, dir, nil, collector.Options{HistoryWindow: 30 * 24 * time.Hour})[0].Fact.(evidence.History)
	if h.Walked != 0 || h.Truncated {
		t.Errorf("window: walked %d truncated %v; want 0 false", h.Walked, h.Truncated)
	}
}

func TestCollectBadKeys(t *testing.T) {
	dir := t.TempDir()
	b := newBuilder(t, dir)
	b.add(spec{msg: "one", author: "alice", signed: true})
	b.finish()
	cfg := &config.Config{CommitSigners: &config.CommitSigners{SSHKeys: []string{"not a key"}, PGPKeys: []string{"missing.asc"}}}
	h := collect(t, dir, cfg, collector.Options{})[0].Fact.(evidence.History)
	if h.VerifyKeys != 0 || len(h.VerifyErrors) != 2 || h.Verified != 0 {
		t.Errorf("got keys %d errors %q verified %d", h.VerifyKeys, h.VerifyErrors, h.Verified)
	}
}

// BenchmarkCollect10k walks a 10,000-commit history with merges every tenth
// commit, half the commits SSH-signed and verified, and CI changes every
// 50th commit.
func BenchmarkCollect10k(b *testing.B) {
	dir := b.TempDir()
	bl := newBuilder(b, dir)
	for i := range 10_000 {
		sp := spec{msg: fmt.Sprintf("change %d", i), author: fmt.Sprintf("dev%d", i%7), signed: i%2 == 0}
		if i%10 == 0 {
			sp.merge = true
			sp.msg = fmt.Sprintf("Merge pull request #%d from dev/x", i)
		}
		if i%50 == 0 {
			sp.workflow = fmt.Sprintf("on: push # %d\n", i)
		}
		bl.add(sp)
	}
	bl.finish()
	pub := ssh.MarshalAuthorizedKey(bl.signer.PublicKey())
	cfg := &config.Config{CommitSigners: &config.CommitSigners{SSHKeys: []string{string(pub)}}}
	opts := collector.Options{HistoryMaxCommits: 20_000}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		recs := collect(b, dir, cfg, opts)
		h := recs[0].Fact.(evidence.History)
		if h.Walked < 10_000 || h.Verified != 5000 {
			b.Fatalf("walked %d verified %d", h.Walked, h.Verified)
		}
	}
}
