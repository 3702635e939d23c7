package lifecycle

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

func TestLineMatches(t *testing.T) {
	tests := []struct {
		line, tag string
		want      bool
	}{
		{"2.x", "v2.3.1", true}, {"2", "2.0.0", true}, {"2.3.x", "v2.3.9", true}, {"2.3.x", "v2.4.0", false},
		{"*", "v9", true}, {"1.x", "v10.0.0", false}, {"v1", "release-1.2", true}, {"", "v1", false},
		{"5.x", "parent-5.4.0", true}, {"3.x", "okhttp_3.14.9", true}, {"4.x", "parent-5.4.0", false}, {"1.x", "my-lib-v1.2.0", true},
	}
	for _, tt := range tests {
		if got := LineMatches(tt.line, tt.tag); got != tt.want {
			t.Errorf("LineMatches(%q, %q) = %v", tt.line, tt.tag, got)
		}
	}
}

func TestIncidentsAndOrphanTags(t *testing.T) {
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	ev := evidence.NewSet(
		evidence.Record{Fact: evidence.Lifecycle{Sources: []string{"assay.yaml"}}},
		evidence.Record{Fact: evidence.ReleaseLine{Version: "1.x", EndOfSecuritySupport: at("2027-01-01T00:00:00Z"), Source: "assay.yaml", Line: 3}},
		evidence.Record{Fact: evidence.Tags{Tags: []evidence.TagInfo{{Name: "v1.0.0", Release: true}, {Name: "v2.0.0", Release: true}}}},
		evidence.Record{Fact: evidence.Incident{ID: "A", Started: at("2026-01-01T00:00:00Z"), CustomersNotified: at("2026-01-02T00:00:00Z"), Resolved: at("2026-01-03T00:00:00Z"), Report: "https://x"}},
		evidence.Record{Fact: evidence.Incident{ID: "B", Started: at("2026-01-01T00:00:00Z"), CustomersNotified: at("2026-01-06T00:00:00Z")}},
		evidence.Record{Fact: evidence.Incident{ID: "C", Started: at("2026-01-01T00:00:00Z")}},
	)
	inc := incidentsNotifiedPromptly(ev)
	want := []rule.Outcome{rule.True, rule.False, rule.False}
	for i, f := range inc {
		if f.Outcome != want[i] {
			t.Errorf("incident %d: %s %s", i, f.Outcome, f.Message)
		}
	}
	if inc[0].Values["hoursToNotify"] != "24.0" {
		t.Errorf("hours: %v", inc[0].Values)
	}
	eos := releaseLinesHaveEndDates(ev)
	if len(eos) != 2 || eos[1].Outcome != rule.False || eos[1].Message != "1 release tags belong to no release line with an end-of-support date (v2.0.0)" {
		t.Errorf("%+v", eos)
	}
}

