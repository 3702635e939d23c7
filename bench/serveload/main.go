// Command serveload is a bounded load test of `assay serve`'s read API and
// overview page, on loopback only. It starts the server in a child process
// (itself, re-executed) on 127.0.0.1 with a temporary SQLite database. The
// child seeds one product whose repository has two assessments of a small
// generated directory. Then the parent sends requests at a fixed rate for a
// fixed time and reports errors, p50/p99 latency and the server process's
// peak RSS (and, apart, the client's).
//
//	go run ./bench/serveload -rate 200 -duration 60s
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/assaysec/assay/internal/fleet"
	"github.com/assaysec/assay/internal/server"
)

// Hard bounds, whatever the flags say.
const (
	maxDuration = 5 * time.Minute
	maxRate     = 2000
)

// serverEnv makes the process the load test's server: it serves until its
// standard input closes.
const serverEnv = "ASSAY_SERVELOAD_SERVER"

// ready is the child's announcement: its address, an API token and the
// paths to load, as JSON on one line of standard output.
type ready struct {
	Base  string   `json:"base"`
	Token string   `json:"token"`
	Paths []string `json:"paths"`
}

func main() {
	if os.Getenv(serverEnv) != "" {
		if err := serve(); err != nil {
			fmt.Fprintln(os.Stderr, "serveload server:", err)
			os.Exit(1)
		}
		return
	}
	rate := flag.Int("rate", 200, "requests per second")
	duration := flag.Duration("duration", 60*time.Second, "how long to send")
	flag.Parse()
	if err := run(*rate, *duration); err != nil {
		fmt.Fprintln(os.Stderr, "serveload:", err)
		os.Exit(1)
	}
}

func run(rate int, duration time.Duration) error {
	if rate <= 0 || rate > maxRate || duration <= 0 || duration > maxDuration {
		return fmt.Errorf("want 1..%d requests per second for at most %s", maxRate, maxDuration)
	}
	ctx, cancel := context.WithTimeout(context.Background(), duration+2*time.Minute)
	defer cancel()
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	child := exec.CommandContext(ctx, exe)
	child.Env = append(os.Environ(), serverEnv+"=1")
	child.Stderr = os.Stderr
	stdin, err := child.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := child.StdoutPipe()
	if err != nil {
		return err
	}
	if err := child.Start(); err != nil {
		return err
	}
	defer func() {
		stdin.Close() // the child's signal to stop
		_ = child.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return fmt.Errorf("the server did not start: %w", err)
	}
	var rd ready
	if err := json.Unmarshal([]byte(line), &rd); err != nil {
		return fmt.Errorf("the server's announcement %q: %w", line, err)
	}
	if !strings.HasPrefix(rd.Base, "http://127.0.0.1:") {
		return fmt.Errorf("the server is not on loopback: %s", rd.Base)
	}
	base, token, paths := rd.Base, rd.Token, rd.Paths

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	total := rate * int(duration/time.Second)
	lat := make([]time.Duration, 0, total)
	var (
		mu       sync.Mutex
		errs     atomic.Int64
		firstErr atomic.Value
		wg       sync.WaitGroup
	)
	// Request i leaves at start + i/rate: a late one is sent at once, so a
	// busy machine catches up instead of silently sending fewer.
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	for i := 0; i < total && time.Since(start) < duration+5*time.Second; i++ {
		time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		wg.Add(1)
		go func(p string) {
			defer wg.Done()
			t := time.Now()
			err := get(client, base+p, token)
			d := time.Since(t)
			mu.Lock()
			lat = append(lat, d)
			mu.Unlock()
			if err != nil {
				errs.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
			}
		}(paths[i%len(paths)])
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	fmt.Printf("requests %d in %s (%.0f/s) over %d paths; errors %d\n", len(lat), elapsed.Round(time.Millisecond), float64(len(lat))/elapsed.Seconds(), len(paths), errs.Load())
	fmt.Printf("latency p50 %s p99 %s max %s\n", pct(0.50), pct(0.99), pct(1))
	fmt.Printf("server peak RSS %s; client peak RSS %s\n", peakRSS(child.Process.Pid), peakRSS(os.Getpid()))
	if n := errs.Load(); n > 0 {
		return fmt.Errorf("%d requests failed, first: %v", n, firstErr.Load())
	}
	return nil
}

func get(c *http.Client, url, token string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}

// serve is the child: a server on a loopback port over a temporary SQLite
// database, seeded, until standard input closes.
func serve() error {
	ctx, cancel := context.WithTimeout(context.Background(), maxDuration+5*time.Minute)
	defer cancel()
	tmp, err := os.MkdirTemp("", "assay-serveload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	f, err := fleet.Open(ctx, fleet.Database{Dialect: fleet.SQLite, Path: filepath.Join(tmp, "fleet.db")}, fleet.OpenOptions{})
	if err != nil {
		return err
	}
	defer f.Close()
	srv, err := server.New(ctx, server.Config{Fleet: f})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0") // loopback only
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln) //nolint:errcheck // closed below
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	token, paths, err := seed(ctx, srv, f, base, tmp)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(ready{Base: base, Token: token, Paths: paths}); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, os.Stdin) // until the parent closes it or dies
	return nil
}

// seed signs in, creates a product and a repository, and assesses a small
// generated directory twice with the real engine.
func seed(ctx context.Context, srv *server.Server, f *fleet.Fleet, base, tmp string) (string, []string, error) {
	signin, err := srv.Bootstrap(ctx, "Load test")
	if err != nil {
		return "", nil, err
	}
	var tok struct{ Token string }
	if err := post(base+"/api/v1/signin", "", `{"token":"`+signin+`"}`, &tok); err != nil {
		return "", nil, err
	}
	dir := filepath.Join(tmp, "repo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, err
	}
	for name, data := range map[string]string{"README.md": "# demo\n", "SECURITY.md": "Report to security@example.com\n", "go.mod": "module example.com/demo\n\ngo 1.22\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			return "", nil, err
		}
	}
	var prod struct{ ID int64 }
	if err := post(base+"/api/v1/products", tok.Token, `{"name":"Demo","sro":"Sam"}`, &prod); err != nil {
		return "", nil, err
	}
	body, _ := json.Marshal(map[string]any{"path": dir, "enqueue": true})
	var added struct{ Repository struct{ ID int64 } }
	if err := post(fmt.Sprintf("%s/api/v1/products/%d/repositories", base, prod.ID), tok.Token, string(body), &added); err != nil {
		return "", nil, err
	}
	for i := range 2 {
		if i > 0 {
			if err := post(fmt.Sprintf("%s/api/v1/repositories/%d/assessments", base, added.Repository.ID), tok.Token, "", nil); err != nil {
				return "", nil, err
			}
		}
		wctx, cancel := context.WithTimeout(ctx, time.Minute)
		err := f.Queue.Work(wctx, fleet.WorkOptions{Workers: 1, UntilEmpty: true, Assess: fleet.EngineAssessor(time.Time{})})
		cancel()
		if err != nil && !errors.Is(err, context.Canceled) {
			return "", nil, err
		}
	}
	r := fmt.Sprintf("/api/v1/repositories/%d", added.Repository.ID)
	return tok.Token, []string{
		"/", "/api/v1/overview", "/api/v1/products", fmt.Sprintf("/api/v1/products/%d", prod.ID),
		r, r + "/assessments", r + "/history", r + "/diff",
	}, nil
}

func post(url, token, body string, out any) error {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		return fmt.Errorf("POST %s: %s: %s", url, resp.Status, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// peakRSS reads a process's VmHWM from /proc where there is one.
func peakRSS(pid int) string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
