// Package support collects the product's support lifecycle and the
// customer-facing documents around it: release lines and their end dates
// (from assay.yaml, an OpenEoX file or an endoflife.date-style file), when
// each end date was first published (from git history), the update policy,
// user documentation, incident support plan, secure development framework,
// the declared incident and advisory logs, and security fixes named in
// commit messages.
package support

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/lifecycle"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/parse/doctext"
	"github.com/assaysec/assay/internal/parse/supportdoc"
	"github.com/assaysec/assay/internal/source"
)

// Name of the collector.
const Name = "lifecycle/support"

// maxDocs caps how many conventional documents are scanned for topics.
const maxDocs = 50

// Collector gathers lifecycle evidence.
type Collector struct{ cfg *config.Config }

// New returns the collector reading the declaration cfg; nil is an empty
// declaration.
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
	return []evidence.Kind{evidence.KindLifecycle, evidence.KindReleaseLine, evidence.KindDocument, evidence.KindFramework,
		evidence.KindIncident, evidence.KindAdvisory, evidence.KindParseProblem}
}

// Requirements implements collector.Collector. History is used when present
// but not required: declarations and documents are read without it.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

type collection struct {
	in  *collector.Input
	out []evidence.Record
}

func (c *collection) add(f evidence.Fact, loc evidence.Location) {
	c.out = append(c.out, evidence.Record{Fact: f, Provenance: c.in.Provenance(Name, loc, "")})
}