// A README version table (in the shape projects use) gives dates for old
// lines and marks the newest current; tags of lines older than the table
// are past their end as well.
func TestReleaseLinesFromTable(t *testing.T) {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	ev := evidence.NewSet(
		evidence.Record{Fact: evidence.Lifecycle{Sources: []string{"README.md"}}},
		evidence.Record{Fact: evidence.ReleaseLine{Version: "5.x", EndOfLife: day("2019-10-31"), Source: "README.md", Line: 5}},
		evidence.Record{Fact: evidence.ReleaseLine{Version: "6.x", EndOfLife: day("2023-10-31"), Source: "README.md", Line: 6}},
		evidence.Record{Fact: evidence.ReleaseLine{Version: "7.x", Current: true, Source: "README.md", Line: 7}},
		evidence.Record{Fact: evidence.Tags{Tags: []evidence.TagInfo{{Name: "v4.2.0", Release: true}, {Name: "6.5.8", Release: true}, {Name: "7.8.1", Release: true}}}},
	)
	var got []rule.Outcome
	for _, f := range releaseLinesHaveEndDates(ev) {
		got = append(got, f.Outcome)
	}
	if want := []rule.Outcome{rule.True, rule.True, rule.True}; !slices.Equal(got, want) {
		t.Errorf("outcomes = %v, want %v", got, want)
	}
	// The current line has no end date yet: no notice has been due for it,
	// and the dated lines before it decide.
	got = nil
	for _, f := range endOfSupportNoticeAtLeastOneYear(evidence.NewSet(
		evidence.Record{Fact: evidence.Lifecycle{Sources: []string{"README.md"}}},
		evidence.Record{Fact: evidence.ReleaseLine{Version: "6.x", EndOfLife: day("2023-10-31"), Announced: day("2022-09-30"), AnnouncedBy: "git", Source: "README.md", Line: 6}},
		evidence.Record{Fact: evidence.ReleaseLine{Version: "7.x", Current: true, Source: "README.md", Line: 7}},
	)) {
		got = append(got, f.Outcome)
	}
	if want := []rule.Outcome{rule.True, rule.NotAvailable}; !slices.Equal(got, want) {
		t.Errorf("notice outcomes = %v, want %v", got, want)
	}
	// An undated current line with no dated line beside it gives no notice.
	if f := endOfSupportNoticeAtLeastOneYear(evidence.NewSet(
		evidence.Record{Fact: evidence.Lifecycle{Sources: []string{"README.md"}}},
		evidence.Record{Fact: evidence.ReleaseLine{Version: "7.x", Current: true, Source: "README.md", Line: 7}},
	)); len(f) != 1 || f[0].Outcome != rule.False {
		t.Errorf("undated current line alone: %+v", f)
	}
	// A rule without dates is an absence, and the finding says so.
	rule1 := evidence.NewSet(evidence.Record{Fact: evidence.Lifecycle{SupportRule: "Only the last stable version.", SupportRulePath: "SECURITY.md", SupportRuleLine: 5}})
	f := releaseLinesHaveEndDates(rule1)
	if len(f) != 1 || f[0].Outcome != rule.False || f[0].Negative != rule.NoSignal || f[0].Location.Line != 5 {
		t.Errorf("support rule only: %+v", f)
	}
}

// A RELEASES.md support table (containerd's shape): the oldest lines are
// marked end of life without a date, and a nested module's tags
// ("api/v1.12.0") are versions of another module, not orphans of the
// product's lines.
func TestReleaseLinesEndedAndModuleTags(t *testing.T) {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	lines := []evidence.Record{
		{Fact: evidence.Lifecycle{Sources: []string{"RELEASES.md"}}},
		{Fact: evidence.ReleaseLine{Version: "0.1", Ended: true, Source: "RELEASES.md", Line: 3}},
		{Fact: evidence.ReleaseLine{Version: "1.7", EndOfLife: day("2026-09-30"), Source: "RELEASES.md", Line: 4}},
	}
	tests := []struct {
		name string
		tags []string
		want []rule.Outcome
	}{
		{"module_tags_only", []string{"v0.1.0", "v1.7.2", "api/v1.12.0"}, []rule.Outcome{rule.True, rule.True, rule.NotAvailable}},
		{"product_tag_unmatched", []string{"v1.7.2", "v2.0.0", "api/v1.12.0"}, []rule.Outcome{rule.True, rule.True, rule.False}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tags []evidence.TagInfo
			for _, n := range tt.tags {
				tags = append(tags, evidence.TagInfo{Name: n, Release: true})
			}
			ev := evidence.NewSet(append(slices.Clone(lines), evidence.Record{Fact: evidence.Tags{Tags: tags}})...)
			var got []rule.Outcome
			for _, f := range releaseLinesHaveEndDates(ev) {
				got = append(got, f.Outcome)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("outcomes = %v, want %v", got, tt.want)
			}
		})
	}
	// The ended line gives no date, so no notice can be shown for it; the
	// dated line is judged on its own.
	ev := evidence.NewSet(lines...)
	if f := endOfSupportNoticeAtLeastOneYear(ev); len(f) != 2 || f[0].Outcome != rule.NotAvailable {
		t.Errorf("notice: %+v", f)
	}
}

