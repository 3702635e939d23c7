// Package defaultcreds finds default and weak credentials shipped in text:
// password settings with a well-known default value in configuration files,
// default accounts in SQL seed data, and prose that tells users to log in
// with a default account. It is deliberately narrow: a value counts only
// when it is a literal from a short list of well-known defaults, or the
// same as the user name next to it. Random-looking literals are left to the
// secret detectors; placeholders (${VAR}, <password>, your-password) are
// never counted. A false alarm against a library is worse than a miss.
package defaultcreds

import (
	"bytes"
	"cmp"
	"crypto/md5"  //nolint:gosec // recognising MD5 digests of default passwords in seed data, not hashing
	"crypto/sha1" //nolint:gosec // likewise SHA-1
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"unicode"

	"github.com/assaysec/assay/internal/lazyre"
)

// Mode selects which forms Scan looks for.
type Mode uint8

// Modes; combine them with |.
const (
	// Settings looks for key/value settings whose key names a password and
	// whose value is written bare or quoted (ini, env, YAML, TOML,
	// properties, compose files, XML).
	Settings Mode = 1 << iota
	// CodeSettings is Settings for configuration written as code (PHP,
	// Python, JavaScript, Ruby): only quoted literals count, a bare word is
	// a variable.
	CodeSettings
	// SQL looks for default accounts in seed data: CREATE USER ...
	// IDENTIFIED BY 'x' and INSERT INTO users ... MD5('x').
	SQL
	// Prose looks for instructions such as "default password: admin" or
	// "log in with admin / password".
	Prose
)

// Forms of a match.
const (
	FormSetting     = "setting"
	FormSQL         = "sql"
	FormInstruction = "login-instruction"
)

// Reasons a value counts as a default.
const (
	ReasonWellKnown = "a well-known default password"
	ReasonSameUser  = "the same as the user name"
	ReasonDigest    = "the digest of a well-known default password"
)

// Match is one default credential. Value is the credential itself: callers
// fingerprint it and must never show it.
type Match struct {
	Line   int
	Key    string // the setting or column name, as written; empty in prose
	Form   string
	Reason string
	Value  string
}

// MaxLine caps the length of a line that is examined; longer lines are
// minified code or data, not hand-written configuration.
const MaxLine = 4096

// weak is the list of well-known default passwords. Matching is exact and
// case-sensitive: "Password" is a form label in a translation file,
// "password" a value.
var weak = wordSet(`password passw0rd p@ssw0rd p@ssword Passw0rd P@ssw0rd P@ssword Password1 Password123
	password1 password123 pass pass123 admin admin123 admin1234 administrator root toor changeme changeit change_me
	secret 123456 1234567 12345678 123456789 1234567890 12345 1234 qwerty letmein default guest postgres mysql
	welcome welcome1 abc123 master raspberry oracle manager`)

// weakDigest holds the MD5, SHA-1 and SHA-256 hex digests of the weak
// passwords, as seed data stores them.
var weakDigest = digests(weak)

func wordSet(words string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(words) {
		out[w] = true
	}
	return out
}

func digests(words map[string]bool) map[string]bool {
	out := map[string]bool{}
	for w := range words {
		for _, h := range []string{hexMD5(w), hexSHA1(w), hexSHA256(w)} {
			out[h] = true
		}
	}
	return out
}

func hexMD5(s string) string    { h := md5.Sum([]byte(s)); return hex.EncodeToString(h[:]) }  //nolint:gosec
func hexSHA1(s string) string   { h := sha1.Sum([]byte(s)); return hex.EncodeToString(h[:]) } //nolint:gosec
func hexSHA256(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

// IsWeak reports whether v is a well-known default password.
func IsWeak(v string) bool { return weak[v] }

// Scan returns the default credentials in data, in line order.
func Scan(data []byte, mode Mode) []Match { return ScanLowered(data, nil, mode) }

// ScanLowered is Scan for a caller that already holds data with its ASCII
// letters lowercased (lower, as long as data; nil when it has none): the
// SQL forms' guards read it instead of lowercasing data again.
func ScanLowered(data, lower []byte, mode Mode) []Match {
	if len(data) == 0 {
		return nil
	}
	lines := splitLines(data)
	var out []Match
	if mode&(Settings|CodeSettings) != 0 {
		out = append(out, scanSettings(lines, mode&CodeSettings != 0)...)
	}
	if mode&SQL != 0 {
		out = append(out, scanSQL(data, lower)...)
	}
	if mode&Prose != 0 {
		out = append(out, scanProse(lines)...)
	}
	return dedupe(out)
}

func splitLines(data []byte) []string {
	s := string(data)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Split(s, "\n")
}

func dedupe(ms []Match) []Match {
	type key struct {
		line  int
		value string
	}
	seen := map[key]bool{}
	var out []Match
	for _, m := range ms {
		k := key{m.Line, m.Value}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, m)
	}
	slices.SortStableFunc(out, func(a, b Match) int { return cmp.Compare(a.Line, b.Line) })
	return out
}