// Collect implements collector.Collector.
func (k Collector) Collect(ctx context.Context, in *collector.Input) ([]evidence.Record, error) {
	c := &collection{in: in}
	cfg := k.cfg
	declFile := cfg.File
	if declFile == "" {
		declFile = config.FileName
	}
	lc := evidence.Lifecycle{PolicyRef: cfg.Support.Policy, UpdatePolicyRef: cfg.Support.UpdatePolicy, HistoryUsed: in.History != nil && in.History.Head() != nil}
	lc.UpdateFrequency = period(cfg.Support.UpdateFrequency)
	lc.NoticePeriod = period(cfg.Support.NoticePeriod)

	// Release lines: assay.yaml, then the lifecycle file.
	type sourced struct {
		path    string
		lines   []lifecycle.Line
		current map[int]bool // doc-sourced lines marked current, by index
		ended   map[int]bool // doc-sourced lines marked ended without a date
	}
	var sources []sourced
	if len(cfg.ReleaseLines) > 0 {
		var ls []lifecycle.Line
		for _, l := range cfg.ReleaseLines {
			ls = append(ls, lifecycle.Line{Version: l.Version, Released: l.Released.Time, EndOfSecuritySupport: l.EndOfSecuritySupport.Time,
				EndOfLife: l.EndOfLife.Time, Announced: l.Announced.Time, Line: l.Pos.Line})
		}
		sources = append(sources, sourced{path: declFile, lines: ls})
	}
	lifecycleFile := cfg.Support.Lifecycle
	if lifecycleFile == "" {
		for _, p := range []string{".openeox.json", "openeox.json"} {
			if in.Tree.Exists(p) {
				lifecycleFile = p
				break
			}
		}
	}
	if lifecycleFile != "" {
		data, err := in.Tree.ReadFile(lifecycleFile, limits.MaxSmallFileSize)
		if err != nil {
			c.add(evidence.ParseProblem{Path: lifecycleFile, Format: "lifecycle file", Error: err.Error()}, evidence.Location{Path: lifecycleFile})
		} else if _, ls, err := lifecycle.Parse(lifecycleFile, data); err != nil {
			c.add(evidence.ParseProblem{Path: lifecycleFile, Format: "lifecycle file (OpenEoX or endoflife.date)", Error: err.Error()}, evidence.Location{Path: lifecycleFile})
		} else {
			sources = append(sources, sourced{path: lifecycleFile, lines: ls})
		}
	}
	// Nothing declared: read end-of-support tables and notices written in
	// the SUPPORT, SECURITY, lifecycle or release-process documents or the
	// README.
	docSources := map[string]bool{}
	if len(sources) == 0 {
		for _, p := range supportDocs(in) {
			data, err := in.Tree.ReadFile(p, limits.MaxSmallFileSize)
			if err != nil {
				continue
			}
			d := supportdoc.Parse(p, data, isReadme(p))
			if d.Rule != "" && lc.SupportRule == "" {
				lc.SupportRule, lc.SupportRulePath, lc.SupportRuleLine = d.Rule, p, d.RuleLine
			}
			if d.Notice.Months > 0 && lc.NoticeMonths == 0 {
				lc.NoticeMonths, lc.NoticePath, lc.NoticeLine, lc.NoticeQuote = d.Notice.Months, p, d.Notice.Line, d.Notice.Quote
				lc.NoticeAfterSuccessor = d.Notice.Successor
			}
			if len(d.Lines) == 0 || len(docSources) > 0 {
				continue
			}
			src := sourced{path: p, current: map[int]bool{}, ended: map[int]bool{}}
			for i, l := range d.Lines {
				ll := lifecycle.Line{Version: l.Version, Line: l.Line}
				if l.Security {
					ll.EndOfSecuritySupport = l.End
				} else {
					ll.EndOfLife = l.End
				}
				src.current[i] = l.Current
				src.ended[i] = l.Ended
				src.lines = append(src.lines, ll)
			}
			sources = append(sources, src)
			docSources[p] = true
		}
	}
	// A declared end date is announced by the first commit whose copy of
	// the file held it: the walk is needed only when something is declared.
	var firstSeen map[string]map[string]commitAt
	if lc.HistoryUsed && len(sources) > 0 {
		histCommits, err := commits(ctx, in)
		if err != nil {
			c.add(evidence.ParseProblem{Path: ".git", Format: "git history", Error: err.Error()}, evidence.Location{})
		}
		paths := []string{}
		for _, s := range sources {
			paths = append(paths, s.path)
		}
		firstSeen = announcements(ctx, in.History.Repository().Storer, histCommits, paths, docSources)
	}
	for _, s := range sources {
		lc.Sources = append(lc.Sources, s.path)
		for i, l := range s.lines {
			rl := evidence.ReleaseLine{Version: l.Version, Released: l.Released, EndOfSecuritySupport: l.EndOfSecuritySupport,
				EndOfLife: l.EndOfLife, TBA: l.TBA, Source: s.path, Line: l.Line, Current: s.current[i], Ended: s.ended[i]}
			end := rl.EndOfSupport()
			switch {
			case !l.Announced.IsZero():
				rl.Announced, rl.AnnouncedBy = l.Announced, "declared"
			case end.IsZero():
			case firstSeen != nil:
				if at, ok := firstSeen[s.path][key(l.Version, end)]; ok {
					rl.Announced, rl.AnnouncedBy, rl.AnnounceCommit = at.when, "git", at.commit
				} else {
					rl.Announced, rl.AnnouncedBy = in.Now, "uncommitted"
				}
			}
			c.add(rl, evidence.Location{Path: s.path, Line: l.Line, Commit: rl.AnnounceCommit})
		}
	}
	c.add(lc, evidence.Location{Path: declFile})

	c.documents(cfg)
	c.framework(cfg)
	for _, i := range cfg.Incidents {
		c.add(evidence.Incident{ID: i.ID, Title: i.Title, Severity: i.Severity, Started: i.Started.Time,
			CustomersNotified: i.CustomersNotified.Time, Resolved: i.Resolved.Time, Report: i.Report, Line: i.Pos.Line},
			evidence.Location{Path: declFile, Line: i.Pos.Line})
	}
	for _, a := range cfg.Advisories {
		c.add(evidence.Advisory{ID: a.ID, CVE: a.CVE, GHSA: a.GHSA, Title: a.Title, Published: a.Published.Time, Line: a.Pos.Line},
			evidence.Location{Path: declFile, Line: a.Pos.Line})
	}
	return c.out, ctx.Err()
}

func period(s string) time.Duration {
	if s == "" {
		return 0
	}
	y, m, d, err := config.ParsePeriod(s)
	if err != nil {
		return 0
	}
	return time.Duration(y*365+m*30+d) * 24 * time.Hour
}

type commitAt struct {
	when   time.Time
	commit string
}

func key(version string, end time.Time) string {
	return version + "\x00" + end.UTC().Format(time.DateOnly)
}

