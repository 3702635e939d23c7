package history

import (
	"container/heap"
	"context"
	"fmt"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"golang.org/x/mod/semver"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/parse/tagname"
	"github.com/assaysec/assay/internal/parse/updatebot"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/textsafe"
)

// DeepFactor multiplies the window cap to give the cap of the message-only
// scan of all history: reading a commit header is far cheaper than diffing
// its trees, and bot and advisory commits are often years old.
const DeepFactor = 4

// maxFixCandidates bounds the commits whose changed paths are diffed.
const maxFixCandidates = 300

// maxSecurityUpdates bounds the bot security updates listed.
const maxSecurityUpdates = 20

// tagSkew tolerates committer clocks a little ahead of the tagger's.
const tagSkew = 24 * time.Hour

// node is one commit of the scanned graph, kept small: the scan of every
// reachable commit builds the graph once and tag ancestry is answered in
// memory.
type node struct {
	when    int64 // committer time, Unix seconds
	parents []int32
}

// graph is the scanned commit graph.
type graph struct {
	index map[plumbing.Hash]int32
	hash  []plumbing.Hash
	nodes []node
}

func (g *graph) id(h plumbing.Hash) int32 {
	if i, ok := g.index[h]; ok {
		return i
	}
	i := int32(len(g.nodes))
	g.index[h] = i
	g.hash = append(g.hash, h)
	g.nodes = append(g.nodes, node{when: -1})
	return i
}

// candidate is a commit whose message names an advisory or uses security
// wording, before its changed paths are checked.
type candidate struct {
	c   *object.Commit
	why string
	ids []string
}

// namedFix is a commit whose message names published vulnerability ids.
type namedFix struct {
	node  int32
	when  time.Time
	ids   []string
	title string
	ctx   []string // per id, the message line naming it
}

// maxNamedFixes bounds the commits naming CVE or GHSA ids that are kept.
const maxNamedFixes = 1000

// maxNamedMessage is how much of a message the id scan reads.
const maxNamedMessage = 64 << 10

// publishedID matches the ids with a public record a customer can look up
// (CVE entries and GitHub advisories), which the vendor's own advisories
// are expected to cover.
var publishedID = lazyre.New(`\b(CVE-[0-9]{4}-[0-9]{4,7}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3})\b`)

// nameFix reads the CVE and GHSA ids a commit message names, each with the
// line that names it ("Update exporter-toolkit (CVE-...)" says whose
// vulnerability it is).
func nameFix(node int32, c *object.Commit) (namedFix, bool) {
	msg := c.Message
	if len(msg) > maxNamedMessage {
		msg = msg[:maxNamedMessage]
	}
	// Every id the pattern matches starts with one of these literals.
	if !strings.Contains(msg, "CVE-") && !strings.Contains(msg, "GHSA-") {
		return namedFix{}, false
	}
	ids := publishedID.FindAllString(msg, 20)
	if len(ids) == 0 {
		return namedFix{}, false
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	title, _, _ := strings.Cut(strings.TrimSpace(msg), "\n")
	if len(title) > 200 {
		title = title[:200]
	}
	ctx := make([]string, len(ids))
	for k, id := range ids {
		for l := range strings.SplitSeq(msg, "\n") {
			if strings.Contains(l, id) {
				ctx[k] = textsafe.Truncate(textsafe.Clean(strings.TrimSpace(l)), 200)
				break
			}
		}
	}
	return namedFix{node: node, when: c.Committer.When, ids: ids, title: strings.Clone(title), ctx: ctx}, true
}

// securityFixes lists the commits reachable from head that name CVE or
// GHSA ids, oldest first, and how much history was read for them.
func (s *scanner) securityFixes(head plumbing.Hash) ([]evidence.SecurityFix, evidence.HistoryWalked) {
	anc := s.ancestors(head)
	walked := evidence.HistoryWalked{Truncated: s.scan.Capped}
	for i, on := range anc {
		if on && s.g.nodes[i].when >= 0 {
			walked.Commits++
		}
	}
	var out []evidence.SecurityFix
	for k := len(s.named) - 1; k >= 0; k-- {
		f := s.named[k]
		if int(f.node) >= len(anc) || !anc[f.node] {
			continue // on another branch: not in the product assessed
		}
		out = append(out, evidence.SecurityFix{Commit: s.g.hash[f.node].String(), Date: f.when.UTC(), IDs: f.ids, Title: f.title, Context: f.ctx})
	}
	return out, walked
}

// backportRef is a commit that says it backports or cherry-picks others.
type backportRef struct {
	c      *object.Commit
	prs    []int
	hashes []string
}

// scanner holds the state of the message-only scan.
type scanner struct {
	g          *graph
	scan       evidence.HistoryScan
	bots       map[string]*evidence.BotActivity
	secUpdates []evidence.BotCommit
	secCount   int
	cands      []candidate
	backports  []backportRef
	// named are the non-bot commits whose messages name a CVE or GHSA
	// id, newest first, as graph nodes: the fixes an advisory may be
	// owed for (Code of Practice 3.4.2).
	named []namedFix
	// The indexes below name commits by graph node, not by decoded
	// commit: holding every scanned commit's message and signature was
	// most of the scan's memory. The few commits they lead to are decoded
	// again from st.
	st       storer.EncodedObjectStorer
	prIndex  map[int][]int32
	short    map[string]int32   // first 7 hex -> node, for changelog links
	subjects map[string][]int32 // normalised subject -> nodes, for backports
}

// commit decodes a scanned commit again.
func (s *scanner) commit(n int32) (*object.Commit, error) {
	return object.GetCommit(s.st, s.g.hash[n])
}

// scanAll reads every commit reachable from any reference, newest first,
// up to max. It reads commit headers and messages only, never trees.
func scanAll(ctx context.Context, h *source.History, max int) (*scanner, error) {
	repo := h.Repository()
	s := &scanner{
		g:        &graph{index: map[plumbing.Hash]int32{}},
		bots:     map[string]*evidence.BotActivity{},
		st:       h.Unsigned(),
		prIndex:  map[int][]int32{},
		short:    map[string]int32{},
		subjects: map[string][]int32{},
	}
	s.scan.MaxCommits = max
	// Newest first across every branch and tag, each commit decoded once:
	// a heap of frontier commits ordered by committer time.
	refs, err := repo.References()
	if err != nil {
		return nil, fmt.Errorf("scan history: list references: %w", err)
	}
	st := s.st
	fr := &commitHeap{}
	seen := map[plumbing.Hash]bool{}
	push := func(hash plumbing.Hash) {
		if seen[hash] {
			return
		}
		seen[hash] = true
		c, err := object.GetCommit(st, hash)
		if err != nil {
			return // a tag of a tree or blob, or a shallow boundary
		}
		heap.Push(fr, c)
	}
	_ = refs.ForEach(func(r *plumbing.Reference) error {
		if r.Type() != plumbing.HashReference {
			return nil
		}
		hash := r.Hash()
		if t, err := object.GetTag(st, hash); err == nil {
			hash = t.Target
			for i := 0; i < 4; i++ { // tags of tags
				inner, err := object.GetTag(st, hash)
				if err != nil {
					break
				}
				hash = inner.Target
			}
		}
		push(hash)
		return nil
	})
	refs.Close()
	for fr.Len() > 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.scan.Scanned >= max {
			s.scan.Capped = true
			break
		}
		c := heap.Pop(fr).(*object.Commit)
		s.scan.Scanned++
		s.add(c)
		for _, p := range c.ParentHashes {
			push(p)
		}
	}
	return s, nil
}

