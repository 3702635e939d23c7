// Package binaries finds binary artefacts committed to the tree:
// executables and libraries recognised by their magic bytes (ELF, PE,
// Mach-O) or their names (.exe, .dll, .so, .dylib, ...), and compiled
// bytecode and archives of it (.class, .jar, .pyc, .whl, ...). Files under
// test-data and fixture directories, and build tools' wrapper jars, are
// recorded as allowed. Only the first bytes of a file are read.
package binaries

import (
	"bytes"
	"context"
	"encoding/binary"
	"path"
	"strings"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
)

// Name of the collector.
const Name = "repo/binaries"

const (
	headSize = 512
	// maxExamined bounds the files whose first bytes are read.
	maxExamined = 50_000
	maxReported = 200
)

// Collector finds binary artefacts.
type Collector struct{}

// New returns the collector.
func New() collector.Collector { return Collector{} }

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind {
	return []evidence.Kind{evidence.KindBinary, evidence.KindBinaryScan}
}

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// byExt names binary formats by file extension.
var byExt = map[string]string{
	".exe": "PE executable", ".dll": "PE library", ".sys": "PE driver", ".ocx": "PE library", ".efi": "EFI executable", ".msi": "Windows installer",
	".so": "shared library", ".dylib": "Mach-O library", ".o": "object file", ".a": "static library", ".lib": "static library", ".obj": "object file",
	".class": "Java class", ".jar": "jar", ".war": "war", ".ear": "ear", ".dex": "Dalvik bytecode", ".apk": "Android package",
	".pyc": "Python bytecode", ".pyo": "Python bytecode", ".whl": "Python wheel", ".egg": "Python egg",
	".deb": "Debian package", ".rpm": "RPM package", ".crx": "browser extension", ".wasm": "WebAssembly", ".node": "Node.js addon",
}

// textExt are extensions never worth reading for magic bytes.
var textExt = map[string]bool{
	".go": true, ".md": true, ".txt": true, ".json": true, ".yml": true, ".yaml": true, ".toml": true, ".js": true, ".ts": true,
	".py": true, ".rs": true, ".java": true, ".c": true, ".h": true, ".cc": true, ".cpp": true, ".html": true, ".css": true,
	".svg": true, ".xml": true, ".php": true, ".rb": true, ".sh": true, ".png": true, ".jpg": true, ".jpeg": true, ".gif": true,
	".ico": true, ".pdf": true, ".lock": true, ".mod": true, ".sum": true, ".rst": true, ".cfg": true, ".ini": true, ".kt": true,
	".scss": true, ".tsx": true, ".jsx": true, ".mjs": true, ".cjs": true, ".gz": true, ".zip": true, ".tar": true, ".woff": true,
	".woff2": true, ".ttf": true, ".eot": true, ".webp": true, ".csv": true, ".proto": true, ".sql": true, ".gradle": true,
}

// allowedDirs are directory names whose binaries are inputs to tests.
var allowedDirs = map[string]bool{
	"testdata": true, "test-data": true, "test_data": true, "fixtures": true, "fixture": true, "__fixtures__": true,
	"testfixtures": true, "test-fixtures": true, "test_fixtures": true,
}

// Collect implements collector.Collector.
func (Collector) Collect(ctx context.Context, in *collector.Input) ([]evidence.Record, error) {
	var out []evidence.Record
	examined, partial := 0, false
	for _, e := range in.Tree.Entries() {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		if len(out) >= maxReported {
			partial = true
			break
		}
		lower := strings.ToLower(e.Path)
		ext := path.Ext(lower)
		format := byExt[ext]
		if format == "" && strings.Contains(path.Base(lower), ".so.") {
			format = "shared library"
		}
		if format == "" {
			if textExt[ext] || e.Size < 64 {
				continue
			}
			if examined >= maxExamined {
				partial = true
				continue
			}
			examined++
			head, err := in.Tree.ReadHead(e.Path, headSize)
			if err != nil {
				continue
			}
			format = Magic(head)
			if format == "" {
				continue
			}
		}
		b := evidence.Binary{Path: e.Path, Format: format, Size: e.Size, Allowed: allowed(e.Path)}
		out = append(out, evidence.Record{Fact: b, Provenance: in.Provenance(Name, evidence.Location{Path: e.Path}, "")})
	}
	out = append(out, evidence.Record{Fact: evidence.BinaryScan{Files: examined, Partial: partial}, Provenance: in.Provenance(Name, evidence.Location{}, "")})
	return out, nil
}

// allowed says why a binary at p is expected, or "".
func allowed(p string) string {
	lower := strings.ToLower(p)
	for _, seg := range strings.Split(path.Dir(lower), "/") {
		if allowedDirs[seg] {
			return "test data (" + seg + "/)"
		}
	}
	if strings.Contains(lower, "/test/resources/") || strings.HasPrefix(lower, "test/resources/") {
		return "test data (test/resources/)"
	}
	switch path.Base(lower) {
	case "gradle-wrapper.jar", "maven-wrapper.jar":
		return "build tool wrapper (" + path.Base(p) + ")"
	}
	return ""
}

// Magic names an executable format from a file's first bytes: ELF, PE
// (MZ with a PE header), Mach-O (thin or fat) or a Java class file; "" for
// anything else.
func Magic(h []byte) string {
	switch {
	case bytes.HasPrefix(h, []byte("\x7fELF")):
		return "ELF"
	case bytes.HasPrefix(h, []byte("MZ")) && len(h) >= 0x40:
		off := int(binary.LittleEndian.Uint32(h[0x3c:]))
		if off+4 <= len(h) && bytes.Equal(h[off:off+4], []byte("PE\x00\x00")) {
			return "PE"
		}
	case len(h) >= 8 && bytes.HasPrefix(h, []byte{0xca, 0xfe, 0xba, 0xbe}):
		// Fat Mach-O and Java classes share a magic: a class file's next
		// word is its version (major 45 and up), a fat binary's is its
		// count of architectures.
		n := binary.BigEndian.Uint32(h[4:])
		switch {
		case n >= 1 && n <= 20:
			return "Mach-O"
		case n&0xffff >= 45 && n&0xffff < 100:
			return "Java class"
		}
	case len(h) >= 4:
		switch binary.BigEndian.Uint32(h) {
		case 0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe:
			return "Mach-O"
		}
	}
	return ""
}
