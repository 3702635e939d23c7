package ci

import (
	"regexp"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
)

// A recogniser says what a step does, from its `uses:` action and its
// `run:` script. Recognition is by command, not by step or job name: a job
// called "test" that only echoes proves nothing.
type recogniser struct {
	name string
	uses []string       // action prefixes (owner/repo[/path]), lower case
	run  *regexp.Regexp // script pattern
}

func (r recogniser) matchUses(uses string) bool {
	u := strings.ToLower(actionName(uses))
	for _, p := range r.uses {
		if u == p || strings.HasPrefix(u, p+"/") {
			return true
		}
	}
	return false
}

// match returns the line of the step that matches (0 when none) and what
// matched: the action, or the script line.
func (r recogniser) match(s evidence.CIStep) (int, string) {
	if s.Uses != "" && r.matchUses(s.Uses) {
		return s.Line, s.Uses
	}
	if r.run != nil && s.Run != "" {
		for _, loc := range r.run.FindAllStringIndex(s.Run, 50) {
			if inComment(s.Run, loc[0]) {
				continue
			}
			start := strings.LastIndexByte(s.Run[:loc[0]], '\n') + 1
			return s.RunLine + strings.Count(s.Run[:loc[0]], "\n"), firstLine(s.Run[start:])
		}
	}
	return 0, ""
}

// inComment reports whether offset i of a shell script lies in a # comment:
// a # at the start of a word before it on the same line.
func inComment(script string, i int) bool {
	start := strings.LastIndexByte(script[:i], '\n') + 1
	line := script[start:i]
	for j := 0; j < len(line); j++ {
		if line[j] == '#' && (j == 0 || line[j-1] == ' ' || line[j-1] == '\t') {
			return true
		}
	}
	return false
}

// actionName strips the @ref from a uses: value.
func actionName(uses string) string {
	if i := strings.IndexByte(uses, '@'); i >= 0 {
		return uses[:i]
	}
	return uses
}

