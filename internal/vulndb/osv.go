// Package vulndb is Assay's offline vulnerability database: it imports OSV
// records, the CISA KEV catalogue and FIRST EPSS scores into an indexed store
// on disk, and matches packages against it with each ecosystem's own version
// ordering (osv-scalibr's semantic package).
package vulndb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// MaxRecordSize caps one OSV record. The largest real records (Red Hat
// kernel advisories) are a few MiB.
const MaxRecordSize = 32 << 20

// Record is the part of an OSV record Assay uses. It is decoded with
// encoding/json, ignoring unknown fields, and stored in this compact form.
type Record struct {
	ID               string         `json:"id"`
	Modified         time.Time      `json:"modified"`
	Published        time.Time      `json:"published,omitzero"`
	Withdrawn        time.Time      `json:"withdrawn,omitzero"`
	Aliases          []string       `json:"aliases,omitempty"`
	Upstream         []string       `json:"upstream,omitempty"`
	Summary          string         `json:"summary,omitempty"`
	Details          string         `json:"details,omitempty"`
	Severity         []Severity     `json:"severity,omitempty"`
	Affected         []Affected     `json:"affected,omitempty"`
	DatabaseSpecific map[string]any `json:"database_specific,omitempty"`
}

// Severity is one severity score.
type Severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

// Affected is one affected package.
type Affected struct {
	Package           Pkg            `json:"package"`
	Severity          []Severity     `json:"severity,omitempty"`
	Ranges            []Range        `json:"ranges,omitempty"`
	Versions          []string       `json:"versions,omitempty"`
	DatabaseSpecific  map[string]any `json:"database_specific,omitempty"`
	EcosystemSpecific map[string]any `json:"ecosystem_specific,omitempty"`
}

// Pkg names a package.
type Pkg struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	PURL      string `json:"purl,omitempty"`
}

// Range is one affected range.
type Range struct {
	Type   string  `json:"type"`
	Repo   string  `json:"repo,omitempty"`
	Events []Event `json:"events"`
}

// Event is one range event.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// ErrNotOSV marks a document that is not an OSV record.
var ErrNotOSV = errors.New("not an OSV record")

// ParseRecord decodes one OSV record from JSON or, when yamlDoc is true, from
// YAML (PyPA's advisory database). Records whose affected packages name no
// ecosystem take implicitEco (PyPA leaves PyPI implicit).
func ParseRecord(data []byte, yamlDoc bool, implicitEco string) (*Record, error) {
	if len(data) > MaxRecordSize {
		return nil, fmt.Errorf("record of %d bytes exceeds the %d byte limit", len(data), MaxRecordSize)
	}
	if yamlDoc {
		j, err := yamlToJSON(data)
		if err != nil {
			return nil, err
		}
		data = j
	}
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("decode OSV record: %w", err)
	}
	if r.ID == "" {
		return nil, fmt.Errorf("%w: no id", ErrNotOSV)
	}
	for i := range r.Affected {
		a := &r.Affected[i]
		if a.Package.Ecosystem == "" {
			a.Package.Ecosystem = implicitEco
		}
		if a.Package.Ecosystem == "" && strings.HasPrefix(a.Package.PURL, "pkg:pypi/") {
			a.Package.Ecosystem = "PyPI"
		}
	}
	// Details are not shown by Assay and can be large; keep the store lean.
	r.Details = ""
	return &r, nil
}

// yamlToJSON converts a YAML document to JSON. yaml.v3 refuses documents
// whose aliases expand excessively, and the caller has bounded the size.
func yamlToJSON(data []byte) ([]byte, error) {
	var v any
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode YAML: %w", err)
	}
	v, err := jsonable(v, 0)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func jsonable(v any, depth int) (any, error) {
	if depth > 64 {
		return nil, errors.New("YAML nested too deeply")
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			c, err := jsonable(e, depth+1)
			if err != nil {
				return nil, err
			}
			x[k] = c
		}
		return x, nil
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			c, err := jsonable(e, depth+1)
			if err != nil {
				return nil, err
			}
			m[fmt.Sprint(k)] = c
		}
		return m, nil
	case []any:
		for i, e := range x {
			c, err := jsonable(e, depth+1)
			if err != nil {
				return nil, err
			}
			x[i] = c
		}
		return x, nil
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano), nil
	}
	return v, nil
}

// IDs returns the record's id followed by its aliases.
func (r *Record) IDs() []string {
	return append([]string{r.ID}, r.Aliases...)
}

// Informational returns RustSec's informational class ("unmaintained",
// "unsound", "notice") when the record is one.
func (r *Record) Informational() string {
	for _, a := range r.Affected {
		if s, ok := a.DatabaseSpecific["informational"].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// BaseEcosystem strips an ecosystem's release suffix: "Debian:12" -> "Debian".
func BaseEcosystem(eco string) string {
	if i := strings.IndexByte(eco, ':'); i >= 0 {
		return eco[:i]
	}
	return eco
}

// NormalizeName folds a package name the way its ecosystem compares names.
func NormalizeName(eco, name string) string {
	switch BaseEcosystem(eco) {
	case "PyPI":
		// PEP 503: runs of -, _ and . are equivalent, case-insensitive.
		var b strings.Builder
		prevSep := false
		for _, c := range strings.ToLower(name) {
			if c == '-' || c == '_' || c == '.' {
				if !prevSep {
					b.WriteByte('-')
				}
				prevSep = true
				continue
			}
			prevSep = false
			b.WriteRune(c)
		}
		return b.String()
	case "Packagist", "NuGet", "Pub", "Hex":
		return strings.ToLower(name)
	}
	return name
}
