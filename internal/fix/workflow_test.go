package fix

import (
	"crypto/sha1"
	"encoding/hex"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/parse/ghactions"
	"github.com/assaysec/assay/internal/rule"
	"github.com/assaysec/assay/internal/rule/ci"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fakeSHA resolves every ref to a stable fake SHA, so the corpus test
// exercises pinning on every reference without the network.
func fakeSHA(repo, ref string) (string, bool, error) {
	h := sha1.Sum([]byte(repo + "@" + ref))
	return hex.EncodeToString(h[:]), true, nil
}

// evaluate runs the CI rules the workflow fixers answer over one workflow.
func evaluate(t *testing.T, p string, data []byte) map[string][]rule.Finding {
	t.Helper()
	pl, err := ghactions.ParseWorkflow(p, data)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	rs, err := ci.Rules()
	if err != nil {
		t.Fatal(err)
	}
	ev := evidence.NewSet(evidence.Record{Fact: pl})
	out := map[string][]rule.Finding{}
	for _, r := range rs {
		id := r.Meta().ID
		switch id {
		case "workflowPermissionsLeastPrivilege", "ciActionsPinned", "noScriptInjection":
			out[id] = r.Evaluate(ev)
		}
	}
	return out
}

func failing(fs []rule.Finding) []string {
	var out []string
	for _, f := range fs {
		if f.Outcome == rule.False {
			out = append(out, f.Message)
		}
	}
	return out
}

// subsequence reports whether every line of a that the fixers may not
// rewrite appears in b, in order: untouched lines survive byte for byte.
func lostLines(a, b []byte) []string {
	bl := splitLines(string(b))
	j := 0
	var lost []string
	for _, l := range splitLines(string(a)) {
		if strings.Contains(l, "${{") || strings.Contains(l, "uses:") || strings.Contains(l, "run:") {
			continue
		}
		k := j
		for k < len(bl) && bl[k] != l {
			k++
		}
		if k == len(bl) {
			lost = append(lost, l)
			continue
		}
		j = k + 1
	}
	return lost
}

func TestWorkflowOnRealCorpus(t *testing.T) {
	grantsWanted, grantsFound := 0, 0
	var grantsExtra []string
	files, _ := filepath.Glob(filepath.Join(corpus, "*", "*.y*ml"))
	if len(files) == 0 {
		t.Skip("no workflow corpus at " + corpus)
	}
	changed := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := unharden(data)
		if _, err := ghactions.ParseWorkflow(f, src); err != nil {
			continue
		}
		name := filepath.Base(filepath.Dir(f)) + "/" + filepath.Base(f)
		orig := writeGrants(t, data)
		t.Run(name, func(t *testing.T) {
			const p = ".github/workflows/x.yml"
			c, ok, err := Workflow(p, src, fakeSHA)
			if err != nil {
				t.Fatalf("Workflow: %v", err)
			}
			got := src
			if ok {
				changed++
				got = c.New
			}
			golden := filepath.Join("testdata", "workflows", name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("golden (run with -update): %v", err)
			}
			if d := cmp.Diff(string(want), string(got)); d != "" {
				t.Errorf("fixed workflow differs from %s (-want +got):\n%s", golden, d)
			}
			if lost := lostLines(src, got); len(lost) > 0 {
				t.Errorf("untouched lines changed or lost: %q", lost)
			}
			if _, again, err := Workflow(p, got, fakeSHA); again || err != nil {
				t.Errorf("second run: changed=%v err=%v", again, err)
			}
			// Measure how many of the write grants the maintainers gave
			// their jobs the derivation finds again.
			fixed := writeGrants(t, got)
			for k := range orig {
				grantsWanted++
				if fixed[k] {
					grantsFound++
				}
			}
			for k := range fixed {
				if !orig[k] {
					grantsExtra = append(grantsExtra, name+":"+k)
				}
			}
			res := evaluate(t, p, got)
			if bad := failing(res["ciActionsPinned"]); len(bad) > 0 {
				t.Errorf("ciActionsPinned still fails: %q", bad)
			}
			for _, m := range failing(res["workflowPermissionsLeastPrivilege"]) {
				if strings.Contains(m, "no top-level permissions") {
					t.Errorf("permissions still fail: %s", m)
				}
			}
			// Injection the fixer could not edit is named in its notes.
			if bad := failing(res["noScriptInjection"]); len(bad) > 0 && !strings.Contains(strings.Join(c.Notes, "\n"), "by hand") {
				t.Errorf("noScriptInjection still fails with no note: %q", bad)
			}
		})
	}
	if changed == 0 {
		t.Error("no corpus workflow was changed; the test proves nothing")
	}
	t.Logf("%d of %d workflows changed; job write grants found again: %d of %d; grants the maintainers did not give: %q", changed, len(files), grantsFound, grantsWanted, grantsExtra)
}

