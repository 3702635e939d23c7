// Package forgetest replays hand-written forge API answers through an
// httptest server, so forge tests never touch the network.
//
// A scenario is a txtar archive. Each file is one answer; its name is the
// request path, optionally followed by "?k=v&..." query parameters that the
// request must carry. A file may start with a status line and headers:
//
//	-- /repos/acme/widget/branches/main/protection --
//	HTTP 403
//	X-Accepted-GitHub-Permissions: administration=read
//
//	{"message": "Resource not accessible by personal access token"}
//
// "{{base}}" in a header is replaced by the server's URL (for Link headers).
// Answers of 200 get an ETag, and a request that sends it back in
// If-None-Match gets 304. Requests with no matching file get 404.
package forgetest

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// Answer is one canned response.
type Answer struct {
	Path   string
	Query  url.Values
	Status int
	Header http.Header
	Body   []byte
}

// Server replays answers and counts requests.
type Server struct {
	*httptest.Server
	mu          sync.Mutex
	answers     []Answer
	hits        map[string]int
	conditional map[string]int
	unmatched   []string
	auth        []string
}

// Load reads a scenario file.
func Load(t testing.TB, file string) []Answer {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	ans, err := Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return ans
}

// Parse reads a scenario archive.
func Parse(data []byte) ([]Answer, error) {
	ar := txtar.Parse(data)
	var out []Answer
	for _, f := range ar.Files {
		p, q, _ := strings.Cut(f.Name, "?")
		a := Answer{Path: p, Status: http.StatusOK, Header: http.Header{}}
		if q != "" {
			v, err := url.ParseQuery(q)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", f.Name, err)
			}
			a.Query = v
		}
		body := f.Data
		if bytes.HasPrefix(body, []byte("HTTP ")) {
			head, rest, _ := bytes.Cut(body, []byte("\n\n"))
			lines := strings.Split(string(head), "\n")
			code, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(lines[0], "HTTP ")))
			if err != nil {
				return nil, fmt.Errorf("%s: bad status line %q", f.Name, lines[0])
			}
			a.Status = code
			for _, l := range lines[1:] {
				k, v, ok := strings.Cut(l, ":")
				if !ok {
					return nil, fmt.Errorf("%s: bad header line %q", f.Name, l)
				}
				a.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
			}
			body = rest
		}
		a.Body = body
		out = append(out, a)
	}
	return out, nil
}

// New starts a server replaying answers.
func New(t testing.TB, answers []Answer) *Server {
	s := &Server{answers: answers, hits: map[string]int{}, conditional: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// SetAnswers replaces the answers (to change a scenario between runs).
func (s *Server) SetAnswers(a []Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers = a
}

func (s *Server) match(r *http.Request) *Answer {
	q := r.URL.Query()
	page := q.Get("page")
	var best *Answer
	bestScore := -1
	for i := range s.answers {
		a := &s.answers[i]
		if a.Path != r.URL.Path && a.Path != strings.TrimPrefix(r.URL.Path, "/api/v3") && a.Path != strings.TrimPrefix(r.URL.Path, "/api/v4") {
			continue
		}
		ok := true
		for k, vs := range a.Query {
			if q.Get(k) != vs[0] {
				ok = false
			}
		}
		if page != "" && page != "1" && a.Query.Get("page") == "" {
			ok = false
		}
		if ok && len(a.Query) > bestScore {
			best, bestScore = a, len(a.Query)
		}
	}
	return best
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	key := r.URL.Path
	if r.URL.RawQuery != "" {
		key += "?" + r.URL.RawQuery
	}
	s.hits[key]++
	if r.Header.Get("If-None-Match") != "" {
		s.conditional[key]++
	}
	for _, h := range []string{"Authorization", "Private-Token"} {
		if v := r.Header.Get(h); v != "" {
			s.auth = append(s.auth, h+": "+v)
		}
	}
	a := s.match(r)
	if a == nil {
		s.unmatched = append(s.unmatched, key)
	}
	s.mu.Unlock()
	if a == nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`)
		return
	}
	for k, vs := range a.Header {
		for _, v := range vs {
			w.Header().Add(k, strings.ReplaceAll(v, "{{base}}", s.URL))
		}
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	if a.Status == http.StatusOK {
		sum := sha256.Sum256(a.Body)
		etag := fmt.Sprintf(`W/"%x"`, sum[:8])
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.WriteHeader(a.Status)
	w.Write(a.Body)
}

// Hits returns requests per path and query.
func (s *Server) Hits() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.hits {
		out[k] = v
	}
	return out
}

// Conditional returns conditional requests per path and query.
func (s *Server) Conditional() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.conditional {
		out[k] = v
	}
	return out
}

// Reset clears the counters.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits, s.conditional, s.unmatched, s.auth = map[string]int{}, map[string]int{}, nil, nil
}

// Unmatched returns the requests no answer matched, sorted.
func (s *Server) Unmatched() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]string(nil), s.unmatched...)
	sort.Strings(out)
	return out
}

// AuthHeaders returns every credential header the server received.
func (s *Server) AuthHeaders() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.auth...)
}
