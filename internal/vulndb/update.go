package vulndb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Public locations `assay db update` downloads from by default.
const (
	DefaultOSVBase = "https://osv-vulnerabilities.storage.googleapis.com"
	DefaultKEVURL  = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
	DefaultEPSSURL = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"
)

// Limits on what one update downloads.
const (
	// MaxArchiveDownload caps one OSV all.zip. The largest language
	// ecosystems' archives are a few hundred MiB.
	MaxArchiveDownload = 2 << 30
	// MaxArchiveEntries caps the records of one downloaded archive; the
	// largest ecosystem holds a few hundred thousand.
	MaxArchiveEntries = 2_000_000
	// MaxArchiveExpanded caps the bytes a downloaded archive expands to.
	MaxArchiveExpanded = 32 << 30
	// DefaultRequestTimeout bounds one download; DefaultUpdateTimeout the
	// whole update.
	DefaultRequestTimeout = 15 * time.Minute
	DefaultUpdateTimeout  = time.Hour
)

// osvEcosystems maps the names a user or a lockfile gives an ecosystem
// (lower-cased) to osv.dev's bucket name. Only ecosystems whose packages
// Assay inventories are listed.
var osvEcosystems = map[string]string{
	"crates.io": "crates.io", "cargo": "crates.io", "rust": "crates.io",
	"pypi": "PyPI", "python": "PyPI", "pip": "PyPI",
	"npm": "npm", "javascript": "npm",
	"go": "Go", "golang": "Go",
	"maven": "Maven", "gradle": "Maven", "java": "Maven",
	"packagist": "Packagist", "composer": "Packagist", "php": "Packagist",
	"rubygems": "RubyGems", "gem": "RubyGems", "ruby": "RubyGems",
	"nuget": "NuGet", ".net": "NuGet",
	"pub": "Pub", "dart": "Pub",
	"hex": "Hex", "elixir": "Hex", "erlang": "Hex",
	"swifturl": "SwiftURL", "swift": "SwiftURL",
	"hackage": "Hackage", "haskell": "Hackage",
	"cran":        "CRAN",
	"conancenter": "ConanCenter", "conan": "ConanCenter",
}

// OSVEcosystem returns osv.dev's bucket name for an ecosystem ("cargo",
// "crates.io", "PyPI:3.12" ...), or false when osv.dev publishes no
// archive Assay can use for it.
func OSVEcosystem(eco string) (string, bool) {
	b, ok := osvEcosystems[strings.ToLower(BaseEcosystem(strings.TrimSpace(eco)))]
	return b, ok
}

// UpdateOptions configure an update.
type UpdateOptions struct {
	Ecosystems []string // osv.dev bucket names (see OSVEcosystem)
	OSVBase    string   // base of <base>/<Ecosystem>/all.zip
	KEVURL     string   // "" leaves the KEV catalogue out
	EPSSURL    string   // "" leaves EPSS scores out
	Now        time.Time
	Client     *http.Client // nil: NewHTTPClient()
	// RequestTimeout bounds each download, Timeout the whole update;
	// 0 for the defaults.
	RequestTimeout, Timeout time.Duration
	// Caps, 0 for the defaults above (MaxFeedSize for KEV and EPSS).
	MaxArchive, MaxExpanded int64
	MaxEntries              int
	// Stage is told when a download begins and returns the function that
	// ends it, for a progress line; nil for none.
	Stage func(name string) func()
	// Report is called after each source is imported.
	Report func(SourceMeta, string)
	// UserAgent is sent with every request.
	UserAgent string
}

// Download is the outcome for one URL of an update.
type Download struct {
	URL         string
	Name        string
	Kind        string
	NotModified bool  // the origin answered 304: the previous import stays
	Bytes       int64 // downloaded
}

// UpdateResult is an update's outcome.
type UpdateResult struct {
	Meta      *Meta
	Downloads []Download
	Problems  []Problem
}

type target struct {
	url, name, kind string
	max             int64
}

