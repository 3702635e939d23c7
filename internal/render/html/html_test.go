package html_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	xhtml "golang.org/x/net/html"

	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/render/html"
	"github.com/assaysec/assay/internal/render/rendertest"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/textsafe"
)

func renderFixture(t testing.TB, rep *report.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := html.New(render.Options{}).Render(&buf, rep); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes()
}

func TestHTML_Golden(t *testing.T) {
	rendertest.Golden(t, "report.html.golden", renderFixture(t, rendertest.Fixture(t)))
}

// elements walks the parsed document and returns the elements named tag.
func elements(n *xhtml.Node, tag string) []*xhtml.Node {
	var out []*xhtml.Node
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode && n.Data == tag {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func attr(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *xhtml.Node) string {
	var b strings.Builder
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// checkStructure asserts what must hold for any report: one script (ours),
// one style (ours), both pinned by the CSP, no external resources, and every
// link either an in-page anchor, a relative repository link or http(s).
func checkStructure(t testing.TB, page []byte) *xhtml.Node {
	t.Helper()
	doc, err := xhtml.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatalf("parse html: %v", err)
	}
	scripts := elements(doc, "script")
	if len(scripts) != 1 {
		t.Fatalf("found %d script elements, want exactly 1 (ours)", len(scripts))
	}
	if src := attr(scripts[0], "src"); src != "" {
		t.Errorf("script loads %q from elsewhere", src)
	}
	styles := elements(doc, "style")
	if len(styles) != 1 {
		t.Fatalf("found %d style elements, want 1", len(styles))
	}
	var csp string
	for _, m := range elements(doc, "meta") {
		if attr(m, "http-equiv") == "Content-Security-Policy" {
			csp = attr(m, "content")
		}
	}
	for _, n := range []*xhtml.Node{scripts[0], styles[0]} {
		sum := sha256.Sum256([]byte(textOf(n)))
		h := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
		if !strings.Contains(csp, h) {
			t.Errorf("CSP %q does not pin the inline <%s> (%s)", csp, n.Data, h)
		}
	}
	for _, tag := range []string{"img", "link", "iframe", "object", "embed", "form", "base"} {
		if n := elements(doc, tag); len(n) > 0 {
			t.Errorf("page has a <%s> element", tag)
		}
	}
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			for _, a := range n.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					t.Errorf("<%s> has event handler attribute %s=%q", n.Data, a.Key, a.Val)
				}
			}
			if n.Data == "a" {
				h := attr(n, "href")
				if !(strings.HasPrefix(h, "#") || strings.HasPrefix(h, "./") || strings.HasPrefix(h, "https://") || strings.HasPrefix(h, "http://")) {
					t.Errorf("link with unexpected href %q", h)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return doc
}

func TestHTML_Structure(t *testing.T) {
	rep := rendertest.Fixture(t)
	page := renderFixture(t, rep)
	doc := checkStructure(t, page)

	var tiles, claims int
	for _, li := range elements(doc, "li") {
		if strings.Contains(attr(li, "class"), "principle-tile") {
			tiles++
		}
	}
	for _, a := range elements(doc, "article") {
		if strings.Contains(attr(a, "class"), "claim") {
			claims++
		}
	}
	if tiles != 14 || claims != 45 {
		t.Errorf("overview shows %d principles and %d claims; want 14 and 45", tiles, claims)
	}
	// The hostile product name and file name appear as text, never markup.
	text := textOf(doc)
	for _, want := range []string{"Demo <script>alert('x')</script>", rendertest.HostilePath + ":7"} {
		if !strings.Contains(text, want) {
			t.Errorf("page text lacks %q", want)
		}
	}
	if bytes.Contains(page, []byte("\x1b")) {
		t.Error("raw escape character reached the page")
	}
	// The evidence link to the hostile file is relative and encoded.
	var hrefs []string
	for _, a := range elements(doc, "a") {
		if strings.Contains(attr(a, "class"), "evidence") && strings.Contains(textOf(a), "<script>") {
			hrefs = append(hrefs, attr(a, "href"))
		}
	}
	want := []string{"./docs/%3Cscript%3Ealert%281%29%3C/script%3E.md#L7"}
	if diff := cmp.Diff(want, hrefs); diff != "" {
		t.Errorf("evidence links to the hostile file (-want +got):\n%s", diff)
	}
}

func TestHTML_Links(t *testing.T) {
	rep := rendertest.Fixture(t)
	rep.Principles[0].Claims[0].Findings = []report.Finding{
		{Rule: "r", Outcome: "false", Message: "m", Location: report.Location{URL: "javascript:alert(1)"}},
		{Rule: "r", Outcome: "false", Message: "m", Location: report.Location{Path: "javascript:alert(1)", Line: 2}},
		{Rule: "r", Outcome: "false", Message: "m", Location: report.Location{Path: "//evil.example/x"}},
		{Rule: "r", Outcome: "false", Message: "m", Location: report.Location{URL: "https://example.com/a?b=<c>"}},
	}
	page := renderFixture(t, rep)
	doc := checkStructure(t, page)
	var got []string
	for _, a := range elements(doc, "a") {
		c := attr(a, "class")
		if c == "evidence" || c == "ext" {
			got = append(got, attr(a, "href"))
		}
	}
	for _, want := range []string{"./javascript:alert%281%29#L2", "./evil.example/x", "https://example.com/a?b=%3cc%3e"} {
		found := false
		for _, g := range got {
			found = found || g == want
		}
		if !found {
			t.Errorf("no link %q among %q", want, got)
		}
	}
	if bytes.Contains(page, []byte(`href="javascript`)) {
		t.Error("a javascript: URL became a link")
	}
}

var tagPattern = regexp.MustCompile(`(?i)<\s*/?\s*(script|style|iframe|img|svg|a|meta|link)\b`)

// FuzzHTML_Escapes plants arbitrary strings where the repository and the
// declaration put text, and checks that the page structure never changes.
func FuzzHTML_Escapes(f *testing.F) {
	f.Add("<script>alert(1)</script>", "a\"onmouseover=\"x", "javascript:alert(1)")
	f.Add("</style><img src=x>", "]]><!--", "data:text/html,<script>")
	f.Add("\u202egnp.exe", "<svg onload=alert(1)>", "https://x/\"><script>")
	rep := rendertest.Fixture(f)
	base := renderFixture(f, rep)
	baseTags := len(tagPattern.FindAll(base, -1))
	f.Fuzz(func(t *testing.T, product, path, url string) {
		r := rendertest.Fixture(t)
		r.Subject.Product = product
		r.Subject.Vendor = path
		r.Subject.SRO = &report.Person{Name: url, Role: product}
		c := &r.Principles[0].Claims[0]
		c.Reason = path
		c.Findings = []report.Finding{{Rule: product, Outcome: "false", Message: url, Location: report.Location{Path: path, Line: 3}},
			{Rule: "x", Outcome: "false", Message: "m", Location: report.Location{URL: url}}}
		page := renderFixture(t, r)
		checkStructure(t, page)
		// Each planted value adds at most the fixed markup around it, never
		// a tag of its own: the page has the fixture's tags plus the two
		// findings rows' links.
		if got := len(tagPattern.FindAll(page, -1)); got > baseTags+8 {
			t.Errorf("page has %d tags, fixture had %d: planted text became markup", got, baseTags)
		}
	})
}

// TestHTML_CodeSpansAndSubjectName: Markdown code spans in messages show as
// code (escaped), an unpaired backtick stays, and a subject assessed as "."
// is named by its product, not ".".
func TestHTML_CodeSpansAndSubjectName(t *testing.T) {
	rep := rendertest.Fixture(t)
	rep.Subject.Path = "."
	c := &rep.Principles[0].Claims[0]
	c.Reason = "run `assay sbom` or `<b>x</b>`; a lone ` stays"
	c.Findings = append(c.Findings, report.Finding{Rule: "securityTxtValid", Outcome: "false", Message: "set `Expires:` in security.txt"})
	page := string(renderFixture(t, rep))
	for _, want := range []string{
		"run <code>assay sbom</code> or <code>&lt;b&gt;x&lt;/b&gt;</code>; a lone ` stays",
		"set <code>Expires:</code> in security.txt",
		`<th scope="row">Repository</th><td><span class="mono">` + template.HTMLEscapeString(textsafe.Clean(rep.Subject.Product)) + `</span>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "`assay sbom`") {
		t.Error("backticks shown raw")
	}
}

// Other frameworks' views are shown after the UK claims, escaped.
func TestHTML_Frameworks(t *testing.T) {
	rep := rendertest.Fixture(t)
	rep.Frameworks = []report.FrameworkView{{
		ID: "ssdf", Version: "1.1", Title: "NIST SSDF", MappingSource: "ours",
		Summary:  report.ControlCounts{Total: 1, Unknown: 1},
		Controls: []report.ControlVerdict{{ID: "PO.1.1", Title: "Define <b>requirements</b>", Status: report.ClaimUnknown, Reason: "no evidence maps to this control", Source: "ours"}},
	}}
	out := string(renderFixture(t, rep))
	for _, want := range []string{`id="fw-ssdf"`, "<strong>PO.1.1</strong>", "Define &lt;b&gt;requirements&lt;/b&gt;", "no evidence maps to this control"} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}
