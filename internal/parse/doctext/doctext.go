// Package doctext reads prose documents (Markdown, reStructuredText,
// AsciiDoc and plain text) the way a reader sees them: it finds headings and
// the sections under them, and blanks code (fenced Markdown code, rst `::`
// literal blocks and code directives, AsciiDoc listing blocks) and comments,
// so that wording searches never match example code. Line numbers are kept:
// every output has one line per input line.
package doctext

import (
	"bytes"
	"path"
	"strings"

	"github.com/assaysec/assay/internal/lazyre"
)

// Format is a document's markup.
type Format int

// Formats.
const (
	Plain Format = iota
	Markdown
	RST
	AsciiDoc
)

// FormatOf guesses the markup from a file name.
func FormatOf(p string) Format {
	switch strings.ToLower(path.Ext(p)) {
	case ".md", ".markdown", ".mdx":
		return Markdown
	case ".rst", ".rest":
		return RST
	case ".adoc", ".asciidoc", ".asc":
		return AsciiDoc
	}
	return Plain
}

// IsText reports whether p has a prose extension (or none).
func IsText(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".md", ".markdown", ".mdx", ".rst", ".rest", ".adoc", ".asciidoc", ".asc", ".txt", "":
		return true
	}
	return false
}

// Heading is one section title.
type Heading struct {
	Text  string
	Level int // 1 is the top level
	Line  int // 1-based
}

// Section is a heading and the lines under it, up to the next heading of
// the same or a higher level.
type Section struct {
	Heading Heading
	End     int // last line of the section, inclusive
}

// Doc is a parsed document.
type Doc struct {
	// Lines is the prose: code, comments and heading adornments are
	// blanked. Lines[i] is line i+1.
	Lines    []string
	Headings []Heading
}

// Limits.
const (
	// MaxLines caps how many lines are read.
	MaxLines = 50000
	// MaxHeadings caps Doc.Headings.
	MaxHeadings = 2000
	maxHeading  = 200
)

// Parse reads a document. It never fails.
func Parse(data []byte, f Format) Doc {
	raw := splitLines(data)
	d := Doc{Lines: make([]string, len(raw))}
	switch f {
	case RST:
		d.rst(raw)
	case AsciiDoc:
		d.adoc(raw)
	default:
		d.markdown(raw)
	}
	return d
}

func splitLines(data []byte) []string {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	var out []string
	for len(data) > 0 && len(out) < MaxLines {
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		out = append(out, string(bytes.TrimSuffix(l, []byte("\r"))))
	}
	return out
}

func (d *Doc) heading(text string, level, line int) {
	text = strings.TrimSpace(text)
	if text == "" || len(d.Headings) >= MaxHeadings {
		return
	}
	if len(text) > maxHeading {
		text = text[:maxHeading]
	}
	d.Headings = append(d.Headings, Heading{Text: text, Level: level, Line: line})
}

var (
	atxRe    = lazyre.New(`^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$`)
	fenceRe  = lazyre.New("^ {0,3}(`{3,}|~{3,})")
	setextRe = lazyre.New(`^ {0,3}(=+|-+)[ \t]*$`)
	listRe   = lazyre.New(`^[ \t]*(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]+|$)`)
)

// frontMatter returns how many leading lines are YAML (---) or TOML (+++)
// front matter, as static-site generators use.
func frontMatter(raw []string) int {
	if len(raw) == 0 || (strings.TrimSpace(raw[0]) != "---" && strings.TrimSpace(raw[0]) != "+++") {
		return 0
	}
	open := strings.TrimSpace(raw[0])
	for i := 1; i < len(raw) && i < 200; i++ {
		if t := strings.TrimSpace(raw[i]); t == open || (open == "---" && t == "...") {
			return i + 1
		}
	}
	return 0
}

// markdown handles Markdown and plain text: front matter, ATX and setext
// headings, fenced code.
func (d *Doc) markdown(raw []string) {
	fence := ""
	skip := frontMatter(raw)
	for i, s := range raw {
		if i < skip {
			continue
		}
		if fence != "" {
			t := strings.TrimLeft(s, " ")
			if strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]+" \t") == "" {
				fence = ""
			}
			continue // code and the closing fence stay blank
		}
		if m := fenceRe.FindStringSubmatch(s); m != nil {
			fence = m[1]
			continue
		}
		if m := atxRe.FindStringSubmatch(s); m != nil {
			d.heading(m[2], len(m[1]), i+1)
			d.Lines[i] = m[2]
			continue
		}
		if m := setextRe.FindStringSubmatch(s); m != nil && i > 0 && d.Lines[i-1] != "" &&
			strings.TrimSpace(raw[i-1]) != "" && !listRe.MatchString(raw[i-1]) && !isHeadingLine(d, i) {
			level := 2
			if m[1][0] == '=' {
				level = 1
			}
			d.heading(raw[i-1], level, i)
			continue // the underline stays blank
		}
		d.Lines[i] = s
	}
}

// isHeadingLine reports whether line i (1-based) already is a heading.
func isHeadingLine(d *Doc, line int) bool {
	n := len(d.Headings)
	return n > 0 && d.Headings[n-1].Line == line
}

var (
	rstAdornRe   = lazyre.New(`^([=\-~^"'` + "`" + `#*+:._!$%&,/;<>?@\\|])+[ \t]*$`)
	rstDirRe     = lazyre.New(`^(\s*)\.\.\s+([a-zA-Z][\w:-]*)::`)
	rstCommentRe = lazyre.New(`^(\s*)\.\.(?:\s|$)`)
	rstTargetRe  = lazyre.New(`^\s*\.\.\s+(?:_[^:]*|\[[^\]]*\])\s*:`)
)

