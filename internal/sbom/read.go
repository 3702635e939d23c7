// Package sbom reads CycloneDX and SPDX documents, checks them against the
// NTIA minimum elements, and writes Assay's own inventory as CycloneDX 1.6
// or SPDX 2.3 with the official Go libraries for those formats.
package sbom

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx"
	"github.com/spdx/tools-golang/tagvalue"

	"github.com/assaysec/assay/internal/deps"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
)

// MaxComponents caps how many components of one document are examined.
const MaxComponents = 200_000

// maxNesting caps nested CycloneDX components.
const maxNesting = 32

// ErrNotSBOM marks a file that is not an SBOM.
var ErrNotSBOM = errors.New("not a CycloneDX or SPDX document")

// Sniffed is what the first bytes of a document say it is.
type Sniffed struct {
	Format      string // "CycloneDX", "SPDX"
	SpecVersion string
	Encoding    string // "json", "xml", "tag-value"
}

var (
	reCDXNS     = lazyre.New(`http://cyclonedx\.org/schema/bom/(\d+\.\d+)`)
	reTVVersion = lazyre.New(`(?m)^SPDXVersion:\s*SPDX-(\d+\.\d+)`)
)

// Sniff identifies a document without parsing it fully.

// spdx3Version finds the SPDX 3 version in a JSON-LD context URL.
var spdx3Version = lazyre.New(`spdx\.org/rdf/(3\.\d+)`)

func Sniff(data []byte) (Sniffed, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	trimmed = bytes.TrimPrefix(trimmed, []byte("\xef\xbb\xbf"))
	switch {
	case len(trimmed) > 0 && trimmed[0] == '{':
		var head struct {
			BOMFormat   string          `json:"bomFormat"`
			SpecVersion string          `json:"specVersion"`
			SPDXVersion string          `json:"spdxVersion"`
			Context     json.RawMessage `json:"@context"`
		}
		if err := json.Unmarshal(trimmed, &head); err != nil {
			return Sniffed{}, fmt.Errorf("decode JSON: %w", err)
		}
		switch {
		case head.BOMFormat == "CycloneDX":
			return Sniffed{Format: "CycloneDX", SpecVersion: head.SpecVersion, Encoding: "json"}, nil
		case strings.HasPrefix(head.SPDXVersion, "SPDX-"):
			return Sniffed{Format: "SPDX", SpecVersion: strings.TrimPrefix(head.SPDXVersion, "SPDX-"), Encoding: "json"}, nil
		case bytes.Contains(head.Context, []byte("spdx.org/rdf/3")):
			v := "3.0"
			if m := spdx3Version.FindSubmatch(head.Context); m != nil {
				v = string(m[1])
			}
			return Sniffed{Format: "SPDX", SpecVersion: v, Encoding: "json"}, nil
		}
	case len(trimmed) > 0 && trimmed[0] == '<':
		if m := reCDXNS.FindSubmatch(trimmed[:min(len(trimmed), 4096)]); m != nil {
			return Sniffed{Format: "CycloneDX", SpecVersion: string(m[1]), Encoding: "xml"}, nil
		}
	default:
		if m := reTVVersion.FindSubmatch(trimmed[:min(len(trimmed), 65536)]); m != nil {
			return Sniffed{Format: "SPDX", SpecVersion: string(m[1]), Encoding: "tag-value"}, nil
		}
	}
	return Sniffed{}, ErrNotSBOM
}

// Read parses an SBOM document and checks its NTIA minimum elements. A
// document that is recognised but cannot be read (SPDX 3.0, a broken file)
// is returned with Supported false or Error set, never as an error: only
// data that is not an SBOM at all returns ErrNotSBOM.
func Read(path string, data []byte) (evidence.SBOMDocument, error) {
	doc := evidence.SBOMDocument{Path: path}
	s, err := Sniff(data)
	if err != nil {
		return doc, err
	}
	doc.Format, doc.SpecVersion, doc.Encoding = s.Format, s.SpecVersion, s.Encoding
	doc.Type = "software"
	doc.Supported = true
	switch {
	case s.Format == "CycloneDX":
		if err := readCycloneDX(&doc, data, s); err != nil {
			doc.Error = err.Error()
		}
	case s.Format == "SPDX" && strings.HasPrefix(s.SpecVersion, "2."):
		if err := readSPDX(&doc, data, s); err != nil {
			doc.Error = err.Error()
		}
	default:
		doc.Supported = false
		doc.Note = fmt.Sprintf("SPDX %s (JSON-LD) is recognised but not read; Assay reads SPDX 2.2 and 2.3", s.SpecVersion)
	}
	return doc, nil
}

// component is the format-neutral view of one component for NTIA checks.
type component struct {
	name, version, supplier, purl, otherID, typ string
}