var (
	persistFalse = regexp.MustCompile(`(?m)^[ \t]+persist-credentials:\s*false\b.*\n`)
	pinnedTag    = regexp.MustCompile(`@[0-9a-f]{40}\s*#\s*(v[\w.\-]+)[^\n]*`)
	jobPerms     = regexp.MustCompile(`(?m)^(    )permissions:.*\n(?:    [ \t]+.*\n|[ \t]*#.*\n)*`)
)

// unharden undoes what the fixers do on a real, hardened workflow: drops
// the top-level and job permissions blocks and persist-credentials: false,
// and turns SHA pins with a tag comment back into tags.
func unharden(data []byte) []byte {
	data = topPermissions.ReplaceAll(data, nil)
	data = jobPerms.ReplaceAll(data, nil)
	data = persistFalse.ReplaceAll(data, nil)
	return pinnedTag.ReplaceAll(data, []byte("@$1"))
}

// writeGrants lists job:scope for every write grant of a workflow's jobs.
func writeGrants(t *testing.T, data []byte) map[string]bool {
	t.Helper()
	pl, err := ghactions.ParseWorkflow("w.yml", data)
	if err != nil {
		return nil
	}
	out := map[string]bool{}
	for _, j := range pl.Jobs {
		if j.Permissions == nil {
			continue
		}
		for s, v := range j.Permissions.Scopes {
			if v == "write" {
				out[j.ID+":"+s] = true
			}
		}
	}
	return out
}

func TestInjectionOnCorpusFixtures(t *testing.T) {
	files, _ := filepath.Glob("../../../shared/corpus/workflows/scorecard/checks/*script-injection*.yml")
	if len(files) == 0 {
		t.Skip("no scorecard corpus")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			before := failing(evaluate(t, "w.yml", data)["noScriptInjection"])
			c, ok, err := Injection("w.yml", data)
			if err != nil {
				t.Fatal(err)
			}
			if len(before) == 0 {
				if ok {
					t.Errorf("changed a workflow the rule passes:\n%s", Diff(c))
				}
				return
			}
			if !ok {
				t.Fatalf("rule fails (%q) but fixer proposes nothing; notes %q", before, c.Notes)
			}
			if after := failing(evaluate(t, "w.yml", c.New)["noScriptInjection"]); len(after) > 0 {
				t.Errorf("still failing after fix: %q\n%s", after, Diff(c))
			}
			if _, again, _ := Injection("w.yml", c.New); again {
				t.Error("second run changes the file")
			}
		})
	}
}

