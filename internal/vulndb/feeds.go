package vulndb

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// KEV is one entry of CISA's Known Exploited Vulnerabilities catalogue.
type KEV struct {
	CVE        string    `json:"cve"`
	Name       string    `json:"name,omitempty"`
	Added      time.Time `json:"added"`
	Due        time.Time `json:"due,omitzero"`
	Ransomware bool      `json:"ransomware,omitempty"`
}

// KEVCatalog is the parsed catalogue.
type KEVCatalog struct {
	Version  string
	Released time.Time
	Entries  map[string]KEV
}

// MaxFeedSize caps a KEV catalogue or EPSS file (uncompressed).
const MaxFeedSize = 256 << 20

// ParseKEV parses the KEV catalogue's JSON feed.
func ParseKEV(data []byte) (*KEVCatalog, error) {
	var doc struct {
		CatalogVersion  string `json:"catalogVersion"`
		DateReleased    string `json:"dateReleased"`
		Vulnerabilities []struct {
			CVE        string `json:"cveID"`
			Name       string `json:"vulnerabilityName"`
			DateAdded  string `json:"dateAdded"`
			DueDate    string `json:"dueDate"`
			Ransomware string `json:"knownRansomwareCampaignUse"`
		} `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("decode KEV catalogue: %w", err)
	}
	if doc.Vulnerabilities == nil {
		return nil, errors.New("decode KEV catalogue: no vulnerabilities array")
	}
	cat := &KEVCatalog{Version: doc.CatalogVersion, Entries: make(map[string]KEV, len(doc.Vulnerabilities))}
	cat.Released, _ = time.Parse(time.RFC3339, doc.DateReleased)
	for i, v := range doc.Vulnerabilities {
		if !strings.HasPrefix(v.CVE, "CVE-") {
			return nil, fmt.Errorf("KEV entry %d: cveID %q is not a CVE id", i, v.CVE)
		}
		added, err := time.Parse(time.DateOnly, v.DateAdded)
		if err != nil {
			return nil, fmt.Errorf("KEV entry %s: dateAdded %q: want YYYY-MM-DD", v.CVE, v.DateAdded)
		}
		due, _ := time.Parse(time.DateOnly, v.DueDate)
		cat.Entries[v.CVE] = KEV{CVE: v.CVE, Name: v.Name, Added: added, Due: due, Ransomware: strings.EqualFold(v.Ransomware, "Known")}
	}
	return cat, nil
}

// EPSS is one CVE's exploit prediction score.
type EPSS struct {
	Score      float64 `json:"s"`
	Percentile float64 `json:"p"`
}

// EPSSScores is the parsed score file.
type EPSSScores struct {
	Model  string
	Date   time.Time
	Scores map[string]EPSS
}

// ParseEPSS parses FIRST's EPSS CSV (optionally gzip-compressed): a comment
// line with the model version and score date, a header, then
// cve,epss,percentile rows.
func ParseEPSS(data []byte) (*EPSSScores, error) {
	if len(data) > 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("decompress EPSS: %w", err)
		}
		raw, err := io.ReadAll(io.LimitReader(zr, MaxFeedSize+1))
		if err != nil {
			return nil, fmt.Errorf("decompress EPSS: %w", err)
		}
		if len(raw) > MaxFeedSize {
			return nil, fmt.Errorf("decompress EPSS: more than %d bytes", MaxFeedSize)
		}
		data = raw
	}
	out := &EPSSScores{Scores: map[string]EPSS{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	header := false
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		if strings.HasPrefix(text, "#") {
			for _, kv := range strings.Split(strings.TrimPrefix(text, "#"), ",") {
				k, v, _ := strings.Cut(kv, ":")
				switch k {
				case "model_version":
					out.Model = v
				case "score_date":
					if t, err := time.Parse("2006-01-02T15:04:05-0700", v); err == nil {
						out.Date = t.UTC()
					}
				}
			}
			continue
		}
		fields := strings.Split(text, ",")
		if !header {
			if len(fields) < 2 || fields[0] != "cve" || fields[1] != "epss" {
				return nil, fmt.Errorf("EPSS line %d: want the header cve,epss,percentile, got %q", line, truncate(text, 80))
			}
			header = true
			continue
		}
		if len(fields) < 2 || !strings.HasPrefix(fields[0], "CVE-") {
			return nil, fmt.Errorf("EPSS line %d: want CVE-id,score,percentile, got %q", line, truncate(text, 80))
		}
		s, err := strconv.ParseFloat(fields[1], 64)
		if err != nil || s < 0 || s > 1 {
			return nil, fmt.Errorf("EPSS line %d: score %q is not a probability", line, truncate(fields[1], 40))
		}
		e := EPSS{Score: s}
		if len(fields) > 2 {
			e.Percentile, _ = strconv.ParseFloat(fields[2], 64)
		}
		out.Scores[fields[0]] = e
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("EPSS line %d: %w", line+1, err)
	}
	if !header {
		return nil, errors.New("EPSS: no cve,epss,percentile header")
	}
	return out, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
