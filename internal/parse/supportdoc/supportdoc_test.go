package supportdoc

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func day(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }

func TestParse(t *testing.T) {
	t.Parallel()
	table := "## Version Guidance\n\n| Version | Status           | PHP Version |\n|---------|------------------|-------------|\n" +
		"| 5.x     | EOL (2019-10-31) | >=5.4,<7.4  |\n| 6.x     | EOL (2023-10-31) | >=5.5,<8.0  |\n| 7.x     | Latest           | >=7.2.5     |\n"
	tests := []struct {
		name, path, in string
		readme         bool
		want           Doc
	}{
		{"version_table_with_eol_column", "README.md", table, true, Doc{Lines: []Line{
			{Version: "5.x", End: day("2019-10-31"), Line: 5}, {Version: "6.x", End: day("2023-10-31"), Line: 6}, {Version: "7.x", Current: true, Line: 7}}}},
		{"deprecation_notice", "README.md", "# Deprecated!\n\nAs of Feb 11th 2020, this package is fully deprecated. No new changes are expected.\n", true,
			Doc{Lines: []Line{{Version: "*", End: day("2020-02-11"), Line: 3}}}},
		{"notice_far_down_is_not_status", "README.md", "# Tool\n\n" + repeat("Text.\n\n", 20) + "Python 2 support deprecated on 2020-01-01.\n", true, Doc{}},
		{"rule_without_dates", "SECURITY.md", "## Supported Versions\n\nOnly the last stable version at any given point.\n", false,
			Doc{Rule: "Only the last stable version at any given point.", RuleLine: 3}},
		{"table_without_dates_is_not_lifecycle", "SECURITY.md", "| Version | Supported |\n| --- | --- |\n| 2.x | yes |\n| 1.x | no |\n", false, Doc{}},
		{"maintenance_mode_without_dates", "README.md", "> The library is in maintenance mode; bugs will be fixed.\n", true, Doc{}},
		{"linked_versions_month_dates_and_ended_lines", "RELEASES.md", "| Release | Status | Start | End of Life |\n| --- | --- | --- | --- |\n" +
			"| [0.1](https://example.com/releases/tag/v0.1.0) | End of Life | Mar 21, 2016 | - |\n" +
			"| [1.7](https://example.com/releases/tag/v1.7.33) | LTS | March 10, 2023 | September 2026* |\n" +
			"| [2.0](https://example.com/releases/tag/v2.0.10) | LTS | November 5, 2024 | March, 2027** |\n" +
			"| [2.2](https://example.com/releases/tag/v2.2.5) | Active | November 5, 2025 | November 6, 2026 |\n", false, Doc{Lines: []Line{
			{Version: "0.1", Ended: true, Line: 3}, {Version: "1.7", End: day("2026-09-30"), Line: 4},
			{Version: "2.0", End: day("2027-03-31"), Line: 5}, {Version: "2.2", End: day("2026-11-06"), Current: true, Line: 6}}}},
		{"undated_table_beside_a_dated_one_is_dropped", "RELEASES.md", "| Release | End of Life |\n| --- | --- |\n| 1.7 | 2026-09-30 |\n\n" +
			"| Kubernetes Version | containerd Version |\n| --- | --- |\n| 1.30 | 1.7.13+ |\n", false, Doc{Lines: []Line{{Version: "1.7", End: day("2026-09-30"), Line: 3}}}},
		{"supported_marks_and_an_ended_date", "docs/security/security.md", "| Version | Supported | Notes |\n| --- | --- | --- |\n" +
			"| 5.x | ✅ | alpha APIs |\n| 4.x | :white_check_mark: | Java 8+ |\n| 3.x | ❌ Ended 2021-12-31 | Java 7+ |\n| 2.x | :x: | |\n", false, Doc{Lines: []Line{
			{Version: "5.x", Current: true, Line: 3}, {Version: "4.x", Current: true, Line: 4},
			{Version: "3.x", End: day("2021-12-31"), Line: 5}, {Version: "2.x", Ended: true, Line: 6}}}},
		// An end of LTS still to be decided is a line that has not ended.
		{"end_to_be_decided", "docs/Reference/LTS.md", "| Version | Release Date | End Of LTS Date |\n| :-- | :-- | :-- |\n" +
			"| 4.0.0 | 2022-06-08 | 2025-06-30 |\n| 5.0.0 | 2024-09-17 | TBD |\n", false, Doc{Lines: []Line{
			{Version: "4.0.0", End: day("2025-06-30"), Line: 3}, {Version: "5.0.0", Current: true, Line: 4}}}},
		// A version cell may name the product first; a runtime's versions
		// in a compatibility table are not the product's lines.
		{"product_named_before_the_version", "SECURITY.md", "| Version | Phase | End of Bugfix Support |\n|---|---|---|\n" +
			"| PHPUnit 13 | Bugfix Support | February 4, 2028 |\n| PHPUnit 12 | Bugfix Support | February 5, 2027 |\n" +
			"| Foo Server 2.4.x | Active | 2026-01-31 |\n| Python 3.8 | ended | 2024-10-07 |\n| PHP 8.1 | ended | 2025-12-31 |\n", false, Doc{Lines: []Line{
			{Version: "13", End: day("2028-02-04"), Line: 3}, {Version: "12", End: day("2027-02-05"), Line: 4},
			{Version: "2.4.x", End: day("2026-01-31"), Line: 5}}}},
		{"table_in_code_is_skipped", "README.md", "```\n| Version | EOL |\n|--|--|\n| 1.x | 2020-01-01 |\n```\n", true, Doc{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, Parse(tt.path, []byte(tt.in), tt.readme)); diff != "" {
				t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func repeat(s string, n int) string {
	out := ""
	for i := 0; i < n; i++ {
		out += s
	}
	return out
}

func TestFindDate(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"EOL (2016-10-31)": "2016-10-31", "As of Feb 11th 2020,": "2020-02-11", "on 3 March 2027": "2027-03-03", "2023-02-30": "", "v1.2.3": ""} {
		got, ok := FindDate(in)
		if (want == "") == ok || (ok && got.Format(time.DateOnly) != want) {
			t.Errorf("FindDate(%q) = %v %v, want %q", in, got, ok, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("README.md", []byte("| Version | EOL |\n|--|--|\n| 1.x | 2020-01-01 |\n"))
	f.Add("README.rst", []byte("Deprecated as of Jan 1st 2020\n"))
	f.Fuzz(func(t *testing.T, path string, data []byte) {
		d := Parse(path, data, true)
		if len(d.Lines) > MaxLines || len(d.Rule) > maxRule {
			t.Fatalf("limits exceeded: %d lines", len(d.Lines))
		}
	})
}