func TestFixers(t *testing.T) {
	pins := Pins{"actions/checkout@v4": strings.Repeat("a", 40), "docker/login-action@v3": strings.Repeat("b", 40), "github/codeql-action@v3": strings.Repeat("c", 40)}
	tests := []struct {
		name string
		fix  func(string, []byte) (Change, bool, error)
		in   string
		want string // "" when nothing changes
		note string // a substring of a note, when one is expected
	}{
		{
			name: "injection outside quotes, in double and in single quotes",
			fix:  Injection,
			in: `on: issues
jobs:
  a:
    runs-on: x
    steps:
      - run: |
          echo ${{ github.event.issue.title }}
          echo "t: ${{ github.event.issue.title }}"
          echo 'b: ${{ github.event.issue.body }}' # ${{ github.event.issue.body }}
`,
			want: `on: issues
jobs:
  a:
    runs-on: x
    steps:
      - run: |
          echo "${ISSUE_TITLE}"
          echo "t: ${ISSUE_TITLE}"
          echo 'b: '"${ISSUE_BODY}"'' # $ISSUE_BODY
        env:
          ISSUE_TITLE: ${{ github.event.issue.title }}
          ISSUE_BODY: ${{ github.event.issue.body }}
`,
		},
		{
			name: "injection in a YAML-quoted script is left with a note",
			fix:  Injection,
			in: `on: pull_request_target
jobs:
  a:
    runs-on: x
    steps:
      - name: t
        env:
          # keep me
          T: ${{ github.event.pull_request.title }}
          HEAD_REF: other
        run: "echo ${{ github.event.pull_request.title }}"
`,
			note: "quoted or folded",
		},
		{
			name: "injection joins an existing env, reuses a variable holding the expression, leaves trusted ones",
			fix:  Injection,
			in: `on: pull_request_target
jobs:
  a:
    runs-on: x
    steps:
      - name: t
        env:
          # keep me
          T: ${{ github.event.pull_request.title }}
          HEAD_REF: other
        run: echo ${{ github.event.pull_request.title }} ${{ github.head_ref }} ${{ github.sha }}
        shell: bash
`,
			want: `on: pull_request_target
jobs:
  a:
    runs-on: x
    steps:
      - name: t
        env:
          # keep me
          T: ${{ github.event.pull_request.title }}
          HEAD_REF: other
          HEAD_REF_2: ${{ github.head_ref }}
        run: echo "${T}" "${HEAD_REF_2}" ${{ github.sha }}
        shell: bash
`,
		},
		{
			name: "a plain script starting with the expression is left with a note",
			fix:  Injection,
			in: `on: pull_request_target
jobs:
  a:
    runs-on: x
    steps:
      - run: ${{ github.head_ref }} --x
`,
			note: "the script starts with",
		},
		{
			name: "flow-style jobs and steps are left alone",
			fix:  func(p string, b []byte) (Change, bool, error) { return Workflow(p, b, nil) },
			in: `on: issues
permissions: {contents: read}
jobs:
  a: {runs-on: x, steps: [{run: 'echo ${{ github.event.issue.title }}'}]}
  b:
    runs-on: x
    steps: [{uses: actions/checkout@v4}]
`,
		},
		{
			name: "injection in pwsh",
			fix:  Injection,
			in: `on: issues
jobs:
  a:
    runs-on: x
    steps:
      - shell: pwsh
        run: Write-Host "${{ github.event.issue.title }}"
`,
			want: `on: issues
jobs:
  a:
    runs-on: x
    steps:
      - shell: pwsh
        run: Write-Host "$env:ISSUE_TITLE"
        env:
          ISSUE_TITLE: ${{ github.event.issue.title }}
`,
		},
		{
			name: "injection in python is left with a note",
			fix:  Injection,
			in: `on: issues
jobs:
  a:
    runs-on: x
    steps:
      - shell: python
        run: print("${{ github.event.issue.title }}")
`,
			note: "runs in python",
		},
		{
			name: "persist-credentials without with, with with, and a pushing job left",
			fix:  PersistCredentials,
			in: `on: push
jobs:
  test:
    runs-on: x
    steps:
      - uses: actions/checkout@v4 # v4.1.1
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0 # all history
      - uses: actions/checkout@v4
        with:
          persist-credentials: true
  tag:
    runs-on: x
    steps:
      - uses: actions/checkout@v4
      - run: git push origin v1
`,
			want: `on: push
jobs:
  test:
    runs-on: x
    steps:
      - uses: actions/checkout@v4 # v4.1.1
        with:
          persist-credentials: false
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
          fetch-depth: 0 # all history
      - uses: actions/checkout@v4
        with:
          persist-credentials: true
  tag:
    runs-on: x
    steps:
      - uses: actions/checkout@v4
      - run: git push origin v1
`,
			note: "passed explicitly",
		},
		{
			name: "persist-credentials with a flow with: gets a note",
			fix:  PersistCredentials,
			in: `on: push
jobs:
  test:
    runs-on: x
    steps:
      - uses: actions/checkout@v4
        with: {fetch-depth: 0}
`,
			note: "not a block mapping",
		},
		{
			name: "job grants from what jobs do; read-only jobs left; top level kept",
			fix:  JobPermissions,
			in: `on: push
permissions:
  contents: read
jobs:
  test:
    runs-on: x
    steps:
      - run: go test ./...
  release:
    # publishes the release
    runs-on: x
    steps:
      - uses: goreleaser/goreleaser-action@v6
      - uses: actions/attest-build-provenance@v2
  scan:
    runs-on: x
    permissions:
      security-events: write
    steps:
      - uses: github/codeql-action/upload-sarif@v3
  sarif:
    runs-on: x
    steps:
      - uses: github/codeql-action/upload-sarif@v3
      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
`,
			want: `on: push
permissions:
  contents: read
jobs:
  test:
    runs-on: x
    steps:
      - run: go test ./...
  release:
    permissions:
      attestations: write
      contents: write
      id-token: write
    # publishes the release
    runs-on: x
    steps:
      - uses: goreleaser/goreleaser-action@v6
      - uses: actions/attest-build-provenance@v2
  scan:
    runs-on: x
    permissions:
      security-events: write
    steps:
      - uses: github/codeql-action/upload-sarif@v3
  sarif:
    permissions:
      contents: read
      packages: write
      security-events: write
    runs-on: x
    steps:
      - uses: github/codeql-action/upload-sarif@v3
      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
`,
			note: `job "release" was given attestations: write, contents: write, id-token: write`,
		},
		{
			name: "job grants left alone under a write-all top level",
			fix:  JobPermissions,
			in: `on: push
permissions: write-all
jobs:
  release:
    runs-on: x
    steps:
      - run: gh release create v1
`,
		},
		{
			name: "pinning keeps quotes and comments, names what it cannot resolve",
			fix:  func(p string, b []byte) (Change, bool, error) { return Pin(p, b, pins.Resolve) },
			in: `on: push
jobs:
  a:
    runs-on: x
    steps:
      - uses: actions/checkout@v4
      - uses: "docker/login-action@v3"   # log in
      - uses: github/codeql-action/init@v3
      - uses: ./local
      - uses: docker://alpine:3
      - uses: acme/thing@main
      - uses: actions/setup-go@` + strings.Repeat("d", 40) + ` # v5
  call:
    uses: acme/wf/.github/workflows/x.yml@v1
`,
			want: `on: push
jobs:
  a:
    runs-on: x
    steps:
      - uses: actions/checkout@` + strings.Repeat("a", 40) + ` # v4
      - uses: "docker/login-action@` + strings.Repeat("b", 40) + `"   # log in
      - uses: github/codeql-action/init@` + strings.Repeat("c", 40) + ` # v3
      - uses: ./local
      - uses: docker://alpine:3
      - uses: acme/thing@main
      - uses: actions/setup-go@` + strings.Repeat("d", 40) + ` # v5
  call:
    uses: acme/wf/.github/workflows/x.yml@v1
`,
			note: "could not resolve acme/thing@main (line 11)",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, ok, err := tc.fix("w.yml", []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if ok {
				got = string(c.New)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			if tc.note != "" && !strings.Contains(strings.Join(c.Notes, "\n"), tc.note) {
				t.Errorf("notes %q lack %q", c.Notes, tc.note)
			}
			if ok {
				if _, err := ghactions.ParseWorkflow("w.yml", c.New); err != nil {
					t.Errorf("result does not parse: %v", err)
				}
				if _, again, _ := tc.fix("w.yml", c.New); again {
					t.Error("a second run changes the file again")
				}
			}
		})
	}
}

func TestParsePins(t *testing.T) {
	good := "# pins\nactions/checkout@v4: " + strings.Repeat("a", 40) + "\ngithub/codeql-action/init@v3: " + strings.Repeat("b", 40) + "\n"
	ps, err := ParsePins("p.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(Pins{"actions/checkout@v4": strings.Repeat("a", 40), "github/codeql-action@v3": strings.Repeat("b", 40)}, ps); d != "" {
		t.Error(d)
	}
	for _, bad := range []string{"actions/checkout@v4: nope\n", "checkout@v4: " + strings.Repeat("a", 40) + "\n", "- a\n"} {
		if _, err := ParsePins("p.yaml", []byte(bad)); err == nil || !strings.Contains(err.Error(), "p.yaml") {
			t.Errorf("ParsePins(%q) = %v, want an error naming the file", bad, err)
		}
	}
}

// FuzzWorkflow feeds arbitrary text to the workflow editing entry point:
// it must never panic, and what it writes must parse and be a fixed point.
func FuzzWorkflow(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(corpus, "*", "*.y*ml"))
	for _, p := range files[:min(len(files), 8)] {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("on: issues\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo '${{ github.event.issue.title }}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, ok, err := Workflow("w.yml", data, fakeSHA)
		if err != nil || !ok {
			return
		}
		if _, err := parseDoc(c.New); err != nil {
			t.Fatalf("output does not parse: %v\n%s", err, c.New)
		}
		if c2, again, err := Workflow("w.yml", c.New, fakeSHA); again || err != nil {
			t.Fatalf("not a fixed point (err %v):\n%s", err, Diff(c2))
		}
	})
}