// commitRef is what the lifecycle collector keeps of a commit: its id,
// date and tree (never the whole commit, whose message may be arbitrarily
// large).
type commitRef struct {
	hash plumbing.Hash
	when time.Time
	tree plumbing.Hash
}

// commits lists up to the history cap of commits reachable from HEAD,
// oldest first.
func commits(ctx context.Context, in *collector.Input) ([]commitRef, error) {
	max := in.Options.HistoryMaxCommits
	if max <= 0 {
		max = limits.MaxHistoryCommits
	}
	// Committer-time order (as git log --date-order), read through the
	// unsigned view: signatures are never looked at here.
	head, err := in.History.UnsignedHead()
	if err != nil {
		return nil, fmt.Errorf("walk history: %w", err)
	}
	iter := object.NewCommitIterCTime(head, nil, nil)
	defer iter.Close()
	var out []commitRef
	for len(out) < max {
		if ctx.Err() != nil {
			break
		}
		cm, err := iter.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, fmt.Errorf("walk history: %w", err)
		}
		out = append(out, commitRef{hash: cm.Hash, when: cm.Committer.When, tree: cm.TreeHash})
	}
	slices.Reverse(out)
	return out, nil
}

// announcements finds, per lifecycle file and per (line, end date), the
// first commit whose version of the file held that end date. Blobs are
// parsed once each.
func announcements(ctx context.Context, st storer.EncodedObjectStorer, cs []commitRef, paths []string, docs map[string]bool) map[string]map[string]commitAt {
	out := map[string]map[string]commitAt{}
	for _, p := range paths {
		seen := map[string]commitAt{}
		parsed := map[plumbing.Hash][]string{}
		for _, cm := range cs {
			if ctx.Err() != nil {
				break
			}
			tree, err := object.GetTree(st, cm.tree)
			if err != nil {
				continue
			}
			f, err := tree.File(p)
			if err != nil {
				continue
			}
			keys, done := parsed[f.Hash]
			if !done {
				keys = blobKeys(p, f, docs[p])
				parsed[f.Hash] = keys
			}
			for _, k := range keys {
				if _, ok := seen[k]; !ok {
					seen[k] = commitAt{when: cm.when.UTC(), commit: cm.hash.String()}
				}
			}
		}
		out[p] = seen
	}
	return out
}

func blobKeys(path string, f *object.File, doc bool) []string {
	if f.Size > limits.MaxSmallFileSize {
		return nil
	}
	r, err := f.Reader()
	if err != nil {
		return nil
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, limits.MaxSmallFileSize))
	if err != nil {
		return nil
	}
	var lines []lifecycle.Line
	if doc {
		for _, l := range supportdoc.Parse(path, data, isReadme(path)).Lines {
			ll := lifecycle.Line{Version: l.Version, EndOfLife: l.End}
			if l.Security {
				ll.EndOfSecuritySupport, ll.EndOfLife = l.End, time.Time{}
			}
			lines = append(lines, ll)
		}
	} else {
		var err error
		if _, lines, err = lifecycle.Parse(path, data); err != nil {
			return nil // an old broken version announced nothing
		}
	}
	var keys []string
	for _, l := range lines {
		e := l.EndOfSecuritySupport
		if e.IsZero() {
			e = l.EndOfLife
		}
		if !e.IsZero() {
			keys = append(keys, key(l.Version, e))
		}
	}
	return keys
}

// supportDocs lists the prose documents that may carry end-of-support
// tables or notices, strongest first: SUPPORT, SECURITY, a lifecycle or
// release-process document (RELEASES.md often holds the support table),
// then the README. A documentation site may give the topic its own folder
// (docs/security/security.md).
func supportDocs(in *collector.Input) []string {
	var out []string
	for _, stem := range []string{"support", "security", "lifecycle", "lts", "releases", "release", "releasing", "readme", "contributing"} {
		for _, e := range in.Tree.Find(func(p string) bool {
			dir := path.Dir(p)
			// A lifecycle or LTS page is about support whatever section of
			// the documentation holds it (docs/Reference/LTS.md).
			anywhereInDocs := (stem == "lifecycle" || stem == "lts") && strings.HasPrefix(dir, "docs/")
			if dir != "." && dir != ".github" && dir != "docs" && dir != "docs/"+stem && !anywhereInDocs {
				return false
			}
			b := strings.ToLower(path.Base(p))
			// release-policy.md, support_policy.rst: the stem, then a qualifier.
			named := b == stem || strings.HasPrefix(b, stem+".") || strings.HasPrefix(b, stem+"-") || strings.HasPrefix(b, stem+"_")
			return named && doctext.IsText(p)
		}) {
			out = append(out, e.Path)
		}
	}
	return out
}

