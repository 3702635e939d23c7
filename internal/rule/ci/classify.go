package ci

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/textsafe"
)

// A recogniser says what a step does, from its `uses:` action and its
// `run:` script. Recognition is by command, not by step or job name: a job
// called "test" that only echoes proves nothing.
type recogniser struct {
	name string
	uses []string       // action prefixes (owner/repo[/path]), lower case
	run  *lazyre.Regexp // script pattern
	with []actionInput  // an input that makes a general action do it
}

// actionInput is an input of an action that does more than build: Docker's
// build-push-action records SLSA provenance with `provenance: mode=max`
// and an SBOM with `sbom: true`. The value must say so literally; an
// expression is not read, and an unset input is the action's default,
// which the workflow does not show.
type actionInput struct {
	uses []string       // action prefixes, lower case
	key  string         // the input's name
	val  *lazyre.Regexp // a value that turns it on
}

// matchWith returns what the step's inputs make it do, or "".
func (r recogniser) matchWith(s evidence.CIStep) string {
	if s.Uses == "" || len(s.With) == 0 {
		return ""
	}
	u := strings.ToLower(evidence.ActionName(s.Uses))
	for _, in := range r.with {
		if !slices.ContainsFunc(in.uses, func(p string) bool { return u == p || strings.HasPrefix(u, p+"/") }) {
			continue
		}
		if v, ok := s.With[in.key]; ok && in.val.MatchString(strings.TrimSpace(v)) {
			return fmt.Sprintf("%s with %s: %s", evidence.ActionName(s.Uses), in.key, textsafe.Truncate(textsafe.Clean(strings.TrimSpace(v)), 40))
		}
	}
	return ""
}

// dockerBuild are Docker's build actions, whose provenance, sbom and
// attests inputs add attestations to the image they push.
var dockerBuild = []string{"docker/build-push-action", "docker/bake-action"}

func (r recogniser) matchUses(uses string) bool {
	u := strings.ToLower(evidence.ActionName(uses))
	for _, p := range r.uses {
		if u == p || strings.HasPrefix(u, p+"/") {
			return true
		}
	}
	return false
}

// matchVars is match with the job's environment and matrix, so a command
// given through ${{ env.X }}, ${{ matrix.x }} or $X is read as the value
// it takes. The line and text shown are those of the script as written.
func (r recogniser) matchVars(s evidence.CIStep, env map[string]string, matrix map[string][]string) (int, string) {
	if s.Uses != "" && r.matchUses(s.Uses) {
		return s.Line, s.Uses
	}
	if w := r.matchWith(s); w != "" {
		return s.Line, w
	}
	if r.run == nil || s.Run == "" {
		return 0, ""
	}
	for _, text := range expansions(s.Run, s.Env, env, matrix) {
		if at := runMatch(r.run, text); at >= 0 {
			n := strings.Count(text[:at], "\n")
			what := firstLine(nthLine(s.Run, n))
			if s.Section == evidence.SectionDefaultScript {
				what += " (" + s.Name + ")"
			}
			return s.RunLine + n, what
		}
	}
	return 0, ""
}

// runMatch returns the offset of the first match of re in text outside a
// shell comment, or -1.
func runMatch(re *lazyre.Regexp, text string) int {
	key := memoKey{re, text}
	if at, ok := runMemo.get(key); ok {
		return at
	}
	at := -1
	for _, loc := range re.FindAllStringIndex(text, 50) {
		if !evidence.InShellComment(text, loc[0]) {
			at = loc[0]
			break
		}
	}
	// A copy, so the memo never keeps a larger buffer the script was cut from.
	runMemo.put(memoKey{re, strings.Clone(text)}, at)
	return at
}

// runMemo remembers runMatch's answers. Several rules ask the same
// recogniser about the same scripts (three test rules walk every job of
// every workflow, and each walk expands the matrix), and the command
// expressions are slow, so the answer for a script is computed once. The
// answer depends only on the expression and the text, so the memo can
// outlive an evaluation; it is emptied when it grows past a bound.
var runMemo = memo{m: map[memoKey]int{}}