func readCycloneDX(doc *evidence.SBOMDocument, data []byte, s Sniffed) error {
	switch s.SpecVersion {
	case "1.2", "1.3", "1.4", "1.5", "1.6", "1.7":
	default:
		doc.Supported = false
		doc.Note = fmt.Sprintf("CycloneDX %s is recognised but not read; Assay reads CycloneDX 1.2 to 1.7", s.SpecVersion)
		return nil
	}
	var bom cdx.BOM
	format := cdx.BOMFileFormatJSON
	if s.Encoding == "xml" {
		format = cdx.BOMFileFormatXML
		if err := checkXMLDepth(data); err != nil {
			return err
		}
	}
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), format).Decode(&bom); err != nil {
		return fmt.Errorf("decode CycloneDX %s %s: %w", s.SpecVersion, s.Encoding, err)
	}
	var comps []component
	var walk func(list *[]cdx.Component, depth int)
	walk = func(list *[]cdx.Component, depth int) {
		if list == nil || depth > maxNesting {
			return
		}
		for i := range *list {
			if len(comps) >= MaxComponents {
				return
			}
			c := &(*list)[i]
			comps = append(comps, cdxComponent(c))
			walk(c.Components, depth+1)
		}
	}
	walk(bom.Components, 0)
	doc.Type = cdxType(&bom, comps)
	if doc.Type != "software" {
		doc.Note = fmt.Sprintf("a CycloneDX %s, not a software bill of materials", doc.Type)
	}
	relationships := bom.Dependencies != nil && len(*bom.Dependencies) > 0
	if !relationships {
		for _, c := range derefComponents(bom.Components) {
			if c.Components != nil && len(*c.Components) > 0 {
				relationships = true // nesting is an assembly relationship
				break
			}
		}
	}
	author, timestamp := false, false
	if m := bom.Metadata; m != nil {
		timestamp = m.Timestamp != ""
		author = m.Authors != nil && len(*m.Authors) > 0 ||
			m.Manufacturer != nil && m.Manufacturer.Name != "" ||
			m.Manufacture != nil && m.Manufacture.Name != "" ||
			m.Supplier != nil && m.Supplier.Name != "" ||
			m.Component != nil && (m.Component.Author != "" || m.Component.Authors != nil && len(*m.Component.Authors) > 0)
	}
	finish(doc, comps, relationships, author, timestamp)
	return nil
}

// checkXMLDepth refuses XML nested beyond reason before a full decode.
func checkXMLDepth(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			line, _ := d.InputPos()
			return fmt.Errorf("line %d: malformed XML: %w", line, err)
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			if depth > 4*maxNesting+16 {
				line, _ := d.InputPos()
				return fmt.Errorf("line %d: XML nested more than %d levels", line, 4*maxNesting+16)
			}
		case xml.EndElement:
			depth--
		}
	}
}

func derefComponents(p *[]cdx.Component) []cdx.Component {
	if p == nil {
		return nil
	}
	return *p
}

func cdxComponent(c *cdx.Component) component {
	out := component{name: c.Name, version: c.Version, purl: c.PackageURL, typ: string(c.Type)}
	if c.Group != "" && !strings.HasPrefix(c.PackageURL, "pkg:") {
		out.name = c.Group + ":" + c.Name
	}
	switch {
	case c.Supplier != nil && c.Supplier.Name != "":
		out.supplier = c.Supplier.Name
	case c.Manufacturer != nil && c.Manufacturer.Name != "":
		out.supplier = c.Manufacturer.Name
	case c.Publisher != "":
		out.supplier = c.Publisher
	case c.Author != "":
		out.supplier = c.Author
	case c.Authors != nil && len(*c.Authors) > 0 && (*c.Authors)[0].Name != "":
		out.supplier = (*c.Authors)[0].Name
	}
	switch {
	case c.CPE != "":
		out.otherID = c.CPE
	case c.SWID != nil && c.SWID.TagID != "":
		out.otherID = c.SWID.TagID
	case c.OmniborID != nil && len(*c.OmniborID) > 0:
		out.otherID = (*c.OmniborID)[0]
	case c.SWHID != nil && len(*c.SWHID) > 0:
		out.otherID = (*c.SWHID)[0]
	}
	return out
}

// cdxType tells a software BOM from CycloneDX's other BOM kinds.
func cdxType(bom *cdx.BOM, comps []component) string {
	counts := map[string]int{}
	for _, c := range comps {
		counts[c.typ]++
	}
	if bom.Metadata != nil && bom.Metadata.Component != nil {
		counts[string(bom.Metadata.Component.Type)]++
	}
	hw := counts["device"] + counts["firmware"] + counts["device-driver"]
	switch {
	case len(comps) == 0 && bom.Services != nil && len(*bom.Services) > 0:
		return "SaaSBOM"
	case counts["cryptographic-asset"] > 0: // CycloneDX 1.6 CBOMs list crypto assets beside the libraries using them
		return "CBOM"
	case hw > 0 && hw*2 >= len(comps)+1:
		return "HBOM"
	}
	return "software"
}

