package dockerfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/shellword"
)

// instruction is one Dockerfile instruction as Docker's own front end
// reads it: the keyword, its arguments with line continuations joined and
// comment lines inside them dropped, the line it starts on, and the
// here-documents it opens.
type instruction struct {
	keyword  string // lower case
	args     string // after the keyword, continuations joined
	line     int    // 1-based
	heredocs []string
}

// errNoInstructions matches Docker: an empty file is not a Dockerfile.
var errNoInstructions = errors.New("file with no instructions")

// maxLineContinuations bounds how many physical lines one instruction may
// span, so a crafted file cannot build one unbounded string.
const maxLineContinuations = 10000

// directive is a parser directive (# syntax=..., # escape=...), valid only
// before the first comment, blank line or instruction.
var directive = lazyre.New(`^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$`)

// heredocWord is a here-document opener: <<EOF, <<-EOF, <<"EOF", <<'EOF',
// optionally after a file descriptor number (2<<EOF).
var heredocWord = lazyre.New(`^[0-9]*<<(-?)(["']?)([A-Za-z0-9_.-]+)(["']?)$`)

// lex splits a Dockerfile into instructions. It follows Docker's rules
// for what this package reads: parser directives (only escape changes
// parsing), # comment lines (also inside a continued instruction, where
// blank lines are skipped too), the escape character at the end of a line
// continuing it, and here-documents for RUN, COPY and ADD.
func lex(data []byte) ([]instruction, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	escape := byte('\\')
	inDirectives := true
	var out []instruction
	for i := 0; i < len(lines); i++ {
		raw := lines[i]
		trimmed := strings.TrimSpace(raw)
		if inDirectives {
			if m := directive.FindStringSubmatch(trimmed); m != nil {
				if strings.EqualFold(m[1], "escape") && (m[2] == "`" || m[2] == `\`) {
					escape = m[2][0]
				}
				continue
			}
			inDirectives = false
		}
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		start := i
		text, more := cutContinuation(strings.TrimLeft(raw, " \t"), escape)
		var b strings.Builder
		b.WriteString(text)
		for n := 0; more && i+1 < len(lines) && n < maxLineContinuations; n++ {
			i++
			next := lines[i]
			nt := strings.TrimSpace(next)
			if nt == "" || nt[0] == '#' {
				continue // comments and blank lines inside a continuation
			}
			text, more = cutContinuation(next, escape)
			b.WriteString(text)
		}
		keyword, args, _ := strings.Cut(strings.TrimLeft(b.String(), " \t"), " ")
		if k, a, ok := strings.Cut(keyword, "\t"); ok {
			keyword, args = k, a+" "+args
		}
		ins := instruction{keyword: strings.ToLower(keyword), args: strings.TrimSpace(args), line: start + 1}
		if err := ins.check(escape); err != nil {
			return nil, err
		}
		switch ins.keyword {
		case "run", "copy", "add":
			for _, w := range strings.Fields(ins.args) {
				m := heredocWord.FindStringSubmatch(w)
				if m == nil || m[2] != m[4] {
					continue
				}
				body, next := readHeredoc(lines, i+1, m[3], m[1] == "-")
				ins.heredocs = append(ins.heredocs, body)
				i = next - 1
			}
		}
		out = append(out, ins)
	}
	if len(out) == 0 {
		return nil, errNoInstructions
	}
	return out, nil
}

// check rejects what Docker's parser rejects among the instructions
// whose arguments it validates while parsing: ENV and LABEL take KEY=VALUE
// pairs or, in the old form, a key and a value.
func (ins instruction) check(escape byte) error {
	switch ins.keyword {
	case "env", "label":
		ws := shellword.Split(ins.args, escape)
		if len(ws) == 0 {
			return fmt.Errorf("line %d: %s needs at least one argument", ins.line, strings.ToUpper(ins.keyword))
		}
		if !strings.Contains(ws[0], "=") {
			if len(ws) < 2 {
				return fmt.Errorf("line %d: %s must have two arguments", ins.line, strings.ToUpper(ins.keyword))
			}
			return nil
		}
		for _, w := range ws {
			if !strings.Contains(w, "=") {
				return fmt.Errorf("line %d: %s: %q is not KEY=VALUE", ins.line, strings.ToUpper(ins.keyword), w)
			}
		}
	}
	return nil
}

// cutContinuation removes a trailing escape character (and the white space
// after it) and says whether the instruction continues on the next line.
func cutContinuation(line string, escape byte) (string, bool) {
	t := strings.TrimRight(line, " \t")
	if strings.HasSuffix(t, string(escape)) {
		return t[:len(t)-1], true
	}
	return line, false
}

// readHeredoc reads a here-document's body from lines[from:] up to the line
// that is exactly its terminator (after leading tabs, for <<-), and returns
// the body, each line ending in a newline, and the index after it. An
// unterminated here-document runs to the end of the file, as in Docker.
func readHeredoc(lines []string, from int, word string, stripTabs bool) (string, int) {
	var b strings.Builder
	i := from
	for ; i < len(lines); i++ {
		l := lines[i]
		if stripTabs {
			l = strings.TrimLeft(l, "\t")
		}
		if l == word {
			return b.String(), i + 1
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String(), i
}

// execForm returns the elements of a JSON-array argument (RUN ["a", "b"]),
// or false when the arguments are in shell form.
func execForm(args string) ([]string, bool) {
	if !strings.HasPrefix(args, "[") {
		return nil, false
	}
	var list []string
	if err := json.Unmarshal([]byte(args), &list); err != nil {
		return nil, false
	}
	return list, true
}
