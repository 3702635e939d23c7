package html_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	xhtml "golang.org/x/net/html"

	"github.com/assaysec/assay/internal/engine"
	"github.com/assaysec/assay/internal/render/rendertest"
	"github.com/assaysec/assay/internal/report"
)

// chromium finds a Chromium binary; CI installs Debian's package.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("ASSAY_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("browser test skipped: no Chromium found (apt-get install chromium, or set ASSAY_CHROMIUM); .ci/run installs it")
	return ""
}

// browse loads page in headless Chromium, saves a screenshot as a test
// artefact under testdata/out (ignored by git) and returns the DOM after
// scripts ran.
func browse(t *testing.T, bin string, page []byte, name string) *xhtml.Node {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, name+".html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	outDir, err := filepath.Abs(filepath.Join("testdata", "out"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(outDir, name+".png")
	run := func(extra ...string) []byte {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--no-first-run", "--disable-sync", "--hide-scrollbars", "--mute-audio",
			"--user-data-dir=" + filepath.Join(dir, "profile"), "--window-size=1280,1600", "--virtual-time-budget=3000"}
		args = append(args, extra...)
		args = append(args, "file://"+file)
		cmd := exec.CommandContext(ctx, bin, args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("chromium %v: %v\n%s", extra, err, stderr.String())
		}
		return stdout.Bytes()
	}
	run("--screenshot=" + shot)
	if st, err := os.Stat(shot); err != nil || st.Size() == 0 {
		t.Fatalf("no screenshot at %s: %v", shot, err)
	}
	t.Logf("screenshot of %s: %s", name, shot)
	// "Print to PDF" through the print stylesheet.
	pdf := filepath.Join(outDir, name+".pdf")
	run("--no-pdf-header-footer", "--print-to-pdf="+pdf)
	if data, err := os.ReadFile(pdf); err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("no PDF at %s: %v", pdf, err)
	}
	t.Logf("printed %s to %s", name, pdf)
	dom := run("--dump-dom")
	doc, err := xhtml.Parse(bytes.NewReader(dom))
	if err != nil {
		t.Fatalf("parse dumped DOM: %v", err)
	}
	return doc
}

func hasClass(n *xhtml.Node, c string) bool {
	for _, f := range strings.Fields(attr(n, "class")) {
		if f == c {
			return true
		}
	}
	return false
}

// checkRendered asserts what a reader sees: 14 principles in the overview,
// evidence links, and the filter bar revealed by the script (which proves the
// CSP hash lets our script run).
func checkRendered(t *testing.T, doc *xhtml.Node) {
	t.Helper()
	var tiles int
	for _, li := range elements(doc, "li") {
		if hasClass(li, "principle-tile") {
			tiles++
		}
	}
	if tiles != 14 {
		t.Errorf("overview shows %d principles, want 14", tiles)
	}
	var evidence int
	for _, a := range elements(doc, "a") {
		if hasClass(a, "evidence") && strings.HasPrefix(attr(a, "href"), "./") {
			evidence++
		}
	}
	if evidence == 0 {
		t.Error("no claim evidence link in the rendered page")
	}
	for _, d := range elements(doc, "div") {
		if attr(d, "id") == "filters" && hasClass(d, "hidden") {
			t.Error("the filter bar is still hidden: the inline script did not run (CSP hash?)")
		}
	}
	if n := len(elements(doc, "script")); n != 1 {
		t.Errorf("rendered DOM has %d scripts, want 1", n)
	}
}

func TestHTML_Browser_Fixture(t *testing.T) {
	bin := chromium(t)
	rep := rendertest.Fixture(t)
	// Plant markup in a declaration field too.
	rep.Subject.SRO = &report.Person{Name: "<script>document.title='pwned'</script>Eve", Role: "<b>CTO</b>"}
	doc := browse(t, bin, renderFixture(t, rep), "fixture")
	checkRendered(t, doc)
	text := textOf(doc)
	for _, want := range []string{rendertest.HostilePath, "<script>document.title='pwned'</script>Eve", "<b>CTO</b>"} {
		if !strings.Contains(text, want) {
			t.Errorf("planted markup %q does not appear as text", want)
		}
	}
	for _, ti := range elements(doc, "title") {
		if strings.Contains(textOf(ti), "pwned") {
			t.Error("planted script ran")
		}
	}
}

