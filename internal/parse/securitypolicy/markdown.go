package securitypolicy

import (
	"sort"
	"strings"

	"github.com/assaysec/assay/internal/lazyre"
)

// A unit is one block of visible text: a paragraph, a list item, a table
// row, a heading or a code line. Units are joined into one document string
// separated by unitSep, so that patterns never match across blocks.
type unitKind int

const (
	unitPara unitKind = iota
	unitList
	unitTable
	unitHeading
	unitCode
)

const unitSep = "\x00\n"

// doc is the analysable text of a Markdown file.
type doc struct {
	raw   []byte // units joined; link targets and e-mails intact
	view  []byte // same length: lowercased ASCII, URLs, e-mails, emphasis and controls blanked
	segs  []seg  // where each source line starts in raw, sorted by offset
	ends  []int  // sentence end offsets in view, sorted
	units []unitSpan
	defs  map[string]*refDef
}

type seg struct{ off, line int }

type unitSpan struct {
	start, end int
	kind       unitKind
}

type refDef struct {
	url   string
	label string
	line  int
	used  bool
}

var (
	atxRe      = lazyre.New(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	fenceRe    = lazyre.New("^ {0,3}(`{3,}|~{3,})")
	setextRe   = lazyre.New(`^ {0,3}(=+|-+)[ \t]*$`)
	thematicRe = lazyre.New(`^ {0,3}([-*_])(?:[ \t]*([-*_]))+[ \t]*$`)
	listRe     = lazyre.New(`^[ \t]*(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]+|$)`)
	refDefRe   = lazyre.New(`^ {0,3}\[([^\[\]]+)\]:[ \t]*<?([^\s<>]+)>?`)
)

// builder turns lines into units.
type builder struct {
	d         *doc
	cur       []lineText // lines of the open paragraph-like unit
	curKind   unitKind
	inComment bool
	fence     string // open fence marker, "" when outside code
	p         *Policy
	bodyWords int // words outside headings and comments
}

type lineText struct {
	text string
	line int
}

func (b *builder) flush() {
	if len(b.cur) == 0 {
		return
	}
	b.emit(b.cur, b.curKind)
	b.cur = b.cur[:0]
	b.curKind = unitPara
}

func (b *builder) emit(lines []lineText, k unitKind) {
	d := b.d
	start := len(d.raw)
	for i, lt := range lines {
		if i > 0 {
			d.raw = append(d.raw, ' ')
		}
		d.segs = append(d.segs, seg{off: len(d.raw), line: lt.line})
		for j := 0; j < len(lt.text); j++ {
			c := lt.text[j]
			if (c < 0x20 && c != '\t') || c == 0x7f {
				c = ' ' // never let a control character act as a separator
			}
			d.raw = append(d.raw, c)
		}
	}
	d.units = append(d.units, unitSpan{start: start, end: len(d.raw), kind: k})
	d.raw = append(d.raw, unitSep...)
}

// stripComments removes HTML comment text from a line, tracking comments
// that span lines.
func (b *builder) stripComments(s string) string {
	var out strings.Builder
	for s != "" {
		if b.inComment {
			i := strings.Index(s, "-->")
			if i < 0 {
				return out.String()
			}
			s = s[i+3:]
			b.inComment = false
			continue
		}
		i := strings.Index(s, "<!--")
		if i < 0 {
			out.WriteString(s)
			break
		}
		out.WriteString(s[:i])
		out.WriteByte(' ')
		s = s[i+4:]
		b.inComment = true
	}
	return out.String()
}

// line processes one source line (without its newline).
func (b *builder) line(n int, s string) {
	if b.fence != "" {
		t := strings.TrimLeft(s, " ")
		if strings.HasPrefix(t, b.fence) && strings.Trim(t, b.fence[:1]+" \t") == "" {
			b.fence = ""
			return
		}
		b.p.Words += countWords(s)
		b.bodyWords += countWords(s)
		if strings.TrimSpace(s) != "" {
			b.emit([]lineText{{text: s, line: n}}, unitCode)
		}
		return
	}
	s = b.stripComments(s)
	if m := fenceRe.FindStringSubmatch(s); m != nil {
		b.flush()
		b.fence = m[1]
		return
	}
	t := strings.TrimSpace(s)
	if t == "" {
		b.flush()
		return
	}
	if m := atxRe.FindStringSubmatch(s); m != nil {
		b.flush()
		b.heading(n, len(m[1]), m[2])
		return
	}
	if m := setextRe.FindStringSubmatch(s); m != nil && len(b.cur) > 0 && b.curKind == unitPara {
		level := 2
		if m[1][0] == '=' {
			level = 1
		}
		var parts []string
		for _, lt := range b.cur {
			parts = append(parts, strings.TrimSpace(lt.text))
		}
		// The paragraph's words were counted as body text; move them.
		for _, lt := range b.cur {
			b.bodyWords -= countWords(lt.text)
			b.p.Words -= countWords(lt.text)
		}
		first := b.cur[0].line
		b.cur = b.cur[:0]
		b.heading(first, level, strings.Join(parts, " "))
		return
	}
	if thematicRe.MatchString(s) && isThematic(t) {
		b.flush()
		return
	}
	if m := refDefRe.FindStringSubmatch(s); m != nil && len(b.cur) == 0 && len(m[1]) <= maxLabelLen {
		label := normLabel(m[1])
		if _, dup := b.d.defs[label]; !dup && len(b.d.defs) < maxRefDefs {
			b.d.defs[label] = &refDef{url: m[2], label: m[1], line: n}
		}
		return
	}
	b.p.Words += countWords(s)
	b.bodyWords += countWords(s)
	isList := listRe.MatchString(s)
	isTable := strings.HasPrefix(t, "|")
	switch {
	case isList:
		b.flush()
		b.curKind = unitList
	case isTable:
		b.flush()
		b.curKind = unitTable
	case b.curKind == unitTable:
		b.flush() // a table row is one line
	}
	if len(b.cur) >= maxUnitLines {
		k := b.curKind
		b.flush()
		b.curKind = k
	}
	b.cur = append(b.cur, lineText{text: s, line: n})
	noteVersionTable(b.p, n, t)
}

func isThematic(t string) bool {
	return strings.Count(strings.ReplaceAll(strings.ReplaceAll(t, " ", ""), "\t", ""), t[:1]) >= 3
}
func normLabel(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

func (b *builder) heading(n, level int, text string) {
	text = strings.TrimSpace(text)
	b.p.Words += countWords(text)
	if len(b.p.Headings) < MaxHeadings {
		b.p.Headings = append(b.p.Headings, Heading{Text: clip(text, maxHeadingLen), Level: level, Line: n})
	}
	if text != "" {
		b.emit([]lineText{{text: text, line: n}}, unitHeading)
	}
}

func countWords(s string) int {
	n := 0
	in := false
	alnum := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		space := c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
		if space {
			if in && alnum {
				n++
			}
			in, alnum = false, false
			continue
		}
		in = true
		if c >= 0x80 || (c|0x20 >= 'a' && c|0x20 <= 'z') || (c >= '0' && c <= '9') {
			alnum = true
		}
	}
	if in && alnum {
		n++
	}
	return n
}

// lineAt maps an offset in raw/view to its 1-based source line.
func (d *doc) lineAt(off int) int {
	i := sort.Search(len(d.segs), func(i int) bool { return d.segs[i].off > off }) - 1
	if i < 0 {
		return 0
	}
	return d.segs[i].line
}

// sentence returns the [start, end) of the sentence containing off.
func (d *doc) sentence(off int) (int, int) {
	i := sort.Search(len(d.ends), func(i int) bool { return d.ends[i] > off })
	start := 0
	if i > 0 {
		start = d.ends[i-1]
	}
	end := len(d.view)
	if i < len(d.ends) {
		end = d.ends[i]
	}
	return start, end
}

// maxContext bounds the text examined around a match, so that one huge
// sentence cannot make the analysis quadratic.
const maxContext = 400

// context returns the lowercased text of the sentence containing off, from
// its start to off and in full, both limited to maxContext bytes around off.
func (d *doc) context(off int) (before, all string) {
	s, e := d.sentence(off)
	if s < off-maxContext {
		s = off - maxContext
	}
	if e > off+maxContext {
		e = off + maxContext
	}
	if off > len(d.view) {
		off = len(d.view)
	}
	if s > off {
		s = off
	}
	if e < off {
		e = off
	}
	return string(d.view[s:off]), string(d.view[s:e])
}

// introduction returns the sentence before the one at off when that one
// holds nothing but a link and the sentence before it ends in a colon
// ("can be reported via our bug bounty program:" then the link alone in
// the next paragraph): the introduction says what the link is for.
// Otherwise it returns ctx.
func (d *doc) introduction(off int, ctx string) string {
	s, _ := d.sentence(off)
	if s == 0 {
		return ctx
	}
	_, prev := d.context(s - 1)
	if strings.HasSuffix(strings.TrimRight(prev, " \t\n\x00"), ":") {
		return prev
	}
	return ctx
}

// sentenceIndex numbers sentences so that co-occurrence can be checked.
func (d *doc) sentenceIndex(off int) int {
	return sort.Search(len(d.ends), func(i int) bool { return d.ends[i] > off })
}

// computeSentences finds sentence ends in view: after . ! ? ; followed by
// whitespace, and at every unit separator.
func (d *doc) computeSentences() {
	v := d.view
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case 0:
			d.ends = append(d.ends, i)
		case '.', '!', '?', ';':
			if i+1 < len(v) && (v[i+1] == ' ' || v[i+1] == '\t' || v[i+1] == 0) {
				d.ends = append(d.ends, i+1)
			}
		}
	}
}
