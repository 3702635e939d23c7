package securitytxt

import (
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/assaysec/assay/internal/lazyre"
)

// MaxExpiryAhead is how far ahead Expires may be before Validate warns
// (RFC 9116 section 2.5.5 recommends less than a year).
const MaxExpiryAhead = 365 * 24 * time.Hour

// Validate returns the parse problems plus the semantic rules of RFC 9116,
// evaluated at now, sorted by line (file-level problems, line 0, first).
func (f *File) Validate(now time.Time) []Problem {
	v := &validator{}
	v.probs = append(v.probs, f.Problems...)

	// Contact: required, one or more; each a mailto:, https: or tel: URI.
	if len(f.Contact) == 0 {
		v.add(0, SeverityError, FieldContact, "missing contact field; expected at least one \"Contact:\" with a mailto:, https: or tel: uri")
	}
	for _, c := range f.Contact {
		v.contact(c)
	}

	// Expires: required exactly once, RFC 3339, in the future, < 1 year.
	var expires []Field
	for _, fd := range f.Fields {
		if fd.Key() == FieldExpires {
			expires = append(expires, fd)
		}
	}
	switch {
	case len(expires) == 0:
		v.add(0, SeverityError, FieldExpires, "missing expires field; expected exactly one \"Expires:\" with an rfc 3339 date-time")
	default:
		for _, dup := range expires[1:] {
			v.add(dup.Line, SeverityError, FieldExpires, "duplicate expires field; expected exactly one")
		}
		v.expires(expires[0], now)
	}

	// Preferred-Languages: at most once; comma-separated language tags.
	for i, pl := range f.PreferredLanguages {
		if i > 0 {
			v.add(pl.Line, SeverityError, FieldPreferredLanguages, "duplicate preferred-languages field; expected at most one")
		}
		v.languages(pl)
	}

	for _, fd := range f.Canonical {
		v.httpsOnly(fd)
	}
	for _, fd := range f.Policy {
		v.httpsOnly(fd)
	}
	for _, fd := range f.Acknowledgments {
		v.httpsOnly(fd)
	}
	for _, fd := range f.Hiring {
		v.httpsOnly(fd)
	}
	for _, fd := range f.CSAF {
		v.httpsOnly(fd)
	}
	for _, fd := range f.Encryption {
		v.encryption(fd)
	}

	if f.Signed && len(f.Canonical) == 0 {
		v.add(0, SeverityWarning, FieldCanonical, "signed file without a canonical field; expected \"Canonical:\" naming where the signed file is published")
	}

	// Unknown fields are allowed (and ignored by RFC 9116); flag only likely
	// misspellings of registered ones.
	for _, fd := range f.Fields {
		if hint, ok := misspelt[strings.ToLower(fd.Name)]; ok {
			v.add(fd.Line, SeverityWarning, fd.Key(), "unknown field \""+fd.Name+"\"; expected \""+hint+"\"")
		}
	}

	sort.SliceStable(v.probs, func(i, j int) bool { return v.probs[i].Line < v.probs[j].Line })
	return v.probs
}

var misspelt = map[string]string{
	"acknowledgements":   FieldAcknowledgments,
	"acknowledgement":    FieldAcknowledgments,
	"acknowledgment":     FieldAcknowledgments,
	"contacts":           FieldContact,
	"expire":             FieldExpires,
	"expiry":             FieldExpires,
	"expiration":         FieldExpires,
	"preferred-language": FieldPreferredLanguages,
	"encryptions":        FieldEncryption,
	"policies":           FieldPolicy,
	"canonicals":         FieldCanonical,
}

type validator struct{ probs []Problem }

// add records a problem. Validate adds at most a few problems per stored
// field, so the total stays bounded by MaxFields and MaxProblems.
func (v *validator) add(line int, sev Severity, field, msg string) {
	v.probs = append(v.probs, Problem{Line: line, Severity: sev, Field: field, Message: msg})
}

// quote returns a short quoted form of s for messages.
func quote(s string) string { return "\"" + clip(s, 80) + "\"" }

// scheme returns the lowercased URI scheme of s and the rest after the colon,
// or "" if s does not start with a valid scheme (RFC 3986 section 3.1).
func scheme(s string) (string, string) {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return "", s
	}
	for j := 0; j < i; j++ {
		c := s[j]
		isAlpha := (c|0x20) >= 'a' && (c|0x20) <= 'z'
		if j == 0 && !isAlpha {
			return "", s
		}
		if !isAlpha && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.' {
			return "", s
		}
	}
	return strings.ToLower(s[:i]), s[i+1:]
}

