// Package engine runs an assessment: it opens the sources, runs the
// collectors (each with a timeout, a panic guard and its requirements
// checked), runs the rules over the evidence, evaluates claims and
// principles, and assembles the report. It is the only package that knows the
// whole pipeline; every stage it calls is ignorant of the others.
package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/catalog"
	"github.com/assaysec/assay/internal/collector"
	collectorlist "github.com/assaysec/assay/internal/collector/list"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/customrule"
	"github.com/assaysec/assay/internal/evaluate"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/forge"
	"github.com/assaysec/assay/internal/framework"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/mapping"
	"github.com/assaysec/assay/internal/progress"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/rule"
	rulelist "github.com/assaysec/assay/internal/rule/list"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/version"
)

// Sentinel errors, mapped to exit codes by the CLI.
var (
	// ErrUsage marks a problem with the options or the declaration.
	ErrUsage = errors.New("usage error")
	// ErrIncomplete marks an assessment that could not finish.
	ErrIncomplete = errors.New("assessment could not finish")
)

// Options configure one assessment. The CLI and any server build the same
// struct and call the same Validate.
type Options struct {
	Path          string    // directory to assess
	ConfigPath    string    // assay.yaml; "" means Path/assay.yaml when present
	Now           time.Time // assessment time; zero means the clock
	Online        bool      // allow network sources
	RequireSigned bool      // unsigned attestations do not count
	// Assurance overrides the declaration's assurance level: "observed"
	// or "attested"; empty takes assay.yaml's, then "observed".
	Assurance string
	Collector collector.Options
	// Forge is the forge API settings (--repo, --github-api-url,
	// --gitlab-api-url, --cache-dir, token variables), given to the forge
	// collector when it is constructed.
	Forge forge.Config
	// Collectors restricts the run to the named collectors; empty runs all.
	Collectors []string
	// Progress, when set, shows long collectors on a terminal; nil is
	// silent. It never affects the report.
	Progress *progress.Meter
	// Frameworks adds other frameworks' views (ssdf, cra-annex-i,
	// osps-baseline) to the report; uk-sscop, the report's body, is
	// always assessed.
	Frameworks []string
}

// AssuranceLevel is the level an assessment is judged at: the option when
// set, else the declaration's, else observed.
func AssuranceLevel(option string, cfg *config.Config) string {
	switch {
	case option != "":
		return option
	case cfg != nil && cfg.Assurance != "":
		return cfg.Assurance
	}
	return report.AssuranceObserved
}

// Validate checks the options before anything runs.
func (o *Options) Validate() error {
	if o.Path == "" {
		o.Path = "."
	}
	st, err := os.Stat(o.Path)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("%w: %s is not a directory", ErrUsage, o.Path)
	}
	if o.Now.IsZero() {
		o.Now = time.Now().UTC().Truncate(time.Second)
	}
	switch o.Assurance {
	case "", report.AssuranceObserved, report.AssuranceAttested:
	default:
		return fmt.Errorf("%w: --assurance: want observed or attested; got %q", ErrUsage, o.Assurance)
	}
	if len(o.Frameworks) > 0 {
		fws, err := framework.Default()
		if err != nil {
			return fmt.Errorf("%w: load frameworks: %v", ErrIncomplete, err)
		}
		for _, id := range o.Frameworks {
			if !slices.Contains(fws.IDs(), id) {
				return fmt.Errorf("%w: --framework: unknown framework %q; want one of %s", ErrUsage, id, strings.Join(fws.IDs(), ", "))
			}
		}
	}
	return nil
}

// Result is a finished assessment with the intermediate stages kept for
// commands that need them (explain, publish, bundle).
type Result struct {
	Report   *report.Report
	Evidence *evidence.Set
	Findings []rule.Finding
	Config   *config.Config
}

