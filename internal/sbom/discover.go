package sbom

import (
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/assaysec/assay/internal/deps"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/source"
)

// MaxSBOMSize caps one SBOM document; the largest real ones are tens of MiB.
const MaxSBOMSize = 64 << 20

// LooksLikeSBOM reports whether a file name is one SBOM tools write.
func LooksLikeSBOM(p string) bool {
	b := strings.ToLower(path.Base(p))
	for _, suf := range []string{".cdx.json", ".cdx.xml", ".cdx", ".bom.json", ".bom.xml", ".spdx", ".spdx.json", ".spdx.tv"} {
		if strings.HasSuffix(b, suf) {
			return true
		}
	}
	if b == "bom.json" || b == "bom.xml" {
		return true
	}
	return strings.Contains(b, "sbom") && (strings.HasSuffix(b, ".json") || strings.HasSuffix(b, ".xml"))
}

// Discover reads the SBOMs in the tree (outside fixture and vendored
// directories) and the extra files given with --sbom. Files that turn out
// not to be SBOMs are skipped unless they were named explicitly.
func Discover(t *source.Tree, extra []string) []evidence.SBOMDocument {
	var out []evidence.SBOMDocument
	if t != nil {
		for _, e := range t.Entries() {
			if !LooksLikeSBOM(e.Path) || deps.SkipDir(e.Path) {
				continue
			}
			data, err := t.ReadFile(e.Path, min(MaxSBOMSize, limits.MaxFileSize*8))
			if err != nil {
				out = append(out, evidence.SBOMDocument{Path: e.Path, Error: err.Error()})
				continue
			}
			doc, err := Read(e.Path, data)
			if err != nil {
				continue
			}
			out = append(out, doc)
		}
	}
	for _, p := range extra {
		data, err := readExternal(p)
		if err != nil {
			out = append(out, evidence.SBOMDocument{Path: p, External: true, Error: err.Error()})
			continue
		}
		doc, err := Read(p, data)
		if err != nil {
			doc = evidence.SBOMDocument{Path: p, Error: err.Error()}
		}
		doc.External = true
		out = append(out, doc)
	}
	return out
}

// readExternal reads a user-named file, refusing anything but a regular
// file and bounding its size.
func readExternal(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", p)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSBOMSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSBOMSize {
		return nil, fmt.Errorf("%s exceeds %d bytes", p, MaxSBOMSize)
	}
	return data, nil
}
