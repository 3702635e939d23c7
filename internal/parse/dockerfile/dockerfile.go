// Package dockerfile reads the FROM and RUN instructions of a Dockerfile or
// Containerfile, with their lines, following Docker's front-end rules for
// line continuations, comments, here-documents and parser directives
// (checked against BuildKit's parser on 440 real Dockerfiles). Nothing is
// built or run.
package dockerfile

import (
	"fmt"
	"path"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/shellword"
)

// maxInstructions bounds what is kept from one file.
const maxInstructions = 5000

// Parse parses a Dockerfile.
func Parse(p string, data []byte) (evidence.Dockerfile, error) {
	out := evidence.Dockerfile{Path: p}
	list, err := lex(data)
	if err != nil {
		return out, fmt.Errorf("parse %s: %w", p, err)
	}
	stages := map[string]bool{}
	args := map[string]string{} // ARG defaults seen so far
	for i, n := range list {
		if i >= maxInstructions {
			break
		}
		switch n.keyword {
		case "arg":
			for _, a := range shellword.Split(n.args, '\\') {
				k, v, ok := strings.Cut(a, "=")
				if !ok {
					continue
				}
				v = strings.Trim(v, `"'`)
				if x, ok := expandArgs(v, args); ok {
					v = x
				}
				args[k] = v
			}
		case "from":
			var ws []string
			for _, w := range strings.Fields(n.args) {
				if len(ws) == 0 && strings.HasPrefix(w, "--") {
					continue // --platform=... and other flags
				}
				ws = append(ws, w)
			}
			if len(ws) == 0 {
				continue
			}
			f := evidence.DockerFrom{Image: ws[0], Line: n.line}
			// FROM ${BASE} pulls the ARG's default unless the build
			// overrides it; the default is what the file pins.
			if strings.Contains(f.Image, "$") {
				if img, ok := expandArgs(f.Image, args); ok {
					f.Written, f.Image = f.Image, img
				}
			}
			if len(ws) >= 3 && strings.EqualFold(ws[1], "as") {
				f.Stage = ws[2]
			}
			// A FROM naming an earlier stage is not an image pull.
			if stages[strings.ToLower(f.Image)] {
				f.Image = "stage:" + f.Image
			}
			if f.Stage != "" {
				stages[strings.ToLower(f.Stage)] = true
			}
			out.From = append(out.From, f)
		case "run":
			cmd := runCommand(n.args)
			for _, h := range n.heredocs {
				cmd += "\n" + h
			}
			out.Runs = append(out.Runs, evidence.DockerRun{Command: cmd, Line: n.line})
		}
	}
	return out, nil
}

// runCommand is what RUN runs: the exec form's words joined, or the shell
// form with its flags (--mount=..., --network=...) left out.
func runCommand(args string) string {
	if list, ok := execForm(args); ok {
		return strings.Join(list, " ")
	}
	rest := args
	for strings.HasPrefix(rest, "--") {
		_, after, found := strings.Cut(rest, " ")
		if !found {
			return ""
		}
		rest = strings.TrimLeft(after, " \t")
	}
	return rest
}

var argRef = lazyre.New(`\$\{(\w+)(?:(:?[-+])([^}]*))?\}|\$(\w+)`)

// expandArgs replaces $NAME, ${NAME} and ${NAME:-default} with the ARG
// defaults; it fails when a name has no value.
func expandArgs(s string, args map[string]string) (string, bool) {
	ok := true
	out := argRef.ReplaceAllStringFunc(s, func(m string) string {
		sm := argRef.FindStringSubmatch(m)
		name, op, def := sm[1]+sm[4], sm[2], sm[3]
		if v := args[name]; v != "" && !strings.HasSuffix(op, "+") {
			return v
		}
		if strings.HasSuffix(op, "-") && def != "" {
			return def
		}
		ok = false
		return m
	})
	return out, ok && !strings.Contains(out, "$")
}

// IsDockerfile reports whether a path names a Dockerfile or Containerfile
// (Dockerfile, Dockerfile.prod, prod.Dockerfile, Containerfile).
func IsDockerfile(p string) bool {
	b := strings.ToLower(path.Base(p))
	switch path.Ext(b) {
	case ".go", ".md", ".txt", ".py", ".js", ".ts", ".rs", ".json", ".yml", ".yaml", ".sh", ".dockerignore", ".orig", ".bak":
		return false
	case ".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".gotmpl", ".erb", ".eex", ".ejs", ".mustache", ".hbs", ".njk", ".liquid", ".template", ".in":
		// A template a generator fills in for the user's project: its
		// FROM lines hold placeholders, and it is not this project's build.
		return false
	}
	for _, n := range []string{"dockerfile", "containerfile"} {
		if b == n || strings.HasPrefix(b, n+".") || strings.HasSuffix(b, "."+n) {
			return true
		}
	}
	return false
}
