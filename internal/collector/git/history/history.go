// Package history walks the git history of HEAD, read-only and bounded (a
// window of time and a commit cap), and records how commits are signed,
// what evidence of review they carry, and how changes to CI definitions and
// build files arrived: through merges and pull or merge requests, or pushed
// directly. It reads objects with go-git; no git process or hook ever runs.
package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"golang.org/x/crypto/ssh"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/sign"
)

// Name of the collector.
const Name = "git/history"

// DefaultWindow is how far back history is read when no window is given.
const DefaultWindow = 365 * 24 * time.Hour

// maxSamples bounds the direct build changes listed individually.
const maxSamples = 10

// maxTags bounds the tags read.
const maxTags = 2000

// Collector walks history.
type Collector struct{ cfg *config.Config }

// New returns the collector reading the declaration cfg (the commit
// signers); nil is an empty declaration.
func New(cfg *config.Config) collector.Collector {
	if cfg == nil {
		cfg = &config.Config{}
	}
	return Collector{cfg: cfg}
}

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind {
	return []evidence.Kind{evidence.KindHistory, evidence.KindBuildChanges, evidence.KindToolingBumps, evidence.KindUpdateBotHistory, evidence.KindOwnSecurityFixes,
		evidence.KindSecurityFix, evidence.KindHistoryWalked}
}

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{History: true} }

// WatchedRoot are build files at the root of the tree whose changes are
// counted; WatchedGitHub are entries of .github/.
var (
	WatchedRoot = []string{
		".gitlab-ci.yml", ".gitlab", ".circleci", "Jenkinsfile", "azure-pipelines.yml", ".travis.yml", "bitbucket-pipelines.yml",
		"Makefile", "GNUmakefile", "Dockerfile", "Containerfile", ".goreleaser.yml", ".goreleaser.yaml", "goreleaser.yml", "goreleaser.yaml",
		"CODEOWNERS", ".pre-commit-config.yaml", "justfile", "Taskfile.yml", "build.gradle", "build.gradle.kts", "pom.xml", ".clusterfuzzlite",
	}
	WatchedGitHub = []string{"workflows", "actions", "CODEOWNERS", "dependabot.yml", "dependabot.yaml", "renovate.json", "renovate.json5"}
)

// Collect implements collector.Collector.
func (c Collector) Collect(ctx context.Context, in *collector.Input) ([]evidence.Record, error) {
	h := in.History
	head := h.Head()
	loc := evidence.Location{Path: ".git", Commit: h.HeadHash()}
	max := in.Options.HistoryMaxCommits
	if max <= 0 {
		max = limits.MaxHistoryCommits
	}
	window := in.Options.HistoryWindow
	if window <= 0 {
		window = DefaultWindow
	}
	since := in.Now.Add(-window)
	keys := loadKeys(in, c.cfg)
	w := &walker{repo: h.Repository().Storer, max: max, since: since, keys: keys}
	if head != nil {
		if err := w.walk(ctx, head); err != nil {
			return nil, fmt.Errorf("walk history: %w", err)
		}
	}
	w.sum.Since, w.sum.MaxCommits = since, max
	w.sum.VerifyKeys = keys.count()
	w.sum.VerifyErrors = keys.errs
	tags, tagErr := h.Tags(maxTags)
	if tagErr == nil {
		for _, t := range tags {
			if t.Date.Before(since) {
				continue
			}
			w.sum.Tags++
			if t.Signed {
				w.sum.SignedTags++
			}
		}
	}
	w.sum.Authors = len(w.authors)
	w.build.Paths = watchedPaths()
	for email, n := range w.buildAuthors {
		w.build.Authors = append(w.build.Authors, evidence.AuthorCount{Email: email, Changes: n})
	}
	sort.Slice(w.build.Authors, func(i, j int) bool {
		a, b := w.build.Authors[i], w.build.Authors[j]
		if a.Changes != b.Changes {
			return a.Changes > b.Changes
		}
		return a.Email < b.Email
	})
	w.bumps.Since, w.bumps.Walked, w.bumps.Truncated = since, w.sum.Walked, w.sum.Truncated
	out := []evidence.Record{
		{Fact: w.sum, Provenance: in.Provenance(Name, loc, "")},
		{Fact: w.build, Provenance: in.Provenance(Name, loc, "")},
		{Fact: w.bumps, Provenance: in.Provenance(Name, loc, "")},
	}
	// One message-only pass over every reachable commit, capped, feeds the
	// update-bot history, the security fixes and the vulnerability ids
	// named on the assessed line; tag ancestry is answered from the graph
	// it builds.
	if head != nil {
		sc, err := scanAll(ctx, h, max*DeepFactor)
		if err != nil {
			return nil, err
		}
		out = append(out,
			evidence.Record{Fact: sc.botHistory(), Provenance: in.Provenance(Name, loc, "")},
			evidence.Record{Fact: sc.ownFixes(tags, readChangelogs(in.Tree), head.Hash), Provenance: in.Provenance(Name, loc, "")},
		)
		named, walked := sc.securityFixes(head.Hash)
		for _, f := range named {
			out = append(out, evidence.Record{Fact: f, Provenance: in.Provenance(Name, evidence.Location{Commit: f.Commit}, "")})
		}
		out = append(out, evidence.Record{Fact: walked, Provenance: in.Provenance(Name, evidence.Location{}, "")})
	}
	return out, nil
}