func isReadme(p string) bool { return strings.HasPrefix(strings.ToLower(path.Base(p)), "readme") }

// topic is one thing a document should cover and the words that show it.
// When about is set, a line counts only if it also matches about: a bare
// "daily" or "monthly" is a frequency of something, and only a line that
// names releases or updates says how often those come.
// A topic with affirmed set counts only where the match is not denied in
// its own clause: "does not follow a strict release schedule" states that
// there is no cadence.
type topic struct {
	name     string
	re       *lazyre.Regexp
	about    *lazyre.Regexp
	affirmed bool
}

// about restricts the first topic (the one a bare word over-matches) to
// lines that also match re and that do not deny it.
func about(re *lazyre.Regexp, ts []topic) []topic {
	ts[0].about = re
	ts[0].affirmed = true
	return ts
}

// deniedRe is a negation in the clause before a match; clauseEndRe ends
// that clause, so "no fixed schedule, but releases come every few weeks"
// still states a frequency.
var (
	deniedRe    = lazyre.New(`(?i)(\b(no|not|never|without|cannot|neither|nor)\b|n't\b)`)
	clauseEndRe = lazyre.New(`[.;:!?,]|\bbut\b|\bhowever\b`)
)

// matches reports whether l states the topic.
func (t topic) matches(l string) bool {
	if t.about != nil && !t.about.MatchString(l) {
		return false
	}
	for _, m := range t.re.FindAllStringIndex(l, -1) {
		if !t.affirmed {
			return true
		}
		before := l[:m[0]]
		if ends := clauseEndRe.FindAllStringIndex(before, -1); len(ends) > 0 {
			before = before[ends[len(ends)-1][1]:]
		}
		if !deniedRe.MatchString(before) {
			return true
		}
	}
	return false
}

func topics(pairs ...string) []topic {
	var out []topic
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, topic{name: pairs[i], re: lazyre.New(`(?i)` + pairs[i+1])})
	}
	return out
}

// Topics each kind of document is expected to cover (Code of Practice 4.1.2,
// 4.1.3 and 4.3.1).
var (
	UpdatePolicyTopics = about(frequencyAbout, topics(
		"frequency", `\b(daily|weekly|fortnightly|monthly|quarterly|yearly|annually|every (\d+(\s*(-|–|to|or)\s*\d+)?|two|three|four|six|eight|twelve|few|couple of) (days|weeks|months|years)|every (other )?(day|week|month|quarter|year)|(once|twice) a (week|month|quarter|year)|per (week|month|quarter)|release cadence|release schedule|regular(ly)? (release|update)s?)\b`,
		"how updates are applied", `\b(upgrad(e|ing)|apply(ing)? (an |the |a )?(update|patch|release)|install(ing)? (an |the |a )?(update|new version|release)|auto(matic)?[- ]update|replace the binary|go install)`,
	))
	UserDocTopics = topics(
		"updates", `\b(upgrad(e|ing)|updat(e|ing)|patch(es|ing)?)\b`,
		"MFA", `\b(mfa|multi[- ]factor|two[- ]factor|2fa|totp|webauthn|passkey)`,
		"backups", `\b(backups?|back up|restor(e|ing))\b`,
		"least privilege", `(least[- ]privilege|minimal (permissions|privileges)|role[- ]based access|\brbac\b|non-root|unprivileged)`,
		"exposed ports", `\b(ports?|firewall|expos(e|ed|ing)|listen(s|ing)? on|network access)\b`,
	)
	// frequencyAbout is what a frequency must be about: a release
	// checklist's "run the daily-tests workflow" states no release cadence.
	frequencyAbout     = lazyre.New(`(?i)\b(releas|updat|upgrad|versions?\b|patch|publish|ship|tag(s|ged)?\b|cadence)`)
	IncidentPlanTopics = topics(
		"roles", `\b(roles?|responsibilit(y|ies)|incident (commander|manager|lead)|on-call)\b`,
		"contacts", `(\bcontacts?\b|[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}|\bphone\b|\bhotline\b)`,
		"communication", `\b(communicat(e|ion|ions)|notif(y|ication|ications)|status page|inform(ing)? (affected )?customers)\b`,
		"post-incident review", `(post[- ]incident|post[- ]?mortem|retrospective|lessons learned|root cause)`,
	)
)

