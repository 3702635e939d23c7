package vex

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	govex "github.com/openvex/go-vex/pkg/vex"

	"github.com/assaysec/assay/internal/evidence"
)

// OpenVEXOptions describe the document to write.
type OpenVEXOptions struct {
	Author  string    // the vendor publishing the statements
	Product string    // the product's purl or IRI; components become subcomponents
	Time    time.Time // document timestamp, fixed by the caller for reproducible output
	Tooling string    // e.g. "assay 1.2.3"
	// Declared are statements the vendor wrote by hand (assay.yaml's vex
	// list); they follow the statements derived from the findings.
	Declared []govex.Statement
}

// OpenVEX writes an OpenVEX 0.2.0 document with one statement per finding,
// followed by the vendor's declared statements; for a finding,
// its VEX status when a statement set one, otherwise "affected" (or
// "fixed" never: only a VEX author can say so). Output is deterministic
// for the same findings and options. It is meant for `assay publish`.
func OpenVEX(vulns []evidence.Vulnerability, o OpenVEXOptions) ([]byte, error) {
	if o.Author == "" {
		return nil, fmt.Errorf("OpenVEX: an author is required")
	}
	if o.Product == "" {
		return nil, fmt.Errorf("OpenVEX: a product identifier is required")
	}
	ts := o.Time.UTC()
	doc := govex.VEX{Metadata: govex.Metadata{
		Context:   govex.Context + "/v" + govex.SpecVersion,
		Author:    o.Author,
		Timestamp: &ts,
		Version:   1,
		Tooling:   o.Tooling,
	}}
	sorted := slices.Clone(vulns)
	slices.SortStableFunc(sorted, func(a, b evidence.Vulnerability) int {
		return strings.Compare(a.ID+"\x00"+a.Package.PURL, b.ID+"\x00"+b.Package.PURL)
	})
	seen := map[string]bool{}
	for _, v := range sorted {
		key := v.ID + "\x00" + v.Package.PURL
		if seen[key] || v.Package.PURL == "" {
			continue
		}
		seen[key] = true
		status := govex.StatusAffected
		switch v.Status {
		case NotAffected:
			status = govex.StatusNotAffected
		case Fixed:
			status = govex.StatusFixed
		case UnderInvestigation:
			status = govex.StatusUnderInvestigation
		}
		var aliases []govex.VulnerabilityID
		for _, a := range v.Aliases {
			if a != v.ID {
				aliases = append(aliases, govex.VulnerabilityID(a))
			}
		}
		st := govex.Statement{
			Vulnerability: govex.Vulnerability{Name: govex.VulnerabilityID(v.ID), Aliases: aliases},
			Products: []govex.Product{{
				Component:     govex.Component{ID: o.Product},
				Subcomponents: []govex.Subcomponent{{Component: govex.Component{ID: v.Package.PURL}}},
			}},
			Status: status,
		}
		switch status {
		case govex.StatusNotAffected:
			if j := govex.Justification(v.Justification); j.Valid() {
				st.Justification = j
			} else {
				st.ImpactStatement = orDefault(v.Justification, "not affected, per the vendor's VEX statement")
			}
		case govex.StatusAffected:
			if len(v.Fixed) > 0 {
				st.ActionStatement = "Update " + v.Package.Name + " to " + v.Fixed[0] + " or later."
			} else {
				st.ActionStatement = "No fixed version is known; assess and mitigate."
			}
		}
		doc.Statements = append(doc.Statements, st)
	}
	doc.Statements = append(doc.Statements, o.Declared...)
	// The document id is derived from its content so the same input yields
	// the same document.
	var body bytes.Buffer
	if err := doc.ToJSON(&body); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body.Bytes())
	doc.ID = govex.PublicNamespace + "/assay-" + hex.EncodeToString(sum[:16])
	var out bytes.Buffer
	if err := doc.ToJSON(&out); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
