// Package history measures, from the git history of the lockfiles, how
// long vulnerable component versions stayed pinned after their advisory
// (and so their fix) was published (claim 3.5.1).
package history

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/deps"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/limits"
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

// snapshot is the set of packages one lockfile pinned from a commit on.
type snapshot struct {
	at      time.Time
	commit  string
	blob    plumbing.Hash
	present bool
	pkgs    map[string]deps.Package // key -> package; nil when the file is absent
}

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
	since := lag.Since
	iter, err := in.History.Repository().Log(&git.LogOptions{From: in.History.Head().Hash, Order: git.LogOrderCommitterTime, Since: &since})
	if err != nil {
		return nil, fmt.Errorf("walk history: %w", err)
	}
	var commits []*object.Commit
	err = iter.ForEach(func(c *object.Commit) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if len(commits) >= maxCommits {
			lag.Complete = false
			return errStop
		}
		commits = append(commits, c)
		return nil
	})
	iter.Close()
	if err != nil && !errors.Is(err, errStop) {
		return nil, fmt.Errorf("walk history: %w", err)
	}
	lag.Commits = len(commits)
	slices.Reverse(commits) // oldest first

	parsed := map[plumbing.Hash]map[string]deps.Package{}
	timelines := map[string][]snapshot{}
	for _, c := range commits {
		for _, p := range paths {
			var hash plumbing.Hash
			f, err := c.File(p)
			if err == nil {
				hash = f.Hash
			}
			tl := timelines[p]
			present := err == nil
			if len(tl) > 0 {
				prev := tl[len(tl)-1]
				if prev.present == present && prev.blob == hash {
					continue
				}
			}
			snap := snapshot{at: c.Committer.When, commit: c.Hash.String(), blob: hash, present: present}
			if err == nil {
				pk, ok := parsed[hash]
				if !ok {
					pk = extractBlob(ctx, f, p)
					parsed[hash] = pk
				}
				snap.pkgs = pk
			}
			timelines[p] = append(tl, snap)
		}
	}

	type verKey struct{ eco, name, version string }
	vulnCache := map[verKey][]evidence.Vulnerability{}
	for _, p := range paths {
		tl := timelines[p]
		for i, s := range tl {
			for key, pkg := range s.pkgs {
				// Only start an interval where the version appears.
				if i > 0 && tl[i-1].pkgs != nil {
					if _, had := tl[i-1].pkgs[key]; had {
						continue
					}
				}
				end, endCommit := time.Time{}, ""
				for _, later := range tl[i+1:] {
					if _, still := later.pkgs[key]; !still {
						end, endCommit = later.at, later.commit
						break
					}
				}
				vk := verKey{pkg.Ecosystem, pkg.Name, pkg.Version}
				vs, ok := vulnCache[vk]
				if !ok {
					vs, _ = db.Assess([]evidence.DepPackage{pkg.Evidence()})
					vulnCache[vk] = vs
				}
				for _, v := range vs {
					// The lag runs from the fix's publication to its
					// adoption: an advisory with no fixed version, or no
					// date, has neither.
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
					if s.at.After(from) {
						from = s.at // introduced after the advisory: the lag starts with it
					}
					lag.Samples = append(lag.Samples, evidence.LagSample{
						ID: v.ID, Package: pkg.Name, Version: pkg.Version, Path: p, Severity: v.Severity,
						Published: v.Published, Removed: end, Open: end.IsZero(), Commit: endCommit,
						Days: int(stop.Sub(from).Hours() / 24),
					})
				}
			}
		}
	}
	slices.SortFunc(lag.Samples, func(a, b evidence.LagSample) int {
		if a.Days != b.Days {
			return b.Days - a.Days
		}
		return cmpStr(a.Package+a.Version+a.ID, b.Package+b.Version+b.ID)
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

var errStop = errors.New("stop")

// extractBlob parses one historical revision of a lockfile. Sibling files
// are not available, so formats that consult them (go.sum, parent poms)
// see only this file.
func extractBlob(ctx context.Context, f *object.File, p string) map[string]deps.Package {
	out := map[string]deps.Package{}
	if f.Size > limits.MaxFileSize {
		return out
	}
	r, err := f.Reader()
	if err != nil {
		return out
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, limits.MaxFileSize+1))
	if err != nil || len(data) > limits.MaxFileSize {
		return out
	}
	ex, ok := deps.ExtractorFor(p, int64(len(data)))
	if !ok {
		return out
	}
	pkgs, err := deps.Extract(ctx, ex, nil, p, data)
	if err != nil {
		return out
	}
	for _, pkg := range pkgs {
		out[pkg.Key()] = pkg
	}
	return out
}