// commitHeap orders commits newest first.
type commitHeap []*object.Commit

func (h commitHeap) Len() int           { return len(h) }
func (h commitHeap) Less(i, j int) bool { return h[i].Committer.When.After(h[j].Committer.When) }
func (h commitHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *commitHeap) Push(x any)        { *h = append(*h, x.(*object.Commit)) }
func (h *commitHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

func (s *scanner) add(c *object.Commit) {
	i := s.g.id(c.Hash)
	n := &s.g.nodes[i]
	n.when = c.Committer.When.Unix()
	n.parents = make([]int32, len(c.ParentHashes))
	for k, p := range c.ParentHashes {
		n.parents[k] = s.g.id(p)
	}
	if s.scan.Oldest.IsZero() || c.Committer.When.Before(s.scan.Oldest) {
		s.scan.Oldest = c.Committer.When
	}
	s.short[c.Hash.String()[:7]] = i
	if k := normSubject(subject(c.Message)); k != "" && len(s.subjects[k]) < 8 {
		s.subjects[k] = append(s.subjects[k], i)
	}
	for _, pr := range prNumbers(c.Message) {
		if len(s.prIndex[pr]) < 4 {
			s.prIndex[pr] = append(s.prIndex[pr], i)
		}
	}
	if acct := updatebot.Account(c.Author.Name, c.Author.Email); acct != "" {
		s.bot(acct, c)
		return // a bot's commit is a dependency update, never an own fix
	}
	if f, ok := nameFix(i, c); ok && len(s.named) < maxNamedFixes {
		s.named = append(s.named, f)
	}
	if why, ids := SecurityFixWording(c.Message); why != "" {
		if len(s.cands) < maxFixCandidates {
			s.cands = append(s.cands, candidate{c: c, why: why, ids: ids})
		}
		return
	}
	if prs, hashes := backportRefs(c.Message); len(prs)+len(hashes) > 0 && len(s.backports) < maxFixCandidates {
		s.backports = append(s.backports, backportRef{c: c, prs: prs, hashes: hashes})
	}
}

func (s *scanner) bot(acct string, c *object.Commit) {
	b := s.bots[acct]
	when := c.Author.When
	if b == nil {
		b = &evidence.BotActivity{Account: acct, First: when, Last: when, Latest: c.Hash.String()}
		s.bots[acct] = b
	}
	b.Commits++
	if when.Before(b.First) {
		b.First = when
	}
	if when.After(b.Last) {
		b.Last, b.Latest = when, c.Hash.String()
	}
	if why := SecurityUpdateWording(c.Message); why != "" {
		s.secCount++
		if len(s.secUpdates) < maxSecurityUpdates {
			s.secUpdates = append(s.secUpdates, evidence.BotCommit{
				Commit: c.Hash.String(), Account: acct, When: when, Why: why,
				Subject: textsafe.Truncate(textsafe.Clean(subject(c.Message)), 120),
			})
		}
	}
}

// botHistory builds the update-bot fact.
func (s *scanner) botHistory() evidence.UpdateBotHistory {
	out := evidence.UpdateBotHistory{Scan: s.scan, SecurityUpdates: s.secUpdates, SecurityUpdateCount: s.secCount}
	for _, b := range s.bots {
		out.Bots = append(out.Bots, *b)
	}
	sort.Slice(out.Bots, func(i, j int) bool {
		if out.Bots[i].Commits != out.Bots[j].Commits {
			return out.Bots[i].Commits > out.Bots[j].Commits
		}
		return out.Bots[i].Account < out.Bots[j].Account
	})
	return out
}

var (
	// Dependabot's own security-update wording, and metadata that only a
	// security update carries: version updates touch direct dependencies
	// unless configured otherwise, security updates also raise indirect
	// ones (and their ancestors, "need to be updated together").
	secUpdateWords = lazyre.New(`(?i)^\[security\]|this update includes (?:a )?security fix|\bsecurity (?:update|fix|vulnerabilit)|\bCVE-\d{4}-\d{4,}|\bGHSA(?:-[0-9a-z]{4}){3}\b`)
	indirectDep    = lazyre.New(`(?m)^\s*dependency-type:\s*indirect\s*$`)
	dependabotBody = lazyre.New(`(?m)^\s*updated-dependencies:\s*$`)
)

// SecurityUpdateWording says why a bot commit is a security update, or "".
func SecurityUpdateWording(msg string) string {
	// Only the subject and the first lines speak for the update itself;
	// further down Dependabot quotes upstream release notes.
	head := msg
	if len(head) > 600 {
		head = head[:600]
	}
	if mayFold(head, "security", "cve-", "ghsa") {
		if m := secUpdateWords.FindString(head); m != "" {
			return strings.TrimSpace(m)
		}
	}
	if strings.Contains(msg, "dependency-type: indirect") && dependabotBody.MatchString(msg) && indirectDep.MatchString(msg) {
		return "raises an indirect dependency (dependency-type: indirect)"
	}
	return ""
}

var (
	advisoryID = lazyre.New(`\b(?:GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}|CVE-\d{4}-\d{4,7}|RUSTSEC-\d{4}-\d{4}|PYSEC-\d{4}-\d+|GO-\d{4}-\d{4}|SNYK-[A-Z]+-[A-Z0-9]+-\d+)\b`)
	// GitHub's merges of a private security fork.
	advisoryMerge = lazyre.New(`(?m)^Merge (?:pull request from GHSA-|commit from fork\b)`)
	// Explicit security wording in the subject.
	securityWords = lazyre.New(`(?i)^(?:sec|security|vuln)(?:\([^)]*\))?!?:|^[a-z]+\((?:sec|security|vuln[a-z]*|cve)\)!?:|\bsecurity[- ](?:fix|issue|vulnerabilit\w*|patch|bug|problem|flaw|hole|release)`)
	// A fix verb with a weakness class from the CWE vocabulary.
	fixVerb  = lazyre.New(`(?i)\b(?:fix\w*|prevent\w*|patch\w*|mitigat\w*|remediat\w*|address\w*|resolv\w*|protect\w*|avoid\w*|sanitiz\w*|escap\w*|harden\w*|disallow\w*|reject\w*)\b`)
	weakness = lazyre.New(`(?i)\b(?:vulnerabilit(?:y|ies)|xss|csrf|xsrf|ssrf|redos|polynomial[- ]regex\w*|catastrophic backtracking|inefficient regular expressions?|cross[- ]site|cross-domain|(?:sql|command|header|html|code|crlf|template) injection|path traversal|directory traversal|prototype pollution|open redirect|request smuggling|denial[- ]of[- ]service|(?:cookie|credential|secret|password|token)s? (?:leak\w*|disclosure|exposure)|information disclosure|remote code execution|\brce\b|timing attack|zip slip|xxe)`)
)

// tagChain matches the bracketed tags a subject starts with.
var tagChain = lazyre.New(`^(?:\s*\[[^\]\n]{1,40}\])+`)

// componentTags returns subj without its leading tags when there are two or
// more: a chain such as [Console][Security][Yaml] names the components a
// monorepo commit touches (Symfony's Security component among them), not
// a security fix. A lone [SECURITY] tag still reads as one.
// Version tags ([7.x], [2.3]) name a branch and do not count.
func componentTags(subj string) string {
	loc := tagChain.FindStringIndex(subj)
	if loc == nil {
		return subj
	}
	n := 0
	for _, t := range strings.Split(subj[:loc[1]], "]") {
		if t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "[")); t != "" && !versionTag.MatchString(t) {
			n++
		}
	}
	if n >= 2 {
		return subj[loc[1]:]
	}
	return subj
}