type memoKey struct {
	re   *lazyre.Regexp
	text string
}

type memo struct {
	mu    sync.Mutex
	m     map[memoKey]int
	bytes int
}

// maxMemoBytes bounds the script text the memo holds on to.
const maxMemoBytes = 4 << 20

func (m *memo) get(k memoKey) (int, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[k]
	return v, ok
}

func (m *memo) put(k memoKey, v int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.bytes+len(k.text) > maxMemoBytes {
		clear(m.m)
		m.bytes = 0
	}
	if _, ok := m.m[k]; !ok {
		m.bytes += len(k.text)
	}
	m.m[k] = v
}

// nthLine returns line n (0-based) of s.
func nthLine(s string, n int) string {
	for ; n > 0; n-- {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			return ""
		}
		s = s[i+1:]
	}
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// varRef matches ${{ env.X }}, ${{ matrix.x }}, ${{ vars.X }}, ${X} and $X.
var varRef = lazyre.New(`\$\{\{\s*(?:env|matrix|vars)\.([\w-]+)\s*\}\}|\$\{(\w+)\}|\$(\w+)`)

// maxVariants caps the expanded texts tried per script.
const maxVariants = 16

// expansions returns the script as written followed by the texts it takes
// once variables are replaced by their values: the step's env, then the
// job's, then the matrix (the i-th text takes the i-th value of each
// matrix variable). Values never add lines, so line numbers still hold.
func expansions(run string, stepEnv, env map[string]string, matrix map[string][]string) []string {
	out := []string{run}
	if len(stepEnv)+len(env)+len(matrix) == 0 || !strings.Contains(run, "$") {
		return out
	}
	lookup := func(name string, i int) (string, bool) {
		if v, ok := stepEnv[name]; ok {
			return v, true
		}
		if v, ok := env[name]; ok {
			return v, true
		}
		if vs := matrix[name]; len(vs) > 0 {
			return vs[i%len(vs)], true
		}
		return "", false
	}
	n := 1
	for _, m := range varRef.FindAllStringSubmatch(run, 50) {
		name := m[1] + m[2] + m[3]
		if _, ok := stepEnv[name]; ok {
			continue
		}
		if _, ok := env[name]; ok {
			continue
		}
		n = max(n, len(matrix[name]))
	}
	n = min(n, maxVariants)
	for i := 0; i < n; i++ {
		text := run
		for depth := 0; depth < 2 && strings.Contains(text, "$"); depth++ {
			text = varRef.ReplaceAllStringFunc(text, func(ref string) string {
				m := varRef.FindStringSubmatch(ref)
				v, ok := lookup(m[1]+m[2]+m[3], i)
				if !ok || len(v) > 4096 {
					return ref
				}
				return strings.NewReplacer("\r\n", "; ", "\n", "; ", "\r", "; ").Replace(v)
			})
		}
		if !slices.Contains(out, text) {
			out = append(out, text)
		}
	}
	return out
}

// Parts of the command-start pattern. A command starts a line or follows
// ;, &&, ||, |, ( or $( or a shell keyword; before it may stand inline
// variable assignments (CGO_ENABLED=1), wrappers with their options (sudo,
// env, uv run --locked, poetry run, bundle exec, composer exec, xvfb-run -a,
// python -m, php, coverage run) and a path or variable prefix (venv/bin/,
// ${PREFIX}).
const (
	cmdStart = `(?:^|[;&|(]|\$\(|\b(?:then|do|else)[ \t])[ \t]*`
	assign   = `[A-Za-z_]\w*=(?:"[^"\n]*"|'[^'\n]*'|[^\s;&|]*)[ \t]+`
	wrapper  = `(?:sudo|exec|time|nice|command|env|cross-env|npx|bunx|uvx|pipx\s+run|(?:pnpm|yarn|npm)\s+(?:exec|dlx)|yarn|pnpm|uv\s+(?:tool\s+)?run|poetry\s+run|pipenv\s+run|pdm\s+run|rye\s+run|hatch\s+(?:-e\s+\S+\s+)?run|bundle\s+exec|composer(?:\.phar)?\s+(?:global\s+)?exec|python[\d.]*\s+-m|php[\d.]*|py\s+-m|coverage\s+run|xvfb-run|dbus-run-session|timeout\s+[\w.]+|catchsegv|stdbuf)`
	wrapOpt  = `(?:[ \t]+-[-\w]+(?:=\S*)?(?:[ \t]+[^\s;&|#-][^\s;&|]*)?)`
	cmdPath  = `(?:\$\{?\w+\}?/?|[\w.~-]*/)*`
)

