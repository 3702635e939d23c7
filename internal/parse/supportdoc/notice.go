package supportdoc

import (
	"strconv"
	"strings"

	"github.com/assaysec/assay/internal/lazyre"
)

// Notice is a written end-of-support notice commitment: how many months of
// support, or of notice, the document promises before a line's support
// ends.
type Notice struct {
	Months int
	// Successor: the period is support kept for a line after its
	// successor ships, rather than an explicit notice period.
	Successor bool
	Quote     string // the sentence, cut at maxRule bytes
	Line      int    // where the sentence starts
}

// A number of months or years, in digits or words.
const amount = `(\d{1,3}|one|two|three|four|five|six|nine|twelve|eighteen|twenty[- ]four)[- ](months?|years?)`

var (
	// explicitNoticeRe is a promised notice period: "12 months' notice",
	// "at least one year's notice", "a notice period of 12 months", "at
	// least a 2 month warning".
	explicitNoticeRe = lazyre.New(`(?i)\b` + amount + `(?:['’]s?|s['’])?\s+(?:of\s+)?(?:advance\s+|prior\s+|written\s+)?(?:notice|warning)\b|\b(?:notice|warning)\s+(?:period\s+)?of\s+(?:at\s+least\s+|no\s+less\s+than\s+|a\s+minimum\s+of\s+)?` + amount)
	// successorRe names the line a new release supersedes.
	successorRe = lazyre.New(`(?i)\b(?:previous|prior|preceding|former)\s+(?:major\s+|minor\s+|stable\s+)?(?:release|version|major|branch|series)(?:es|s)?\b`)
	// supportedForRe is a guaranteed support period: "will be supported for
	// no less than 2 years", "maintained for at least 18 months".
	supportedForRe = lazyre.New(`(?i)\b(?:supported|maintained|receive\s+security\s+(?:fixes|updates|patches))\s+for\s+(?:at\s+least\s+|no\s+less\s+than\s+|a\s+minimum\s+of\s+|a\s+further\s+|another\s+)?` + amount)
	// supportWordRe keeps notice periods about support: a deprecation
	// notice for an API is not notice of the end of support.
	supportWordRe = lazyre.New(`(?i)\b(?:support(?:ed)?|maintain(?:ed)?|maintenance|end[- ]of[- ]life|eol|lifecycle|life\s+cycle)\b`)
	noticeNegRe   = lazyre.New(`(?i)\b(?:no|not|without|never)\s+(?:\w+\s+){0,2}(?:notice|guarantee|commitment|promise)|\bnot\s+be\s+(?:supported|maintained)\b`)
	sentenceEndRe = lazyre.New(`[.!?](?:\s+|$)`)
)

var numberWords = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "nine": 9, "twelve": 12, "eighteen": 18, "twenty-four": 24, "twenty four": 24}

// months converts a matched amount and unit to months.
func toMonths(n, unit string) int {
	v, err := strconv.Atoi(n)
	if err != nil {
		v = numberWords[strings.ToLower(n)]
	}
	if strings.HasPrefix(strings.ToLower(unit), "year") {
		v *= 12
	}
	return v
}

// FindNotice returns the first notice commitment in lines (prose with code
// blanked, one string per source line): an explicit notice period, or a
// guaranteed support period for the line a new release supersedes ("after
// each new major release, the previous release will be supported for no
// less than 2 years"), which gives at least that much notice from the day
// the successor ships. Sentences are read across wrapped lines; a negated
// sentence does not count.
func FindNotice(lines []string) (Notice, bool) {
	var para []string
	start := 0
	check := func() (Notice, bool) {
		defer func() { para = para[:0] }()
		if len(para) == 0 {
			return Notice{}, false
		}
		text := strings.Join(para, " ")
		for _, s := range splitSentences(text) {
			if noticeNegRe.MatchString(s) {
				continue
			}
			if m := explicitNoticeRe.FindStringSubmatch(s); m != nil && supportWordRe.MatchString(s) {
				n, u := m[1], m[2]
				if n == "" {
					n, u = m[3], m[4]
				}
				return Notice{Months: toMonths(n, u), Quote: cut(s), Line: start}, true
			}
			if successorRe.MatchString(s) {
				if m := supportedForRe.FindStringSubmatch(s); m != nil {
					return Notice{Months: toMonths(m[1], m[2]), Successor: true, Quote: cut(s), Line: start}, true
				}
			}
		}
		return Notice{}, false
	}
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "|") {
			if n, ok := check(); ok {
				return n, true
			}
			continue
		}
		if len(para) == 0 {
			start = i + 1
		}
		if len(para) < 20 {
			para = append(para, t)
		}
	}
	return check()
}

func splitSentences(text string) []string {
	var out []string
	for len(text) > 0 {
		m := sentenceEndRe.FindStringIndex(text)
		if m == nil {
			out = append(out, text)
			break
		}
		out = append(out, text[:m[0]+1])
		text = text[m[1]:]
	}
	return out
}

func cut(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxRule {
		s = s[:maxRule]
	}
	return s
}