// affirmed reports whether re matches s somewhere not negated: "not a
// security fix" or "no security issue" says the opposite of a fix.
func affirmed(s string, re *lazyre.Regexp) bool {
	for _, loc := range re.FindAllStringIndex(s, 4) {
		if !negatedBefore.MatchString(s[:loc[0]]) {
			return true
		}
	}
	return false
}

// negatedBefore is a negation right before a match.
var negatedBefore = lazyre.New(`(?i)\b(?:not(?: an?)?|no|non|never|without)[- ]$`)

// securityTag reports whether the subject's leading tags mark it a
// security change: [SECURITY] alone or beside version tags. Tags are a
// prefix convention, so "[Security]" further on is prose, and a chain of
// components is the parts a commit touches (componentTags).
func securityTag(subj string) bool {
	lead := tagChain.FindString(subj)
	return lead != "" && componentTags(subj) == subj && securityTagRe.MatchString(lead)
}

// securityTagRe folds case as the other wording patterns do.
var securityTagRe = lazyre.New(`(?i)\[security\]`)

var versionTag = lazyre.New(`^v?\d+(?:\.(?:\d+|x))*$`)

// fixStems are the literals every fixVerb match contains.
var fixStems = []string{"fix", "prevent", "patch", "mitigat", "remediat", "address", "resolv", "protect", "avoid", "sanitiz", "escap", "harden", "disallow", "reject"}

