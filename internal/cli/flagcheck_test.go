package cli

import (
	"testing"
	"time"

	"github.com/spf13/cobra"
)

func TestSpanFlag(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"24mo", now.Sub(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))},
		{"1y", now.Sub(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))},
		{"90d", 90 * 24 * time.Hour},
		{"8760h", 8760 * time.Hour},
		{"15m", 15 * time.Minute},
	} {
		var s spanFlag
		if err := s.Set(tc.in); err != nil {
			t.Errorf("Set(%q): %v", tc.in, err)
			continue
		}
		if got := s.at(now); got != tc.want {
			t.Errorf("%q at %s = %s, want %s", tc.in, now, got, tc.want)
		}
	}
	for _, bad := range []string{"24", "-1h", "0s", "12 months", "mo"} {
		var s spanFlag
		if err := s.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
}

func TestReportFormat(t *testing.T) {
	for _, tc := range []struct{ output, want string }{
		{"r.html", "html"}, {"R.HTM", "html"}, {"r.json", "json"}, {"r.oscal.json", "oscal"},
		{"r.sarif", "sarif"}, {"r.sarif.json", "sarif"}, {"r.md", "markdown"}, {"badge.svg", "svg-badge"},
		{"r.txt", "text"}, {"r.out", "text"}, {"", "text"}, {".json", "text"},
	} {
		cmd := &cobra.Command{}
		cmd.Flags().String("format", "text", "")
		if got := reportFormat(cmd, "text", tc.output, "text"); got != tc.want {
			t.Errorf("reportFormat(%q) = %q, want %q", tc.output, got, tc.want)
		}
	}
	cmd := &cobra.Command{}
	cmd.Flags().String("format", "text", "")
	_ = cmd.Flags().Set("format", "json")
	if got := reportFormat(cmd, "json", "r.html", "text"); got != "json" {
		t.Errorf("an explicit --format lost to the extension: %q", got)
	}
}

func TestDidYouMean(t *testing.T) {
	ids := []string{"securityTxtValid", "securityPolicyPresent", "3.2.1", "3.2.2"}
	for _, tc := range []struct{ in, want string }{
		{"securityTxtValdi", ` (did you mean "securityTxtValid"?)`},
		{"SECURITYTXTVALID", ` (did you mean "securityTxtValid"?)`},
		{"3.2.9", ` (did you mean "3.2.1"?)`},
		{"somethingElseEntirely", ""},
	} {
		if got := didYouMean(tc.in, ids); got != tc.want {
			t.Errorf("didYouMean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
