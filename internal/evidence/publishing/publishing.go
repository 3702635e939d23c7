// Package publishing recognises, in CI pipelines, the jobs that publish a
// release: to which channel, started by what, and with which credentials
// (OIDC and trusted publishing, the forge's secret store, the job's own
// token, or a value written into the file). It is pure: it reads
// evidence.CIPipeline values and does no I/O. The CI and release rules
// share it.
package publishing

import (
	"slices"
	"strings"
	"sync"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/shellword"
	"github.com/assaysec/assay/internal/textsafe"
)

// Channels a publish step reaches.
const (
	PyPI              = "PyPI"
	NPM               = "npm"
	Crates            = "crates.io"
	GitHubReleases    = "GitHub Releases"
	GitLabReleases    = "GitLab Releases"
	ContainerRegistry = "container registry"
	Maven             = "Maven repository"
	RubyGems          = "RubyGems"
	NuGet             = "NuGet"
	Helm              = "Helm repository"
	Generic           = "release tool"
)

// Credential sources.
const (
	SourceSecret    = "secret store"   // ${{ secrets.NAME }}, GitLab masked variable
	SourceJobToken  = "job token"      // ${{ github.token }}, secrets.GITHUB_TOKEN, CI_JOB_TOKEN
	SourceOIDC      = "OIDC"           // id-token: write, trusted publishing
	SourceExpr      = "expression"     // another ${{ }} expression (step output, vars.)
	SourceEnv       = "environment"    // $NAME from the runner's environment
	SourcePlaintext = "plaintext"      // a literal value in the file
	SourceNone      = "none specified" // no credential seen
)

// Credential is one credential a step hands to a tool.
type Credential struct {
	Key    string // env or with: key, or the flag ("TWINE_PASSWORD", "password", "--token")
	Source string
	Ref    string // secret name, for SourceSecret
	Path   string
	Line   int
}

// Publish is one job step that publishes.
type Publish struct {
	Pipeline string // workflow or GitLab file
	System   string
	Job      string
	JobLine  int
	Path     string // file holding the publish step (a followed script, or the pipeline)
	Line     int
	What     string // the action or the command line
	Channel  string
	Target   string // registry host, for container pushes, when the job names one
	Trigger  string // what starts it: "tag push", "release", "manual dispatch", "merged pull request", ...
	Creds    []Credential
	// OIDCLine is the line granting id-token: write to the job (or the
	// workflow); 0 when the job has no OIDC identity.
	OIDCLine int
	// Trusted names trusted publishing when the job uses it (an OIDC
	// identity and no stored registry token).
	Trusted string
	// Provenance names what makes the registry record provenance or
	// attestations for the upload ("npm publish --provenance").
	Provenance     string
	ProvenanceLine int
	// NotesOnly: the step creates a GitHub release page with no files
	// (actions/create-release, softprops/action-gh-release without files,
	// ncipollo/release-action without artifacts) and nothing in the
	// pipeline uploads assets to it.
	NotesOnly bool
}

// notesOnly reports whether a GitHub release step of pipeline pl attaches
// no files: the action takes none and no step of the pipeline uploads any.
func notesOnly(pl evidence.CIPipeline, s evidence.CIStep) bool {
	var takesFiles string
	switch strings.ToLower(evidence.ActionName(s.Uses)) {
	case "actions/create-release":
	case "softprops/action-gh-release":
		takesFiles = "files"
	case "ncipollo/release-action":
		takesFiles = "artifacts"
	case "":
		if s.Uses != "" || !ghCreateWithoutFiles(s.Run) {
			return false
		}
	default:
		return false
	}
	if takesFiles != "" && strings.TrimSpace(s.With[takesFiles]) != "" {
		return false
	}
	for _, j := range pl.Jobs {
		for _, o := range j.Steps {
			u := strings.ToLower(evidence.ActionName(o.Uses))
			if u == "actions/upload-release-asset" || u == "svenstaro/upload-release-action" || u == "shogo82148/actions-upload-release-asset" ||
				(u == "softprops/action-gh-release" && strings.TrimSpace(o.With["files"]) != "") || strings.Contains(o.Run, "gh release upload") {
				return false
			}
		}
	}
	return true
}

// ghCreate finds gh release create commands.
var ghCreate = lazyre.New(`(?:^|[\s;&|(])gh\s+release\s+create\b`)

