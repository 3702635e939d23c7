package sign

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// MaxAllowedSignersSize bounds an allowed signers file.
const MaxAllowedSignersSize = 1 << 20

// MaxAllowedSignersLines bounds the number of entries.
const MaxAllowedSignersLines = 10_000

// AllowedSigners is a parsed ssh-keygen ALLOWED SIGNERS file: which keys may
// sign as which principals, for which namespaces and in which time window.
type AllowedSigners struct {
	entries []Entry
}

// Entry is one line of an allowed signers file.
type Entry struct {
	// Line is the 1-based line number in the file.
	Line int
	// Principals is the principals field as written: a comma-separated list
	// of patterns where * and ? are wildcards and a leading ! negates.
	Principals string
	// Key is the public key. For a cert-authority entry it is the CA key.
	Key ssh.PublicKey
	// CertAuthority marks a line that trusts certificates signed by Key
	// rather than Key itself. Assay does not verify certificate signatures,
	// so such an entry never matches.
	CertAuthority bool
	// Namespaces, when not empty, is the namespaces="..." pattern list.
	Namespaces string
	// ValidAfter and ValidBefore bound when the key may be used; zero means
	// unbounded.
	ValidAfter, ValidBefore time.Time
}

// Entries returns the parsed lines in file order.
func (a *AllowedSigners) Entries() []Entry {
	return append([]Entry(nil), a.entries...)
}

// ReadAllowedSigners reads and parses an allowed signers stream, bounded by
// MaxAllowedSignersSize.
func ReadAllowedSigners(r io.Reader) (*AllowedSigners, error) {
	data, err := readBounded(r, MaxAllowedSignersSize)
	if err != nil {
		return nil, err
	}
	return ParseAllowedSigners(data)
}

// ParseAllowedSigners parses the ssh-keygen ALLOWED SIGNERS format:
//
//	principals [options] keytype base64-key [comment]
//
// Blank lines and lines starting with # are ignored. Options are
// cert-authority, namespaces="list", valid-after="time" and
// valid-before="time", where time is YYYYMMDD[HHMM[SS]] with an optional Z
// for UTC (otherwise local time, as ssh-keygen does). Errors name the line.
func ParseAllowedSigners(data []byte) (*AllowedSigners, error) {
	if len(data) > MaxAllowedSignersSize {
		return nil, fmt.Errorf("allowed signers: %d bytes exceeds the %d byte limit", len(data), MaxAllowedSignersSize)
	}
	a := &AllowedSigners{}
	lines := bytes.Split(data, []byte("\n"))
	for i, raw := range lines {
		n := i + 1
		line := strings.TrimSpace(strings.TrimSuffix(string(raw), "\r"))
		if line == "" || line[0] == '#' {
			continue
		}
		if len(a.entries) >= MaxAllowedSignersLines {
			return nil, fmt.Errorf("allowed signers line %d: more than %d entries", n, MaxAllowedSignersLines)
		}
		e, err := parseEntry(line)
		if err != nil {
			return nil, fmt.Errorf("allowed signers line %d: %w", n, err)
		}
		e.Line = n
		a.entries = append(a.entries, e)
	}
	return a, nil
}

func parseEntry(line string) (Entry, error) {
	var e Entry
	principals, rest, err := nextField(line)
	if err != nil {
		return e, fmt.Errorf("principals: %w", err)
	}
	if principals == "" {
		return e, errors.New("expected principals, then an optional option list, then a key")
	}
	e.Principals = principals
	rest = strings.TrimLeft(rest, " \t")
	if rest == "" {
		return e, errors.New("missing key after principals")
	}
	key, keyErr := parseKey(rest)
	if keyErr != nil && looksLikeKeyType(rest) {
		return e, fmt.Errorf("invalid key: %w", keyErr)
	}
	if keyErr != nil {
		// Not a key: the next field is the option list.
		opts, after, err := nextOptions(rest)
		if err != nil {
			return e, err
		}
		after = strings.TrimLeft(after, " \t")
		if after == "" {
			return e, errors.New("missing key after options")
		}
		if err := e.applyOptions(opts); err != nil {
			return e, err
		}
		key, err = parseKey(after)
		if err != nil {
			return e, fmt.Errorf("invalid key: %w", err)
		}
	}
	e.Key = key
	return e, nil
}

// nextField returns the first whitespace-delimited field, honouring double
// quotes as ssh-keygen does for principals.
func nextField(s string) (field, rest string, err error) {
	if strings.HasPrefix(s, `"`) {
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return "", "", errors.New("unterminated quote")
		}
		field = s[1 : 1+end]
		rest = s[2+end:]
		if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
			return "", "", errors.New("text directly after closing quote")
		}
		return field, rest, nil
	}
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i], s[i:], nil
	}
	return s, "", nil
}