// Conventional names of documents about releases and upgrades, in any
// text format, at the root or under docs/. Versioning and release documents
// may state a cadence; upgrade and migration guides are a way to apply
// updates by their nature.
var (
	cadenceDocRe = lazyre.New(`(?i)(?:^|/)(?:updating|updates|update[-_]policy|versioning|releasing|release[^/]*)\.(?:md|markdown|rst|adoc|txt)$`)
	upgradeDocRe = lazyre.New(`(?i)(?:^|/)(?:migration|migrating|upgrading|upgrade)[^/]*\.(?:md|markdown|rst|adoc|txt)$`)
	// Release notes and histories are the changelog: a list of past
	// changes ("Set Dependabot schedule interval to monthly") and no
	// statement of how often releases come.
	releaseNotesRe = lazyre.New(`(?i)(?:^|/)release[-_ ]?(?:notes|history|log)[^/]*$`)
	threatDocRe    = lazyre.New(`(?i)(?:^|/)threat[-_ ]?model[^/]*\.(?:md|markdown|rst|adoc|txt)$`)
)

// ThreatModelTopics show that a threat model document models threats.
var ThreatModelTopics = topics(
	"threats", `\b(threats?|attack(er|s)?|adversar(y|ies)|stride|trust boundar(y|ies))\b`,
	"mitigations", `\b(mitigat(e|es|ed|ion|ions)|controls?|countermeasures?|defen[cs]es?)\b`,
)

func (c *collection) documents(cfg *config.Config) {
	s := cfg.Support
	c.docSet("support_policy", refs(s.Policy), []string{"SUPPORT.md", "docs/SUPPORT.md", ".github/SUPPORT.md", "docs/support.md"}, UpdatePolicyTopics)
	var updateDocs []string
	for _, p := range c.conventional(cadenceDocRe.String()) {
		if !releaseNotesRe.MatchString(p) {
			updateDocs = append(updateDocs, p)
		}
	}
	c.docSet("update_policy", refs(s.UpdatePolicy), updateDocs, UpdatePolicyTopics)
	if s.UpdatePolicy == "" {
		// Upgrade guides say how to apply an update, never how often.
		for _, p := range c.conventional(upgradeDocRe.String()) {
			c.scanDoc("update_policy", p, false, UpdatePolicyTopics[1:])
		}
	}
	c.docSet("threat_model", nil, c.conventional(threatDocRe.String()), ThreatModelTopics)
	c.docSet("user_docs", s.UserDocs, c.conventional(`(?i)(upgrad|updat|harden|secur|install|admin|operat|deploy)[^/]*\.(md|rst|adoc|txt)$`), UserDocTopics)
	c.docSet("incident_plan", refs(s.IncidentPlan), c.conventional(`(?i)incident[^/]*\.(md|rst|adoc|txt)$`), IncidentPlanTopics)
}

func refs(r string) []string {
	if r == "" {
		return nil
	}
	return []string{r}
}

// conventional finds documentation files whose names match pattern, at the
// root or under docs/, skipping vendored and hidden trees.
func (c *collection) conventional(pattern string) []string {
	re := lazyre.New(pattern)
	var out []string
	for _, e := range c.in.Tree.Find(func(p string) bool {
		if strings.Count(p, "/") > 0 && !strings.HasPrefix(p, "docs/") && !strings.HasPrefix(p, "doc/") {
			return false
		}
		return re.MatchString(p)
	}) {
		if len(out) >= maxDocs {
			break
		}
		out = append(out, e.Path)
	}
	return out
}

// docSet scans declared documents, or when none are declared, the
// conventional candidates that exist.
func (c *collection) docSet(purpose string, declared, candidates []string, want []topic) {
	if len(declared) > 0 {
		for _, ref := range declared {
			c.scanDoc(purpose, ref, true, want)
		}
		return
	}
	for _, p := range candidates {
		if c.in.Tree.Exists(p) {
			c.scanDoc(purpose, p, false, want)
		}
	}
}

