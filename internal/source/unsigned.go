package source

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// unsignedStorage is the bounded storage with the signature headers
// (gpgsig, gpgsig-sha256) left out of commit objects, under each commit's
// own hash. go-git decodes a signature by concatenating its lines one by
// one, which made signatures most of what a history walk allocated; walks
// that never look at signatures read commits through this view. Every
// other header, the parents, the tree and the message decode as before.
type unsignedStorage struct {
	boundedStorage
	cache *commitCache
}

// EncodedObject implements storer.EncodedObjectStorer.
func (s unsignedStorage) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	if data, ok := s.cache.get(h); ok {
		// As the storage answers a request for another type.
		if t != plumbing.AnyObject && t != plumbing.CommitObject {
			return nil, plumbing.ErrObjectNotFound
		}
		return &cutCommit{hash: h, data: data}, nil
	}
	obj, err := s.boundedStorage.EncodedObject(t, h)
	if err != nil || obj.Type() != plumbing.CommitObject {
		return obj, err
	}
	r, err := obj.Reader()
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", obj.Hash(), err)
	}
	defer r.Close()
	// Read into a pooled buffer: an unsigned commit (most of them) is
	// handed on as it is, so the copy costs no allocation.
	bp := commitBufs.Get().(*[]byte)
	defer commitBufs.Put(bp)
	if int64(cap(*bp)) < obj.Size() {
		*bp = make([]byte, obj.Size())
	}
	data := (*bp)[:obj.Size()]
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, fmt.Errorf("read commit %s: %w", obj.Hash(), err)
	}
	if !signed(data) {
		if s.cache.room(len(data)) {
			s.cache.put(h, bytes.Clone(data))
		}
		return obj, nil
	}
	stripped := stripSignature(bytes.Clone(data))
	s.cache.put(h, stripped)
	return &cutCommit{hash: obj.Hash(), data: stripped}, nil
}

// commitBufs are the buffers EncodedObject reads commits into.
var commitBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// signed reports whether a raw commit's header block holds a signature
// header.
func signed(data []byte) bool {
	end := bytes.Index(data, []byte("\n\n"))
	if end < 0 {
		end = len(data)
	}
	return bytes.Contains(data[:end], []byte("\ngpgsig"))
}

// stripSignature removes signature headers and their continuation lines
// from the header block of a raw commit (everything before the first
// empty line). It works in place: the result shares data's memory.
func stripSignature(data []byte) []byte {
	end := bytes.Index(data, []byte("\n\n"))
	if end < 0 {
		end = len(data)
	}
	head := data[:end]
	i := bytes.Index(head, []byte("\ngpgsig"))
	if i < 0 {
		return data
	}
	// Only bytes are removed, so writing forward over data never passes
	// the read position (append moves overlapping bytes correctly).
	out := data[:i+1]
	rest := data[i+1:]
	skipping := false
	for len(rest) > 0 {
		if rest[0] == '\n' {
			// the empty line: the message follows verbatim
			return append(out, rest...)
		}
		line := rest
		if j := bytes.IndexByte(rest, '\n'); j >= 0 {
			line = rest[:j+1]
		}
		rest = rest[len(line):]
		switch {
		case bytes.HasPrefix(line, []byte("gpgsig ")) || bytes.HasPrefix(line, []byte("gpgsig-sha256 ")):
			skipping = true
		case skipping && line[0] == ' ':
		default:
			skipping = false
			out = append(out, line...)
		}
	}
	return out
}

// Unsigned returns the storage as walks that never read signatures should
// see it: commits decode without their signature headers (PGPSignature is
// empty), faster and with far fewer allocations.
func (h *History) Unsigned() storer.EncodedObjectStorer {
	return unsignedStorage{boundedStorage: h.bounded, cache: h.commits}
}

// UnsignedHead returns the HEAD commit decoded through Unsigned, so that
// iterators started from it (parents, committer-time order) read the
// unsigned view too; nil for a repository with no commits.
func (h *History) UnsignedHead() (*object.Commit, error) {
	if h.head == nil {
		return nil, nil
	}
	return object.GetCommit(h.Unsigned(), h.head.Hash)
}