// ghValueFlags are the gh release create flags that take a value.
var ghValueFlags = map[string]bool{
	"-t": true, "--title": true, "-n": true, "--notes": true, "-F": true, "--notes-file": true,
	"--target": true, "--discussion-category": true, "--notes-start-tag": true, "-R": true, "--repo": true,
}

// ghCreateWithoutFiles reports whether every gh release create command of
// a script names only the tag and flags: gh attaches as assets the
// positional arguments after the tag, so with none the release page holds
// notes only. A variable argument counts as a flag only when every value
// the script assigns it is empty or a flag (PRE="" / PRE="--prerelease");
// anything unreadable counts as a file.
func ghCreateWithoutFiles(script string) bool {
	joined := strings.ReplaceAll(script, "\\\n", " ")
	found := false
	for _, line := range strings.Split(joined, "\n") {
		loc := ghCreate.FindStringIndex(line)
		if loc == nil {
			continue
		}
		found = true
		rest := line[loc[1]:]
		if i := strings.IndexAny(rest, ";&|#"); i >= 0 {
			rest = rest[:i]
		}
		positional := 0
		words := shellword.Split(ghExpr.ReplaceAllString(rest, "EXPR"), '\\')
		for i := 0; i < len(words); i++ {
			w := words[i]
			name, _, hasValue := strings.Cut(w, "=")
			switch {
			case strings.HasPrefix(w, "-"):
				if ghValueFlags[name] && !hasValue {
					i++
				}
				continue
			case strings.HasPrefix(w, "$") && positional > 0 && flagVariable(script, w):
				continue
			}
			positional++
		}
		if positional > 1 {
			return false
		}
	}
	return found
}

// ghExpr is a GitHub Actions expression, which may hold spaces.
var ghExpr = lazyre.New(`\$\{\{[^}]*\}\}`)

// flagVariable reports whether every assignment of the variable a word
// expands ($X, ${X}, "$X") sets it empty or to a flag, and there is one.
func flagVariable(script, word string) bool {
	name := strings.Trim(word, `"'${}`)
	if name == "" || strings.ContainsAny(name, " .[") {
		return false
	}
	assigned := false
	for rest := script; ; {
		i := strings.Index(rest, name+"=")
		if i < 0 {
			break
		}
		before := byte(' ')
		if i > 0 {
			before = rest[i-1]
		}
		v := rest[i+len(name)+1:]
		rest = v
		if before != ' ' && before != '\t' && before != '\n' && before != ';' {
			continue // part of a longer name, or a use such as ${X=...}
		}
		if j := strings.IndexAny(v, " \t\n;"); j >= 0 && !strings.HasPrefix(v, `"`) && !strings.HasPrefix(v, "'") {
			v = v[:j]
		} else if len(v) > 0 && (v[0] == '"' || v[0] == '\'') {
			if j := strings.IndexByte(v[1:], v[0]); j >= 0 {
				v = v[1 : j+1]
			}
		}
		assigned = true
		if v != "" && !strings.HasPrefix(v, "-") {
			return false
		}
	}
	return assigned
}

// publisher recognises one kind of publish step.
type publisher struct {
	channel string
	uses    []string // action prefixes, lower case
	run     *lazyre.Regexp
	// guard lists literals of which a run: script must hold at least one
	// for run to match: a cheap test that spares the regular expression
	// (whose many-alternative prefix is slow) on most scripts.
	guard []string
	// ok filters a matching step: build-only modes publish nothing.
	ok func(s evidence.CIStep) bool
}

func cmd(alts ...string) *lazyre.Regexp {
	return lazyre.New(`(?m)(?:^|[;&|(]|\$\(|\bsudo\s+|\bexec\s+|\bnpx\s+|\buv\s+run\s+|\bpoetry\s+run\s+|\bpython3?\s+-m\s+|\$\{?PREFIX\}?|\bbin/)\s*(?:` + strings.Join(alts, "|") + `)`)
}