func (c *collection) scanDoc(purpose, ref string, declared bool, want []topic) {
	d := evidence.Document{Purpose: purpose, Ref: ref, Declared: declared}
	loc := evidence.Location{Path: ref}
	if config.IsURL(ref) {
		d.URL = true
		loc = evidence.Location{URL: ref}
		c.add(d, loc)
		return
	}
	data, err := c.in.Tree.ReadFile(ref, limits.MaxSmallFileSize)
	if err != nil {
		if !errors.Is(err, source.ErrTooLarge) && !c.in.Tree.Exists(ref) {
			d.Problem = "not found in the repository"
		} else {
			d.Problem = err.Error()
		}
		c.add(d, loc)
		return
	}
	d.Found = true
	d.Topics = findTopics(ref, string(doctext.Parse(data, doctext.FormatOf(ref)).Prose()), want)
	if purpose == "update_policy" && (upgradeDocRe.MatchString(ref) || cadenceDocRe.MatchString(ref)) && !hasTopic(d.Topics, "how updates are applied") {
		// An upgrade, migration, versioning or release document is itself
		// the way updates are applied.
		d.Topics = append(d.Topics, evidence.TopicHit{Topic: "how updates are applied", Path: ref, Line: 1})
	}
	c.add(d, loc)
}

func hasTopic(hs []evidence.TopicHit, t string) bool {
	for _, h := range hs {
		if h.Topic == t {
			return true
		}
	}
	return false
}

func findTopics(path, text string, want []topic) []evidence.TopicHit {
	var hits []evidence.TopicHit
	lines := strings.Split(text, "\n")
	for _, t := range want {
		for i, l := range lines {
			if t.matches(l) {
				hits = append(hits, evidence.TopicHit{Topic: t.name, Path: path, Line: i + 1})
				break
			}
		}
	}
	return hits
}

// frameworkAliases are short names that identify a framework in prose.
var frameworkAliases = map[string][]string{
	"NIST SSDF": {"SSDF", "SP 800-218", "Secure Software Development Framework"}, "Microsoft SDL": {"Microsoft SDL", "Security Development Lifecycle"},
	"OWASP SAMM": {"SAMM"}, "Cisco SDL": {"Cisco SDL", "Cisco Secure Development Lifecycle"}, "SLSA": {"SLSA"}, "S2C2F": {"S2C2F"},
}

func (c *collection) framework(cfg *config.Config) {
	f := cfg.Framework
	if f != nil {
		fw := evidence.Framework{Name: f.Name, Version: f.Version, Document: f.Document, Line: f.Pos.Line}
		loc := evidence.Location{Path: cfg.File, Line: f.Pos.Line}
		if f.Document != "" && !config.IsURL(f.Document) {
			if data, err := c.in.Tree.ReadFile(f.Document, limits.MaxSmallFileSize); err == nil {
				fw.DocumentFound = true
				fw.NamedInDocument = mentions(string(data), f.Name)
				loc = evidence.Location{Path: f.Document}
			}
		}
		c.add(fw, loc)
		return
	}
	// Nothing declared: look for an SDL document that names a framework.
	cands := c.conventional(`(?i)(sdl|ssdf|secure[-_ ]?development|security[-_ ]?development|samm)[^/]*\.(md|rst|adoc|txt)$`)
	cands = append(cands, "SECURITY.md", ".github/SECURITY.md", "docs/SECURITY.md")
	for _, p := range cands {
		data, err := c.in.Tree.ReadFile(p, limits.MaxSmallFileSize)
		if err != nil {
			continue
		}
		for _, name := range config.Frameworks {
			if mentions(string(data), name) {
				c.add(evidence.Framework{Name: name, Document: p, DocumentFound: true, NamedInDocument: true}, evidence.Location{Path: p})
				return
			}
		}
	}
}

func mentions(text, name string) bool {
	lt := strings.ToLower(text)
	if strings.Contains(lt, strings.ToLower(name)) {
		return true
	}
	for _, a := range frameworkAliases[name] {
		if lazyre.New(`(?i)\b` + regexp.QuoteMeta(a) + `\b`).MatchString(text) {
			return true
		}
	}
	return false
}
