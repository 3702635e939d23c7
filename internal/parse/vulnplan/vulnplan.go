// Package vulnplan finds, in security documents and incident plans, the
// statements that make a vulnerability management plan (claim 3.3.2): how
// fast vulnerabilities are triaged or fixed ("resolution is provided within
// 7 business days", "we aim to fix critical issues within 30 days"),
// response times per severity, and severity ratings (CVSS, or assessment
// against confidentiality, integrity and availability). Only prose is read:
// code blocks are blanked first.
package vulnplan

import (
	"strings"

	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/parse/doctext"
)

// What a statement commits to.
const (
	Remediation = "remediation timeline"
	Triage      = "triage timeline"
	BySeverity  = "response times by severity"
	Rating      = "severity rating"
)

// Statement is one commitment found, with the line it starts on.
type Statement struct {
	What    string
	Line    int
	Excerpt string
}

// maxExcerpt caps Statement.Excerpt in bytes.
const maxExcerpt = 160

const (
	duration = `(?:\d{1,3}|one|two|three|four|five|seven|ten|fourteen|thirty|sixty|ninety)\s*(?:\(\d{1,3}\)\s*)?(?:calendar\s+|business\s+|working\s+)?(?:days?|hours?|weeks?|months?)\b`
	gap      = `[^.!?;\n]{0,90}?`
)

var patterns = []struct {
	what string
	re   *lazyre.Regexp
}{
	{Remediation, lazyre.New(`(?i)\b(?:remediat\w*|fix\w*|patch\w*|resolv\w*|resolution|address\w*|mitigat\w*)\b` + gap + `\b(?:within|in\s+(?:at\s+most|under|less\s+than)|no\s+later\s+than)\s+` + duration)},
	{Triage, lazyre.New(`(?i)\b(?:triag\w*|assess\w*|investigat\w*|evaluat\w*|confirm\w*\s+(?:the\s+)?(?:issue|vulnerability|report))\b` + gap + `\b(?:within|in\s+(?:at\s+most|under|less\s+than))\s+` + duration)},
	{BySeverity, lazyre.New(`(?i)\b(?:critical|high|medium|moderate|low)\b` + `[^.!?;\n]{0,60}?\b` + duration)},
	{Rating, lazyre.New(`(?i)\bcvss\b|\b(?:assess\w*|rat\w*|classif\w*|prioriti[sz]\w*|assign\w*|determin\w*)\b[^.!?;\n]{0,60}?\bseverity\b|\bseverity\b[^.!?;\n]{0,60}?\b(?:confidentiality|integrity|availability)\b`)},
}

// Find returns the first statement of each kind in a document.
func Find(path string, data []byte) []Statement {
	prose := doctext.Parse(data, doctext.FormatOf(path)).Prose()
	// One paragraph reads as one line: join wrapped lines, and drop
	// emphasis markers, keeping every offset (1:1 replacement).
	flat := []byte(string(prose))
	for i, c := range flat {
		switch {
		case c == '*' || c == '_' || c == '`' || c == '|':
			flat[i] = ' '
		case c == '\n' && i+1 < len(flat) && flat[i+1] != '\n' && i > 0 && flat[i-1] != '\n':
			flat[i] = ' '
		}
	}
	var out []Statement
	for _, p := range patterns {
		loc := p.re.FindIndex(flat)
		if loc == nil {
			continue
		}
		ex := strings.Join(strings.Fields(string(flat[loc[0]:loc[1]])), " ")
		if len(ex) > maxExcerpt {
			ex = ex[:maxExcerpt]
		}
		out = append(out, Statement{What: p.what, Line: 1 + strings.Count(string(prose[:loc[0]]), "\n"), Excerpt: ex})
	}
	return out
}