// LoadConfig reads the declaration for opts: the explicit path, or
// assay.yaml at the root of the tree when present. A missing default file is
// not an error: the declaration is optional.
func LoadConfig(opts Options, cat *catalog.Catalog) (*config.Config, error) {
	p := opts.ConfigPath
	explicit := p != ""
	var data []byte
	var err error
	if explicit {
		// A file the user names with --config is read wherever it is,
		// outside the tree and through symbolic links: the user chose it.
		data, err = source.ReadRegular(p, config.MaxSize)
	} else {
		// The tree's own declaration is read like every other file of the
		// tree: never through a symbolic link (which could lead out of the
		// tree and show another file's content in reports and errors).
		p = filepath.Join(opts.Path, config.FileName)
		data, err = source.ReadInDir(opts.Path, config.FileName, config.MaxSize)
	}
	if err != nil {
		if !explicit && errors.Is(err, os.ErrNotExist) {
			return &config.Config{Role: config.RoleDeveloperDistributor, Delivery: config.DeliveryDistributed}, nil
		}
		if errors.Is(err, source.ErrSymlink) {
			return nil, fmt.Errorf("%w: read declaration: %s is a symbolic link, which Assay does not follow in the tree; make it a regular file or name the file with --config", ErrUsage, config.FileName)
		}
		return nil, fmt.Errorf("%w: read declaration: %v", ErrUsage, err)
	}
	display := displayPath(opts.Path, p)
	known := func(id string) bool { _, ok := cat.Claim(id); return ok }
	cfg, err := config.Parse(display, data, known)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUsage, err)
	}
	cfg.Digest = source.Digest(data)
	return cfg, nil
}

// displayPath shows a file relative to the tree when it lies inside it.
func displayPath(root, p string) string {
	absRoot, err1 := filepath.Abs(root)
	absP, err2 := filepath.Abs(p)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(absRoot, absP); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return p
}

// Run performs one assessment.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	cat, err := catalog.Default()
	if err != nil {
		return nil, fmt.Errorf("%w: load catalog: %v", ErrIncomplete, err)
	}
	maps, err := mapping.Load()
	if err != nil {
		return nil, fmt.Errorf("%w: load mapping: %v", ErrIncomplete, err)
	}
	rules, err := rulelist.All()
	if err != nil {
		return nil, fmt.Errorf("%w: load rules: %v", ErrIncomplete, err)
	}
	cfg, err := LoadConfig(opts, cat)
	if err != nil {
		return nil, err
	}
	collectors, err := collectorlist.FromNames(opts.Collectors, collectorlist.Settings{Config: cfg, Forge: opts.Forge})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUsage, err)
	}

	tree, err := source.OpenTree(opts.Path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrIncomplete, err)
	}
	defer tree.Close()
	hist, histErr := source.OpenHistory(opts.Path)
	// Close is nil-safe: a tree with no history has nothing to release.
	defer func() { _ = hist.Close() }()
	in := &collector.Input{Tree: tree, History: hist, Now: opts.Now, Online: opts.Online, Options: opts.Collector}
	if histErr != nil {
		in.NoHistory = histErr.Error()
		var nh *source.NoHistoryError
		if errors.As(histErr, &nh) {
			in.NoHistory = nh.Reason
		}
	}

	custom, err := CustomRules(tree, cfg, cat, rules)
	if err != nil {
		return nil, err
	}
	for _, r := range custom {
		rules = append(rules, r)
	}
	if err := maps.Add("custom rules", customrule.Entries(custom)); err != nil {
		return nil, fmt.Errorf("%w: custom rules: %v", ErrUsage, err)
	}

	ev, statuses := collect(ctx, collectors, in, opts.Progress, hist.Reopen)
	// Collectors are the only readers of history; from here on the report
	// needs HEAD's id and branch alone, and the handle's caches would stay
	// live through evaluation and rendering.
	_ = hist.Release()
	findings := RunRules(rules, ev, statuses)

	metas := map[string]rule.Meta{}
	for _, r := range rules {
		metas[r.Meta().ID] = r.Meta()
	}
	assurance := AssuranceLevel(opts.Assurance, cfg)
	out := evaluate.Evaluate(evaluate.Input{
		Catalog: cat, Mapping: maps, Rules: metas, Findings: findings, Evidence: ev,
		Config: cfg, Now: opts.Now, RequireSigned: opts.RequireSigned, Assurance: assurance,
	})
	rep := Assemble(cat, cfg, out, statuses, opts, hist)
	rep.Rules = DescribeRules(cat, maps, metas)
	if err := addFrameworks(rep, opts.Frameworks, findings, metas, customrule.ControlLinks(custom)); err != nil {
		return nil, err
	}
	return &Result{Report: rep, Evidence: ev, Findings: findings, Config: cfg}, nil
}