// nextOptions splits off the option list: it ends at the first space or tab
// outside double quotes.
func nextOptions(s string) (opts, rest string, err error) {
	inQuote := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && inQuote && i+1 < len(s):
			i++
		case c == '"':
			inQuote = !inQuote
		case (c == ' ' || c == '\t') && !inQuote:
			return s[:i], s[i:], nil
		}
	}
	if inQuote {
		return "", "", errors.New("invalid options: unterminated quote")
	}
	return s, "", nil
}

func (e *Entry) applyOptions(opts string) error {
	seen := map[string]bool{}
	for opts != "" {
		name, value, hasValue, rest, err := nextOption(opts)
		if err != nil {
			return fmt.Errorf("invalid options: %w", err)
		}
		opts = rest
		lname := strings.ToLower(name)
		if seen[lname] {
			return fmt.Errorf("option %s given twice", name)
		}
		seen[lname] = true
		switch lname {
		case "cert-authority":
			if hasValue {
				return errors.New("option cert-authority takes no value")
			}
			e.CertAuthority = true
		case "namespaces":
			if !hasValue || value == "" {
				return errors.New(`option namespaces needs a value: namespaces="assay"`)
			}
			e.Namespaces = value
		case "valid-after", "valid-before":
			if !hasValue {
				return fmt.Errorf(`option %s needs a value: %s="20260101Z"`, lname, lname)
			}
			t, err := parseSSHTime(value)
			if err != nil {
				return fmt.Errorf("option %s: %w", lname, err)
			}
			if lname == "valid-after" {
				e.ValidAfter = t
			} else {
				e.ValidBefore = t
			}
		default:
			return fmt.Errorf("unknown option %q (expected cert-authority, namespaces, valid-after or valid-before)", name)
		}
	}
	if !e.ValidAfter.IsZero() && !e.ValidBefore.IsZero() && !e.ValidBefore.After(e.ValidAfter) {
		return errors.New("valid-before is not after valid-after")
	}
	return nil
}

// nextOption reads name[="value"] and the separating comma.
func nextOption(s string) (name, value string, hasValue bool, rest string, err error) {
	i := strings.IndexAny(s, "=,")
	if i < 0 {
		return s, "", false, "", nil
	}
	name = s[:i]
	if name == "" {
		return "", "", false, "", errors.New("empty option name")
	}
	if s[i] == ',' {
		if i+1 == len(s) {
			return "", "", false, "", errors.New("trailing comma")
		}
		return name, "", false, s[i+1:], nil
	}
	s = s[i+1:]
	if !strings.HasPrefix(s, `"`) {
		return "", "", false, "", fmt.Errorf("option %s: value must be in double quotes", name)
	}
	var b strings.Builder
	j := 1
	for ; j < len(s); j++ {
		c := s[j]
		if c == '\\' && j+1 < len(s) && s[j+1] == '"' {
			b.WriteByte('"')
			j++
			continue
		}
		if c == '"' {
			break
		}
		b.WriteByte(c)
	}
	if j >= len(s) {
		return "", "", false, "", fmt.Errorf("option %s: unterminated quote", name)
	}
	rest = s[j+1:]
	if rest != "" {
		if rest[0] != ',' {
			return "", "", false, "", fmt.Errorf("option %s: expected a comma after the value", name)
		}
		rest = rest[1:]
		if rest == "" {
			return "", "", false, "", errors.New("trailing comma")
		}
	}
	return name, b.String(), true, rest, nil
}

// looksLikeKeyType reports whether s starts with an SSH key algorithm name,
// so a broken key is reported as such rather than as an unknown option.
func looksLikeKeyType(s string) bool {
	for _, p := range []string{"ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-", "rsa-sha2-"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// parseKey parses "keytype base64 [comment]".
func parseKey(s string) (ssh.PublicKey, error) {
	fields := strings.Fields(s)
	if len(fields) < 2 {
		return nil, errors.New("expected a key type and base64 key")
	}
	raw, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil {
		return nil, fmt.Errorf("key is not base64: %w", err)
	}
	k, err := ssh.ParsePublicKey(raw)
	if err != nil {
		return nil, err
	}
	if k.Type() != fields[0] {
		return nil, fmt.Errorf("key type %q does not match the key's own type %q", fields[0], k.Type())
	}
	return k, nil
}

// parseSSHTime parses the ssh-keygen time formats YYYYMMDD, YYYYMMDDHHMM and
// YYYYMMDDHHMMSS, with a trailing Z (or z) meaning UTC and no suffix meaning
// local time.
func parseSSHTime(v string) (time.Time, error) {
	loc := time.Local
	s := v
	if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") {
		loc = time.UTC
		s = s[:len(s)-1]
	}
	var layout string
	switch len(s) {
	case 8:
		layout = "20060102"
	case 12:
		layout = "200601021504"
	case 14:
		layout = "20060102150405"
	default:
		return time.Time{}, fmt.Errorf("time %q: expected YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, optionally ending in Z", v)
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return time.Time{}, fmt.Errorf("time %q: expected digits", v)
		}
	}
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: %w", v, err)
	}
	return t, nil
}