func watchedPaths() []string {
	out := slices.Clone(WatchedRoot)
	for _, g := range WatchedGitHub {
		out = append(out, ".github/"+g)
	}
	return out
}

// walker holds the state of one walk.
type walker struct {
	repo         storer.EncodedObjectStorer
	max          int
	since        time.Time
	keys         *keys
	sum          evidence.History
	build        evidence.BuildChanges
	bumps        evidence.ToolingBumps
	authors      map[string]bool
	buildAuthors map[string]int
}

var (
	forgeMerge = lazyre.New(`(?m)^Merge pull request #\d+|^See merge request \S+!\d+|\(#\d+\)\s*$|^Merged-by:|^Merged in \S+ \(pull request #\d+\)`)
	trailer    = lazyre.New(`(?mi)^(?:Reviewed-by|Approved-by|Acked-by|Reviewed-on|Co-reviewed-by):\s*\S`)
)

// walk follows first parents from head. Commits dated before the window
// end the walk; the first-parent line is close to date order, and a stray
// old date only shortens the window, never reads past the cap.
func (w *walker) walk(ctx context.Context, head *object.Commit) error {
	w.authors = map[string]bool{}
	w.buildAuthors = map[string]int{}
	c := head
	cur, err := watched(w.repo, c)
	if err != nil {
		return err
	}
	for c != nil {
		if err := ctx.Err(); err != nil {
			return err
		}
		if w.sum.Walked >= w.max {
			w.sum.Truncated = true
			return nil
		}
		when := c.Committer.When
		if when.Before(w.since) {
			return nil
		}
		w.sum.Walked++
		w.sum.FirstParent++
		if w.sum.Newest.IsZero() || when.After(w.sum.Newest) {
			w.sum.Newest = when
		}
		if w.sum.Oldest.IsZero() || when.Before(w.sum.Oldest) {
			w.sum.Oldest = when
		}
		w.authors[strings.ToLower(c.Author.Email)] = true
		w.signature(c)
		forge := forgeMerge.MatchString(c.Message)
		if trailer.MatchString(c.Message) {
			w.sum.ReviewTrailers++
		}
		merge := len(c.ParentHashes) > 1
		if merge {
			w.sum.Merges++
			if forge {
				w.sum.ForgeMerges++
			}
			if second, err := object.GetCommit(w.repo, c.ParentHashes[1]); err == nil {
				if !strings.EqualFold(second.Author.Email, c.Committer.Email) {
					w.sum.MergesOtherCommitter++
				}
			}
		} else if forge {
			w.sum.ForgeMerges++
		}

		var parent *object.Commit
		var prev map[string]plumbing.Hash
		if len(c.ParentHashes) > 0 {
			parent, err = object.GetCommit(w.repo, c.ParentHashes[0])
			if err != nil {
				if errors.Is(err, plumbing.ErrObjectNotFound) {
					parent = nil // shallow clone: history ends here
				} else {
					return fmt.Errorf("read parent of %s: %w", c.Hash, err)
				}
			}
			if parent != nil {
				if prev, err = watched(w.repo, parent); err != nil {
					return err
				}
			}
		}
		all := diff(cur, prev)
		if len(all) > 0 {
			if ch := toolingChanges(w.repo, cur, prev, all); len(ch) > 0 {
				w.bumps.Bumps = append(w.bumps.Bumps, evidence.ToolingBump{
					Commit: c.Hash.String(), When: c.Committer.When.UTC(), Author: c.Author.Email, Changes: ch,
				})
			}
		}
		if changed := slices.DeleteFunc(all, func(k string) bool { return !isBuildWatched(k) }); len(changed) > 0 {
			w.build.Total++
			w.buildAuthors[strings.ToLower(c.Author.Email)]++
			switch {
			case merge:
				w.build.Merged++
			case forge:
				w.build.ViaPR++
			default:
				w.build.Direct++
				if len(w.build.DirectSamples) < maxSamples {
					w.build.DirectSamples = append(w.build.DirectSamples, evidence.BuildChange{
						Commit: c.Hash.String(), Author: c.Author.Email, When: c.Author.When.UTC(), Paths: changed,
					})
				}
			}
		}
		c, cur = parent, prev
	}
	return nil
}

