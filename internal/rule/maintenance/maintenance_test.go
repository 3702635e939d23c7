package maintenance

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

var now = time.Date(2025, 2, 18, 0, 0, 0, 0, time.UTC)

func set(facts ...evidence.Fact) *evidence.Set {
	s := evidence.NewSet(evidence.Record{Fact: evidence.Assessment{Now: now}})
	for _, f := range facts {
		s.Add(evidence.Record{Fact: f})
	}
	return s
}

func d(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 12, 0, 0, 0, time.UTC) }

type outcome struct {
	Outcome  rule.Outcome
	Negative rule.Negative
}

func outcomes(fs []rule.Finding) []outcome {
	var out []outcome
	for _, f := range fs {
		out = append(out, outcome{f.Outcome, f.Negative})
	}
	return out
}

func TestOwnSecurityFixesReleasedPromptly(t *testing.T) {
	same := evidence.OwnFix{Commit: "a1", When: d(2024, 8, 13), Group: "CVE-2024-1", Tag: "v1.7.4", TagDate: d(2024, 8, 13)}
	for _, tc := range []struct {
		name  string
		fixes evidence.OwnSecurityFixes
		want  []outcome
	}{
		{"released the same day", evidence.OwnSecurityFixes{Fixes: []evidence.OwnFix{same}}, []outcome{{rule.True, ""}}},
		{"backport months later counts from the first fix", evidence.OwnSecurityFixes{Fixes: []evidence.OwnFix{
			{Commit: "b2", When: d(2024, 1, 19), Group: "CVE-2023-2", Tag: "v0.28.0", TagDate: d(2024, 2, 12)},
			{Commit: "b1", When: d(2023, 10, 26), Group: "CVE-2023-2", Tag: "v1.6.0", TagDate: d(2023, 10, 27)},
		}}, []outcome{{rule.False, rule.Violation}, {rule.True, ""}}},
		{"unreleased past the target", evidence.OwnSecurityFixes{Fixes: []evidence.OwnFix{{Commit: "c1", When: d(2024, 11, 1), Group: "g"}}}, []outcome{{rule.False, rule.Violation}}},
		{"a later commit naming an advisory whose fix already shipped is not a late fix", evidence.OwnSecurityFixes{Fixes: []evidence.OwnFix{
			{Commit: "e2", When: d(2024, 11, 20), Group: "GHSA-1"},
			{Commit: "e1", When: d(2024, 11, 1), Group: "GHSA-1", Tag: "v2.1.0", TagDate: d(2024, 11, 3)},
		}}, []outcome{{rule.True, ""}, {rule.NotAvailable, ""}}},
		{"an unreleased commit from before the release still counts", evidence.OwnSecurityFixes{Fixes: []evidence.OwnFix{
			{Commit: "f2", When: d(2024, 11, 2), Group: "GHSA-2"},
			{Commit: "f1", When: d(2024, 11, 1), Group: "GHSA-2", Tag: "v2.1.0", TagDate: d(2024, 11, 3)},
		}}, []outcome{{rule.False, rule.Violation}, {rule.True, ""}}},
		{"an unreleased copy off every release line defers to the released copy", evidence.OwnSecurityFixes{Fixes: []evidence.OwnFix{
			{Commit: "h2", When: d(2024, 11, 2), Group: "GHSA-3"},
			{Commit: "h3", When: d(2024, 10, 30), Group: "GHSA-3", OffReleaseLine: true},
			{Commit: "h1", When: d(2024, 11, 1), Group: "GHSA-3", Tag: "v2.1.0", TagDate: d(2024, 11, 3)},
		}}, []outcome{{rule.False, rule.Violation}, {rule.True, ""}, {rule.NotAvailable, ""}}},
		{"an unreleased copy off every release line with no released copy still counts", evidence.OwnSecurityFixes{Fixes: []evidence.OwnFix{
			{Commit: "k1", When: d(2024, 10, 30), Group: "GHSA-4", OffReleaseLine: true},
		}}, []outcome{{rule.False, rule.Violation}}},
		{"an unreleased copy on the assessed branch defers to a copy released in a newer version", evidence.OwnSecurityFixes{HeadVersion: "v2.0.0", Fixes: []evidence.OwnFix{
			{Commit: "m2", When: d(2024, 11, 1), Group: "GHSA-5"},
			{Commit: "m1", When: d(2024, 11, 3), Group: "GHSA-5", Tag: "v2.0.1", TagVersion: "v2.0.1", TagDate: d(2024, 11, 4)},
		}}, []outcome{{rule.True, ""}, {rule.NotAvailable, ""}}},
		{"an unreleased copy on a branch that released past the backport is still owed", evidence.OwnSecurityFixes{HeadVersion: "v2.1.0", Fixes: []evidence.OwnFix{
			{Commit: "n2", When: d(2024, 11, 1), Group: "GHSA-6"},
			{Commit: "n1", When: d(2024, 11, 3), Group: "GHSA-6", Tag: "v1.9.5", TagVersion: "v1.9.5", TagDate: d(2024, 11, 4)},
		}}, []outcome{{rule.False, rule.Violation}, {rule.True, ""}}},
		{"a re-application on a line that already shipped the fix is not counted again", evidence.OwnSecurityFixes{Fixes: []evidence.OwnFix{
			{Commit: "p2", When: d(2024, 11, 1), Group: "GHSA-7", Tag: "v1.5.15", TagVersion: "v1.5.15", TagDate: d(2024, 11, 2)},
			{Commit: "p1", When: d(2022, 10, 10), Group: "GHSA-7", Tag: "v1.5.14", TagVersion: "v1.5.14", TagDate: d(2022, 10, 10)},
		}}, []outcome{{rule.True, ""}, {rule.NotAvailable, ""}}},
		{"a late backport to another line still counts", evidence.OwnSecurityFixes{Fixes: []evidence.OwnFix{
			{Commit: "q2", When: d(2024, 11, 1), Group: "GHSA-8", Tag: "v1.4.9", TagVersion: "v1.4.9", TagDate: d(2024, 11, 2)},
			{Commit: "q1", When: d(2024, 6, 10), Group: "GHSA-8", Tag: "v1.5.14", TagVersion: "v1.5.14", TagDate: d(2024, 6, 10)},
		}}, []outcome{{rule.False, rule.Violation}, {rule.True, ""}}},
		{"an unreleased copy on the assessed branch defers to any copy released past it, not only the first", evidence.OwnSecurityFixes{HeadVersion: "v3.2.0", Fixes: []evidence.OwnFix{
			{Commit: "r4", When: d(2024, 11, 1), Group: "GHSA-9"},
			{Commit: "r3", When: d(2024, 11, 1), Group: "GHSA-9", Tag: "v3.2.6", TagVersion: "v3.2.6", TagDate: d(2024, 11, 1)},
			{Commit: "r1", When: d(2024, 11, 1), Group: "GHSA-9", Tag: "v2.2.23", TagVersion: "v2.2.23", TagDate: d(2024, 11, 1)},
		}}, []outcome{{rule.True, ""}, {rule.True, ""}, {rule.NotAvailable, ""}}},
		{"a copy carried into the first release of a newer line is not a late fix", evidence.OwnSecurityFixes{Fixes: []evidence.OwnFix{
			{Commit: "s2", When: d(2024, 6, 4), Group: "CVE-2024-9", Tag: "v3.2.0", TagVersion: "v3.2.0", TagOpensLine: true, TagDate: d(2024, 7, 30)},
			{Commit: "s1", When: d(2024, 6, 4), Group: "CVE-2024-9", Tag: "v3.1.16", TagVersion: "v3.1.16", TagDate: d(2024, 6, 4)},
		}}, []outcome{{rule.True, ""}, {rule.NotAvailable, ""}}},
		{"a copy reaching a later release of an existing newer line is still late", evidence.OwnSecurityFixes{Fixes: []evidence.OwnFix{
			{Commit: "t2", When: d(2024, 6, 4), Group: "CVE-2024-10", Tag: "v3.2.4", TagVersion: "v3.2.4", TagDate: d(2024, 7, 30)},
			{Commit: "t1", When: d(2024, 6, 4), Group: "CVE-2024-10", Tag: "v3.1.16", TagVersion: "v3.1.16", TagDate: d(2024, 6, 4)},
		}}, []outcome{{rule.False, rule.Violation}, {rule.True, ""}}},
		{"the first release of a line with no earlier released copy is still late", evidence.OwnSecurityFixes{Fixes: []evidence.OwnFix{
			{Commit: "u1", When: d(2024, 6, 4), Group: "CVE-2024-11", Tag: "v3.2.0", TagVersion: "v3.2.0", TagOpensLine: true, TagDate: d(2024, 7, 30)},
		}}, []outcome{{rule.False, rule.Violation}}},
		{"a re-application on a line whose versions differ only in a fourth part", evidence.OwnSecurityFixes{Fixes: []evidence.OwnFix{
			{Commit: "w2", When: d(2024, 5, 26), Group: "CVE-2024-12", Tag: "v2.1.4.2", TagVersion: "v2.1.4", TagDate: d(2025, 1, 17)},
			{Commit: "w1", When: d(2024, 5, 26), Group: "CVE-2024-12", Tag: "2.1.4.1", TagVersion: "v2.1.4", TagDate: d(2024, 5, 27)},
		}}, []outcome{{rule.True, ""}, {rule.NotAvailable, ""}}},
		{"an unreleased commit naming an advisory the changelog lists under an earlier release is follow-up work", evidence.OwnSecurityFixes{Fixes: []evidence.OwnFix{
			{Commit: "x1", When: d(2024, 11, 1), Group: "CVE-2024-13", IDs: []string{"CVE-2024-13"}, ListedTag: "v3.1.10", ListedTagDate: d(2024, 2, 12)},
		}}, []outcome{{rule.NotAvailable, ""}}},
		{"an unreleased commit the changelog lists under a later release still counts", evidence.OwnSecurityFixes{Fixes: []evidence.OwnFix{
			{Commit: "y1", When: d(2024, 11, 1), Group: "CVE-2024-14", IDs: []string{"CVE-2024-14"}, ListedTag: "v3.1.10", ListedTagDate: d(2024, 12, 12)},
		}}, []outcome{{rule.False, rule.Violation}}},
		{"unreleased within the target", evidence.OwnSecurityFixes{Fixes: []evidence.OwnFix{{Commit: "c1", When: d(2025, 2, 10), Group: "g"}}}, []outcome{{rule.NotAvailable, ""}}},
		{"nothing identifiable", evidence.OwnSecurityFixes{DependencyOnly: 2, DependencyOnlyCommits: []string{"dd", "ee"}}, []outcome{{rule.False, rule.NoSignal}}},
		{"only fixes older than the lookback", evidence.OwnSecurityFixes{Fixes: []evidence.OwnFix{{Commit: "o", When: d(2016, 1, 1), Group: "o", Tag: "v0.1", TagDate: d(2017, 1, 1)}}}, []outcome{{rule.False, rule.NoSignal}}},
		{"a changelog security fix whose commit is missing leaves timeliness open", evidence.OwnSecurityFixes{Unlinked: []evidence.UnlinkedFix{{Changelog: "CHANGELOG.md:40", IDs: []string{"GHSA-9w4w-cpc8-h2fq"}, Tag: "3.1.0", TagDate: d(2022, 3, 7)}}}, []outcome{{rule.NotAvailable, ""}}},
		{"an unlinked changelog fix older than the lookback decides nothing", evidence.OwnSecurityFixes{Unlinked: []evidence.UnlinkedFix{{Changelog: "CHANGELOG.md:90", Tag: "0.9", TagDate: d(2015, 1, 1)}}}, []outcome{{rule.False, rule.NoSignal}}},
		{"capped before the lookback", evidence.OwnSecurityFixes{Scan: evidence.HistoryScan{Capped: true, Oldest: d(2024, 1, 1)}}, []outcome{{rule.NotAvailable, ""}}},
	} {
		got := outcomes(ownSecurityFixesReleasedPromptly(set(tc.fixes)))
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestToolingRules(t *testing.T) {
	dependabot := evidence.UpdateConfig{Path: ".github/dependabot.yml", Tool: "dependabot", Updates: []evidence.UpdateEntry{{Ecosystem: "github-actions", Line: 3}}}
	npmOnly := evidence.UpdateConfig{Path: ".github/dependabot.yml", Tool: "dependabot", Updates: []evidence.UpdateEntry{{Ecosystem: "npm", Line: 3}}}
	eol := evidence.ToolchainRefs{Refs: []evidence.ToolchainRef{{Runtime: "node", Version: "8", Path: ".travis.yml", Line: 6}, {Runtime: "node", Version: "22", Path: ".travis.yml", Line: 7}}}
	// At now (2025-02) node 22 has two years of support left, node 18
	// ends in April 2025, and node 30 is newer than the table.
	floorBesideUnlisted := evidence.ToolchainRefs{Refs: []evidence.ToolchainRef{{Runtime: "node", Version: "14", Path: "ci.yml", Line: 13}, {Runtime: "node", Version: "30", Path: "ci.yml", Line: 14}}}
	behindAsAWhole := evidence.ToolchainRefs{Refs: []evidence.ToolchainRef{{Runtime: "node", Version: "8", Path: ".travis.yml", Line: 6}, {Runtime: "node", Version: "18", Path: ".travis.yml", Line: 7}}}
	recentElsewhere := evidence.ToolchainRefs{Refs: []evidence.ToolchainRef{{Runtime: "node", Version: "8", Path: "Dockerfile", Line: 1}, {Runtime: "node", Version: "22", Path: "ci.yml", Line: 7}}}
	eolAlone := evidence.ToolchainRefs{Refs: []evidence.ToolchainRef{{Runtime: "python", Version: "3.7", Path: "ci.yml", Line: 9}}}
	twoMonths := evidence.ToolingBumps{Bumps: []evidence.ToolingBump{{Commit: "x", When: d(2024, 12, 3)}, {Commit: "y", When: d(2024, 8, 26)}}}
	oneMonth := evidence.ToolingBumps{Bumps: []evidence.ToolingBump{{Commit: "x", When: d(2024, 12, 3)}, {Commit: "y", When: d(2024, 12, 26)}}}
	for _, tc := range []struct {
		name string
		fn   func(*evidence.Set) []rule.Finding
		ev   *evidence.Set
		want []outcome
	}{
		{"bot covers actions", toolingUpdatedByBot, set(dependabot), []outcome{{rule.True, ""}}},
		{"bot covers only a package ecosystem", toolingUpdatedByBot, set(npmOnly), []outcome{{rule.False, rule.NoSignal}}},
		{"bumps in two months", toolingUpdatedInHistory, set(twoMonths), []outcome{{rule.True, ""}, {rule.True, ""}, {rule.True, ""}}},
		{"bumps in one month", toolingUpdatedInHistory, set(oneMonth), []outcome{{rule.False, rule.NoSignal}}},
		{"eol named", toolchainsSupported, set(eol), []outcome{{rule.False, rule.Violation}}},
		{"eol beside a recent line is a compatibility floor", toolchainsSupportedOrUpdated, set(eol, npmOnly, oneMonth), []outcome{{rule.True, ""}}},
		{"eol beside a line newer than the table", toolchainsSupportedOrUpdated, set(floorBesideUnlisted, oneMonth), []outcome{{rule.True, ""}}},
		{"eol beside a line near its own end and nothing updates", toolchainsSupportedOrUpdated, set(behindAsAWhole, npmOnly, oneMonth), []outcome{{rule.False, rule.Violation}}},
		{"eol with the recent line in another file", toolchainsSupportedOrUpdated, set(recentElsewhere, oneMonth), []outcome{{rule.False, rule.Violation}}},
		{"eol alone and nothing updates", toolchainsSupportedOrUpdated, set(eolAlone, oneMonth), []outcome{{rule.False, rule.Violation}}},
		{"eol but bumped", toolchainsSupportedOrUpdated, set(eol, twoMonths), []outcome{{rule.True, ""}}},
		{"eol but bot", toolchainsSupportedOrUpdated, set(eol, dependabot), []outcome{{rule.True, ""}}},
	} {
		got := outcomes(tc.fn(tc.ev))
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestBotHistoryRules(t *testing.T) {
	active := evidence.UpdateBotHistory{Bots: []evidence.BotActivity{{Account: "greenkeeper", Commits: 49, First: d(2015, 9, 25), Last: d(2017, 4, 18), Latest: "g"}}}
	capped := evidence.UpdateBotHistory{Scan: evidence.HistoryScan{Capped: true, Scanned: 20000, MaxCommits: 20000}}
	none := evidence.UpdateBotHistory{Scan: evidence.HistoryScan{Scanned: 900}}
	sec := evidence.UpdateBotHistory{SecurityUpdateCount: 1, SecurityUpdates: []evidence.BotCommit{{Commit: "s", Account: "dependabot[bot]", When: d(2021, 4, 6), Subject: "[Security] Bump urllib3", Why: "[Security]"}}}
	for _, tc := range []struct {
		name string
		fn   func(*evidence.Set) []rule.Finding
		ev   *evidence.Set
		want []outcome
	}{
		{"dormant bot still counts", updateBotActiveInHistory, set(active), []outcome{{rule.True, ""}}},
		{"none found", updateBotActiveInHistory, set(none), []outcome{{rule.False, rule.NoSignal}}},
		{"cap stopped the search", updateBotActiveInHistory, set(capped), []outcome{{rule.NotAvailable, ""}}},
		{"security update", securityUpdatesInHistory, set(sec), []outcome{{rule.True, ""}, {rule.True, ""}}},
		{"no security update", securityUpdatesInHistory, set(active), []outcome{{rule.False, rule.NoSignal}}},
		{"kept on purpose", vulnerabilitiesNotKeptOnPurpose, set(evidence.PurposeScan{Files: []string{"README.md"}}, evidence.VulnerableOnPurpose{Path: "README.md", Line: 11, Text: "damn vulnerable"}), []outcome{{rule.False, rule.Violation}}},
		{"security fixes ended", vulnerabilitiesNotKeptOnPurpose, set(evidence.PurposeScan{Files: []string{"SECURITY.md"}}, evidence.VulnerableOnPurpose{Path: "SECURITY.md", Line: 5, Text: "No version receives security fixes", Ended: true}), []outcome{{rule.False, rule.Violation}}},
		{"ordinary README", vulnerabilitiesNotKeptOnPurpose, set(evidence.PurposeScan{Files: []string{"README.md"}}), []outcome{{rule.True, ""}}},
	} {
		got := outcomes(tc.fn(tc.ev))
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestRulesLoad(t *testing.T) {
	if _, err := Rules(); err != nil {
		t.Fatal(err)
	}
}
