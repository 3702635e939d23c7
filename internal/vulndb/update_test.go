package vulndb

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// zipDir builds an osv.dev-style all.zip: every record of dir at the
// archive's root.
func zipDir(t *testing.T, dir string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const testKEV = `{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2026.08.01","dateReleased":"2026-08-01T12:00:00.000Z","count":1,"vulnerabilities":[{"cveID":"CVE-2021-32708","vendorProject":"league","product":"flysystem","vulnerabilityName":"Flysystem race","dateAdded":"2026-08-01","dueDate":"2026-08-22","knownRansomwareCampaignUse":"Unknown"}]}`

const testEPSS = "#model_version:v2025.03.14,score_date:2026-08-21T00:00:00+0000\ncve,epss,percentile\nCVE-2021-32708,0.943,0.999\n"

// osvServer serves files by path with validators like a storage bucket's:
// an ETag and a Last-Modified for some, only a Last-Modified for others,
// and 304 when the request's validators match. It records every request.
type osvServer struct {
	*httptest.Server
	mu      sync.Mutex
	files   map[string][]byte
	noETag  map[string]bool
	cut     map[string]bool // declare the whole length, send half
	chunked map[string]bool // declare no length
	seen    []http.Request
	replies []int
}

var lastModified = time.Date(2026, 8, 21, 6, 0, 0, 0, time.UTC)

func newOSVServer(t *testing.T) *osvServer {
	s := &osvServer{files: map[string][]byte{}, noETag: map[string]bool{}, cut: map[string]bool{}, chunked: map[string]bool{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		data, ok := s.files[r.URL.Path]
		noETag, cut, chunked := s.noETag[r.URL.Path], s.cut[r.URL.Path], s.chunked[r.URL.Path]
		s.seen = append(s.seen, *r.Clone(context.Background()))
		s.mu.Unlock()
		code := s.serve(w, r, data, ok, noETag, cut, chunked)
		s.mu.Lock()
		s.replies = append(s.replies, code)
		s.mu.Unlock()
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *osvServer) serve(w http.ResponseWriter, r *http.Request, data []byte, ok, noETag, cut, chunked bool) int {
	if !ok {
		http.NotFound(w, r)
		return http.StatusNotFound
	}
	sum := sha256.Sum256(data)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	lm := lastModified.Format(http.TimeFormat)
	if !noETag {
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return http.StatusNotModified
		}
	} else if r.Header.Get("If-Modified-Since") == lm {
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified
	}
	w.Header().Set("Last-Modified", lm)
	if chunked {
		w.Write(data[:1])
		w.(http.Flusher).Flush()
		w.Write(data[1:])
		return http.StatusOK
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	if cut {
		w.Write(data[:len(data)/2])
		return http.StatusOK
	}
	w.Write(data)
	return http.StatusOK
}

func (s *osvServer) set(p string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[p] = data
}

// requests returns and forgets the requests seen and the status codes
// answered.
func (s *osvServer) requests() ([]http.Request, []int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, c := s.seen, s.replies
	s.seen, s.replies = nil, nil
	return r, c
}

func (s *osvServer) options() UpdateOptions {
	return UpdateOptions{
		Ecosystems: []string{"crates.io", "Go"},
		OSVBase:    s.URL + "/osv",
		KEVURL:     s.URL + "/kev/known_exploited_vulnerabilities.json",
		EPSSURL:    s.URL + "/epss/epss_scores-current.csv",
		Client:     s.Client(),
		Now:        time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC),
	}
}

func newFilledServer(t *testing.T) (*osvServer, []byte) {
	s := newOSVServer(t)
	crates := zipDir(t, "testdata/crates")
	s.set("/osv/crates.io/all.zip", crates)
	s.set("/osv/Go/all.zip", zipDir(t, "testdata/go"))
	s.set("/kev/known_exploited_vulnerabilities.json", []byte(testKEV))
	s.noETag["/kev/known_exploited_vulnerabilities.json"] = true
	s.set("/epss/epss_scores-current.csv", []byte(testEPSS))
	return s, crates
}

// snapshot is a database directory's content: every file and its bytes.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestUpdateFromScratchThenConditional(t *testing.T) {
	s, crates := newFilledServer(t)
	dir := t.TempDir()
	opts := s.options()
	res, err := Update(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Meta.Sources) != 4 {
		t.Fatalf("sources %+v", res.Meta.Sources)
	}
	byName := map[string]SourceMeta{}
	for _, src := range res.Meta.Sources {
		byName[src.Name] = src
	}
	c := byName["crates.io/all.zip"]
	sum := sha256.Sum256(crates)
	if c.Kind != KindOSV || c.Records != 11 || c.Origin != s.URL+"/osv/crates.io/all.zip" || c.Fetched == nil ||
		c.Fetched.SHA256 != hex.EncodeToString(sum[:]) || c.Fetched.Bytes != int64(len(crates)) || c.Fetched.ETag == "" {
		t.Errorf("crates.io source %+v (fetched %+v)", c, c.Fetched)
	}
	if g := byName["Go/all.zip"]; g.Records != 13 || g.Ecosystems["Go"] == 0 {
		t.Errorf("Go source %+v", g)
	}
	if k := byName["known_exploited_vulnerabilities.json"]; k.Kind != KindKEV || k.Records != 1 || k.Fetched.LastModified == "" {
		t.Errorf("KEV source %+v", k)
	}
	if e := byName["epss_scores-current.csv"]; e.Kind != KindEPSS || e.Records != 1 {
		t.Errorf("EPSS source %+v", e)
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if recs, err := db.Lookup("crates.io", "smallvec"); err != nil || len(recs) == 0 {
		t.Errorf("smallvec: %d records, %v", len(recs), err)
	}
	if _, ok := db.KEV("CVE-2021-32708"); !ok {
		t.Error("KEV entry missing")
	}
	db.Close()
	s.requests()
	before := snapshot(t, dir)

	// Second run: every request is conditional, every answer 304, and the
	// imports stay as they were; only the time they were confirmed moves.
	opts.Now = opts.Now.Add(24 * time.Hour)
	res, err = Update(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	reqs, codes := s.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4", len(reqs))
	}
	for i, r := range reqs {
		inm, ims := r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
		if strings.Contains(r.URL.Path, "/kev/") {
			if ims == "" {
				t.Errorf("%s: no If-Modified-Since", r.URL.Path)
			}
		} else if inm == "" || ims == "" {
			t.Errorf("%s: If-None-Match %q, If-Modified-Since %q", r.URL.Path, inm, ims)
		}
		if codes[i] != http.StatusNotModified {
			t.Errorf("%s answered %d", r.URL.Path, codes[i])
		}
	}
	for _, d := range res.Downloads {
		if !d.NotModified || d.Bytes != 0 {
			t.Errorf("download %+v", d)
		}
	}
	after := snapshot(t, dir)
	for p, data := range before {
		if p != currentFile && after[p] != data {
			t.Errorf("%s changed on a 304", p)
		}
	}
	if len(after) != len(before) {
		t.Errorf("files %d, were %d", len(after), len(before))
	}
	m, err := ReadMeta(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range m.Sources {
		if !src.CheckedAt.Equal(opts.Now) || src.ImportedAt.Equal(opts.Now) {
			t.Errorf("%s: checked %v imported %v", src.Name, src.CheckedAt, src.ImportedAt)
		}
	}
	ids := func(m *Meta) []string {
		var out []string
		for _, s := range m.Sources {
			out = append(out, s.ID)
		}
		slices.Sort(out)
		return out
	}
	if d := cmp.Diff(ids(res.Meta), ids(m)); d != "" {
		t.Error(d)
	}

	// A changed archive is downloaded and replaces only its own source.
	s.set("/osv/crates.io/all.zip", zipDir(t, "testdata/ghsa"))
	prevIDs := ids(m)
	res, err = Update(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	changed := 0
	for _, d := range res.Downloads {
		if !d.NotModified {
			changed++
			if d.Name != "crates.io/all.zip" {
				t.Errorf("downloaded %s", d.Name)
			}
		}
	}
	if changed != 1 {
		t.Errorf("%d downloads, want 1", changed)
	}
	if n := len(slices.DeleteFunc(ids(res.Meta), func(id string) bool { return slices.Contains(prevIDs, id) })); n != 1 {
		t.Errorf("%d new sources, want 1", n)
	}
}

// TestUpdateFailureLeavesDatabase: a truncated, oversized or unreadable
// download fails the update with the URL named, and the database is
// byte for byte what it was.
func TestUpdateFailureLeavesDatabase(t *testing.T) {
	crates := zipDir(t, "testdata/crates")
	tests := []struct {
		name  string
		setup func(s *osvServer, o *UpdateOptions)
		want  string
	}{
		{"archive truncated at its origin", func(s *osvServer, o *UpdateOptions) {
			s.set("/osv/crates.io/all.zip", crates[:len(crates)/2])
		}, "zip"},
		{"connection cut before the declared length", func(s *osvServer, o *UpdateOptions) {
			s.set("/osv/crates.io/all.zip", append(slices.Clone(crates), 0))
			s.cut["/osv/crates.io/all.zip"] = true
		}, "truncated"},
		{"archive larger than the limit", func(s *osvServer, o *UpdateOptions) {
			s.set("/osv/crates.io/all.zip", append(slices.Clone(crates), 0))
			o.MaxArchive = int64(len(crates))
		}, "limit"},
		{"archive of no declared length larger than the limit", func(s *osvServer, o *UpdateOptions) {
			s.set("/osv/crates.io/all.zip", append(slices.Clone(crates), 0))
			s.chunked["/osv/crates.io/all.zip"] = true
			o.MaxArchive = int64(len(crates))
		}, "limit"},
		{"more entries than the limit", func(s *osvServer, o *UpdateOptions) {
			s.set("/osv/crates.io/all.zip", append(slices.Clone(crates), 0))
			o.MaxEntries = 5
		}, "entries"},
		{"not found", func(s *osvServer, o *UpdateOptions) {
			s.set("/osv/crates.io/all.zip", nil)
			delete(s.files, "/osv/crates.io/all.zip")
		}, "404"},
		{"empty archive", func(s *osvServer, o *UpdateOptions) {
			s.set("/osv/crates.io/all.zip", zipDir(t, t.TempDir()))
		}, "no vulnerability records"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newFilledServer(t)
			dir := t.TempDir()
			opts := s.options()
			if _, err := Update(context.Background(), dir, opts); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, dir)
			tt.setup(s, &opts)
			_, err := Update(context.Background(), dir, opts)
			if err == nil {
				t.Fatal("update succeeded")
			}
			t.Log(err)
			url := s.URL + "/osv/crates.io/all.zip"
			if !strings.Contains(err.Error(), url) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name %s and %q", err, url, tt.want)
			}
			if d := cmp.Diff(before, snapshot(t, dir)); d != "" {
				t.Errorf("database changed (-before +after):\n%.2000s", d)
			}
		})
	}
}

func TestUpdateRefusesSchemeChangingRedirect(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://mirror.invalid/all.zip", http.StatusFound)
	}))
	defer srv.Close()
	dir := t.TempDir()
	_, err := Update(context.Background(), dir, UpdateOptions{Ecosystems: []string{"npm"}, OSVBase: srv.URL, Client: NewHTTPClient()})
	if err == nil || !strings.Contains(err.Error(), "changes the scheme") {
		t.Fatalf("redirect to https from http: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, currentFile)); err == nil {
		t.Error("a failed update wrote a database")
	}
}