// addFrameworks adds the view of each selected framework other than the UK
// Code, in the frameworks' own order, each once.
func addFrameworks(rep *report.Report, ids []string, findings []rule.Finding, metas map[string]rule.Meta, links []customrule.ControlLink) error {
	if len(ids) == 0 {
		return nil
	}
	fws, err := framework.Default()
	if err != nil {
		return fmt.Errorf("%w: load frameworks: %v", ErrIncomplete, err)
	}
	var extra []framework.Extra
	for _, l := range links {
		extra = append(extra, framework.Extra{Framework: l.Framework, Control: l.Control, Rule: l.Rule, Role: l.Role})
	}
	for _, f := range fws.All() {
		if slices.Contains(ids, f.Meta.ID) {
			rep.Frameworks = append(rep.Frameworks, framework.View(f, rep.Principles, findings, metas, extra...))
		}
	}
	return nil
}

// CustomRules compiles the declaration's rules: and the repository's
// rules/ files against the catalog, the frameworks and the built-in rules.
// tree may be nil (only the declaration's rules are read).
func CustomRules(tree *source.Tree, cfg *config.Config, cat *catalog.Catalog, builtin []rule.Rule) ([]*customrule.Rule, error) {
	var decl *yaml.Node
	file := config.FileName
	var src []byte
	if cfg != nil {
		decl, src = &cfg.Rules, cfg.Source
		if cfg.File != "" {
			file = cfg.File
		}
	}
	specs, err := customrule.FromRepo(tree, file, decl, src)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUsage, err)
	}
	return CompileCustomRules(specs, cat, builtin)
}

// CompileCustomRules compiles rule specs, checking their claims, controls
// and ids against the catalog, the frameworks and the built-in rules.
func CompileCustomRules(specs []customrule.Spec, cat *catalog.Catalog, builtin []rule.Rule) ([]*customrule.Rule, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	fws, err := framework.Default()
	if err != nil {
		return nil, fmt.Errorf("%w: load frameworks: %v", ErrIncomplete, err)
	}
	ids := map[string]bool{}
	for _, r := range builtin {
		ids[r.Meta().ID] = true
	}
	rs, err := customrule.Compile(specs, customrule.Options{
		KnownClaim: func(id string) bool { _, ok := cat.Claim(id); return ok },
		KnownControl: func(fw, id string) bool {
			f, ok := fws.Get(fw)
			if !ok {
				return false
			}
			_, ok = f.Control(id)
			return ok
		},
		Builtin: func(id string) bool { return ids[id] },
	})
	if err != nil {
		return nil, fmt.Errorf("%w: custom rules:\n%w", ErrUsage, err)
	}
	return rs, nil
}

// Collect runs each collector whose requirements hold, in registry order,
// with a timeout and a panic guard, and returns the evidence and a status per
// collector.
func Collect(ctx context.Context, collectors []collector.Collector, in *collector.Input) (*evidence.Set, []collector.Status) {
	return CollectWith(ctx, collectors, in, nil)
}

// CollectWith is Collect with each collector's run shown on meter.
func CollectWith(ctx context.Context, collectors []collector.Collector, in *collector.Input, meter *progress.Meter) (*evidence.Set, []collector.Status) {
	return collect(ctx, collectors, in, meter, nil)
}