// Verify checks armoredSig over message for namespace and that an allowed
// signers entry authorises the key for identity at time at. An empty
// identity accepts any principal listed with the key; the returned principal
// is then the principals field of the matching entry (for a single literal
// principal, the identity itself). Errors wrap ErrMalformedSignature,
// ErrBadSignature, ErrUnknownSigner, ErrSignerExpired or ErrSignerNotYetValid.
func (a *AllowedSigners) Verify(message, armoredSig []byte, namespace, identity string, at time.Time) (string, error) {
	key, err := VerifyKey(message, armoredSig, namespace)
	if err != nil {
		return "", err
	}
	return a.Authorize(key, namespace, identity, at)
}

// Authorize reports whether key may sign for namespace as identity at time
// at, returning the matched principal.
func (a *AllowedSigners) Authorize(key ssh.PublicKey, namespace, identity string, at time.Time) (string, error) {
	if a == nil {
		return "", fmt.Errorf("%w: no allowed signers configured", ErrUnknownSigner)
	}
	want := key.Marshal()
	var timeErr error
	keyListed, identityListed := false, false
	for _, e := range a.entries {
		if e.CertAuthority || !bytes.Equal(e.Key.Marshal(), want) {
			continue
		}
		keyListed = true
		if identity != "" && matchPatternList(identity, e.Principals) != 1 {
			continue
		}
		identityListed = true
		if e.Namespaces != "" && matchPatternList(namespace, e.Namespaces) != 1 {
			continue
		}
		if !e.ValidAfter.IsZero() && at.Before(e.ValidAfter) {
			timeErr = fmt.Errorf("%w: allowed signers line %d is valid after %s", ErrSignerNotYetValid, e.Line, e.ValidAfter.Format(time.RFC3339))
			continue
		}
		if !e.ValidBefore.IsZero() && !at.Before(e.ValidBefore) {
			timeErr = fmt.Errorf("%w: allowed signers line %d was valid before %s", ErrSignerExpired, e.Line, e.ValidBefore.Format(time.RFC3339))
			continue
		}
		if identity != "" {
			return identity, nil
		}
		return e.Principals, nil
	}
	fp := ssh.FingerprintSHA256(key)
	switch {
	case timeErr != nil:
		return "", timeErr
	case !keyListed:
		return "", fmt.Errorf("%w: key %s is not in the allowed signers file", ErrUnknownSigner, fp)
	case !identityListed:
		return "", fmt.Errorf("%w: key %s is not allowed to sign as %q", ErrUnknownSigner, fp, identity)
	default:
		return "", fmt.Errorf("%w: key %s is not allowed to sign in namespace %q", ErrUnknownSigner, fp, namespace)
	}
}

// Principals lists the principals fields of every entry whose key matches,
// like ssh-keygen -Y find-principals (ignoring namespaces and validity).
func (a *AllowedSigners) Principals(key ssh.PublicKey) []string {
	var out []string
	want := key.Marshal()
	for _, e := range a.entries {
		if !e.CertAuthority && bytes.Equal(e.Key.Marshal(), want) {
			out = append(out, e.Principals)
		}
	}
	return out
}

// matchPatternList follows OpenSSH's match_pattern_list: 1 when s matches a
// positive pattern and no negated one, -1 when a negated pattern matches, 0
// otherwise. Matching is case-sensitive, as for allowed signers.
func matchPatternList(s, list string) int {
	got := 0
	for _, p := range strings.Split(list, ",") {
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		if matchPattern(s, p) {
			if neg {
				return -1
			}
			got = 1
		}
	}
	return got
}

// matchPattern matches s against a glob with * and ?, iteratively so a
// hostile pattern cannot cause exponential backtracking.
func matchPattern(s, p string) bool {
	si, pi := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			si++
			pi++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// FormatEntry renders an allowed signers line for principal and key, limited
// to the assay namespace.
func FormatEntry(principal string, key ssh.PublicKey) string {
	return fmt.Sprintf("%s namespaces=%q %s", principal, Namespace, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key))))
}