// An LTS schedule names major lines by their first release: 5.12.1 is of
// the 5.0.0 line. A table of minor lines keeps exact prefixes.
func TestOrphanTagsMajorLines(t *testing.T) {
	lines := func(vs ...string) []evidence.Item[evidence.ReleaseLine] {
		var out []evidence.Item[evidence.ReleaseLine]
		for _, v := range vs {
			out = append(out, evidence.Item[evidence.ReleaseLine]{Fact: evidence.ReleaseLine{Version: v}})
		}
		return out
	}
	tags := []evidence.TagInfo{{Name: "v5.12.1", Release: true}, {Name: "v4.29.0", Release: true}}
	tests := []struct {
		name  string
		lines []evidence.Item[evidence.ReleaseLine]
		want  []string
	}{
		{"major schedule", lines("4.0.0", "5.0.0"), nil},
		{"minor lines", lines("4.0", "4.1"), []string{"v5.12.1", "v4.29.0"}},
		{"single row", lines("5.0.0"), []string{"v5.12.1", "v4.29.0"}},
		{"not all zero", lines("4.0.0", "5.2.0"), []string{"v5.12.1", "v4.29.0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := orphanTags(tt.lines, tags)
			if !slices.Equal(got, tt.want) {
				t.Errorf("orphans = %v, want %v", got, tt.want)
			}
		})
	}
}

// A CVE that a commit names while updating a component is the component's
// vulnerability: it asks for no advisory of the product's own. A CVE of a
// fix that changes the product still does.
func TestSecurityFixesHaveAdvisoriesSkipsComponentUpdates(t *testing.T) {
	deps := evidence.Record{Fact: evidence.DependencyFile{Path: "go.mod", Packages: []evidence.DepPackage{
		{Ecosystem: "Go", Name: "github.com/prometheus/exporter-toolkit", Version: "v0.8.2"},
		{Ecosystem: "Go", Name: "golang.org/x/crypto", Version: "v0.1.0"},
	}}}
	walked := evidence.Record{Fact: evidence.HistoryWalked{Commits: 100}}
	release := evidence.Record{Fact: evidence.SecurityFix{Commit: "3db05cfb3dcf15b8", IDs: []string{"CVE-2022-46146"}, Title: "Release v1.5.0",
		Context: []string{"* [BUGFIX] Security: Update exporter-toolkit (CVE-2022-46146) #2531"}}}
	bump := evidence.Record{Fact: evidence.SecurityFix{Commit: "e1d9172fb620aaaa", IDs: []string{"CVE-2022-27191"}, Title: "Bump crypto and net CVE-2022-27191 (#2488)",
		Context: []string{"Bump crypto and net CVE-2022-27191 (#2488)"}}}
	own := evidence.Record{Fact: evidence.SecurityFix{Commit: "abcdef0123456789", IDs: []string{"CVE-2024-0001"}, Title: "Reject oversized headers (CVE-2024-0001)",
		Context: []string{"Reject oversized headers (CVE-2024-0001)"}}}
	ownUpdate := evidence.Record{Fact: evidence.SecurityFix{Commit: "1111111111111111", IDs: []string{"CVE-2024-0002"}, Title: "Update the header parser to reject NUL bytes (CVE-2024-0002)",
		Context: []string{"Update the header parser to reject NUL bytes (CVE-2024-0002)"}}}
	goBump := evidence.Record{Fact: evidence.SecurityFix{Commit: "2a64dbeca0d8aaaa", IDs: []string{"CVE-2019-17596"}, Title: "Merge pull request #961 from someone/upgrade-to-golang-1.13.3",
		Context: []string{"upgrade to go 1.13.3 (CVE-2019-17596)"}}}
	nodeWord := evidence.Record{Fact: evidence.SecurityFix{Commit: "3333333333333333", IDs: []string{"CVE-2024-0003"}, Title: "Update node validation to reject cycles (CVE-2024-0003)",
		Context: []string{"Update node validation to reject cycles (CVE-2024-0003)"}}}
	depOnly := evidence.Record{Fact: evidence.OwnSecurityFixes{DependencyOnly: 1, DependencyOnlyCommits: []string{"e1d9172fb620aaaa"}}}

	tests := []struct {
		name string
		recs []evidence.Record
		want []rule.Outcome
	}{
		{"component updates only", []evidence.Record{deps, walked, release, bump, depOnly}, []rule.Outcome{rule.NotApplicable}},
		{"a toolchain update", []evidence.Record{walked, goBump}, []rule.Outcome{rule.NotApplicable}},
		{"a runtime's name as a word, with no version, is no toolchain update", []evidence.Record{walked, nodeWord}, []rule.Outcome{rule.False}},
		{"dependency-only commit without the history's classification", []evidence.Record{walked, bump}, []rule.Outcome{rule.False}},
		{"own fix still needs an advisory", []evidence.Record{deps, walked, release, own}, []rule.Outcome{rule.False}},
		{"updating own code is not a component update", []evidence.Record{deps, walked, ownUpdate}, []rule.Outcome{rule.False}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []rule.Outcome
			for _, f := range securityFixesHaveAdvisories(evidence.NewSet(tc.recs...)) {
				got = append(got, f.Outcome)
				// Only the advisory's absence from assay.yaml is observed.
				if f.Outcome == rule.False && f.Negative != rule.Elsewhere {
					t.Errorf("negative %q, want %q: %s", f.Negative, rule.Elsewhere, f.Message)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s", diff)
			}
		})
	}
}

