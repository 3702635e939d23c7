// Package securitytxt parses and validates security.txt files (RFC 9116).
//
// Parse never fails: every syntax problem becomes a Problem carrying the line
// it was found on. Validate adds the semantic rules of RFC 9116 (required
// fields, URI schemes, expiry) relative to a caller-supplied "now", so results
// are reproducible.
//
// Input comes from scanned repositories and is treated as hostile: the number
// of fields and problems kept, and the length of stored values, are capped.
// Values are stored as written (trimmed of surrounding blanks); control
// characters are reported but never stripped here, that is the renderer's job.
package securitytxt

import (
	"bytes"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/assaysec/assay/internal/textsafe"
)

// Severity grades a Problem.
type Severity string

// Severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Field is one "Name: value" line.
type Field struct {
	Name  string // as written; see Key for the canonical spelling
	Value string // trimmed of surrounding spaces and tabs
	Line  int    // 1-based line in the original file
}

// Problem is one thing wrong with a file. Line is 1-based; 0 means the problem
// concerns the file as a whole (for example a missing required field).
type Problem struct {
	Line     int
	Severity Severity
	Field    string // canonical field name the problem concerns, if any
	Message  string // lowercase; says what was expected
}

// File is a parsed security.txt.
type File struct {
	// Signed is true when OpenPGP cleartext signature framing was recognised:
	// a "-----BEGIN PGP SIGNED MESSAGE-----" header and a complete
	// "-----BEGIN PGP SIGNATURE-----" … "-----END PGP SIGNATURE-----" block.
	// The signature itself is not verified. Line numbers always refer to the
	// original file, framing included.
	Signed bool
	// Fields holds every field in order, including unknown extension fields.
	Fields []Field

	Contact, Encryption, Acknowledgments, Canonical, Policy, Hiring, PreferredLanguages, CSAF []Field

	// Expires is the first Expires field; ExpiresAt is its parsed value, zero
	// when the field is missing or not a valid RFC 3339 date-time.
	Expires   *Field
	ExpiresAt time.Time

	// Problems are the syntax problems found while parsing.
	Problems []Problem

	lines int // number of lines in the input
}

// Limits on what is stored from one file.
const (
	// MaxFields caps the fields recorded; later fields are ignored.
	MaxFields = 1000
	// MaxProblems caps the problems recorded (one extra notes the overflow).
	MaxProblems = 1000
	// MaxValueLen caps a stored field value in bytes; longer values are
	// truncated (on a rune boundary) and reported.
	MaxValueLen = 2048
	// maxNameLen caps a stored field name.
	maxNameLen = 256
)

// Canonical field names.
const (
	FieldAcknowledgments    = "Acknowledgments"
	FieldCanonical          = "Canonical"
	FieldContact            = "Contact"
	FieldEncryption         = "Encryption"
	FieldExpires            = "Expires"
	FieldHiring             = "Hiring"
	FieldPolicy             = "Policy"
	FieldPreferredLanguages = "Preferred-Languages"
	FieldCSAF               = "CSAF"
)

var knownFields = map[string]string{
	"acknowledgments":     FieldAcknowledgments,
	"canonical":           FieldCanonical,
	"contact":             FieldContact,
	"encryption":          FieldEncryption,
	"expires":             FieldExpires,
	"hiring":              FieldHiring,
	"policy":              FieldPolicy,
	"preferred-languages": FieldPreferredLanguages,
	"csaf":                FieldCSAF,
}

// Key returns the field name in canonical case: the RFC 9116 / IANA registry
// spelling for known fields ("Preferred-Languages", "CSAF"), otherwise each
// hyphen-separated part capitalised ("X-Custom-Field").
func (f Field) Key() string { return canonicalName(f.Name) }

func canonicalName(name string) string {
	lower := strings.ToLower(name)
	if c, ok := knownFields[lower]; ok {
		return c
	}
	b := []byte(lower)
	upper := true
	for i, c := range b {
		if upper && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		upper = c == '-'
	}
	return string(b)
}

// OpenPGP cleartext framing lines (RFC 4880 section 7).
const (
	armorSignedBegin = "-----BEGIN PGP SIGNED MESSAGE-----"
	armorSigBegin    = "-----BEGIN PGP SIGNATURE-----"
	armorSigEnd      = "-----END PGP SIGNATURE-----"
)

type state int

const (
	stUnsigned   state = iota // plain file, or text before the signed message
	stArmorHdr                // armor headers after BEGIN PGP SIGNED MESSAGE
	stSignedBody              // dash-escaped cleartext
	stSignature               // inside the signature block
	stAfterSig                // after END PGP SIGNATURE
)

type parser struct {
	f            *File
	st           state
	sawBegin     bool
	beginLine    int
	sawHash      bool
	sigBeginLine int
	sawSigBegin  bool
	sawSigEnd    bool
	fieldsFull   bool
	problemsFull bool
}

