// Package securitypolicy analyses a SECURITY.md (Markdown or plain text)
// for what a vulnerability disclosure policy should say: how to report
// privately, whether reports can be encrypted, which versions get fixes, how
// fast the project responds, when it discloses, and whether researchers are
// protected.
//
// The analysis is heuristic and line-oriented. Text is split into blocks
// (paragraphs, list items, table rows, headings, code lines) and sentences;
// cues must co-occur within one sentence ("respond" + "within 3 working
// days"). HTML comments are ignored. Every finding carries the 1-based line
// it was found on. Input is hostile: stored headings and contacts are capped
// and all matching is done with linear-time regular expressions.
package securitypolicy

import (
	"bytes"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/textsafe"
)

// The analysis produces evidence's vocabulary directly: the fact is
// defined once, where rules read it.
type (
	Policy      = evidence.PolicyAnalysis
	Contact     = evidence.PolicyContact
	ContactKind = evidence.ContactKind
	Pointer     = evidence.PolicyPointer
	Heading     = evidence.PolicyHeading
)

// Limits.
const (
	// MaxHeadings caps Policy.Headings.
	MaxHeadings = 500
	// MaxContacts caps Policy.Contacts.
	MaxContacts = 200
	// MaxPointers caps Policy.Pointers.
	MaxPointers = 20
	// maxHeadingLen and maxValueLen cap stored strings in bytes.
	maxHeadingLen = 200
	maxValueLen   = 512
	// maxUnitLines caps lines joined into one block, bounding sentence length.
	maxUnitLines = 200
	maxRefDefs   = 1000
	maxLabelLen  = 200
	// maxCandidates caps contact candidates before de-duplication.
	maxCandidates = 5000
)

// Analyze analyses a SECURITY.md file. It never fails.
func Analyze(data []byte) Policy {
	p := Policy{}
	d := &doc{defs: map[string]*refDef{}}
	b := &builder{d: d, p: &p}
	n := 0
	for rest := data; len(rest) > 0; {
		var line []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			line, rest = rest, nil
		}
		n++
		line = bytes.TrimSuffix(line, []byte("\r"))
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		}
		b.line(n, string(line))
	}
	b.flush()
	p.Lines = n
	p.Empty = b.bodyWords == 0

	a := &analyzer{d: d, p: &p}
	a.prepare()
	a.run()
	return p
}

// table notes a supported-versions table row: a row naming versions and
// their support status.
func noteVersionTable(p *Policy, n int, t string) {
	if p.SupportedVersions || strings.Count(t, "|") < 2 {
		return
	}
	l := strings.ToLower(t)
	if strings.Contains(l, "version") && (strings.Contains(l, "support") || strings.Contains(l, "maintain") ||
		strings.Contains(l, "security") || strings.Contains(l, "end of life") || strings.Contains(l, "eol")) {
		p.SupportedVersions, p.SupportedVersionsLine = true, n
	}
}

type analyzer struct {
	d     *doc
	p     *Policy
	urls  []span
	cands []candidate
}

// candidate is a possible contact, collected from all passes and then
// de-duplicated in document order.
type candidate struct {
	line, off int
	kind      ContactKind
	value     string
	// generic candidates come from wording alone (or a documentation link);
	// only the first of a kind is kept, and none where the same sentence
	// has a specific link of that kind.
	generic  bool
	sentence int // -1 when unknown
}

type span struct{ start, end int }

var (
	urlRe = lazyre.New(`(?i)(?:https?://|mailto:)[^\s<>()"'\x60\x00]+`)
	// Patterns avoid large bounded repeats ({0,63}): they multiply the
	// size of the compiled program and so the matching time. Lengths are
	// checked after matching instead.
	emailRe = lazyre.New(`(?i)[a-z0-9][a-z0-9._%+-]*@[a-z0-9](?:[a-z0-9-]*\.)+[a-z][a-z0-9-]+\b`)
	// "security [at] example [dot] org" and similar.
	obfuscatedRe = lazyre.New(`(?i)\b([a-z0-9][a-z0-9._%+-]*)\s*[\[({<]\s*at\s*[\])}>]\s*([a-z0-9-]+(?:\s*(?:[\[({<]\s*dot\s*[\])}>]|\.)\s*[a-z0-9-]+)+)`)
	atTokenRe    = lazyre.New(`(?i)[\[({<]\s*at\s*[\])}>]`)
	// "support at example.io", "security AT example DOT org": the word
	// "at" without brackets. Prose is full of "at" before a host name
	// ("the website at mochajs.org"), so bareAddress decides which
	// matches are addresses. Unlike the bracketed form, the dots of the
	// domain may not have spaces around them, so "files at once. Set"
	// is no address.
	bareAtTokenRe = lazyre.New(`\s(?:at|AT)\s`)
	bareAtRe      = lazyre.New(`\b([A-Za-z0-9][A-Za-z0-9._%+-]*)\s+(at|AT)\s+([A-Za-z0-9-]+(?:(?:\s+(?:dot|DOT)\s+|\s*[\[({<]\s*(?:dot|DOT)\s*[\])}>]\s*|\.)[A-Za-z0-9-]+)+)`)
	spelledDotRe  = lazyre.New(`(?:\s+(?:dot|DOT)\s+|\s*[\[({<]\s*(?:dot|DOT)\s*[\])}>]\s*)`)
	dotRe         = lazyre.New(`(?i)\s*(?:[\[({<]\s*dot\s*[\])}>]|\.)\s*`)
	refUseRe      = lazyre.New(`\[([^\[\]\x00]+)\](?:\[([^\[\]\x00]*)\])?`)
)

