package server

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/assaysec/assay/internal/fleet"
)

// securityPolicy is a disclosure policy with a private contact, a process
// and response times: the engine takes it as claims 3.2.1, 3.2.2 and 3.3.2
// met. Its contact must not be at a reserved domain (example.com, .test,
// ...): the policy parser takes such an address for a template's
// placeholder, not a way to report, and 3.2.1 would stay not met.
const securityPolicy = `# Security policy

## Supported versions

Only the latest release receives security fixes.

## Reporting a vulnerability

Please report vulnerabilities privately by e-mail to security@widgetworks.co.uk.
Do not open a public issue. We acknowledge a report within 5 working days,
keep you informed of progress, and publish an advisory once a fix is
released, normally within 90 days (coordinated disclosure).
`

// chromiumPath is Debian's Chromium, or "" when it is not installed.
func chromiumPath() string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// artefactDir is where the browser test saves screenshots and the
// downloaded report: $ASSAY_TEST_ARTIFACTS/<test name> when set, else a
// temporary directory removed after the test.
func artefactDir(t *testing.T) string {
	t.Helper()
	root := os.Getenv("ASSAY_TEST_ARTIFACTS")
	if root == "" {
		return t.TempDir()
	}
	dir := filepath.Join(root, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func gitRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com", "GIT_COMMITTER_NAME=Test",
		"GIT_COMMITTER_EMAIL=test@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// TestBrowser drives the web UI in Chromium: sign in, add a product and a
// repository, run an assessment with in-process workers and the real
// engine, read the claim history, commit the removal of SECURITY.md, assess
// again, see the diff, and download the HTML report.
func TestBrowser(t *testing.T) {
	chrome := chromiumPath()
	if chrome == "" {
		t.Skip("Chromium is not installed (apt-get install chromium)")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { browserFlow(t, b, chrome) })
	}
}

func browserFlow(t *testing.T, b backend, chrome string) {
	e := newEnvAt(t, b, time.Now)
	out := artefactDir(t)

	repo := t.TempDir()
	gitRun(t, repo, "init", "-q", "-b", "main")
	if err := os.WriteFile(filepath.Join(repo, "SECURITY.md"), []byte(securityPolicy), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "README.md"), []byte("# Widget\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitRun(t, repo, "add", "-A")
	gitRun(t, repo, "commit", "-q", "-m", "initial")

	// In-process workers with the real engine, as `assay serve --workers 1`.
	wctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- e.fleet.Queue.Work(wctx, fleet.WorkOptions{Workers: 1, Assess: fleet.EngineAssessor(time.Time{}),
			Fingerprint: fleet.EngineFingerprint(t.TempDir(), nil), PollEvery: 50 * time.Millisecond})
	}()
	t.Cleanup(func() {
		stop()
		<-done
	})

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.Headless,
		chromedp.Flag("disable-gpu", true), chromedp.WindowSize(1280, 1000))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancelC := chromedp.NewContext(actx)
	defer cancelC()
	ctx, cancelT := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelT()

	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(80))
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(out, name+".jpg"), buf, 0o644)
		})
	}
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	read := func(what string, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	// waitFor reloads the page until its HTML has want n times.
	waitFor := func(what, want string, n int) string {
		t.Helper()
		deadline := time.Now().Add(90 * time.Second)
		for {
			// The page may be replaced between the reload and the read
			// (the node the read asks for is then gone): such a read is
			// retried, not a failure.
			s, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("body")))
			if err == nil && strings.Count(s, want) >= n {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: page never showed %q %d times (last read error: %v):\n%s", what, want, n, err, s)
			}
			time.Sleep(300 * time.Millisecond)
			run("reload", chromedp.Reload())
		}
	}

	signin, err := e.srv.AdminSignin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	run("sign in",
		chromedp.Navigate(e.http.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=token]`)),
		shot("01-signin"),
		chromedp.SendKeys(chromedp.CSS(`input[name=token]`), signin),
		chromedp.Click(chromedp.CSS(`form[action="/signin"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/products"] input[name=name]`)),
		shot("02-overview"),
	)
	run("add a product",
		chromedp.SendKeys(chromedp.CSS(`form[action="/products"] input[name=name]`), "Widget"),
		chromedp.Click(chromedp.CSS(`form[action="/products"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=path]`)),
	)
	run("add a repository",
		chromedp.SendKeys(chromedp.CSS(`input[name=path]`), repo),
		chromedp.Click(chromedp.CSS(`form.stack input[name=path] ~ button, form[action$="/repositories"] button`)),
		chromedp.WaitVisible(chromedp.Search(`//h2[text()="Assessments"]`)),
	)
	repoURL := read("repository URL", chromedp.Location())
	if !regexp.MustCompile(`/repositories/\d+$`).MatchString(repoURL) {
		t.Fatalf("after adding the repository the browser is at %s", repoURL)
	}
	page := waitFor("first assessment", `class="st succeeded"`, 1)
	if !strings.Contains(page, "Claims over time") || !strings.Contains(page, "3.2.1") {
		t.Fatalf("claim history missing on the repository page:\n%s", page)
	}
	run("claim history", shot("03-history"))

	gitRun(t, repo, "rm", "-q", "SECURITY.md")
	gitRun(t, repo, "commit", "-q", "-m", "remove the security policy")
	run("assess again", chromedp.Click(chromedp.Search(`//button[text()="Assess now"]`)), chromedp.WaitVisible(chromedp.Search(`//h2[text()="Assessments"]`)))
	waitFor("second assessment", `class="st succeeded"`, 2)
	// Nothing changed since: the third job assesses nothing and says so.
	run("assess unchanged", chromedp.Click(chromedp.Search(`//button[text()="Assess now"]`)), chromedp.WaitVisible(chromedp.Search(`//h2[text()="Assessments"]`)))
	waitFor("unchanged check", `unchanged since assessment`, 1)
	run("unchanged", shot("04-unchanged"))

	run("diff",
		chromedp.Navigate(repoURL+"/diff"),
		chromedp.WaitVisible(chromedp.Search(`//h2[text()="Changes between assessments"]`)),
		shot("05-diff"),
	)
	diff := read("diff text", chromedp.Text(chromedp.CSS(`main`)))
	// The real engine reads the disclosure policy (3.2.1) and the
	// remediation timeline (3.3.2) from SECURITY.md, so removing the file
	// turns both from met to not met.
	for _, want := range []string{`3\.2\.1 met → not_met: `, `3\.3\.2 met → not_met: .*security documents`} {
		if !regexp.MustCompile(want).MatchString(diff) {
			t.Fatalf("diff does not show %s after SECURITY.md was removed:\n%s", want, diff)
		}
	}

	// Open the newest assessment and download its HTML report.
	dl := filepath.Join(out, "download")
	if err := os.MkdirAll(dl, 0o755); err != nil {
		t.Fatal(err)
	}
	run("open assessment",
		chromedp.Navigate(repoURL),
		chromedp.Click(chromedp.CSS(`table tbody tr:first-child td:first-child a`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href$="format=html"]`)),
		shot("06-assessment"),
	)
	yes := true
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dl, EventsEnabled: &yes}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	events := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	run("download the HTML report", chromedp.Click(chromedp.CSS(`a[href$="format=html"]`)))
	guid := ""
	for ev, err := range events {
		if err != nil {
			t.Fatalf("the HTML report never finished downloading: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			guid = ev.GUID
			break
		}
	}
	data, err := os.ReadFile(filepath.Join(dl, guid))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "<html") || !strings.Contains(string(data), "3.2.1") {
		t.Fatalf("downloaded report is not the HTML report: %.300s", data)
	}
	if err := os.Rename(filepath.Join(dl, guid), filepath.Join(out, "report.html")); err != nil {
		t.Fatal(err)
	}
	_ = os.Remove(dl)
	t.Logf("screenshots and report in %s", out)
}