// cmd builds a pattern matching a command at the start of a shell command
// (line start, or after ;, &&, ||, |, $( or a sudo/env/time prefix).
func cmd(alts ...string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)(?:^|[;&|(]|\$\(|\bsudo\s+|\bexec\s+|\btime\s+|\bnpx\s+|\bpnpm\s+(?:exec|dlx)\s+|\buv\s+run\s+|\bpoetry\s+run\s+|\bpipenv\s+run\s+|\bbundle\s+exec\s+|\bhatch\s+run\s+|\bpython3?\s+-m\s+)\s*(?:` + strings.Join(alts, "|") + `)`)
}

var tests = recogniser{
	name: "tests",
	uses: []string{"gradle/gradle-build-action/test"},
	run: cmd(
		`go\s+test\b`, `gotestsum\b`, `ginkgo\b`,
		`(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test\b`, `npm\s+t\b`, `npm\s+run\s+test:`, `(?:npm|pnpm|yarn)\s+run\s+(?:ci|check)\b`, `jest\b`, `vitest\b`, `mocha\b`, `ava\b`, `playwright\s+test\b`,
		`pytest\b`, `py\.test\b`, `tox\b`, `nox\b`, `unittest\b`, `hatch\s+test\b`, `nosetests\b`,
		`cargo\s+(?:\+\S+\s+)?(?:test|nextest)\b`,
		`(?:\./)?mvnw?\s+(?:[^\n;&|]*\s)?(?:test|verify|install|package)\b`,
		`(?:\./)?gradlew?\s+(?:[^\n;&|]*\s)?(?:test|check|build|\w*Test)\b`,
		`rspec\b`, `rake\s+(?:test|spec)\b`, `rails\s+test\b`, `bin/rails\s+test\b`,
		`dotnet\s+test\b`,
		`(?:vendor/bin/)?phpunit\b`, `(?:vendor/bin/)?pest\b`, `composer\s+(?:run(?:-script)?\s+)?test\b`,
		`make\s+(?:[^\n;&|]*\s)?(?:test|tests|check|unit|units|unit-tests?|unittests?|integration(?:-tests?)?|e2e|regression-tests?|test-[\w-]+|[\w-]+-tests?)\b`, `(?:\./)?[\w./-]*(?:run[_-]tests?|tests?)\.sh\b`, `ctest\b`, `bazel(?:isk)?\s+test\b`, `just\s+test\b`, `task\s+test\b`, `swift\s+test\b`, `mix\s+test\b`, `flutter\s+test\b`, `dart\s+test\b`, `sbt\s+(?:[^\n;&|]*\s)?test\b`, `zig\s+build\s+test\b`,
	),
}

var sast = recogniser{
	name: "static analysis",
	uses: []string{"github/codeql-action/analyze", "github/codeql-action/init", "returntocorp/semgrep-action", "semgrep/semgrep-action", "securego/gosec", "sonarsource/sonarcloud-github-action", "sonarsource/sonarqube-scan-action", "sonarsource/sonarcloud-github-c-cpp", "pycqa/bandit-action", "mdegis/bandit-action", "shiftleftsecurity/scan-action", "microsoft/security-devops-action", "snyk/actions/code", "golang/govulncheck-action"},
	run:  cmd(`semgrep\b`, `gosec\b`, `bandit\b`, `brakeman\b`, `sonar-scanner\b`, `(?:\./)?gradlew?\s+[^\n]*sonar\w*`, `mvnw?\s+[^\n]*sonar:sonar`, `codeql\s+database\b`, `njsscan\b`, `flawfinder\b`, `snyk\s+code\b`, `psalm\s+[^\n]*--taint-analysis`, `spotbugs\b`, `horusec\b`),
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

var release = recogniser{
	name: "release",
	uses: []string{"goreleaser/goreleaser-action", "pypa/gh-action-pypi-publish", "softprops/action-gh-release", "ncipollo/release-action", "svenstaro/upload-release-action", "actions/create-release", "actions/upload-release-asset", "jreleaser/release-action", "gitlab:release", "rubygems/release-gem", "changesets/action", "docker/build-push-action", "cycjimmy/semantic-release-action"},
	run:  cmd(`goreleaser\s+release\b`, `goreleaser\b(?:\s+--\S+)*\s*$`, `(?:npm|pnpm|yarn)\s+publish\b`, `yarn\s+npm\s+publish\b`, `twine\s+upload\b`, `poetry\s+publish\b`, `uv\s+publish\b`, `flit\s+publish\b`, `hatch\s+publish\b`, `cargo\s+publish\b`, `gem\s+push\b`, `(?:\./)?mvnw?\s+(?:[^\n;&|]*\s)?deploy\b`, `(?:\./)?gradlew?\s+(?:[^\n;&|]*\s)?publish\w*\b`, `dotnet\s+nuget\s+push\b`, `nuget\s+push\b`, `docker\s+(?:image\s+)?push\b`, `docker\s+buildx\s+build\s+[^\n]*--push\b`, `podman\s+push\b`, `gh\s+release\s+(?:create|upload)\b`, `release-cli\s+create\b`, `helm\s+push\b`, `ko\s+(?:build|publish|resolve)\b`, `jreleaser\b`, `semantic-release\b`, `crane\s+push\b`, `skopeo\s+copy\b`),
}

var signing = recogniser{
	name: "signing",
	uses: []string{"actions/attest-build-provenance", "actions/attest", "actions/attest-sbom", "slsa-framework/slsa-github-generator", "sigstore/gh-action-sigstore-python", "pypa/gh-action-pypi-publish"},
	run:  cmd(`cosign\s+(?:sign|sign-blob|attest|attest-blob)\b`, `gpg2?\s+[^\n]*--(?:detach-sign|clearsign|sign)\b`, `minisign\s+-S\b`, `notation\s+sign\b`, `(?:npm|pnpm)\s+publish\s+[^\n]*--provenance\b`, `gh\s+attestation\b`, `sigstore\s+sign\b`),
}

var sbom = recogniser{
	name: "SBOM",
	uses: []string{"anchore/sbom-action", "actions/attest-sbom", "cyclonedx/gh-gomod-generate-sbom", "cyclonedx/gh-node-module-generatebom", "cyclonedx/gh-python-generate-sbom", "cyclonedx/gh-dotnet-generate-sbom", "advanced-security/sbom-generator-action", "microsoft/sbom-action"},
	run:  cmd(`syft\b`, `cdxgen\b`, `cyclonedx-\w+`, `cyclonedx\s+`, `trivy\s+[^\n]*--format\s+(?:cyclonedx|spdx)`, `trivy\s+sbom\b`, `spdx-sbom-generator\b`, `sbom-tool\s+generate\b`, `docker\s+buildx\s+build\s+[^\n]*--sbom`, `bom\s+generate\b`, `npm\s+sbom\b`),
}

// stepsOf returns a job's steps.
func stepsOf(j evidence.CIJob) []evidence.CIStep { return j.Steps }

// firstMatch returns the first step of a job a recogniser matches: its
// line, what matched, and the local script it is in ("" for the CI file).
func firstMatch(r recogniser, j evidence.CIJob) (int, string, string, bool) {
	for _, s := range stepsOf(j) {
		if l, what := r.match(s); l > 0 {
			return l, what, s.File, true
		}
	}
	if j.Uses != "" && r.matchUses(j.Uses) {
		return j.UsesLine, j.Uses, "", true
	}
	return 0, "", "", false
}