// Parse parses a security.txt file. It never fails; every syntax problem is
// recorded in File.Problems with its line.
func Parse(data []byte) *File {
	f := &File{}
	p := &parser{f: f}

	// Where does a signed message start, if anywhere? Text before it is
	// outside the signature.
	firstSigned := findArmorLine(data, armorSignedBegin)

	lineNo := 0
	for rest := data; len(rest) > 0; {
		var line []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			line, rest = rest, nil
		}
		lineNo++
		line = bytes.TrimSuffix(line, []byte("\r"))
		if lineNo == 1 && bytes.HasPrefix(line, []byte("\uFEFF")) {
			p.add(lineNo, SeverityWarning, "", "byte order mark at start of file; expected utf-8 text without a bom")
			line = line[3:]
		}
		if !utf8.Valid(line) {
			p.add(lineNo, SeverityError, "", "invalid utf-8; expected utf-8 encoded text")
		}
		p.line(lineNo, string(line), firstSigned)
	}
	f.lines = lineNo
	p.finish()
	return f
}

// findArmorLine returns the 1-based line of the first line equal to marker
// (ignoring trailing blanks and CR), or 0.
func findArmorLine(data []byte, marker string) int {
	n := 0
	for rest := data; len(rest) > 0; {
		var line []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			line, rest = rest, nil
		}
		n++
		if isArmor(string(line), marker) {
			return n
		}
	}
	return 0
}

func isArmor(line, marker string) bool {
	return strings.TrimRight(line, " \t\r") == marker
}

func (p *parser) add(line int, sev Severity, field, msg string) {
	if p.problemsFull {
		return
	}
	if len(p.f.Problems) >= MaxProblems {
		p.problemsFull = true
		p.f.Problems = append(p.f.Problems, Problem{Line: line, Severity: SeverityError,
			Message: "too many problems; further problems omitted"})
		return
	}
	p.f.Problems = append(p.f.Problems, Problem{Line: line, Severity: sev, Field: field, Message: msg})
}

func (p *parser) line(n int, s string, firstSigned int) {
	switch p.st {
	case stUnsigned:
		switch {
		case isArmor(s, armorSignedBegin):
			p.sawBegin, p.beginLine = true, n
			p.st = stArmorHdr
			return
		case isArmor(s, armorSigBegin):
			p.add(n, SeverityError, "", "pgp signature without a preceding \"-----BEGIN PGP SIGNED MESSAGE-----\" header")
			p.sigBeginLine = n
			p.st = stSignature
			return
		}
		if firstSigned > 0 && n < firstSigned && strings.TrimSpace(s) != "" {
			p.add(n, SeverityError, "", "text before the pgp signed message; expected the file to start with \"-----BEGIN PGP SIGNED MESSAGE-----\"")
		}
		p.content(n, s, false)
	case stArmorHdr:
		t := strings.TrimRight(s, " \t")
		if t == "" {
			if !p.sawHash {
				p.add(p.beginLine, SeverityWarning, "", "signed message has no \"Hash:\" armor header; expected one before the blank line")
			}
			p.st = stSignedBody
			return
		}
		name, _, ok := strings.Cut(t, ":")
		if ok {
			switch strings.ToLower(name) {
			case "hash":
				p.sawHash = true
				return
			case "charset", "comment", "version", "messageid":
				p.add(n, SeverityWarning, "", "unexpected armor header \""+clip(name, 64)+"\"; expected only \"Hash:\" headers in a cleartext signed message")
				return
			}
		}
		// Not an armor header: the blank line separating headers from the
		// signed text is missing. Treat this line as signed text.
		p.add(n, SeverityError, "", "expected a blank line after the armor headers of the signed message")
		if !p.sawHash {
			p.add(p.beginLine, SeverityWarning, "", "signed message has no \"Hash:\" armor header; expected one before the blank line")
		}
		p.st = stSignedBody
		p.signedLine(n, s)
	case stSignedBody:
		p.signedLine(n, s)
	case stSignature:
		if isArmor(s, armorSigEnd) {
			p.sawSigEnd = true
			p.st = stAfterSig
		}
		// Signature armor is not interpreted further.
	case stAfterSig:
		if strings.TrimSpace(s) == "" {
			return
		}
		if isArmor(s, armorSignedBegin) {
			p.add(n, SeverityError, "", "more than one pgp signed message; expected exactly one")
			p.st = stSignature // skip it: only the first message counts
			return
		}
		p.add(n, SeverityError, "", "text after the pgp signature; expected nothing after \"-----END PGP SIGNATURE-----\" (it is not covered by the signature)")
		p.content(n, s, false)
	}
}

func (p *parser) signedLine(n int, s string) {
	if strings.HasPrefix(s, "-") {
		switch {
		case strings.HasPrefix(s, "- "):
			s = s[2:]
		case isArmor(s, armorSigBegin):
			p.sawSigBegin, p.sigBeginLine = true, n
			p.st = stSignature
			return
		default:
			p.add(n, SeverityError, "", "line starting with \"-\" in signed text; expected it to be dash-escaped as \"- \"")
			return
		}
	}
	p.content(n, s, true)
}