// A written notice commitment decides 4.2.1 when no dated line shows the
// notice actually given; measured dates win over it.
func TestEndOfSupportNoticeCommitment(t *testing.T) {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	promise := func(months int) evidence.Record {
		return evidence.Record{Fact: evidence.Lifecycle{NoticeMonths: months, NoticePath: "SECURITY.md", NoticeLine: 5, NoticeQuote: "the previous release will be supported for no less than 2 years"}}
	}
	tests := []struct {
		name string
		ev   []evidence.Record
		want []rule.Outcome
	}{
		{"two_years_promised_no_dates", []evidence.Record{promise(24)}, []rule.Outcome{rule.True}},
		{"six_months_promised", []evidence.Record{promise(6)}, []rule.Outcome{rule.False}},
		{"promise_with_undated_current_line", []evidence.Record{promise(12), {Fact: evidence.ReleaseLine{Version: "7.x", Current: true, Source: "README.md", Line: 7}}}, []rule.Outcome{rule.True}},
		{"measured_short_notice_wins", []evidence.Record{promise(24),
			{Fact: evidence.ReleaseLine{Version: "6.x", EndOfLife: day("2023-10-31"), Announced: day("2023-09-30"), AnnouncedBy: "git", Source: "README.md", Line: 6}}}, []rule.Outcome{rule.False}},
		{"no_promise_no_dates", []evidence.Record{{Fact: evidence.Lifecycle{}}}, []rule.Outcome{rule.False}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []rule.Outcome
			for _, f := range endOfSupportNoticeAtLeastOneYear(evidence.NewSet(tc.ev...)) {
				got = append(got, f.Outcome)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("outcomes (-want +got):\n%s", d)
			}
		})
	}
}

// A fixed vulnerability named in history is a violation only when the
// vendor records advisories and left this one out; with none declared the
// advisories live where the rule cannot see them.
func TestSecurityFixesHaveAdvisories(t *testing.T) {
	fix := evidence.Record{Fact: evidence.SecurityFix{Commit: "abcdef0123456789", IDs: []string{"CVE-2020-1234"}, Title: "Fix CVE-2020-1234"}}
	walked := evidence.Record{Fact: evidence.HistoryWalked{}}
	tests := []struct {
		name string
		ev   []evidence.Record
		want []rule.Outcome
	}{
		{"no_advisories_declared", []evidence.Record{walked, fix}, []rule.Outcome{rule.False}},
		{"declared_and_matching", []evidence.Record{walked, fix, {Fact: evidence.Advisory{CVE: "CVE-2020-1234"}}}, []rule.Outcome{rule.True}},
		{"declared_but_missing_this_one", []evidence.Record{walked, fix, {Fact: evidence.Advisory{CVE: "CVE-2019-9999"}}}, []rule.Outcome{rule.False}},
		{"no_named_fix", []evidence.Record{walked}, []rule.Outcome{rule.NotApplicable}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []rule.Outcome
			for _, f := range securityFixesHaveAdvisories(evidence.NewSet(tc.ev...)) {
				got = append(got, f.Outcome)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("outcomes (-want +got):\n%s", d)
			}
		})
	}
}

