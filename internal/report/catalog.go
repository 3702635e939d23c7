package report

// Catalog is the Code of Practice as the catalog views show it (`assay
// catalog` in every format, the OSCAL catalog): the embedded texts with the
// rules mapped to each claim. It is data only; internal/explain builds it
// from the catalog, the mapping and the rule registry, and renderers print
// it. Its JSON is `assay catalog --format json`.
type Catalog struct {
	Framework  CatalogFramework   `json:"framework"`
	Roles      []CatalogRole      `json:"roles"`
	Themes     []CatalogTheme     `json:"themes"`
	Crosswalks []CatalogCrosswalk `json:"crosswalks"`
}

// CatalogFramework identifies the framework and its version.
type CatalogFramework struct {
	ID            string `json:"id"`
	Version       string `json:"version"`
	ClaimsVersion string `json:"claimsVersion"`
	Title         string `json:"title,omitempty"`
	Publisher     string `json:"publisher"`
	URL           string `json:"url"`
}

// CatalogRole is a vendor role with the themes that apply to it.
type CatalogRole struct {
	ID     string   `json:"id"`
	Themes []string `json:"themes"`
	Note   string   `json:"note,omitempty"`
}

// CatalogTheme groups principles.
type CatalogTheme struct {
	ID         string             `json:"id"`
	Title      string             `json:"title"`
	Goal       string             `json:"goal"`
	Principles []CatalogPrinciple `json:"principles"`
}

// CatalogPrinciple is one principle and its claims.
type CatalogPrinciple struct {
	ID      string         `json:"id"`
	Title   string         `json:"title"`
	Summary string         `json:"summary"`
	Claims  []CatalogClaim `json:"claims"`
}

// CatalogClaim is one claim, what evidences it and the rules behind it.
type CatalogClaim struct {
	ID                 string   `json:"id"`
	Statement          string   `json:"statement"`
	Automation         string   `json:"automation"`
	ObservedSufficient bool     `json:"observedSufficient"`
	Evidence           []string `json:"evidence"`
	Signals            []string `json:"signals"`
	Attestation        string   `json:"attestation,omitempty"`
	SaaS               string   `json:"saas,omitempty"`
	Remediation        []string `json:"remediation"`
	RulesAll           []string `json:"rulesAll,omitempty"`
	RulesAny           []string `json:"rulesAny,omitempty"`
	RulesSupporting    []string `json:"rulesSupporting,omitempty"`
	// Rules are every rule of the claim in mapping order (all, any, blocks,
	// supporting), each once, with its role and question.
	Rules []CatalogRule `json:"-"`
}

// CatalogRule is one rule as a claim uses it.
type CatalogRule struct {
	ID       string
	Role     Role   // "all", "any", "blocks" or "supporting"
	Question string // empty when the rule is not registered
}

// CatalogCrosswalk maps another framework's controls to claims.
type CatalogCrosswalk struct {
	ID      string                  `json:"id"`
	Title   string                  `json:"title,omitempty"`
	Version string                  `json:"version"`
	Source  string                  `json:"source"`
	Note    string                  `json:"note,omitempty"`
	Entries []CatalogCrosswalkEntry `json:"entries"`
}

// CatalogCrosswalkEntry is one control or practice of the other framework.
type CatalogCrosswalkEntry struct {
	Control    string   `json:"control,omitempty"`
	Practice   string   `json:"practice,omitempty"`
	Title      string   `json:"title,omitempty"`
	Claims     []string `json:"claims,omitempty"`
	Principles []string `json:"principles,omitempty"`
}

// RuleIDs lists the claim's rules in mapping order.
func (c CatalogClaim) RuleIDs() []string {
	out := make([]string, 0, len(c.Rules))
	for _, r := range c.Rules {
		out = append(out, r.ID)
	}
	return out
}
