package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/config"
)

// spanFlag is a length of time given on the command line in the syntax of
// assay.yaml (12mo, 90d, 1y) or as a Go duration (8760h, 15m): one syntax
// everywhere, and the older one still works. A calendar span is resolved
// against the run's "now", so 24mo is exactly two calendar years back.
type spanFlag struct {
	text     string
	d        time.Duration
	calendar bool
	y, m, dd int
}

func newSpanFlag(def time.Duration) *spanFlag {
	s := &spanFlag{d: def}
	if def != 0 {
		s.text = def.String()
	}
	return s
}

func (s *spanFlag) String() string { return s.text }
func (s *spanFlag) Type() string   { return "duration" }

func (s *spanFlag) Set(v string) error {
	if y, m, d, err := config.ParsePeriod(v); err == nil {
		*s = spanFlag{text: v, calendar: true, y: y, m: m, dd: d}
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return fmt.Errorf("want a period such as 12mo, 90d or 1y, or a duration such as 8760h or 15m; got %q", v)
	}
	*s = spanFlag{text: v, d: d}
	return nil
}

// at returns the span as a duration ending at now.
func (s *spanFlag) at(now time.Time) time.Duration {
	if !s.calendar {
		return s.d
	}
	return now.Sub(now.AddDate(-s.y, -s.m, -s.dd))
}

// formatByExtension maps an output file's extension to the report format
// it names, for `-o r.html` without --format. Longer suffixes come first.
var formatByExtension = []struct{ suffix, format string }{
	{".oscal.json", "oscal"},
	{".sarif.json", "sarif"},
	{".sarif", "sarif"},
	{".json", "json"},
	{".html", "html"},
	{".htm", "html"},
	{".md", "markdown"},
	{".markdown", "markdown"},
	{".svg", "svg-badge"},
	{".txt", "text"},
}

// reportFormat is --format when given, else the format -o's extension
// names, else def.
func reportFormat(cmd *cobra.Command, format, output, def string) string {
	if f := cmd.Flags().Lookup("format"); f != nil && f.Changed {
		return format
	}
	name := strings.ToLower(filepath.Base(output))
	for _, e := range formatByExtension {
		if strings.HasSuffix(name, e.suffix) && len(name) > len(e.suffix) {
			return e.format
		}
	}
	return def
}

// refuseFlags turns the named flags, inherited from assess but meaningless
// for cmd, into usage errors that say what to use instead.
func refuseFlags(cmd *cobra.Command, why map[string]string) error {
	for name, msg := range why {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			return usagef("--%s: %s", name, msg)
		}
	}
	return nil
}

// hideFlags hides flags from a command's help.
func hideFlags(cmd *cobra.Command, names ...string) {
	for _, name := range names {
		_ = cmd.Flags().MarkHidden(name)
	}
}

// checkInputFile makes a missing or unreadable input file given by a flag
// a usage error now, not a silent "no signers" later.
func checkInputFile(flag, path string) error {
	if path == "" {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return usagef("--%s: %v", flag, err)
	}
	if fi.IsDir() {
		return usagef("--%s: %s is a directory, want a file", flag, path)
	}
	return nil
}

// didYouMean returns ` (did you mean "x"?)` for the candidate nearest to
// id, when one is close enough to be a typo, else "".
func didYouMean(id string, candidates []string) string {
	best, bestD := "", -1
	lid := strings.ToLower(id)
	for _, c := range candidates {
		d := editDistance(lid, strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 || bestD > max(2, len(id)/4) {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance, on bytes (ids are ASCII).
func editDistance(a, b string) int {
	if len(a) > 256 || len(b) > 256 {
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// parseNow reads a --now flag: an RFC 3339 time, in UTC; def when the
// flag is empty.
func parseNow(flag string, def time.Time) (time.Time, error) {
	if flag == "" {
		return def, nil
	}
	t, err := time.Parse(time.RFC3339, flag)
	if err != nil {
		return time.Time{}, usagef("--now: want an RFC 3339 time such as 2026-08-22T00:00:00Z, got %q", flag)
	}
	return t.UTC(), nil
}

// pathArg is a command's optional PATH argument, "." when it is absent
// (cobra.MaximumNArgs(1) has already refused more).
func pathArg(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return "."
}