// cmd builds a pattern matching a command at the start of a shell command,
// after any assignments, wrappers and path prefix.
func cmd(alts ...string) *lazyre.Regexp {
	return lazyre.New(`(?m)` + cmdStart + `(?:` + assign + `|` + cmdPath + wrapper + wrapOpt + `*[ \t]+)*` + cmdPath + `(?:` + strings.Join(alts, "|") + `)`)
}

// testScript matches a repository script named for tests: scripts/test,
// ci/test-linux.sh, ./run_tests.sh, tools/unit-tests. A bare `test` is the
// shell builtin, so a path or a script extension is required.
const testScript = `(?:(?:\./|[\w.-]+/)+(?:run[_-]?)?tests?(?:[_-][\w-]+)?|(?:\./|[\w.-]+/)*(?:[\w.]*[_-])?(?:run[_-]?)?tests?(?:[_-][\w-]+)?\.(?:sh|bash|ps1|bat|cmd|py))(?:$|[\s;&|)'"])`

var tests = recogniser{
	name: "tests",
	// A step that publishes test results reports a test run made by an
	// earlier step of the same job, however that step started it (a build
	// script, a task runner): Azure's PublishTestResults and the JUnit
	// reporters.
	uses: []string{"gradle/gradle-build-action/test", "task:publishtestresults", "mikepenz/action-junit-report", "enricomi/publish-unit-test-result-action", "enricomi/publish-unit-test-result-action/composite"},
	run: cmd(
		`go\s+test\b`, `gotestsum\b`, `ginkgo\b`, `richgo\s+test\b`,
		`(?:npm|pnpm|yarn|bun)\s+(?:run(?:-script)?\s+)?(?:test[\w:-]*|tests|coverage|cover|spec|unit|e2e)\b`, `npm\s+t\b`, `npm\s+run\s+test:`, `(?:npm|pnpm|yarn)\s+run\s+(?:ci|check)\b`,
		`jest\b`, `vitest\b`, `mocha\b`, `ava\b`, `karma\s+start\b`, `playwright\s+test\b`, `deno\s+test\b`,
		`pytest\b`, `py\.test\b`, `tox\b`, `nox\b`, `unittest\b`, `hatch\s+test\b`, `nosetests\b`, `trial\b`, `green\b`,
		`hatch\s+(?:-e\s+\S+\s+)?run\s+(?:[\w-]+:)?(?:test|tests|cov|coverage)\b`, `(?:poe|invoke|inv|pdm(?:\s+run)?)\s+(?:test|tests|ci)\b`,
		`python[\d.]*\s+(?:\S+/)?(?:setup\.py\s+test|runtests?\.py|run_tests?\.py|manage\.py\s+test)\b`,
		`cargo\s+(?:\+\S+\s+)?(?:(?:hack|llvm-cov|careful|miri|minimal-versions|all-features)\s+(?:[^\n;&|]*\s)?)?(?:test|nextest)\b`,
		`(?:\./)?mvnw?(?:\.cmd)?\s+(?:[^\n;&|]*\s)?(?:test|verify|install|package)\b`,
		`(?:\./)?gradlew?(?:\.bat)?\s+(?:[^\n;&|]*\s)?(?:test|check|build|\w*Test)\b`,
		`rspec\b`, `rake\s+(?:test|spec|ci|default)\b`, `rake\s*(?:$|[;&|])`, `rails\s+test\b`, `bin/rails\s+test\b`,
		`dotnet\s+test\b`, `vstest(?:\.console)?\b`,
		`(?:simple-)?phpunit\b`, `paratest\b`, `pest\b`, `codecept(?:\.phar)?\s+run\b`, `phpspec\s+run\b`, `artisan\s+test\b`, `composer\s+(?:run(?:-script)?\s+)?(?:test|tests|ci)\b`,
		`make\s+(?:[^\n;&|]*\s)?(?:test|tests|check|ci|unit|units|unit-tests?|unittests?|integration(?:-tests?)?|e2e|regression-tests?|test-[\w-]+|[\w-]+-tests?)\b`,
		`(?:\./)?[\w./-]*(?:run[_-]tests?|tests?)\.sh\b`, testScript,
		`ctest\b`, `meson\s+test\b`, `ninja\s+(?:-C\s+\S+\s+)?(?:test|check)\b`, `bazel(?:isk)?\s+(?:[^\n;&|]*\s)?(?:test|coverage)\b`,
		`just\s+(?:[^\n;&|]*\s)?(?:test|tests|check|ci)\b`,
		// Mage targets fold case: testRace is run as `mage testrace` too.
		`mage\s+(?:-[\w-]+\s+)*(?i:test|tests|testrace|test386|check|ci)\b`, `task\s+(?:[^\n;&|]*\s)?test\b`,
		`swift\s+test\b`, `mix\s+test\b`, `flutter\s+test\b`, `dart\s+test\b`, `sbt\s+(?:[^\n;&|]*\s)?test\b`, `zig\s+build\s+test\b`, `stack\s+test\b`, `cabal\s+test\b`, `lein\s+test\b`,
		// A tool named by a variable that is never set in the file: `$BUILD_CMD test`.
		`(?:\$\{?\w+\}?|\$\{\{[^}\n]*\}\})\s+test\b`,
	),
}

