// Package dockerfile reads the FROM and RUN instructions of a Dockerfile or
// Containerfile, with their lines, using BuildKit's own parser so line
// continuations, heredocs and parser directives are handled as Docker does.
// Nothing is built or run.
package dockerfile

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/assaysec/assay/internal/evidence"
)

// maxInstructions bounds what is kept from one file.
const maxInstructions = 5000

// Parse parses a Dockerfile.
func Parse(p string, data []byte) (evidence.Dockerfile, error) {
	out := evidence.Dockerfile{Path: p}
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return out, fmt.Errorf("parse %s: %w", p, err)
	}
	stages := map[string]bool{}
	args := map[string]string{} // ARG defaults seen so far
	for i, n := range res.AST.Children {
		if i >= maxInstructions {
			break
		}
		switch strings.ToLower(n.Value) {
		case "arg":
			for a := n.Next; a != nil; a = a.Next {
				k, v, ok := strings.Cut(a.Value, "=")
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
			var words []string
			for a := n.Next; a != nil; a = a.Next {
				words = append(words, a.Value)
			}
			if len(words) == 0 {
				continue
			}
			f := evidence.DockerFrom{Image: words[0], Line: n.StartLine}
			// FROM ${BASE} pulls the ARG's default unless the build
			// overrides it; the default is what the file pins.
			if strings.Contains(f.Image, "$") {
				if img, ok := expandArgs(f.Image, args); ok {
					f.Written, f.Image = f.Image, img
				}
			}
			if len(words) >= 3 && strings.EqualFold(words[1], "as") {
				f.Stage = words[2]
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
			var parts []string
			for a := n.Next; a != nil; a = a.Next {
				parts = append(parts, a.Value)
			}
			cmd := strings.Join(parts, " ")
			for _, h := range n.Heredocs {
				cmd += "\n" + h.Content
			}
			out.Runs = append(out.Runs, evidence.DockerRun{Command: cmd, Line: n.StartLine})
		}
	}
	return out, nil
}

var argRef = regexp.MustCompile(`\$\{(\w+)(?:(:?[-+])([^}]*))?\}|\$(\w+)`)

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
	case ".go", ".md", ".txt", ".py", ".js", ".ts", ".rs", ".json", ".yml", ".yaml", ".sh", ".dockerignore", ".orig", ".bak", ".j2", ".tmpl", ".tpl", ".erb":
		return false
	}
	for _, n := range []string{"dockerfile", "containerfile"} {
		if b == n || strings.HasPrefix(b, n+".") || strings.HasSuffix(b, "."+n) {
			return true
		}
	}
	return false
}
