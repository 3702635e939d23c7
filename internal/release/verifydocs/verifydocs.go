// Package verifydocs finds release verification instructions in
// documentation: lines that show customers the command that checks a
// signature, attestation or checksum (cosign verify-blob, gh attestation
// verify, slsa-verifier verify-artifact, sha256sum -c, gpg --verify,
// ssh-keygen -Y verify, minisign -V, git tag -v). Documents are hostile
// input: they are scanned line by line with linear-time expressions, and
// long lines and large documents are cut at fixed limits.
package verifydocs

import (
	"bytes"
	"path"
	"regexp"
	"strings"
)

// Limits.
const (
	// MaxLine is how much of one line is scanned; commands sit at its
	// start in any real document.
	MaxLine = 4096
	// MaxMentions caps mentions kept per document.
	MaxMentions = 100
)

// Methods, matching evidence.DocMention.Method.
const (
	Sigstore = "sigstore"
	SLSA     = "slsa"
	Checksum = "checksum"
	OpenPGP  = "openpgp"
	SSH      = "ssh"
	Minisign = "minisign"
	GitTag   = "git-tag"
)

// Mention is one verification command found on a line.
type Mention struct {
	Line    int
	Command string // canonical form, e.g. "cosign verify-blob"
	Method  string
}

// A command name must not be glued to a longer word ("mycosign").
const start = `(?:^|[^\w.-])`

// rest is the remainder of one shell command: flags and arguments up to a
// pipe, list operator or end of line.
const rest = `[^|;&\n]*?`

var patterns = []struct {
	re      *regexp.Regexp
	command string
	method  string
}{
	{regexp.MustCompile(start + `cosign\s+verify-blob-attestation\b`), "cosign verify-blob-attestation", SLSA},
	// The sub-command must end where it is written: "verify-blob" is not
	// "verify-blob-attestation", and "verify" is not "verify-blob".
	{regexp.MustCompile(start + `cosign\s+verify-blob(?:[^\w-]|$)`), "cosign verify-blob", Sigstore},
	{regexp.MustCompile(start + `cosign\s+verify-attestation\b`), "cosign verify-attestation", SLSA},
	{regexp.MustCompile(start + `cosign\s+verify(?:[^\w-]|$)`), "cosign verify", Sigstore},
	{regexp.MustCompile(start + `sigstore\s+verify\b`), "sigstore verify", Sigstore},
	{regexp.MustCompile(start + `gh\s+attestation\s+verify\b`), "gh attestation verify", SLSA},
	{regexp.MustCompile(start + `slsa-verifier\s+verify-(?:artifact|image|npm-package)\b`), "slsa-verifier verify-artifact", SLSA},
	{regexp.MustCompile(start + `sha(?:256|512)sum` + rest + `\s(?:-c|--check)\b`), "sha256sum -c", Checksum},
	{regexp.MustCompile(start + `shasum` + rest + `\s(?:-c|--check)\b`), "shasum -a 256 -c", Checksum},
	{regexp.MustCompile(start + `gpg2?\s` + rest + `--verify\b`), "gpg --verify", OpenPGP},
	{regexp.MustCompile(start + `gpgv\s`), "gpgv", OpenPGP},
	{regexp.MustCompile(start + `ssh-keygen\s` + rest + `-Y\s*verify\b`), "ssh-keygen -Y verify", SSH},
	{regexp.MustCompile(start + `minisign\s` + rest + `-V[a-zA-Z]*\b`), "minisign -V", Minisign},
	{regexp.MustCompile(start + `git\s+(?:tag\s+(?:-v|--verify)|verify-tag)\b`), "git tag -v", GitTag},
}

// Scan returns the verification commands in a document, one per command and
// line, in line order.
func Scan(data []byte) []Mention {
	var out []Mention
	line := 0
	for len(data) > 0 && len(out) < MaxMentions {
		line++
		l := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(l) > MaxLine {
			l = l[:MaxLine]
		}
		// Cheap filter: every command contains one of these.
		if !bytes.Contains(l, []byte("verify")) && !bytes.Contains(l, []byte("sum")) &&
			!bytes.Contains(l, []byte("-V")) && !bytes.Contains(l, []byte("gpgv")) &&
			!bytes.Contains(l, []byte("tag")) {
			continue
		}
		s := string(l)
		for _, p := range patterns {
			if len(out) >= MaxMentions {
				break
			}
			if p.re.MatchString(s) {
				out = append(out, Mention{Line: line, Command: p.command, Method: p.method})
			}
		}
	}
	return out
}

// IsDoc reports whether p (a slash-separated path inside the repository) is
// a document where verification instructions are looked for: README*,
// INSTALL*, SECURITY*, RELEASE*, VERIFY* at the root, in .github/ or in
// docs/, and any Markdown, reStructuredText or AsciiDoc file under docs/ or
// doc/.
func IsDoc(p string) bool {
	dir, base := path.Split(p)
	lower := strings.ToLower(base)
	ext := path.Ext(lower)
	prose := ext == ".md" || ext == ".markdown" || ext == ".rst" || ext == ".adoc" || ext == ".txt" || ext == ""
	ld := strings.ToLower(dir)
	if (strings.HasPrefix(ld, "docs/") || strings.HasPrefix(ld, "doc/")) && ext != "" && prose {
		return true
	}
	switch ld {
	case "", ".github/", "docs/", "doc/":
	default:
		return false
	}
	if !prose {
		return false
	}
	for _, pre := range []string{"readme", "install", "security", "releas", "verify", "verification"} {
		if strings.HasPrefix(lower, pre) {
			return true
		}
	}
	return false
}
