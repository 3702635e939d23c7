package securitypolicy

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/testutil/growth"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/testutil/golden"
)

const corpusDir = "../../../../shared/corpus/disclosure/security-md"

// flagsOf renders the boolean findings as "name@line" for compact tables.
func flagsOf(p Policy) []string {
	var out []string
	add := func(name string, ok bool, line int) {
		if ok {
			out = append(out, fmt.Sprintf("%s@%d", name, line))
		}
	}
	add("encryption", p.MentionsEncryption, p.EncryptionLine)
	add("supported-versions", p.SupportedVersions, p.SupportedVersionsLine)
	add("response", p.ResponseTimeline, p.ResponseTimelineLine)
	add("disclosure", p.DisclosureTimeline, p.DisclosureTimelineLine)
	add("safe-harbour", p.SafeHarbour, p.SafeHarbourLine)
	if p.Empty {
		out = append(out, "empty")
	}
	return out
}

func contactsOf(p Policy) []string {
	var out []string
	for _, c := range p.Contacts {
		conf := ""
		if !c.Confidential {
			conf = " (public)"
		}
		out = append(out, fmt.Sprintf("%d %s %s%s", c.Line, c.Kind, c.Value, conf))
	}
	return out
}

var nilEmpty = cmp.Transformer("nilEmpty", func(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
})

// TestCorpus runs every SECURITY.md in the corpus. Expected contacts were
// read off each file by hand.
func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("shared corpus not found at %s (expected next to the repository): %v", corpusDir, err)
	}
	tests := []struct {
		file     string
		contacts []string
		flags    []string
	}{
		{
			file:     "anchore+grype.SECURITY.md",
			contacts: []string{"10 email security@anchore.com"},
			flags:    []string{"supported-versions@3"},
		},
		{
			file:     "anchore+syft.SECURITY.md",
			contacts: []string{"10 email security@anchore.com"},
			flags:    []string{"supported-versions@3"},
		},
		{
			file: "guacsec+guac.SECURITY.md",
			contacts: []string{
				"5 private-advisory Private Vulnerability Reporting", // wording only
				"7 email security@openssf.org",
			},
		},
		{
			// Reports through the repository's advisory form. The googlegroups
			// address is an announcement list: found, but not confidential.
			// "filing an issue requesting a public PGP key" is not about
			// reporting a vulnerability, so it is no public-issue channel.
			file: "mindersec+minder.SECURITY.md",
			contacts: []string{
				"9 private-advisory https://github.com/mindersec/minder/security/advisories/new",
				"85 email minder-dev@googlegroups.com (public)",
			},
			flags: []string{"encryption@13", "disclosure@35"},
		},
		{
			file: "ossf+osv-schema.SECURITY.md",
			contacts: []string{
				"20 private-advisory private vulnerability reporting",
				"38 email security@openssf.org",
			},
			flags: []string{"response@32"}, // "acknowledge the report within three (3) business days"
		},
		{
			file: "ossf+scorecard.SECURITY.md",
			contacts: []string{
				"20 private-advisory private vulnerability reporting",
				"38 email security@openssf.org",
			},
			flags: []string{"response@32"},
		},
		{
			file: "ossf+security-baseline.governance.SECURITY.md",
			contacts: []string{
				"19 private-advisory private vulnerability reporting",
				"36 email security@openssf.org",
			},
			flags: []string{"response@30"},
		},
		{
			file: "ossf+security-insights-spec.SECURITY.md",
			contacts: []string{
				"3 private-advisory https://github.com/ossf/security-insights-spec/security/advisories/new",
				"7 email security@openssf.org",
			},
			flags: []string{"response@5", "disclosure@5"},
		},
		{
			// "do **not** create a public GitHub issue" is negated.
			file:     "slsa-framework+slsa-verifier.SECURITY.md",
			contacts: []string{"12 private-advisory privately report"},
			flags:    []string{"supported-versions@6", "disclosure@22"},
		},
		{file: "scorecard-testdata/00_empty", flags: []string{"empty"}},
		{file: "scorecard-testdata/00_1byte", flags: []string{"empty"}},
		{file: "scorecard-testdata/03_textOnly"},
		{file: "scorecard-testdata/03_securitypolicy"},
		{file: "scorecard-testdata/04_textAndDisclosureVulns"}, // mentions disclosures, commits to nothing
		// The synthetic samples use example.com, which is never a contact.
		{file: "scorecard-testdata/06_emailOnly"},
		{file: "scorecard-testdata/06_urlOnly"},
		{file: "scorecard-testdata/06_urlAndEmailOnly"},
		{file: "scorecard-testdata/09_linkedContentAndText"},
		{file: "scorecard-testdata/10_linkedContentAndTextAndDisclosureVulns"},
		{
			// Reference-style link on line 12, defined on line 22.
			file:     "scorecard-testdata/10_realworld",
			contacts: []string{"12 web-form https://kubernetes.io/docs/reference/issues-security/security/#report-a-vulnerability"},
			flags:    []string{"supported-versions@14"},
		},
		{
			file:     "scorecard-testdata/10_realworldtwo",
			contacts: []string{"4 email oss-security@googlegroups.com"},
			flags:    []string{"response@8", "disclosure@11"},
		},
	}
	covered := map[string]bool{}
	for _, tc := range tests {
		covered[tc.file] = true
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, tc.file))
			if err != nil {
				t.Skipf("corpus file missing: %v", err)
			}
			p := Analyze(data)
			if diff := cmp.Diff(tc.contacts, contactsOf(p), nilEmpty); diff != "" {
				t.Errorf("contacts (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.flags, flagsOf(p), nilEmpty); diff != "" {
				t.Errorf("flags (-want +got):\n%s", diff)
			}
		})
	}
	// Every SECURITY.md in the corpus must be in the table.
	all, _ := filepath.Glob(filepath.Join(corpusDir, "*"))
	sub, _ := filepath.Glob(filepath.Join(corpusDir, "*", "*"))
	for _, fn := range append(all, sub...) {
		if st, err := os.Stat(fn); err != nil || st.IsDir() {
			continue
		}
		rel, _ := filepath.Rel(corpusDir, fn)
		if !covered[filepath.ToSlash(rel)] {
			t.Errorf("corpus file %s has no expectations", rel)
		}
	}
}

