package progress

import (
	"strings"
	"sync"
	"testing"
	"time"
)

type buf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *buf) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *buf) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// fakeClock advances only when told, so the tests do not depend on how
// fast the machine is.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestShortStageWritesNothing(t *testing.T) {
	var b buf
	m := New(&b, time.Hour)
	m.Start("quick")()
	if b.String() != "" {
		t.Errorf("wrote %q for a stage shorter than the threshold", b.String())
	}
}

func TestLongStageShownThenCleared(t *testing.T) {
	var b buf
	clk := &fakeClock{t: time.Unix(0, 0)}
	m := New(&b, 2*time.Second)
	m.now, m.tick = clk.now, time.Millisecond
	done := m.Start("git/history\x1b[31m")
	clk.add(3 * time.Second)
	for i := 0; i < 1000 && !strings.Contains(b.String(), "git/history"); i++ {
		time.Sleep(time.Millisecond)
	}
	done()
	out := b.String()
	if !strings.Contains(out, "assay: git/history") || !strings.Contains(out, "(3s)") {
		t.Errorf("progress = %q; want the stage and its time", out)
	}
	if strings.Contains(out, "\x1b[31m") {
		t.Errorf("progress = %q; control sequences from the name must be stripped", out)
	}
	if !strings.HasSuffix(out, "\r\033[K") {
		t.Errorf("progress = %q; want the line cleared at the end", out)
	}
}

func TestNilMeterIsSilent(t *testing.T) {
	var m *Meter
	m.Start("x")()
}
