package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/assaysec/assay/internal/fleet"
	"github.com/assaysec/assay/internal/report"
)

// GitCache clones and fetches repositories registered by URL into a
// bounded directory, with go-git only: no git binary, so no hooks, no
// filters, no credential helpers; submodules are never fetched. Only https
// remotes are accepted, without credentials, and the connection refuses
// loopback, private and link-local addresses (checked on the address
// actually dialled, so redirects and DNS answers cannot reach them) unless
// AllowPrivate is set.
type GitCache struct {
	Dir           string
	MaxRepoBytes  int64         // one checkout; default 1 GiB
	MaxTotalBytes int64         // the whole cache, least recently used evicted; default 10 GiB
	Timeout       time.Duration // one clone or fetch; default 10 minutes
	AllowPrivate  bool

	allowFile bool // tests: file:// remotes served in process
	mu        sync.Mutex
	locks     map[string]*sync.Mutex
}

// maxURL bounds a remote URL's length.
const maxURL = 2048

// errRefusedAddress is returned by the dialer for addresses it will not reach.
var errRefusedAddress = errors.New("refusing to connect to a loopback, private or link-local address")

var installHTTPS sync.Once

// safeDialer refuses addresses in the ranges a server must not be made to
// reach on a user's behalf.
func safeDialer(allowPrivate bool) *net.Dialer {
	return &net.Dialer{Timeout: 30 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip := net.ParseIP(host)
		if ip == nil || (!allowPrivate && !publicIP(ip)) {
			return fmt.Errorf("%s: %w", address, errRefusedAddress)
		}
		return nil
	}}
}

func publicIP(ip net.IP) bool {
	return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast())
}

// install makes go-git's https transport use the safe dialer. go-git keeps
// transports in a process-wide table; nothing else in Assay clones.
func (c *GitCache) install() {
	installHTTPS.Do(func() {
		tr := &http.Transport{
			DialContext:           safeDialer(c.AllowPrivate).DialContext,
			TLSHandshakeTimeout:   30 * time.Second,
			ResponseHeaderTimeout: 60 * time.Second,
			MaxIdleConns:          4,
		}
		hc := &http.Client{Transport: tr, CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 || req.URL.Scheme != "https" {
				return errors.New("redirect refused")
			}
			return nil
		}}
		client.InstallProtocol("https", githttp.NewClient(hc))
	})
}

// IsRemote reports whether a repository source is a URL rather than a path.
func IsRemote(src string) bool { return strings.Contains(src, "://") || strings.HasPrefix(src, "git@") }

// CheckURL validates a remote and returns its canonical form.
func (c *GitCache) CheckURL(raw string) (string, error) {
	if len(raw) > maxURL {
		return "", fmt.Errorf("url: longer than %d bytes", maxURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("url: not a valid URL")
	}
	if u.Scheme == "file" && c.allowFile {
		return u.String(), nil
	}
	switch {
	case u.Scheme != "https":
		return "", errors.New("url: only https:// remotes are accepted")
	case u.User != nil:
		return "", errors.New("url: must not carry credentials; only public repositories can be cloned")
	case u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "":
		return "", errors.New("url: want https://HOST/PATH without query or fragment")
	}
	if ip := net.ParseIP(u.Hostname()); ip != nil && !c.AllowPrivate && !publicIP(ip) {
		return "", fmt.Errorf("url: %w", errRefusedAddress)
	}
	u.Host = strings.ToLower(u.Host)
	return u.String(), nil
}

func (c *GitCache) defaults() {
	if c.MaxRepoBytes <= 0 {
		c.MaxRepoBytes = 1 << 30
	}
	if c.MaxTotalBytes <= 0 {
		c.MaxTotalBytes = 10 << 30
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Minute
	}
}

func (c *GitCache) lock(key string) *sync.Mutex {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.locks == nil {
		c.locks = map[string]*sync.Mutex{}
	}
	m, ok := c.locks[key]
	if !ok {
		m = &sync.Mutex{}
		c.locks[key] = m
	}
	return m
}

// Sync clones remote into the cache, or fetches it and checks out the
// remote's default branch, and returns the checkout's directory.
func (c *GitCache) Sync(ctx context.Context, remote string) (string, error) {
	c.defaults()
	c.install()
	remote, err := c.CheckURL(remote)
	if err != nil {
		return "", fleet.Permanent(err)
	}
	sum := sha256.Sum256([]byte(remote))
	key := hex.EncodeToString(sum[:16])
	m := c.lock(key)
	m.Lock()
	defer m.Unlock()
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return "", fmt.Errorf("git cache: %w", err)
	}
	dir := filepath.Join(c.Dir, key)
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	// A watchdog cancels the transfer once the checkout outgrows its limit.
	var over error
	var overMu sync.Mutex
	watch, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go func() {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-watch.Done():
				return
			case <-t.C:
				if n := dirSize(dir, c.MaxRepoBytes); n > c.MaxRepoBytes {
					overMu.Lock()
					over = fmt.Errorf("git cache: %s is larger than the limit of %d bytes", remote, c.MaxRepoBytes)
					overMu.Unlock()
					cancel()
					return
				}
			}
		}
	}()
	err = c.cloneOrFetch(ctx, dir, remote)
	stopWatch()
	overMu.Lock()
	tooBig := over
	overMu.Unlock()
	if tooBig == nil && dirSize(dir, c.MaxRepoBytes) > c.MaxRepoBytes {
		tooBig = fmt.Errorf("git cache: %s is larger than the limit of %d bytes", remote, c.MaxRepoBytes)
	}
	if tooBig != nil {
		os.RemoveAll(dir)
		return "", fleet.Permanent(tooBig)
	}
	if err != nil {
		if errors.Is(err, errRefusedAddress) {
			return "", fleet.Permanent(err)
		}
		return "", err
	}
	now := time.Now()
	_ = os.Chtimes(dir, now, now) // recency for eviction
	c.evict(key)
	return dir, nil
}