func (w *walker) signature(c *object.Commit) {
	sig := c.PGPSignature
	if sig == "" {
		return
	}
	w.sum.Signed++
	switch {
	case strings.Contains(sig, "BEGIN SSH SIGNATURE"):
		w.sum.SignedSSH++
	case strings.Contains(sig, "BEGIN PGP SIGNATURE"):
		w.sum.SignedOpenPGP++
	default:
		w.sum.SignedX509++
	}
	if w.keys.count() > 0 && w.keys.verify(c) {
		w.sum.Verified++
	}
}

// watched returns the hashes of the watched entries of a commit's tree.
// Only the root tree and .github/ are decoded, so the cost per commit is
// two small objects however large the tree is.
func watched(s storer.EncodedObjectStorer, c *object.Commit) (map[string]plumbing.Hash, error) {
	t, err := object.GetTree(s, c.TreeHash)
	if err != nil {
		return nil, fmt.Errorf("read tree of %s: %w", c.Hash, err)
	}
	out := map[string]plumbing.Hash{}
	for _, e := range t.Entries {
		if slices.Contains(WatchedRoot, e.Name) || toolingEntry(e) {
			out[e.Name] = e.Hash
		}
		if e.Name == ".github" && e.Mode == filemode.Dir {
			gh, err := object.GetTree(s, e.Hash)
			if err != nil {
				continue
			}
			for _, g := range gh.Entries {
				if slices.Contains(WatchedGitHub, g.Name) {
					out[".github/"+g.Name] = g.Hash
				}
			}
		}
	}
	return out, nil
}

func diff(cur, prev map[string]plumbing.Hash) []string {
	var out []string
	for k, v := range cur {
		if prev[k] != v {
			out = append(out, k)
		}
	}
	for k := range prev {
		if _, ok := cur[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// keys are the vendor's declared signing keys.
type keys struct {
	allowed *sign.AllowedSigners
	ssh     []ssh.PublicKey
	pgp     []string // armored key rings
	errs    []string
}

func (k *keys) count() int {
	n := len(k.ssh) + len(k.pgp)
	if k.allowed != nil {
		n += len(k.allowed.Entries())
	}
	return n
}

// allowedSignersFiles are conventional places for a repository's
// allowed_signers file.
var allowedSignersFiles = []string{".github/allowed_signers", "allowed_signers", ".allowed_signers", ".gitsigners"}

func loadKeys(in *collector.Input, cfg *config.Config) *keys {
	k := &keys{}
	var cs = cfg.CommitSigners
	path := ""
	if cs != nil && cs.AllowedSigners != "" {
		path = cs.AllowedSigners
	} else if cfg.AllowedSigners != "" {
		path = cfg.AllowedSigners
	} else {
		for _, p := range allowedSignersFiles {
			if in.Tree.Exists(p) {
				path = p
				break
			}
		}
	}
	if path != "" {
		data, err := in.Tree.ReadFile(path, sign.MaxAllowedSignersSize)
		if err == nil {
			k.allowed, err = sign.ParseAllowedSigners(data)
		}
		if err != nil {
			k.errs = append(k.errs, fmt.Sprintf("%s: %v", path, err))
		}
	}
	if cs != nil {
		for i, s := range cs.SSHKeys {
			pk, _, _, _, err := ssh.ParseAuthorizedKey([]byte(s))
			if err != nil {
				k.errs = append(k.errs, fmt.Sprintf("commit_signers.ssh_keys[%d]: %v", i, err))
				continue
			}
			k.ssh = append(k.ssh, pk)
		}
		for _, p := range cs.PGPKeys {
			data, err := in.Tree.ReadFile(p, limits.MaxSmallFileSize)
			if err != nil {
				k.errs = append(k.errs, fmt.Sprintf("%s: %v", p, err))
				continue
			}
			k.pgp = append(k.pgp, string(data))
		}
	}
	return k
}

// verify checks a commit's signature against the declared keys.
func (k *keys) verify(c *object.Commit) bool {
	sig := c.PGPSignature
	if strings.Contains(sig, "BEGIN SSH SIGNATURE") {
		msg, err := unsigned(c)
		if err != nil {
			return false
		}
		key, err := sign.VerifyKey(msg, []byte(sig), "git")
		if err != nil {
			return false
		}
		if k.allowed != nil && len(k.allowed.Principals(key)) > 0 {
			return true
		}
		for _, pk := range k.ssh {
			if bytes.Equal(pk.Marshal(), key.Marshal()) {
				return true
			}
		}
		return false
	}
	for _, ring := range k.pgp {
		if _, err := c.Verify(ring); err == nil {
			return true
		}
	}
	return false
}

// unsigned returns the commit object as it was signed: without its gpgsig.
func unsigned(c *object.Commit) ([]byte, error) {
	o := &plumbing.MemoryObject{}
	if err := c.EncodeWithoutSignature(o); err != nil {
		return nil, err
	}
	r, err := o.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, 16<<20))
}
