package evidence

import (
	"time"
)

// Kinds of vulnerability-disclosure evidence (principle 3.2).
const (
	KindSecurityPolicy   Kind = "disclosure/security-policy"
	KindSecurityTxt      Kind = "disclosure/security-txt"
	KindSecurityInsights Kind = "disclosure/security-insights"
)

// PolicyOrigin says where disclosure text was found.
type PolicyOrigin string

// Origins of disclosure text, strongest first.
const (
	// OriginFile is a SECURITY file (SECURITY.md, .github/SECURITY.md, ...).
	OriginFile PolicyOrigin = "file"
	// OriginSection is a security section of a README, CONTRIBUTING or
	// documentation page.
	OriginSection PolicyOrigin = "section"
	// OriginSentence is one line of a README, CONTRIBUTING or documentation
	// page, outside any security section, that tells readers where to send
	// security reports ("For sensitive security issues, email x@y instead
	// of posting publicly"): an instruction, shorter than a written process.
	OriginSentence PolicyOrigin = "sentence"
	// OriginIssueTemplate is a contact link of the issue-template chooser:
	// a pointer, weaker than a written process.
	OriginIssueTemplate PolicyOrigin = "issue-template"
)

// SecurityPolicy is disclosure text found in the tree, as analysed: a
// SECURITY file, a section of another document, or an issue-template link.
// Err is set when the file could not be read.
type SecurityPolicy struct {
	Path   string
	Policy PolicyAnalysis
	Err    string
	Origin PolicyOrigin // empty means OriginFile
	// Section is the heading of the section read, with its first and last
	// lines; empty for whole files.
	Section            string
	StartLine, EndLine int
}

// Kind implements Fact.
func (SecurityPolicy) Kind() Kind { return KindSecurityPolicy }

// SecurityTxt is a security.txt (RFC 9116) found in the tree, as read and
// validated by the collector at the run's time. Unread marks a file that
// could not be read (Err says why): its content is unknown, which is not
// the same as an invalid file.
type SecurityTxt struct {
	Path   string
	Err    string
	Unread bool
	// Signed is true when OpenPGP cleartext-signature framing was found
	// (the signature itself is not verified).
	Signed     bool
	Contacts   []TxtField
	Encryption []TxtField
	// ExpiresAt is the first Expires field's value, zero when it is missing
	// or not an RFC 3339 date-time; ExpiresLine is its line, 0 when absent.
	ExpiresAt   time.Time
	ExpiresLine int
	// Problems are the RFC 9116 parse and validation problems, errors and
	// warnings, as of the run's time.
	Problems []TxtProblem
}

// TxtField is one security.txt field value and its 1-based line.
type TxtField struct {
	Value string
	Line  int
}

// TxtProblem is one thing wrong with a security.txt; Line 0 concerns the
// whole file. Error is false for warnings, which do not make a file invalid.
type TxtProblem struct {
	Line    int
	Error   bool
	Message string
}

// Kind implements Fact.
func (SecurityTxt) Kind() Kind { return KindSecurityTxt }

// SecurityInsights is an OpenSSF Security Insights file; Doc is nil when it
// could not be read or parsed, and Err (with ErrLine) says why. Unread
// marks a file that could not be read at all (too large, not a regular
// file, no permission): its content is unknown, not invalid.
type SecurityInsights struct {
	Path    string
	Doc     *InsightsDocument
	Err     string
	ErrLine int
	Unread  bool
}

// Kind implements Fact.
func (SecurityInsights) Kind() Kind { return KindSecurityInsights }
