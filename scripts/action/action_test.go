// Package action tests the GitHub Action (action.yml), its workflow and the
// GitLab template: the files are linted (actionlint for workflows), and the
// shell scripts that hold their logic run against a local fake release
// server and a fake assay binary.
package action

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/render/jsonfmt"
	"github.com/assaysec/assay/internal/render/rendertest"
)

const root = "../.."

// pinned is a third-party action reference pinned by a full commit SHA.
var pinned = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$`)

func TestWorkflows_Actionlint(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows: %v", err)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	proj, err := actionlint.NewProject(abs)
	if err != nil {
		t.Fatal(err)
	}
	opts := &actionlint.LinterOptions{WorkingDir: abs}
	if sc, err := exec.LookPath("shellcheck"); err == nil {
		opts.Shellcheck = sc
	}
	var out bytes.Buffer
	l, err := actionlint.NewLinter(&out, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range files {
		files[i], _ = filepath.Abs(files[i])
	}
	errs, err := l.LintFiles(files, proj)
	if err != nil {
		t.Fatalf("actionlint: %v", err)
	}
	for _, e := range errs {
		t.Errorf("actionlint: %s:%d:%d: %s [%s]", e.Filepath, e.Line, e.Column, e.Message, e.Kind)
	}
}

// TestWorkflows_PinnedAndLeastPrivilege: every third-party action in the
// workflows and in action.yml is pinned by SHA, and every workflow starts
// from a read-only token.
func TestWorkflows_PinnedAndLeastPrivilege(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	files = append(files, filepath.Join(root, "action.yml"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: not YAML: %v", f, err)
		}
		walk(&doc, func(key string, v *yaml.Node) {
			if key != "uses" || v.Kind != yaml.ScalarNode || strings.HasPrefix(v.Value, "./") {
				return
			}
			if !pinned.MatchString(v.Value) {
				t.Errorf("%s:%d: %s is not pinned by a commit SHA", f, v.Line, v.Value)
			}
		})
		if filepath.Base(f) == "action.yml" {
			continue
		}
		var wf struct {
			Permissions map[string]string `yaml:"permissions"`
		}
		if err := yaml.Unmarshal(data, &wf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if diff := cmp.Diff(map[string]string{"contents": "read"}, wf.Permissions); diff != "" && !strings.HasSuffix(f, "dependency-review.yml") {
			t.Errorf("%s: top-level permissions are not read-only (-want +got):\n%s", f, diff)
		}
	}
}

func walk(n *yaml.Node, fn func(key string, v *yaml.Node)) {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			fn(n.Content[i].Value, n.Content[i+1])
		}
	}
	for _, c := range n.Content {
		walk(c, fn)
	}
}

func TestActionMetadata(t *testing.T) {
	abs, _ := filepath.Abs(root)
	proj, err := actionlint.NewProject(abs)
	if err != nil {
		t.Fatal(err)
	}
	// The second result says whether the cache answered, not whether the
	// metadata was found: a nil md means no action.yml.
	md, _, err := actionlint.NewLocalActionsCache(proj, nil).FindMetadata("./")
	if err != nil || md == nil {
		t.Fatalf("action.yml is not valid action metadata: %v", err)
	}
	if md.Runs.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", md.Runs.Using)
	}
	var inputs, outputs []string
	for k, in := range md.Inputs {
		inputs = append(inputs, k)
		if in.Required {
			t.Errorf("input %s is required; every input needs a default", k)
		}
	}
	for k := range md.Outputs {
		outputs = append(outputs, k)
	}
	for _, want := range []string{"version", "path", "format", "fail-on", "assurance", "db-update"} {
		if !slices.Contains(inputs, want) {
			t.Errorf("input %s missing; have %v", want, inputs)
		}
	}
	for _, want := range []string{"met", "not-met", "unknown", "report", "report-path", "sarif", "policy"} {
		if !slices.Contains(outputs, want) {
			t.Errorf("output %s missing; have %v", want, outputs)
		}
	}

	// The steps: cosign installed, the scripts run with bash, SARIF uploaded.
	data, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Inputs map[string]struct {
			Default string `yaml:"default"`
		} `yaml:"inputs"`
		Runs struct {
			Steps []struct {
				ID    string `yaml:"id"`
				Uses  string `yaml:"uses"`
				Run   string `yaml:"run"`
				Shell string `yaml:"shell"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^v\d+\.\d+\.\d+$`).MatchString(a.Inputs["version"].Default) {
		t.Errorf("version default %q is not a pinned release", a.Inputs["version"].Default)
	}
	var uses, runs []string
	for _, s := range a.Runs.Steps {
		if s.Uses != "" {
			uses = append(uses, strings.Split(s.Uses, "@")[0])
		}
		if s.Run != "" {
			if s.Shell != "bash" {
				t.Errorf("step %q: shell %q, want bash", s.ID, s.Shell)
			}
			runs = append(runs, s.Run)
		}
	}
	if diff := cmp.Diff([]string{"sigstore/cosign-installer", "github/codeql-action/upload-sarif"}, uses); diff != "" {
		t.Errorf("actions used (-want +got):\n%s", diff)
	}
	joined := strings.Join(runs, "\n")
	for _, s := range []string{"scripts/action/install.sh", "scripts/action/run.sh"} {
		if !strings.Contains(joined, s) {
			t.Errorf("no step runs %s", s)
		}
		if _, err := os.Stat(filepath.Join(root, s)); err != nil {
			t.Error(err)
		}
	}
}

func TestGitLabTemplate(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "ci", "gitlab", "assay.gitlab-ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	type jobT struct {
		Image        string   `yaml:"image"`
		BeforeScript []string `yaml:"before_script"`
		Script       []string `yaml:"script"`
		Artifacts    struct {
			When    string            `yaml:"when"`
			Paths   []string          `yaml:"paths"`
			Reports map[string]string `yaml:"reports"`
		} `yaml:"artifacts"`
		Variables map[string]string `yaml:"variables"`
	}
	var doc struct {
		Variables map[string]string `yaml:"variables"`
		Assay     *jobT             `yaml:"assay"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil || doc.Assay == nil {
		t.Fatalf("no assay job: %v", err)
	}
	job := *doc.Assay
	if job.Artifacts.When != "always" {
		t.Errorf("artifacts.when = %q: the reports must be kept when the policy fails", job.Artifacts.When)
	}
	if got := job.Artifacts.Reports["codequality"]; got != "assay-out/gl-code-quality-report.json" {
		t.Errorf("codequality report = %q", got)
	}
	if !slices.Contains(job.Artifacts.Paths, "assay-out/") {
		t.Errorf("artifact paths %v do not keep the reports", job.Artifacts.Paths)
	}
	if job.Variables["ASSAY_CODEQUALITY"] != "true" || job.Variables["ASSAY_OUT_DIR"] != "$CI_PROJECT_DIR/assay-out" {
		t.Errorf("job variables %v", job.Variables)
	}
	for _, v := range []string{"ASSAY_VERSION", "ASSAY_PATH", "ASSAY_FORMAT", "ASSAY_FAIL_ON", "ASSAY_ASSURANCE", "ASSAY_DB_UPDATE"} {
		if _, ok := doc.Variables[v]; !ok {
			t.Errorf("variable %s missing", v)
		}
	}
	script := strings.Join(append(job.BeforeScript, job.Script...), "\n")
	for _, s := range []string{"cosign", "install.sh", "run.sh"} {
		if !strings.Contains(script, s) {
			t.Errorf("the job never mentions %s", s)
		}
	}
	if !regexp.MustCompile(`/v\d+\.\d+\.\d+/scripts/action$`).MatchString(doc.Variables["ASSAY_SCRIPTS_URL"]) {
		t.Errorf("ASSAY_SCRIPTS_URL %q is not pinned to a release tag", doc.Variables["ASSAY_SCRIPTS_URL"])
	}
}