func TestWorkflowKeepsCRLF(t *testing.T) {
	src := "on: issues\r\n# hi\r\njobs:\r\n  a:\r\n    runs-on: x\r\n    steps:\r\n      - uses: actions/checkout@v4\r\n      - run: echo ${{ github.event.issue.title }}\r\n"
	want := "on: issues\r\npermissions:\r\n  contents: read\r\n\r\n# hi\r\njobs:\r\n  a:\r\n    runs-on: x\r\n    steps:\r\n      - uses: actions/checkout@" + strings.Repeat("a", 40) + " # v4\r\n        with:\r\n          persist-credentials: false\r\n      - run: echo \"${ISSUE_TITLE}\"\r\n        env:\r\n          ISSUE_TITLE: ${{ github.event.issue.title }}\r\n"
	pins := Pins{"actions/checkout@v4": strings.Repeat("a", 40)}
	c, ok, err := Workflow("w.yml", []byte(src), pins.Resolve)
	if err != nil || !ok {
		t.Fatalf("ok=%v err=%v", ok, err)
	}
	if d := cmp.Diff(want, string(c.New)); d != "" {
		t.Error(d)
	}
	if _, again, _ := Workflow("w.yml", c.New, pins.Resolve); again {
		t.Error("second run changes the file")
	}
}