var sast = recogniser{
	name: "static analysis",
	uses: []string{"github/codeql-action/analyze", "github/codeql-action/init", "returntocorp/semgrep-action", "semgrep/semgrep-action", "securego/gosec", "sonarsource/sonarcloud-github-action", "sonarsource/sonarqube-scan-action", "sonarsource/sonarcloud-github-c-cpp", "pycqa/bandit-action", "mdegis/bandit-action", "shiftleftsecurity/scan-action", "microsoft/security-devops-action", "snyk/actions/code", "golang/govulncheck-action"},
	run:  cmd(`semgrep\b`, `gosec\b`, `bandit\b`, `brakeman\b`, `sonar-scanner\b`, `(?:\./)?gradlew?\s+[^\n]*sonar\w*`, `mvnw?\s+[^\n]*sonar:sonar`, `codeql\s+database\b`, `njsscan\b`, `flawfinder\b`, `snyk\s+code\b`, `psalm\s+[^\n]*--taint-analysis`, `spotbugs\b`, `horusec\b`),
}

// coverageGate recognises a test-coverage check that fails the run below a
// threshold: the threshold is on the command line, so the gate is seen
// where CI runs it. A threshold kept in coverage.py's configuration
// (fail_under in pyproject.toml) is matched with coverageReport instead.
var coverageGate = recogniser{
	name: "coverage threshold",
	uses: []string{"vladopajic/go-test-coverage"},
	run: cmd(
		`coverage\s+report\b[^\n]*--fail-under[= ]?\s*\d`, `(?:pytest|py\.test)\b[^\n]*--cov-fail-under[= ]?\s*\d`,
		`cargo\s+(?:\+\S+\s+)?(?:llvm-cov|tarpaulin)\b[^\n]*--fail-under`, `(?:nyc|c8)\b[^\n]*--check-coverage`,
		`diff-cover\b[^\n]*--fail-under`, `go-test-coverage\b`,
	),
}

// coverageReport recognises a coverage.py run that applies a configured
// threshold: `coverage report`, or pytest-cov (`pytest --cov`), which falls
// back to coverage.py's fail_under when no --cov-fail-under is given.
var coverageReport = recogniser{
	name: "coverage report",
	run:  cmd(`coverage\s+report\b`, `(?:pytest|py\.test)\b[^\n]*--cov\b`),
}