// prepare builds the phrase view: lowercased, with URLs, e-mail addresses,
// emphasis markers and code backticks blanked, then finds sentence ends.
func (a *analyzer) prepare() {
	d := a.d
	d.view = make([]byte, len(d.raw))
	for i, c := range d.raw {
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c == '*' || c == '`':
			c = ' '
		}
		d.view[i] = c
	}
	for _, m := range findAll(urlRe, d.raw, d.view, "http", "mailto") {
		m[1] = m[0] + len(trimURL(string(d.raw[m[0]:m[1]])))
		a.urls = append(a.urls, span{m[0], m[1]})
		blank(d.view, m[0], m[1])
	}
	// E-mails are found with URLs blanked, so addresses inside URLs
	// (https://host/@user, user@host in URLs) are not mistaken for contacts.
	for _, m := range findAll(emailRe, d.view, d.view, "@") {
		blank(d.view, m[0], m[1])
	}
	// Code is not policy wording: addresses and links shown in code
	// blocks still count (they were taken from raw), but no phrase or
	// timeline is read from code.
	for _, u := range d.units {
		if u.kind == unitCode {
			blank(d.view, u.start, u.end)
		}
	}
	d.computeSentences()
}

func blank(b []byte, start, end int) {
	for i := start; i < end; i++ {
		if b[i] != 0 && b[i] != '\n' {
			b[i] = ' '
		}
	}
}

// trimURL drops trailing punctuation that belongs to the sentence, and
// closing brackets that close Markdown link text rather than the URL.
func trimURL(u string) string {
	opening, closing := strings.Count(u, "["), strings.Count(u, "]")
	for len(u) > 0 {
		switch c := u[len(u)-1]; {
		case strings.IndexByte(".,;:!?*_'\"~", c) >= 0:
		case c == ']' && closing > opening:
			closing--
		default:
			return u
		}
		u = u[:len(u)-1]
	}
	return u
}

func (a *analyzer) run() {
	d := a.d
	for _, s := range a.urls {
		a.link(s.start, string(d.raw[s.start:s.end]))
	}
	// Reference-style links: [text][label] or [label] resolved to a
	// definition "[label]: url" elsewhere in the file.
	for _, m := range refUseRe.FindAllSubmatchIndex(d.raw, -1) {
		if m[1] < len(d.raw) && (d.raw[m[1]] == '(' || d.raw[m[1]] == ':') {
			continue
		}
		label := d.raw[m[2]:m[3]]
		if m[4] >= 0 && m[5] > m[4] {
			label = d.raw[m[4]:m[5]]
		}
		if len(label) > maxLabelLen {
			continue
		}
		if def, ok := d.defs[normLabel(string(label))]; ok {
			def.used = true
			a.link(m[0], def.url)
		}
	}
	// Definitions never used: classify them on their own line, with their
	// label as context.
	for _, def := range d.defs {
		if !def.used {
			a.classifyURL(def.url, strings.ToLower(def.label), def.line, len(d.raw), -1)
		}
	}
	a.emails()
	a.phrases()
	a.addContacts()
	a.flags()
}

// addContacts de-duplicates candidates in document order.
func (a *analyzer) addContacts() {
	sort.SliceStable(a.cands, func(i, j int) bool {
		if a.cands[i].line != a.cands[j].line {
			return a.cands[i].line < a.cands[j].line
		}
		return a.cands[i].off < a.cands[j].off
	})
	type ks struct {
		kind     ContactKind
		sentence int
	}
	specific := map[ks]bool{}
	for _, c := range a.cands {
		if !c.generic && c.sentence >= 0 {
			specific[ks{c.kind, c.sentence}] = true
		}
	}
	seen := map[string]bool{}
	kindSeen := map[ContactKind]bool{}
	for _, c := range a.cands {
		if len(a.p.Contacts) >= MaxContacts {
			return
		}
		key := string(c.kind) + "\x00" + strings.ToLower(c.value)
		if c.generic {
			if kindSeen[c.kind] || (c.sentence >= 0 && specific[ks{c.kind, c.sentence}]) {
				continue
			}
			key = string(c.kind) + "\x00generic"
		}
		if seen[key] {
			continue
		}
		seen[key], kindSeen[c.kind] = true, true
		a.p.Contacts = append(a.p.Contacts, Contact{
			Kind: c.kind, Value: c.value, Line: c.line,
			Confidential: c.kind != evidence.ContactPublicIssue && !(c.kind == evidence.ContactEmail && publicList(emailLocal(c.value))),
		})
	}
}

