package forge

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/assaysec/assay/internal/atomicfile"
)

// Cache is an on-disk store of API answers, kept only to revalidate them
// with If-None-Match: a warm re-run costs one conditional request per
// resource, and GitHub does not count a 304 against the rate limit.
//
// Entries are keyed by a hash of the token (so two tokens that see different
// things never share answers), the method, the URL and the Accept header.
// Neither the token nor any request header is stored. The directory is
// private to the user (0700, files 0600).
type Cache struct {
	dir string
	now func() time.Time
}

// cacheHeaders are the answer headers worth keeping: what clients read to
// decode and paginate, and what names a token's scopes.
var cacheHeaders = []string{
	"Content-Type", "Link", "ETag", "Last-Modified",
	"X-OAuth-Scopes", "X-Accepted-OAuth-Scopes", "X-Accepted-GitHub-Permissions", "X-GitHub-Media-Type",
	"X-Total", "X-Total-Pages", "X-Page", "X-Per-Page", "X-Next-Page", "X-Prev-Page",
}

// maxEntrySize caps a cache file read back from disk.
const maxEntrySize = MaxBodySize + 64<<10

// DefaultCacheDir is os.UserCacheDir()/assay/forge.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the user cache directory: %w", err)
	}
	return filepath.Join(d, "assay", "forge"), nil
}

// OpenCache opens (creating when needed) a cache in dir.
func OpenCache(dir string, now func() time.Time) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create forge cache %s: %w", dir, err)
	}
	if now == nil {
		now = time.Now
	}
	return &Cache{dir: dir, now: now}, nil
}

// Dir returns the cache directory.
func (c *Cache) Dir() string { return c.dir }

// Entry is one stored answer.
type Entry struct {
	URL          string      `json:"url"`
	Status       int         `json:"status"`
	Header       http.Header `json:"header"`
	Body         []byte      `json:"body"`
	ETag         string      `json:"etag,omitempty"`
	LastModified string      `json:"lastModified,omitempty"`
	StoredAt     time.Time   `json:"storedAt"`
}

// Key names the entry for a request made with token.
func (c *Cache) Key(token string, req *http.Request) string {
	h := sha256.New()
	tok := sha256.Sum256([]byte(token))
	fmt.Fprintf(h, "v1\n%x\n%s\n%s\n%s\n", tok, req.Method, req.URL.String(), req.Header.Get("Accept"))
	return hex.EncodeToString(h.Sum(nil))
}

func (c *Cache) path(key string) string {
	return filepath.Join(c.dir, key[:2], key+".json")
}

// Get returns the entry for key, or nil. A corrupt or oversized entry is
// treated as absent: the cache is an optimisation, never a source of truth.
func (c *Cache) Get(key string) *Entry {
	f, err := os.Open(c.path(key))
	if err != nil {
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxEntrySize+1))
	if err != nil || len(data) > maxEntrySize {
		return nil
	}
	var e Entry
	if err := json.Unmarshal(data, &e); err != nil || e.Status != http.StatusOK || (e.ETag == "" && e.LastModified == "") {
		return nil
	}
	return &e
}

// Put stores a 200 answer that carries a validator. Failing to write is not
// an error for the assessment; the next run simply pays full price.
func (c *Cache) Put(key string, req *http.Request, resp *http.Response, body []byte) {
	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if etag == "" && lm == "" {
		return
	}
	if strings.Contains(strings.ToLower(resp.Header.Get("Cache-Control")), "no-store") {
		return
	}
	h := http.Header{}
	for _, k := range cacheHeaders {
		if v := resp.Header.Values(k); len(v) > 0 {
			h[http.CanonicalHeaderKey(k)] = v
		}
	}
	e := Entry{URL: RedactURL(req.URL.String()), Status: resp.StatusCode, Header: h, Body: body, ETag: etag, LastModified: lm, StoredAt: c.now().UTC()}
	data, err := json.Marshal(e)
	if err != nil {
		return
	}
	p := c.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return
	}
	_ = atomicfile.WriteFile(p, data, 0o600)
}

// Response rebuilds an answer from the entry. fresh, when not nil, are the
// headers of the 304 that revalidated it: their rate-limit counters are
// current, so they win over the stored ones.
func (e *Entry) Response(req *http.Request, fresh http.Header) *http.Response {
	h := e.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	for k, v := range fresh {
		switch http.CanonicalHeaderKey(k) {
		case "Content-Length", "Content-Type", "Link":
			continue
		}
		h[k] = v
	}
	if fresh != nil {
		h.Set("X-Assay-Cache", "revalidated")
	} else {
		h.Set("X-Assay-Cache", "stale")
	}
	return &http.Response{
		Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(bytes.NewReader(e.Body)), ContentLength: int64(len(e.Body)), Request: req,
	}
}
