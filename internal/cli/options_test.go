package cli

import (
	"testing"
	"time"
)

// Without --now every command that builds its options here must see the
// clock, never the zero time (a sign-off dated 0001-01-01 verified as
// current because its review date was compared with a zero time).
func TestOptionsDefaultNowIsTheClock(t *testing.T) {
	f := assessFlags{failOn: "not_met"}
	before := time.Now().UTC().Add(-time.Second)
	opts, err := f.options(nil, ".")
	if err != nil {
		t.Fatal(err)
	}
	if opts.Now.Before(before) || opts.Now.After(time.Now().UTC().Add(time.Second)) {
		t.Errorf("opts.Now = %v, want the clock", opts.Now)
	}
	f.now = "2026-08-22T00:00:00Z"
	opts, err = f.options(nil, ".")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC); !opts.Now.Equal(want) {
		t.Errorf("opts.Now = %v, want %v", opts.Now, want)
	}
}