func emailLocal(addr string) string {
	if at := strings.LastIndexByte(addr, '@'); at > 0 {
		return strings.ToLower(addr[:at])
	}
	return ""
}

func (a *analyzer) cand(kind ContactKind, value string, line, off int, generic bool, sentence int) {
	if len(a.cands) >= maxCandidates {
		return
	}
	a.cands = append(a.cands, candidate{line: line, off: off, kind: kind, value: clip(value, maxValueLen), generic: generic, sentence: sentence})
}

// link classifies one link target found at off.
func (a *analyzer) link(off int, u string) {
	d := a.d
	line := d.lineAt(off)
	if strings.HasPrefix(strings.ToLower(u), "mailto:") {
		addr := u[len("mailto:"):]
		if i := strings.IndexAny(addr, "?#"); i >= 0 {
			addr = addr[:i]
		}
		if un, err := url.PathUnescape(addr); err == nil {
			addr = un
		}
		for _, one := range strings.Split(addr, ",") {
			a.email(strings.TrimSpace(one), line, off)
		}
		return
	}
	_, ctx := d.context(off)
	if strings.Trim(ctx, " \t\n\x00") == "" {
		ctx = d.introduction(off, ctx)
	}
	a.classifyURL(u, ctx, line, off, d.sentenceIndex(off))
}

var (
	reportWordsRe = lazyre.New(`\b(?:report|reports|reported|reporting|submit|submitting|submission|disclose|disclosing)\b`)
	negationRe    = lazyre.New(`\b(?:not|don't|dont|never|avoid|refrain|instead of|rather than|non-security|non-sensitive)\b|n't\b`)
	securityRe    = lazyre.New(`\b(?:vulnerab\w*|security|exploit\w*|cve)\b`)
	notSecurityRe = lazyre.New(`\bnon-?(?:security|sensitive|vulnerability)\b|\bnot\s+(?:a\s+)?security\b|\bunrelated\s+to\s+security\b`)
)

// bountyHosts are bug bounty and vulnerability reporting platforms.
var bountyHosts = []string{
	"hackerone.com", "bugcrowd.com", "intigriti.com", "intigriti.io", "yeswehack.com", "yeswehack.ch",
	"huntr.dev", "huntr.com", "immunefi.com", "hackenproof.com", "bughunters.google.com",
	"zerocopter.com", "federacy.com", "openbugbounty.org", "bugbounty.jp", "safehats.com",
}

// referenceHosts are documentation and reference sites: linking to them in a
// sentence about reporting explains the process; it is not a channel.
var referenceHosts = []string{
	"docs.github.com", "help.github.com", "docs.gitlab.com", "wikipedia.org", "first.org",
	"owasp.org", "cve.org", "cve.mitre.org", "nvd.nist.gov", "cwe.mitre.org", "semver.org",
	"rfc-editor.org", "ietf.org", "shields.io", "img.shields.io", "badgen.net",
	"securitytxt.org", "openssf.org", "bestpractices.dev", "bestpractices.coreinfrastructure.org",
	"securityscorecards.dev", "osv.dev",
}

// isReferencePage reports a wiki or guidance page: a link a policy cites to
// explain a practice ("see the definition of coordinated disclosure"), not a
// form that takes reports, however much the sentence talks of reporting.
func isReferencePage(segs []string) bool {
	for _, s := range segs {
		if s == "wiki" || s == "wikis" || s == "confluence" {
			return true
		}
	}
	return false
}

// forgeCodeSegs are the third path segment of github.com links to a
// repository's code, history or releases.
var forgeCodeSegs = map[string]bool{
	"blob": true, "tree": true, "raw": true, "commit": true, "commits": true,
	"pull": true, "pulls": true, "releases": true, "tags": true, "compare": true,
}

// isForgeCodePage reports a link to a user, organisation or repository
// page on GitHub or GitLab, or to a repository's code there: a README
// naming another project ("noisy vulnerability reports for users of
// [pytest](https://github.com/pytest-dev/pytest)") links such pages in
// sentences about reports, but none of them takes a report. The forges'
// reporting routes (advisories, issues) are classified before this.
func isForgeCodePage(host string, segs []string) bool {
	switch host {
	case "github.com":
		return len(segs) <= 2 || forgeCodeSegs[segs[2]]
	case "gitlab.com":
		if len(segs) <= 2 {
			return true
		}
		for i, s := range segs {
			if s == "-" && i+1 < len(segs) {
				return forgeCodeSegs[segs[i+1]]
			}
		}
	}
	return false
}

var imageExt = lazyre.New(`(?i)\.(?:png|jpe?g|gif|svg|webp|ico|bmp|avif)$`)

