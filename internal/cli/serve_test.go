package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var servingAt = regexp.MustCompile(`serving (http://127\.0\.0\.1:\d+)`)

// TestServeStartsAndStops starts `assay serve` on a free loopback port,
// checks the first start prints a sign-in token that works, and stops it.
func TestServeStartsAndStops(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "fleet.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--database", db, "--addr", "127.0.0.1:0", "--workers", "1", "--no-git"}, strings.NewReader(""), &out, &errOut)
	}()
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := servingAt.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("serve did not start:\n%s\n%s", out.String(), errOut.String())
	}
	token := regexp.MustCompile(`assay_[A-Za-z0-9_-]{43}`).FindString(out.String())
	if token == "" {
		t.Fatalf("no sign-in token printed:\n%s", out.String())
	}
	resp, err := http.Post(base+"/api/v1/signin", "application/json", strings.NewReader(`{"token":"`+token+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"token"`) {
		t.Errorf("sign in = %d %s", resp.StatusCode, body)
	}
	cancel()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Errorf("exit %d after interrupt, want 0:\n%s", code, errOut.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not stop")
	}

	// A second start on the same database creates nothing and prints no token.
	var out2 syncBuffer
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() {
		done <- Run(ctx2, []string{"serve", "--database", db, "--addr", "127.0.0.1:0", "--workers", "0", "--no-git"}, strings.NewReader(""), &out2, io.Discard)
	}()
	for deadline := time.Now().Add(30 * time.Second); !servingAt.MatchString(out2.String()) && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
	}
	cancel2()
	<-done
	if strings.Contains(out2.String(), "assay_") {
		t.Errorf("second start printed a token:\n%s", out2.String())
	}
	if code := Run(context.Background(), []string{"serve", "--workers", "-1"}, strings.NewReader(""), io.Discard, io.Discard); code != ExitUsage {
		t.Errorf("--workers -1 exit %d, want %d", code, ExitUsage)
	}
}