// ---- key/value settings ----

// keyTokens splits a key into lower-case words: MYSQL_ROOT_PASSWORD,
// db-password, dbPassword and $cfg['db_password'] all end in "password".
func keyTokens(key string) []string {
	var toks []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			toks = append(toks, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(key)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if unicode.IsUpper(r) && i > 0 && unicode.IsLower(rs[i-1]) {
				flush()
			}
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	return toks
}

var passwordWords = map[string]bool{"password": true, "passwd": true, "pwd": true, "pass": true, "passphrase": true, "secret": true}

// IsPasswordKey reports whether a setting's name says it holds a password
// or secret: its last word is password, passwd, pwd, pass, passphrase or
// secret, or it ends in "secret key". password_hash, passwordLength and
// secret_name do not.
func IsPasswordKey(key string) bool {
	t := keyTokens(key)
	if len(t) == 0 {
		return false
	}
	last := t[len(t)-1]
	if passwordWords[last] {
		return true
	}
	return last == "key" && len(t) >= 2 && t[len(t)-2] == "secret"
}

var userWords = map[string]bool{"user": true, "username": true, "usr": true, "login": true, "account": true}

func isUserKey(key string) bool {
	t := keyTokens(key)
	return len(t) > 0 && userWords[t[len(t)-1]]
}

// assignment finds "key <sep> value" in a line: KEY=value, key: value,
// "key": "value", $cfg['key'] = 'value', key => 'value', ENV KEY value is
// not covered (Dockerfile ENV uses =, or a space only in the legacy form).
var assignment = lazyre.New(`(?:^|[\s{,;(\[])(?:export\s+|ENV\s+|ARG\s+|-\s+)?["']?(\$?[A-Za-z_][\w.\-]*(?:\[\s*["']?[\w.\-]+["']?\s*\])*)["']?\s*(=>|:=|=|:)\s*(.*)$`)

var xmlElement = lazyre.New(`<([A-Za-z_][\w.\-:]*)>([^<]{1,128})</([A-Za-z_][\w.\-:]*)>`)

// lastKeyName strips array syntax: $_CFG['db']['password'] -> password.
func lastKeyName(k string) string {
	if i := strings.LastIndexByte(k, '['); i >= 0 {
		inner := strings.Trim(k[i+1:], "[]'\" \t")
		if inner != "" {
			return inner
		}
	}
	return strings.TrimPrefix(k, "$")
}

type setting struct {
	line  int
	key   string
	value string
	ok    bool // value is a literal (not a placeholder or expression)
}

func scanSettings(lines []string, code bool) []Match {
	var pw, users []setting
	for i, raw := range lines {
		if len(raw) > MaxLine {
			continue
		}
		line := strings.TrimSpace(raw)
		if line == "" || isCommentLine(line) {
			continue
		}
		for _, s := range settingsIn(line, code) {
			s.line = i + 1
			switch {
			case IsPasswordKey(s.key):
				pw = append(pw, s)
			case isUserKey(s.key) && s.ok:
				users = append(users, s)
			}
		}
	}
	var out []Match
	for _, p := range pw {
		if !p.ok {
			continue
		}
		reason := ""
		switch {
		case weak[p.value]:
			reason = ReasonWellKnown
		case sameAsNearbyUser(p, users):
			reason = ReasonSameUser
		default:
			continue
		}
		out = append(out, Match{Line: p.line, Key: p.key, Form: FormSetting, Reason: reason, Value: p.value})
	}
	return out
}

func sameAsNearbyUser(p setting, users []setting) bool {
	if len(p.value) < 2 {
		return false
	}
	for _, u := range users {
		if u.value == p.value && abs(u.line-p.line) <= 12 {
			return true
		}
	}
	return false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func isCommentLine(l string) bool {
	return strings.HasPrefix(l, "#") || strings.HasPrefix(l, "//") || strings.HasPrefix(l, ";") ||
		strings.HasPrefix(l, "/*") || strings.HasPrefix(l, "*") || strings.HasPrefix(l, "--") || strings.HasPrefix(l, "<!--")
}

// settingsIn returns the settings on one line. Several may share a line in
// JSON or inline YAML; each value ends at the next top-level separator.
func settingsIn(line string, code bool) []setting {
	var out []setting
	rest := line
	// Every separator assignment accepts holds '=' or ':', and every
	// element xmlElement accepts a closing "</": lines without them (most
	// lines of code) skip the expressions.
	for n := 0; n < 8 && strings.ContainsAny(rest, "=:"); n++ {
		m := assignment.FindStringSubmatchIndex(rest)
		if m == nil {
			break
		}
		key := lastKeyName(rest[m[2]:m[3]])
		sep := rest[m[4]:m[5]]
		val := rest[m[6]:m[7]]
		if sep == "=" && strings.HasPrefix(val, "=") { // == comparison
			rest = val[1:]
			continue
		}
		v, ok, consumed := literal(val, code)
		out = append(out, setting{key: key, value: v, ok: ok})
		if consumed <= 0 || consumed > len(val) {
			break
		}
		rest = val[consumed:]
	}
	if !strings.Contains(line, "</") {
		return out
	}
	for _, m := range xmlElement.FindAllStringSubmatch(line, 4) {
		if m[1] != m[3] {
			continue
		}
		v := strings.TrimSpace(m[2])
		out = append(out, setting{key: m[1], value: v, ok: !isPlaceholder(v)})
	}
	return out
}

var envLookup = lazyre.New(`(?i)(?:getenv|environ|process\.env|\benv\s*\(|\bENV\b|os\.Getenv|System\.getenv|env::var)`)

// shellDefault is ${VAR:-default} or ${VAR-default}.
var shellDefault = lazyre.New(`^\$\{[A-Za-z_]\w*:?-([^}]*)\}`)

// literal reads the value at the start of v. It returns the literal, whether
// it is a real literal (not a placeholder or expression), and how many bytes
// of v it used.
func literal(v string, code bool) (string, bool, int) {
	v0 := v
	v = strings.TrimLeft(v, " \t")
	lead := len(v0) - len(v)
	if v == "" {
		return "", false, 0
	}
	if m := shellDefault.FindStringSubmatch(v); m != nil {
		d := strings.Trim(m[1], `"'`)
		return d, d != "" && !isPlaceholder(d), lead + len(m[0])
	}
	if v[0] == '"' || v[0] == '\'' || v[0] == '`' {
		s, n := quoted(v)
		if n < 0 {
			return "", false, len(v0)
		}
		return s, !isPlaceholder(s), lead + n
	}
	// An environment lookup with a literal fallback: getenv('X') ?: 'x',
	// process.env.X || 'x', os.environ.get('X', 'x'), env('X', 'x').
	expr := v
	if i := strings.IndexAny(expr, ";"); i >= 0 {
		expr = expr[:i]
	}
	if envLookup.MatchString(expr) {
		if fb, ok := fallback(expr); ok {
			return fb, !isPlaceholder(fb), lead + len(expr)
		}
		return "", false, lead + len(expr)
	}
	if code {
		return "", false, len(v0)
	}
	// A bare value, as in ini, env, YAML and properties files.
	end := len(v)
	for i, r := range v {
		if r == ' ' || r == '\t' || r == ',' || r == '}' || r == ']' || r == ';' || r == '#' {
			end = i
			break
		}
	}
	s := v[:end]
	return s, !isPlaceholder(s) && !strings.ContainsAny(s, "(){}$"), lead + end
}

// quoted reads a quoted string at the start of s and returns its content
// and length, or -1 when it is not closed on the line.
func quoted(s string) (string, int) {
	q := s[0]
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case q:
			return s[1:i], i + 1
		}
	}
	return "", -1
}

