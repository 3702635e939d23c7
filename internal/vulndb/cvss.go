package vulndb

import (
	"math"
	"strings"
)

// CVSS3Score computes the base score of a CVSS v3.0 or v3.1 vector, using
// the formula of the FIRST specification. It reports false for anything
// else, including incomplete vectors.
func CVSS3Score(vector string) (float64, bool) {
	if !strings.HasPrefix(vector, "CVSS:3.0/") && !strings.HasPrefix(vector, "CVSS:3.1/") {
		return 0, false
	}
	m := map[string]string{}
	for _, part := range strings.Split(vector, "/")[1:] {
		k, v, ok := strings.Cut(part, ":")
		if !ok {
			return 0, false
		}
		m[k] = v
	}
	weights := map[string]map[string]float64{
		"AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
		"AC": {"L": 0.77, "H": 0.44},
		"UI": {"N": 0.85, "R": 0.62},
		"C":  {"H": 0.56, "L": 0.22, "N": 0},
		"I":  {"H": 0.56, "L": 0.22, "N": 0},
		"A":  {"H": 0.56, "L": 0.22, "N": 0},
	}
	val := map[string]float64{}
	for k, tbl := range weights {
		w, ok := tbl[m[k]]
		if !ok {
			return 0, false
		}
		val[k] = w
	}
	changed := false
	switch m["S"] {
	case "U":
	case "C":
		changed = true
	default:
		return 0, false
	}
	var pr float64
	switch m["PR"] {
	case "N":
		pr = 0.85
	case "L":
		pr = 0.62
		if changed {
			pr = 0.68
		}
	case "H":
		pr = 0.27
		if changed {
			pr = 0.5
		}
	default:
		return 0, false
	}
	iss := 1 - (1-val["C"])*(1-val["I"])*(1-val["A"])
	var impact float64
	if changed {
		impact = 7.52*(iss-0.029) - 3.25*math.Pow(iss-0.02, 15)
	} else {
		impact = 6.42 * iss
	}
	expl := 8.22 * val["AV"] * val["AC"] * pr * val["UI"]
	if impact <= 0 {
		return 0, true
	}
	if changed {
		return roundUp(math.Min(1.08*(impact+expl), 10)), true
	}
	return roundUp(math.Min(impact+expl, 10)), true
}

// roundUp is CVSS v3.1's Roundup: the smallest number with one decimal
// place not below x, computed in integers to avoid float artefacts.
func roundUp(x float64) float64 {
	i := int64(math.Round(x * 100000))
	if i%10000 == 0 {
		return float64(i) / 100000
	}
	return float64(i/10000+1) / 10
}

// QualitativeSeverity maps a CVSS score to its rating.
func QualitativeSeverity(score float64) string {
	switch {
	case score >= 9:
		return "critical"
	case score >= 7:
		return "high"
	case score >= 4:
		return "medium"
	case score > 0:
		return "low"
	}
	return ""
}

// normalizeSeverity maps a database's own words to Assay's four levels.
func normalizeSeverity(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "critical":
		return "critical"
	case "high", "important":
		return "high"
	case "moderate", "medium":
		return "medium"
	case "low", "minor":
		return "low"
	}
	return ""
}

// severityOf derives a record's severity for one affected entry: a CVSS v3
// vector wins, then the database's own rating.
func severityOf(r *Record, a *Affected) (sev string, score float64, vector string) {
	for _, list := range [][]Severity{a.Severity, r.Severity} {
		for _, s := range list {
			if s.Type == "CVSS_V3" {
				if sc, ok := CVSS3Score(s.Score); ok {
					return QualitativeSeverity(sc), sc, s.Score
				}
			}
		}
	}
	for _, list := range [][]Severity{a.Severity, r.Severity} {
		for _, s := range list {
			if vector == "" {
				vector = s.Score
			}
		}
	}
	for _, ds := range []map[string]any{r.DatabaseSpecific, a.DatabaseSpecific, a.EcosystemSpecific} {
		if v, ok := ds["severity"].(string); ok {
			if sev := normalizeSeverity(v); sev != "" {
				return sev, 0, vector
			}
		}
	}
	return "", 0, vector
}
