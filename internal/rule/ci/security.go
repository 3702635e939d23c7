package ci

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/evidence/publishing"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/rule"
	"github.com/assaysec/assay/internal/textsafe"
)

// ---- token permissions ----

func writeScopes(p *evidence.CIPermissions) []string {
	if p == nil {
		return nil
	}
	var out []string
	for s, v := range p.Scopes {
		if v == "write" {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func workflowPermissionsLeastPrivilege(ev *evidence.Set) []rule.Finding {
	const id = WorkflowPermissionsLeastPrivilege
	var out []rule.Finding
	seen := false
	wf := newWorkflows(evidence.Facts[evidence.CIPipeline](ev))
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		pl := it.Fact
		if pl.System != evidence.CIGitHubActions {
			continue
		}
		seen = true
		said := false // a finding already answers for this workflow
		top := pl.Permissions
		onlyCall := len(pl.Triggers) > 0 && !slices.ContainsFunc(pl.Triggers, func(t evidence.CITrigger) bool { return t.Event != "workflow_call" })
		// A job that calls a reusable workflow without a permissions block
		// passes the default token on: it is not scoped.
		allJobsScoped := len(pl.Jobs) > 0 && !slices.ContainsFunc(pl.Jobs, func(j evidence.CIJob) bool { return j.Permissions == nil })
		// The top-level block reaches only the jobs without a permissions
		// block of their own: a job's block replaces it, so a job that sets
		// its own scopes gets none of the top-level grants.
		var inheriting []string
		for _, j := range pl.Jobs {
			if j.Permissions == nil {
				inheriting = append(inheriting, j.ID)
			}
		}
		reached := textsafe.Count(len(inheriting), "job")
		if len(inheriting) == len(pl.Jobs) {
			reached = "all " + reached
		} else {
			reached = fmt.Sprintf("%s (%s; the other %d set their own)", reached, strings.Join(inheriting, ", "), len(pl.Jobs)-len(inheriting))
		}
		switch {
		case top == nil && !onlyCall && !allJobsScoped:
			var unscoped []string
			for _, j := range pl.Jobs {
				if j.Permissions == nil {
					unscoped = append(unscoped, j.ID)
				}
			}
			// The default token permissions are a repository setting the
			// checkout does not show (read-only is GitHub's default for new
			// repositories), so a missing block is an absence, not a
			// violation.
			out = append(out, rule.Absent(id, loc(pl.Path, 1), "%s has no top-level permissions: block; jobs %s get the repository's default token permissions, which are set outside the repository", pl.Path, strings.Join(unscoped, ", ")))
			said = true
		case top != nil && top.All == "write-all":
			out = append(out, rule.New(id, rule.False, loc(pl.Path, top.Line), "top-level permissions: write-all gives every job a read-write token"))
			said = true
		case top != nil && len(writeScopes(top)) > 0 && len(inheriting) > 1 && releaseOnly(pl.Triggers):
			// Every job of a workflow that runs only when a release is cut
			// is a release job: the scopes are set, and set for releasing.
			out = append(out, rule.New(id, rule.True, loc(pl.Path, top.Line), "top-level permissions grant write on %s to %s, in a workflow that runs only on releases (%s); scoping them per job would narrow them further", strings.Join(writeScopes(top), ", "), reached, triggerNames(pl.Triggers)))
			said = true
		case top != nil && len(writeScopes(top)) > 0 && len(inheriting) > 1 && !slices.ContainsFunc(pl.Jobs, func(j evidence.CIJob) bool {
			return j.Permissions == nil && !jobUsesToken(j) && !wf.callNeeds(j, writeScopes(top))
		}):
			// Every job the top-level block reaches calls the forge API with
			// the workflow token, or calls a reusable workflow that asks for
			// the same scopes (a called workflow gets no more than its caller
			// grants, so the caller must), so each needs the grant: scoping
			// it per job would repeat the same block, not narrow it.
			out = append(out, rule.New(id, rule.True, loc(pl.Path, top.Line), "top-level permissions grant write on %s to %s, each of which uses the workflow token or calls a reusable workflow that asks for it", strings.Join(writeScopes(top), ", "), reached))
			said = true
		case top != nil && slices.Equal(writeScopes(top), []string{"id-token"}) && len(inheriting) > 1 && !wf.usesIdentity(pl.Path):
			// id-token: write lets a job ask GitHub for an OIDC identity
			// token; it gives the GITHUB_TOKEN no write access to the
			// repository. The identity is worth something only where a
			// registry or cloud trusts it, and the ones this repository
			// shows (trusted publishing, cloud logins) are checked: none is
			// in this workflow or the workflows it calls. The scopes are
			// set, if more broadly than needed.
			out = append(out, rule.New(id, rule.True, loc(pl.Path, top.Line), "top-level permissions grant only id-token: write to %s, in a workflow that neither publishes nor logs in to a cloud: it gives no write access to the repository; granting it per job would narrow it further", reached))
			said = true
		case top != nil && len(writeScopes(top)) > 0 && len(inheriting) > 1:
			out = append(out, rule.New(id, rule.False, loc(pl.Path, top.Line), "top-level permissions grant write on %s to %s; grant them only on the jobs that need them", strings.Join(writeScopes(top), ", "), reached))
			said = true
		case top != nil && len(writeScopes(top)) > 0 && len(inheriting) == 1 && len(pl.Jobs) > 1:
			// Every other job replaces the block with its own, so the grant
			// is in effect one job's scope, as in a single-job workflow.
			out = append(out, rule.New(id, rule.True, loc(pl.Path, top.Line), "top-level permissions grant write on %s only to job %q; every other job sets its own scopes", strings.Join(writeScopes(top), ", "), inheriting[0]))
			said = true
		}
		for _, j := range pl.Jobs {
			if j.Permissions != nil && j.Permissions.All == "write-all" {
				out = append(out, rule.New(id, rule.False, loc(pl.Path, j.Permissions.Line), "job %q has permissions: write-all", j.ID))
				said = true
			}
		}
		if !said {
			out = append(out, rule.New(id, rule.True, loc(pl.Path, lineOf(top)), "token permissions are read-only by default and scoped per job"))
		}
	}
	if !seen {
		scan, _ := evidence.First[evidence.CIScan](ev)
		if slices.ContainsFunc(scan.Fact.Files, func(f evidence.CIFile) bool { return f.Broken && f.System == evidence.CIGitHubActions }) {
			return []rule.Finding{rule.New(id, rule.Error, evidence.Location{}, "GitHub Actions workflows could not be parsed; see the parse problems")}
		}
		if others := otherCISystems(ev); len(others) > 0 {
			return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "no GitHub Actions workflows; the token scopes of %s are set in the CI service's settings, which the repository does not show", strings.Join(others, ", "))}
		}
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no GitHub Actions workflows (CI found: %s); GitLab job tokens are scoped in project settings", ciFound(ev))}
	}
	return out
}

