package sbom

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/package-url/packageurl-go"
	spdxjson "github.com/spdx/tools-golang/json"
	spdxcommon "github.com/spdx/tools-golang/spdx/v2/common"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"
	"github.com/spdx/tools-golang/tagvalue"

	"github.com/assaysec/assay/internal/deps"
)

// Output formats.
const (
	CycloneDXJSON = "cyclonedx-json"
	CycloneDXXML  = "cyclonedx-xml"
	SPDXJSON      = "spdx-json"
	SPDXTagValue  = "spdx-tag-value"
)

// Formats lists the output formats.
var Formats = []string{CycloneDXJSON, CycloneDXXML, SPDXJSON, SPDXTagValue}

// Subject describes the product the SBOM is about.
type Subject struct {
	Name      string
	Version   string
	Supplier  string // the vendor; also the SBOM's author when set
	Tool      string // "assay"
	ToolVer   string
	Timestamp time.Time // fixed by the caller so output is reproducible
	// License is the product's declared SPDX licence expression; "" writes
	// NOASSERTION.
	License string
}

// entry is one unique component.
type entry struct {
	pkg     deps.Package
	ref     string
	sources []deps.Package // every lockfile occurrence
}

// components dedupes packages by purl (or ecosystem/name/version) and
// sorts them, so the same inventory always yields the same document.
func components(pkgs []deps.Package) []*entry {
	byKey := map[string]*entry{}
	var out []*entry
	for _, p := range pkgs {
		if p.Name == "" {
			continue
		}
		key := p.Ref()
		e, ok := byKey[key]
		if !ok {
			e = &entry{pkg: p, ref: key}
			byKey[key] = e
			out = append(out, e)
		}
		e.sources = append(e.sources, p)
		// A package direct anywhere is direct; runtime anywhere is runtime.
		if p.Relation == deps.Direct {
			e.pkg.Relation = deps.Direct
		}
		if p.Scope == deps.Runtime || p.Scope == "" && e.pkg.Scope != deps.Runtime {
			e.pkg.Scope = p.Scope
		}
	}
	slices.SortFunc(out, func(a, b *entry) int { return strings.Compare(a.ref, b.ref) })
	return out
}

