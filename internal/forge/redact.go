package forge

import (
	"strings"

	"github.com/assaysec/assay/internal/lazyre"
)

// Token shapes redacted from anything a forge says before it is shown or
// stored, whether or not it is the configured token: an API error can echo
// a request header, and a proxy can echo another credential.
var (
	// Authorization-like header or field names and their value, in HTTP,
	// JSON or YAML form: an Authorization header with its scheme and
	// credential, or a "PRIVATE-TOKEN" field with its value.
	authFieldRe = lazyre.New(`(?i)((?:proxy-)?authorization|private-token|job-token|deploy-token|x-api-key|access_token|private_token)(["']?\s*[:=]\s*["']?)([^"'\s,;}\\]+(?:[ \t]+[^"'\s,;}\\]+)?)`)
	// A scheme (bearer, token, basic) followed by a credential, anywhere.
	authSchemeRe = lazyre.New(`(?i)\b(bearer|token|basic)([ \t]+)([A-Za-z0-9._~+/=-]{8,})`)
	// Forge token formats: GitHub (ghp_, gho_, ghu_, ghs_, ghr_,
	// github_pat_) and GitLab (glpat-, gloas-, gldt-, glrt-, glptt-, ...).
	tokenShapeRe = lazyre.New(`\b(?:gh[pousr]_[A-Za-z0-9_]{16,}|github_pat_[A-Za-z0-9_]{16,}|gl(?:pat|oas|dt|rt|ptt|ft|cbt|imt|soat|ffct|agent)-[A-Za-z0-9_-]{16,})`)
)

const redacted = "[redacted]"

// Redact replaces every occurrence of each secret in s, and every
// token-shaped string and authorization value, with "[redacted]". It never
// removes a quote or backslash, so JSON stays JSON.
func Redact(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}
	s = authFieldRe.ReplaceAllStringFunc(s, func(m string) string {
		g := authFieldRe.FindStringSubmatch(m)
		if g[3] == redacted {
			return m
		}
		return g[1] + g[2] + redacted
	})
	s = authSchemeRe.ReplaceAllStringFunc(s, func(m string) string {
		g := authSchemeRe.FindStringSubmatch(m)
		if !looksLikeSecret(g[3]) {
			return m // "token required", "basic functionality": words, not credentials
		}
		return g[1] + g[2] + redacted
	})
	return tokenShapeRe.ReplaceAllString(s, redacted)
}

// looksLikeSecret tells a credential after the word "token" from prose:
// credentials mix letters with digits or punctuation.
func looksLikeSecret(v string) bool {
	digit, letter := false, false
	for _, c := range v {
		switch {
		case c >= '0' && c <= '9', c == '_', c == '-', c == '.', c == '/', c == '+', c == '=':
			digit = true
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letter = true
		}
	}
	return digit && letter
}