// workflows indexes the GitHub Actions workflows by path, to follow a
// job's call of a local reusable workflow.
type workflows struct {
	byPath map[string]evidence.CIPipeline
	pubs   map[string]bool // workflows with a publish step
}

func newWorkflows(items []evidence.Item[evidence.CIPipeline]) workflows {
	w := workflows{byPath: map[string]evidence.CIPipeline{}, pubs: map[string]bool{}}
	var pls []evidence.CIPipeline
	for _, it := range items {
		if it.Fact.System == evidence.CIGitHubActions || it.Fact.System == evidence.CIGitHubComposite {
			w.byPath[it.Fact.Path] = it.Fact
			pls = append(pls, it.Fact)
		}
	}
	for _, p := range publishing.Find(pls) {
		w.pubs[p.Pipeline] = true
	}
	return w
}

// callee returns the local reusable workflow job j calls.
func (w workflows) callee(j evidence.CIJob) (evidence.CIPipeline, bool) {
	if !strings.HasPrefix(j.Uses, "./") {
		return evidence.CIPipeline{}, false
	}
	pl, ok := w.byPath[path.Clean(strings.TrimPrefix(j.Uses, "./"))]
	return pl, ok
}

// callNeeds reports whether job j calls a local reusable workflow that
// asks, at its top level or on one of its jobs, for write on every one of
// scopes: GitHub caps a called workflow's token at what the calling job
// grants, so the caller needs the grant.
func (w workflows) callNeeds(j evidence.CIJob, scopes []string) bool {
	pl, ok := w.callee(j)
	if !ok || len(scopes) == 0 {
		return false
	}
	asked := map[string]bool{}
	for _, s := range writeScopes(pl.Permissions) {
		asked[s] = true
	}
	for _, cj := range pl.Jobs {
		for _, s := range writeScopes(cj.Permissions) {
			asked[s] = true
		}
	}
	for _, s := range scopes {
		if !asked[s] {
			return false
		}
	}
	return true
}

// usesIdentity reports whether the workflow at p, or a local workflow it
// calls, publishes a release or logs in to a cloud: the places where an
// OIDC identity token of the workflow is known to be trusted.
func (w workflows) usesIdentity(p string) bool {
	seen := map[string]bool{}
	var walk func(p string) bool
	walk = func(p string) bool {
		if seen[p] {
			return false
		}
		seen[p] = true
		if w.pubs[p] {
			return true
		}
		for _, j := range w.byPath[p].Jobs {
			for _, s := range j.Steps {
				if strings.HasPrefix(s.Uses, "./") {
					// A local action: its steps are read from its action.yml;
					// one that cannot be read may log in, so it counts.
					a := strings.TrimSuffix(strings.TrimPrefix(evidence.ActionName(s.Uses), "./"), "/")
					sub, ok := w.byPath[a+"/action.yml"]
					if !ok {
						sub, ok = w.byPath[a+"/action.yaml"]
					}
					if !ok || sub.System != evidence.CIGitHubComposite || walk(sub.Path) {
						return true
					}
					continue
				}
				name := strings.ToLower(evidence.ActionName(s.Uses))
				if slices.ContainsFunc(cloudLogins, func(cl cloudLogin) bool { return cl.action == name }) {
					return true
				}
			}
			// A reusable workflow of another repository, or a local one
			// that cannot be read, may publish with the identity.
			if j.Uses != "" {
				if c, ok := w.callee(j); !ok || walk(c.Path) {
					return true
				}
			}
		}
		return false
	}
	return walk(p)
}

// tokenUse matches a script or input that uses the workflow token: the gh
// CLI, or the token named.
var tokenUse = lazyre.New(`(?m)(?:^|[\s;&|(])gh\s+[a-z]|secrets\.GITHUB_TOKEN|github\.token|\bGITHUB_TOKEN\b|\bGH_TOKEN\b`)

// jobUsesToken reports whether a job calls the forge API with the workflow
// token: through actions/github-script (which takes the token by default)
// or a step whose script, inputs or environment use it.
func jobUsesToken(j evidence.CIJob) bool {
	for _, s := range j.Steps {
		if name, _, _ := strings.Cut(s.Uses, "@"); name == "actions/github-script" {
			return true
		}
		if tokenUse.MatchString(s.Run) {
			return true
		}
		for _, m := range []map[string]string{s.With, s.Env} {
			for _, v := range m {
				if tokenUse.MatchString(v) {
					return true
				}
			}
		}
	}
	return false
}

// releaseOnly reports whether a workflow runs only when a release is cut:
// on tag pushes (no branch pushes), on release events, and otherwise only
// by hand.
func releaseOnly(ts []evidence.CITrigger) bool {
	release := false
	for _, t := range ts {
		switch {
		case t.Event == "push" && len(t.Tags) > 0 && len(t.Branches) == 0 && len(t.BranchesIgnore) == 0:
			release = true
		case t.Event == "release":
			release = true
		case t.Event == "workflow_dispatch":
		default:
			return false
		}
	}
	return release
}