// fallback returns the string literal after the default operator of an
// environment lookup: getenv('X') ?: 'x', process.env.X || 'x',
// os.environ.get('X', 'x'), env::var("X").unwrap_or("x"). The variable's
// own name, getenv('DB_PASSWORD') alone, is no default.
func fallback(expr string) (string, bool) {
	op := -1
	for _, o := range []string{"?:", "||", "??", " or ", ",", "unwrap_or"} {
		if i := strings.LastIndex(expr, o); i > op {
			op = i
		}
	}
	if op < 0 {
		return "", false
	}
	for i := op; i < len(expr); i++ {
		if expr[i] == '"' || expr[i] == '\'' {
			s, n := quoted(expr[i:])
			if n < 0 {
				return "", false
			}
			return s, true
		}
	}
	return "", false
}

var placeholderWords = []string{"your", "xxx", "***", "...", "…", "example", "placeholder", "redacted", "replace", "insert", "enter", "todo", "fixme", "dummy", "fake", "sample", "<", ">", "{{", "}}", "${", "%(", "%s", "$"}

// isPlaceholder reports values that stand for a password rather than being
// one.
func isPlaceholder(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" {
		return true
	}
	l := strings.ToLower(v)
	switch l {
	case "null", "nil", "none", "~", "true", "false", "yes", "no", "on", "off", "required", "optional", "string", "str", "undefined", "env", "secret()", "*":
		return true
	}
	for _, w := range placeholderWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	if strings.HasPrefix(l, "[") && strings.HasSuffix(l, "]") {
		return true
	}
	return strings.Trim(l, "x*.-_#") == ""
}

