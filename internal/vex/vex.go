// Package vex reads VEX statements (OpenVEX, CycloneDX VEX, CSAF VEX),
// applies them to vulnerability findings, and writes an OpenVEX document of
// a product's known vulnerability statuses.
package vex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/package-url/packageurl-go"

	"github.com/assaysec/assay/internal/evidence"
)

// Statuses, as OpenVEX names them.
const (
	Affected           = "affected"
	NotAffected        = "not_affected"
	Fixed              = "fixed"
	UnderInvestigation = "under_investigation"
)

// Formats.
const (
	FormatOpenVEX   = "OpenVEX"
	FormatCycloneDX = "CycloneDX VEX"
	FormatCSAF      = "CSAF VEX"
)

// MaxStatements caps the statements read from one document.
const MaxStatements = 100_000

// Statement is one VEX statement in a format-neutral form.
type Statement struct {
	Vulns         []string // vulnerability id and aliases
	Products      []string // purls or product ids the statement covers; empty means the whole product
	Status        string
	Justification string
	Impact        string
	Time          time.Time
	Source        string // document path
}

// Document is a parsed VEX document.
type Document struct {
	Format     string
	Statements []Statement
}

// ErrNotVEX marks data that is not a VEX document.
var ErrNotVEX = errors.New("not a VEX document")

// Parse reads a VEX document in any supported format.
func Parse(path string, data []byte) (*Document, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, ErrNotVEX
	}
	var head struct {
		Context   json.RawMessage `json:"@context"`
		BOMFormat string          `json:"bomFormat"`
		Document  *struct {
			Category string `json:"category"`
		} `json:"document"`
		Vulns json.RawMessage `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(trimmed, &head); err != nil {
		return nil, fmt.Errorf("decode JSON: %w", err)
	}
	var doc *Document
	var err error
	switch {
	case bytes.Contains(head.Context, []byte("openvex")):
		doc, err = parseOpenVEX(trimmed)
	case head.BOMFormat == "CycloneDX" && len(head.Vulns) > 2:
		doc, err = parseCycloneDX(trimmed)
	case head.Document != nil && strings.HasPrefix(head.Document.Category, "csaf_") && len(head.Vulns) > 2:
		doc, err = parseCSAF(trimmed)
	default:
		return nil, ErrNotVEX
	}
	if err != nil {
		return nil, err
	}
	for i := range doc.Statements {
		doc.Statements[i].Source = path
	}
	return doc, nil
}

// stringOr decodes a JSON value that is either a string or an object.
type stringOr struct {
	S string
	O json.RawMessage
}

func (s *stringOr) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &s.S)
	}
	s.O = append([]byte(nil), b...)
	return nil
}

func parseOpenVEX(data []byte) (*Document, error) {
	var raw struct {
		Timestamp  *time.Time `json:"timestamp"`
		Statements []struct {
			Vulnerability stringOr   `json:"vulnerability"`
			Products      []stringOr `json:"products"`
			Status        string     `json:"status"`
			Justification string     `json:"justification"`
			Impact        string     `json:"impact_statement"`
			Timestamp     *time.Time `json:"timestamp"`
		} `json:"statements"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("decode OpenVEX: %w", err)
	}
	if len(raw.Statements) > MaxStatements {
		return nil, fmt.Errorf("OpenVEX: %d statements, limit %d", len(raw.Statements), MaxStatements)
	}
	doc := &Document{Format: FormatOpenVEX}
	for i, st := range raw.Statements {
		s := Statement{Status: st.Status, Justification: st.Justification, Impact: st.Impact}
		switch st.Status {
		case Affected, NotAffected, Fixed, UnderInvestigation:
		default:
			return nil, fmt.Errorf("OpenVEX statement %d: status %q: want affected, not_affected, fixed or under_investigation", i, st.Status)
		}
		if st.Vulnerability.S != "" {
			s.Vulns = []string{st.Vulnerability.S}
		} else if st.Vulnerability.O != nil {
			var v struct {
				ID      string   `json:"@id"`
				Name    string   `json:"name"`
				Aliases []string `json:"aliases"`
			}
			if err := json.Unmarshal(st.Vulnerability.O, &v); err != nil {
				return nil, fmt.Errorf("OpenVEX statement %d: vulnerability: %w", i, err)
			}
			s.Vulns = nonEmpty(append([]string{v.Name, v.ID}, v.Aliases...))
		}
		for _, p := range st.Products {
			if p.S != "" {
				s.Products = append(s.Products, p.S)
				continue
			}
			var prod struct {
				ID          string            `json:"@id"`
				Identifiers map[string]string `json:"identifiers"`
				Sub         []struct {
					ID          string            `json:"@id"`
					Identifiers map[string]string `json:"identifiers"`
				} `json:"subcomponents"`
			}
			if err := json.Unmarshal(p.O, &prod); err != nil {
				return nil, fmt.Errorf("OpenVEX statement %d: product: %w", i, err)
			}
			// Subcomponents name the affected components precisely; the
			// product itself is used only when there are none.
			if len(prod.Sub) > 0 {
				for _, sc := range prod.Sub {
					s.Products = append(s.Products, nonEmpty([]string{sc.ID, sc.Identifiers["purl"]})...)
				}
			} else {
				s.Products = append(s.Products, nonEmpty([]string{prod.ID, prod.Identifiers["purl"]})...)
			}
		}
		switch {
		case st.Timestamp != nil:
			s.Time = *st.Timestamp
		case raw.Timestamp != nil:
			s.Time = *raw.Timestamp
		}
		if len(s.Vulns) == 0 {
			return nil, fmt.Errorf("OpenVEX statement %d: no vulnerability", i)
		}
		doc.Statements = append(doc.Statements, s)
	}
	return doc, nil
}

