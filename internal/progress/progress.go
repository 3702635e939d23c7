// Package progress shows, on a terminal, which long stage of a run is
// under way: a single line on standard error, rewritten in place, for any
// stage that has run longer than a threshold, and cleared when it ends.
// Nothing is written to standard output, to files or to reports, so
// machine-readable output is never affected. A nil *Meter is silent.
package progress

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/assaysec/assay/internal/textsafe"
)

// DefaultAfter is how long a stage runs before its progress line appears.
const DefaultAfter = 2 * time.Second

// Meter writes progress lines for the stages started on it. It is safe
// for concurrent use: stages running together share the line.
type Meter struct {
	w     io.Writer
	after time.Duration
	tick  time.Duration
	now   func() time.Time

	mu      sync.Mutex
	active  map[int]stage
	next    int
	shown   bool
	running bool
	stop    chan struct{}
}

type stage struct {
	name  string
	start time.Time
}

// New returns a meter writing to w (a terminal) for stages longer than
// after.
func New(w io.Writer, after time.Duration) *Meter {
	return &Meter{w: w, after: after, tick: time.Second, now: time.Now, active: map[int]stage{}}
}

// Start records that a stage began and returns the function that ends it.
func (m *Meter) Start(name string) (done func()) {
	if m == nil {
		return func() {}
	}
	m.mu.Lock()
	id := m.next
	m.next++
	m.active[id] = stage{name: textsafe.Truncate(textsafe.Clean(name), 60), start: m.now()}
	if !m.running {
		m.running = true
		m.stop = make(chan struct{})
		go m.loop(m.stop)
	}
	m.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			m.mu.Lock()
			defer m.mu.Unlock()
			delete(m.active, id)
			if len(m.active) == 0 && m.running {
				close(m.stop)
				m.running = false
				m.clear()
			} else {
				m.draw()
			}
		})
	}
}

func (m *Meter) loop(stop chan struct{}) {
	t := time.NewTicker(min(m.tick, m.after))
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			m.mu.Lock()
			select {
			case <-stop:
			default:
				m.draw()
			}
			m.mu.Unlock()
		}
	}
}

// draw writes the line for the stages past the threshold; m.mu is held.
func (m *Meter) draw() {
	now := m.now()
	var parts []string
	var ids []int
	for id := range m.active {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		s := m.active[id]
		if d := now.Sub(s.start); d >= m.after {
			parts = append(parts, fmt.Sprintf("%s (%ds)", s.name, int(d.Seconds())))
		}
	}
	if len(parts) == 0 {
		m.clear()
		return
	}
	fmt.Fprintf(m.w, "\r\033[K%s", textsafe.Truncate("assay: "+strings.Join(parts, ", "), 200))
	m.shown = true
}

// clear removes the line if one is shown; m.mu is held.
func (m *Meter) clear() {
	if m.shown {
		fmt.Fprint(m.w, "\r\033[K")
		m.shown = false
	}
}

// Clear removes the line, if shown, before other output is written to the
// same terminal; the next tick draws it again.
func (m *Meter) Clear() {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clear()
}