var publishers = []publisher{
	{channel: PyPI, uses: []string{"pypa/gh-action-pypi-publish"}, ok: func(s evidence.CIStep) bool {
		return !testIndex.MatchString(s.With["repository-url"]) && !testIndex.MatchString(s.With["repository_url"])
	}, guard: []string{"upload", "publish"}, run: cmd(`twine\s+upload\b`, `uv\s+publish\b`, `poetry\s+publish\b`, `flit\s+publish\b`, `hatch\s+publish\b`, `pdm\s+publish\b`)},
	{channel: NPM, uses: []string{"js-devtools/npm-publish"}, guard: []string{"publish"}, run: cmd(`(?:npm|pnpm)\s+publish\b`, `yarn\s+(?:npm\s+)?publish\b`, `lerna\s+publish\b`)},
	{channel: NPM, uses: []string{"changesets/action"}, ok: func(s evidence.CIStep) bool { return s.With["publish"] != "" }},
	{channel: Crates, guard: []string{"publish", "release-plz"}, run: cmd(`cargo\s+(?:\+\S+\s+)?publish\b`, `release-plz\s+release\b`)},
	{channel: Crates, uses: []string{"release-plz/action"}, ok: func(s evidence.CIStep) bool {
		c := strings.TrimSpace(s.With["command"])
		return c == "" || c == "release"
	}},
	{channel: GitHubReleases, uses: []string{"goreleaser/goreleaser-action"}, ok: func(s evidence.CIStep) bool {
		a := s.With["args"]
		return strings.Contains(a, "release") && !strings.Contains(a, "--snapshot") && !strings.Contains(a, "--skip=publish") && !strings.Contains(a, "--skip-publish")
	}},
	{channel: GitHubReleases, guard: []string{"goreleaser"}, run: cmd(`(?:\./)?goreleaser\s+release\b(?:[^\n]*)`), ok: func(s evidence.CIStep) bool { return true }},
	{channel: GitHubReleases, uses: []string{"softprops/action-gh-release", "ncipollo/release-action", "svenstaro/upload-release-action", "actions/create-release", "actions/upload-release-asset"}, guard: []string{"release"}, run: cmd(`gh\s+release\s+(?:create|upload)\b`)},
	{channel: GitLabReleases, uses: []string{"gitlab:release"}, guard: []string{"release"}, run: cmd(`release-cli\s+create\b`, `glab\s+release\s+create\b`)},
	{channel: ContainerRegistry, uses: []string{"docker/build-push-action"}, ok: func(s evidence.CIStep) bool {
		v := strings.ToLower(s.With["push"])
		return v == "true" || strings.Contains(v, "${{")
	}},
	{channel: ContainerRegistry, guard: []string{"push", "ko", "skopeo"}, run: cmd(`docker\s+(?:image\s+)?push\b`, `docker\s+buildx\s+build\s+[^\n]*--push\b`, `podman\s+push\b`, `crane\s+push\b`, `ko\s+(?:build|publish)\b`, `skopeo\s+copy\b`)},
	{channel: Maven, guard: []string{"deploy", "publish"}, run: cmd(`(?:\./)?mvnw?\s+(?:[^\n;&|]*\s)?deploy\b`, `(?:\./)?gradlew?\s+(?:[^\n;&|]*\s)?publish\w*\b`)},
	// rake release (Bundler's gem tasks, also release:NAME per gem) builds
	// the gem, tags it and pushes it to RubyGems.
	{channel: RubyGems, uses: []string{"rubygems/release-gem"}, guard: []string{"gem", "rake"}, run: cmd(`gem\s+push\b`, `(?:bundle\s+exec\s+)?rake\s+release(?::[\w.-]+)?(?:\s|$)`)},
	{channel: NuGet, guard: []string{"nuget"}, run: cmd(`dotnet\s+nuget\s+push\b`, `nuget\s+push\b`)},
	{channel: Helm, guard: []string{"helm"}, run: cmd(`helm\s+push\b`)},
	{channel: Generic, uses: []string{"jreleaser/release-action", "cycjimmy/semantic-release-action"}, guard: []string{"jreleaser", "semantic-release"}, run: cmd(`jreleaser\s+(?:full-release|release|deploy)\b`, `semantic-release\b`)},
}

// dryRun marks commands that only rehearse a publish.
var dryRun = lazyre.New(`--dry-run\b|--snapshot\b|--skip[=-]publish\b`)

// testIndex matches PyPI's test index (test.pypi.org, or the testpypi
// name twine and uv give it): an upload there rehearses a release, like a
// Maven snapshot, and is not how users get the package. attrs uploads every
// main commit to Test PyPI with OIDC and releases to PyPI from another job.
var testIndex = lazyre.New(`(?i)\btest\.pypi\.org\b|(?:--repository|-r|--index)[= ]\s*testpypi\b`)

// localInstall matches Gradle tasks that publish into the runner's local
// Maven repository (publishToMavenLocal, publishXPublicationToMavenLocal).
var localInstall = lazyre.New(`\bpublish\w*ToMavenLocal\b`)