var golangciLint = recogniser{
	name: "golangci-lint",
	uses: []string{"golangci/golangci-lint-action"},
	run:  cmd(`golangci-lint\s+run\b`),
}

var fuzzCI = recogniser{
	name: "fuzzing",
	uses: []string{"google/oss-fuzz/infra/cifuzz/actions/build_fuzzers", "google/oss-fuzz/infra/cifuzz/actions/run_fuzzers", "google/clusterfuzzlite/actions/build_fuzzers", "google/clusterfuzzlite/actions/run_fuzzers"},
	run:  cmd(`go\s+test\s+[^\n]*-fuzz\b`, `cargo\s+(?:\+\S+\s+)?fuzz\b`),
}

var sca = recogniser{
	name: "software-composition scan",
	uses: []string{"actions/dependency-review-action", "google/osv-scanner-action", "aquasecurity/trivy-action", "anchore/scan-action", "pypa/gh-action-pip-audit", "golang/govulncheck-action", "rustsec/audit-check", "actions-rs/audit-check", "embarkstudios/cargo-deny-action", "snyk/actions", "dependency-check/dependency-check_action", "ossf/osv-scanner-action"},
	run:  cmd(`osv-scanner\b`, `trivy\s+(?:fs|filesystem|repo|repository|image|rootfs|sbom)\b`, `grype\b`, `pip-audit\b`, `(?:npm|pnpm|yarn)\s+audit\b`, `govulncheck\b`, `cargo\s+(?:audit|deny)\b`, `snyk\s+test\b`, `bundle(?:r)?[-\s]audit\b`, `bundler-audit\b`, `dotnet\s+list\s+[^\n]*--vulnerable`, `composer\s+audit\b`, `dependency-check(?:\.sh)?\b`, `safety\s+(?:check|scan)\b`, `mvnw?\s+[^\n]*dependency-check`),
}

var sbom = recogniser{
	name: "SBOM",
	with: []actionInput{
		{uses: dockerBuild, key: "sbom", val: lazyre.New(`(?i)^(?:true|generator=\S+)$`)},
		{uses: dockerBuild, key: "attests", val: lazyre.New(`(?i)\btype=sbom\b`)},
	},
	uses: []string{"anchore/sbom-action", "actions/attest-sbom", "cyclonedx/gh-gomod-generate-sbom", "cyclonedx/gh-node-module-generatebom", "cyclonedx/gh-python-generate-sbom", "cyclonedx/gh-dotnet-generate-sbom", "advanced-security/sbom-generator-action", "microsoft/sbom-action"},
	run:  cmd(`syft\b`, `cdxgen\b`, `cyclonedx-\w+`, `cyclonedx\s+`, `trivy\s+[^\n]*--format\s+(?:cyclonedx|spdx)`, `trivy\s+sbom\b`, `spdx-sbom-generator\b`, `sbom-tool\s+generate\b`, `docker\s+buildx\s+build\s+[^\n]*--sbom`, `bom\s+generate\b`, `npm\s+sbom\b`),
}

// stepsOf returns a job's steps.
func stepsOf(j evidence.CIJob) []evidence.CIStep { return j.Steps }

// firstMatchSoft is firstMatch preferring steps whose failure fails the
// job; soft is true when the only match is a step marked
// continue-on-error.
func firstMatchSoft(r recogniser, j evidence.CIJob) (line int, what, file string, soft, ok bool) {
	var sl int
	var sw, sf string
	for _, s := range stepsOf(j) {
		l, w := r.matchVars(s, j.Env, j.Matrix)
		if l == 0 {
			continue
		}
		if s.ContinueOnError == "true" {
			if sl == 0 {
				sl, sw, sf = l, w, s.File
			}
			continue
		}
		return l, w, s.File, false, true
	}
	if j.Uses != "" && r.matchUses(j.Uses) {
		return j.UsesLine, j.Uses, "", false, true
	}
	if sl > 0 {
		return sl, sw, sf, true, true
	}
	return 0, "", "", false, false
}