// collect runs the collectors on up to two workers (the machines Assay
// runs on have at least two cores, and the history walks leave one idle).
// Each worker has its own go-git handle, since go-git's pack readers are
// not safe for concurrent use: the first worker uses in.History, the
// second opens another with reopen when it first needs one. Evidence and
// statuses keep registry order, so reports are the same as a sequential
// run's. With reopen nil, or one CPU, the run is sequential.
func collect(ctx context.Context, collectors []collector.Collector, in *collector.Input, meter *progress.Meter, reopen func() (*source.History, error)) (*evidence.Set, []collector.Status) {
	ev := evidence.NewSet(evidence.Record{
		Fact:       evidence.Assessment{Now: in.Now},
		Provenance: evidence.Provenance{Collector: "engine", CollectedAt: in.Now},
	})
	type outcome struct {
		records []evidence.Record
		err     error
	}
	statuses := make([]collector.Status, len(collectors))
	outcomes := make([]outcome, len(collectors))
	var todo []int
	for i, c := range collectors {
		st := collector.Status{Name: c.Name(), Produces: c.Produces()}
		if reason := unmet(c.Requirements(), in); reason != "" {
			st.State, st.Reason = collector.Skipped, reason
			st.Offline = c.Requirements().Network && !in.Online
		}
		statuses[i] = st
		if st.State == "" {
			todo = append(todo, i)
		}
	}
	workers := 1
	if reopen != nil && runtime.GOMAXPROCS(0) > 1 && len(todo) > 1 {
		workers = 2
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := in
			var opened *source.History
			defer func() {
				if opened != nil {
					_ = opened.Close()
				}
			}()
			for i := range next {
				c := collectors[i]
				if w > 0 && own == in && in.History != nil {
					// A private handle, opened on first use; if it cannot be
					// opened the collector runs without history, as it would
					// on a tree without .git.
					cp := *in
					h, err := reopen()
					if err != nil {
						cp.History, cp.NoHistory = nil, err.Error()
					} else {
						cp.History, opened = h, h
					}
					own = &cp
				}
				if reason := unmet(c.Requirements(), own); reason != "" {
					statuses[i].State, statuses[i].Reason = collector.Skipped, reason
					continue
				}
				done := meter.Start("collecting " + c.Name())
				records, err := runOne(ctx, c, own)
				done()
				outcomes[i] = outcome{records, err}
			}
		}()
	}
	for _, i := range todo {
		next <- i
	}
	close(next)
	wg.Wait()
	for i := range collectors {
		st := &statuses[i]
		if st.State == collector.Skipped {
			continue
		}
		o := outcomes[i]
		ev.Add(o.records...)
		st.Records = len(o.records)
		if o.err != nil {
			st.State, st.Reason = collector.Failed, o.err.Error()
		} else {
			st.State = collector.Succeeded
		}
	}
	return ev, statuses
}

func unmet(r collector.Requirements, in *collector.Input) string {
	switch {
	case r.Network && !in.Online:
		return "needs network access; run with --online to allow it"
	case r.History && in.History == nil:
		reason := in.NoHistory
		if reason == "" {
			reason = "no git history"
		}
		return "needs git history: " + reason
	}
	return ""
}

func runOne(ctx context.Context, c collector.Collector, in *collector.Input) (records []evidence.Record, err error) {
	ctx, cancel := context.WithTimeout(ctx, limits.CollectorTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("collector panicked: %v; stack: %s", p, firstFrames(debug.Stack()))
		}
	}()
	return c.Collect(ctx, in)
}

func firstFrames(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	if len(lines) > 12 {
		lines = lines[:12]
	}
	return strings.Join(lines, " | ")
}