func triggerNames(ts []evidence.CITrigger) string {
	var names []string
	for _, t := range ts {
		n := t.Event
		if t.Event == "push" {
			n = "tag push"
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

func lineOf(p *evidence.CIPermissions) int {
	if p == nil {
		return 0
	}
	return p.Line
}

// ---- pinning ----

var fullSHA = lazyre.New(`^[0-9a-f]{40}$`)

// firstParty are action owners run by GitHub itself; trusting the platform
// is unavoidable, so their tags are not counted as unpinned.
var firstParty = []string{"actions", "github"}

func actionPinned(uses string) (owner string, pinned bool, skip bool) {
	if strings.HasPrefix(uses, "./") || strings.HasPrefix(uses, "$") || strings.HasPrefix(uses, "docker://") || strings.Contains(uses, "${{") || uses == "" || strings.HasPrefix(uses, "gitlab:") || strings.HasPrefix(uses, "!reference") {
		return "", true, true
	}
	if step, ok := strings.CutPrefix(uses, "circleci:"); ok && !strings.Contains(step, "/") {
		// A CircleCI step without an orb prefix is one of the platform's
		// built-in steps (checkout, setup_remote_docker, restore_cache)
		// or a command the config itself defines: no third-party code is
		// fetched and there is no version to pin. hugo's release config
		// was "not pinned" for checkout and save_cache.
		return "", true, true
	}
	name, ref, ok := strings.Cut(uses, "@")
	owner, _, _ = strings.Cut(name, "/")
	if slices.Contains(firstParty, strings.ToLower(owner)) {
		return owner, true, true
	}
	// The SLSA generator's reusable workflows verify their own ref and
	// must be called by tag; a SHA breaks them.
	if strings.HasPrefix(strings.ToLower(name), "slsa-framework/slsa-github-generator/.github/workflows/") && strings.HasPrefix(ref, "v") {
		return owner, true, true
	}
	return owner, ok && fullSHA.MatchString(ref), false
}

// calledWorkflowRe splits a reusable-workflow reference called by its full
// name: OWNER/REPO/.github/workflows/FILE@REF.
var calledWorkflowRe = lazyre.New(`^[\w.-]+/[\w.-]+/(\.github/workflows/[^/@]+\.ya?ml)@\S+$`)

// ownReusableWorkflows returns a test for references to the repository's
// own reusable workflows written with the full OWNER/REPO prefix (a
// trigger workflow calling "org/repo/.github/workflows/x.yml@main"): the
// file is in this tree and is called on workflow_call, so the code it runs
// is the repository's own, like a "./" reference, not a third party's.
func ownReusableWorkflows(ev *evidence.Set) func(uses string) bool {
	callable := map[string]bool{}
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		pl := it.Fact
		if pl.System == evidence.CIGitHubActions && slices.ContainsFunc(pl.Triggers, func(t evidence.CITrigger) bool { return t.Event == "workflow_call" }) {
			callable[pl.Path] = true
		}
	}
	return func(uses string) bool {
		m := calledWorkflowRe.FindStringSubmatch(uses)
		return m != nil && callable[m[1]]
	}
}

func ciActionsPinned(ev *evidence.Set) []rule.Finding {
	return actionPins(ev, CiActionsPinned, false)
}

// ciActionsAllPinned is ciActionsPinned with GitHub's own actions held to
// the same rule: for claim 2.2.2 the question is who can change what the
// build runs, and a tag on actions/checkout is moved by GitHub's
// maintainers, not by the vendor's authorised personnel through a
// reviewed commit.
func ciActionsAllPinned(ev *evidence.Set) []rule.Finding {
	return actionPins(ev, CiActionsAllPinned, true)
}

// actionPins checks every action, reusable-workflow and include reference;
// strict also counts GitHub-owned actions that follow a tag.
func actionPins(ev *evidence.Set, id string, strict bool) []rule.Finding {
	var out []rule.Finding
	total, ownTags := 0, 0
	own := ownReusableWorkflows(ev)
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		pl := it.Fact
		check := func(uses string, line int) {
			if own(uses) {
				return
			}
			owner, pinned, skip := actionPinned(uses)
			if skip {
				if _, ref, _ := strings.Cut(uses, "@"); slices.Contains(firstParty, strings.ToLower(owner)) && !fullSHA.MatchString(ref) {
					if strict {
						total++
						out = append(out, rule.Violated(id, loc(pl.Path, line), "%s is GitHub-owned but follows a tag or branch, which GitHub can move: pin it to a commit SHA so that only a reviewed change here alters the build", uses))
						return
					}
					ownTags++
				} else if strict && slices.Contains(firstParty, strings.ToLower(owner)) {
					total++
				}
				return
			}
			total++
			if !pinned {
				out = append(out, rule.New(id, rule.False, loc(pl.Path, line), "%s is not pinned to a commit SHA", uses))
			}
		}
		for _, j := range pl.Jobs {
			if pl.System == evidence.CIGitLab {
				continue
			}
			if j.Uses != "" {
				check(j.Uses, j.UsesLine)
			}
			for _, s := range j.Steps {
				if s.Uses != "" {
					check(s.Uses, s.Line)
				}
			}
		}
		for _, inc := range pl.Includes {
			switch inc.Kind {
			case "project":
				total++
				if !fullSHA.MatchString(inc.Ref) {
					ref := inc.Ref
					if ref == "" {
						ref = "the default branch"
					}
					out = append(out, rule.New(id, rule.False, loc(pl.Path, inc.Line), "include project %s follows %s, not a commit SHA", inc.Target, ref))
				}
			case "remote":
				total++
				if inc.Integrity == "" {
					out = append(out, rule.New(id, rule.False, loc(pl.Path, inc.Line), "remote include %s has no integrity: hash", inc.Target))
				}
			case "component":
				total++
				if !fullSHA.MatchString(inc.Ref) {
					out = append(out, rule.New(id, rule.False, loc(pl.Path, inc.Line), "component %s is not pinned to a commit SHA", inc.Target))
				}
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	// GitHub-owned actions run on GitHub's platform, which the build
	// trusts anyway; their tags are allowed by policy, and the answer
	// says how many there are.
	policy := ""
	if ownTags > 0 {
		policy = fmt.Sprintf("; %d GitHub-owned actions are tag-pinned; policy: allowed", ownTags)
	}
	noun := "third-party action and include references are"
	if strict {
		noun = "action and include references, GitHub's own included, are"
	}
	if total == 0 {
		if ownTags > 0 {
			return []rule.Finding{rule.New(id, rule.True, evidence.Location{}, "no third-party actions, reusable workflows or remote includes are used%s", policy)}
		}
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no third-party actions, reusable workflows or remote includes are used")}
	}
	return []rule.Finding{rule.New(id, rule.True, evidence.Location{}, "all %d %s pinned to a commit SHA or integrity hash%s", total, noun, policy)}
}

func imagePinned(ref string) (pinned, skip bool) {
	r := strings.TrimPrefix(ref, "docker://")
	switch {
	case r == "" || strings.EqualFold(r, "scratch") || strings.HasPrefix(r, "stage:") || strings.Contains(r, "${{"):
		return true, true
	case strings.HasPrefix(r, "$") && !strings.Contains(r, "@"):
		return true, true // built from a variable; its value is not in the file
	}
	return strings.Contains(r, "@sha256:"), false
}

func containerImagesPinned(ev *evidence.Set) []rule.Finding {
	const id = ContainerImagesPinned
	var out []rule.Finding
	total := 0
	check := func(ref, p string, line int, where string) {
		pinned, skip := imagePinned(ref)
		if skip {
			return
		}
		total++
		if !pinned {
			out = append(out, rule.New(id, rule.False, loc(p, line), "%s image %s is not pinned by digest", where, ref))
		}
	}
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		pl := it.Fact
		for _, j := range pl.Jobs {
			p := pl.Path
			if j.File != "" {
				p = j.File
			}
			for _, img := range j.Images {
				// The message says "image": a role named "image" (GitLab's
				// job image) must not say it twice.
				check(img.Ref, p, img.Line, strings.TrimSuffix("CI "+img.Role, " image"))
			}
			built := builtImages(j)
			for _, s := range j.Steps {
				if strings.HasPrefix(s.Uses, "docker://") {
					check(s.Uses, p, s.Line, "CI step")
				}
				if s.Run == "" {
					continue
				}
				sp := p
				if s.File != "" {
					sp = s.File
				}
				for _, d := range dockerRunImages(s.Run) {
					if built[imageName(d.image)] {
						continue // built by the job itself
					}
					check(d.image, sp, s.RunLine+strings.Count(s.Run[:d.at], "\n"), "docker "+d.verb)
				}
			}
		}
	}
	for _, it := range evidence.Facts[evidence.Dockerfile](ev) {
		for _, f := range it.Fact.From {
			where := "FROM"
			if f.Written != "" {
				where = "FROM " + f.Written + " (the ARG default)"
			}
			check(f.Image, it.Fact.Path, f.Line, where)
		}
	}
	for _, it := range evidence.Facts[evidence.BuildImage](ev) {
		check(it.Fact.Ref, it.Fact.Path, it.Fact.Line, it.Fact.Tool+" base")
	}
	if len(out) > 0 {
		return out
	}
	if total == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no container images are pulled in CI, Dockerfiles or ko configuration")}
	}
	return []rule.Finding{rule.New(id, rule.True, evidence.Location{}, "all %d container images are pinned by digest", total)}
}

// dockerValueFlags are docker run/pull options that take a separate value.
var dockerValueFlags = map[string]bool{
	"-e": true, "--env": true, "--env-file": true, "-v": true, "--volume": true, "--mount": true, "-w": true, "--workdir": true,
	"-u": true, "--user": true, "-p": true, "--publish": true, "--name": true, "--network": true, "--net": true, "--entrypoint": true,
	"--platform": true, "-l": true, "--label": true, "--add-host": true, "--cap-add": true, "--cap-drop": true, "--device": true,
	"-h": true, "--hostname": true, "-m": true, "--memory": true, "--cpus": true, "--shm-size": true, "--ulimit": true,
	"--security-opt": true, "--tmpfs": true, "--user-ns": true, "--userns": true, "--ipc": true, "--pid": true, "--log-driver": true,
	"--restart": true, "--gpus": true, "--pull": true, "--cidfile": true, "--volumes-from": true, "--link": true, "--dns": true,
	"-a": true, "--attach": true, "--group-add": true, "--health-cmd": true, "--init-path": true, "--runtime": true, "--stop-signal": true,
}

var dockerCmd = lazyre.New(`(?m)(?:^|[;&|(]\s*|\s)(?:sudo\s+)?(?:docker|podman)\s+(?:container\s+|image\s+)?(run|pull|create)\s+`)

var dockerTag = lazyre.New(`(?:\s-t|\s--tag)[ =]\s*["']?([^\s"']+)|\bdocker\s+tag\s+\S+\s+["']?([^\s"']+)|\btags:\s*["']?([^\s"']+)`)

// builtImages names the images a job builds itself (docker build -t,
// docker tag, docker/build-push-action tags), without their tags.
func builtImages(j evidence.CIJob) map[string]bool {
	out := map[string]bool{}
	for _, s := range j.Steps {
		text := s.Run
		if t := s.With["tags"]; t != "" {
			text += "\n tags: " + strings.Join(strings.FieldsFunc(t, func(r rune) bool { return r == ',' || r == '\n' }), "\n tags: ")
		}
		for _, m := range dockerTag.FindAllStringSubmatch(text, 50) {
			out[imageName(m[1]+m[2]+m[3])] = true
		}
	}
	return out
}

// imageName strips the tag and digest of an image reference.
func imageName(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref = ref[:i]
	}
	return ref
}

type dockerImage struct {
	image, verb string
	at          int
}

// dockerRunImages finds the images that `docker run|pull|create` lines of
// a script use: the first word after the options.
func dockerRunImages(script string) []dockerImage {
	var out []dockerImage
	for _, m := range dockerCmd.FindAllStringSubmatchIndex(script, 20) {
		if evidence.InShellComment(script, m[0]) {
			continue
		}
		rest := script[m[1]:]
		if i := strings.IndexAny(rest, "\n;&|"); i >= 0 {
			rest = rest[:i]
		}
		words := strings.Fields(strings.ReplaceAll(rest, "\\", " "))
		for i := 0; i < len(words); i++ {
			w := words[i]
			if strings.HasPrefix(w, "-") {
				if dockerValueFlags[w] {
					i++
				}
				continue
			}
			w = strings.Trim(w, `"'`)
			if w != "" && !strings.ContainsAny(w, "`()") {
				out = append(out, dockerImage{image: w, verb: script[m[2]:m[3]], at: m[0]})
			}
			break
		}
	}
	return out
}

var pipeToShell = lazyre.New(`(?m)\b(?:curl|wget|iwr|Invoke-WebRequest|fetch)\b[^\n|;&]*(?:\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+\S+\s+)?(?:ba|z|da|k|c)?sh\b|\|\s*(?:sudo\s+)?python3?\b|\|\s*(?:sudo\s+)?perl\b|\|\s*(?:sudo\s+)?ruby\b|\|\s*iex\b|\|\s*Invoke-Expression\b)|\b(?:ba|z)?sh\s+(?:-c\s+)?["']?\$\(\s*(?:curl|wget)\b|\b(?:ba|z)?sh\s+<\(\s*(?:curl|wget)\b`)

// downloadToFile finds `curl ... -o FILE`, `wget ... -O FILE` and
// `curl ... > FILE`; the file is then looked for in an execution position.
var downloadToFile = lazyre.New(`(?m)\b(?:curl|wget)\b[^\n|;&]*?(?:\s-[oO]\s*|\s--output(?:-document)?[= ]|>\s*)([\w./${}-]+)`)

// remoteName finds downloads saved under the URL's own name: curl -O,
// -LO, --remote-name, and wget without -O.
var remoteName = lazyre.New(`(?m)\bcurl\b[^\n|;&]*?(?:\s-[a-zA-Z]*O[a-zA-Z]*\s|\s--remote-name\s)[^\n|;&]*|\bwget\b[^\n|;&]*`)

var urlWord = lazyre.New(`https?://[^\s"'|;&)]+`)

// verifies matches a checksum or signature check of a download.
var verifies = lazyre.New(`\b(?:sha(?:1|224|256|384|512)sum|shasum|b2sum|md5sum|gpg2?\s+(?:--batch\s+)?--verify|gpgv|cosign\s+verify(?:-blob)?|minisign\s+-V|slsa-verifier|gh\s+attestation\s+verify|openssl\s+dgst|Get-FileHash|certutil\s+-hashfile)\b|--checksum\b|--hash\b`)

// extracts matches unpacking an archive.
var extracts = lazyre.New(`\b(?:tar\b[^\n|;&]*\s-?[a-zA-Z]*x|unzip\b|7z\s+x\b|gunzip\b|bunzip2\b|xz\s+-d\b|Expand-Archive\b)`)

// execAfterExtract matches running something unpacked: ./x, bash x, sh x.
var execAfterExtract = lazyre.New(`(?m)(?:^|&&|;|\|\||\bthen|\bdo)\s*(?:sudo\s+(?:-\S+\s+)*)?\./[\w./-]+|\b(?:ba|z|da)?sh\s+[\w./-]+\.(?:sh|bash)\b`)

type download struct {
	start, end int
	file       string
}

// downloads lists the downloads to a file in a script, with the file.
func downloads(script string) []download {
	var out []download
	for _, m := range downloadToFile.FindAllStringSubmatchIndex(script, 10) {
		f := script[m[2]:m[3]]
		if f == "" || f == "-" || strings.HasPrefix(f, "/dev/") {
			continue
		}
		out = append(out, download{m[0], m[3], f})
	}
	for _, m := range remoteName.FindAllStringIndex(script, 10) {
		text := script[m[0]:m[1]]
		if strings.HasPrefix(text, "wget") && lazyre.New(`\s-(?:O|-output-document)`).MatchString(text) {
			continue // named by -O, found above
		}
		if strings.HasPrefix(text, "wget") && lazyre.New(`\s-q?O-|\s-O\s+-`).MatchString(text) {
			continue
		}
		u := urlWord.FindString(text)
		if u == "" {
			continue
		}
		u, _, _ = strings.Cut(u, "?")
		f := u[strings.LastIndex(u, "/")+1:]
		if f == "" {
			continue
		}
		out = append(out, download{m[0], m[1], f})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// downloadedThenRun returns the span of a download whose file the same
// script later runs (bash FILE, sh FILE, chmod +x FILE && FILE, ./FILE),
// or unpacks and then runs something from (curl -LO x.tar.gz && tar xf
// x.tar.gz && ./x), with no checksum or signature check after the
// download; start is -1 when there is none.
func downloadedThenRun(script string) (start, end int, unpacked bool) {
	for _, d := range downloads(script) {
		if evidence.InShellComment(script, d.start) {
			continue
		}
		rest := script[d.end:]
		if verifies.MatchString(rest) {
			continue
		}
		q := regexp.QuoteMeta(d.file)
		run := lazyre.New(`(?m)(?:\b(?:ba|z|da)?sh\s+|\bpython3?\s+|\bsource\s+|(?:^|&&|;|\|\|)\s*(?:sudo\s+)?(?:\./)?)` + q + `(?:\s|$|;|&)`)
		if loc := run.FindStringIndex(rest); loc != nil {
			return d.start, d.end + loc[1], false
		}
		base := d.file[strings.LastIndex(d.file, "/")+1:]
		x := lazyre.New(extracts.String() + `[^\n|;&]*` + regexp.QuoteMeta(base))
		if xl := x.FindStringIndex(rest); xl != nil {
			if el := execAfterExtract.FindStringIndex(rest[xl[1]:]); el != nil {
				return d.start, d.end + xl[1] + el[1], true
			}
		}
	}
	return -1, -1, false
}

func downloadsVerified(ev *evidence.Set) []rule.Finding {
	const id = DownloadsVerified
	var out []rule.Finding
	scripts := 0
	check := func(script, p string, line int) {
		scripts++
		for _, m := range pipeToShell.FindAllStringIndex(script, 5) {
			if evidence.InShellComment(script, m[0]) {
				continue
			}
			l := line + strings.Count(script[:m[0]], "\n")
			out = append(out, rule.New(id, rule.False, loc(p, l), "downloaded script is piped into an interpreter unverified: %s", firstLine(script[m[0]:m[1]])))
		}
		if start, end, unpacked := downloadedThenRun(script); start >= 0 {
			l := line + strings.Count(script[:start], "\n")
			what := "downloaded file is run without verification"
			if unpacked {
				what = "downloaded archive is unpacked and run without a checksum or signature check"
			}
			out = append(out, rule.New(id, rule.False, loc(p, l), "%s: %s", what, firstLine(script[start:end])))
		}
	}
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		pl := it.Fact
		for _, j := range pl.Jobs {
			p := pl.Path
			if j.File != "" {
				p = j.File
			}
			for _, s := range j.Steps {
				if s.Run != "" {
					if s.File != "" {
						check(s.Run, s.File, s.RunLine)
					} else {
						check(s.Run, p, s.RunLine)
					}
				}
			}
		}
	}
	for _, it := range evidence.Facts[evidence.Dockerfile](ev) {
		for _, r := range it.Fact.Runs {
			before := len(out)
			check(r.Command, it.Fact.Path, r.Line)
			// BuildKit joins continuation lines; point at the instruction.
			for i := before; i < len(out); i++ {
				out[i].Location.Line = r.Line
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	if scripts == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no scripts in CI or Dockerfiles")}
	}
	return []rule.Finding{rule.New(id, rule.True, evidence.Location{}, "none of %s pipes a download into a shell", textsafe.Count(scripts, "script"))}
}

// ---- dangerous GitHub Actions patterns ----

var untrustedRef = lazyre.New(`github\.event\.pull_request\.head\.(?:sha|ref)|github\.head_ref|github\.event\.workflow_run|refs/pull/|github\.event\.pull_request\.merge_commit_sha|github\.event\.issue\.pull_request|github\.event\.number|github\.event\.pull_request\.number|head\.repo\.full_name|github\.event\.issue\.number|\boutputs\.[\w-]*[Hh]ead[\w-]*`)

var untrustedFetch = lazyre.New(`(?m)\bgh\s+pr\s+checkout\b|\bgit\s+(?:fetch|checkout|pull|switch)\b[^\n]*(?:\$\{\{\s*(?:github\.event\.pull_request\.head|github\.head_ref|github\.event\.workflow_run\.head)|refs/pull/|\bpull/[^\s/]+/(?:head|merge)\b)`)

// shellScript reports whether a script a step runs is shell, whose lines
// are commands: a shell extension, or no extension and no shebang naming
// another interpreter.
func shellScript(file, text string) bool {
	switch strings.ToLower(path.Ext(file)) {
	case ".sh", ".bash", ".zsh", ".ksh", ".ps1", ".psm1", ".cmd", ".bat":
		return true
	case "":
		first, _, _ := strings.Cut(text, "\n")
		if !strings.HasPrefix(first, "#!") {
			return true
		}
		f := strings.Fields(strings.TrimPrefix(first, "#!"))
		if len(f) == 0 {
			return true
		}
		interp := path.Base(f[0])
		if interp == "env" {
			// #!/usr/bin/env [-S] bash: the first word that is no flag.
			for _, a := range f[1:] {
				if !strings.HasPrefix(a, "-") {
					interp = path.Base(a)
					break
				}
			}
		}
		switch interp {
		case "sh", "bash", "zsh", "ksh", "dash", "ash", "pwsh":
			return true
		}
		return false
	}
	return false
}

func privilegedTrigger(pl evidence.CIPipeline) (string, int, bool) {
	for _, t := range pl.Triggers {
		// issue_comment runs with the base repository's token and
		// secrets on a comment anyone can write, also on pull requests.
		if t.Event == "pull_request_target" || t.Event == "workflow_run" || t.Event == "issue_comment" {
			return t.Event, t.Line, true
		}
	}
	return "", 0, false
}

func noUntrustedCheckout(ev *evidence.Set) []rule.Finding {
	const id = NoUntrustedCheckoutInPrivilegedTrigger
	var out []rule.Finding
	privileged := 0
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		pl := it.Fact
		if pl.System != evidence.CIGitHubActions {
			continue
		}
		trig, tline, ok := privilegedTrigger(pl)
		if !ok {
			continue
		}
		privileged++
		for _, j := range pl.Jobs {
			for _, s := range j.Steps {
				switch {
				case strings.HasPrefix(strings.ToLower(evidence.ActionName(s.Uses)), "actions/checkout"):
					if ref := s.With["ref"]; ref != "" && untrustedRef.MatchString(ref) {
						out = append(out, rule.New(id, rule.False, loc(pl.Path, s.Line), "%s workflow (line %d) checks out the pull request's code (ref: %s) in job %q", trig, tline, ref, j.ID))
					}
				case s.Run != "" && (s.File == "" || shellScript(s.File, s.Run)):
					// A followed Python or JavaScript file holds code, not
					// commands: "gh pr checkout" in one is a string it may
					// hand to another job, not a fetch this job makes.
					if m := untrustedFetch.FindStringIndex(s.Run); m != nil {
						l := s.RunLine + strings.Count(s.Run[:m[0]], "\n")
						p := pl.Path
						if s.File != "" {
							p = s.File
						}
						out = append(out, rule.New(id, rule.False, loc(p, l), "%s workflow (line %d) fetches the pull request's code in job %q: %s", trig, tline, j.ID, firstLine(s.Run[m[0]:m[1]])))
					}
				}
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	if privileged == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no workflow uses pull_request_target, workflow_run or issue_comment")}
	}
	return []rule.Finding{rule.New(id, rule.True, evidence.Location{}, "%d pull_request_target/workflow_run/issue_comment workflows do not check out pull request code", privileged)}
}

// attackerContext matches expression contexts an outsider controls.
var attackerContext = lazyre.New(`toJSON\(\s*github\.event\s*\)|github\.event\.(?:issue\.(?:title|body)|pull_request\.(?:title|body|head\.ref|head\.label|head\.repo\.default_branch)|comment\.body|review\.body|review_comment\.body|pages` + idx + `\.page_name|commits` + idx + `\.(?:message|author\.(?:email|name))|head_commit\.(?:message|author\.(?:email|name))|discussion\.(?:title|body)|workflow_run\.(?:head_branch|head_commit\.(?:message|author\.(?:email|name))|display_title|pull_requests` + idx + `\.head\.ref)|release\.(?:name|body))|github\.head_ref`)

// idx matches an array step in an expression: [0], [*] or .*.
const idx = `(?:\[[^\]]*\]|\.\*)`

// sinkInput returns the input of an action that runs its value as code:
// github-script's script, docker-run-action's run.
func sinkInput(s evidence.CIStep) string {
	switch strings.ToLower(evidence.ActionName(s.Uses)) {
	case "actions/github-script":
		return s.With["script"]
	case "addnab/docker-run-action":
		return s.With["run"]
	}
	return ""
}

var expr = lazyre.New(`(?s)\$\{\{(.*?)\}\}`)

func noScriptInjection(ev *evidence.Set) []rule.Finding {
	const id = NoScriptInjection
	var out []rule.Finding
	scripts := 0
	ix := newIndex(ev)
	check := func(p, script string, line int, jobID string) {
		scripts++
		for _, m := range expr.FindAllStringSubmatchIndex(script, -1) {
			// A comparison or test yields true/false, not the text; only
			// the operands that can become the value count.
			if c := injectable(script[m[2]:m[3]], attackerContext); c != "" {
				l := line + strings.Count(script[:m[0]], "\n")
				out = append(out, rule.New(id, rule.False, loc(p, l), "%s is expanded into a script in job %q; pass it through env: instead", c, jobID))
			}
		}
	}
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		pl := it.Fact
		// ${{ }} expressions are GitHub Actions'; other systems' scripts
		// have nothing to expand.
		if pl.System != evidence.CIGitHubActions && pl.System != evidence.CIGitHubComposite {
			continue
		}
		for _, j := range pl.Jobs {
			for _, s := range j.Steps {
				if s.Run != "" && s.File == "" {
					// Expressions are expanded in the workflow only, not in scripts it runs.
					check(pl.Path, s.Run, s.RunLine, j.ID)
				}
				out = append(out, compositeInjection(ix, pl, j, s)...)
				if input := sinkInput(s); input != "" {
					// Inputs are not positioned per line; point at the step.
					before := len(out)
					check(pl.Path, input, s.Line, j.ID)
					for i := before; i < len(out); i++ {
						out[i].Location.Line = s.Line
					}
				}
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	if scripts == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no GitHub Actions scripts (CI found: %s)", ciFound(ev))}
	}
	return []rule.Finding{rule.New(id, rule.True, evidence.Location{}, "no attacker-controlled context is expanded into any of %s", textsafe.Count(scripts, "script"))}
}

// compositeInjection follows an attacker-controlled value passed as an
// input (with: x: ${{ github.event.issue.title }}) to a local composite
// action whose run: scripts expand ${{ inputs.x }}: the value is pasted
// into the action's script just as if it were written in the workflow.
func compositeInjection(ix *index, pl evidence.CIPipeline, j evidence.CIJob, s evidence.CIStep) []rule.Finding {
	if len(s.With) == 0 {
		return nil
	}
	act, ok := ix.local(s.Uses)
	if !ok || act.System != evidence.CIGitHubComposite {
		return nil
	}
	var out []rule.Finding
	keys := make([]string, 0, len(s.With))
	for k := range s.With {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c := ""
		for _, m := range expr.FindAllStringSubmatch(s.With[k], -1) {
			if c = injectable(m[1], attackerContext); c != "" {
				break
			}
		}
		if c == "" {
			continue
		}
		use := lazyre.New(`\binputs\.` + regexp.QuoteMeta(k) + `\b|\binputs\[\s*'` + regexp.QuoteMeta(k) + `'\s*\]`)
		for _, aj := range act.Jobs {
			for _, as := range aj.Steps {
				if as.Run == "" || as.File != "" {
					continue
				}
				for _, m := range expr.FindAllStringSubmatchIndex(as.Run, -1) {
					if injectable(as.Run[m[2]:m[3]], use) == "" {
						continue
					}
					l := as.RunLine + strings.Count(as.Run[:m[0]], "\n")
					out = append(out, rule.New(NoScriptInjection, rule.False, loc(act.Path, l), "%s is passed as input %q to %s (%s:%d, job %q), whose script expands inputs.%s; pass it through env: instead", c, k, s.Uses, pl.Path, s.Line, j.ID, k))
				}
			}
		}
	}
	return out
}

func selfHostedRunnersNotExposed(ev *evidence.Set) []rule.Finding {
	const id = SelfHostedRunnersNotExposed
	var out []rule.Finding
	selfHosted := 0
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		pl := it.Fact
		if pl.System != evidence.CIGitHubActions {
			continue
		}
		var forkTrig string
		for _, t := range pl.Triggers {
			if t.Event == "pull_request" || t.Event == "pull_request_target" || t.Event == "issue_comment" || t.Event == "pull_request_review" || t.Event == "pull_request_review_comment" {
				forkTrig = t.Event
				break
			}
		}
		for _, j := range pl.Jobs {
			if !slices.ContainsFunc(j.RunsOn, func(l string) bool { return strings.EqualFold(l, "self-hosted") }) {
				continue
			}
			selfHosted++
			if forkTrig != "" {
				out = append(out, rule.New(id, rule.False, loc(pl.Path, j.Line), "job %q runs on a self-hosted runner and the workflow runs on %s; fork pull requests can reach it if the repository is public", j.ID, forkTrig))
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	if selfHosted == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no job runs on a self-hosted runner")}
	}
	return []rule.Finding{rule.New(id, rule.True, evidence.Location{}, "%d self-hosted jobs run only on events outsiders cannot trigger", selfHosted)}
}

var (
	echoSecret = lazyre.New(`(?m)\b(?:echo|printf|print|Write-Host|Write-Output|cat)\b[^\n]*\$\{\{\s*secrets\.`)
	dumpSecret = lazyre.New(`toJSON\(\s*secrets\s*\)`)
)

var (
	shellQuoted = lazyre.New(`"(?:[^"\\\n]|\\.)*"|'[^'\n]*'`)
	// toStderr is a redirection to the job's own output streams, which
	// the runner writes to the log.
	toStderr = lazyre.New(`^(?:[12]?>>?\s*&\s*[12]|[12]?>>?\s*/dev/(?:stderr|stdout|tty))`)
	redirect = lazyre.New(`[12]?>>?\s*&?\s*\S`)
)

// printsToLog reports whether an echo command, given from the command to
// the end of its line, sends its output to the build log. Output
// redirected to a file (echo "$KEY" > key.asc) or piped into another
// program (echo "$TOKEN" | docker login --password-stdin) does not reach
// the log, unless the pipe goes through tee; ::add-mask:: hides the value.
func printsToLog(command string) bool {
	if strings.Contains(command, "::add-mask::") {
		return false
	}
	// Quoted words may hold > and |; blank them, keeping their length.
	bare := shellQuoted.ReplaceAllStringFunc(command, func(q string) string { return strings.Repeat("x", len(q)) })
	// The command ends at ;, && or ||; a single & belongs to >&2.
	for i := 0; i < len(bare); i++ {
		if bare[i] == ';' || i+1 < len(bare) && (bare[i] == '&' && bare[i+1] == '&' || bare[i] == '|' && bare[i+1] == '|') {
			bare = bare[:i]
			break
		}
	}
	if i := strings.IndexByte(bare, '|'); i >= 0 {
		next := strings.Fields(bare[i+1:])
		return len(next) > 0 && next[0] == "tee" && !redirect.MatchString(bare[i+1:])
	}
	if loc := redirect.FindStringIndex(bare); loc != nil {
		return toStderr.MatchString(bare[loc[0]:])
	}
	return true
}

func secretsNotEchoed(ev *evidence.Set) []rule.Finding {
	const id = SecretsNotEchoed
	var out []rule.Finding
	scripts := 0
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		pl := it.Fact
		for _, j := range pl.Jobs {
			for _, s := range j.Steps {
				if s.Run == "" || s.File != "" {
					continue
				}
				scripts++
				var secretEnv []string
				for k, v := range s.Env {
					if strings.Contains(v, "secrets.") {
						secretEnv = append(secretEnv, regexp.QuoteMeta(k))
					}
				}
				res := []*lazyre.Regexp{echoSecret, dumpSecret}
				if len(secretEnv) > 0 {
					sort.Strings(secretEnv)
					res = append(res, lazyre.New(`(?m)\b(?:echo|printf|Write-Host)\b[^\n]*\$\{?(?:`+strings.Join(secretEnv, "|")+`)\b`))
				}
			find:
				for _, re := range res {
					for _, m := range re.FindAllStringIndex(s.Run, 20) {
						if !printsToLog(firstLine(s.Run[m[0]:])) {
							continue
						}
						l := s.RunLine + strings.Count(s.Run[:m[0]], "\n")
						out = append(out, rule.New(id, rule.False, loc(pl.Path, l), "a secret is written to the build log in job %q: %s", j.ID, firstLine(s.Run[m[0]:m[1]])))
						break find
					}
				}
			}
			for _, s := range j.Steps {
				for k, v := range s.With {
					if dumpSecret.MatchString(v) {
						out = append(out, rule.New(id, rule.False, loc(pl.Path, s.Line), "input %s receives every secret (toJSON(secrets)) in job %q", k, j.ID))
					}
				}
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	if scripts == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no CI scripts")}
	}
	return []rule.Finding{rule.New(id, rule.True, evidence.Location{}, "none of %d CI scripts writes a secret to the log", scripts)}
}

// ---- cloud credentials ----

type cloudLogin struct {
	action   string
	oidc     []string // inputs that mean OIDC federation
	longLive []string // inputs that carry a stored key
}

var cloudLogins = []cloudLogin{
	{"aws-actions/configure-aws-credentials", []string{"role-to-assume"}, []string{"aws-access-key-id", "aws-secret-access-key"}},
	{"google-github-actions/auth", []string{"workload_identity_provider"}, []string{"credentials_json"}},
	{"azure/login", []string{"client-id"}, []string{"creds"}},
	{"hashicorp/vault-action", []string{"jwtgithubaudience", "role"}, []string{"token", "secretid"}},
}

var keyEnv = lazyre.New(`^(?:AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|GOOGLE_APPLICATION_CREDENTIALS|GCP_SA_KEY|AZURE_CLIENT_SECRET|ARM_CLIENT_SECRET)$`)

func cloudCredentialsUseOIDC(ev *evidence.Set) []rule.Finding {
	const id = CloudCredentialsUseOIDC
	var out []rule.Finding
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		pl := it.Fact
		for _, j := range pl.Jobs {
			p := pl.Path
			if j.File != "" {
				p = j.File
			}
			if pl.System == evidence.CIGitLab && j.Permissions != nil && j.Permissions.Scopes["id-token"] == "write" {
				out = append(out, rule.New(id, rule.True, loc(p, j.Permissions.Line), "job %q requests OIDC id_tokens", j.ID))
			}
			for _, s := range j.Steps {
				name := strings.ToLower(evidence.ActionName(s.Uses))
				for _, cl := range cloudLogins {
					if name != cl.action {
						continue
					}
					switch {
					case hasAny(s.With, cl.longLive):
						out = append(out, rule.New(id, rule.False, loc(p, s.Line), "%s logs in with a stored long-lived credential in job %q", cl.action, j.ID))
					case hasAny(s.With, cl.oidc):
						out = append(out, rule.New(id, rule.True, loc(p, s.Line), "%s logs in through OIDC federation in job %q", cl.action, j.ID))
					}
				}
				for k, v := range s.Env {
					if keyEnv.MatchString(k) && strings.Contains(v, "secrets.") {
						out = append(out, rule.New(id, rule.False, loc(p, s.Line), "step in job %q passes a stored cloud key (%s) from secrets", j.ID, k))
					}
				}
			}
		}
	}
	if len(out) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no cloud provider login found in CI")}
	}
	return out
}

func hasAny(m map[string]string, keys []string) bool {
	for _, k := range keys {
		if v, ok := m[k]; ok && v != "" {
			return true
		}
	}
	return false
}

// otherCISystems names the CI systems found other than GitHub Actions and
// GitLab CI, whose token scopes live in the service's settings.
func otherCISystems(ev *evidence.Set) []string {
	scan, _ := evidence.First[evidence.CIScan](ev)
	var out []string
	for _, f := range scan.Fact.Files {
		if f.System == evidence.CIGitHubActions || f.System == evidence.CIGitHubComposite || f.System == evidence.CIGitLab {
			continue
		}
		name := systemName(f.System)
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}