// --- the scripts, against a fake release server -----------------------

// fakeAssay is the "binary" inside the fake release: it records its
// arguments, writes the fixture report for assess and a marker for render.
const fakeAssay = `#!/usr/bin/env bash
echo "$*" >> "$FAKE_LOG"
cmd="$1"; shift
out=""; fmt=""
while [ $# -gt 0 ]; do
  case "$1" in
    --output) out="$2"; shift ;;
    --format) fmt="$2"; shift ;;
  esac
  shift
done
case "$cmd" in
  assess) cp "$FAKE_REPORT" "$out"; exit "${FAKE_RC:-0}" ;;
  render) echo "rendered $fmt" > "$out" ;;
  db) echo imported ;;
esac
`

func need(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	if _, err := exec.LookPath("sha256sum"); err != nil {
		if _, err := exec.LookPath("shasum"); err != nil {
			t.Skip("neither sha256sum nor shasum installed")
		}
	}
}

func tarGz(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o755, Size: int64(len(files[n]))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zipped(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for n, body := range files {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// release is a fake release server: files by path, and a log of requests.
type release struct {
	files map[string][]byte
	srv   *httptest.Server
	got   []string
}

func newRelease(t *testing.T, version string, archives map[string][]byte) *release {
	t.Helper()
	r := &release{files: map[string][]byte{}}
	var checksums strings.Builder
	names := make([]string, 0, len(archives))
	for n := range archives {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		r.files["/"+version+"/"+n] = archives[n]
		fmt.Fprintf(&checksums, "%s  %s\n", sum(archives[n]), n)
	}
	r.files["/"+version+"/checksums.txt"] = []byte(checksums.String())
	// Not a valid Sigstore bundle: cosign, when installed, must reject it.
	r.files["/"+version+"/checksums.txt.sigstore.json"] = []byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`)
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.got = append(r.got, req.URL.Path)
		b, ok := r.files[req.URL.Path]
		if !ok {
			http.NotFound(w, req)
			return
		}
		_, _ = w.Write(b)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

type result struct {
	stdout, stderr string
	code           int
}

func runScript(t *testing.T, script string, env map[string]string) result {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join(root, "scripts", "action", script))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", abs)
	cmd.Dir = t.TempDir()
	// A clean environment: nothing from the developer's shell or CI.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TMPDIR=" + t.TempDir()}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %s: %v", script, err)
	}
	return result{out.String(), errb.String(), code}
}

func haveCosign() bool { _, err := exec.LookPath("cosign"); return err == nil }

func TestInstall(t *testing.T) {
	need(t, "bash", "curl", "tar")
	const version = "v0.1.0"
	good := tarGz(t, map[string]string{"assay": fakeAssay, "LICENSE": "licence\n"})
	archive := "assay_0.1.0_linux_amd64.tar.gz"

	base := func(r *release, dest string) map[string]string {
		return map[string]string{
			"ASSAY_VERSION": version, "ASSAY_DOWNLOAD_URL": r.srv.URL,
			"ASSAY_OS": "linux", "ASSAY_ARCH": "amd64", "ASSAY_INSTALL_DIR": dest,
		}
	}

	t.Run("verified archive installs", func(t *testing.T) {
		r := newRelease(t, version, map[string][]byte{archive: good, "assay_0.1.0_darwin_arm64.tar.gz": []byte("other")})
		dest := t.TempDir()
		env := base(r, dest)
		gh := filepath.Join(t.TempDir(), "out")
		ghPath := filepath.Join(t.TempDir(), "path")
		env["GITHUB_OUTPUT"], env["GITHUB_PATH"] = gh, ghPath
		if !haveCosign() {
			// The cosign step is skipped only when asked for.
			env["ASSAY_VERIFY_SIGNATURE"] = "false"
		} else {
			t.Skip("cosign is installed: the fake release has no valid signature (see the signature subtest)")
		}
		res := runScript(t, "install.sh", env)
		if res.code != 0 {
			t.Fatalf("exit %d: %s", res.code, res.stderr)
		}
		bin := filepath.Join(dest, "assay")
		if strings.TrimSpace(res.stdout) != bin {
			t.Errorf("stdout %q, want the binary path %s", res.stdout, bin)
		}
		if b, err := os.ReadFile(bin); err != nil || string(b) != fakeAssay {
			t.Errorf("installed binary: %v", err)
		}
		if _, err := os.Stat(filepath.Join(dest, "LICENSE")); err == nil {
			t.Error("extracted more than the binary")
		}
		if b, _ := os.ReadFile(gh); string(b) != "path="+bin+"\n" {
			t.Errorf("GITHUB_OUTPUT = %q", b)
		}
		if b, _ := os.ReadFile(ghPath); string(b) != dest+"\n" {
			t.Errorf("GITHUB_PATH = %q", b)
		}
		if !strings.Contains(res.stderr, "signature check disabled") {
			t.Errorf("no warning that the signature was not checked: %s", res.stderr)
		}
		if diff := cmp.Diff([]string{"/v0.1.0/checksums.txt", "/v0.1.0/" + archive}, r.got); diff != "" {
			t.Errorf("requests (-want +got):\n%s", diff)
		}
	})

	t.Run("signature is required", func(t *testing.T) {
		r := newRelease(t, version, map[string][]byte{archive: good})
		dest := t.TempDir()
		res := runScript(t, "install.sh", base(r, dest))
		if res.code == 0 {
			t.Fatalf("installed without a verified signature: %s", res.stderr)
		}
		want := "cosign is needed"
		if haveCosign() {
			want = "the signature of checksums.txt does not verify"
		}
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr %q, want %q", res.stderr, want)
		}
		assertEmpty(t, dest)
	})

	rejects := []struct {
		name  string
		serve func(r *release)
		env   map[string]string
		want  string
	}{
		{
			name: "tampered archive",
			serve: func(r *release) {
				r.files["/v0.1.0/"+archive] = tarGz(t, map[string]string{"assay": "#!/bin/sh\necho evil\n"})
			},
			want: "does not match checksums.txt (" + sum(good) + "); not installing",
		},
		{
			name: "archive not listed",
			serve: func(r *release) {
				r.files["/v0.1.0/checksums.txt"] = []byte(sum(good) + "  assay_0.1.0_linux_arm64.tar.gz\n")
			},
			want: "does not list " + archive + " exactly once",
		},
		{
			name: "archive listed twice",
			serve: func(r *release) {
				r.files["/v0.1.0/checksums.txt"] = []byte(sum(good) + "  " + archive + "\n" + strings.Repeat("0", 64) + "  " + archive + "\n")
			},
			want: "exactly once",
		},
		{
			name:  "missing archive",
			serve: func(r *release) { delete(r.files, "/v0.1.0/"+archive) },
			want:  "download",
		},
		{name: "version is not a tag", env: map[string]string{"ASSAY_VERSION": "v1/../../x"}, want: "not a release version"},
		{name: "plain http mirror", env: map[string]string{"ASSAY_DOWNLOAD_URL": "http://example.com/releases"}, want: "must be https://"},
		{name: "unknown platform", env: map[string]string{"ASSAY_OS": "plan9"}, want: "no release for plan9/amd64"},
	}
	for _, tc := range rejects {
		t.Run(tc.name, func(t *testing.T) {
			r := newRelease(t, version, map[string][]byte{archive: good})
			if tc.serve != nil {
				tc.serve(r)
			}
			dest := t.TempDir()
			env := base(r, dest)
			env["ASSAY_VERIFY_SIGNATURE"] = "false" // the checksum check on its own
			for k, v := range tc.env {
				env[k] = v
			}
			res := runScript(t, "install.sh", env)
			if res.code == 0 {
				t.Fatalf("accepted: %s", res.stderr)
			}
			if !strings.Contains(res.stderr, tc.want) {
				t.Errorf("stderr %q, want %q", res.stderr, tc.want)
			}
			assertEmpty(t, dest)
		})
	}

	t.Run("windows zip", func(t *testing.T) {
		need(t, "unzip")
		zipName := "assay_0.1.0_windows_arm64.zip"
		r := newRelease(t, version, map[string][]byte{zipName: zipped(t, map[string]string{"assay.exe": "MZ", "README.md": "x"})})
		dest := t.TempDir()
		env := base(r, dest)
		env["ASSAY_OS"], env["ASSAY_ARCH"], env["ASSAY_VERIFY_SIGNATURE"] = "", "", "false"
		env["RUNNER_OS"], env["RUNNER_ARCH"] = "Windows", "ARM64"
		res := runScript(t, "install.sh", env)
		if res.code != 0 {
			t.Fatalf("exit %d: %s", res.code, res.stderr)
		}
		if b, err := os.ReadFile(filepath.Join(dest, "assay.exe")); err != nil || string(b) != "MZ" {
			t.Errorf("assay.exe: %v", err)
		}
	})
}

func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	if len(ents) > 0 {
		t.Errorf("%s holds %d entries after a rejected install", dir, len(ents))
	}
}

// fixtureReport writes the renderers' fixture report (with its hostile
// strings) as JSON.
func fixtureReport(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	if err := jsonfmt.New(render.Options{}).Render(&buf, rendertest.Fixture(t)); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRun(t *testing.T) {
	need(t, "bash", "jq")
	dir := t.TempDir()
	bin := filepath.Join(dir, "assay")
	if err := os.WriteFile(bin, []byte(fakeAssay), 0o755); err != nil {
		t.Fatal(err)
	}
	report := fixtureReport(t)

	setup := func(t *testing.T) (map[string]string, string) {
		out := t.TempDir()
		return map[string]string{
			"ASSAY": bin, "ASSAY_OUT_DIR": out, "FAKE_REPORT": report,
			"FAKE_LOG":            filepath.Join(out, "calls.log"),
			"GITHUB_OUTPUT":       filepath.Join(out, "github_output"),
			"GITHUB_STEP_SUMMARY": filepath.Join(out, "summary.md"),
		}, out
	}

	t.Run("outputs and summary", func(t *testing.T) {
		env, out := setup(t)
		env["ASSAY_PATH"], env["ASSAY_FORMAT"], env["ASSAY_ASSURANCE"], env["ASSAY_CODEQUALITY"] = "repo", "html", "attested", "true"
		res := runScript(t, "run.sh", env)
		if res.code != 0 {
			t.Fatalf("exit %d: %s", res.code, res.stderr)
		}
		calls, _ := os.ReadFile(env["FAKE_LOG"])
		wantCalls := strings.Join([]string{
			"assess repo --format json --output " + out + "/assay-report.json --fail-on not_met --assurance attested",
			"render " + out + "/assay-report.json --format sarif --output " + out + "/assay.sarif",
			"render " + out + "/assay-report.json --format codequality --output " + out + "/gl-code-quality-report.json",
			"render " + out + "/assay-report.json --format html --output " + out + "/assay-report.html",
		}, "\n") + "\n"
		if diff := cmp.Diff(wantCalls, string(calls)); diff != "" {
			t.Errorf("assay calls (-want +got):\n%s", diff)
		}
		gh, _ := os.ReadFile(env["GITHUB_OUTPUT"])
		wantOut := fmt.Sprintf("met=4\nnot-met=2\nunknown=39\nnot-applicable=0\nwaived=1\ntotal=45\npolicy=pass\nreport=%[1]s/assay-report.json\nreport-path=%[1]s/assay-report.html\nsarif=%[1]s/assay.sarif\ncodequality=%[1]s/gl-code-quality-report.json\n", out)
		if diff := cmp.Diff(wantOut, string(gh)); diff != "" {
			t.Errorf("GITHUB_OUTPUT (-want +got):\n%s", diff)
		}
		sum, _ := os.ReadFile(env["GITHUB_STEP_SUMMARY"])
		s := string(sum)
		for _, want := range []string{"| 4 | 2 | 39 | 0 | 1 | 45 |", "### Not met", "policy `--fail-on not_met`: holds", "<details><summary>Unknown: 39 claims"} {
			if !strings.Contains(s, want) {
				t.Errorf("summary lacks %q:\n%s", want, s)
			}
		}
		if strings.Contains(s, "<script") || strings.Contains(s, "\x1b") {
			t.Errorf("summary carries repository markup or escapes:\n%s", s)
		}
	})

	t.Run("policy failure is an output, or the exit code when enforced", func(t *testing.T) {
		env, _ := setup(t)
		env["FAKE_RC"] = "1"
		if res := runScript(t, "run.sh", env); res.code != 0 {
			t.Fatalf("exit %d without ASSAY_ENFORCE: %s", res.code, res.stderr)
		}
		if gh, _ := os.ReadFile(env["GITHUB_OUTPUT"]); !strings.Contains(string(gh), "policy=fail\n") {
			t.Errorf("GITHUB_OUTPUT lacks policy=fail: %s", gh)
		}
		env, _ = setup(t)
		env["FAKE_RC"], env["ASSAY_ENFORCE"] = "1", "true"
		if res := runScript(t, "run.sh", env); res.code != 1 {
			t.Errorf("exit %d with ASSAY_ENFORCE, want 1", res.code)
		}
		if _, err := os.Stat(filepath.Join(env["ASSAY_OUT_DIR"], "assay.sarif")); err != nil {
			t.Errorf("no SARIF when the policy fails: %v", err)
		}
	})

	t.Run("an unfinished assessment stops the step", func(t *testing.T) {
		env, _ := setup(t)
		env["FAKE_RC"] = "3"
		res := runScript(t, "run.sh", env)
		if res.code != 3 || !strings.Contains(res.stderr, "did not finish (exit 3)") {
			t.Errorf("exit %d, stderr %q", res.code, res.stderr)
		}
	})

	t.Run("bad inputs", func(t *testing.T) {
		for k, v := range map[string]string{"ASSAY_FAIL_ON": "sometimes", "ASSAY_ASSURANCE": "trusted", "ASSAY_DB_UPDATE": "Go ../x"} {
			env, _ := setup(t)
			env[k] = v
			if res := runScript(t, "run.sh", env); res.code != 2 {
				t.Errorf("%s=%s: exit %d, want 2 (%s)", k, v, res.code, res.stderr)
			}
		}
	})

	t.Run("db-update imports OSV data first", func(t *testing.T) {
		need(t, "curl")
		var got []string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = append(got, r.URL.Path)
			_, _ = w.Write([]byte("PK"))
		}))
		defer srv.Close()
		env, _ := setup(t)
		env["ASSAY_DB_UPDATE"], env["ASSAY_OSV_URL"], env["ASSAY_DB"] = "Go crates.io", srv.URL, "/tmp/db"
		res := runScript(t, "run.sh", env)
		if res.code != 0 {
			t.Fatalf("exit %d: %s", res.code, res.stderr)
		}
		if diff := cmp.Diff([]string{"/Go/all.zip", "/crates.io/all.zip"}, got); diff != "" {
			t.Errorf("downloads (-want +got):\n%s", diff)
		}
		calls, _ := os.ReadFile(env["FAKE_LOG"])
		first := strings.SplitN(string(calls), "\n", 2)[0]
		if !regexp.MustCompile(`^db import --db /tmp/db \S+/Go\.zip \S+/crates\.io\.zip$`).MatchString(first) {
			t.Errorf("first call %q is not the import", first)
		}
		if !strings.Contains(string(calls), "--fail-on not_met --db /tmp/db") {
			t.Errorf("assess does not use the database: %s", calls)
		}
	})
}