// Finding no SDL document is no signal (the policy may be organisational);
// a declared framework the repository does not back is a violation.
func TestFrameworkDocumentedNegatives(t *testing.T) {
	lc := evidence.Record{Fact: evidence.Lifecycle{Sources: []string{"assay.yaml"}}}
	fw := func(f evidence.Framework) evidence.Record { return evidence.Record{Fact: f} }
	type got struct {
		Outcome  rule.Outcome
		Negative rule.Negative
	}
	tests := []struct {
		name string
		recs []evidence.Record
		want got
	}{
		{"nothing declared or found", []evidence.Record{lc}, got{rule.False, rule.NoSignal}},
		{"declared without a document", []evidence.Record{lc, fw(evidence.Framework{Name: "NIST SSDF"})}, got{rule.False, rule.Violation}},
		{"declared document missing", []evidence.Record{lc, fw(evidence.Framework{Name: "NIST SSDF", Document: "docs/sdl.md"})}, got{rule.False, rule.Violation}},
		{"document does not name it", []evidence.Record{lc, fw(evidence.Framework{Name: "NIST SSDF", Document: "docs/sdl.md", DocumentFound: true})}, got{rule.False, rule.Violation}},
		{"documented", []evidence.Record{lc, fw(evidence.Framework{Name: "NIST SSDF", Document: "docs/sdl.md", DocumentFound: true, NamedInDocument: true})}, got{rule.True, ""}},
		{"not collected", nil, got{rule.NotAvailable, ""}},
	}
	meta := rule.Meta{ID: FrameworkDocumented}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := frameworkDocumented(evidence.NewSet(tc.recs...))
			if len(fs) != 1 {
				t.Fatalf("want 1 finding, got %d", len(fs))
			}
			g := got{Outcome: fs[0].Outcome}
			if g.Outcome == rule.False {
				g.Negative = rule.NegativeOf(fs[0], meta)
			}
			if diff := cmp.Diff(tc.want, g); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// A plan with roles, contacts and how customers are told is published even
// without a post-incident review (lodash's incident_response_plan.md); a
// plan missing one of the three is not.
func TestIncidentPlanPublished(t *testing.T) {
	hit := func(topic string, line int) evidence.TopicHit {
		return evidence.TopicHit{Topic: topic, Path: "incident_response_plan.md", Line: line}
	}
	plan := func(hs ...evidence.TopicHit) *evidence.Set {
		return evidence.NewSet(evidence.Record{Fact: evidence.Document{Purpose: "incident_plan", Ref: "incident_response_plan.md", Found: true, Topics: hs}})
	}
	type brief struct {
		Outcome rule.Outcome
		Message string
	}
	tests := []struct {
		name string
		ev   *evidence.Set
		want brief
	}{
		{"all_four", plan(hit("roles", 55), hit("contacts", 144), hit("communication", 90), hit("post-incident review", 170)),
			brief{rule.True, "incident_response_plan.md covers roles (incident_response_plan.md:55), contacts (incident_response_plan.md:144), communication (incident_response_plan.md:90)"}},
		{"no_post_incident_review", plan(hit("roles", 55), hit("contacts", 144), hit("communication", 90)),
			brief{rule.True, "incident_response_plan.md covers roles (incident_response_plan.md:55), contacts (incident_response_plan.md:144), communication (incident_response_plan.md:90); no post-incident review found"}},
		{"no_communication", plan(hit("roles", 55), hit("contacts", 144), hit("post-incident review", 170)),
			brief{rule.False, "incident_response_plan.md covers roles (incident_response_plan.md:55), contacts (incident_response_plan.md:144); missing communication"}},
		{"no_plan", evidence.NewSet(), brief{rule.False, "no incident support plan found (support.incident_plan, docs/*incident*)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := incidentPlanPublished(tc.ev)
			if len(fs) != 1 {
				t.Fatalf("incidentPlanPublished() = %d findings, want 1: %+v", len(fs), fs)
			}
			if diff := cmp.Diff(tc.want, brief{fs[0].Outcome, fs[0].Message}); diff != "" {
				t.Errorf("incidentPlanPublished() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