// RunRules runs every rule over the evidence. A rule whose evidence could not
// be gathered (its collector failed or was skipped) is not evaluated: it gets
// one not_available finding with the collector's reason, so that the claims
// it supports become unknown rather than not met.
func RunRules(rules []rule.Rule, ev *evidence.Set, statuses []collector.Status) []rule.Finding {
	producers := map[evidence.Kind][]collector.Status{
		// The engine itself records the assessment context.
		evidence.KindAssessment: {{Name: "engine", State: collector.Succeeded}},
	}
	for _, st := range statuses {
		for _, k := range st.Produces {
			producers[k] = append(producers[k], st)
		}
	}
	var out []rule.Finding
	for _, r := range rules {
		id := r.Meta().ID
		if reason, offline := missing(r.Needs(), producers); reason != "" {
			f := rule.Finding{Rule: id, Outcome: rule.NotAvailable, Message: reason}
			if offline {
				f.Values = map[string]string{rule.ValueUnavailable: rule.UnavailableOffline}
			}
			out = append(out, f)
			continue
		}
		// Each rule sees only what it declares, so a failed collector
		// makes it unavailable instead of judging a partial set.
		view := ev.Restrict(Reads(r))
		fs := evalOne(r, view)
		if u := view.Undeclared(); len(u) > 0 && strictReads() {
			fs = append(fs, rule.Finding{Rule: id, Outcome: rule.Error, Message: fmt.Sprintf("rule read evidence it does not declare: %v", u)})
			fmt.Fprintf(os.Stderr, "assay: rule %s read evidence it does not declare: %v\n", id, u)
			if onUndeclared != nil {
				onUndeclared(id, u)
			}
		}
		if len(fs) > limits.MaxFindingsPerRule {
			extra := len(fs) - limits.MaxFindingsPerRule
			fs = fs[:limits.MaxFindingsPerRule]
			fs = append(fs, rule.Finding{Rule: id, Outcome: fs[0].Outcome, Message: fmt.Sprintf("%d more findings not listed", extra)})
		}
		out = append(out, fs...)
	}
	return out
}

// StrictReadsEnv, when set, turns a rule's read of evidence it did not
// declare into an error finding. The tests set it, so such a read fails
// them; in normal runs the read just returns nothing.
const StrictReadsEnv = "ASSAY_STRICT_READS"

func strictReads() bool { return os.Getenv(StrictReadsEnv) != "" }

// onUndeclared, set by this package's tests, hears every undeclared read.
var onUndeclared func(rule string, kinds []evidence.Kind)

// Reads is every kind r may read: what it needs and what it reads
// optionally.
func Reads(r rule.Rule) []evidence.Kind {
	kinds := r.Needs()
	if o, ok := r.(rule.OptionalReader); ok {
		kinds = append(slices.Clone(kinds), o.Optional()...)
	}
	return kinds
}

// missing says why a rule's evidence is unavailable, and whether the only
// reason is that network sources were not allowed.
func missing(needs []evidence.Kind, producers map[evidence.Kind][]collector.Status) (string, bool) {
	var reasons []string
	offline := true
	for _, k := range needs {
		ps := producers[k]
		if len(ps) == 0 {
			reasons = append(reasons, fmt.Sprintf("no collector produces %s", k))
			offline = false
			continue
		}
		ok := false
		var why []string
		for _, p := range ps {
			if p.State == collector.Succeeded {
				ok = true
				break
			}
			why = append(why, fmt.Sprintf("%s %s: %s", p.Name, p.State, p.Reason))
			offline = offline && p.Offline
		}
		if !ok {
			reasons = append(reasons, strings.Join(why, "; "))
		}
	}
	if len(reasons) == 0 {
		return "", false
	}
	return strings.Join(reasons, "; "), offline
}

func evalOne(r rule.Rule, ev *evidence.Set) (fs []rule.Finding) {
	defer func() {
		if p := recover(); p != nil {
			fs = []rule.Finding{{Rule: r.Meta().ID, Outcome: rule.Error, Message: fmt.Sprintf("rule panicked: %v", p)}}
		}
	}()
	return r.Evaluate(ev)
}