// mayFold is a cheap guard before a case-insensitive expression: it reports
// whether s, lowercased, contains one of the lowercase words. Text with
// any non-ASCII byte always passes, since (?i) also folds some non-ASCII
// letters (KELVIN SIGN, LONG S) onto ASCII ones.
func mayFold(s string, words ...string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	l := strings.ToLower(s)
	for _, w := range words {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// SecurityFixWording says why a commit message reads as a security fix,
// and the advisory ids it names.
func SecurityFixWording(msg string) (string, []string) {
	subj := subject(msg)
	var ids []string
	if strings.Contains(msg, "GHSA-") || strings.Contains(msg, "CVE-") || strings.Contains(msg, "RUSTSEC-") ||
		strings.Contains(msg, "PYSEC-") || strings.Contains(msg, "GO-") || strings.Contains(msg, "SNYK-") {
		ids = uniq(advisoryID.FindAllString(msg, 8))
	}
	switch {
	case strings.Contains(msg, "Merge ") && advisoryMerge.MatchString(msg):
		return "advisory merge: " + textsafe.Truncate(textsafe.Clean(subj), 60), ids
	case len(ids) > 0:
		return "names " + strings.Join(ids, ", "), ids
	case securityTag(subj):
		return "security wording: [security] tag", nil
	}
	// Wording inside quotes is talked about, not used: "read 'report
	// security vulnerabilities to …' as a contact", "Revert "Fix XSS in
	// the form"".
	plain := unquoted(subj)
	if nonCodeChange.MatchString(plain) {
		// "docs: explain how vulnerability reports are triaged", "test:
		// cover the XSS escaping": the type says no shipped code changed.
		return "", nil
	}
	switch {
	case mayFold(plain, "sec", "vuln", "cve") && affirmed(componentTags(plain), securityWords):
		return "security wording: " + textsafe.Clean(securityWords.FindString(componentTags(plain))), nil
	case mayFold(plain, fixStems...):
		if w := fixedWeakness(plain); w != "" {
			return "fixes " + strings.ToLower(textsafe.Clean(w)), nil
		}
	}
	return "", nil
}

// nonCodeChange matches a conventional-commit type that changes no shipped
// code: documentation, tests, CI or formatting.
var nonCodeChange = lazyre.New(`(?i)^(?:docs?|tests?|ci|style)(?:\([^)]{0,40}\))?!?:`)

// quoteClose maps an opening quotation mark to its closing one.
var quoteClose = map[rune]rune{'"': '"', '`': '`', '\'': '\'', '‘': '’', '“': '”'}

// unquoted blanks the quoted spans of s that hold a phrase (three words or
// more): a subject quoting a message, a title or a commit talks about
// those words. A quoted term ("Fix "XSS" in the form") stays. A single
// quote opens only at the start or after a space or an opening
// punctuation mark and closes only before a space, a punctuation mark or
// the end, so apostrophes ("don't", "the user's") never pair.
func unquoted(s string) string {
	if !strings.ContainsAny(s, "\"`'‘“") {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		closer, ok := quoteClose[rs[i]]
		if ok && (rs[i] != '\'' || i == 0 || strings.ContainsRune(" ([{:,;=", rs[i-1])) {
			if j := quoteEnd(rs, i+1, closer); j > 0 && strings.Count(string(rs[i+1:j]), " ") >= 2 {
				b.WriteByte(' ')
				i = j
				continue
			}
		}
		b.WriteRune(rs[i])
	}
	return b.String()
}

// maxQuoted bounds the runes a quoted phrase may hold.
const maxQuoted = 300

// quoteEnd returns the index of the mark closing a quote opened before
// from, or -1.
func quoteEnd(rs []rune, from int, closer rune) int {
	// A quoted phrase is short; bounding the search keeps a hostile
	// subject of unclosed quotes linear.
	for j := from; j < len(rs) && j < from+maxQuoted; j++ {
		if rs[j] != closer {
			continue
		}
		if closer != '\'' || j+1 == len(rs) || strings.ContainsRune(" .,;:)]}!?", rs[j+1]) {
			return j
		}
	}
	return -1
}

// subjectMatter follows a weakness word that names what a feature is
// about rather than a flaw being fixed: "the linux vulnerabilities
// collector", "vulnerability report rendering", "XSS tests".
var subjectMatter = lazyre.New(`(?i)^\s+(?:collectors?|scann(?:er|ers|ing)|scans?|reports?|reporting|database|db|alerts?|checks?|checkers?|detect(?:ion|or|ors)|metrics?|information|info|data|feeds?|pages?|docs|documentation|polic(?:y|ies)|tracking|lists?|sections?|tests?|testing|status|dashboard|exporter|plugin)\b`)

// traversalMeans reports whether the weakness at w is a traversal named
// as the means of a change: walking a directory tree is also called
// directory traversal, so "enhance artist folder detection with directory
// traversal" (navidrome) searches parent folders and fixes no flaw. A
// problem noun before the preposition ("issue with path traversal") still
// names the flaw.
func traversalMeans(subj string, w []int) bool {
	if !strings.HasSuffix(strings.ToLower(subj[w[0]:w[1]]), "traversal") {
		return false
	}
	before := subj[:w[0]]
	return meansBefore.MatchString(before) && !problemWith.MatchString(before)
}

var (
	meansBefore = lazyre.New(`(?i)\b(?:with|using|via|by|through)\s+(?:(?:a|an|the|recursive|upward|parent)\s+)?$`)
	problemWith = lazyre.New(`(?i)\b(?:issues?|bugs?|problems?|flaws?|vulnerabilit(?:y|ies)|risks?|attacks?|exploits?)\s+(?:with|using|via|by|through)\s+(?:(?:a|an|the)\s+)?$`)
)

// conditionClause opens a clause that says when the fixed bug happens:
// "Fix update failing when locked packages contain vulnerabilities" fixes
// the update, and the vulnerabilities are the condition, not the fix.
var conditionClause = lazyre.New(`(?i)\b(?:when|whenever|if|while|unless)\b`)

// fixedWeakness returns the weakness a fix verb in subj fixes: one that
// follows the verb without a condition clause between them, or stands
// right before it ("XSS fix", "ReDoS patched"). A verb further on fixes
// something else ("..., fixes #12634").
func fixedWeakness(subj string) string {
	verbs := fixVerb.FindAllStringIndex(subj, 8)
	if verbs == nil {
		return ""
	}
	for _, w := range weakness.FindAllStringIndex(subj, 8) {
		if subjectMatter.MatchString(subj[w[1]:]) || traversalMeans(subj, w) {
			continue
		}
		for _, v := range verbs {
			if w[1] <= v[0] && strings.Trim(subj[w[1]:v[0]], " -:") == "" || v[1] <= w[0] && !conditionClause.MatchString(subj[v[1]:w[0]]) {
				return subj[w[0]:w[1]]
			}
		}
	}
	return ""
}

var (
	prRef       = lazyre.New(`\(#(\d{1,7})\)|^Merge pull request #(\d{1,7}) `)
	backportPR  = lazyre.New(`(?i)\bback-?port\w*\b[^\n]*`)
	hashRef     = lazyre.New(`#(\d{1,7})\b`)
	cherryPick  = lazyre.New(`\(cherry picked from commit ([0-9a-f]{7,40})\)`)
	versionPref = lazyre.New(`^(?:\[[^\]]{1,20}\]\s*|(?:back-?port|cherry-pick)\w*[:\s]+)+`)
	prSuffix    = lazyre.New(`(?:\s*\(#\d+\))+\s*$`)
)

// prNumbers returns the pull-request numbers a commit's subject says it
// merged.
func prNumbers(msg string) []int {
	var out []int
	for _, m := range prRef.FindAllStringSubmatch(subject(msg), 4) {
		v := m[1]
		if v == "" {
			v = m[2]
		}
		if n, err := strconv.Atoi(v); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// backportRefs returns the pull requests a "backport #N" subject names and
// the commits a cherry-pick trailer names.
func backportRefs(msg string) ([]int, []string) {
	var prs []int
	if m := backportPR.FindString(subject(msg)); m != "" {
		own := prNumbers(msg)
		for _, r := range hashRef.FindAllStringSubmatch(m, 8) {
			if n, err := strconv.Atoi(r[1]); err == nil && !slices.Contains(own, n) {
				prs = append(prs, n)
			}
		}
	}
	var hashes []string
	for _, m := range cherryPick.FindAllStringSubmatch(msg, 4) {
		hashes = append(hashes, m[1])
	}
	return prs, hashes
}

func subject(msg string) string {
	s, _, _ := strings.Cut(strings.TrimLeft(msg, "\n"), "\n")
	return strings.TrimSpace(s)
}

func uniq(in []string) []string {
	var out []string
	for _, s := range in {
		s = strings.ToUpper(s)
		if s[:4] == "GHSA" {
			s = "GHSA" + strings.ToLower(s[4:])
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// groupKey ties a fix to its backports: the first advisory id, else the
// subject without version-line prefixes and pull-request suffixes.
func groupKey(c *object.Commit, ids []string) string {
	if len(ids) > 0 {
		return ids[0]
	}
	if s := normSubject(subject(c.Message)); s != "" {
		return s
	}
	if s := mergedTitle(c); s != "" {
		return s
	}
	return c.Hash.String()
}

// mergedTitle is the normalised title of the change a merge brings in: the
// first line of its body, without a list bullet. GitHub squashes a private
// advisory fork into one single-parent commit, "Merge commit from fork",
// whose body lists the squashed commits ("* Apply limits in QueryParser");
// every release line gets such a commit with the same body, so the title
// is what ties the copies together. "" for a commit that is no merge.
func mergedTitle(c *object.Commit) string {
	if len(c.ParentHashes) < 2 && !strings.HasPrefix(subject(c.Message), "Merge ") {
		return ""
	}
	_, body, _ := strings.Cut(strings.TrimLeft(c.Message, "\n"), "\n")
	t := subject(body)
	t = strings.TrimSpace(strings.TrimLeft(t, "*-"))
	if strings.HasPrefix(t, "Merge ") {
		return ""
	}
	return normSubject(t)
}

// normSubject is a subject without version-line prefixes ("[7.x]",
// "backport:") and pull-request suffixes, lower-cased; "" when too short
// or generic to tie two commits together.
func normSubject(subj string) string {
	s := strings.ToLower(subj)
	s = versionPref.ReplaceAllString(s, "")
	s = prSuffix.ReplaceAllString(s, "")
	s = strings.Join(strings.Fields(s), " ")
	if len(s) < 16 || strings.HasPrefix(s, "merge ") || strings.HasPrefix(s, "revert") {
		return ""
	}
	return s
}

// aliases are the subjects a fix's backports may carry: its own, and for
// a merge the title of the merged change (the first line of the body).
func aliases(c *object.Commit) []string {
	var out []string
	if k := normSubject(subject(c.Message)); k != "" {
		out = append(out, k)
	}
	if k := mergedTitle(c); k != "" && !slices.Contains(out, k) {
		out = append(out, k)
	}
	return out
}

// Product-source classification: a fix must change something that ships.
var (
	manifestNames = map[string]bool{
		"go.mod": true, "go.sum": true, "go.work": true, "go.work.sum": true, "package.json": true, "package-lock.json": true,
		"npm-shrinkwrap.json": true, "yarn.lock": true, "pnpm-lock.yaml": true, "bun.lockb": true, "cargo.toml": true, "cargo.lock": true,
		"pipfile": true, "pipfile.lock": true, "poetry.lock": true, "uv.lock": true, "pyproject.toml": true, "setup.cfg": true, "setup.py": true,
		"composer.json": true, "composer.lock": true, "gemfile": true, "gemfile.lock": true, "pom.xml": true, "build.gradle": true,
		"build.gradle.kts": true, "gradle.lockfile": true, "libs.versions.toml": true, "mix.exs": true, "mix.lock": true,
		"package.swift": true, "package.resolved": true, "build.sbt": true, "podfile": true, "podfile.lock": true,
		"directory.packages.props": true, "packages.config": true, "vcpkg.json": true, "conanfile.txt": true,
		"packages.lock.json": true, "deny.toml": true, "vendor.json": true, "pubspec.lock": true, "pubspec.yaml": true,
		"changelog": true, "license": true, "authors": true, ".gitignore": true, ".gitattributes": true, ".editorconfig": true,
		".travis.yml": true, ".gitlab-ci.yml": true, "appveyor.yml": true, "azure-pipelines.yml": true, "codecov.yml": true,
	}
	// src/site/ is Maven's standard directory for the project's web site
	// (its security page included), so a commit there documents an
	// advisory rather than fixing one.
	nonProductDirs = []string{".github/", ".gitlab/", ".circleci/", "ci/", ".ci/", "docs/", "doc/", "test/", "tests/", "spec/",
		"__tests__/", "testdata/", "examples/", "example/", "vendor/", "node_modules/", "requirements/", "benchmarks/", "bench/",
		"src/site/"}
	docExt = map[string]bool{".md": true, ".rst": true, ".txt": true, ".adoc": true, ".lock": true}
	// manifestExt are dependency manifests named after the package.
	manifestExt = map[string]bool{".gemspec": true, ".csproj": true, ".fsproj": true, ".vbproj": true, ".nuspec": true}
	testName    = lazyre.New(`(?i)(?:_test\.\w+|\.(?:spec|test)\.[jt]sx?|^test_[^/]*\.py|Test\.(?:java|kt|php))$`)
)

// projectDocNames are the conventional names of a project's documents,
// often written without an extension (redis' CONTRIBUTING, GNU's NEWS and
// THANKS).
var projectDocNames = map[string]bool{
	"readme": true, "contributing": true, "authors": true, "contributors": true, "news": true, "copying": true,
	"install": true, "thanks": true, "todo": true, "maintainers": true, "codeowners": true, "notice": true,
	"security": true, "support": true, "bugs": true, "copyright": true, "credits": true, "governance": true,
	"code_of_conduct": true, "releasing": true, "upgrading": true,
}

// notDependency are the manifestNames entries that are documents, git
// settings or CI, not a statement of what the product depends on.
var notDependency = map[string]bool{
	"changelog": true, "license": true, "authors": true, ".gitignore": true, ".gitattributes": true, ".editorconfig": true,
	".travis.yml": true, ".gitlab-ci.yml": true, "appveyor.yml": true, "azure-pipelines.yml": true, "codecov.yml": true,
}

// dependencyFile reports whether a changed path says which components the
// product uses: a dependency manifest or lockfile, or vendored code.
func dependencyFile(p string) bool {
	lb := strings.ToLower(path.Base(p))
	if notDependency[lb] {
		return false
	}
	ext := path.Ext(lb)
	if manifestNames[lb] || manifestExt[ext] || ext == ".lock" || strings.HasPrefix(lb, "requirements") || strings.HasPrefix(lb, "constraints") {
		return true
	}
	for _, d := range []string{"vendor/", "node_modules/", "requirements/"} {
		if strings.HasPrefix(p, d) || strings.Contains(p, "/"+d) {
			return true
		}
	}
	return false
}

// ProductSource reports whether a changed path is product source: not a
// dependency manifest or lockfile, documentation, CI, tests or examples.
func ProductSource(p string) bool {
	base := path.Base(p)
	lb := strings.ToLower(base)
	if manifestNames[lb] || strings.HasPrefix(lb, "requirements") || strings.HasPrefix(lb, "constraints") ||
		strings.HasPrefix(lb, "changelog") || strings.HasPrefix(lb, "changes") || strings.HasPrefix(lb, "history") || strings.HasPrefix(lb, "license") {
		return false
	}
	if ext := strings.ToLower(path.Ext(base)); docExt[ext] || manifestExt[ext] || testName.MatchString(base) {
		return false
	}
	if dir := path.Dir(p); !strings.Contains(base, ".") && projectDocNames[lb] && (dir == "." || path.Base(dir) == "doc" || path.Base(dir) == "docs") {
		return false // CONTRIBUTING, AUTHORS, NEWS at the root: documents without an extension
	}
	for _, d := range nonProductDirs {
		if strings.HasPrefix(p, d) || strings.Contains(p, "/"+d) {
			return false
		}
	}
	return true
}

// changedPaths returns the paths a commit changed against its first parent
// (every path for a root commit), at most max.
func changedPaths(c *object.Commit, max int) ([]string, error) {
	t, err := c.Tree()
	if err != nil {
		return nil, err
	}
	var pt *object.Tree
	if len(c.ParentHashes) > 0 {
		p, err := c.Parent(0)
		if err != nil {
			return nil, err
		}
		if pt, err = p.Tree(); err != nil {
			return nil, err
		}
	}
	changes, err := object.DiffTree(pt, t)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, ch := range changes {
		if len(out) >= max {
			break
		}
		name := ch.To.Name
		if name == "" {
			name = ch.From.Name
		}
		out = append(out, name)
	}
	return out, nil
}

// preRelease marks nightlies and development snapshots, which are not
// releases. Release candidates are: a fix in an rc has shipped on a line
// still in pre-release.
var preRelease = lazyre.New(`(?i)(?:nightly|snapshot|-dev|\.dev|canary)`)

// tagVersionRe takes the version at the end of a release tag's name:
// v1.2.3, 1.2, tool/v1.2.3, release-1.2.3. RubyGems spells a security
// patch with a fourth part (v2.2.8.1) and a pre-release with a dot
// (3.0.0.beta1); both are read too, so that such a tag still names its
// release line.
var tagVersionRe = lazyre.New(`(?:^|[^\d.])v?(\d+(?:\.\d+){0,2})(?:\.\d+)?(?:-([0-9A-Za-z.-]+)|\.((?:alpha|beta|pre|rc)[0-9A-Za-z.]*))?(?:\+[0-9A-Za-z.-]+)?$`)

// tagVersion reads a release tag's name as a canonical semantic version
// ("v1.2.0", "v1.7.0-rc.0"), or "" when it names none. A fourth numeric
// part is dropped: v2.2.8.1 reads as v2.2.8, on the same line and never
// newer than it.
func tagVersion(name string) string {
	m := tagVersionRe.FindStringSubmatch(tagname.Dotted(name))
	if m == nil {
		return ""
	}
	v := "v" + m[1]
	// semver takes a pre-release only after all three parts: "7.4-rc1"
	// is v7.4.0-rc1.
	for strings.Count(v, ".") < 2 {
		v += ".0"
	}
	if pre := m[2] + m[3]; pre != "" {
		v += "-" + pre
	}
	return semver.Canonical(v)
}

type relTag struct {
	name string
	when time.Time
	node int32
}

// releaseTags returns release tags present in the graph, oldest first.
func (s *scanner) releaseTags(tags []source.Tag) []relTag {
	var out []relTag
	for _, t := range tags {
		if !tagname.IsVersion(t.Name) || preRelease.MatchString(t.Name) {
			continue
		}
		i, ok := s.g.index[plumbing.NewHash(t.Commit)]
		if !ok || s.g.nodes[i].when < 0 {
			continue
		}
		out = append(out, relTag{name: t.Name, when: t.Date, node: i})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].when.Before(out[j].when) })
	return out
}

// firstTag returns the oldest release tag whose commit has fix as an
// ancestor. The search from each tag stops at commits older than the fix,
// and commits already seen from an earlier tag are not walked again, so a
// fix costs at most one pass over the commits newer than it.
func (s *scanner) firstTag(fix int32, tags []relTag) (relTag, bool) {
	floor := s.g.nodes[fix].when - int64(tagSkew/time.Second)
	seen := map[int32]bool{}
	fixWhen := time.Unix(s.g.nodes[fix].when, 0)
	var stack []int32
	for _, t := range tags {
		if t.when.Before(fixWhen.Add(-tagSkew)) {
			continue
		}
		stack = append(stack[:0], t.node)
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if n == fix {
				return t, true
			}
			if seen[n] {
				continue
			}
			seen[n] = true
			nd := s.g.nodes[n]
			if nd.when >= 0 && nd.when < floor {
				continue
			}
			stack = append(stack, nd.parents...)
		}
	}
	return relTag{}, false
}

// offLine reports whether an untagged fix lies off every release line: it
// is not an ancestor of head, and no release tag is among its ancestors
// that head lacks. The walk stops on head's ancestors, so it covers only
// the commits of the fix's own branch. Unknown (false) when head is not
// in the scanned graph.
func (s *scanner) offLine(fix int32, tagged map[int32]bool, onHead func() []bool) bool {
	anc := onHead()
	if anc == nil || anc[fix] {
		return false
	}
	seen := map[int32]bool{}
	stack := []int32{fix}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[n] || anc[n] {
			continue
		}
		seen[n] = true
		if tagged[n] {
			return false
		}
		stack = append(stack, s.g.nodes[n].parents...)
	}
	return true
}

// ancestors marks every scanned commit reachable from head, head included.
func (s *scanner) ancestors(head plumbing.Hash) []bool {
	h, ok := s.g.index[head]
	if !ok {
		return nil
	}
	anc := make([]bool, len(s.g.nodes))
	stack := []int32{h}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if anc[n] {
			continue
		}
		anc[n] = true
		stack = append(stack, s.g.nodes[n].parents...)
	}
	return anc
}

// securityFixes turns the candidates, backports and changelog links into
// the security-fix fact. head is the assessed commit, which decides which
// untagged fixes lie off every release line.
func (s *scanner) ownFixes(tags []source.Tag, changelog []changelogLink, head plumbing.Hash) evidence.OwnSecurityFixes {
	out := evidence.OwnSecurityFixes{Scan: s.scan}
	rel := s.releaseTags(tags)
	tagged := map[int32]bool{}
	for _, t := range rel {
		tagged[t.node] = true
	}
	var headAnc []bool
	onHead := func() []bool {
		if headAnc == nil {
			headAnc = s.ancestors(head)
		}
		return headAnc
	}
	out.ReleaseTags = len(rel)
	// opens holds the release tags that are the first of their line
	// (major.minor): rel is oldest first.
	opens := map[string]bool{}
	lines := map[string]bool{}
	for _, t := range rel {
		if v := tagVersion(t.name); v != "" && !lines[semver.MajorMinor(v)] {
			lines[semver.MajorMinor(v)] = true
			opens[t.name] = true
		}
	}
	byHash := map[plumbing.Hash]int{}
	var found []*object.Commit // parallel to out.Fixes
	var prs = map[int]string{} // pull request of a fix -> its group
	add := func(c *object.Commit, why string, ids []string, group, cl string) {
		if _, dup := byHash[c.Hash]; dup {
			return
		}
		paths, err := changedPaths(c, 500)
		if err != nil {
			return
		}
		if !slices.ContainsFunc(paths, ProductSource) {
			// Only a change to what the product depends on is a
			// component's update; a commit that documents the product's
			// own advisory (a security page, a changelog) is neither a fix
			// nor a component's, so it is left out of both.
			if (len(ids) > 0 || cl != "") && slices.ContainsFunc(paths, dependencyFile) {
				out.DependencyOnly++
				if len(out.DependencyOnlyCommits) < maxFixCandidates {
					out.DependencyOnlyCommits = append(out.DependencyOnlyCommits, c.Hash.String())
				}
			}
			return
		}
		if group == "" {
			group = groupKey(c, ids)
		}
		f := evidence.OwnFix{
			Commit: c.Hash.String(), When: c.Committer.When, Why: why, IDs: ids, Group: group, Changelog: cl,
			Subject: textsafe.Truncate(textsafe.Clean(subject(c.Message)), 120),
		}
		if t, ok := s.firstTag(s.g.index[c.Hash], rel); ok {
			f.Tag, f.TagDate, f.TagVersion, f.TagOpensLine = t.name, t.when, tagVersion(t.name), opens[t.name]
		} else {
			f.OffReleaseLine = s.offLine(s.g.index[c.Hash], tagged, onHead)
		}
		byHash[c.Hash] = len(out.Fixes)
		out.Fixes = append(out.Fixes, f)
		found = append(found, c)
		for _, n := range prNumbers(c.Message) {
			prs[n] = group
		}
	}
	for _, cd := range s.cands {
		add(cd.c, cd.why, cd.ids, "", "")
	}
	// listed is, per advisory id, the oldest release the changelog lists
	// it under.
	listed := map[string]relTag{}
	for _, l := range changelog {
		cs := s.linked(l.prs, l.hashes)
		if t, ok := tagForVersion(rel, l.version); ok {
			for _, id := range l.ids {
				if o, seen := listed[id]; !seen || t.when.Before(o.when) {
					listed[id] = t
				}
			}
		}
		for _, c := range cs {
			add(c, "security-labelled changelog entry", l.ids, "", l.where)
		}
		if len(cs) == 0 && len(l.prs)+len(l.hashes) > 0 && len(out.Unlinked) < 20 {
			// The fix shipped in the release the entry is listed under,
			// but its commit cannot be found (squashed from a private
			// advisory fork, rewritten): the release is dated, the fix
			// is not.
			if t, ok := tagForVersion(rel, l.version); ok {
				out.Unlinked = append(out.Unlinked, evidence.UnlinkedFix{Changelog: l.where, IDs: l.ids, Tag: t.name, TagDate: t.when})
			}
		}
	}
	for i, f := range out.Fixes {
		for _, id := range f.IDs {
			if t, ok := listed[id]; ok && (out.Fixes[i].ListedTag == "" || t.when.Before(out.Fixes[i].ListedTagDate)) {
				out.Fixes[i].ListedTag, out.Fixes[i].ListedTagDate = t.name, t.when
			}
		}
	}
	// Subjects shared with a fix: the same change on another line.
	for i, fc := range slices.Clone(found) {
		group := out.Fixes[i].Group
		for _, a := range aliases(fc) {
			for _, n := range s.subjects[a] {
				if _, dup := byHash[s.g.hash[n]]; dup {
					continue
				}
				if c, err := s.commit(n); err == nil {
					add(c, "same change as "+fc.Hash.String()[:10], nil, group, "")
				}
			}
		}
	}
	for _, b := range s.backports {
		group := ""
		for _, n := range b.prs {
			if g, ok := prs[n]; ok {
				group = g
			}
		}
		for _, h := range b.hashes {
			for _, f := range out.Fixes {
				if strings.HasPrefix(f.Commit, h) {
					group = f.Group
				}
			}
		}
		if group != "" {
			add(b.c, "backport of a security fix", nil, group, "")
		}
	}
	sort.SliceStable(out.Fixes, func(i, j int) bool { return out.Fixes[i].When.After(out.Fixes[j].When) })
	if slices.ContainsFunc(out.Fixes, func(f evidence.OwnFix) bool { return f.Tag == "" }) {
		if anc := onHead(); anc != nil {
			for _, t := range rel {
				if v := tagVersion(t.name); v != "" && anc[t.node] && (out.HeadVersion == "" || semver.Compare(v, out.HeadVersion) > 0) {
					out.HeadVersion = v
				}
			}
		}
	}
	return out
}

// linked resolves pull-request numbers and abbreviated hashes to scanned
// commits.
func (s *scanner) linked(prs []int, hashes []string) []*object.Commit {
	var ids []int32
	for _, n := range prs {
		ids = append(ids, s.prIndex[n]...)
	}
	for _, h := range hashes {
		if len(h) >= 7 {
			if n, ok := s.short[h[:7]]; ok && strings.HasPrefix(s.g.hash[n].String(), h) {
				ids = append(ids, n)
			}
		}
	}
	var out []*object.Commit
	for _, n := range ids {
		if c, err := s.commit(n); err == nil {
			out = append(out, c)
		}
	}
	return out
}

// changelogLink is a security-labelled changelog entry and what it points
// at.
type changelogLink struct {
	where string // path:line
	// version is the release the entry is listed under: the version in
	// the nearest heading above it ("## [3.1.0] (2022-03-08)").
	version string
	prs     []int
	hashes  []string
	ids     []string
}

// changelogFiles are the names a changelog goes by, at the root or one
// directory down (a workspace member's own changelog).
var changelogFiles = lazyre.New(`(?i)^(?:[^/]+/)?(?:changelog|changes|history|news|release[-_]?notes)(?:\.md|\.rst|\.txt|\.markdown)?$`)

var (
	clSecHeading = lazyre.New(`(?i)^\s*#{2,6}\s*(?:\S+\s+)?security\b`)
	// clMixedHeading is a security heading shared with other kinds of
	// change ("Security, performance improvements and bug fixes"): its
	// entries are security fixes only when they say so themselves.
	clMixedHeading = lazyre.New(`(?i)^\s*#{2,6}\s*(?:\S+\s+)?security\b[^\n]*(?:,|&|\+|/|\band\b)`)
	clAnyHeading   = lazyre.New(`^\s*#{1,6}\s|^[=~^-]{3,}\s*$`)
	// clNonCodeHeading heads changes to no shipped code ("### 📚
	// Documentation", "## Tests", "### Chores"): an entry there is a
	// security fix only when it names an advisory.
	clNonCodeHeading = lazyre.New(`(?i)^\s*#{1,6}\s*(?:\S+\s+)?(?:docs?|documentation|tests?|testing|ci|chores?|automation)\s*$`)
	clSecLabel       = lazyre.New(`(?i)\*\*(?:sec|security|vulnerabilit\w*|cve)[^*]{0,20}:?\*\*|:ghsa:|\bGHSA(?:-[0-9a-z]{4}){3}\b|\bCVE-\d{4}-\d{4,}|\bsecurity (?:fix|issue|vulnerabilit\w*)`)
	clBullet         = lazyre.New(`^\s*[-*+]\s`)
	// clVersion is the release version a changelog heading names.
	clVersion     = lazyre.New(`^\s*#{1,6}\s*\[?v?(\d+\.\d+(?:\.\d+)*(?:[-.][0-9A-Za-z.]+)?)\b`)
	clPR          = lazyre.New(`(?:pull/|issues/|\[#|\(#|\s#)(\d{1,7})\b`)
	clHash        = lazyre.New(`(?:commit/|\[|\()([0-9a-f]{7,40})\b`)
	maxChangelogs = 20
)

// ChangelogLinks finds security-labelled changelog entries: entries under a
// "Security" heading, or entries labelled security, naming an advisory or
// saying "security fix". It returns where each is and the pull requests and
// commits it cites.
func ChangelogLinks(p string, data []byte) []changelogLink {
	lines := strings.Split(string(data), "\n")
	var out []changelogLink
	inSec, mixed, nonCode := false, false, false
	version := ""
	for i := 0; i < len(lines) && len(out) < 200; i++ {
		l := lines[i]
		if m := clVersion.FindStringSubmatch(l); m != nil {
			version = m[1]
		}
		if clAnyHeading.MatchString(l) {
			inSec = clSecHeading.MatchString(l)
			mixed = inSec && clMixedHeading.MatchString(l)
			nonCode = clNonCodeHeading.MatchString(l)
			continue
		}
		if !clBullet.MatchString(l) && !clSecLabel.MatchString(l) {
			continue
		}
		labelled := clSecLabel.MatchString(l)
		if !labelled && (!inSec || mixed && !weakness.MatchString(l)) {
			continue
		}
		// The entry runs to the next bullet or heading, at most 12 lines.
		text := l
		for j := i + 1; j < len(lines) && j < i+12; j++ {
			if clBullet.MatchString(lines[j]) || clAnyHeading.MatchString(lines[j]) {
				break
			}
			text += "\n" + lines[j]
		}
		link := changelogLink{where: fmt.Sprintf("%s:%d", p, i+1), ids: uniq(advisoryID.FindAllString(text, 4)), version: version}
		if nonCode && len(link.ids) == 0 {
			continue // "add FAQ explainer for security vulnerability reports" under Documentation
		}
		for _, m := range clPR.FindAllStringSubmatch(text, 6) {
			if n, err := strconv.Atoi(m[1]); err == nil {
				link.prs = append(link.prs, n)
			}
		}
		for _, m := range clHash.FindAllStringSubmatch(text, 4) {
			link.hashes = append(link.hashes, m[1])
		}
		// An entry that cites neither still dates the advisories it
		// names: they shipped in the release it is listed under.
		if len(link.prs)+len(link.hashes) > 0 || len(link.ids) > 0 {
			out = append(out, link)
		}
	}
	return out
}

// readChangelogs reads the changelogs in the tree, bounded in number and
// size.
func readChangelogs(t *source.Tree) []changelogLink {
	if t == nil {
		return nil
	}
	var out []changelogLink
	n := 0
	for _, e := range t.Find(func(p string) bool { return changelogFiles.MatchString(p) }) {
		if n >= maxChangelogs {
			break
		}
		n++
		data, err := t.ReadFile(e.Path, 4<<20)
		if err != nil {
			continue
		}
		out = append(out, ChangelogLinks(e.Path, data)...)
	}
	return out
}

// tagForVersion finds the release tag of a changelog version: the tag
// whose name, after any prefix such as v or name-, is that version.
func tagForVersion(rel []relTag, version string) (relTag, bool) {
	if version == "" {
		return relTag{}, false
	}
	for _, t := range rel {
		n := t.name
		if i := strings.LastIndexAny(n, "/-_"); i >= 0 && !strings.ContainsAny(version, "-_") {
			n = n[i+1:]
		}
		if strings.TrimPrefix(n, "v") == version {
			return t, true
		}
	}
	return relTag{}, false
}