func (c *GitCache) cloneOrFetch(ctx context.Context, dir, remote string) error {
	repo, err := git.PlainOpen(dir)
	if err != nil {
		os.RemoveAll(dir)
		_, err = git.PlainCloneContext(ctx, dir, false, &git.CloneOptions{
			URL: remote, RemoteName: "origin", Tags: git.AllTags, RecurseSubmodules: git.NoRecurseSubmodules,
		})
		if err != nil {
			os.RemoveAll(dir)
			return fmt.Errorf("clone %s: %w", remote, err)
		}
		return nil
	}
	err = repo.FetchContext(ctx, &git.FetchOptions{RemoteName: "origin", Tags: git.AllTags, Force: true})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return fmt.Errorf("fetch %s: %w", remote, err)
	}
	head, err := repo.Head()
	if err != nil {
		return fmt.Errorf("fetch %s: %w", remote, err)
	}
	target, err := repo.Reference(plumbing.NewRemoteReferenceName("origin", head.Name().Short()), true)
	if err != nil {
		return fmt.Errorf("fetch %s: the branch %s is gone from the remote: %w", remote, head.Name().Short(), err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return fmt.Errorf("fetch %s: %w", remote, err)
	}
	if err := wt.Reset(&git.ResetOptions{Commit: target.Hash(), Mode: git.HardReset}); err != nil {
		return fmt.Errorf("check out %s: %w", remote, err)
	}
	return nil
}

// dirSize adds up file sizes under dir, stopping once past limit.
func dirSize(dir string, limit int64) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil //nolint:nilerr // files vanish while git writes; count what is there
		}
		if d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		if n > limit {
			return filepath.SkipAll
		}
		return nil
	})
	return n
}

// evict removes the least recently synced checkouts, never keep, until the
// cache fits its limit.
func (c *GitCache) evict(keep string) {
	entries, err := os.ReadDir(c.Dir)
	if err != nil {
		return
	}
	type entry struct {
		name string
		at   time.Time
		size int64
	}
	var all []entry
	var total int64
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !e.IsDir() {
			continue
		}
		sz := dirSize(filepath.Join(c.Dir, e.Name()), c.MaxTotalBytes)
		total += sz
		all = append(all, entry{e.Name(), info.ModTime(), sz})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].at.Before(all[j].at) })
	for _, e := range all {
		if total <= c.MaxTotalBytes {
			return
		}
		if e.name == keep {
			continue
		}
		m := c.lock(e.name)
		if m.TryLock() {
			os.RemoveAll(filepath.Join(c.Dir, e.name))
			m.Unlock()
			total -= e.size
		}
	}
}

// Resolve is a fleet.WorkOptions.Resolve: a URL is synced into the cache
// and its checkout returned; a path is returned unchanged.
func (c *GitCache) Resolve(ctx context.Context, path string) (string, error) {
	if !IsRemote(path) {
		return path, nil
	}
	return c.Sync(ctx, path)
}

// Assessor wraps inner so that URL repositories are synced into the cache
// and assessed there; paths go straight to inner.
func (c *GitCache) Assessor(inner fleet.Assessor) fleet.Assessor {
	return func(ctx context.Context, path string) (*report.Report, error) {
		if !IsRemote(path) {
			return inner(ctx, path)
		}
		dir, err := c.Sync(ctx, path)
		if err != nil {
			return nil, err
		}
		rep, err := inner(ctx, dir)
		if rep != nil {
			rep.Subject.Path = path
		}
		return rep, err
	}
}