// ---- SQL ----

var (
	identifiedBy = lazyre.New(`(?i)\b(?:identified\s+by|with\s+(?:encrypted\s+)?password\s*=?)\s*['"]([^'"\n]{1,64})['"]`)
	createUser   = lazyre.New(`(?i)\b(?:create|alter)\s+(?:user|role|login)\s+(?:if\s+not\s+exists\s+)?[\x60'"\[]?([\w.\-]+)`)
	insertUsers  = lazyre.New(`(?i)\binsert\s+(?:ignore\s+)?into\s+[\x60"'\[]?(?:\w+\.)?(\w*(?:user|account|admin|member|login|credential|auth)\w*)`)
	hashCall     = lazyre.New(`(?i)\b(?:md5|sha1|sha2|sha256|sha512|password|crypt|encrypt|digest|hash|password_hash)\s*\(\s*['"]([^'"\n]{1,64})['"]`)
	quotedHex    = lazyre.New(`['"]([0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64})['"]`)
)

func lineAt(data []byte, off int) int { return bytes.Count(data[:off], []byte{'\n'}) + 1 }

// statement returns the text from off to the end of the SQL statement, at
// most 64 KiB.
func statement(data []byte, off int) []byte {
	end := len(data)
	if end-off > 64<<10 {
		end = off + 64<<10
	}
	if i := bytes.IndexByte(data[off:end], ';'); i >= 0 {
		end = off + i
	}
	return data[off:end]
}

