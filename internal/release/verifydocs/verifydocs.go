// Package verifydocs finds release verification instructions in
// documentation: lines that show customers the command that checks a
// signature, attestation or checksum (cosign verify-blob, gh attestation
// verify, slsa-verifier verify-artifact, sha256sum -c, gpg --verify,
// ssh-keygen -Y verify, minisign -V, git tag -v). Documents are hostile
// input: they are split into words line by line, and long lines, argument
// lists and mention counts are cut at fixed limits.
package verifydocs

import (
	"bytes"
	"path"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
)

// Limits.
const (
	// MaxLine is how much of one line is scanned; commands sit at its
	// start in any real document.
	MaxLine = 4096
	// MaxMentions caps mentions kept per document.
	MaxMentions = 100
)

// Mention is one verification command found on a line.
type Mention struct {
	Line    int
	Command string // canonical form, e.g. "cosign verify-blob"
	Method  string
}

// MaxArgs caps how many words after a command name are looked at.
const MaxArgs = 64

// Scan returns the verification commands in a document, one per command and
// line, in line order. Lines are split into words; a command is a word whose
// base name is the tool ("cosign", "/usr/bin/gpg", "`gpg") followed by its
// arguments up to a pipe or list operator. Each line costs time linear in
// its length, capped at MaxLine bytes.
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
		words := strings.Fields(string(l))
		// Trim every word once and note where each shell command ends, so
		// each tool name costs at most MaxArgs comparisons.
		args := make([]string, len(words))
		end := make([]int, len(words))
		next := len(words)
		for i := len(words) - 1; i >= 0; i-- {
			if strings.ContainsAny(words[i], "|;&") {
				next = i
			}
			end[i] = next
			args[i] = strings.TrimRight(words[i], "`'\".,:)]}*")
		}
		seen := map[string]bool{}
		for i, w := range words {
			if len(out) >= MaxMentions {
				break
			}
			name := path.Base(strings.TrimLeft(w, "`'\"$>({[*"))
			if _, ok := tools[name]; !ok {
				continue
			}
			e := end[i]
			if e < i+1 {
				e = i + 1
			}
			e = min(e, i+1+MaxArgs)
			cmd, method := match(name, args[i+1:e])
			if cmd == "" || seen[cmd] {
				continue
			}
			seen[cmd] = true
			out = append(out, Mention{Line: line, Command: cmd, Method: method})
		}
	}
	return out
}

// tools are the command names match knows.
var tools = map[string]struct{}{
	"cosign": {}, "sigstore": {}, "gh": {}, "slsa-verifier": {}, "sha256sum": {}, "sha512sum": {},
	"shasum": {}, "gpg": {}, "gpg2": {}, "gpgv": {}, "ssh-keygen": {}, "minisign": {}, "git": {},
}

// match says which verification command name with args is, if any.
func match(name string, args []string) (command, method string) {
	arg := func(i int) string {
		if i < len(args) {
			return args[i]
		}
		return ""
	}
	has := func(want ...string) bool {
		for _, a := range args {
			for _, w := range want {
				if a == w {
					return true
				}
			}
		}
		return false
	}
	switch name {
	case "cosign":
		switch arg(0) {
		case "verify-blob-attestation":
			return "cosign verify-blob-attestation", evidence.VerifySLSA
		case "verify-blob":
			return "cosign verify-blob", evidence.VerifySigstore
		case "verify-attestation":
			return "cosign verify-attestation", evidence.VerifySLSA
		case "verify":
			return "cosign verify", evidence.VerifySigstore
		}
	case "sigstore":
		if arg(0) == "verify" {
			return "sigstore verify", evidence.VerifySigstore
		}
	case "gh":
		if arg(0) == "attestation" && arg(1) == "verify" {
			return "gh attestation verify", evidence.VerifySLSA
		}
	case "slsa-verifier":
		switch arg(0) {
		case "verify-artifact", "verify-image", "verify-npm-package":
			return "slsa-verifier verify-artifact", evidence.VerifySLSA
		}
	case "sha256sum", "sha512sum":
		if has("-c", "--check") {
			return "sha256sum -c", evidence.VerifyChecksum
		}
	case "shasum":
		if has("-c", "--check") {
			return "shasum -a 256 -c", evidence.VerifyChecksum
		}
	case "gpg", "gpg2":
		if has("--verify") {
			return "gpg --verify", evidence.VerifyOpenPGP
		}
	case "gpgv":
		return "gpgv", evidence.VerifyOpenPGP
	case "ssh-keygen":
		for i, a := range args {
			if a == "-Yverify" || (a == "-Y" && arg(i+1) == "verify") {
				return "ssh-keygen -Y verify", evidence.VerifySSH
			}
		}
	case "minisign":
		for _, a := range args {
			if strings.HasPrefix(a, "-V") {
				return "minisign -V", evidence.VerifyMinisign
			}
		}
	case "git":
		if arg(0) == "verify-tag" || (arg(0) == "tag" && (arg(1) == "-v" || arg(1) == "--verify")) {
			return "git tag -v", evidence.VerifyGitTag
		}
	}
	return "", ""
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