func (p *parser) finish() {
	switch p.st {
	case stArmorHdr, stSignedBody:
		p.add(p.beginLine, SeverityError, "", "signed message has no signature; expected \"-----BEGIN PGP SIGNATURE-----\" after the signed text")
	case stSignature:
		p.add(p.sigBeginLine, SeverityError, "", "unterminated pgp signature; expected \"-----END PGP SIGNATURE-----\"")
	}
	p.f.Signed = p.sawBegin && p.sawSigBegin && p.sawSigEnd
}

// content handles one line of security.txt text (after any dash-unescaping).
func (p *parser) content(n int, s string, signed bool) {
	t := strings.TrimRight(s, " \t")
	if t == "" {
		return
	}
	if t[0] == '#' {
		return
	}
	if t[0] == ' ' || t[0] == '\t' {
		t = strings.TrimLeft(t, " \t")
		if t[0] == '#' {
			p.add(n, SeverityWarning, "", "comment preceded by whitespace; expected \"#\" at the start of the line")
			return
		}
		p.add(n, SeverityError, "", "field preceded by whitespace; expected \"Name: value\" at the start of the line (line folding is not allowed)")
	}
	colon := strings.IndexByte(t, ':')
	if colon < 0 {
		p.add(n, SeverityError, "", "not a field, comment or blank line; expected \"Name: value\" or a comment starting with \"#\"")
		return
	}
	name := t[:colon]
	if name == "" {
		p.add(n, SeverityError, "", "missing field name; expected \"Name: value\"")
		return
	}
	if trimmed := strings.TrimRight(name, " \t"); trimmed != name {
		if trimmed == "" {
			p.add(n, SeverityError, "", "missing field name; expected \"Name: value\"")
			return
		}
		name = trimmed
		if validName(name) {
			p.add(n, SeverityError, canonicalName(name), "whitespace before the colon; expected \"Name: value\" with no space before \":\"")
		}
	}
	if !validName(name) {
		p.add(n, SeverityError, "", "not a field, comment or blank line; expected \"Name: value\" where the name is letters, digits and hyphens, or a comment starting with \"#\"")
		return
	}
	key := canonicalName(name)
	rest := t[colon+1:]
	value := strings.Trim(rest, " \t")
	if value == "" {
		p.add(n, SeverityError, key, "empty "+strings.ToLower(key)+" value; expected \"Name: value\"")
		return
	}
	if rest[0] != ' ' {
		p.add(n, SeverityWarning, key, "no space after the colon; expected \"Name: value\"")
	}
	if hasControl(value) {
		p.add(n, SeverityError, key, "control character in value; expected printable text")
	}
	if len(value) > MaxValueLen {
		p.add(n, SeverityError, key, "value too long; expected at most 2048 bytes (stored value truncated)")
		value = truncate(value, MaxValueLen)
	}
	if signed && strings.EqualFold(name, "hash") {
		p.add(n, SeverityWarning, key, "\"Hash:\" armor header inside the signed text; expected armor headers before the blank line that follows \"-----BEGIN PGP SIGNED MESSAGE-----\"")
	}
	if p.fieldsFull {
		return
	}
	if len(p.f.Fields) >= MaxFields {
		p.fieldsFull = true
		p.add(n, SeverityError, "", "too many fields; expected at most 1000 (further fields ignored)")
		return
	}
	fd := Field{Name: clip(name, maxNameLen), Value: value, Line: n}
	f := p.f
	f.Fields = append(f.Fields, fd)
	switch key {
	case FieldContact:
		f.Contact = append(f.Contact, fd)
	case FieldEncryption:
		f.Encryption = append(f.Encryption, fd)
	case FieldAcknowledgments:
		f.Acknowledgments = append(f.Acknowledgments, fd)
	case FieldCanonical:
		f.Canonical = append(f.Canonical, fd)
	case FieldPolicy:
		f.Policy = append(f.Policy, fd)
	case FieldHiring:
		f.Hiring = append(f.Hiring, fd)
	case FieldPreferredLanguages:
		f.PreferredLanguages = append(f.PreferredLanguages, fd)
	case FieldCSAF:
		f.CSAF = append(f.CSAF, fd)
	case FieldExpires:
		if f.Expires == nil {
			e := fd
			f.Expires = &e
			if t, ok := parseDateTime(value); ok {
				f.ExpiresAt = t
			}
		}
	}
}

// validName reports whether s is an RFC 5322 field-name (printable ASCII
// except colon, no spaces).
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

// hasControl reports C0 controls other than tab, DEL, and C1 controls.
func hasControl(s string) bool {
	for _, r := range s {
		if (r < 0x20 && r != '\t') || (r >= 0x7f && r <= 0x9f) {
			return true
		}
	}
	return false
}

// truncate cuts s to at most n bytes on a UTF-8 boundary.
func truncate(s string, n int) string { return textsafe.Truncate(s, n) }

// clip is truncate for names quoted in messages or stored as names.
func clip(s string, n int) string { return truncate(s, n) }

// Lines reports how many lines the parsed input had.
func (f *File) Lines() int { return f.lines }