func hasSpace(s string) bool { return strings.ContainsAny(s, " \t") }

// validHTTPS reports whether s is an absolute https URL with a host.
func validHTTPS(s string) bool {
	if hasSpace(s) || hasControl(s) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && strings.EqualFold(u.Scheme, "https") && u.Host != "" && u.Hostname() != ""
}

var emailish = lazyre.New(`^[^\s@:/]+@[^\s@:/]+\.[^\s@:/]+$`)

func (v *validator) contact(c Field) {
	val := c.Value
	sch, rest := scheme(val)
	switch sch {
	case "mailto":
		addrs := rest
		if i := strings.IndexByte(addrs, '?'); i >= 0 {
			addrs = addrs[:i]
		}
		if addrs == "" || hasSpace(val) {
			v.add(c.Line, SeverityError, FieldContact, "invalid mailto uri "+quote(val)+"; expected mailto:user@example.com")
			return
		}
		for _, a := range strings.Split(addrs, ",") {
			if a, err := url.PathUnescape(a); err != nil || !validAddr(a) {
				v.add(c.Line, SeverityError, FieldContact, "invalid mailto uri "+quote(val)+"; expected mailto:user@example.com")
				return
			}
		}
	case "https":
		if !validHTTPS(val) {
			v.add(c.Line, SeverityError, FieldContact, "invalid https uri "+quote(val)+"; expected https://host/path")
		}
	case "tel":
		if !validTel(rest) {
			v.add(c.Line, SeverityError, FieldContact, "invalid tel uri "+quote(val)+"; expected tel:+ followed by digits, no spaces")
		}
	case "http":
		v.add(c.Line, SeverityError, FieldContact, "insecure http uri "+quote(val)+"; expected https")
	case "":
		if emailish.MatchString(val) {
			v.add(c.Line, SeverityError, FieldContact, "contact "+quote(val)+" is not a uri; expected mailto:"+clip(val, 80))
		} else {
			v.add(c.Line, SeverityError, FieldContact, "contact "+quote(val)+" is not a uri; expected a mailto:, https: or tel: uri")
		}
	default:
		v.add(c.Line, SeverityError, FieldContact, "unsupported contact scheme \""+clip(sch, 32)+":\"; expected a mailto:, https: or tel: uri")
	}
}

