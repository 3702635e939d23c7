package lifecycle

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func d(s string) time.Time {
	t, err := parseTime(s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParse(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		name, in   string
		wantFormat Format
		want       []Line
	}{
		{"assay", "product: x\nrelease_lines:\n  - version: \"2.x\"\n    released: \"2025-01-10\"\n    end_of_security_support: \"2027-01-31\"\n    end_of_life: \"2027-06-30\"\n", FormatAssay,
			[]Line{{Version: "2.x", Released: d("2025-01-10"), EndOfSecuritySupport: d("2027-01-31"), EndOfLife: d("2027-06-30"), Line: 3}}},
		{"go-vex openeox", read("go-vex.openeox.json"), FormatOpenEoX,
			[]Line{{Version: "*", EndOfSecuritySupport: d("2030-01-01"), EndOfLife: d("2030-01-01")}}},
		{"openeox tba", read("oasis_openeox_tc-core-1_0-2025-minimal-tba.json"), FormatOpenEoX, []Line{{Version: "*", TBA: true}}},
		{"openeox time zones", read("oasis_openeox_tc-core-1_0-2025-timezones.json"), FormatOpenEoX,
			[]Line{{Version: "*", EndOfSecuritySupport: time.Date(2025, 11, 26, 6, 23, 0, 0, time.UTC), EndOfLife: time.Date(2025, 11, 26, 6, 30, 0, 0, time.UTC)}}},
		{"endoflife front matter", "---\ntitle: Demo\nreleases:\n  - releaseCycle: \"1.2\"\n    releaseDate: 2025-01-01\n    eol: 2026-12-31\n  - releaseCycle: \"1.1\"\n    eol: true\n---\n# Demo\n", FormatEndOfLife,
			[]Line{{Version: "1.2", Released: d("2025-01-01"), EndOfSecuritySupport: d("2026-12-31"), EndOfLife: d("2026-12-31"), Line: 4}, {Version: "1.1", Line: 7}}},
		{"endoflife api json", `[{"cycle":"3","releaseDate":"2025-02-01","eol":"2027-02-01"},{"cycle":"2","eol":false}]`, FormatEndOfLife,
			[]Line{{Version: "3", Released: d("2025-02-01"), EndOfSecuritySupport: d("2027-02-01"), EndOfLife: d("2027-02-01")}, {Version: "2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, got, err := Parse("f", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if f != tt.wantFormat {
				t.Errorf("format %s, want %s", f, tt.wantFormat)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Error(diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"$schema":"x"}`:        "both missing",
		`{"end_of_life":"soon"}`: "want a date",
		"release_lines:\n  - version: a\n    end_of_life: 31/12/2026\n": "line 2: end_of_life",
		"releases: [{eol: 2026-01-01}]":                                 "without a cycle",
		"a: &x [1]\nb: *x\n":                                            "no release_lines",
		strings.Repeat(" ", 2<<20):                                      "limit",
	} {
		if _, _, err := Parse("f", []byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%.40q) = %v, want %q", in, err, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"end_of_life":"2030-01-01T00:00:00Z","end_of_security_support":"tba"}`))
	f.Add([]byte("release_lines:\n  - {version: a, end_of_life: \"2026-01-01\", announced: \"2025-01-01\"}\n"))
	f.Add([]byte("---\nreleases:\n  - {releaseCycle: \"1\", eol: true}\n---\n"))
	f.Add([]byte(`[{"cycle":1,"eol":"2026-01-01"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, lines, err := Parse("f", data)
		if err == nil && len(lines) > maxLines {
			t.Fatalf("%d lines", len(lines))
		}
	})
}