func TestContacts(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"mailto link and text deduplicated", "Email [security@acme.org](mailto:security@acme.org).\n", []string{"1 email security@acme.org"}},
		{"earliest line kept", "Write to security@acme.org.\n\nOr [us](mailto:SECURITY@acme.org).\n", []string{"1 email security@acme.org"}},
		{"email autolink", "Report to <security@acme.org>.\n", []string{"1 email security@acme.org"}},
		{"mailto with query", "[mail](mailto:sec@acme.org?subject=vuln)\n", []string{"1 email sec@acme.org"}},
		{"obfuscated", "Mail security [at] acme [dot] org please.\n", []string{"1 email security@acme.org"}},
		{"obfuscated parens", "security (at) acme.org\n", []string{"1 email security@acme.org"}},
		{"bare at with mailbox word", "Reach out as a human to **support at pocketbase.io**.\n", []string{"1 email support@pocketbase.io"}},
		{"bare at in capitals", "Write to jane AT acme.org.\n", []string{"1 email jane@acme.org"}},
		{"bare at with dots spelled", "Mail jane at acme dot org.\n", []string{"1 email jane@acme.org"}},
		{"bare at with security in the local part", "Mail product-security at acme.org.\n", []string{"1 email product-security@acme.org"}},
		{"bare at before a host is prose", "See the website at mochajs.org for details.\n", nil},
		{"bare at across a sentence end is prose", "It reads files at once. Set it up.\n", nil},
		{"bare at before a web page is no address", "Contact support at github.com/contact.\n", nil},
		{"example domains ignored", "security@example.com a@b.example.org x@foo.test\n", nil},
		{"noreply ignored", "noreply@acme.org 123+bot@users.noreply.github.com\n", nil},
		{"image names ignored", "![logo](logo@2x.png) icon@3x.webp\n", nil},
		{"ssh remote ignored", "git clone git@github.com:acme/x.git\n", nil},
		{"npm versions ignored", "npm i lodash@4.17.21 @scope/pkg@1.0.0\n", nil},
		{"address inside url ignored", "See https://medium.com/@user/post and https://x.org/a@b.org\n", nil},
		{"public list not confidential", "Announcements: acme-announce@lists.acme.org\n", []string{"1 email acme-announce@lists.acme.org (public)"}},
		{"advisory form", "Use [this form](https://github.com/acme/tool/security/advisories/new).\n", []string{"1 private-advisory https://github.com/acme/tool/security/advisories/new"}},
		{"security tab link", "Report it via the [Security tab](https://github.com/acme/tool/security).\n", []string{"1 private-advisory https://github.com/acme/tool/security"}},
		{"security tab wording", "Please report vulnerabilities through the Security tab of this repository.\n", []string{"1 private-advisory Security tab"}},
		{"report a vulnerability button", "Click \"Report a vulnerability\" on GitHub.\n", []string{"1 private-advisory Report a vulnerability"}},
		{"private vulnerability reporting", "We use GitHub private vulnerability reporting.\n", []string{"1 private-advisory private vulnerability reporting"}},
		{"we open the advisory ourselves", "Once confirmed, we will open a security advisory.\n", nil},
		{"reporter files an advisory", "Please file a GitHub Security Advisory.\n", []string{"1 private-advisory file a GitHub Security Advisory"}},
		{"wording and link in one sentence", "Submit a [private vulnerability report](https://github.com/a/b/security/advisories/new).\n", []string{"1 private-advisory https://github.com/a/b/security/advisories/new"}},
		{"gitlab confidential url", "Open [an issue](https://gitlab.com/acme/tool/-/issues/new?issue[confidential]=true).\n", []string{"1 gitlab-confidential-issue https://gitlab.com/acme/tool/-/issues/new?issue[confidential]=true"}},
		{"gitlab confidential wording", "Create a confidential issue in our GitLab project.\n", []string{"1 gitlab-confidential-issue confidential issue"}},
		{"bug bounty url", "We run a program on https://hackerone.com/acme.\n", []string{"1 bug-bounty https://hackerone.com/acme"}},
		{"bug bounty subdomain", "See https://app.intigriti.com/programs/acme\n", []string{"1 bug-bounty https://app.intigriti.com/programs/acme"}},
		{"bug bounty name", "Report through our Bugcrowd programme.\n", []string{"1 bug-bounty Bugcrowd"}},
		{"bug bounty name and url in one sentence", "Report on HackerOne at https://hackerone.com/acme.\n", []string{"1 bug-bounty https://hackerone.com/acme"}},
		{"security.txt link", "Contacts are in https://acme.org/.well-known/security.txt\n", []string{"1 security-txt https://acme.org/.well-known/security.txt"}},
		{"security.txt path", "See /.well-known/security.txt on our site.\n", []string{"1 security-txt /.well-known/security.txt"}},
		{"web form", "Please report vulnerabilities at https://security.acme.org/form.\n", []string{"1 web-form https://security.acme.org/form"}},
		{"web form in link text", "[Submit a report](https://acme.org/vdp)\n", []string{"1 web-form https://acme.org/vdp"}},
		{"plain link not a form", "Read our blog at https://acme.org/blog.\n", nil},
		// A link alone in its paragraph after a sentence that introduces it.
		{"link introduced by the previous paragraph", "Security issues can be safely reported via the Meta Bug Bounty program:\n\nhttps://www.facebook.com/whitehat\n\nMeta's team will triage it.\n", []string{"3 web-form https://www.facebook.com/whitehat"}},
		{"lone link after an unrelated paragraph", "We like reports.\n\nhttps://acme.org/blog\n", nil},
		{"lone link after a negated introduction", "Do not report vulnerabilities on the forum:\n\nhttps://forum.acme.org\n", nil},
		{"repository home page not a form", "Noisy vulnerability reports for users of [pytest](https://github.com/pytest-dev/pytest).\n", nil},
		{"organisation page not a form", "Reports are triaged by https://github.com/acme.\n", nil},
		{"source file link not a form", "Reports come from [the scanner](https://github.com/acme/tool/blob/main/scan.py).\n", nil},
		{"gitlab project page not a form", "Vulnerability reports mention https://gitlab.com/acme/tool.\n", nil},
		{"gitlab source link not a form", "Reports come from https://gitlab.com/acme/sub/tool/-/blob/main/scan.py.\n", nil},
		{"other github page in reporting sentence", "Please report vulnerabilities at https://github.com/acme/tool/discussions/categories/security.\n", []string{"1 web-form https://github.com/acme/tool/discussions/categories/security"}},
		{"guidance wiki cited in a reporting sentence", "Reporting follows coordinated disclosure (see [its definition](https://cert.acme.org/confluence/display/Wiki/Disclosure+Guidance) for the general idea).\n", nil},
		{"wiki page not a form", "To report a vulnerability, read https://acme.org/wiki/Security first.\n", nil},
		{"http not a form", "Please report at http://acme.org/form.\n", nil},
		{"documentation link not a form", "To report, read [the docs](https://docs.github.com/en/code-security).\n", nil},
		{"negated form", "Do not report vulnerabilities on https://forum.acme.org.\n", nil},
		{"public issue", "To report a security vulnerability, please open a GitHub issue.\n", []string{"1 public-issue open a GitHub issue (public)"}},
		{"public issue tracker", "Security bugs can be reported on our issue tracker.\n", []string{"1 public-issue on our issue tracker (public)"}},
		{"public issue url", "Report vulnerabilities at https://github.com/acme/tool/issues/new.\n", []string{"1 public-issue https://github.com/acme/tool/issues/new (public)"}},
		{"public issue negated", "Please do **not** open a public issue for security vulnerabilities.\n", nil},
		{"public issue contraction", "Please don't file an issue for vulnerabilities.\n", nil},
		{"non-security issues", "Open an issue for non-security bugs.\n", nil},
		{"issue unrelated to security", "Suggestions? Open an issue.\n", nil},
		{"describe the issue", "Describe the steps you took to create the issue in your security report.\n", nil},
		{"reference link", "Report via [the form][vdp].\n\n[vdp]: https://acme.org/vdp\n", []string{"1 web-form https://acme.org/vdp"}},
		{"unused reference definition", "Text.\n\n[Report a vulnerability]: https://acme.org/vdp\n", []string{"3 web-form https://acme.org/vdp"}},
		{"html comment hidden", "<!-- security@acme.org -->\nVisible.\n", nil},
		{"multi-line html comment", "<!--\nsecurity@acme.org\n-->\nsec@acme.org\n", []string{"4 email sec@acme.org"}},
		{"code block contact", "```\nsecurity@acme.org\n```\n", []string{"2 email security@acme.org"}},
		{"multi-line sentence keeps its line", "To report a problem, please\nemail\n[security@acme.org](mailto:security@acme.org)\n", []string{"3 email security@acme.org"}},
		{"crlf", "# Security\r\n\r\nEmail security@acme.org\r\n", []string{"3 email security@acme.org"}},
		{"control characters", "Email\x00 security@acme.org\x1b[31m now\n", []string{"1 email security@acme.org"}},
		{"order by line", "https://hackerone.com/acme\nsecurity@acme.org\n", []string{"1 bug-bounty https://hackerone.com/acme", "2 email security@acme.org"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Analyze([]byte(tc.in))
			if diff := cmp.Diff(tc.want, contactsOf(p), nilEmpty); diff != "" {
				t.Errorf("contacts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFlags(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"response hours", "We will acknowledge your report within 48 hours.\n", []string{"response@1"}},
		{"response 48h", "Expect a reply in 48h.\n", []string{"response@1"}},
		{"response business days", "You will get a response within three (3) business days.\n", []string{"response@1"}},
		{"response range", "We aim to triage reports in 2-5 working days.\n", []string{"response@1"}},
		{"response a week", "We respond within a week.\n", []string{"response@1"}},
		{"duration without response word", "Releases happen every 6 weeks.\n", nil},
		{"response word without duration", "We will respond as soon as possible.\n", nil},
		{"cues in different sentences", "We respond quickly. Releases take 3 days.\n", nil},
		{"disclosure days", "We publish an advisory after 90 days.\n", []string{"disclosure@1"}},
		{"disclosure hyphenated", "This project follows a 90-day disclosure\ntimeline.\n", []string{"disclosure@1"}},
		{"coordinated disclosure", "We practise coordinated vulnerability disclosure.\n", []string{"disclosure@1"}},
		{"embargo", "Details stay under embargo until a fix ships.\n", []string{"disclosure@1"}},
		{"both timelines", "We acknowledge within 2 days and disclose within 90 days.\n", []string{"response@1", "disclosure@1"}},
		{"safe harbour", "## Safe Harbor\n\nWe support researchers.\n", []string{"safe-harbour@1"}},
		{"no legal action", "We will not pursue legal action against researchers.\n", []string{"safe-harbour@1"}},
		{"good faith research", "Good-faith research is welcome.\n", []string{"safe-harbour@1"}},
		{"legal action threat is not safe harbour", "We may take legal action.\n", nil},
		{"pgp", "Encrypt with our PGP key.\n", []string{"encryption@1"}},
		{"fingerprint", "Key fingerprint: ABCD 1234\n", []string{"encryption@1"}},
		{"encrypted email", "Send an encrypted email.\n", []string{"encryption@1"}},
		{"encrypt your report", "Please encrypt your report.\n", []string{"encryption@1"}},
		{"encryption in code", "We fixed a bug in the encryption library.\n", nil},
		{"pgp in url only", "See https://acme.org/pgp.asc\n", nil},
		{"supported heading", "# Policy\n\n## Supported Versions\n\ntext\n", []string{"supported-versions@3"}},
		{"supported setext", "Supported versions\n------------------\n\ntext\n", []string{"supported-versions@1"}},
		{"supported table", "| Version | Supported |\n| ------- | --------- |\n| 1.x | yes |\n", []string{"supported-versions@1"}},
		{"supported bold label", "**Supported versions**\n\nOnly the latest.\n", []string{"supported-versions@1"}},
		{"supported in prose is not a section", "Only supported versions get fixes, see the docs and the release notes for more.\n", nil},
		{"empty", "", []string{"empty"}},
		{"whitespace", " \n\t\n\r\n", []string{"empty"}},
		{"headings and comments only", "# Security Policy\n\n<!-- TODO\nwrite this -->\n## Reporting\n", []string{"empty"}},
		{"thematic break only", "---\n***\n", []string{"empty"}},
		{"one word", "TODO\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Analyze([]byte(tc.in))
			if diff := cmp.Diff(tc.want, flagsOf(p), nilEmpty); diff != "" {
				t.Errorf("flags (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHeadingsAndCounts(t *testing.T) {
	in := "# Security Policy #\n" +
		"\n" +
		"Setext one\n" +
		"==========\n" +
		"\n" +
		"```\n" +
		"# not a heading\n" +
		"```\n" +
		"<!-- ## hidden -->\n" +
		"   ### Indented three\n" +
		"####### seven hashes is text\n" +
		"#nospace is text\n" +
		"Setext two\n" +
		"---\n"
	p := Analyze([]byte(in))
	want := []Heading{
		{Text: "Security Policy", Level: 1, Line: 1},
		{Text: "Setext one", Level: 1, Line: 3},
		{Text: "Indented three", Level: 3, Line: 10},
		{Text: "####### seven hashes is text #nospace is text Setext two", Level: 2, Line: 11},
	}
	if diff := cmp.Diff(want, p.Headings); diff != "" {
		t.Errorf("Headings (-want +got):\n%s", diff)
	}
	if p.Lines != 14 {
		t.Errorf("Lines = %d, want 14", p.Lines)
	}
	// Words: 2 + 2 + 3 (code) + 2 + 4 + 3 + 2; the comment and bare "#"
	// runs are not counted.
	if p.Words != 18 {
		t.Errorf("Words = %d, want 18", p.Words)
	}
	if p.Empty {
		t.Errorf("Empty = true")
	}
}

func TestLimits(t *testing.T) {
	var b strings.Builder
	for i := 0; i < MaxHeadings+10; i++ {
		fmt.Fprintf(&b, "# h%d\n", i)
	}
	for i := 0; i < MaxContacts+10; i++ {
		fmt.Fprintf(&b, "sec%d@acme.org\n", i)
	}
	b.WriteString("# " + strings.Repeat("x", 1000) + "\n")
	p := Analyze([]byte(b.String()))
	if len(p.Headings) != MaxHeadings || len(p.Contacts) != MaxContacts {
		t.Errorf("caps not applied: %d headings, %d contacts", len(p.Headings), len(p.Contacts))
	}
	p = Analyze([]byte("# " + strings.Repeat("é", 1000) + "\n"))
	if len(p.Headings[0].Text) > maxHeadingLen || !strings.HasSuffix(p.Headings[0].Text, "é") {
		t.Errorf("heading not capped on a rune boundary: %d bytes", len(p.Headings[0].Text))
	}
}

// TestHostileSize guards against super-linear behaviour on large crafted
// inputs (a quadratic pass takes minutes at 1 MiB), by the work done
// (bytes and objects allocated as the input grows, and the caps on what is
// kept), not by wall time.
func TestHostileSize(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	size := 1 << 20
	if growth.RaceEnabled {
		size = 1 << 17
	}
	inputs := map[string]string{
		"tiny paragraphs": strings.Repeat("a\n\n", size/3),
		"one long line":   strings.Repeat("report within 3 days at https://a.org/x security@a.org ", size/56),
		"many sentences":  strings.Repeat("a. ", size/3),
		"many links":      strings.Repeat("[x](https://hackerone.com/a) ", size/30),
		"many refs":       strings.Repeat("[a]\n", size/8) + "[a]: https://acme.org/report\n",
		"deep lists":      strings.Repeat("- ", size/2),
		"open comment":    "<!--" + strings.Repeat("x\n", size/2),
		"open fence":      "```\n" + strings.Repeat("security@acme.org\n", size/18),
	}
	for name, in := range inputs {
		var p Policy
		for _, problem := range growth.CheckLinear(in, 256, func(s string) { p = Analyze([]byte(s)) }) {
			t.Errorf("%s: %s", name, problem)
		}
		if len(p.Contacts) > MaxContacts || len(p.Headings) > MaxHeadings {
			t.Errorf("%s: caps exceeded", name)
		}
	}
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.SECURITY.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, fn := range files {
		t.Run(filepath.Base(fn), func(t *testing.T) {
			data, err := os.ReadFile(fn)
			if err != nil {
				t.Fatal(err)
			}
			got := render(Analyze(data))
			goldenPath := strings.TrimSuffix(fn, ".SECURITY.md") + ".golden"
			golden.Check(t, goldenPath, []byte(got))
		})
	}
}

func render(p Policy) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "lines: %d\nwords: %d\n", p.Lines, p.Words)
	for _, h := range p.Headings {
		fmt.Fprintf(&b, "heading %d h%d: %s\n", h.Line, h.Level, h.Text)
	}
	for _, c := range contactsOf(p) {
		fmt.Fprintf(&b, "contact %s\n", c)
	}
	for _, f := range flagsOf(p) {
		fmt.Fprintf(&b, "flag %s\n", f)
	}
	return b.String()
}

func FuzzAnalyze(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.SECURITY.md")
	more, _ := filepath.Glob(filepath.Join(corpusDir, "*.md"))
	for _, fn := range append(seeds, more...) {
		if data, err := os.ReadFile(fn); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("Setext\n---\n<!-- x\n```\n[a]: https://hackerone.com/x\n[a] [b][a] security [at] x [dot] org\n| Version | Supported |\n"))
	f.Add([]byte("\uFEFF# T\r\n\x00mailto:a@b.org,c@d.org?x\n<https://github.com/a/b/security/advisories/new>\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := Analyze(data)
		lines := bytes.Count(data, []byte("\n"))
		if len(data) > 0 && data[len(data)-1] != '\n' {
			lines++
		}
		if p.Lines != lines {
			t.Fatalf("Lines = %d, want %d", p.Lines, lines)
		}
		in := func(l int) bool { return l >= 1 && l <= lines }
		for _, c := range p.Contacts {
			if !in(c.Line) || c.Value == "" || len(c.Value) > maxValueLen {
				t.Fatalf("bad contact %+v (lines %d)", c, lines)
			}
			if c.Confidential != (c.Kind != evidence.ContactPublicIssue) && c.Kind != evidence.ContactEmail {
				t.Fatalf("confidentiality wrong: %+v", c)
			}
		}
		for _, h := range p.Headings {
			if !in(h.Line) || h.Level < 1 || h.Level > 6 || len(h.Text) > maxHeadingLen {
				t.Fatalf("bad heading %+v", h)
			}
		}
		for _, fl := range []struct {
			ok   bool
			line int
		}{
			{p.MentionsEncryption, p.EncryptionLine}, {p.SupportedVersions, p.SupportedVersionsLine},
			{p.ResponseTimeline, p.ResponseTimelineLine}, {p.DisclosureTimeline, p.DisclosureTimelineLine},
			{p.SafeHarbour, p.SafeHarbourLine},
		} {
			if fl.ok != (fl.line != 0) || (fl.ok && !in(fl.line)) {
				t.Fatalf("flag line %d (set %v) outside 1..%d", fl.line, fl.ok, lines)
			}
		}
		if len(p.Contacts) > MaxContacts || len(p.Headings) > MaxHeadings || p.Words < 0 {
			t.Fatalf("limits exceeded")
		}
	})
}

func TestRefusalAndPointers(t *testing.T) {
	type result struct {
		Refusal  string
		Line     int
		Pointers []string
		Contacts []string
	}
	tests := []struct {
		name string
		in   string
		want result
	}{
		{"deliberately vulnerable project refuses reports",
			"This app is vulnerable on purpose, that is the point, please do not try to report them.\n",
			result{Refusal: "do not try to report them", Line: 1}},
		{"no reports accepted", "# Security\n\nWe do not accept vulnerability reports for this demo.\n",
			result{Refusal: "we do not accept vulnerability reports", Line: 3}},
		{"do not report publicly is an instruction, not a refusal",
			"Please do not report security vulnerabilities publicly. Email security@acme.org.\n",
			result{Contacts: []string{"1 email security@acme.org"}}},
		{"do not report through issues is an instruction", "Do not report vulnerabilities through GitHub issues.\n", result{}},
		{"organisation policy", "Please see https://github.com/acme/.github/blob/main/SECURITY.md for how to report.\n",
			result{Pointers: []string{"1 https://github.com/acme/.github/blob/main/SECURITY.md"}}},
		{"forge policy page", "See our [Security Policy](https://github.com/acme/tool/security/policy) for more information.\n",
			result{Pointers: []string{"1 https://github.com/acme/tool/security/policy"}}},
		{"web policy page", "Our disclosure policy is described at https://acme.org/security/policy.\n",
			result{Pointers: []string{"1 https://acme.org/security/policy"}}},
		{"web form is still a contact", "Please report vulnerabilities at https://security.acme.org/form.\n",
			result{Contacts: []string{"1 web-form https://security.acme.org/form"}}},
		{"wording in code is not read", "```\nPlease do not report them.\nReport via the Security tab.\n```\n", result{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Analyze([]byte(tc.in))
			got := result{Refusal: p.Refusal, Line: p.RefusalLine, Contacts: contactsOf(p)}
			for _, x := range p.Pointers {
				got.Pointers = append(got.Pointers, fmt.Sprintf("%d %s", x.Line, x.URL))
			}
			if diff := cmp.Diff(tc.want, got, nilEmpty); diff != "" {
				t.Errorf("Analyze() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEncryptionKeyInCode(t *testing.T) {
	p := Analyze([]byte("Email security@acme.org.\n\n```\n-----BEGIN PGP PUBLIC KEY BLOCK-----\nabc\n```\n"))
	if !p.MentionsEncryption || p.EncryptionLine != 4 {
		t.Errorf("MentionsEncryption = %v at %d, want true at 4", p.MentionsEncryption, p.EncryptionLine)
	}
}
