// Package checksums parses checksum files published next to release
// artefacts: GNU coreutils output (SHA256SUMS, checksums.txt, "hex  name" or
// "hex *name"), BSD tagged output ("SHA256 (name) = hex") and single-digest
// files such as a.tar.gz.sha256. It only reads; comparing digests with the
// files is the caller's.
package checksums

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"strings"
)

// Limits on one checksum file.
const (
	MaxFileSize = 4 << 20
	MaxEntries  = 100_000
	maxLine     = 8 << 10
)

// Entry is one listed file.
type Entry struct {
	Name      string // slash-separated, relative to the checksum file's directory
	Algorithm string // "sha256", "sha512", "sha384", "sha1", "md5"
	Digest    string // lowercase hex
	Line      int
}

// Problem is a line that could not be read.
type Problem struct {
	Line int
	Msg  string
}

// File is a parsed checksum file.
type File struct {
	Entries  []Entry
	Problems []Problem
}

// Weak reports whether an algorithm no longer protects integrity.
func Weak(alg string) bool { return alg == "md5" || alg == "sha1" }

var bsdNames = map[string]string{"SHA256": "sha256", "SHA512": "sha512", "SHA384": "sha384", "SHA1": "sha1", "MD5": "md5",
	"SHA2-256": "sha256", "SHA2-512": "sha512"}

// Parse reads a checksum file. fileName is its own name, used to name the
// artefact of a single-digest file ("a.tar.gz.sha256" covers "a.tar.gz").
// Lines that are not checksums become problems; only a file that is too
// large, or has no checksum at all, is an error.
func Parse(fileName string, data []byte) (File, error) {
	var f File
	if len(data) > MaxFileSize {
		return f, fmt.Errorf("%s is %d bytes; the limit is %d", fileName, len(data), MaxFileSize)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if len(f.Entries) >= MaxEntries {
			f.Problems = append(f.Problems, Problem{Line: n, Msg: fmt.Sprintf("more than %d entries; the rest were not read", MaxEntries)})
			break
		}
		e, err := parseLine(fileName, trimmed)
		if err != nil {
			f.Problems = append(f.Problems, Problem{Line: n, Msg: err.Error()})
			continue
		}
		e.Line = n
		f.Entries = append(f.Entries, e)
	}
	if err := sc.Err(); err != nil {
		f.Problems = append(f.Problems, Problem{Line: n + 1, Msg: fmt.Sprintf("line too long or unreadable: %v", err)})
	}
	if len(f.Entries) == 0 {
		return f, fmt.Errorf("%s lists no checksums", fileName)
	}
	return f, nil
}

func parseLine(fileName, line string) (Entry, error) {
	// BSD tagged: "SHA256 (name) = hex"
	if open := strings.Index(line, " ("); open > 0 && strings.Contains(line, ") = ") {
		alg, ok := bsdNames[strings.ToUpper(line[:open])]
		if !ok {
			return Entry{}, fmt.Errorf("unknown algorithm %q", line[:open])
		}
		rest := line[open+2:]
		closeIdx := strings.LastIndex(rest, ") = ")
		name, digest := rest[:closeIdx], strings.TrimSpace(rest[closeIdx+4:])
		if err := checkHex(digest, alg); err != nil {
			return Entry{}, err
		}
		return entry(name, alg, digest)
	}
	digest, name, found := strings.Cut(line, " ")
	if !found {
		// A single digest with no name: the file covers its own stem.
		stem := strings.TrimSuffix(path.Base(fileName), path.Ext(fileName))
		alg := algForLength(len(digest))
		if alg == "" || stem == "" {
			return Entry{}, fmt.Errorf("want \"<hex digest>  <file name>\"; got %q", short(line))
		}
		if err := checkHex(digest, alg); err != nil {
			return Entry{}, err
		}
		return entry(stem, alg, digest)
	}
	escaped := strings.HasPrefix(digest, "\\")
	digest = strings.TrimPrefix(digest, "\\")
	alg := algForLength(len(digest))
	if alg == "" {
		return Entry{}, fmt.Errorf("want a hex digest of 32, 40, 64, 96 or 128 characters; got %q", short(digest))
	}
	if err := checkHex(digest, alg); err != nil {
		return Entry{}, err
	}
	// GNU: one space then a mode character (" " text, "*" binary).
	switch {
	case strings.HasPrefix(name, " "), strings.HasPrefix(name, "*"):
		name = name[1:]
	}
	if escaped {
		name = unescape(name)
	}
	return entry(name, alg, digest)
}

func entry(name, alg, digest string) (Entry, error) {
	name = strings.TrimPrefix(name, "./")
	if name == "" {
		return Entry{}, fmt.Errorf("empty file name")
	}
	if strings.HasPrefix(name, "/") || strings.ContainsRune(name, 0) || strings.Contains(name, "\\") {
		return Entry{}, fmt.Errorf("file name %q is not a relative path", short(name))
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return Entry{}, fmt.Errorf("file name %q leaves the release directory", short(name))
		}
	}
	return Entry{Name: name, Algorithm: alg, Digest: strings.ToLower(digest)}, nil
}

func algForLength(n int) string {
	switch n {
	case 32:
		return "md5"
	case 40:
		return "sha1"
	case 64:
		return "sha256"
	case 96:
		return "sha384"
	case 128:
		return "sha512"
	}
	return ""
}

func checkHex(s, alg string) error {
	if algForLength(len(s)) != alg {
		return fmt.Errorf("%s digest must be %s hex characters; got %d", alg, lengthFor(alg), len(s))
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return fmt.Errorf("digest %q is not hexadecimal", short(s))
		}
	}
	return nil
}

func lengthFor(alg string) string {
	return map[string]string{"md5": "32", "sha1": "40", "sha256": "64", "sha384": "96", "sha512": "128"}[alg]
}

// unescape undoes GNU's escaping of "\\" and "\n" in names.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			case '\\':
				b.WriteByte('\\')
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func short(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// IsChecksumFile reports whether a release file name is a checksum file.
func IsChecksumFile(name string) bool {
	base := strings.ToLower(path.Base(name))
	switch {
	case base == "sha256sums", base == "sha512sums", base == "sha256sums.txt", base == "sha512sums.txt",
		base == "checksums.txt", base == "checksums", base == "checksums.sha256", base == "sums.txt":
		return true
	case strings.HasSuffix(base, "_checksums.txt"), strings.HasSuffix(base, "-checksums.txt"),
		strings.HasSuffix(base, ".sha256"), strings.HasSuffix(base, ".sha512"),
		strings.HasSuffix(base, ".sha256sum"), strings.HasSuffix(base, ".sha512sum"):
		return true
	}
	return false
}
