package oscal

import (
	"io"
	"strconv"

	"github.com/assaysec/assay/internal/report"
)

// CatalogDoc is an OSCAL catalog document.
type CatalogDoc struct {
	Catalog Catalog `json:"catalog"`
}

// Catalog is an OSCAL catalog.
type Catalog struct {
	UUID       string      `json:"uuid"`
	Metadata   Metadata    `json:"metadata"`
	Groups     []Group     `json:"groups"`
	BackMatter *BackMatter `json:"back-matter,omitempty"`
}

// Group is a theme.
type Group struct {
	ID       string    `json:"id"`
	Class    string    `json:"class"`
	Title    string    `json:"title"`
	Props    []Prop    `json:"props,omitempty"`
	Parts    []Part    `json:"parts,omitempty"`
	Controls []Control `json:"controls"`
}

// Control is a principle, or a claim as its sub-control.
type Control struct {
	ID       string    `json:"id"`
	Class    string    `json:"class"`
	Title    string    `json:"title"`
	Props    []Prop    `json:"props,omitempty"`
	Links    []Link    `json:"links,omitempty"`
	Parts    []Part    `json:"parts,omitempty"`
	Controls []Control `json:"controls,omitempty"`
}

// Part is a piece of control text.
type Part struct {
	ID    string `json:"id,omitempty"`
	Name  string `json:"name"`
	NS    string `json:"ns,omitempty"`
	Class string `json:"class,omitempty"`
	Title string `json:"title,omitempty"`
	Props []Prop `json:"props,omitempty"`
	Prose string `json:"prose,omitempty"`
	Parts []Part `json:"parts,omitempty"`
}

// CatalogUUID is the stable identifier of the catalog for a framework
// version; assessment results cite it.
func CatalogUUID(frameworkID, version, claimsVersion string) string {
	return uuid5("catalog", frameworkID, version, claimsVersion)
}

// WriteCatalog writes the Code of Practice as an OSCAL catalog.
func WriteCatalog(w io.Writer, cat *report.Catalog) error {
	return writeJSON(w, BuildCatalog(cat))
}

// BuildCatalog converts the catalog view (texts, and the rules of each
// claim with their roles and questions) to OSCAL.
func BuildCatalog(cat *report.Catalog) *CatalogDoc {
	f := cat.Framework
	date := f.Version + "T00:00:00Z"
	c := Catalog{
		UUID: CatalogUUID(f.ID, f.Version, f.ClaimsVersion),
		Metadata: Metadata{
			Title:        f.Title + " (assurance claims v" + f.ClaimsVersion + ")",
			Published:    date,
			LastModified: date,
			Version:      f.Version + "+claims." + f.ClaimsVersion,
			OSCALVersion: Version,
			Props: []Prop{
				{Name: "framework-id", NS: NS, Value: f.ID},
				{Name: "claims-version", NS: NS, Value: f.ClaimsVersion},
			},
			Links:              []Link{{Href: f.URL, Rel: "reference", Text: f.Title}},
			Roles:              []Role{{ID: "creator", Title: "Publisher of the Code of Practice"}},
			Parties:            []Party{{UUID: uuid5("party", f.Publisher), Type: "organization", Name: f.Publisher}},
			ResponsibleParties: []ResponsibleParty{{RoleID: "creator", PartyUUIDs: []string{uuid5("party", f.Publisher)}}},
			Remarks: "Principle titles and claim statements are the official texts of the Code of Practice and of the NCSC Assurance Principles and Claims. " +
				"Guidance parts (signals, attestation, SaaS notes, remediation and the rules behind each claim) are Assay's own wording.",
		},
	}
	for _, t := range cat.Themes {
		g := Group{ID: "theme-" + t.ID, Class: "theme", Title: t.Title,
			Props: []Prop{{Name: "label", Value: t.ID}},
			Parts: []Part{{ID: "theme-" + t.ID + "_ovw", Name: "overview", Prose: t.Goal}},
		}
		for _, p := range t.Principles {
			g.Controls = append(g.Controls, principleControl(p))
		}
		c.Groups = append(c.Groups, g)
	}
	return &CatalogDoc{Catalog: c}
}