// cdxVuln is one vulnerability of a CycloneDX VEX document.
type cdxVuln struct {
	ID         string `json:"id"`
	References []struct {
		ID string `json:"id"`
	} `json:"references"`
	Analysis *struct {
		State         string `json:"state"`
		Justification string `json:"justification"`
		Detail        string `json:"detail"`
	} `json:"analysis"`
	Affects []struct {
		Ref string `json:"ref"`
	} `json:"affects"`
	Updated string `json:"updated"`
}

func parseCycloneDX(data []byte) (*Document, error) {
	var raw struct {
		Metadata *struct {
			Timestamp string `json:"timestamp"`
		} `json:"metadata"`
		Components      []cdxComp `json:"components"`
		Vulnerabilities []cdxVuln `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("decode CycloneDX VEX: %w", err)
	}
	if len(raw.Vulnerabilities) > MaxStatements {
		return nil, fmt.Errorf("CycloneDX VEX: %d vulnerabilities, limit %d", len(raw.Vulnerabilities), MaxStatements)
	}
	refs := cdxPURLs(raw.Components)
	var docTime time.Time
	if raw.Metadata != nil {
		docTime, _ = time.Parse(time.RFC3339, raw.Metadata.Timestamp)
	}
	doc := &Document{Format: FormatCycloneDX}
	for _, v := range raw.Vulnerabilities {
		if s, ok := cdxStatement(v, refs, docTime); ok {
			doc.Statements = append(doc.Statements, s)
		}
	}
	return doc, nil
}

// cdxPURLs maps bom-refs to purls, through nested components.
func cdxPURLs(components []cdxComp) map[string]string {
	refs := map[string]string{}
	var walk func([]cdxComp, int)
	walk = func(cs []cdxComp, depth int) {
		if depth > 32 {
			return
		}
		for _, c := range cs {
			if c.BOMRef != "" && c.PURL != "" {
				refs[c.BOMRef] = c.PURL
			}
			walk(c.Components, depth+1)
		}
	}
	walk(components, 0)
	return refs
}

// cdxStatement is the statement of one analysed vulnerability, or false
// when it has no analysis Assay understands.
func cdxStatement(v cdxVuln, refs map[string]string, docTime time.Time) (Statement, bool) {
	if v.Analysis == nil || v.ID == "" {
		return Statement{}, false
	}
	s := Statement{Vulns: []string{v.ID}, Justification: v.Analysis.Justification, Impact: v.Analysis.Detail, Time: docTime}
	for _, r := range v.References {
		if r.ID != "" {
			s.Vulns = append(s.Vulns, r.ID)
		}
	}
	switch v.Analysis.State {
	case "not_affected", "false_positive":
		s.Status = NotAffected
		if s.Justification == "" && v.Analysis.State == "false_positive" {
			s.Justification = "false_positive"
		}
	case "resolved", "resolved_with_pedigree":
		s.Status = Fixed
	case "exploitable":
		s.Status = Affected
	case "in_triage":
		s.Status = UnderInvestigation
	default:
		return Statement{}, false
	}
	if t, err := time.Parse(time.RFC3339, v.Updated); err == nil {
		s.Time = t
	}
	for _, a := range v.Affects {
		ref := a.Ref
		// urn:cdx:<serial>/<version>#<bom-ref> points into another BOM.
		if i := strings.LastIndexByte(ref, '#'); strings.HasPrefix(ref, "urn:cdx:") && i >= 0 {
			ref = ref[i+1:]
		}
		if p, ok := refs[ref]; ok {
			ref = p
		}
		s.Products = append(s.Products, ref)
	}
	return s, true
}

type cdxComp struct {
	BOMRef     string    `json:"bom-ref"`
	PURL       string    `json:"purl"`
	Components []cdxComp `json:"components"`
}

type csafBranch struct {
	Product *struct {
		ProductID string `json:"product_id"`
		Helper    *struct {
			PURL string `json:"purl"`
		} `json:"product_identification_helper"`
	} `json:"product"`
	Branches []csafBranch `json:"branches"`
}

// csafInput is what Assay reads of a CSAF VEX document.
type csafInput struct {
	Document struct {
		Tracking struct {
			CurrentReleaseDate string `json:"current_release_date"`
		} `json:"tracking"`
	} `json:"document"`
	ProductTree     csafProductTree `json:"product_tree"`
	Vulnerabilities []csafVuln      `json:"vulnerabilities"`
}

type csafProductTree struct {
	Branches         []csafBranch `json:"branches"`
	FullProductNames []struct {
		ProductID string `json:"product_id"`
		Helper    *struct {
			PURL string `json:"purl"`
		} `json:"product_identification_helper"`
	} `json:"full_product_names"`
	Relationships []struct {
		Ref      string `json:"product_reference"`
		FullName struct {
			ProductID string `json:"product_id"`
		} `json:"full_product_name"`
	} `json:"relationships"`
}

type csafVuln struct {
	CVE string `json:"cve"`
	IDs []struct {
		Text string `json:"text"`
	} `json:"ids"`
	ProductStatus map[string][]string `json:"product_status"`
	Flags         []struct {
		Label      string   `json:"label"`
		ProductIDs []string `json:"product_ids"`
	} `json:"flags"`
	Threats []struct {
		Category   string   `json:"category"`
		Details    string   `json:"details"`
		ProductIDs []string `json:"product_ids"`
	} `json:"threats"`
}

// csafStatuses maps CSAF product status groups to VEX statuses.
var csafStatuses = map[string]string{
	"known_not_affected": NotAffected, "fixed": Fixed, "first_fixed": Fixed,
	"known_affected": Affected, "first_affected": Affected, "last_affected": Affected,
	"under_investigation": UnderInvestigation,
}

func parseCSAF(data []byte) (*Document, error) {
	var raw csafInput
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("decode CSAF: %w", err)
	}
	purls := csafPURLs(raw.ProductTree)
	docTime, _ := time.Parse(time.RFC3339, raw.Document.Tracking.CurrentReleaseDate)
	doc := &Document{Format: FormatCSAF}
	for _, v := range raw.Vulnerabilities {
		if err := addCSAFStatements(doc, v, purls, docTime); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(doc.Statements, func(a, b Statement) int {
		return strings.Compare(strings.Join(a.Vulns, ",")+a.Status+strings.Join(a.Products, ","), strings.Join(b.Vulns, ",")+b.Status+strings.Join(b.Products, ","))
	})
	return doc, nil
}

// csafPURLs maps product ids to the purls that identify them, from the
// branches, the full product names and the relationships.
func csafPURLs(tree csafProductTree) map[string]string {
	purls := map[string]string{}
	var walk func([]csafBranch, int)
	walk = func(bs []csafBranch, depth int) {
		if depth > 32 {
			return
		}
		for _, b := range bs {
			if b.Product != nil && b.Product.Helper != nil && b.Product.Helper.PURL != "" {
				purls[b.Product.ProductID] = b.Product.Helper.PURL
			}
			walk(b.Branches, depth+1)
		}
	}
	walk(tree.Branches, 0)
	for _, f := range tree.FullProductNames {
		if f.Helper != nil && f.Helper.PURL != "" {
			purls[f.ProductID] = f.Helper.PURL
		}
	}
	// A relationship names a component inside a product; the component's
	// purl identifies it.
	for _, r := range tree.Relationships {
		if p, ok := purls[r.Ref]; ok {
			purls[r.FullName.ProductID] = p
		}
	}
	return purls
}

// addCSAFStatements adds one statement per product status of a
// vulnerability, with its justification and impact.
func addCSAFStatements(doc *Document, v csafVuln, purls map[string]string, docTime time.Time) error {
	ids := nonEmpty([]string{v.CVE})
	for _, id := range v.IDs {
		ids = append(ids, id.Text)
	}
	if len(ids) == 0 {
		return nil
	}
	for key, status := range csafStatuses {
		for _, pid := range v.ProductStatus[key] {
			if len(doc.Statements) >= MaxStatements {
				return fmt.Errorf("CSAF: more than %d product statuses", MaxStatements)
			}
			s := Statement{Vulns: ids, Status: status, Time: docTime}
			if p, ok := purls[pid]; ok {
				s.Products = []string{p}
			} else {
				s.Products = []string{pid}
			}
			for _, f := range v.Flags {
				if slices.Contains(f.ProductIDs, pid) {
					s.Justification = f.Label
				}
			}
			for _, t := range v.Threats {
				if t.Category == "impact" && slices.Contains(t.ProductIDs, pid) {
					s.Impact = t.Details
				}
			}
			doc.Statements = append(doc.Statements, s)
		}
	}
	return nil
}

func nonEmpty(s []string) []string {
	var out []string
	for _, x := range s {
		if x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// purlBase drops a purl's version, qualifiers and subpath; a statement
// without a version covers every version of the package.
func purlBase(s string) (base, version string, ok bool) {
	u, err := packageurl.FromString(s)
	if err != nil {
		return "", "", false
	}
	version = u.Version
	u.Version, u.Qualifiers, u.Subpath = "", nil, ""
	return strings.ToLower(u.ToString()), version, true
}

// covers reports whether a statement applies to a package.
func covers(s Statement, p evidence.DepPackage, known map[string]bool) bool {
	if len(s.Products) == 0 {
		return true
	}
	pb, pv, ok := purlBase(p.PURL)
	productLevel := true
	for _, prod := range s.Products {
		sb, sv, isPURL := purlBase(prod)
		if !isPURL {
			continue
		}
		if known[sb] {
			productLevel = false
		}
		if ok && sb == pb && (sv == "" || sv == pv) {
			return true
		}
	}
	// A statement about the product itself (its own purl or id, not one of
	// its components) speaks for every component of it.
	return productLevel
}

// Apply sets each finding's status from the statements that cover it; the
// newest statement wins, and later documents win ties.
func Apply(vulns []evidence.Vulnerability, stmts []Statement) []evidence.Vulnerability {
	known := map[string]bool{}
	for _, v := range vulns {
		if b, _, ok := purlBase(v.Package.PURL); ok {
			known[b] = true
		}
	}
	out := slices.Clone(vulns)
	for i := range out {
		v := &out[i]
		var best *Statement
		for j := range stmts {
			s := &stmts[j]
			if !slices.ContainsFunc(s.Vulns, func(id string) bool { return slices.Contains(v.Aliases, id) || id == v.ID }) {
				continue
			}
			if !covers(*s, v.Package, known) {
				continue
			}
			if best == nil || !s.Time.Before(best.Time) {
				best = s
			}
		}
		if best != nil {
			v.Status = best.Status
			v.Justification = best.Justification
			if v.Justification == "" {
				v.Justification = best.Impact
			}
			v.StatusSource = best.Source
		}
	}
	return out
}

// Open reports whether a finding still counts against the product: VEX
// not_affected and fixed findings stay visible but do not.
func Open(v evidence.Vulnerability) bool {
	return v.Status != NotAffected && v.Status != Fixed
}