// scanSQL finds the SQL forms. lower is data ASCII-lowercased, or nil.
func scanSQL(data, lower []byte) []Match {
	var out []Match
	// The guards below read data lowercased as bytes.ToLower does it. That
	// differs from ASCII lowercasing only where a non-ASCII rune lowercases
	// to an ASCII letter: U+0130 to i and U+212A (KELVIN SIGN) to k, the
	// only two.
	if len(lower) != len(data) || bytes.Contains(data, []byte("\u0130")) || bytes.Contains(data, []byte("\u212a")) {
		lower = bytes.ToLower(data)
	}
	if bytes.Contains(lower, []byte("identified")) || bytes.Contains(lower, []byte("password")) && withPassword(lower) {
		for _, m := range identifiedBy.FindAllSubmatchIndex(data, 50) {
			v := string(data[m[2]:m[3]])
			if isPlaceholder(v) {
				continue
			}
			reason := ""
			if weak[v] {
				reason = ReasonWellKnown
			} else {
				// the user created in the same statement
				start := bytes.LastIndexByte(data[:m[0]], ';') + 1
				if u := createUser.FindSubmatch(data[start:m[0]]); u != nil && string(u[1]) == v && len(v) >= 2 {
					reason = ReasonSameUser
				}
			}
			if reason != "" {
				out = append(out, Match{Line: lineAt(data, m[2]), Form: FormSQL, Reason: reason, Value: v})
			}
		}
	}
	if bytes.Contains(lower, []byte("insert")) {
		for _, m := range insertUsers.FindAllSubmatchIndex(data, 50) {
			table := string(data[m[2]:m[3]])
			stmt := statement(data, m[1])
			base := m[1]
			for _, h := range hashCall.FindAllSubmatchIndex(stmt, 50) {
				if v := string(stmt[h[2]:h[3]]); weak[v] {
					out = append(out, Match{Line: lineAt(data, base+h[2]), Key: table, Form: FormSQL, Reason: ReasonWellKnown, Value: v})
				}
			}
			for _, h := range quotedHex.FindAllSubmatchIndex(stmt, 50) {
				if v := strings.ToLower(string(stmt[h[2]:h[3]])); weakDigest[v] {
					out = append(out, Match{Line: lineAt(data, base+h[2]), Key: table, Form: FormSQL, Reason: ReasonDigest, Value: v})
				}
			}
		}
	}
	return out
}

// ---- prose ----

var (
	// "Default password = `password`", "the default admin password is admin",
	// "default credentials: admin/admin".
	defaultPassword = lazyre.New(`(?i)\bdefault\s+(?:admin(?:istrator)?\s+|root\s+|user\s+|login\s+)?(?:password|passwd|pwd)\b\s*(?:is|=|:|of|to|will\s+be|set\s+to)?\s*(?:is|=|:)?\s*[\x60'"*_]*([^\s\x60'"*_,;()]{1,64})`)
	// "log in with admin / password", "login: admin/admin", "default
	// credentials are admin:admin", "sign in with username `admin` and
	// password `secret`". A bare "credentials: user/pass" is how HTTP
	// client docs show an argument, not a default account. The password
	// key may be quoted, as in a mapping ({'login': 'jane', 'password':
	// 's33kred'}): unquoted only, the key's own name was read as the
	// password (attrs' docs/examples.md).
	loginWith = lazyre.New(`(?i)\b(?:log\s*in|login|sign\s*in|signin|default\s+credentials?|default\s+account)\b[^\n]{0,30}?(?:\bwith\b|\bas\b|\bare\b|\bis\b|:)\s*(?:(?:the\s+)?user(?:name)?\s*[:=]?\s*)?[\x60'"*_]*([\w.@-]{1,32})[\x60'"*_]*\s*(?:/|:|\band\b|,)\s*(?:[\x60'"]?(?:the\s+)?password[\x60'"]?\s*[:=]?\s*)?[\x60'"*_]*([^\s\x60'"*_,;()]{1,64})[\x60'"*_]*`)
)

// proseWord are weak passwords that are also ordinary words in prose
// ("pass", "default", "secret" as in "the secret"); a sentence cannot be
// told from an instruction by them.
// genericUser are words that name the user field rather than an account.
var genericUser = wordSet("user username user-name userid email e-mail login name id account your")

var proseWord = wordSet("pass default secret master manager guest welcome")

func scanProse(lines []string) []Match {
	var out []Match
	for i, l := range lines {
		if len(l) > MaxLine {
			continue
		}
		// Both patterns need one of these words (none holds a k or an s,
		// the letters (?i) also matches outside ASCII), so most lines skip
		// the expressions.
		hasDefault := containsASCIIFold(l, "default")
		if !hasDefault && !containsASCIIFold(l, "log") && !containsASCIIFold(l, "ign") {
			continue
		}
		if hasDefault {
			for _, m := range defaultPassword.FindAllStringSubmatch(l, 4) {
				v := strings.TrimRight(m[1], ".:!")
				if weak[v] && !proseWord[v] {
					out = append(out, Match{Line: i + 1, Form: FormInstruction, Reason: ReasonWellKnown, Value: v})
				}
			}
		}
		if !loginCandidate(l) {
			continue
		}
		for _, m := range loginWith.FindAllStringSubmatch(l, 4) {
			u, v := m[1], strings.TrimRight(m[2], ".:!")
			if genericUser[strings.ToLower(u)] {
				continue // "log in with username/password" names the fields
			}
			switch {
			case weak[v] && !proseWord[v]:
				out = append(out, Match{Line: i + 1, Form: FormInstruction, Reason: ReasonWellKnown, Value: v})
			case v == u && len(v) >= 3 && !isPlaceholder(v):
				out = append(out, Match{Line: i + 1, Form: FormInstruction, Reason: ReasonSameUser, Value: v})
			}
		}
	}
	return out
}