// NewHTTPClient returns the client updates use: proxies from the
// environment, bounded connection and header waits, and redirects
// followed only within the scheme of the first request (an https mirror
// can never be sent on to plain http), at most five. Each request's
// context bounds the whole exchange.
func NewHTTPClient() *http.Client {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   30 * time.Second,
		ResponseHeaderTimeout: 2 * time.Minute,
		MaxIdleConns:          4,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return fmt.Errorf("more than 5 redirects from %s", via[0].URL.Redacted())
			}
			if req.URL.Scheme != via[0].URL.Scheme {
				return fmt.Errorf("redirect from %s to %s refused: it changes the scheme", via[0].URL.Redacted(), req.URL.Redacted())
			}
			return nil
		},
	}
}

// Update downloads the OSV archives of the given ecosystems, the KEV
// catalogue and the EPSS scores, and imports what changed in one atomic
// step. Each request is conditional on the validators (ETag,
// Last-Modified) recorded by the previous update of the same URL; a 304
// keeps the previous import. Any failed, truncated or oversized download,
// or any download that does not import, fails the whole update and leaves
// the database as it was.
func Update(ctx context.Context, dir string, opts UpdateOptions) (*UpdateResult, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now().UTC()
	}
	targets, err := updateTargets(opts)
	if err != nil {
		return nil, err
	}
	if len(targets) == 0 {
		return nil, errors.New("nothing to download: no ecosystem, KEV or EPSS location given")
	}
	timeout := cmpOr(opts.Timeout, DefaultUpdateTimeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := opts.Client
	if client == nil {
		client = NewHTTPClient()
	}
	if err := os.MkdirAll(filepath.Join(dir, sourcesDir), 0o755); err != nil {
		return nil, fmt.Errorf("create database directory: %w", err)
	}
	unlock, err := lock(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Downloads can outlast the hour after which a lock is taken to be
	// abandoned; keep it fresh while this update runs.
	stop := keepLock(dir)
	defer stop()
	prev, err := ReadMeta(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	// Downloads go below sources/, on the database's file system; the next
	// import collects a directory left by a killed update.
	tmp, err := os.MkdirTemp(filepath.Join(dir, sourcesDir), ".tmp-download-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	res := &UpdateResult{}
	var items []importItem
	confirmed := map[string]bool{}
	for i, t := range targets {
		var before *Fetched
		if prev != nil {
			for _, s := range prev.Sources {
				if s.Origin == t.url && s.Fetched != nil {
					before = s.Fetched
				}
			}
		}
		file := filepath.Join(tmp, fmt.Sprintf("%02d-%s", i, localName(t)))
		f, d, err := fetch(ctx, client, t, before, file, opts)
		if err != nil {
			if ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
				err = fmt.Errorf("%w (the update's limit is %s)", err, timeout)
			}
			return nil, err
		}
		res.Downloads = append(res.Downloads, d)
		if d.NotModified {
			confirmed[t.url] = true
			continue
		}
		items = append(items, importItem{path: file, shown: t.url, kind: t.kind, fetched: f, name: t.name})
	}
	m, problems, err := importLocked(ctx, dir, items, confirmed, ImportOptions{
		Now: opts.Now, Report: opts.Report,
		MaxZipEntries: cmpOr(opts.MaxEntries, MaxArchiveEntries), MaxImportTotal: cmpOr(opts.MaxExpanded, MaxArchiveExpanded),
	})
	res.Problems = problems
	if err != nil {
		return res, err
	}
	res.Meta = m
	return res, nil
}

// keepLock renews the lock's time every few minutes until stopped.
func keepLock(dir string) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(5 * time.Minute)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				_ = os.Chtimes(filepath.Join(dir, "LOCK"), now, now)
			}
		}
	}()
	return func() { close(done) }
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// updateTargets lists the URLs of an update.
func updateTargets(opts UpdateOptions) ([]target, error) {
	var out []target
	base := strings.TrimRight(cmpOr(opts.OSVBase, DefaultOSVBase), "/")
	if len(opts.Ecosystems) > 0 {
		if err := CheckURL(base); err != nil {
			return nil, fmt.Errorf("OSV location: %w", err)
		}
	}
	seen := map[string]bool{}
	for _, e := range opts.Ecosystems {
		if seen[e] {
			continue
		}
		seen[e] = true
		if !isOSVBucket(e) {
			return nil, fmt.Errorf("no osv.dev archive for ecosystem %q", e)
		}
		out = append(out, target{url: base + "/" + url.PathEscape(e) + "/all.zip", name: e + "/all.zip", kind: KindOSV, max: cmpOr(opts.MaxArchive, MaxArchiveDownload)})
	}
	for _, f := range []struct{ u, kind string }{{opts.KEVURL, KindKEV}, {opts.EPSSURL, KindEPSS}} {
		if f.u == "" {
			continue
		}
		if err := CheckURL(f.u); err != nil {
			return nil, fmt.Errorf("%s location: %w", strings.ToUpper(f.kind), err)
		}
		name := path.Base(f.u)
		if u, err := url.Parse(f.u); err == nil && path.Base(u.Path) != "" && path.Base(u.Path) != "/" {
			name = path.Base(u.Path)
		}
		out = append(out, target{url: f.u, name: name, kind: f.kind, max: min(cmpOr(opts.MaxArchive, MaxFeedSize), MaxFeedSize)})
	}
	return out, nil
}