// match returns where a step publishes: the line, what matched and the
// channel.
func match(i int, s evidence.CIStep) (int, string, bool) {
	p := publishers[i]
	if s.Uses != "" && len(p.uses) > 0 {
		u := strings.ToLower(evidence.ActionName(s.Uses))
		for _, pre := range p.uses {
			if u == pre || strings.HasPrefix(u, pre+"/") {
				if p.ok != nil && !p.ok(s) {
					return 0, "", false
				}
				return s.Line, s.Uses, true
			}
		}
	}
	if p.run == nil || s.Run == "" || !slices.ContainsFunc(p.guard, func(g string) bool { return strings.Contains(s.Run, g) }) {
		return 0, "", false
	}
	r := runs.match(i, s.Run)
	return s.RunLine + r.lines, r.what, r.ok
}

// runHit is where a publisher's run pattern matches a script: the line
// offset inside the script and the command line.
type runHit struct {
	lines int
	what  string
	ok    bool
}

// runMemo remembers runHits: every CI and release rule asks about the same
// steps, and the answer depends on the script alone. It is bounded, and
// safe for the fleet's concurrent runs.
type runMemo struct {
	mu sync.Mutex
	m  map[runKey]runHit
}

type runKey struct {
	publisher int
	run       string
}

// maxRunMemo bounds the memo; past it, it starts again empty.
const maxRunMemo = 4096

var runs runMemo

func (rm *runMemo) match(i int, run string) runHit {
	k := runKey{i, run}
	rm.mu.Lock()
	r, ok := rm.m[k]
	rm.mu.Unlock()
	if ok {
		return r
	}
	r = matchRun(publishers[i].run, run)
	rm.mu.Lock()
	if rm.m == nil || len(rm.m) >= maxRunMemo {
		rm.m = map[runKey]runHit{}
	}
	rm.m[k] = r
	rm.mu.Unlock()
	return r
}

// matchRun finds the first command of a script that re matches and that
// is neither commented out nor a rehearsal.
func matchRun(re *lazyre.Regexp, run string) runHit {
	// Join continued lines so a command split with \ is one command;
	// the replacement keeps offsets, so lines still count right.
	text := strings.ReplaceAll(run, "\\\n", "  ")
	for _, loc := range re.FindAllStringIndex(text, 50) {
		// The pattern may start at an earlier line end and skip blank
		// lines; the command starts at the first other character.
		i := loc[0]
		for i < loc[1] && strings.IndexByte(" \t\r\n;&|(", text[i]) >= 0 {
			i++
		}
		if evidence.InShellComment(text, i) {
			continue
		}
		start := strings.LastIndexByte(text[:i], '\n') + 1
		end := strings.IndexByte(text[i:], '\n')
		line := text[start:]
		if end >= 0 {
			line = text[start : i+end]
		}
		if dryRun.MatchString(line) || testIndex.MatchString(line) {
			continue
		}
		if localInstall.MatchString(line) && !re.MatchString(localInstall.ReplaceAllString(line, " ")) {
			// The only publish task is an install into the local
			// repository (~/.m2): nothing leaves the runner.
			continue
		}
		return runHit{lines: strings.Count(run[:i], "\n"), what: textsafe.Shorten(line, 100), ok: true}
	}
	return runHit{}
}

// StepPublishes reports whether one step publishes, with its line, what
// matched and the channel.
func StepPublishes(s evidence.CIStep) (int, string, string, bool) {
	for i, p := range publishers {
		if l, what, ok := match(i, s); ok {
			return l, what, p.channel, true
		}
	}
	return 0, "", "", false
}

// Trigger says what starts a GitHub workflow's releases, or "" when only
// pull requests that are not merged start it (such runs publish nothing).
// A pull_request workflow limited to closed pull requests releases when
// the job checks that the pull request was merged.
func Trigger(pl evidence.CIPipeline, j evidence.CIJob) string {
	if pl.System == evidence.CIGitLab {
		return "GitLab pipeline"
	}
	var found []string
	for _, t := range pl.Triggers {
		switch t.Event {
		case "push":
			if len(t.Tags) > 0 {
				found = append(found, "tag push")
			}
			if len(t.Branches) > 0 || len(t.Tags) == 0 {
				found = append(found, "branch push")
			}
		case "release":
			found = append(found, "release")
		case "workflow_dispatch":
			found = append(found, "manual dispatch")
		case "workflow_call":
			found = append(found, "called workflow")
		case "workflow_run":
			found = append(found, "workflow_run")
		case "schedule":
			found = append(found, "schedule")
		case "repository_dispatch":
			found = append(found, "repository_dispatch")
		case "pull_request", "pull_request_target":
			if slices.Equal(t.Types, []string{"closed"}) && strings.Contains(j.If, "merged") {
				found = append(found, "merged pull request")
			}
		}
	}
	if len(found) == 0 {
		return ""
	}
	return strings.Join(slices.Compact(found), ", ")
}