// Assemble builds the report from the evaluation.
func Assemble(cat *catalog.Catalog, cfg *config.Config, out evaluate.Output, statuses []collector.Status, opts Options, hist *source.History) *report.Report {
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "assay", Version: version.Version()},
		Framework: report.Framework{ID: cat.Framework.ID, Version: cat.Framework.Version,
			ClaimsVersion: cat.Framework.ClaimsVersion, Title: cat.Framework.Title},
		Subject: report.Subject{
			Path: filepath.ToSlash(opts.Path), Product: cfg.Product, Vendor: cfg.Vendor,
			Role: cfg.Role, Delivery: cfg.Delivery, Declaration: cfg.File, DeclDigest: cfg.Digest,
		},
		AssessedAt:   opts.Now.UTC(),
		Assurance:    AssuranceLevel(opts.Assurance, cfg),
		Principles:   out.Principles,
		Attestations: nonNil(out.Attestations),
		Waivers:      nonNil(out.Waivers),
		Notices:      nonNil(out.Notices),
		SignOff:      out.SignOff,
	}
	if rep.Subject.Product == "" {
		abs, err := filepath.Abs(opts.Path)
		if err == nil {
			rep.Subject.Product = filepath.Base(abs)
		}
	}
	if hist != nil {
		rep.Subject.Commit = hist.HeadHash()
		rep.Subject.Branch = hist.Branch()
	}
	if cfg.SRO != nil {
		rep.Subject.SRO = &report.Person{Name: cfg.SRO.Name, Role: cfg.SRO.Role}
	}
	// A malformed review_every is reported where the declaration is
	// parsed; here it falls back to a year.
	next, _ := cfg.NextReview(opts.Now)
	rep.NextReview = next.Format(time.DateOnly)
	for _, st := range statuses {
		rep.Collectors = append(rep.Collectors, report.Collector{Name: st.Name, Status: report.CollectorState(st.State), Reason: st.Reason, Records: st.Records})
	}
	rep.Collectors = nonNil(rep.Collectors)
	summarise(cat, rep)
	return rep
}

// summarise fills the counts, the theme overview and the fix-first list.
func summarise(cat *catalog.Catalog, rep *report.Report) {
	themeIdx := map[string]int{}
	for _, t := range cat.Themes {
		themeIdx[t.ID] = len(rep.Themes)
		rep.Themes = append(rep.Themes, report.Theme{ID: t.ID, Title: t.Title, Principles: []string{}})
	}
	for _, p := range rep.Principles {
		rep.Summary.Principles.Add(p.Status)
		t := &rep.Themes[themeIdx[p.Theme]]
		t.Principles = append(t.Principles, p.ID)
		for _, c := range p.Claims {
			rep.Summary.Claims.Add(c)
			t.Claims.Add(c)
			rep.Summary.Total++
		}
	}
	rep.FixFirst = FixFirst(rep.Principles)
}

// FixFirst orders what to fix: claims not met before unknown ones, and among
// them first those whose principle is closest to met (fewest other claims
// outstanding), so that each fix moves a principle as far as possible.
func FixFirst(ps []report.Principle) []report.FixItem {
	type cand struct {
		item        report.FixItem
		rank        int
		outstanding int
		order       int
	}
	var cands []cand
	n := 0
	for _, p := range ps {
		outstanding := p.Counts.NotMet + p.Counts.Unknown
		for _, c := range p.Claims {
			n++
			if c.Status != report.ClaimNotMet && c.Status != report.ClaimUnknown || c.Waiver != nil {
				continue
			}
			action := c.Settle
			if len(c.Remediation) > 0 && (c.Status == report.ClaimNotMet || action == "") {
				action = c.Remediation[0]
			}
			it := report.FixItem{Claim: c.ID, Principle: p.ID, Status: c.Status, Action: action}
			if outstanding == 1 {
				it.Unblocks = []string{p.ID}
			}
			rank := 1
			if c.Status == report.ClaimNotMet {
				rank = 0
			}
			cands = append(cands, cand{item: it, rank: rank, outstanding: outstanding, order: n})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if a.outstanding != b.outstanding {
			return a.outstanding < b.outstanding
		}
		return a.order < b.order
	})
	out := make([]report.FixItem, 0, len(cands))
	for _, c := range cands {
		out = append(out, c.item)
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return slices.Clip(s)
}