func principleControl(p report.CatalogPrinciple) Control {
	id := ControlID(p.ID)
	ctl := Control{ID: id, Class: "principle", Title: p.Title,
		Props: []Prop{{Name: "label", Value: p.ID}, {Name: "sort-id", Value: sortID(p.ID)}},
		Parts: []Part{
			{ID: id + "_smt", Name: "statement", Prose: p.Title},
			{ID: id + "_gdn", Name: "guidance", Prose: p.Summary},
		},
	}
	for _, cl := range p.Claims {
		ctl.Controls = append(ctl.Controls, claimControl(cl))
	}
	return ctl
}

// sortID pads each number so that ids sort in catalog order.
func sortID(id string) string {
	out := []byte{}
	num := []byte{}
	flush := func() {
		for i := len(num); i < 2; i++ {
			out = append(out, '0')
		}
		out = append(out, num...)
		num = num[:0]
	}
	for i := 0; i < len(id); i++ {
		if id[i] == '.' {
			flush()
			out = append(out, '.')
			continue
		}
		num = append(num, id[i])
	}
	flush()
	return "sscop-" + string(out)
}

func claimControl(cl report.CatalogClaim) Control {
	id := ControlID(cl.ID)
	ctl := Control{ID: id, Class: "claim", Title: cl.Statement,
		Props: []Prop{
			{Name: "label", Value: cl.ID},
			{Name: "sort-id", Value: sortID(cl.ID)},
			{Name: "automation", NS: NS, Value: cl.Automation},
			{Name: "observed-sufficient", NS: NS, Value: boolText(cl.ObservedSufficient)},
		},
		Parts: []Part{{ID: id + "_smt", Name: "statement", Prose: cl.Statement}},
	}
	for _, e := range cl.Evidence {
		ctl.Props = append(ctl.Props, Prop{Name: "evidence-kind", NS: NS, Value: e})
	}
	if len(cl.Signals) > 0 {
		ctl.Parts = append(ctl.Parts, itemPart(id+"_gdn", "guidance", "signals", "What Assay looks for", cl.Signals))
	}
	if cl.Attestation != "" {
		ctl.Parts = append(ctl.Parts, Part{ID: id + "_att", Name: "assessment-method", Class: "attestation", Title: "What a person attests",
			Props: []Prop{{Name: "method", Value: "INTERVIEW"}}, Prose: cl.Attestation})
	}
	if cl.SaaS != "" {
		ctl.Parts = append(ctl.Parts, Part{ID: id + "_saas", Name: "guidance", Class: "saas", Title: "Software as a service", Prose: cl.SaaS})
	}
	if len(cl.Remediation) > 0 {
		ctl.Parts = append(ctl.Parts, itemPart(id+"_rem", "guidance", "remediation", "How to meet the claim", cl.Remediation))
	}
	if len(cl.Rules) > 0 {
		m := Part{ID: id + "_rules", Name: "assessment-method", Class: "automated", Title: "Rules Assay evaluates",
			Props: []Prop{{Name: "method", Value: "EXAMINE"}, {Name: "method", Value: "TEST"}}}
		for i, r := range cl.Rules {
			prose := r.Question
			if prose == "" {
				prose = r.ID
			}
			m.Parts = append(m.Parts, Part{ID: id + "_rules." + strconv.Itoa(i+1), Name: "rule", NS: NS, Class: string(r.Role), Title: r.ID,
				Props: []Prop{{Name: "rule-id", NS: NS, Value: r.ID}, {Name: "rule-role", NS: NS, Value: string(r.Role)}}, Prose: prose})
		}
		ctl.Parts = append(ctl.Parts, m)
	}
	return ctl
}

func itemPart(id, name, class, title string, items []string) Part {
	p := Part{ID: id, Name: name, Class: class, Title: title}
	for i, it := range items {
		p.Parts = append(p.Parts, Part{ID: id + "." + strconv.Itoa(i+1), Name: "item", Prose: it})
	}
	return p
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