// Find returns every publish step of the pipelines. Composite actions are
// not judged on their own; a job calling a local one is judged with the
// action's steps. Jobs that only run for unmerged pull requests and
// rehearsals (--dry-run, --snapshot) are skipped, and so are Maven and
// Gradle deploys that run only for -SNAPSHOT versions: a snapshot is a
// development build, not a release.
func Find(pls []evidence.CIPipeline) []Publish {
	byPath := map[string]evidence.CIPipeline{}
	for _, pl := range pls {
		byPath[pl.Path] = pl
	}
	var out []Publish
	for _, pl := range pls {
		if pl.System == evidence.CIGitHubComposite {
			continue
		}
		for _, j := range pl.Jobs {
			if j.Hidden {
				continue
			}
			trig := Trigger(pl, j)
			if trig == "" {
				continue
			}
			steps := expand(byPath, j.Steps)
			seen := map[string]bool{}
			for _, s := range steps {
				l, what, ch, ok := StepPublishes(s)
				if !ok || seen[ch] || (ch == ContainerRegistry && localPush(what, s, j.Env)) || (ch == Maven && SnapshotOnly(j, s)) {
					continue
				}
				seen[ch] = true
				file := pl.Path
				if j.File != "" {
					file = j.File
				}
				if s.File != "" {
					file = s.File
				}
				p := Publish{Pipeline: pl.Path, System: pl.System, Job: j.ID, JobLine: j.Line, Path: file, Line: l, What: what, Channel: ch, Trigger: trig}
				if ch == ContainerRegistry {
					p.Target = registryHost(steps)
				}
				p.OIDCLine = oidcLine(pl, j)
				p.NotesOnly = ch == GitHubReleases && notesOnly(pl, s)
				// The job's (and the pipeline's) environment reaches
				// every step, the publish step included.
				p.Creds = append(credentials(file, pl.Path, []evidence.CIStep{{Line: j.Line, Env: j.Env}}, nil), credentials(file, pl.Path, steps, j.Env)...)
				trusted(&p, steps)
				out = append(out, p)
			}
		}
	}
	return out
}

// snapshotCond matches a condition that holds only for a snapshot version:
// endsWith(steps.v.outputs.version, '-SNAPSHOT'), contains(..., 'SNAPSHOT')
// or a comparison with a -SNAPSHOT literal. A negated test (!endsWith) is
// the opposite, a release-only condition.
var snapshotCond = lazyre.New(`(?i)(?:^|[^!\w])(?:endsWith|contains)\s*\([^)]*SNAPSHOT|==\s*['"][^'"]*SNAPSHOT`)

// snapshotName matches a step or job named for a snapshot deploy.
var snapshotName = lazyre.New(`(?i)\bsnapshots?\b`)

// SnapshotOnly reports whether a Maven or Gradle publish step of job j
// deploys only development snapshots: its condition (or the job's) holds
// only for a -SNAPSHOT version, or the step is named for a snapshot deploy
// and not for a release.
func SnapshotOnly(j evidence.CIJob, s evidence.CIStep) bool {
	if snapshotCond.MatchString(s.If) || snapshotCond.MatchString(j.If) {
		return true
	}
	for _, n := range []string{s.Name, j.Name} {
		if snapshotName.MatchString(n) && !strings.Contains(strings.ToLower(n), "release") {
			return true
		}
	}
	return false
}

// expand appends the steps of local composite actions a job uses.
func expand(byPath map[string]evidence.CIPipeline, steps []evidence.CIStep) []evidence.CIStep {
	var out []evidence.CIStep
	for _, s := range steps {
		out = append(out, s)
		if !strings.HasPrefix(s.Uses, "./") {
			continue
		}
		p := strings.TrimSuffix(strings.TrimPrefix(evidence.ActionName(s.Uses), "./"), "/")
		for _, f := range []string{p + "/action.yml", p + "/action.yaml"} {
			if sub, ok := byPath[f]; ok && sub.System == evidence.CIGitHubComposite {
				for _, sj := range sub.Jobs {
					for _, ss := range sj.Steps {
						if ss.File == "" {
							ss.File = f
						}
						out = append(out, ss)
					}
				}
			}
		}
	}
	return out
}

