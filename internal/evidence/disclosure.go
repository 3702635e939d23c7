package evidence

import (
	"github.com/assaysec/assay/internal/parse/securityinsights"
	"github.com/assaysec/assay/internal/parse/securitypolicy"
	"github.com/assaysec/assay/internal/parse/securitytxt"
)

// Kinds of vulnerability-disclosure evidence (principle 3.2).
const (
	KindSecurityPolicy   Kind = "disclosure/security-policy"
	KindSecurityTxt      Kind = "disclosure/security-txt"
	KindSecurityInsights Kind = "disclosure/security-insights"
)

// SecurityPolicy is a SECURITY.md (or equivalent) found in the tree, as
// analysed; Err is set when the file could not be read.
type SecurityPolicy struct {
	Path   string
	Policy securitypolicy.Policy
	Err    string
}

// Kind implements Fact.
func (SecurityPolicy) Kind() Kind { return KindSecurityPolicy }

// SecurityTxt is a security.txt (RFC 9116) found in the tree; File is nil
// when the file could not be read.
type SecurityTxt struct {
	Path string
	File *securitytxt.File
	Err  string
}

// Kind implements Fact.
func (SecurityTxt) Kind() Kind { return KindSecurityTxt }

// SecurityInsights is an OpenSSF Security Insights file; Doc is nil when it
// could not be read or parsed, and Err (with ErrLine) says why.
type SecurityInsights struct {
	Path    string
	Doc     *securityinsights.Document
	Err     string
	ErrLine int
}

// Kind implements Fact.
func (SecurityInsights) Kind() Kind { return KindSecurityInsights }