// TestHTML_Browser_Self renders the report of Assay's own repository.
func TestHTML_Browser_Self(t *testing.T) {
	if testing.Short() {
		t.Skip("assesses the whole repository")
	}
	bin := chromium(t)
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(context.Background(), engine.Options{Path: root, Now: rendertest.Now})
	if err != nil {
		t.Fatalf("assess %s: %v", root, err)
	}
	doc := browse(t, bin, renderFixture(t, res.Report), "assay-self")
	checkRendered(t, doc)
}

// overflowProbe measures, after layout, whether the page is wider than the
// window and which elements stick out; it writes the answer on <body>.
const overflowProbe = `(function(){var d=document.documentElement,w=d.clientWidth,out=[];` +
	`document.querySelectorAll('body *').forEach(function(e){var r=e.getBoundingClientRect();` +
	`if(r.width>0&&r.right>w+1&&out.length<8){out.push(e.tagName.toLowerCase()+'.'+e.className+' right='+Math.round(r.right))}});` +
	`document.body.setAttribute('data-overflow',JSON.stringify({scrollWidth:d.scrollWidth,clientWidth:w,wide:out}))})();`

// TestHTML_Browser_NoSidewaysScroll: at 1280 px the report never scrolls
// sideways, however long its paths, rule ids, messages and tables are: long
// text wraps inside the claim cards.
func TestHTML_Browser_NoSidewaysScroll(t *testing.T) {
	bin := chromium(t)
	rep := rendertest.Fixture(t)
	long := "internal/collector/" + strings.Repeat("deeply-nested-directory-name/", 8) + "file_with_a_long_name_test.go"
	token := strings.Repeat("x", 180)
	c := &rep.Principles[0].Claims[0]
	c.Findings = append(c.Findings,
		report.Finding{Rule: "updateAutomationCoversEcosystemsAndTheirManifests", Outcome: "false", Role: "all",
			Message:  "no Dependabot or Renovate configuration found for " + long + " and " + token + "; run `assay sbom --format cyclonedx-json " + long + "`",
			Location: report.Location{Path: long, Line: 12345}},
		report.Finding{Rule: "releasesAreSigned", Outcome: "false", Role: "any", Message: "see " + "https://example.com/" + token,
			Location: report.Location{URL: "https://example.com/" + token}})
	c.Reason = "because " + token
	rep.Subject.Path = "/home/someone/" + long
	page := renderFixture(t, rep)
	// Let the probe run beside the page's own script: add its hash to the CSP.
	sum := sha256.Sum256([]byte(overflowProbe))
	hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	page = bytes.Replace(page, []byte("script-src "), []byte("script-src "+hash+" "), 1)
	page = bytes.Replace(page, []byte("</body>"), []byte("<script>"+overflowProbe+"</script></body>"), 1)

	dir := t.TempDir()
	file := filepath.Join(dir, "wide.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--hide-scrollbars", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--window-size=1280,1600", "--virtual-time-budget=3000", "--dump-dom", "file://"+file).Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	doc, err := xhtml.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var got string
	for _, b := range elements(doc, "body") {
		got = attr(b, "data-overflow")
	}
	var m struct {
		ScrollWidth, ClientWidth int
		Wide                     []string
	}
	if err := json.Unmarshal([]byte(got), &m); err != nil {
		t.Fatalf("the probe did not run (%q): %v", got, err)
	}
	if m.ScrollWidth > m.ClientWidth || len(m.Wide) > 0 {
		t.Errorf("the page scrolls sideways at 1280 px: scrollWidth %d > %d; wide elements: %v", m.ScrollWidth, m.ClientWidth, m.Wide)
	}
}
