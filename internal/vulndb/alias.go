package vulndb

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/assaysec/assay/internal/evidence"
)

// byIDs returns the records of the database whose id is in want, read by
// one pass over each OSV source's records. Aliases are found this way
// rather than through the package indexes because the record that carries
// a rating (a GHSA or CVE record) may name the package differently, or no
// package at all.
func (db *DB) byIDs(want map[string]bool) (map[string]*Record, error) {
	out := map[string]*Record{}
	if len(want) == 0 {
		return out, nil
	}
	prefix := []byte(`{"id":"`)
	for _, s := range db.Meta.Sources {
		if s.Kind != KindOSV {
			continue
		}
		p := filepath.Join(db.Dir, sourcesDir, s.ID, "records.jsonl")
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 64<<10), MaxRecordSize+1)
		for sc.Scan() {
			line := sc.Bytes()
			// Records are stored compact with the id first, so the id is
			// read without decoding the line.
			rest, ok := bytes.CutPrefix(line, prefix)
			if !ok {
				continue
			}
			id, _, ok := bytes.Cut(rest, []byte(`"`))
			if !ok || !want[string(id)] || out[string(id)] != nil {
				continue
			}
			var r Record
			if err := json.Unmarshal(line, &r); err != nil {
				continue // a damaged line rates nothing
			}
			out[r.ID] = &r
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("source %s: read records: %w", s.Name, err)
		}
	}
	return out, nil
}

// fromAliases fills, for findings whose own records give no severity or no
// publication date, the missing values from the records of their aliases
// that the database holds. GO- records carry no rating, and the copies in
// golang/vulndb's repository carry zero dates; the GHSA and CVE records
// they alias usually have both.
func (db *DB) fromAliases(found []evidence.Vulnerability) error {
	want := map[string]bool{}
	for _, v := range found {
		if v.Severity != "" && !v.Published.IsZero() {
			continue
		}
		for _, id := range v.Aliases {
			want[id] = true
		}
	}
	if len(want) == 0 {
		return nil
	}
	recs, err := db.byIDs(want)
	if err != nil {
		return err
	}
	for i := range found {
		applyAliases(&found[i], recs)
	}
	return nil
}

// applyAliases takes the highest rating and the earliest publication date
// among the alias records of v, where v's own are missing.
func applyAliases(v *evidence.Vulnerability, recs map[string]*Record) {
	needSev, needDate := v.Severity == "", v.Published.IsZero()
	if !needSev && !needDate {
		return
	}
	var published time.Time
	for _, id := range v.Aliases {
		r := recs[id]
		if r == nil {
			continue
		}
		if needSev {
			sev, score, vector := severityOf(r, &Affected{})
			if score > v.CVSS || (v.CVSS == 0 && evidence.SeverityRank(sev) > evidence.SeverityRank(v.Severity)) {
				v.CVSS, v.Vector = score, vector
			}
			if evidence.SeverityRank(sev) > evidence.SeverityRank(v.Severity) {
				v.Severity = sev
			}
		}
		if needDate && !r.Published.IsZero() && (published.IsZero() || r.Published.Before(published)) {
			published = r.Published
		}
	}
	if needDate {
		v.Published = published
	}
}