func oidcLine(pl evidence.CIPipeline, j evidence.CIJob) int {
	for _, p := range []*evidence.CIPermissions{j.Permissions, pl.Permissions} {
		if p == nil {
			continue
		}
		if p.Scopes["id-token"] == "write" || p.All == "write-all" {
			return p.Line
		}
		if j.Permissions != nil {
			// A job-level block replaces the workflow's.
			return 0
		}
	}
	return 0
}

// credKey matches env and with: keys that carry a credential.
var credKey = lazyre.New(`(?i)(?:^|[_-])(?:token|password|passwd|pass|secret|api[_-]?key|auth[_-]?token|authtoken|credentials?|passphrase|private[_-]?key|pat)(?:$|[_-])|[a-z](?:Token|Password|Secret|ApiKey|Passphrase)$`)

// notCred are keys that match credKey but name no credential.
var notCred = lazyre.New(`(?i)^(id-token|token-format|auth-type|authors?|author[_-].*|.*_url|.*-url|.*_user(name)?|.*-user(name)?|username|attestations|skip-existing|verify-metadata|.*_enabled|.*_file|.*-file|.*_path|.*-path)$`)

// RegistryKey matches names that, wherever they appear, hold a registry or
// forge publish credential.
var RegistryKey = lazyre.New(`(?i)^(npm_token|node_auth_token|npm_auth_token|pypi_(api_)?token|pypi_password|twine_password|cargo_registry_token|crates_io_token|docker(hub)?_(password|token)|registry_password|ci_registry_password|gh_token|github_token|gitlab_token|gh_pat|rubygems_api_key|gem_host_api_key|nuget_api_key|sonatype_(password|token)|ossrh_(password|token)|maven_(password|token)|gpg_passphrase|signing_password|gradle_publish_(key|secret)|quay_(password|token)|goreleaser_key|fury_token)$`)

// Classify says where a credential value comes from.
func Classify(v string) (source, ref string) {
	t := strings.TrimSpace(v)
	t = strings.Trim(t, `"'`)
	switch {
	case t == "":
		return "", ""
	case strings.Contains(t, "secrets.GITHUB_TOKEN") || strings.Contains(t, "github.token") || strings.Contains(t, "CI_JOB_TOKEN"):
		return SourceJobToken, ""
	case strings.Contains(t, "secrets."):
		m := secretRef.FindStringSubmatch(t)
		if m != nil {
			return SourceSecret, m[1]
		}
		return SourceSecret, ""
	case strings.Contains(t, "${{"):
		return SourceExpr, ""
	case strings.HasPrefix(t, "$"):
		return SourceEnv, ""
	case Placeholder(t):
		return "", ""
	}
	return SourcePlaintext, ""
}

var secretRef = lazyre.New(`secrets\.([A-Za-z0-9_]+)`)

// Placeholder reports values that are not credentials: booleans, the
// PyPI token username, documentation placeholders.
func Placeholder(v string) bool {
	l := strings.ToLower(v)
	switch l {
	case "true", "false", "yes", "no", "on", "off", "none", "null", "__token__", "oidc", "auto", "required", "optional", "0", "1":
		return true
	}
	if strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "./") || strings.HasPrefix(l, "/") {
		return true
	}
	if len(v) < 6 || strings.ContainsAny(v, " <>") || strings.HasPrefix(l, "your") || strings.Contains(l, "xxxx") || strings.Contains(l, "changeme") || strings.Contains(l, "example") {
		return true
	}
	return false
}

// inline finds credentials given on a command line.
var inline = lazyre.New(`(?m)(?:(?:docker|podman|helm|buildah)\s+(?:registry\s+)?login\b[^\n]*?\s(?:-p|--password)[= ]|twine\s+upload\b[^\n]*?\s(?:-p|--password)[= ]|cargo\s+login\s+|cargo\s+publish\b[^\n]*?\s--token[= ]|_authToken=|(?:uv|poetry|hatch|pdm)\s+publish\b[^\n]*?\s(?:--token|--password|-p|-u\s+__token__\s+-p)[= ]|gem\s+push\b[^\n]*?--key[= ])(['"]?)([^\s'";&|]+)`)

