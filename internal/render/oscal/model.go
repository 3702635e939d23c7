// Package oscal writes NIST OSCAL 1.1.3 JSON for assessors and GRC tools:
// the Code of Practice as an OSCAL catalog (`assay catalog --format oscal`)
// and an assessment as OSCAL assessment-results (`assay assess --format
// oscal`).
//
// The catalog maps the Code's themes to groups, its principles to controls
// and its claims to sub-controls, each with the official statement and
// Assay's guidance (signals, what a person attests, remediation, the rules
// behind the claim). Assessment results carry one observation per piece of
// evidence (a rule's finding, a declared attestation) and one finding per
// claim and principle, whose target is the statement of the matching catalog
// control, so that results link back to the catalog by id.
//
// Identifiers are name-based (UUID version 5) so the same input always gives
// the same document. Text from the repository or the declaration lands in
// OSCAL markup fields, which viewers render as Markdown, so it is escaped.
package oscal

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/assaysec/assay/internal/textsafe"
)

// Version is the OSCAL version written.
const Version = "1.1.3"

// NS is the namespace of Assay's own properties and part names.
const NS = "https://assay.dev/ns/oscal"

// namespace is the UUID namespace of every identifier Assay derives.
var namespace = [16]byte{0x6f, 0x1d, 0x2c, 0x8a, 0x4e, 0x3b, 0x4f, 0x0c, 0x9a, 0x5d, 0x21, 0xe4, 0x77, 0x08, 0xb3, 0x6e}

// uuid5 derives a stable UUID (RFC 9562 version 5) from name parts.
func uuid5(parts ...string) string {
	h := sha1.New()
	h.Write(namespace[:])
	h.Write([]byte(strings.Join(parts, "\x00")))
	sum := h.Sum(nil)
	sum[6] = sum[6]&0x0f | 0x50
	sum[8] = sum[8]&0x3f | 0x80
	x := hex.EncodeToString(sum[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// Metadata is OSCAL document metadata.
type Metadata struct {
	Title              string             `json:"title"`
	Published          string             `json:"published,omitempty"`
	LastModified       string             `json:"last-modified"`
	Version            string             `json:"version"`
	OSCALVersion       string             `json:"oscal-version"`
	Props              []Prop             `json:"props,omitempty"`
	Links              []Link             `json:"links,omitempty"`
	Roles              []Role             `json:"roles,omitempty"`
	Parties            []Party            `json:"parties,omitempty"`
	ResponsibleParties []ResponsibleParty `json:"responsible-parties,omitempty"`
	Remarks            string             `json:"remarks,omitempty"`
}

// Prop is an OSCAL property.
type Prop struct {
	Name    string `json:"name"`
	NS      string `json:"ns,omitempty"`
	Value   string `json:"value"`
	Class   string `json:"class,omitempty"`
	Remarks string `json:"remarks,omitempty"`
}

// Link is an OSCAL link.
type Link struct {
	Href string `json:"href"`
	Rel  string `json:"rel,omitempty"`
	Text string `json:"text,omitempty"`
}

// Role is a metadata role.
type Role struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Party is a person or organisation.
type Party struct {
	UUID    string `json:"uuid"`
	Type    string `json:"type"` // person | organization
	Name    string `json:"name,omitempty"`
	Props   []Prop `json:"props,omitempty"`
	Remarks string `json:"remarks,omitempty"`
}

// ResponsibleParty assigns a role to parties.
type ResponsibleParty struct {
	RoleID     string   `json:"role-id"`
	PartyUUIDs []string `json:"party-uuids"`
}

// BackMatter holds resources referenced from the document.
type BackMatter struct {
	Resources []Resource `json:"resources"`
}

// Resource is a back-matter resource.
type Resource struct {
	UUID        string  `json:"uuid"`
	Title       string  `json:"title,omitempty"`
	Description string  `json:"description,omitempty"`
	Props       []Prop  `json:"props,omitempty"`
	RLinks      []RLink `json:"rlinks,omitempty"`
	Remarks     string  `json:"remarks,omitempty"`
}

// RLink locates a resource, with its hashes.
type RLink struct {
	Href      string `json:"href"`
	MediaType string `json:"media-type,omitempty"`
	Hashes    []Hash `json:"hashes,omitempty"`
}

// Hash is a digest of a resource.
type Hash struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"value"`
}

var mdReplacer = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "&", `\&`, "|", `\|`, "#", `\#`, "!", `\!`)

// md makes repository or declaration text safe inside an OSCAL markup
// field: no control characters, and no Markdown or HTML that a viewer would
// interpret.
func md(s string) string { return mdReplacer.Replace(textsafe.Clean(s)) }

// plain cleans text for plain-string fields (prop values, names).
func plain(s string) string { return textsafe.Clean(s) }

// propValue cleans a prop value; OSCAL requires it to be non-empty and
// without leading or trailing space.
func propValue(s string) string {
	s = strings.TrimSpace(textsafe.Clean(s))
	if s == "" {
		return "none"
	}
	return s
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write oscal: %w", err)
	}
	return nil
}

// ControlID is the catalog id of a principle or claim: "sscop-1.1",
// "sscop-1.1.1". OSCAL ids must start with a letter.
func ControlID(id string) string { return "sscop-" + id }

// StatementID is the id of a control's statement part, the target of
// assessment findings.
func StatementID(id string) string { return ControlID(id) + "_smt" }
