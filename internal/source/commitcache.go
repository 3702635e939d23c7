package source

import (
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
)

// maxCommitCache bounds the bytes of unsigned commit objects kept by a
// commitCache. Commits are about a kilobyte each without their signatures,
// so this holds several thousand: every commit the default history caps
// let the HEAD walks read, on most repositories.
const maxCommitCache = 8 << 20

// commitCache keeps the raw unsigned commit objects read through the
// unsigned view, shared by every handle on one repository. Several
// collectors walk the same commits (the history scan, the lifecycle and
// the dependency-lag walks), each through its own go-git storage whose
// object cache trees and blobs soon evict commits from; decoding a commit
// from the pack again (zlib and delta resolution) was most of what each
// later walk cost. Once full it keeps what it has: walks run newest
// first, so the commits kept are those every walk reads.
type commitCache struct {
	mu    sync.Mutex
	data  map[plumbing.Hash][]byte
	bytes int
}

func newCommitCache() *commitCache {
	return &commitCache{data: map[plumbing.Hash][]byte{}}
}

// get returns the cached object of a commit; its bytes must not be
// modified.
func (c *commitCache) get(h plumbing.Hash) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.data[h]
	return d, ok
}

// room reports whether n more bytes fit, so that a caller copies a commit
// for the cache only when it will be kept.
func (c *commitCache) room(n int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes+n <= maxCommitCache
}

// put keeps data, which the cache then owns, unless the cache is full.
func (c *commitCache) put(h plumbing.Hash, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.data[h]; ok || c.bytes+len(data) > maxCommitCache {
		return
	}
	c.data[h] = data
	c.bytes += len(data)
}
