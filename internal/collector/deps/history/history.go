// Package history measures, from the git history of the lockfiles, how
// long vulnerable component versions stayed pinned after their advisory
// (and so their fix) was published (claim 3.5.1).
package history

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/google/osv-scalibr/extractor/filesystem"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/deps"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/vulndb"
)

// Name of the collector.
const Name = "deps/history"

// MaxPaths caps the lockfiles followed through history.
const MaxPaths = 50

// Collector walks lockfile history.
type Collector struct{}

// New returns the collector.
func New() collector.Collector { return Collector{} }

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind { return []evidence.Kind{evidence.KindRemediationLag} }

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{History: true} }

// Collect implements collector.Collector.
func (Collector) Collect(ctx context.Context, in *collector.Input) ([]evidence.Record, error) {
	window := in.Options.HistoryWindow
	if window == 0 {
		window = 365 * 24 * time.Hour
	}
	maxCommits := in.Options.HistoryMaxCommits
	if maxCommits == 0 {
		maxCommits = limits.MaxHistoryCommits
	}
	lag := evidence.RemediationLag{Since: in.Now.Add(-window), Complete: true}
	emit := func() ([]evidence.Record, error) {
		return []evidence.Record{{Fact: lag, Provenance: in.Provenance(Name, evidence.Location{Commit: in.History.HeadHash()}, "")}}, nil
	}
	if in.History == nil || in.History.Head() == nil {
		lag.Note = "the repository has no commits"
		return emit()
	}
	dir := in.Options.DBDir
	if dir == "" {
		d, err := vulndb.DefaultDir()
		if err != nil {
			lag.Note = err.Error()
			return emit()
		}
		dir = d
	}
	db, err := vulndb.Open(dir)
	if err != nil {
		lag.Note = "no vulnerability database to date the advisories: " + err.Error()
		return emit()
	}
	defer db.Close()

	var paths []string
	for _, f := range deps.ScanCached(ctx, in.Tree).Files {
		if f.Lockfile && f.Err == "" && len(paths) < MaxPaths {
			paths = append(paths, f.Path)
		}
	}
	if len(paths) == 0 {
		lag.Note = "no lockfiles to follow through history"
		return emit()
	}
	head, err := in.History.UnsignedHead()
	if err != nil {
		return nil, fmt.Errorf("walk history: %w", err)
	}
	refs, complete, err := windowCommits(ctx, head, lag.Since, maxCommits)
	if err != nil {
		return nil, fmt.Errorf("walk history: %w", err)
	}
	if !complete {
		lag.Complete = false
	}
	lag.Commits = len(refs)
	slices.Reverse(refs) // oldest first

	// Each lockfile's revisions are followed oldest first, holding only
	// the packages of the revision before: a version's interval opens
	// where it appears and closes at the first revision without it.
	st := in.History.Repository().Storer
	type verKey struct{ eco, name, version string }
	vulnCache := map[verKey][]evidence.Vulnerability{}
	type opened struct {
		pkg deps.Package
		at  time.Time
	}
	sample := func(p string, o opened, end time.Time, endCommit string) {
		pkg := o.pkg
		if pkg.Floor {
			return // a minimum version is not what the build used, so it had no lag
		}
		vk := verKey{pkg.Ecosystem, pkg.Name, pkg.Version}
		vs, ok := vulnCache[vk]
		if !ok {
			vs, _ = db.Assess([]evidence.DepPackage{pkg.Evidence()})
			vulnCache[vk] = vs
		}
		for _, v := range vs {
			// The lag runs from the fix's publication to its adoption: an
			// advisory with no fixed version, or no date, has neither.
			if v.Informational != "" && v.Severity == "" || v.Published.IsZero() || len(v.Fixed) == 0 {
				continue
			}
			stop := end
			if stop.IsZero() {
				stop = in.Now
			}
			if !stop.After(v.Published) {
				continue // replaced before the advisory existed
			}
			from := v.Published
			if o.at.After(from) {
				from = o.at // introduced after the advisory: the lag starts with it
			}
			lag.Samples = append(lag.Samples, evidence.LagSample{
				ID: v.ID, Package: pkg.Name, Version: pkg.Version, Path: p, Severity: v.Severity,
				Published: v.Published, Removed: end, Open: end.IsZero(), Commit: endCommit,
				Days: int(stop.Sub(from).Hours() / 24),
			})
		}
	}
	for _, p := range paths {
		if ctx.Err() != nil {
			break
		}
		open := map[string]opened{}
		first := true
		var prevBlob plumbing.Hash
		prevPresent := false
		for _, c := range refs {
			hash, present := fileAt(st, c.tree, p)
			if !first && prevPresent == present && prevBlob == hash {
				continue
			}
			first, prevBlob, prevPresent = false, hash, present
			var pkgs map[string]deps.Package
			if present {
				pkgs = readRevision(ctx, st, hash, p)
			}
			for _, key := range sortedKeys(open) {
				if _, still := pkgs[key]; !still {
					sample(p, open[key], c.when, c.hash.String())
					delete(open, key)
				}
			}
			for _, key := range sortedKeys(pkgs) {
				if _, had := open[key]; !had {
					open[key] = opened{pkg: pkgs[key], at: c.when}
				}
			}
		}
		for _, key := range sortedKeys(open) {
			sample(p, open[key], time.Time{}, "")
		}
	}
	slices.SortFunc(lag.Samples, func(a, b evidence.LagSample) int {
		if a.Days != b.Days {
			return b.Days - a.Days
		}
		if c := cmpStr(a.Package+a.Version+a.ID, b.Package+b.Version+b.ID); c != 0 {
			return c
		}
		if c := cmpStr(a.Path, b.Path); c != 0 {
			return c
		}
		return a.Published.Compare(b.Published)
	})
	if len(lag.Samples) > limits.MaxFindingsPerRule {
		lag.Samples = lag.Samples[:limits.MaxFindingsPerRule]
		lag.Complete = false
	}
	return emit()
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// readRevision parses one historical revision of a lockfile: go.mod
// through the line scanner and package-lock.json without line lookups,
// anything else (or a revision those readers do not fully understand) by
// full extraction. Sibling files are not available, so
// formats that consult them (go.sum, parent poms) see only this file.
func readRevision(ctx context.Context, st storer.EncodedObjectStorer, h plumbing.Hash, p string) map[string]deps.Package {
	out := map[string]deps.Package{}
	blob, err := object.GetBlob(st, h)
	if err != nil || blob.Size > limits.MaxFileSize {
		return out
	}
	r, err := blob.Reader()
	if err != nil {
		return out
	}
	defer r.Close()
	data, err := source.ReadAllSized(io.LimitReader(r, limits.MaxFileSize+1), blob.Size)
	if err != nil || len(data) > limits.MaxFileSize {
		return out
	}
	ex, ok := deps.ExtractorFor(p, int64(len(data)))
	if !ok {
		return out
	}
	switch {
	case path.Base(p) == "go.mod":
		if pkgs, ok := goModPins(p, data); ok {
			return pkgs
		}
	case ex.Name() == "javascript/packagelockjson":
		if pkgs, ok := npmLockPins(p, data); ok {
			return pkgs
		}
	}
	return extractData(ctx, ex, p, data)
}

// extractData is full extraction of one revision.
func extractData(ctx context.Context, ex filesystem.Extractor, p string, data []byte) map[string]deps.Package {
	out := map[string]deps.Package{}
	pkgs, err := deps.Extract(ctx, ex, nil, p, data)
	if err != nil {
		return out
	}
	for _, pkg := range pkgs {
		out[pkg.Key()] = pkg
	}
	return out
}

// fileAt resolves a path in a tree: the blob's hash, and whether the path
// names a file there (a directory or submodule is no file).
func fileAt(st storer.EncodedObjectStorer, tree plumbing.Hash, p string) (plumbing.Hash, bool) {
	t, err := object.GetTree(st, tree)
	if err != nil {
		return plumbing.ZeroHash, false
	}
	e, err := t.FindEntry(p)
	if err != nil || e.Mode == filemode.Dir || e.Mode == filemode.Submodule {
		return plumbing.ZeroHash, false
	}
	return e.Hash, true
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// commitRef is what the walk keeps of a commit.
type commitRef struct {
	hash plumbing.Hash
	tree plumbing.Hash
	when time.Time
}

// windowCommits lists the commits reachable from head whose committer time
// is not before since, newest first, at most max (complete is false when
// the cap cut the list). The walk is go-git's committer-time order (the
// order git log --date-order gives, ties included) and stops at the
// window's edge: the first commit older than since ends it, so the cost
// follows the window, not the whole history. Only hash, tree and time are
// kept of each commit.
func windowCommits(ctx context.Context, head *object.Commit, since time.Time, max int) ([]commitRef, bool, error) {
	iter := object.NewCommitIterCTime(head, nil, nil)
	defer iter.Close()
	var out []commitRef
	for {
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		c, err := iter.Next()
		if errors.Is(err, io.EOF) {
			return out, true, nil
		}
		if err != nil {
			return nil, false, err
		}
		if c.Committer.When.Before(since) {
			return out, true, nil
		}
		if len(out) >= max {
			return out, false, nil
		}
		out = append(out, commitRef{hash: c.Hash, tree: c.TreeHash, when: c.Committer.When})
	}
}