// digest is a stable fingerprint of the document's content, used for its
// serial number and namespace so reruns on the same input agree.
func digest(s Subject, es []*entry, g graph) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\n", s.Name, s.Version, s.Supplier, s.Timestamp.UTC().Format(time.RFC3339))
	for _, e := range es {
		fmt.Fprintf(h, "%s\x00%s\x00%s\n", e.ref, e.pkg.Relation, e.pkg.Scope)
		for _, to := range g.dependsOn[e.ref] {
			fmt.Fprintf(h, "\x01%s\n", to)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// uuidFrom formats 16 bytes of a digest as an RFC 9562 version 8 UUID.
func uuidFrom(hexDigest string) string {
	b, _ := hex.DecodeString(hexDigest[:32])
	b[6] = b[6]&0x0f | 0x80
	b[8] = b[8]&0x3f | 0x80
	x := hex.EncodeToString(b)
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// graph is the dependency relationships of the document: what the product
// requires directly, and what each component requires, by reference.
type graph struct {
	root      []string
	dependsOn map[string][]string
}

// relationships turns lockfile edges into component references. The
// product depends on every component not known to be transitive, and on
// any transitive one that no recorded edge reaches, so nothing is left
// unconnected.
func relationships(pkgs []deps.Package, es []*entry, edges []deps.Edge) graph {
	refOf := map[string]string{}
	for _, p := range pkgs {
		refOf[p.Key()] = p.Ref()
	}
	g := graph{dependsOn: map[string][]string{}}
	reached := map[string]bool{}
	seen := map[[2]string]bool{}
	for _, e := range edges {
		from, ok1 := refOf[e.From]
		to, ok2 := refOf[e.To]
		if !ok1 || !ok2 || from == to || seen[[2]string{from, to}] {
			continue
		}
		seen[[2]string{from, to}] = true
		g.dependsOn[from] = append(g.dependsOn[from], to)
		reached[to] = true
	}
	for _, list := range g.dependsOn {
		slices.Sort(list)
	}
	for _, e := range es {
		if e.pkg.Relation != deps.Transitive || !reached[e.ref] {
			g.root = append(g.root, e.ref)
		}
	}
	return g
}

// Write renders the inventory in one of Formats, with the requirements
// between components the lockfiles record.
func Write(w io.Writer, format string, s Subject, pkgs []deps.Package, edges []deps.Edge) error {
	es := components(pkgs)
	g := relationships(pkgs, es, edges)
	switch format {
	case CycloneDXJSON, CycloneDXXML:
		return writeCycloneDX(w, format, s, es, g)
	case SPDXJSON, SPDXTagValue:
		return writeSPDX(w, format, s, es, g)
	}
	return fmt.Errorf("unknown SBOM format %q; want one of %s", format, strings.Join(Formats, ", "))
}

func writeCycloneDX(w io.Writer, format string, s Subject, es []*entry, g graph) error {
	bom := cdx.NewBOM()
	bom.SerialNumber = "urn:uuid:" + uuidFrom(digest(s, es, g))
	bom.Version = 1
	rootRef := "root:" + s.Name
	supplier := s.Supplier
	if supplier == "" {
		supplier = s.Name
	}
	author := s.Supplier
	if author == "" {
		author = fmt.Sprintf("%s %s (automated)", s.Tool, s.ToolVer)
	}
	bom.Metadata = &cdx.Metadata{
		Timestamp: s.Timestamp.UTC().Format(time.RFC3339),
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type: cdx.ComponentTypeApplication, Name: s.Tool, Version: s.ToolVer,
			Supplier: &cdx.OrganizationalEntity{Name: "Assay project"},
		}}},
		Authors: &[]cdx.OrganizationalContact{{Name: author}},
		Component: &cdx.Component{
			BOMRef: rootRef, Type: cdx.ComponentTypeApplication, Name: s.Name, Version: s.Version,
			Supplier: &cdx.OrganizationalEntity{Name: supplier}, PackageURL: rootPURL(s),
		},
		Supplier: &cdx.OrganizationalEntity{Name: supplier},
	}
	if s.License != "" {
		bom.Metadata.Component.Licenses = &cdx.Licenses{{Expression: s.License}}
	}
	comps := make([]cdx.Component, 0, len(es))
	for _, e := range es {
		comps = append(comps, cdxLibrary(e))
	}
	bom.Components = &comps
	root := slices.Clone(g.root)
	dependencies := []cdx.Dependency{{Ref: rootRef, Dependencies: &root}}
	for _, e := range es {
		if on := g.dependsOn[e.ref]; len(on) > 0 {
			dependencies = append(dependencies, cdx.Dependency{Ref: e.ref, Dependencies: &on})
		}
	}
	bom.Dependencies = &dependencies
	ff := cdx.BOMFileFormatJSON
	if format == CycloneDXXML {
		ff = cdx.BOMFileFormatXML
	}
	var buf bytes.Buffer
	enc := cdx.NewBOMEncoder(&buf, ff)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return fmt.Errorf("encode CycloneDX: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// cdxLibrary is one component with its scope, where it is pinned and
// its ecosystem.
func cdxLibrary(e *entry) cdx.Component {
	c := cdx.Component{
		BOMRef: e.ref, Type: cdx.ComponentTypeLibrary, Name: e.pkg.Name, Version: e.pkg.Version,
		PackageURL: e.pkg.PURL,
		Supplier:   &cdx.OrganizationalEntity{Name: deps.SupplierOf(e.pkg)},
	}
	switch e.pkg.Scope {
	case deps.Dev:
		c.Scope = cdx.ScopeExcluded
	case deps.Optional:
		c.Scope = cdx.ScopeOptional
	case deps.Runtime:
		c.Scope = cdx.ScopeRequired
	}
	var occ []cdx.EvidenceOccurrence
	for _, src := range e.sources {
		o := cdx.EvidenceOccurrence{Location: src.Path}
		if src.Line > 0 {
			line := src.Line
			o.Line = &line
		}
		occ = append(occ, o)
	}
	c.Evidence = &cdx.Evidence{Occurrences: &occ}
	props := []cdx.Property{{Name: "assay:ecosystem", Value: e.pkg.Ecosystem}}
	if e.pkg.Relation != "" {
		props = append(props, cdx.Property{Name: "assay:relation", Value: e.pkg.Relation})
	}
	c.Properties = &props
	return c
}

// spdxID makes an SPDX identifier from a component reference.
func spdxID(ref string) spdxcommon.ElementID {
	sum := sha256.Sum256([]byte(ref))
	return spdxcommon.ElementID("Package-" + hex.EncodeToString(sum[:8]))
}

func writeSPDX(w io.Writer, format string, s Subject, es []*entry, g graph) error {
	d := digest(s, es, g)
	supplier := s.Supplier
	if supplier == "" {
		supplier = s.Name
	}
	creators := []spdxcommon.Creator{{CreatorType: "Tool", Creator: s.Tool + "-" + s.ToolVer}}
	if s.Supplier != "" {
		creators = append(creators, spdxcommon.Creator{CreatorType: "Organization", Creator: s.Supplier})
	}
	rootID := spdxcommon.ElementID("Product")
	doc := &v2_3.Document{
		SPDXVersion:       v2_3.Version,
		DataLicense:       v2_3.DataLicense,
		SPDXIdentifier:    "DOCUMENT",
		DocumentName:      s.Name + "-" + s.Version,
		DocumentNamespace: "https://assaysec.github.io/spdx/" + safeName(s.Name) + "-" + uuidFrom(d),
		CreationInfo: &v2_3.CreationInfo{
			Creators: creators,
			Created:  s.Timestamp.UTC().Format(time.RFC3339),
		},
	}
	root := &v2_3.Package{
		PackageName:               s.Name,
		PackageSPDXIdentifier:     rootID,
		PackageVersion:            s.Version,
		PackageSupplier:           &spdxcommon.Supplier{Supplier: supplier, SupplierType: "Organization"},
		PackageDownloadLocation:   "NOASSERTION",
		FilesAnalyzed:             false,
		IsFilesAnalyzedTagPresent: true,
		PackageLicenseConcluded:   "NOASSERTION",
		PackageLicenseDeclared:    orNoAssertion(s.License),
		PackageCopyrightText:      "NOASSERTION",
		PrimaryPackagePurpose:     "APPLICATION",
		PackageExternalReferences: []*v2_3.PackageExternalReference{{Category: "PACKAGE-MANAGER", RefType: "purl", Locator: rootPURL(s)}},
	}
	doc.Packages = append(doc.Packages, root)
	doc.Relationships = append(doc.Relationships, &v2_3.Relationship{
		RefA: spdxcommon.MakeDocElementID("", "DOCUMENT"), RefB: spdxcommon.MakeDocElementID("", string(rootID)), Relationship: "DESCRIBES",
	})
	direct := map[string]bool{}
	for _, ref := range g.root {
		direct[ref] = true
	}
	for _, e := range es {
		p, r := spdxComponent(rootID, e)
		doc.Packages = append(doc.Packages, p)
		if direct[e.ref] {
			doc.Relationships = append(doc.Relationships, r)
		}
	}
	for _, e := range es {
		for _, to := range g.dependsOn[e.ref] {
			doc.Relationships = append(doc.Relationships, &v2_3.Relationship{
				RefA: spdxcommon.MakeDocElementID("", string(spdxID(e.ref))), RefB: spdxcommon.MakeDocElementID("", string(spdxID(to))), Relationship: "DEPENDS_ON",
			})
		}
	}
	var buf bytes.Buffer
	var err error
	if format == SPDXTagValue {
		err = tagvalue.Write(doc, &buf)
	} else {
		err = spdxjson.Write(doc, &buf, spdxjson.Indent("  "), spdxjson.EscapeHTML(false))
	}
	if err != nil {
		return fmt.Errorf("encode SPDX: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// spdxComponent is one component's package and its relationship to the
// product.
func spdxComponent(rootID spdxcommon.ElementID, e *entry) (*v2_3.Package, *v2_3.Relationship) {
	id := spdxID(e.ref)
	p := &v2_3.Package{
		PackageName:               e.pkg.Name,
		PackageSPDXIdentifier:     id,
		PackageVersion:            e.pkg.Version,
		PackageSupplier:           &spdxcommon.Supplier{Supplier: deps.SupplierOf(e.pkg), SupplierType: "Organization"},
		PackageDownloadLocation:   "NOASSERTION",
		FilesAnalyzed:             false,
		IsFilesAnalyzedTagPresent: true,
		PackageLicenseConcluded:   "NOASSERTION",
		PackageLicenseDeclared:    "NOASSERTION",
		PackageCopyrightText:      "NOASSERTION",
		PrimaryPackagePurpose:     "LIBRARY",
	}
	if e.pkg.PURL != "" {
		p.PackageExternalReferences = []*v2_3.PackageExternalReference{{Category: "PACKAGE-MANAGER", RefType: "purl", Locator: e.pkg.PURL}}
	}
	var srcs []string
	for _, src := range e.sources {
		if src.Line > 0 {
			srcs = append(srcs, fmt.Sprintf("%s:%d", src.Path, src.Line))
		} else {
			srcs = append(srcs, src.Path)
		}
	}
	p.PackageSourceInfo = "pinned in " + strings.Join(srcs, ", ")
	rel := "DEPENDS_ON"
	switch e.pkg.Scope {
	case deps.Dev:
		rel = "DEV_DEPENDENCY_OF"
	case deps.Optional:
		rel = "OPTIONAL_DEPENDENCY_OF"
	}
	r := &v2_3.Relationship{RefA: spdxcommon.MakeDocElementID("", string(rootID)), RefB: spdxcommon.MakeDocElementID("", string(id)), Relationship: rel}
	if rel != "DEPENDS_ON" {
		r.RefA, r.RefB = r.RefB, r.RefA
	}
	return p, r
}

// rootPURL identifies the product itself with a generic purl, the type the
// purl specification keeps for software no package registry distributes.
func rootPURL(s Subject) string {
	return packageurl.NewPackageURL("generic", "", s.Name, s.Version, nil, "").ToString()
}

func safeName(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' {
			b.WriteRune(c)
		} else {
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "product"
	}
	return b.String()
}

func orNoAssertion(v string) string {
	if v == "" {
		return "NOASSERTION"
	}
	return v
}
