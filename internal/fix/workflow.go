package fix

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/rule/ci"
)

// maxWorkflow bounds the workflow text a fixer edits; larger files are
// left alone rather than parsed.
const maxWorkflow = 1 << 20

// doc is a parsed workflow kept beside its lines, so edits can be made as
// text at the positions yaml.v3 reports and every untouched line stays
// byte-for-byte the same.
type doc struct {
	lines []string // with line endings
	nl    string
	root  *yaml.Node
}

func parseDoc(data []byte) (*doc, error) {
	if len(data) > maxWorkflow {
		return nil, fmt.Errorf("workflow is larger than %d bytes", maxWorkflow)
	}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, err
	}
	if n.Kind != yaml.DocumentNode || len(n.Content) != 1 || n.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("workflow is not a mapping")
	}
	d := &doc{lines: splitLines(string(data)), nl: "\n", root: n.Content[0]}
	if len(d.lines) > 0 && strings.HasSuffix(d.lines[0], "\r\n") {
		d.nl = "\r\n"
	}
	return d, nil
}

// get returns the key and value nodes of key in mapping m.
func get(m *yaml.Node, key string) (k, v *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// job is one job of the workflow with its nodes.
type job struct {
	id   string
	key  *yaml.Node
	node *yaml.Node
}

func (d *doc) jobs() []job {
	_, js := get(d.root, "jobs")
	if js == nil || js.Kind != yaml.MappingNode {
		return nil
	}
	var out []job
	for i := 0; i+1 < len(js.Content); i += 2 {
		// Flow-style jobs ({runs-on: x, steps: [...]}) have no lines to
		// insert between; they are left alone.
		if n := js.Content[i+1]; n.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle == 0 && len(n.Content) > 0 && n.Content[0].Line > js.Content[i].Line {
			out = append(out, job{id: js.Content[i].Value, key: js.Content[i], node: js.Content[i+1]})
		}
	}
	return out
}

func steps(j *yaml.Node) []*yaml.Node {
	_, s := get(j, "steps")
	if s == nil || s.Kind != yaml.SequenceNode || s.Style&yaml.FlowStyle != 0 {
		return nil
	}
	var out []*yaml.Node
	for _, st := range s.Content {
		if st.Kind == yaml.MappingNode && st.Style&yaml.FlowStyle == 0 {
			out = append(out, st)
		}
	}
	return out
}

func str(m *yaml.Node, key string) string {
	if _, v := get(m, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// edit is an insertion after a line (0-based index; -1 inserts at the
// top) or a replacement of one line.
type edit struct {
	after   int
	replace bool
	text    []string
}

func (d *doc) apply(edits []edit) []byte {
	// Stable by position so several inserts after one line keep their
	// order; replacements are applied in place first.
	lines := slices.Clone(d.lines)
	for _, e := range edits {
		if e.replace {
			lines[e.after] = strings.Join(e.text, "")
		}
	}
	ins := map[int][]string{}
	for _, e := range edits {
		if !e.replace {
			ins[e.after] = append(ins[e.after], e.text...)
		}
	}
	var b strings.Builder
	b.WriteString(strings.Join(ins[-1], ""))
	for i, l := range lines {
		if i == len(lines)-1 && !strings.HasSuffix(l, "\n") && len(ins[i]) > 0 {
			l += d.nl
		}
		b.WriteString(l)
		b.WriteString(strings.Join(ins[i], ""))
	}
	return []byte(b.String())
}

// indentOf counts leading spaces.
func indentOf(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }

func blank(l string) bool { return strings.TrimSpace(l) == "" }

// valueEnd returns the 0-based index of the last line of the value of a
// key at 1-based line and column: the key line and every following line
// indented deeper than the key (blank lines inside count, trailing blank
// lines and comments at the key's depth or less do not).
func (d *doc) valueEnd(k *yaml.Node) int {
	col := k.Column - 1
	end := k.Line - 1
	for i := k.Line; i < len(d.lines); i++ {
		l := d.lines[i]
		if blank(l) {
			continue
		}
		if indentOf(l) <= col {
			break
		}
		end = i
	}
	return end
}

// childIndent is the column of the first key of a block mapping value,
// or the key's column plus two.
func childIndent(k, v *yaml.Node) int {
	if v != nil && v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 {
		return v.Content[0].Column - 1
	}
	return k.Column - 1 + 2
}

func (d *doc) line(indent int, s string) string { return strings.Repeat(" ", indent) + s + d.nl }

// ---- what a job does ----

var (
	gitPush       = lazyre.New(`\bgit\s+(?:-\S+\s+)*push\b|\bgh\s+release\s+(?:create|upload|edit)\b|\bgh\s+pr\s+(?:create|merge)\b|\bgoreleaser\b[^\n]*\brelease\b`)
	pushActions   = []string{"softprops/action-gh-release", "ncipollo/release-action", "goreleaser/goreleaser-action", "stefanzweifel/git-auto-commit-action", "endbug/add-and-commit", "peter-evans/create-pull-request", "ad-m/github-push-action", "actions/create-release", "actions/upload-release-asset", "googleapis/release-please-action", "google-github-actions/release-please-action", "changesets/action", "release-drafter/release-drafter", "crazy-max/ghaction-github-pages", "peaceiris/actions-gh-pages", "jamesives/github-pages-deploy-action"}
	prActions     = []string{"peter-evans/create-pull-request", "googleapis/release-please-action", "google-github-actions/release-please-action", "changesets/action", "release-drafter/release-drafter", "actions/labeler", "peter-evans/create-or-update-comment", "marocchino/sticky-pull-request-comment", "thollander/actions-comment-pull-request"}
	oidcActions   = []string{"actions/attest", "actions/attest-build-provenance", "actions/attest-sbom", "sigstore/cosign-installer", "aws-actions/configure-aws-credentials", "google-github-actions/auth", "azure/login", "pypa/gh-action-pypi-publish", "ossf/scorecard-action", "sigstore/gh-action-sigstore-python", "rust-lang/crates-io-auth-action"}
	attestActions = []string{"actions/attest", "actions/attest-build-provenance", "actions/attest-sbom"}
	sarifActions  = []string{"github/codeql-action/upload-sarif", "github/codeql-action/analyze", "github/codeql-action/init", "ossf/scorecard-action", "zizmorcore/zizmor-action"}
	pagesActions  = []string{"actions/deploy-pages"}
	issueActions  = []string{"actions/stale", "actions/labeler", "peter-evans/create-or-update-comment", "dessant/lock-threads"}
	ghPR          = lazyre.New(`\bgh\s+pr\s+(?:create|merge|comment|review|edit)\b`)
	pushWord      = lazyre.New(`\bpush\b`)
	ghcrPush      = lazyre.New(`(?i)\b(?:docker|podman)\s+(?:image\s+)?push\s+["']?ghcr\.io/|ghcr\.io`)
	// Signing keylessly and publishing through trusted publishing mint an
	// OIDC token.
	cosignSign = lazyre.New(`\bcosign\s+(?:sign|attest)(?:-blob)?\b|\buv\s+publish\b(?:[^\n]*--trusted-publishing)?`)
)

// actionOf is the lower-case action name of a uses: value.
func actionOf(uses string) string { return strings.ToLower(evidence.ActionName(uses)) }

// needs derives the token scopes a job needs beyond contents: read from its
// steps: what it pushes, releases, signs and uploads. The answer is a
// starting point for a person to check, and each grant names why.
func needs(j *yaml.Node) map[string]string {
	out := map[string]string{}
	why := func(scope string) { out[scope] = "write" }
	usesGHCR := false
	for _, s := range steps(j) {
		a := actionOf(str(s, "uses"))
		run := str(s, "run")
		if slices.Contains(pushActions, a) || gitPush.MatchString(run) {
			why("contents")
		}
		if slices.Contains(prActions, a) || ghPR.MatchString(run) {
			why("pull-requests")
		}
		if slices.Contains(oidcActions, a) || cosignSign.MatchString(run) {
			why("id-token")
		}
		if slices.Contains(attestActions, a) {
			why("attestations")
		}
		if slices.Contains(sarifActions, a) {
			why("security-events")
		}
		if slices.Contains(pagesActions, a) {
			why("pages")
			why("id-token")
		}
		if slices.Contains(issueActions, a) {
			why("issues")
		}
		if a == "docker/login-action" {
			_, with := get(s, "with")
			if strings.Contains(strings.ToLower(str(with, "registry")), "ghcr.io") {
				usesGHCR = true
			}
		}
		if ghcrPush.MatchString(run) && pushWord.MatchString(run) {
			usesGHCR = true
		}
	}
	if usesGHCR {
		why("packages")
	}
	return out
}

// pushes reports whether a job writes to the repository with the checkout's
// credentials (git push, commit and release actions).
func pushes(j *yaml.Node) bool {
	for _, s := range steps(j) {
		if slices.Contains(pushActions, actionOf(str(s, "uses"))) || gitPush.MatchString(str(s, "run")) {
			return true
		}
	}
	return false
}

// ---- job-level permissions ----

// JobPermissions gives each job without a permissions: block of its own the
// write scopes its steps need (contents for pushes and releases, id-token
// for OIDC signing and cloud login, security-events for SARIF uploads, ...)
// with contents: read kept, since a job block replaces the workflow's. Jobs
// that need nothing more than read are left to the top-level block. It
// only edits workflows whose top level is read-only or absent: with a
// broader top-level block the jobs already get what they need.
func JobPermissions(p string, data []byte) (Change, bool, error) {
	d, err := parseDoc(data)
	if err != nil {
		return Change{}, false, fmt.Errorf("%s: %w", p, err)
	}
	if _, top := get(d.root, "permissions"); top != nil && !readOnly(top) {
		return Change{}, false, nil
	}
	var edits []edit
	var notes []string
	for _, j := range d.jobs() {
		if k, _ := get(j.node, "permissions"); k != nil {
			continue
		}
		n := needs(j.node)
		if str(j.node, "uses") != "" {
			notes = append(notes, fmt.Sprintf("job %q calls a reusable workflow; grant the permissions it needs on the job", j.id))
			continue
		}
		if len(n) == 0 {
			continue
		}
		if _, ok := n["contents"]; !ok {
			n["contents"] = "read"
		}
		indent := j.node.Content[0].Column - 1
		block := []string{d.line(indent, "permissions:")}
		scopes := make([]string, 0, len(n))
		for s := range n {
			scopes = append(scopes, s)
		}
		sort.Strings(scopes)
		for _, s := range scopes {
			block = append(block, d.line(indent+2, s+": "+n[s]))
		}
		// Before the job's first key, so it sits at the top of the job.
		edits = append(edits, edit{after: j.node.Content[0].Line - 2, text: block})
		notes = append(notes, fmt.Sprintf("job %q was given %s from what its steps do; check it needs no more", j.id, strings.Join(grants(n), ", ")))
	}
	if len(edits) == 0 {
		return Change{Path: p, Notes: notes}, false, nil
	}
	keepComments(d, edits)
	return Change{Path: p, Old: data, New: d.apply(edits), Reason: "jobs that write with the token get job-level grants, so the workflow's top level can stay read-only", Notes: notes}, true, nil
}

// keepComments moves each insertion above the comment lines directly
// preceding the key it was placed before, so a comment stays with its key.
func keepComments(d *doc, edits []edit) {
	for i := range edits {
		for edits[i].after >= 0 && strings.HasPrefix(strings.TrimSpace(d.lines[edits[i].after]), "#") {
			edits[i].after--
		}
	}
}

func grants(n map[string]string) []string {
	var out []string
	for s, v := range n {
		if v == "write" {
			out = append(out, s+": write")
		}
	}
	sort.Strings(out)
	return out
}

// readOnly reports whether a permissions value grants no write scope.
func readOnly(v *yaml.Node) bool {
	switch v.Kind {
	case yaml.ScalarNode:
		return v.Value == "read-all" || v.Value == ""
	case yaml.MappingNode:
		for i := 1; i < len(v.Content); i += 2 {
			if v.Content[i].Value == "write" {
				return false
			}
		}
		return true
	}
	return false
}

// ---- persist-credentials ----

// PersistCredentials sets persist-credentials: false on actions/checkout
// steps of jobs that do not push, so the token is not left in .git/config
// for every later step (and any artefact that uploads the checkout) to
// read. Checkouts that set persist-credentials already are left alone.
func PersistCredentials(p string, data []byte) (Change, bool, error) {
	d, err := parseDoc(data)
	if err != nil {
		return Change{}, false, fmt.Errorf("%s: %w", p, err)
	}
	var edits []edit
	var notes []string
	n := 0
	for _, j := range d.jobs() {
		if pushes(j.node) {
			continue
		}
		for _, s := range steps(j.node) {
			if actionOf(str(s, "uses")) != "actions/checkout" {
				continue
			}
			wk, with := get(s, "with")
			if with != nil && with.Kind == yaml.ScalarNode && with.Tag == "!!null" {
				// with: written with nothing under it.
				edits = append(edits, edit{after: wk.Line - 1, text: []string{d.line(wk.Column-1+2, "persist-credentials: false")}})
				n++
				continue
			}
			if with != nil {
				if k, _ := get(with, "persist-credentials"); k != nil {
					continue
				}
				if with.Kind != yaml.MappingNode || with.Style&yaml.FlowStyle != 0 || len(with.Content) == 0 {
					notes = append(notes, fmt.Sprintf("line %d: checkout's with: is not a block mapping; add persist-credentials: false by hand", wk.Line))
					continue
				}
				edits = append(edits, edit{after: wk.Line - 1, text: []string{d.line(childIndent(wk, with), "persist-credentials: false")}})
				n++
				continue
			}
			uk, _ := get(s, "uses")
			end := d.valueEnd(uk)
			col := uk.Column - 1
			edits = append(edits, edit{after: end, text: []string{d.line(col, "with:"), d.line(col+2, "persist-credentials: false")}})
			n++
		}
	}
	if len(edits) == 0 {
		return Change{Path: p, Notes: notes}, false, nil
	}
	notes = append(notes, "a later step that runs git with the checkout's credentials (git fetch of a private submodule, git push) needs them passed explicitly now")
	return Change{Path: p, Old: data, New: d.apply(edits), Reason: fmt.Sprintf("%d checkouts in jobs that do not push kept the token in .git/config", n), Notes: notes}, true, nil
}

// ---- script injection ----

var exprRe = lazyre.New(`\$\{\{(.*?)\}\}`)

// Injection rewrites run: scripts that expand attacker-controlled contexts
// (the same classification noScriptInjection uses) to read them from
// environment variables set in the step's env:, so the value is data to
// the shell, never code. Only bash/sh (and pwsh) scripts written as plain
// or literal block scalars are edited; quoted or folded scripts are named
// in the notes for a person.
func Injection(p string, data []byte) (Change, bool, error) {
	d, err := parseDoc(data)
	if err != nil {
		return Change{}, false, fmt.Errorf("%s: %w", p, err)
	}
	var edits []edit
	var notes []string
	n := 0
	for _, j := range d.jobs() {
		_, defaults := get(j.node, "defaults")
		_, drun := get(defaults, "run")
		jobShell := str(drun, "shell")
		for _, s := range steps(j.node) {
			es, note, hits := injectionStep(d, s, jobShell)
			if note != "" {
				notes = append(notes, note)
			}
			edits = append(edits, es...)
			n += hits
		}
	}
	if len(edits) == 0 {
		return Change{Path: p, Notes: notes}, false, nil
	}
	return Change{Path: p, Old: data, New: d.apply(edits), Reason: fmt.Sprintf("%d attacker-controlled expressions were expanded into scripts; they are read from env: now", n), Notes: notes}, true, nil
}

// injectionStep rewrites one step's run: script to read attacker-controlled
// expressions from env:, and returns the edits, or a note for a person when
// the script cannot be edited safely, and how many expressions it moved.
func injectionStep(d *doc, s *yaml.Node, jobShell string) ([]edit, string, int) {
	rk, rv := get(s, "run")
	if rv == nil || rv.Kind != yaml.ScalarNode {
		return nil, "", 0
	}
	var hits []injectionHit
	for _, m := range exprRe.FindAllStringSubmatch(rv.Value, -1) {
		if c := ci.AttackerControlled(m[1]); c != "" {
			hits = append(hits, injectionHit{expr: m[0], name: envName(c)})
		}
	}
	if len(hits) == 0 {
		return nil, "", 0
	}
	shell := strings.ToLower(str(s, "shell"))
	if shell == "" {
		shell = strings.ToLower(jobShell)
	}
	pwsh := shell == "pwsh" || shell == "powershell"
	if shell != "" && !pwsh && !strings.HasPrefix(shell, "bash") && !strings.HasPrefix(shell, "sh") {
		return nil, fmt.Sprintf("line %d: the script runs in %s; pass %s through env: by hand", rk.Line, shell, hits[0].expr), 0
	}
	if rv.Style != 0 && rv.Style != yaml.LiteralStyle {
		return nil, fmt.Sprintf("line %d: the script is a quoted or folded YAML string; pass %s through env: by hand", rk.Line, hits[0].expr), 0
	}
	ek, ev := get(s, "env")
	if ev != nil && (ev.Kind != yaml.MappingNode || ev.Style&yaml.FlowStyle != 0) {
		return nil, fmt.Sprintf("line %d: the step's env: is not a block mapping; pass %s through env: by hand", ek.Line, hits[0].expr), 0
	}
	names, add := envNames(ev, hits)
	// The script's lines: the run: line itself for a plain
	// scalar, the block's lines for a literal one.
	first, last := rk.Line-1, d.valueEnd(rk)
	if rv.Style == yaml.LiteralStyle {
		first = rk.Line
	}
	use := map[string]string{}
	for _, h := range hits {
		use[h.expr] = names[h.expr]
	}
	q := quoteNone
	var lineEdits []edit
	for i := first; i <= last; i++ {
		l := d.lines[i]
		start := 0
		if i == rk.Line-1 {
			start = rv.Column - 1
		}
		nl, nq := rewriteLine(l[start:], q, use, pwsh)
		q = nq
		if l[start:] != nl {
			lineEdits = append(lineEdits, edit{after: i, replace: true, text: []string{l[:start] + nl}})
		}
	}
	// A plain scalar that would now start with a quote becomes a
	// quoted YAML string with trailing text: not valid YAML.
	if rv.Style == 0 && len(lineEdits) > 0 && lineEdits[0].after == rk.Line-1 {
		if t := lineEdits[0].text[0][rv.Column-1:]; strings.HasPrefix(t, `"`) || strings.HasPrefix(t, "'") {
			return nil, fmt.Sprintf("line %d: the script starts with %s; write it as a run: | block, or pass it through env: by hand", rk.Line, hits[0].expr), 0
		}
	}
	edits := lineEdits
	edits = append(edits, d.envEdits(rk, ek, ev, add, last)...)
	return edits, "", len(hits)
}

// injectionHit is one attacker-controlled expression in a script and the
// variable name it would get.
type injectionHit struct{ expr, name string }

// envNames names a variable for each expression: one that already holds
// it in env:, else one the step does not use; add are the env: entries to
// write.
func envNames(ev *yaml.Node, hits []injectionHit) (names map[string]string, add []string) {
	names = map[string]string{} // expression -> variable
	taken := map[string]bool{}
	if ev != nil {
		for i := 0; i+1 < len(ev.Content); i += 2 {
			taken[ev.Content[i].Value] = true
			names[strings.TrimSpace(ev.Content[i+1].Value)] = ev.Content[i].Value
		}
	}
	for _, h := range hits {
		if _, ok := names[h.expr]; ok {
			continue
		}
		name := h.name
		for i := 2; taken[name]; i++ {
			name = fmt.Sprintf("%s_%d", h.name, i)
		}
		taken[name] = true
		names[h.expr] = name
		add = append(add, name+": "+h.expr)
	}
	return names, add
}

// envEdits adds the env: entries to the step's env: mapping, or a new env:
// after the script.
func (d *doc) envEdits(rk, ek, ev *yaml.Node, add []string, last int) []edit {
	if len(add) == 0 {
		return nil
	}
	if ev != nil {
		ind := childIndent(ek, ev)
		var text []string
		for _, a := range add {
			text = append(text, d.line(ind, a))
		}
		return []edit{{after: d.valueEnd(ek), text: text}}
	}
	col := rk.Column - 1
	text := []string{d.line(col, "env:")}
	for _, a := range add {
		text = append(text, d.line(col+2, a))
	}
	return []edit{{after: last, text: text}}
}

const (
	quoteNone = iota
	quoteSingle
	quoteDouble
)

// rewriteLine replaces the expressions in names with the shell variable,
// quoted for where it stands: "${X}" outside quotes, ${X} inside double
// quotes, '"${X}"' inside single quotes (which do not expand). q is the
// quoting state at the start of the line, returned for the next.
func rewriteLine(l string, q int, names map[string]string, pwsh bool) (string, int) {
	var b strings.Builder
	for i := 0; i < len(l); {
		if strings.HasPrefix(l[i:], "${{") {
			if end := strings.Index(l[i:], "}}"); end > 0 {
				e := l[i : i+end+2]
				if v, ok := names[e]; ok {
					b.WriteString(shellRef(v, q, pwsh))
					i += end + 2
					continue
				}
			}
		}
		c := l[i]
		switch {
		case c == '\\' && q != quoteSingle && i+1 < len(l):
			b.WriteString(l[i : i+2])
			i += 2
			continue
		case c == '\'' && q == quoteNone:
			q = quoteSingle
		case c == '\'' && q == quoteSingle:
			q = quoteNone
		case c == '"' && q == quoteNone:
			q = quoteDouble
		case c == '"' && q == quoteDouble:
			q = quoteNone
		case c == '#' && q == quoteNone && (i == 0 || l[i-1] == ' ' || l[i-1] == '\t'):
			// A shell comment: the rest of the line is not code, but an
			// expression in it is still expanded by the runner.
			rest := l[i:]
			for e, v := range names {
				rest = strings.ReplaceAll(rest, e, "$"+v)
			}
			b.WriteString(rest)
			return b.String(), q
		}
		b.WriteByte(c)
		i++
	}
	return b.String(), q
}

func shellRef(v string, q int, pwsh bool) string {
	if pwsh {
		if q == quoteSingle {
			return "'+$env:" + v + "+'"
		}
		return "$env:" + v
	}
	switch q {
	case quoteDouble:
		return "${" + v + "}"
	case quoteSingle:
		return `'"${` + v + `}"'`
	}
	return `"${` + v + `}"`
}

var nonWord = lazyre.New(`[^A-Za-z0-9]+`)

// envName names the variable after the context's last two parts:
// github.event.issue.title -> ISSUE_TITLE.
func envName(ctx string) string {
	ctx = strings.TrimPrefix(strings.TrimPrefix(ctx, "github.event."), "github.")
	parts := strings.FieldsFunc(nonWord.ReplaceAllString(ctx, "."), func(r rune) bool { return r == '.' })
	if len(parts) > 2 {
		parts = parts[len(parts)-2:]
	}
	if len(parts) == 0 {
		return "UNTRUSTED"
	}
	return strings.ToUpper(strings.Join(parts, "_"))
}

// ---- one pass ----

// Workflow applies the workflow fixers in order (top-level permissions,
// job grants, persist-credentials, injection, pinning when pins is not
// nil) and returns one change for the file.
func Workflow(p string, data []byte, pins Resolver) (Change, bool, error) {
	out := Change{Path: p, Old: data, New: data}
	var reasons []string
	steps := []func(string, []byte) (Change, bool, error){Permissions, JobPermissions, PersistCredentials, Injection}
	if pins != nil {
		steps = append(steps, func(p string, b []byte) (Change, bool, error) { return Pin(p, b, pins) })
	}
	for i, f := range steps {
		c, ok, err := f(p, out.New)
		if err != nil {
			return Change{}, false, err
		}
		// Permissions' own notes ask a person to grant what jobs need;
		// JobPermissions, next, does that and says what it granted.
		if i > 0 {
			out.Notes = append(out.Notes, c.Notes...)
		}
		if ok {
			out.New = c.New
			reasons = append(reasons, c.Reason)
		}
	}
	if bytes.Equal(out.New, data) {
		return Change{Path: p, Notes: out.Notes}, false, nil
	}
	out.Reason = strings.Join(reasons, "; ")
	return out, true, nil
}