func hostIs(host string, list []string) bool {
	for _, h := range list {
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	return false
}

func isExampleHost(host string) bool {
	for _, h := range []string{"example.com", "example.org", "example.net", "example.edu"} {
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	for _, tld := range []string{".example", ".test", ".invalid", ".localhost", ".local"} {
		if strings.HasSuffix(host, tld) {
			return true
		}
	}
	return host == "localhost"
}

// classifyURL decides what kind of channel an http(s) URL is, given the
// lowercased text of the sentence around it (URLs blanked).
func (a *analyzer) classifyURL(raw, ctx string, line, off, sentence int) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return
	}
	host := strings.ToLower(strings.TrimPrefix(u.Hostname(), "www."))
	path := strings.ToLower(strings.TrimRight(u.EscapedPath(), "/"))
	query := strings.ToLower(u.RawQuery)
	if isExampleHost(host) || imageExt.MatchString(path) {
		return
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	// Context checks run only where a branch needs them.
	reportCtx := func() bool { return reportWordsRe.MatchString(ctx) }
	negated := func() bool { return negationRe.MatchString(ctx) }
	switch {
	case strings.HasSuffix(path, "security.txt"):
		a.cand(evidence.ContactSecurityTxt, raw, line, off, false, sentence)
	case isPolicyPointer(host, segs, ctx):
		a.pointer(raw, line)
	case host == "github.com" && len(segs) >= 3 && segs[2] == "security":
		// github.com/<owner>/<repo>/security/advisories/new is the private
		// vulnerability reporting form; the Security tab counts when the
		// sentence is about reporting.
		if strings.HasPrefix(strings.Join(segs[2:], "/"), "security/advisories/new") || (reportCtx() && !negated()) {
			a.cand(evidence.ContactPrivateAdvisory, raw, line, off, false, sentence)
		}
	case (host == "docs.github.com" || host == "help.github.com") && strings.Contains(path, "privately-reporting"):
		// GitHub's documentation of private vulnerability reporting: the
		// policy points reporters at the feature.
		a.cand(evidence.ContactPrivateAdvisory, raw, line, off, true, sentence)
	case (host == "gitlab.com" || strings.HasPrefix(host, "gitlab.")) && strings.Contains(path, "/issues"):
		switch {
		case strings.Contains(query, "confidential") || strings.Contains(ctx, "confidential"):
			a.cand(evidence.ContactGitLabConfidentialIssue, raw, line, off, false, sentence)
		case securityRe.MatchString(ctx) && !negated():
			a.cand(evidence.ContactPublicIssue, raw, line, off, false, sentence)
		}
	case hostIs(host, bountyHosts):
		a.cand(evidence.ContactBugBounty, raw, line, off, false, sentence)
	case host == "github.com" && len(segs) >= 3 && segs[2] == "issues":
		if securityRe.MatchString(ctx) && reportCtx() && !negated() {
			a.cand(evidence.ContactPublicIssue, raw, line, off, false, sentence)
		}
	case hostIs(host, referenceHosts), isReferencePage(segs), isForgeCodePage(host, segs):
	case u.Scheme == "https" && reportCtx() && !negated():
		a.cand(evidence.ContactWebForm, raw, line, off, false, sentence)
	}
}

var (
	policyFileRe = lazyre.New(`^security(?:\.(?:md|markdown|rst|txt|adoc))?$`)
	seePolicyRe  = lazyre.New(`\b(?:see|refer|read|follow|described|documented|details|more\s+information|found)\b`)
	policyWordRe = lazyre.New(`\b(?:polic(?:y|ies)|process|guidelines?|procedures?)\b`)
)

// isPolicyPointer reports a link to a disclosure policy published outside
// this file: the forge's security-policy page, an organisation's .github
// repository, a SECURITY file in a repository, or a web page about
// security that the sentence calls a policy to read.
func isPolicyPointer(host string, segs []string, ctx string) bool {
	if host == "github.com" || host == "gitlab.com" {
		switch {
		case len(segs) >= 2 && segs[1] == ".github":
			return true
		case len(segs) >= 4 && segs[2] == "security" && segs[3] == "policy":
			return true
		case len(segs) >= 4 && (segs[2] == "blob" || segs[2] == "tree" || segs[3] == "blob") && policyFileRe.MatchString(segs[len(segs)-1]):
			return true
		}
		return false
	}
	if hostIs(host, referenceHosts) || hostIs(host, bountyHosts) {
		return false
	}
	p := strings.Join(segs, "/")
	if !strings.Contains(p, "security") && !strings.Contains(p, "disclosure") && !strings.Contains(p, "vulnerab") && !strings.Contains(p, "polic") {
		return false
	}
	return policyWordRe.MatchString(ctx) && seePolicyRe.MatchString(ctx)
}

func (a *analyzer) pointer(raw string, line int) {
	for _, p := range a.p.Pointers {
		if strings.EqualFold(p.URL, raw) {
			return
		}
	}
	if len(a.p.Pointers) < MaxPointers {
		a.p.Pointers = append(a.p.Pointers, Pointer{URL: clip(raw, maxValueLen), Line: line})
	}
}

// emails finds plain-text and obfuscated e-mail addresses.
func (a *analyzer) emails() {
	d := a.d
	masked := make([]byte, len(d.raw))
	copy(masked, d.raw)
	for _, s := range a.urls {
		blank(masked, s.start, s.end)
	}
	for _, m := range findAll(emailRe, masked, masked, "@") {
		a.email(string(masked[m[0]:m[1]]), d.lineAt(m[0]), m[0])
	}
	// Obfuscated addresses: find the cheap "[at]" token first, then match
	// the full pattern only in a window around it.
	next := 0
	for _, t := range atTokenRe.FindAllIndex(masked, -1) {
		start, end := t[0]-80, t[1]+300
		if start < next {
			start = next
		}
		if end > len(masked) {
			end = len(masked)
		}
		if start >= end {
			continue
		}
		for _, m := range obfuscatedRe.FindAllSubmatchIndex(masked[start:end], -1) {
			local := string(masked[start+m[2] : start+m[3]])
			domain := dotRe.ReplaceAllString(string(masked[start+m[4]:start+m[5]]), ".")
			if strings.Count(domain, ".") >= 1 {
				a.email(local+"@"+domain, d.lineAt(start+m[0]), start+m[0])
			}
			next = start + m[1]
		}
	}
	a.bareEmails(masked)
}

// mailboxWords are local parts that name a contact mailbox. With one of
// them, "support at pocketbase.io" (pocketbase's SECURITY.md) is an
// address even though nothing else marks it as one.
var mailboxWords = map[string]bool{
	"security": true, "secure": true, "support": true, "psirt": true, "cert": true, "csirt": true,
	"vuln": true, "vulns": true, "vulnerability": true, "vulnerabilities": true, "disclosure": true,
	"disclosures": true, "contact": true, "abuse": true, "infosec": true, "appsec": true, "hello": true,
	"info": true, "maintainers": true, "privacy": true,
}

// bareEmails finds addresses obfuscated with a bare "at". A match counts
// when the writer plainly meant an address: "at" in capitals, the dots
// spelled out, or a local part that names a mailbox (a word from
// mailboxWords or one containing "security"). A domain followed by a path
// ("support at github.com/contact") is a web page, not an address.
func (a *analyzer) bareEmails(masked []byte) {
	d := a.d
	next := 0
	for _, t := range bareAtTokenRe.FindAllIndex(masked, -1) {
		start, end := t[0]-80, t[1]+300
		if start < next {
			start = next
		}
		if end > len(masked) {
			end = len(masked)
		}
		if start >= end || t[0] < start {
			continue
		}
		win := masked[start:end]
		for _, m := range bareAtRe.FindAllSubmatchIndex(win, -1) {
			next = start + m[1]
			if m[1] < len(win) && (win[m[1]] == '/' || win[m[1]] == '@') {
				continue
			}
			local := string(win[m[2]:m[3]])
			rawDomain := string(win[m[6]:m[7]])
			spelled := spelledDotRe.MatchString(rawDomain)
			l := strings.ToLower(local)
			if string(win[m[4]:m[5]]) != "AT" && !spelled && !mailboxWords[l] && !strings.Contains(l, "security") {
				continue
			}
			domain := spelledDotRe.ReplaceAllString(rawDomain, ".")
			a.email(local+"@"+domain, d.lineAt(start+m[0]), start+m[0])
		}
	}
}

var fileExtTLD = map[string]bool{
	"png": true, "jpg": true, "jpeg": true, "gif": true, "svg": true, "webp": true, "ico": true, "bmp": true,
	"avif": true, "tif": true, "tiff": true, "pdf": true, "zip": true, "gz": true, "tgz": true, "js": true,
	"ts": true, "css": true, "scss": true, "txt": true, "html": true, "htm": true, "json": true, "yaml": true,
	"yml": true, "xml": true, "lock": true, "toml": true, "ini": true, "exe": true, "dll": true, "wasm": true,
	"mp4": true, "mov": true, "webm": true, "md": true,
}

var (
	localRe  = lazyre.New(`^[a-z0-9._%+-]+$`)
	domainRe = lazyre.New(`^[a-z0-9-]+(?:\.[a-z0-9-]+)+$`)
)

var noReplyLocal = map[string]bool{
	"noreply": true, "no-reply": true, "donotreply": true, "do-not-reply": true, "mailer-daemon": true,
	"git": true, "user": true, "username": true, "you": true, "your-email": true, "youremail": true, "email": true,
}

// email records an address unless it is an obvious non-contact.
func (a *analyzer) email(addr string, line, off int) {
	addr = strings.Trim(addr, " \t<>")
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 || !utf8.ValidString(addr) {
		return
	}
	local, domain := strings.ToLower(addr[:at]), strings.ToLower(strings.TrimRight(addr[at+1:], "."))
	dot := strings.LastIndexByte(domain, '.')
	if dot < 0 || len(local) > 64 || len(domain) > 253 || !localRe.MatchString(local) || !domainRe.MatchString(domain) {
		return
	}
	tld := domain[dot+1:]
	if isExampleHost(domain) || fileExtTLD[tld] || noReplyLocal[local] ||
		strings.HasSuffix(domain, "noreply.github.com") || strings.HasPrefix(domain, "2x.") || strings.HasPrefix(domain, "3x.") {
		return
	}
	for i := 0; i < len(tld); i++ {
		if tld[i] < 'a' || tld[i] > 'z' {
			return
		}
	}
	a.cand(evidence.ContactEmail, addr, line, off, false, -1)
}

// publicList reports local parts of typical public mailing lists, which are
// not a confidential channel.
func publicList(local string) bool {
	if strings.Contains(local, "announce") || strings.Contains(local, "discuss") {
		return true
	}
	for _, suf := range []string{"-dev", "-devel", "-users", "-user", "-general", "-community", "-talk"} {
		if strings.HasSuffix(local, suf) {
			return true
		}
	}
	return false
}

// Wording cues, matched on the lowercased phrase view.
var (
	privateReportRe = lazyre.New(`\bprivate(?:ly)?\s+(?:vulnerability\s+|security\s+)?report(?:ing|s)?\b|\bprivate\s+vulnerability\s+disclosure\b`)
	securityTabRe   = lazyre.New(`\bsecurity\s+tab\b`)
	advisoryVerbRe  = lazyre.New(`\b(?:open|file|create|submit|draft|use|using|through|via)\s+(?:a\s+|an\s+|the\s+|new\s+|private\s+|github(?:'s|’s)?\s+|repository\s+){0,4}security\s+advisor(?:y|ies)\b`)
	reportVulnRe    = lazyre.New(`\breport\s+a\s+vulnerability\b`)
	githubRe        = lazyre.New(`\b(?:github|advisor(?:y|ies))\b`)
	weWillRe        = lazyre.New(`\b(?:we|we'll|will|maintainers?|team)\s*$`)
	confidentialRe  = lazyre.New(`\bconfidential\s+(?:gitlab\s+)?issues?\b|\bmark(?:ed|ing)?\s+(?:it|the\s+issue|your\s+issue)?\s*(?:as\s+)?confidential\b`)
	bountyNameRe    = lazyre.New(`\b(?:hackerone|bugcrowd|intigriti|yeswehack|huntr|immunefi|hackenproof|zerocopter|open\s+bug\s+bounty)\b`)
	securityTxtRe   = lazyre.New(`(?:/?\.well-known/)?\bsecurity\.txt\b`)
	publicIssueRe   = lazyre.New(`\b(?:open|opening|file|filing|create|creating|submit|submitting|raise|raising|log|post)\s+(?:(?:a|an|new|public|github|gitlab|regular|normal)\s+){0,3}(?:issues?|tickets?)\b|\b(?:use|via|through|on|in|to)\s+(?:the\s+|our\s+)?(?:public\s+)?(?:github\s+|gitlab\s+)?issue\s+tracker\b|\bpublic(?:ly)?\s+(?:github\s+|gitlab\s+)?issues?\b`)
)

// phrases finds channels named by wording alone.
func (a *analyzer) phrases() {
	d := a.d
	v := d.view
	each := func(re *lazyre.Regexp, kws []string, fn func(start, end int)) {
		for _, m := range findAll(re, v, v, kws...) {
			fn(m[0], m[1])
		}
	}
	type found struct {
		off   int
		kind  ContactKind
		value string
	}
	var fs []found
	sentenceText := d.context
	each(privateReportRe, []string{"privat"}, func(s, e int) {
		if before, _ := sentenceText(s); negationRe.MatchString(before) {
			return
		}
		fs = append(fs, found{s, evidence.ContactPrivateAdvisory, string(d.raw[s:e])})
	})
	each(securityTabRe, []string{"tab"}, func(s, e int) {
		if _, all := sentenceText(s); reportWordsRe.MatchString(all) {
			fs = append(fs, found{s, evidence.ContactPrivateAdvisory, string(d.raw[s:e])})
		}
	})
	each(advisoryVerbRe, []string{"advisor"}, func(s, e int) {
		before, _ := sentenceText(s)
		if weWillRe.MatchString(before) || negationRe.MatchString(before) {
			return // "we will open a security advisory" describes the project's own step
		}
		fs = append(fs, found{s, evidence.ContactPrivateAdvisory, string(d.raw[s:e])})
	})
	each(reportVulnRe, []string{"report a vulnerability"}, func(s, e int) {
		if _, all := sentenceText(s); githubRe.MatchString(strings.Replace(all, "report a vulnerability", "", 1)) || securityTabRe.MatchString(all) {
			fs = append(fs, found{s, evidence.ContactPrivateAdvisory, string(d.raw[s:e])})
		}
	})
	each(confidentialRe, []string{"confidential"}, func(s, e int) {
		if before, _ := sentenceText(s); !negationRe.MatchString(before) {
			fs = append(fs, found{s, evidence.ContactGitLabConfidentialIssue, string(d.raw[s:e])})
		}
	})
	each(bountyNameRe, []string{"hackerone", "bugcrowd", "intigriti", "yeswehack", "huntr", "immunefi", "hackenproof", "zerocopter", "bug bounty"}, func(s, e int) {
		fs = append(fs, found{s, evidence.ContactBugBounty, string(d.raw[s:e])})
	})
	each(securityTxtRe, []string{"security.txt"}, func(s, e int) {
		fs = append(fs, found{s, evidence.ContactSecurityTxt, string(d.raw[s:e])})
	})
	each(publicIssueRe, []string{"issue", "ticket"}, func(s, e int) {
		before, all := sentenceText(s)
		if negationRe.MatchString(before) || strings.Contains(before, "confidential") ||
			!securityRe.MatchString(all) || notSecurityRe.MatchString(all) {
			return
		}
		fs = append(fs, found{s, evidence.ContactPublicIssue, string(d.raw[s:e])})
	})
	for _, f := range fs {
		a.cand(f.kind, strings.Join(strings.Fields(f.value), " "), d.lineAt(f.off), f.off, true, d.sentenceIndex(f.off))
	}
}

// Cues for the policy flags.
var (
	durationRe         = lazyre.New(`\b(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty|forty|forty-five|sixty|ninety|a|an)(?:\s*\(\d{1,3}\))?(?:\s*(?:-|–|to)\s*\d{1,3})?[\s-]*(?:business\s+|working\s+|calendar\s+)?(?:hours?|hrs?|days?|weeks?|months?)\b|\b\d{1,3}\s*h\b`)
	timeUnitRe         = lazyre.New(`(?:hours?|hrs?|days?|weeks?|months?|h)\b`)
	responseRe         = lazyre.New(`\b(?:acknowledg\w*|respond\w*|response|repl(?:y|ies|ied)|triag\w*|get\s+back|hear\s+(?:back|from)|confirm(?:ation)?\s+(?:of\s+)?receipt|contact\s+you|follow[- ]up|initial\s+assessment)\b`)
	disclosureWordRe   = lazyre.New(`\b(?:disclos\w*|public\w*|publish\w*|embargo\w*|announce\w*)\b`)
	disclosurePhraseRe = lazyre.New(`\bcoordinated\s+(?:vulnerability\s+)?disclosure\b|\bdisclosure\s+(?:timeline|deadline|window|period|date)s?\b|\bembargo(?:ed|es)?\b`)
	safeHarbourRe      = lazyre.New(`\bsafe[\s-]*harbou?r\b|\b(?:not|never|won't)\s+(?:\w+\s+){0,3}?(?:pursue|take|initiate|bring|file|seek)\s+(?:any\s+)?(?:civil\s+|criminal\s+)?legal\s+action\b|\bno\s+legal\s+action\b|\b(?:not|never|won't)\s+(?:\w+\s+){0,2}?(?:sue|prosecute)\b|\bgood[\s-]+faith\s+(?:security\s+)?(?:research|testing|efforts?|reports?)\b`)
	encryptionRe       = lazyre.New(`\b(?:pgp|gpg|gnupg|openpgp|s/mime|smime|keybase)\b|\bbegin\s+pgp\b|\b(?:key\s+)?fingerprint\b|\bencrypt(?:ed|ion)?\s+(?:your\s+|the\s+|an?\s+)?(?:e-?mails?|messages?|reports?|communications?)\b|\bencrypt\s+(?:it|them)\b|\bage\s+(?:public\s+)?key\b`)
	// refusalRe: "please do not (try to) report them." with nothing after
	// the object, which would make it an instruction about the channel
	// ("do not report vulnerabilities publicly"); or an outright refusal.
	refusalRe   = lazyre.New(`\b(?:do\s+not|don't|dont|never)\s+(?:try\s+to\s+|bother\s+(?:to\s+)?)?(?:report|submit|send)\s+(?:them|it|these|those|any|vulnerabilit(?:y|ies)|security\s+(?:issues|bugs|vulnerabilities|reports))\s*(?:[.!;]|\x00|$)|\b(?:we|this\s+project|the\s+project|maintainers)\s+(?:do\s+not|don't|does\s+not|doesn't|will\s+not|won't|cannot|can't)\s+accept\s+(?:any\s+)?(?:security\s+|vulnerability\s+)?(?:reports|vulnerability\s+reports|security\s+reports)\b|\b(?:vulnerability|security)\s+reports\s+are\s+not\s+accepted\b`)
	supportedRe = lazyre.New(`\b(?:supported\s+(?:versions?|releases?|branches)|versions?\s+support(?:ed)?|version\s+support\s+policy|support(?:ed)?\s+(?:policy|matrix|lifecycle)|security\s+updates|maintained\s+versions?)\b`)
)

// flags sets the policy booleans from sentence-level cues.
func (a *analyzer) flags() {
	d, p := a.d, a.p
	v := d.view
	sentOf := func(re *lazyre.Regexp) map[int]bool {
		m := map[int]bool{}
		for _, x := range findAll(re, v, v) {
			m[d.sentenceIndex(x[0])] = true
		}
		return m
	}
	set := func(flag *bool, line *int, off int) {
		l := d.lineAt(off)
		if !*flag || l < *line {
			*flag, *line = true, l
		}
	}
	// Durations: find time units first (a cheap, mostly literal pattern),
	// then check the few bytes before each for a number.
	var durations []int
	for _, m := range findAll(timeUnitRe, v, v, "h", "day", "week", "month") {
		start := m[0] - 48
		if start < 0 {
			start = 0
		}
		if dm := durationRe.FindIndex(v[start:m[1]]); dm != nil && start+dm[1] == m[1] {
			durations = append(durations, start+dm[0])
		}
	}
	if len(durations) > 0 {
		resp := sentOf(responseRe)
		disc := sentOf(disclosureWordRe)
		for _, off := range durations {
			si := d.sentenceIndex(off)
			if resp[si] {
				set(&p.ResponseTimeline, &p.ResponseTimelineLine, off)
			}
			if disc[si] {
				set(&p.DisclosureTimeline, &p.DisclosureTimelineLine, off)
			}
		}
	}
	if m := findFirst(disclosurePhraseRe, v, "disclosure", "embargo"); m != nil {
		set(&p.DisclosureTimeline, &p.DisclosureTimelineLine, m[0])
	}
	if m := findFirst(refusalRe, v, "report", "submit", "send", "accept"); m != nil {
		set(&p.RefusesReports, &p.RefusalLine, m[0])
		p.Refusal = clip(strings.Join(strings.Fields(strings.Trim(string(v[m[0]:m[1]]), ".!;\x00")), " "), maxValueLen)
	}
	if m := findFirst(safeHarbourRe, v, "harbo", "legal", "sue", "prosecut", "faith"); m != nil {
		set(&p.SafeHarbour, &p.SafeHarbourLine, m[0])
	}
	if m := findFirst(encryptionRe, v, "pgp", "gpg", "gnupg", "mime", "keybase", "fingerprint", "encrypt", "age "); m != nil {
		set(&p.MentionsEncryption, &p.EncryptionLine, m[0])
	}
	// A public key pasted in a code block offers encryption too.
	for _, u := range d.units {
		if u.kind == unitCode && bytes.Contains(d.raw[u.start:u.end], []byte("BEGIN PGP")) {
			set(&p.MentionsEncryption, &p.EncryptionLine, u.start)
			break
		}
	}
	// Supported versions: a heading, or a block that is only emphasised
	// text or a short label ("**Supported versions**", "Supported versions:").
	for _, u := range d.units {
		if u.kind != unitHeading && u.kind != unitPara {
			continue
		}
		text := strings.TrimSpace(string(v[u.start:u.end]))
		if u.kind == unitPara && (len(text) > 60 || !pseudoHeading(d.raw[u.start:u.end])) {
			continue
		}
		if m := supportedRe.FindStringIndex(text); m != nil {
			set(&p.SupportedVersions, &p.SupportedVersionsLine, u.start)
			break
		}
	}
}

// pseudoHeading reports a paragraph that is a bold label or ends in a colon.
func pseudoHeading(raw []byte) bool {
	t := strings.TrimSpace(string(raw))
	return (strings.HasPrefix(t, "**") && strings.HasSuffix(t, "**")) ||
		(strings.HasPrefix(t, "__") && strings.HasSuffix(t, "__")) || strings.HasSuffix(t, ":")
}

// clip cuts s to at most n bytes on a UTF-8 boundary.
func clip(s string, n int) string { return textsafe.Truncate(s, n) }

// findAll runs re over b only when probe (the lowercased view of the same
// text, or b itself) contains one of the keywords the pattern needs: a cheap
// substring search skips most patterns on most files. No keywords: always run.
func findAll(re *lazyre.Regexp, b, probe []byte, keywords ...string) [][]int {
	if !containsAny(probe, keywords) {
		return nil
	}
	return re.FindAllIndex(b, -1)
}

func findFirst(re *lazyre.Regexp, v []byte, keywords ...string) []int {
	if !containsAny(v, keywords) {
		return nil
	}
	return re.FindIndex(v)
}

func containsAny(b []byte, keywords []string) bool {
	if len(keywords) == 0 {
		return true
	}
	for _, k := range keywords {
		if bytes.Contains(b, []byte(k)) {
			return true
		}
	}
	return false
}
