package forge

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Authorization: Bearer abc.def-123", "Authorization: [redacted]"},
		{`{"authorization":"token ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}`, `{"authorization":"[redacted]"}`},
		{"PRIVATE-TOKEN: glpat-abcdefghij0123456789", "PRIVATE-TOKEN: [redacted]"},
		{"sent ghp_0123456789abcdefghijABCDEFGHIJ012345 twice", "sent [redacted] twice"},
		{"pat github_pat_11AAAAAAA0123456789_abcdefghij here", "pat [redacted] here"},
		{"oauth gho_16C7e42F292c6912E7710c838347Ae178B4a.", "oauth [redacted]."},
		{"gitlab glpat-xxxxxxxxxxxxxxxxxxxx, done", "gitlab [redacted], done"},
		{"with Bearer eyJhbGciOiJIUzI1NiJ9.e30.x in it", "with Bearer [redacted] in it"},
		{"configured my-own-secret-value here", "configured [redacted] here"},
		// Prose stays prose.
		{"Bad credentials", "Bad credentials"},
		{"the token expired; the token is required", "the token expired; the token is required"},
		{"Resource not accessible by personal access token", "Resource not accessible by personal access token"},
		{"Supports basic authentication and bearer tokens", "Supports basic authentication and bearer tokens"},
		{"Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: [redacted]"},
		// JSON escapes survive.
		{`{"m":"Authorization: abc\"def"}`, `{"m":"Authorization: [redacted]\"def"}`},
	}
	for _, tt := range tests {
		if got := Redact(tt.in, "my-own-secret-value"); got != tt.want {
			t.Errorf("Redact(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestClassifyRedactsMessages(t *testing.T) {
	a := Classify("/x", "admin", Refusal{Status: http.StatusForbidden, Message: "denied for Authorization: Bearer ghp_0123456789abcdefghijABCDEFGHIJ012345"}, fixedNow)
	if strings.Contains(a.Reason, "ghp_") || !strings.Contains(a.Reason, "[redacted]") {
		t.Errorf("reason %q", a.Reason)
	}
}

func FuzzRedact(f *testing.F) {
	f.Add(`{"message":"Authorization: Bearer ghp_0123456789abcdefghijABCDEFGHIJ012345"}`, "tok-secret")
	f.Add("token glpat-abcdefghij0123456789", "")
	f.Fuzz(func(t *testing.T, s, secret string) {
		got := Redact(s, secret)
		// An alphanumeric secret cannot be rebuilt across the marker.
		if len(secret) >= 4 && isAlnum(secret) && strings.Contains(got, secret) {
			t.Fatalf("secret %q survives in %q", secret, got)
		}
		if tokenShapeRe.MatchString(got) {
			t.Fatalf("token shape survives in %q", got)
		}
		if json.Valid([]byte(s)) && !json.Valid([]byte(got)) {
			t.Fatalf("redaction broke JSON: %q -> %q", s, got)
		}
	})
}

// FuzzCacheEntry reads arbitrary bytes as a cached answer.
func FuzzCacheEntry(f *testing.F) {
	e := Entry{URL: "https://api.github.com/repos/a/b", Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{}`), ETag: `"x"`, StoredAt: fixedNow}
	data, _ := json.Marshal(e)
	f.Add(data)
	f.Add([]byte(`{"status":200,"etag":"x","body":"bm90IGpzb24="}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		c, err := OpenCache(dir, func() time.Time { return fixedNow })
		if err != nil {
			t.Fatal(err)
		}
		key := strings.Repeat("ab", 32)
		p := c.path(key)
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		got := c.Get(key)
		if got == nil {
			return
		}
		if got.Status != http.StatusOK {
			t.Fatalf("status %d served from the cache", got.Status)
		}
		req, _ := http.NewRequest(http.MethodGet, "https://api.github.com/x", nil)
		resp := got.Response(req, nil)
		if resp.ContentLength != int64(len(got.Body)) {
			t.Fatalf("length %d for %d bytes", resp.ContentLength, len(got.Body))
		}
		_ = cmp.Diff(got.Header, resp.Header)
	})
}

func isAlnum(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