func validAddr(a string) bool {
	at := strings.LastIndexByte(a, '@')
	if at <= 0 || at == len(a)-1 {
		return false
	}
	domain := a[at+1:]
	return !hasSpace(a) && !hasControl(a) && !strings.ContainsAny(domain, "/:") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

func validTel(s string) bool {
	num, _, _ := strings.Cut(s, ";")
	digits := 0
	for i := 0; i < len(num); i++ {
		c := num[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '+' && i == 0, c == '-', c == '.', c == '(', c == ')':
		default:
			return false
		}
	}
	return digits > 0
}

var (
	rfc3339Re  = lazyre.New(`^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$`)
	dateOnlyRe = lazyre.New(`^\d{4}-\d{2}-\d{2}$`)
	rfc5322Re  = lazyre.New(`(?i)^((mon|tue|wed|thu|fri|sat|sun),\s*)?\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)`)
)

// parseDateTime parses an RFC 3339 date-time (the "internet date/time format"
// RFC 9116 requires). Lowercase "t"/"z" are accepted as RFC 3339 allows.
func parseDateTime(s string) (time.Time, bool) {
	if !rfc3339Re.MatchString(s) {
		return time.Time{}, false
	}
	s = strings.ToUpper(s)
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

func (v *validator) expires(e Field, now time.Time) {
	t, ok := parseDateTime(e.Value)
	if !ok {
		msg := "invalid expires date " + quote(e.Value) + "; expected an rfc 3339 date-time such as 2026-12-31T23:59:59Z"
		switch {
		case dateOnlyRe.MatchString(e.Value):
			msg = "expires date " + quote(e.Value) + " has no time or timezone; expected an rfc 3339 date-time such as " + e.Value + "T00:00:00Z"
		case rfc5322Re.MatchString(e.Value):
			msg = "expires date " + quote(e.Value) + " uses the rfc 5322 format; expected an rfc 3339 date-time such as 2026-12-31T23:59:59Z"
		}
		v.add(e.Line, SeverityError, FieldExpires, msg)
		return
	}
	switch {
	case !t.After(now):
		v.add(e.Line, SeverityError, FieldExpires, "expired on "+t.UTC().Format(time.RFC3339)+"; expected an expires date in the future")
	case t.Sub(now) > MaxExpiryAhead:
		v.add(e.Line, SeverityWarning, FieldExpires, "expires "+t.UTC().Format(time.RFC3339)+" is more than a year ahead; expected less than a year (rfc 9116 recommendation)")
	}
}

func (v *validator) languages(pl Field) {
	for _, tag := range strings.Split(pl.Value, ",") {
		tag = strings.Trim(tag, " \t")
		if !validLangTag(tag) {
			v.add(pl.Line, SeverityError, FieldPreferredLanguages, "invalid language tag "+quote(tag)+"; expected comma-separated rfc 5646 language tags such as \"en, fr-CA\"")
			return
		}
	}
}

// validLangTag checks the shape of an RFC 5646 Language-Tag: a primary
// subtag of 2–8 letters (or the single-letter "x"/"i" prefixes of private-use
// and grandfathered tags) followed by subtags of 1–8 letters and digits.
func validLangTag(tag string) bool {
	if tag == "" || len(tag) > 64 {
		return false
	}
	parts := strings.Split(tag, "-")
	for i, p := range parts {
		if len(p) == 0 || len(p) > 8 {
			return false
		}
		for j := 0; j < len(p); j++ {
			c := p[j] | 0x20
			letter := c >= 'a' && c <= 'z'
			digit := p[j] >= '0' && p[j] <= '9'
			if i == 0 && !letter {
				return false
			}
			if !letter && !digit {
				return false
			}
		}
		if i == 0 && len(p) == 1 {
			if l := p[0] | 0x20; (l != 'x' && l != 'i') || len(parts) == 1 {
				return false
			}
		}
	}
	return true
}

func (v *validator) httpsOnly(fd Field) {
	key := fd.Key()
	sch, _ := scheme(fd.Value)
	switch {
	case sch == "https":
		if !validHTTPS(fd.Value) {
			v.add(fd.Line, SeverityError, key, "invalid https uri "+quote(fd.Value)+"; expected https://host/path")
		}
	case sch == "http":
		v.add(fd.Line, SeverityError, key, "insecure http uri "+quote(fd.Value)+"; expected https")
	default:
		v.add(fd.Line, SeverityError, key, strings.ToLower(key)+" "+quote(fd.Value)+" is not an https uri; expected https://host/path")
	}
}

var hexRe = lazyre.New(`^[0-9A-Fa-f]{16,64}$`)

func (v *validator) encryption(fd Field) {
	sch, rest := scheme(fd.Value)
	switch sch {
	case "https":
		if !validHTTPS(fd.Value) {
			v.add(fd.Line, SeverityError, FieldEncryption, "invalid https uri "+quote(fd.Value)+"; expected https://host/path")
		}
	case "openpgp4fpr":
		if !hexRe.MatchString(rest) {
			v.add(fd.Line, SeverityError, FieldEncryption, "invalid openpgp4fpr uri "+quote(fd.Value)+"; expected openpgp4fpr: followed by a hexadecimal key fingerprint")
		}
	case "dns":
		if rest == "" || hasSpace(rest) || hasControl(rest) {
			v.add(fd.Line, SeverityError, FieldEncryption, "invalid dns uri "+quote(fd.Value)+"; expected dns:name?type=OPENPGPKEY")
		}
	case "data":
		// A valid URI, but RFC 9116 section 2.5.4 says the key itself must
		// not appear in this field.
		v.add(fd.Line, SeverityWarning, FieldEncryption, "encryption key embedded as a data: uri; expected a uri pointing to where the key can be retrieved")
	case "http":
		v.add(fd.Line, SeverityError, FieldEncryption, "insecure http uri "+quote(fd.Value)+"; expected https")
	case "":
		v.add(fd.Line, SeverityError, FieldEncryption, "encryption "+quote(fd.Value)+" is not a uri; expected an https:, openpgp4fpr: or dns: uri")
	default:
		v.add(fd.Line, SeverityError, FieldEncryption, "unsupported encryption scheme \""+clip(sch, 32)+":\"; expected an https:, openpgp4fpr: or dns: uri")
	}
}