func readSPDX(doc *evidence.SBOMDocument, data []byte, s Sniffed) error {
	switch s.SpecVersion {
	case "2.1", "2.2", "2.3":
	default:
		doc.Supported = false
		doc.Note = fmt.Sprintf("SPDX %s is recognised but not read", s.SpecVersion)
		return nil
	}
	var d *spdx.Document
	var err error
	if s.Encoding == "tag-value" {
		d, err = readTagValue(data)
	} else {
		d, err = spdxjson.Read(bytes.NewReader(data))
	}
	if err != nil {
		return fmt.Errorf("decode SPDX %s %s: %w", s.SpecVersion, s.Encoding, err)
	}
	var comps []component
	for _, p := range d.Packages {
		if p == nil || len(comps) >= MaxComponents {
			continue
		}
		c := component{name: p.PackageName, version: p.PackageVersion}
		if p.PackageSupplier != nil && p.PackageSupplier.Supplier != "" && p.PackageSupplier.Supplier != "NOASSERTION" {
			c.supplier = p.PackageSupplier.Supplier
		} else if p.PackageOriginator != nil && p.PackageOriginator.Originator != "" && p.PackageOriginator.Originator != "NOASSERTION" {
			c.supplier = p.PackageOriginator.Originator
		}
		for _, r := range p.PackageExternalReferences {
			if r == nil {
				continue
			}
			switch strings.ToLower(r.RefType) {
			case "purl":
				c.purl = r.Locator
			case "cpe23type", "cpe22type", "swid", "gitoid", "swh":
				c.otherID = r.Locator
			}
		}
		comps = append(comps, c)
	}
	relationships := false
	for _, r := range d.Relationships {
		if r != nil && !strings.EqualFold(r.Relationship, "DESCRIBES") && !strings.EqualFold(r.Relationship, "DESCRIBED_BY") {
			relationships = true
			break
		}
	}
	author, timestamp := false, false
	if ci := d.CreationInfo; ci != nil {
		timestamp = ci.Created != ""
		for _, c := range ci.Creators {
			if c.CreatorType == "Person" || c.CreatorType == "Organization" {
				author = true
			}
		}
	}
	finish(doc, comps, relationships, author, timestamp)
	return nil
}

// readTagValue recovers from panics in the tag-value reader, which has met
// crafted input it did not expect.
func readTagValue(data []byte) (d *spdx.Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			d, err = nil, fmt.Errorf("tag-value reader failed: %v", r)
		}
	}()
	return tagvalue.Read(bytes.NewReader(data))
}

// finish counts NTIA gaps and collects matchable packages.
func finish(doc *evidence.SBOMDocument, comps []component, relationships, author, timestamp bool) {
	doc.Components = len(comps)
	type check struct {
		element string
		ok      func(component) bool
	}
	checks := []check{
		{"supplier", func(c component) bool { return c.supplier != "" }},
		{"name", func(c component) bool { return c.name != "" }},
		{"version", func(c component) bool { return c.version != "" }},
		{"unique identifier", func(c component) bool { return c.purl != "" || c.otherID != "" }},
	}
	for _, ch := range checks {
		gap := evidence.NTIAGap{Element: ch.element, Total: len(comps)}
		for _, c := range comps {
			if !ch.ok(c) {
				gap.Missing++
				if gap.Example == "" {
					gap.Example = strings.TrimSpace(c.name + " " + c.version)
					if gap.Example == "" {
						gap.Example = "(unnamed component)"
					}
				}
			}
		}
		if gap.Missing > 0 {
			doc.Gaps = append(doc.Gaps, gap)
		}
	}
	if len(comps) == 0 {
		doc.Gaps = append(doc.Gaps, evidence.NTIAGap{Element: "components", Example: "the document lists no components"})
	}
	if !relationships && len(comps) > 0 {
		doc.Gaps = append(doc.Gaps, evidence.NTIAGap{Element: "relationships"})
	}
	if !author {
		doc.Gaps = append(doc.Gaps, evidence.NTIAGap{Element: "author"})
	}
	if !timestamp {
		doc.Gaps = append(doc.Gaps, evidence.NTIAGap{Element: "timestamp"})
	}
	for _, c := range comps {
		if c.purl == "" {
			continue
		}
		p, ok := deps.FromPURL(c.purl)
		if !ok || p.Version == "" {
			continue
		}
		p.Path = doc.Path
		doc.Packages = append(doc.Packages, evidence.DepPackage(p))
	}
}
