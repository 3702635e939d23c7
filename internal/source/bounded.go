package source

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// boundedStorage is the repository's storage with commit objects cut at
// limits.MaxCommitObject bytes: go-git decodes a commit's whole message into
// memory, so a commit with a 1 GiB message would otherwise cost gigabytes
// in every walk. A cut commit keeps its own hash, headers, parents and tree;
// only the end of its message is missing (and a signature over it no longer
// verifies). Objects above LargeGitObject (MaxFileSize) are streamed from
// the pack, so the cut of a huge commit reads only the bytes it keeps; a
// smaller one costs at most MaxFileSize while it is cut.
type boundedStorage struct {
	*filesystem.Storage
	max int64
}

// EncodedObject implements storer.EncodedObjectStorer.
func (s boundedStorage) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	obj, err := s.Storage.EncodedObject(t, h)
	if err != nil || obj.Type() != plumbing.CommitObject || obj.Size() <= s.max {
		return obj, err
	}
	return cutObject(obj, s.max)
}

// cutObject reads the first max bytes of obj into memory under obj's hash.
func cutObject(obj plumbing.EncodedObject, max int64) (plumbing.EncodedObject, error) {
	r, err := obj.Reader()
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", obj.Hash(), err)
	}
	defer r.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(r, max)); err != nil {
		return nil, fmt.Errorf("read commit %s: %w", obj.Hash(), err)
	}
	return &cutCommit{hash: obj.Hash(), data: buf.Bytes()}, nil
}

// cutCommit is a commit object cut short, under the original's hash.
type cutCommit struct {
	hash plumbing.Hash
	data []byte
}

func (c *cutCommit) Hash() plumbing.Hash         { return c.hash }
func (c *cutCommit) Type() plumbing.ObjectType   { return plumbing.CommitObject }
func (c *cutCommit) SetType(plumbing.ObjectType) {}
func (c *cutCommit) Size() int64                 { return int64(len(c.data)) }
func (c *cutCommit) SetSize(int64)               {}
func (c *cutCommit) Reader() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(c.data)), nil
}
func (c *cutCommit) Writer() (io.WriteCloser, error) {
	return nil, fmt.Errorf("commit %s is read-only", c.hash)
}

var _ plumbing.EncodedObject = (*cutCommit)(nil)

// ReadAllSized is io.ReadAll for a reader whose size is known (a file's
// stat, a blob's header): the buffer is allocated once at that size
// instead of growing by doubling. A reader that yields more or fewer
// bytes than size is read as io.ReadAll would read it.
func ReadAllSized(r io.Reader, size int64) ([]byte, error) {
	if size < 0 || size > 1<<30 {
		size = 512
	}
	buf := make([]byte, 0, size+1) // +1: EOF is seen without growing
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// readSafeExtensions are repository extensions that change nothing for a
// reader of objects and references: per-worktree config files
// (`git sparse-checkout` turns worktreeConfig on), a ban on deleting
// objects, and a promisor remote for a partial clone (an object it left
// out reads as missing, like any other). go-git refuses a format-1
// repository that names any of them, which cost such a clone its whole
// history; reftable refs and SHA-256 objects stay refused.
var readSafeExtensions = map[string]bool{"worktreeconfig": true, "preciousobjects": true, "partialclone": true, "noop": true}

// Config implements config.ConfigStorer, leaving out the read-safe
// extensions.
func (s boundedStorage) Config() (*config.Config, error) {
	cfg, err := s.Storage.Config()
	if err != nil || cfg == nil || cfg.Raw == nil || !cfg.Raw.HasSection("extensions") {
		return cfg, err
	}
	sec := cfg.Raw.Section("extensions")
	kept := sec.Options[:0:0]
	for _, o := range sec.Options {
		if !readSafeExtensions[strings.ToLower(o.Key)] {
			kept = append(kept, o)
		}
	}
	sec.Options = kept
	return cfg, nil
}
