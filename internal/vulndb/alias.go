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
	"runtime"
	"sync"
	"time"
	"weak"

	"github.com/assaysec/assay/internal/evidence"
)

// idIndex locates, by id, the records of a database that carry a rating
// or a publication date: the ones an alias can take them from. It is
// built on first use by one pass over each OSV source, reading only each
// line's id and a few keys, and kept for the life of the DB, so a caller
// that assesses package by package (the remediation-lag history) reads
// the records once.
type idIndex struct {
	once  sync.Once
	err   error
	spans map[string]idSpan
	mu    sync.Mutex
	recs  map[string]*Record
}

type idSpan struct {
	source string // source id
	off    int64
	n      int32
}

// idIndexes holds each open DB's index; an entry goes when its DB is
// collected.
var idIndexes = struct {
	sync.Mutex
	m map[weak.Pointer[DB]]*idIndex
}{m: map[weak.Pointer[DB]]*idIndex{}}

func (db *DB) ids() *idIndex {
	key := weak.Make(db)
	idIndexes.Lock()
	defer idIndexes.Unlock()
	ix := idIndexes.m[key]
	if ix == nil {
		ix = &idIndex{recs: map[string]*Record{}}
		idIndexes.m[key] = ix
		runtime.AddCleanup(db, func(k weak.Pointer[DB]) {
			idIndexes.Lock()
			delete(idIndexes.m, k)
			idIndexes.Unlock()
		}, key)
	}
	return ix
}

// build scans the sources' records for the index.
func (ix *idIndex) build(db *DB) error {
	ix.once.Do(func() {
		ix.spans = map[string]idSpan{}
		prefix := []byte(`{"id":"`)
		for _, s := range db.Meta.Sources {
			if s.Kind != KindOSV {
				continue
			}
			f, err := os.Open(filepath.Join(db.Dir, sourcesDir, s.ID, "records.jsonl"))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				ix.err = err
				return
			}
			sc := bufio.NewScanner(f)
			sc.Buffer(make([]byte, 0, 64<<10), MaxRecordSize+1)
			var off int64
			for sc.Scan() {
				line := sc.Bytes()
				at := off
				off += int64(len(line)) + 1
				// Records are stored compact with the id first; a zero
				// publication date is left out, so "published" means one.
				rest, ok := bytes.CutPrefix(line, prefix)
				if !ok || (!bytes.Contains(line, []byte(`"severity"`)) && !bytes.Contains(line, []byte(`"published":`))) {
					continue
				}
				id, _, ok := bytes.Cut(rest, []byte(`"`))
				if !ok {
					continue
				}
				if _, dup := ix.spans[string(id)]; !dup {
					ix.spans[string(id)] = idSpan{source: s.ID, off: at, n: int32(len(line))}
				}
			}
			err = sc.Err()
			f.Close()
			if err != nil {
				ix.err = fmt.Errorf("source %s: read records: %w", s.Name, err)
				return
			}
		}
	})
	return ix.err
}

// byIDs returns the records of the database whose id is in want and that
// carry a rating or a date. Aliases are found by id rather than through
// the package indexes because the record that carries a rating (a GHSA or
// CVE record) may name the package differently, or no package at all.
func (db *DB) byIDs(want map[string]bool) (map[string]*Record, error) {
	out := map[string]*Record{}
	if len(want) == 0 {
		return out, nil
	}
	ix := db.ids()
	if err := ix.build(db); err != nil {
		return nil, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for id := range want {
		if r, ok := ix.recs[id]; ok {
			if r != nil {
				out[id] = r
			}
			continue
		}
		sp, ok := ix.spans[id]
		if !ok {
			continue
		}
		r, err := readSpan(filepath.Join(db.Dir, sourcesDir, sp.source, "records.jsonl"), sp)
		if err != nil {
			return nil, err
		}
		ix.recs[id] = r // nil for a damaged line, which rates nothing
		if r != nil {
			out[id] = r
		}
	}
	return out, nil
}

func readSpan(p string, sp idSpan) (*Record, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, sp.n)
	if _, err := f.ReadAt(buf, sp.off); err != nil {
		return nil, fmt.Errorf("read record at %d of %s: %w", sp.off, p, err)
	}
	var r Record
	if err := json.Unmarshal(buf, &r); err != nil {
		return nil, nil
	}
	return &r, nil
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