// loginCandidate reports whether line holds what loginWith's leading
// alternatives need, in any ASCII case: "log" or "ign" then optional white
// space and "in" (log in, login, sign in, signin), or "default", white space
// and "credential" or "account". "log" alone is in most lines of code
// (log.Printf, logger), where the expression was most of the prose scan's
// time. The s of "sign" is not required, since (?i) also matches it as
// U+017F (LONG S); no other letter here has a non-ASCII case partner.
func loginCandidate(line string) bool {
	for _, w := range []string{"log", "ign"} {
		for rest := line; ; {
			i := indexASCIIFold(rest, w)
			if i < 0 {
				break
			}
			rest = rest[i+len(w):]
			if hasPrefixASCIIFold(rest[skipSpace(rest):], "in") {
				return true
			}
		}
	}
	for rest := line; ; {
		i := indexASCIIFold(rest, "default")
		if i < 0 {
			return false
		}
		rest = rest[i+len("default"):]
		j := skipSpace(rest)
		if j > 0 && (hasPrefixASCIIFold(rest[j:], "credential") || hasPrefixASCIIFold(rest[j:], "account")) {
			return true
		}
	}
}

// withPassword reports whether lower (lowercased) holds "with", white
// space, optionally "encrypted" and white space, then "password": what
// identifiedBy needs besides "identified by". It spares the expression on
// the many files that mention a password in other words, or write "with
// p..." (with private keys, with provenance) as Go code does.
func withPassword(lower []byte) bool {
	for rest := lower; ; {
		i := bytes.Index(rest, []byte("with"))
		if i < 0 {
			return false
		}
		rest = rest[i+4:]
		j := skipSpace(rest)
		if j == 0 {
			continue
		}
		after := rest[j:]
		if bytes.HasPrefix(after, []byte("encrypted")) {
			if k := skipSpace(after[9:]); k > 0 {
				after = after[9+k:]
			}
		}
		if passwordAt(after) {
			return true
		}
	}
}

// passwordAt reports whether lowercased b starts with "password" as (?i)
// matches it: either s may also be U+017F (LONG S), which (?i) folds onto
// s and lowercasing leaves as it is. No other letter of the word has a
// non-ASCII case partner.
func passwordAt(b []byte) bool {
	rest, ok := bytes.CutPrefix(b, []byte("pa"))
	if !ok {
		return false
	}
	for range 2 {
		switch {
		case len(rest) > 0 && rest[0] == 's':
			rest = rest[1:]
		case bytes.HasPrefix(rest, []byte("\u017f")):
			rest = rest[len("\u017f"):]
		default:
			return false
		}
	}
	return bytes.HasPrefix(rest, []byte("word"))
}

// skipSpace counts the leading bytes of b that \s matches.
func skipSpace[T string | []byte](b T) int {
	n := 0
	for n < len(b) && (b[n] == ' ' || b[n] == '\t' || b[n] == '\n' || b[n] == '\r' || b[n] == '\f') {
		n++
	}
	return n
}

// containsASCIIFold reports whether s holds word (lower-case ASCII) in
// any ASCII case.
func containsASCIIFold(s, word string) bool { return indexASCIIFold(s, word) >= 0 }

// indexASCIIFold is the index of the first word (lower-case ASCII) in s in
// any ASCII case, or -1.
func indexASCIIFold(s, word string) int {
	for i := 0; i+len(word) <= len(s); i++ {
		if hasPrefixASCIIFold(s[i:], word) {
			return i
		}
	}
	return -1
}

// hasPrefixASCIIFold reports whether s starts with word (lower-case ASCII)
// in any ASCII case.
func hasPrefixASCIIFold(s, word string) bool {
	if len(s) < len(word) {
		return false
	}
	for j := 0; j < len(word); j++ {
		c := s[j]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[j] {
			return false
		}
	}
	return true
}