func indent(s string) int {
	n := 0
	for _, c := range s {
		switch c {
		case ' ':
			n++
		case '\t':
			n += 8 - n%8
		default:
			return n
		}
	}
	return n
}

func sameChar(s string) (byte, bool) {
	t := strings.TrimRight(s, " \t")
	if len(t) < 3 {
		return 0, false
	}
	for i := 1; i < len(t); i++ {
		if t[i] != t[0] {
			return 0, false
		}
	}
	return t[0], true
}

// rst handles reStructuredText: underlined (and overlined) titles, literal
// blocks after "::", code directives and comments.
func (d *Doc) rst(raw []string) {
	type style struct {
		c    byte
		over bool
	}
	var styles []style
	level := func(s style) int {
		for i, x := range styles {
			if x == s {
				return i + 1
			}
		}
		styles = append(styles, s)
		return len(styles)
	}
	codeIndent := -1 // lines indented more than this are code; -1: not in code
	skipIndent := -1 // same, for comments
	for i := 0; i < len(raw); i++ {
		s := raw[i]
		blank := strings.TrimSpace(s) == ""
		if codeIndent >= 0 {
			if blank || indent(s) > codeIndent {
				continue
			}
			codeIndent = -1
		}
		if skipIndent >= 0 {
			if blank || indent(s) > skipIndent {
				continue
			}
			skipIndent = -1
		}
		if blank {
			continue
		}
		if m := rstDirRe.FindStringSubmatch(s); m != nil {
			switch strings.ToLower(m[2]) {
			case "code-block", "code", "sourcecode", "literalinclude", "highlight", "parsed-literal", "raw", "doctest", "testcode", "testoutput", "graphviz", "image", "figure", "include", "toctree", "autoclass", "automodule", "autofunction", "automethod", "literal":
				codeIndent = indent(s)
				continue
			}
			// Admonitions and other directives hold prose.
			d.Lines[i] = s
			continue
		}
		if rstTargetRe.MatchString(s) {
			d.Lines[i] = s // hyperlink targets carry URLs
			continue
		}
		if m := rstCommentRe.FindStringSubmatch(s); m != nil {
			skipIndent = indent(s)
			continue
		}
		// Title with overline: adorn / text / adorn.
		if c, ok := sameChar(s); ok && rstAdornRe.MatchString(s) && i+2 < len(raw) {
			if c2, ok2 := sameChar(raw[i+2]); ok2 && c2 == c && strings.TrimSpace(raw[i+1]) != "" {
				d.heading(raw[i+1], level(style{c, true}), i+2)
				d.Lines[i+1] = strings.TrimSpace(raw[i+1])
				i += 2
				continue
			}
		}
		// Title with underline: text / adorn.
		if i+1 < len(raw) && indent(s) == 0 {
			if c, ok := sameChar(raw[i+1]); ok && rstAdornRe.MatchString(raw[i+1]) && len(strings.TrimRight(raw[i+1], " \t")) >= len(strings.TrimSpace(s))/2 {
				d.heading(s, level(style{c, false}), i+1)
				d.Lines[i] = strings.TrimSpace(s)
				i++
				continue
			}
		}
		if c, ok := sameChar(s); ok && rstAdornRe.MatchString(s) && (c == '-' || c == '=' || c == '*') {
			continue // transition
		}
		d.Lines[i] = s
		if t := strings.TrimRight(s, " \t"); strings.HasSuffix(t, "::") {
			// "Paragraph::" introduces a literal block indented under it.
			d.Lines[i] = strings.TrimSuffix(t, ":")
			codeIndent = paraIndent(raw, i)
		}
	}
}

// paraIndent is the indentation of the paragraph holding line i.
func paraIndent(raw []string, i int) int {
	for i > 0 && strings.TrimSpace(raw[i-1]) != "" {
		i--
	}
	return indent(raw[i])
}

var adocHeadRe = lazyre.New(`^(={1,6}|#{1,6})[ \t]+(\S.*?)[ \t]*$`)

// adoc handles AsciiDoc: "= Title" headings, delimited listing, literal,
// passthrough and comment blocks, and line comments.
func (d *Doc) adoc(raw []string) {
	delim := ""
	for i, s := range raw {
		t := strings.TrimRight(s, " \t")
		if delim != "" {
			if t == delim {
				delim = ""
			}
			continue
		}
		if c, ok := sameChar(t); ok && len(t) >= 4 && (c == '-' || c == '.' || c == '+' || c == '/') {
			delim = t
			continue
		}
		if strings.HasPrefix(t, "```") {
			delim = "```"
			continue
		}
		if strings.HasPrefix(t, "//") {
			continue
		}
		if m := adocHeadRe.FindStringSubmatch(t); m != nil {
			d.heading(m[2], len(m[1]), i+1)
			d.Lines[i] = m[2]
			continue
		}
		d.Lines[i] = s
	}
}

// Sections returns the sections whose heading satisfies match.
func (d Doc) Sections(match func(heading string) bool) []Section {
	var out []Section
	for i, h := range d.Headings {
		if !match(h.Text) {
			continue
		}
		end := len(d.Lines)
		for _, n := range d.Headings[i+1:] {
			if n.Level <= h.Level {
				end = n.Line - 1
				// An underlined title starts on the line before its
				// adornment; Line is the title text, so nothing to adjust.
				break
			}
		}
		out = append(out, Section{Heading: h, End: end})
	}
	return out
}

// Text returns the prose of lines [start, end] (1-based, inclusive) with
// every other line blank, so line numbers stay those of the file.
func (d Doc) Text(start, end int) []byte {
	var b bytes.Buffer
	for i, l := range d.Lines {
		if i+1 >= start && i+1 <= end {
			b.WriteString(l)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// Prose returns the whole document's prose.
func (d Doc) Prose() []byte { return d.Text(1, len(d.Lines)) }