// TestOnZizmorAudits runs the workflow fixers over zizmor's own test
// workflows for the findings they answer (artipacked is persist-credentials,
// template-injection is script injection, unpinned-uses is pinning): every
// output parses, keeps the untouched lines and is a fixed point.
func TestOnZizmorAudits(t *testing.T) {
	var files []string
	for _, a := range []string{"artipacked", "template-injection", "unpinned-uses"} {
		fs, _ := filepath.Glob(filepath.Join("../../../shared/corpus/workflows/zizmor/test-data", a, "*.yml"))
		files = append(files, fs...)
	}
	if len(files) == 0 {
		t.Skip("no zizmor corpus")
	}
	changed := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parseDoc(data); err != nil {
			continue
		}
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			c, ok, err := Workflow("w.yml", data, fakeSHA)
			if err != nil {
				// Files the workflow parser rejects are not fixed.
				t.Skipf("not fixable: %v", err)
			}
			if !ok {
				return
			}
			changed++
			if _, err := parseDoc(c.New); err != nil {
				t.Fatalf("output does not parse: %v\n%s", err, Diff(c))
			}
			if lost := lostLines(data, c.New); len(lost) > 0 {
				t.Errorf("untouched lines lost: %q", lost)
			}
			if _, again, err := Workflow("w.yml", c.New, fakeSHA); again || err != nil {
				t.Errorf("second run: changed=%v err=%v", again, err)
			}
			res := evaluate(t, "w.yml", c.New)
			if bad := failing(res["noScriptInjection"]); len(bad) > 0 && !strings.Contains(strings.Join(c.Notes, "\n"), "by hand") {
				t.Errorf("noScriptInjection still fails with no note: %q", bad)
			}
			if bad := failing(res["ciActionsPinned"]); len(bad) > 0 {
				t.Errorf("ciActionsPinned still fails: %q", bad)
			}
		})
	}
	t.Logf("%d of %d zizmor audit workflows changed", changed, len(files))
}