// inlineGuard holds literals one of which every match of inline contains.
var inlineGuard = []string{"login", "upload", "publish", "_authToken=", "push"}

// envNameInputs are action inputs whose value is the name of an
// environment variable holding the credential, not the credential itself:
// actions/setup-java writes "${env.NAME}" into settings.xml for them.
var envNameInputs = map[string][]string{
	"actions/setup-java": {"server-username", "server-password", "gpg-passphrase"},
}

// envVarName matches an upper-case environment variable name with at least
// one underscore (CI_DEPLOY_PASSWORD); a generated secret rarely has that
// shape, and the name must also be one the job sets or the action documents.
var envVarName = lazyre.New(`^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$`)

// NamesEnvVar reports whether a with: input of the action uses holds the
// name of an environment variable rather than a literal credential: either
// the action documents the input as such, or the value is a variable name the
// job sets in some env: block (defined).
func NamesEnvVar(uses, key, value string, defined map[string]bool) bool {
	v := strings.Trim(strings.TrimSpace(value), `"'`)
	if !envVarName.MatchString(v) {
		return false
	}
	if slices.Contains(envNameInputs[strings.ToLower(evidence.ActionName(uses))], strings.ToLower(key)) {
		return true
	}
	return defined[v]
}

// credentials lists the credentials the job's steps pass.
// jobEnv is the job's own env: block, whose names the steps can also read.
func credentials(file, pipeline string, steps []evidence.CIStep, jobEnv map[string]string) []Credential {
	var out []Credential
	add := func(key, v, path string, line int) {
		if notCred.MatchString(key) || !credKey.MatchString(key) {
			return
		}
		src, ref := Classify(v)
		if src == "" {
			return
		}
		out = append(out, Credential{Key: key, Source: src, Ref: ref, Path: path, Line: line})
	}
	// Names the job sets in env: blocks, so a with: input naming one of them
	// reads as a reference to that variable.
	defined := map[string]bool{}
	for k := range jobEnv {
		defined[k] = true
	}
	for _, s := range steps {
		for k := range s.Env {
			defined[k] = true
		}
	}
	for _, s := range steps {
		p := pipeline
		if s.File != "" {
			p = s.File
		}
		for _, k := range sortedKeys(s.With) {
			if NamesEnvVar(s.Uses, k, s.With[k], defined) {
				if notCred.MatchString(k) || !credKey.MatchString(k) {
					continue
				}
				out = append(out, Credential{Key: k, Source: SourceEnv, Ref: strings.Trim(strings.TrimSpace(s.With[k]), `"'`), Path: p, Line: s.Line})
				continue
			}
			add(k, s.With[k], p, s.Line)
		}
		for _, k := range sortedKeys(s.Env) {
			add(k, s.Env[k], p, s.Line)
		}
		out = append(out, InlineCredentials(s, p)...)
	}
	return out
}