// OSVEcosystems returns osv.dev's bucket names Assay downloads, sorted.
func OSVEcosystems() []string {
	var out []string
	for _, v := range osvEcosystems {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// isOSVBucket reports whether name is one of osv.dev's bucket names.
func isOSVBucket(name string) bool {
	for _, v := range osvEcosystems {
		if v == name {
			return true
		}
	}
	return false
}

// CheckURL accepts absolute http and https URLs only: a file: or other
// scheme would read local files or reach other services.
func CheckURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", s)
	}
	return nil
}

// localName is the temporary file's name: its suffix tells the importer
// what it holds.
func localName(t target) string {
	switch t.kind {
	case KindOSV:
		return "all.zip"
	case KindKEV:
		return "kev.json"
	}
	if strings.HasSuffix(strings.ToLower(t.name), ".gz") {
		return "epss.csv.gz"
	}
	return "epss.csv"
}

// fetch downloads one target into file, conditionally on before.
func fetch(ctx context.Context, client *http.Client, t target, before *Fetched, file string, opts UpdateOptions) (*Fetched, Download, error) {
	d := Download{URL: t.url, Name: t.name, Kind: t.kind}
	rctx, cancel := context.WithTimeout(ctx, cmpOr(opts.RequestTimeout, DefaultRequestTimeout))
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, t.url, nil)
	if err != nil {
		return nil, d, fmt.Errorf("download %s: %w", t.url, err)
	}
	req.Header.Set("User-Agent", cmpOr(opts.UserAgent, "assay"))
	if before != nil {
		if before.ETag != "" {
			req.Header.Set("If-None-Match", before.ETag)
		}
		if before.LastModified != "" {
			req.Header.Set("If-Modified-Since", before.LastModified)
		}
	}
	if opts.Stage != nil {
		defer opts.Stage("downloading " + t.name)()
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, d, fmt.Errorf("download %s: %w", t.url, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && before != nil:
		d.NotModified = true
		return before, d, nil
	case resp.StatusCode != http.StatusOK:
		return nil, d, fmt.Errorf("download %s: %s", t.url, resp.Status)
	}
	if resp.ContentLength > t.max {
		return nil, d, fmt.Errorf("download %s: %d bytes, more than the %d byte limit", t.url, resp.ContentLength, t.max)
	}
	out, err := os.OpenFile(file, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, d, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(resp.Body, t.max+1))
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	d.Bytes = n
	switch {
	case err != nil:
		// A body cut short of its Content-Length ends here, as
		// io.ErrUnexpectedEOF.
		return nil, d, fmt.Errorf("download %s: truncated after %d bytes: %w", t.url, n, err)
	case n > t.max:
		return nil, d, fmt.Errorf("download %s: more than the %d byte limit", t.url, t.max)
	case resp.ContentLength >= 0 && n != resp.ContentLength:
		return nil, d, fmt.Errorf("download %s: truncated: %d of %d bytes", t.url, n, resp.ContentLength)
	}
	f := &Fetched{URL: t.url, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"), SHA256: hex.EncodeToString(h.Sum(nil)), Bytes: n}
	return f, d, nil
}