func TestUpdateTargets(t *testing.T) {
	for _, bad := range []UpdateOptions{
		{Ecosystems: []string{"npm"}, OSVBase: "file:///etc"},
		{KEVURL: "ftp://example.invalid/kev.json"},
		{Ecosystems: []string{"CocoaPods"}},
	} {
		if _, err := updateTargets(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	got, err := updateTargets(UpdateOptions{Ecosystems: []string{"crates.io", "crates.io", "SwiftURL"}, OSVBase: "https://mirror.example/osv/", EPSSURL: DefaultEPSSURL})
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, g := range got {
		urls = append(urls, fmt.Sprintf("%s %s %s", g.kind, g.name, g.url))
	}
	want := []string{
		"osv crates.io/all.zip https://mirror.example/osv/crates.io/all.zip",
		"osv SwiftURL/all.zip https://mirror.example/osv/SwiftURL/all.zip",
		"epss epss_scores-current.csv.gz " + DefaultEPSSURL,
	}
	if d := cmp.Diff(want, urls); d != "" {
		t.Error(d)
	}
}

func TestOSVEcosystem(t *testing.T) {
	for in, want := range map[string]string{
		"cargo": "crates.io", "crates.io": "crates.io", "PyPI": "PyPI", "pypi": "PyPI", "npm": "npm", "Go": "Go",
		"Maven": "Maven", "gradle": "Maven", "Packagist": "Packagist", "composer": "Packagist", "RubyGems": "RubyGems",
		"NuGet": "NuGet", "Pub": "Pub", "Hex": "Hex", "SwiftURL": "SwiftURL", "Debian:12": "",
	} {
		got, ok := OSVEcosystem(in)
		if got != want || ok != (want != "") {
			t.Errorf("OSVEcosystem(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