// InlineCredentials finds credentials written on command lines of a run:
// step.
func InlineCredentials(s evidence.CIStep, path string) []Credential {
	if s.Run == "" || !slices.ContainsFunc(inlineGuard, func(g string) bool { return strings.Contains(s.Run, g) }) {
		return nil
	}
	var out []Credential
	for _, m := range inline.FindAllStringSubmatchIndex(s.Run, 20) {
		if evidence.InShellComment(s.Run, m[0]) {
			continue
		}
		val := s.Run[m[4]:m[5]]
		src, _ := Classify(val)
		if src == "" {
			continue
		}
		flag := textsafe.Shorten(s.Run[m[0]:m[4]], 100)
		out = append(out, Credential{Key: flag, Source: src, Path: path, Line: s.RunLine + strings.Count(s.Run[:m[0]], "\n")})
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// trusted records trusted publishing and registry provenance for p.
func trusted(p *Publish, steps []evidence.CIStep) {
	stored := false
	for _, c := range p.Creds {
		if c.Source == SourceSecret || c.Source == SourcePlaintext {
			if RegistryKey.MatchString(c.Key) || strings.EqualFold(c.Key, "password") || strings.Contains(strings.ToLower(c.Key), "registry") {
				stored = true
			}
		}
	}
	for _, s := range steps {
		u := strings.ToLower(evidence.ActionName(s.Uses))
		switch {
		case u == "pypa/gh-action-pypi-publish":
			if p.Channel == PyPI && p.OIDCLine > 0 && s.With["password"] == "" {
				p.Trusted = "PyPI trusted publishing (" + s.Uses + " with an OIDC identity and no password)"
				if a := strings.ToLower(strings.Trim(s.With["attestations"], `"' `)); a != "false" {
					p.Provenance, p.ProvenanceLine = "PyPI attestations from trusted publishing ("+evidence.ActionName(s.Uses)+")", s.Line
				}
			}
		case u == "rubygems/release-gem" || u == "rubygems/configure-rubygems-credentials":
			// Both exchange the job's OIDC identity for a short-lived
			// RubyGems key unless a stored api-token is given.
			if p.Channel == RubyGems && p.OIDCLine > 0 && s.With["api-token"] == "" && !stored {
				p.Trusted = "RubyGems trusted publishing (" + evidence.ActionName(s.Uses) + " with an OIDC identity and no API key)"
			}
		case u == "rust-lang/crates-io-auth-action":
			if p.OIDCLine > 0 {
				p.Trusted = "crates.io trusted publishing (" + evidence.ActionName(s.Uses) + ")"
			}
		case u == "release-plz/action":
			if p.Channel == Crates && p.OIDCLine > 0 && !stored && p.Trusted == "" {
				p.Trusted = "crates.io trusted publishing (release-plz with an OIDC identity and no registry token)"
			}
		}
		if p.Provenance == "" && strings.Contains(s.Run, "--provenance") && npmProvenance.MatchString(s.Run) {
			i := npmProvenance.FindStringIndex(s.Run)[0]
			p.Provenance, p.ProvenanceLine = "npm provenance (npm publish --provenance)", s.RunLine+strings.Count(s.Run[:i], "\n")
		}
		if v := strings.ToLower(s.Env["NPM_CONFIG_PROVENANCE"]); (v == "true" || v == "1") && p.Provenance == "" {
			p.Provenance, p.ProvenanceLine = "npm provenance (NPM_CONFIG_PROVENANCE)", s.Line
		}
	}
	if p.Channel == NPM && p.OIDCLine > 0 && !stored && p.Trusted == "" {
		// With an OIDC identity and no npm token, npm publish can only
		// authenticate by trusted publishing, and npm then records
		// provenance for the upload without --provenance.
		p.Trusted = "npm trusted publishing (OIDC identity, no npm token)"
		if p.Provenance == "" {
			p.Provenance, p.ProvenanceLine = "npm provenance, which trusted publishing records for every upload", p.Line
		}
	}
}

var npmProvenance = lazyre.New(`(?:npm|pnpm)\s+publish\b[^\n]*--provenance\b`)

// localRegistry matches pushes to a registry that lives only for the job
// (a kind or docker registry on localhost, ko's local daemon): test
// scaffolding, not a release.
var localRegistry = lazyre.New(`(?i)--insecure-registry\b|(?:^|[\s=/"'@])(?:localhost|127\.0\.0\.1|0\.0\.0\.0|registry\.local|kind-registry|kind\.local|ko\.local)\b`)

// localPush reports whether a container push goes to a job-local registry:
// the command says so, or, for ko, KO_DOCKER_REPO (the step's or the job's)
// names one.
func localPush(what string, s evidence.CIStep, jobEnv map[string]string) bool {
	if registry.MatchString(what) {
		return false // a public registry named on the line is the target
	}
	if localRegistry.MatchString(what) {
		return true
	}
	if !strings.Contains(what, "ko ") {
		return false
	}
	repo := s.Env["KO_DOCKER_REPO"]
	if repo == "" {
		repo = jobEnv["KO_DOCKER_REPO"]
	}
	return repo != "" && localRegistry.MatchString(repo)
}

// registry matches container registry hosts a job logs in or pushes to.
var registry = lazyre.New(`(?i)\b(ghcr\.io|docker\.io|index\.docker\.io|quay\.io|gcr\.io|[\w-]+\.pkg\.dev|[\w-]+\.azurecr\.io|public\.ecr\.aws|[\w.-]+\.amazonaws\.com|registry\.gitlab\.com|\$CI_REGISTRY\b)`)

func registryHost(steps []evidence.CIStep) string {
	for _, s := range steps {
		for _, v := range []string{s.With["registry"], s.With["tags"], s.Run} {
			if m := registry.FindString(v); m != "" {
				return strings.ToLower(m)
			}
		}
	}
	return ""
}

// Destination is the channel, with the registry host when known.
func (p Publish) Destination() string {
	if p.Target != "" {
		return p.Channel + " " + p.Target
	}
	return p.Channel
}
