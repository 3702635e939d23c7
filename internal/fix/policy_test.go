package fix

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/publish"
)

func TestPolicies(t *testing.T) {
	now := time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)
	full := &config.Config{Product: "Demo", Contact: config.Contact{Security: "mailto:sec@vendor.co.uk"},
		ReleaseLines: []config.ReleaseLine{{Version: "2.x"}}}
	tests := []struct {
		name     string
		cfg      *config.Config
		existing []string
		want     []string // paths proposed
		skipped  []string // substrings of skip reasons
	}{
		{name: "all three from a full declaration", cfg: full, want: []string{".well-known/security.txt", "SECURITY.md", "SUPPORT.md"}},
		{name: "existing files are never replaced", cfg: full, existing: []string{"docs/SECURITY.md", "security.txt", ".github/SUPPORT.md"}},
		{name: "no declarations", cfg: nil, skipped: []string{"contact.security", "SECURITY.md: skipped", "SUPPORT.md: skipped"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			read := func(p string) ([]byte, bool, error) {
				for _, e := range tc.existing {
					if e == p {
						return []byte("x"), true, nil
					}
				}
				return nil, false, nil
			}
			cs, skipped, err := Policies(read, publish.Input{Config: tc.cfg, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cs {
				got = append(got, c.Path)
				if c.Old != nil || len(c.New) == 0 {
					t.Errorf("%s: want a new, non-empty file", c.Path)
				}
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("paths (-want +got):\n%s", d)
			}
			for _, s := range tc.skipped {
				if !strings.Contains(strings.Join(skipped, "\n"), s) {
					t.Errorf("skipped %q lacks %q", skipped, s)
				}
			}
		})
	}
}

func TestPeriod(t *testing.T) {
	for in, want := range map[string]string{"14d": "14 days", "1mo": "1 month", "2w": "2 weeks", "1y": "1 year", "soon": "soon"} {
		if got := period(in); got != want {
			t.Errorf("period(%q) = %q, want %q", in, got, want)
		}
	}
}
