package support

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
	lifecyclerules "github.com/assaysec/assay/internal/rule/lifecycle"
	"github.com/assaysec/assay/internal/source"
)

var now = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

type step struct {
	when  time.Time
	files map[string]string
	msg   string
}

// botAuthors maps a commit message to the update bot that authored it, for
// the tests that need one; other commits are a human developer's.
var botAuthors = map[string]*object.Signature{
	"chore(deps): bump golang.org/x/net from 0.1.0 to 0.33.0\n\nFixes CVE-2024-45338.": {Name: "dependabot[bot]", Email: "49699333+dependabot[bot]@users.noreply.github.com"},
}

// buildRepo commits each step's files at its date, with go-git.
func buildRepo(t *testing.T, steps []step) string {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		for name, content := range s.files {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := wt.Add(name); err != nil {
				t.Fatal(err)
			}
		}
		sig := &object.Signature{Name: "Dev", Email: "dev@example.com", When: s.when}
		author := sig
		if b, ok := botAuthors[s.msg]; ok {
			author = &object.Signature{Name: b.Name, Email: b.Email, When: s.when}
		}
		if _, err := wt.Commit(s.msg, &git.CommitOptions{Author: author, Committer: sig}); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func collect(t *testing.T, dir string) *evidence.Set {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "assay.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("assay.yaml", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := source.OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tree.Close() })
	hist, err := source.OpenHistory(dir)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := New(cfg).Collect(context.Background(), &collector.Input{Tree: tree, History: hist, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return evidence.NewSet(recs...)
}

func run(t *testing.T, ev *evidence.Set, id string) []rule.Finding {
	t.Helper()
	rs, err := lifecyclerules.Rules()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Meta().ID == id {
			return r.Evaluate(ev)
		}
	}
	t.Fatalf("no rule %s", id)
	return nil
}

func date(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t.Add(12 * time.Hour)
}

// TestNoticeFromGitHistory: the 1.x end date is committed 200 days before
// it (not met), the 2.x end date 400 days before it (met). Later commits
// that keep the dates do not move the announcement.
func TestNoticeFromGitHistory(t *testing.T) {
	v1 := "product: Demo\nrelease_lines:\n  - version: \"1.x\"\n    end_of_security_support: \"2025-07-20\"\n"
	v2 := v1 + "  - version: \"2.x\"\n    end_of_security_support: \"2026-03-08\"\n"
	v3 := v2 + "  - version: \"3.x\"\n"
	dir := buildRepo(t, []step{
		{date("2024-12-01"), map[string]string{"README.md": "demo\n"}, "start"},
		{date("2025-01-01"), map[string]string{"assay.yaml": v1}, "announce 1.x end of support"},
		{date("2025-02-01"), map[string]string{"assay.yaml": v2}, "announce 2.x end of support"},
		{date("2025-06-01"), map[string]string{"README.md": "demo 2\n"}, "fix the parser"},
		{date("2025-07-01"), map[string]string{"assay.yaml": v3}, "add 3.x"},
	})
	fs := run(t, collect(t, dir), "endOfSupportNoticeAtLeastOneYear")
	type got struct {
		Outcome rule.Outcome
		Days    string
		Line    int
	}
	var gots []got
	for _, f := range fs {
		gots = append(gots, got{f.Outcome, f.Values["noticeDays"], f.Location.Line})
	}
	want := []got{{rule.False, "200", 3}, {rule.True, "400", 5}, {rule.False, "", 7}}
	if diff := cmp.Diff(want, gots); diff != "" {
		t.Errorf("findings (-want +got):\n%s\n%v", diff, fs)
	}
	if fs[0].Location.Commit == "" {
		t.Error("the 1.x finding does not name the announcing commit")
	}
}

func TestDeclaredAnnouncementWins(t *testing.T) {
	y := "product: Demo\nrelease_lines:\n  - version: \"1.x\"\n    announced: \"2024-01-01\"\n    end_of_security_support: \"2025-07-20\"\n"
	dir := buildRepo(t, []step{{date("2025-01-01"), map[string]string{"assay.yaml": y}, "lifecycle"}})
	fs := run(t, collect(t, dir), "endOfSupportNoticeAtLeastOneYear")
	if len(fs) != 1 || fs[0].Outcome != rule.True || fs[0].Values["noticeDays"] != "566" {
		t.Errorf("%+v", fs)
	}
}

func TestDocumentsAndOpenEoX(t *testing.T) {
	y := "product: Demo\nsupport:\n  user_docs: [docs/hardening.md]\n  incident_plan: docs/incident-plan.md\n  update_policy: SUPPORT.md\n"
	dir := buildRepo(t, []step{{date("2025-01-01"), map[string]string{
		"assay.yaml":            y,
		".openeox.json":         `{"$schema":"https://docs.oasis-open.org/openeox/tbd/schema/core.json","end_of_life":"2030-01-01T00:00:00Z","end_of_security_support":"2030-01-01T00:00:00Z","last_updated":"2025-05-18T12:32:00Z"}`,
		"docs/hardening.md":     "# Hardening\n\nUpgrade with the package manager.\nEnable MFA for admins.\nTake backups nightly.\n",
		"docs/incident-plan.md": "# Incident plan\n\nRoles: the incident commander leads.\nContact security@example.com.\nWe notify customers by e-mail.\nA post-incident review follows.\n",
		"SUPPORT.md":            "We release monthly. Upgrade by installing the new version.\n",
	}, "docs"}})
	ev := collect(t, dir)
	docs := run(t, ev, "userDocsCoverSecureUse")
	if len(docs) != 1 || docs[0].Outcome != rule.False || docs[0].Message != "docs/hardening.md covers updates (docs/hardening.md:3), MFA (docs/hardening.md:4), backups (docs/hardening.md:5); missing least privilege, exposed ports" {
		t.Errorf("user docs: %+v", docs)
	}
	if f := run(t, ev, "incidentPlanPublished"); len(f) != 1 || f[0].Outcome != rule.True {
		t.Errorf("incident plan: %+v", f)
	}
	if f := run(t, ev, "updatePolicyPublished"); f[len(f)-1].Outcome != rule.True {
		t.Errorf("update policy: %+v", f)
	}
	eox := run(t, ev, "endOfSupportNoticeAtLeastOneYear")
	if len(eox) != 1 || eox[0].Outcome != rule.True || eox[0].Location.Path != ".openeox.json" {
		t.Errorf("openeox: %+v", eox)
	}
}

// Fixtures in the shape of the release documents projects keep: a
// versioning note tied to another project's schedule, an upgrade guide, and
// a release checklist whose only cadence word is in example code.
func TestUpdateDocumentsByConvention(t *testing.T) {
	versioning := "==============\nVersioning\n==============\n\nRelease schedule\n================\n\n" +
		"The bindings follow the same `release schedule`_ as the main library, with new\nreleases usually tagged at the same time.\n"
	upgrading := "Upgrade Guide\n=============\n\n6.0 to 7.0\n----------\n\nThe minimum supported runtime is now 7.2.\n"
	releasing := "# Releasing\n\n```\n# cron: weekly\nmake release\n```\n"
	tests := []struct {
		name    string
		files   map[string]string
		outcome rule.Outcome
		msg     string
	}{
		{"versioning_states_a_schedule", map[string]string{"VERSIONING.rst": versioning}, rule.True,
			"VERSIONING.rst covers frequency (VERSIONING.rst:5), how updates are applied (VERSIONING.rst:1)"},
		{"upgrade_guide_alone_states_no_frequency", map[string]string{"UPGRADING.md": upgrading}, rule.False,
			"UPGRADING.md covers how updates are applied (UPGRADING.md:1); missing frequency"},
		// A release policy under docs/ with a spelled-out cadence.
		{"release_policy_spelled_cadence", map[string]string{"docs/release-policy.md": "# Release Policy\n\nThere are major releases about every six months.\n"}, rule.True,
			"docs/release-policy.md covers frequency (docs/release-policy.md:3), how updates are applied (docs/release-policy.md:1)"},
		{"release_process_cadence_range", map[string]string{"docs/RELEASING.md": "# Releasing\n\nWe aim to release whatever is on main every 1-2 months.\n"}, rule.True,
			"docs/RELEASING.md covers frequency (docs/RELEASING.md:3), how updates are applied (docs/RELEASING.md:1)"},
		{"cadence_in_code_is_not_stated", map[string]string{"docs/RELEASING.md": releasing}, rule.False,
			"docs/RELEASING.md covers how updates are applied (docs/RELEASING.md:1); missing frequency"},
		// A release checklist step that runs a CI job named for its
		// schedule states no release cadence (rustls' RELEASING.md).
		{"scheduled_ci_job_is_no_release_cadence", map[string]string{"RELEASING.md": "## Before making a release\n\n1. Run `cargo update`.\n2. Run the daily-tests CI workflow to check for unfixed regressions.\n"}, rule.False,
			"RELEASING.md covers how updates are applied (RELEASING.md:1); missing frequency"},
		// A cadence the document denies is none (client_golang's
		// RELEASE.md); one stated after the denial's clause still counts.
		{"denied_schedule_is_no_frequency", map[string]string{"RELEASE.md": "# Release\n\nThe library does not follow a strict release schedule. Releases are made based on necessity.\n"}, rule.False,
			"RELEASE.md covers how updates are applied (RELEASE.md:1); missing frequency"},
		{"cadence_after_a_denial", map[string]string{"RELEASE.md": "# Release\n\nThere is no fixed release schedule, but we usually release every two weeks.\n"}, rule.True,
			"RELEASE.md covers frequency (RELEASE.md:3), how updates are applied (RELEASE.md:1)"},
		// Release notes are the changelog: an entry about a bot's schedule
		// is no update policy, so no document is found (fastapi's
		// docs/release-notes.md).
		{"release_notes_are_no_policy", map[string]string{"docs/release-notes.md": "# Release Notes\n\n* Set Dependabot schedule interval to \"monthly\".\n* Upgrade latest-changes to 0.7.1.\n"}, rule.False,
			"no update policy found (support.update_policy, SUPPORT.md, UPDATING.md, VERSIONING*, RELEASING*, UPGRADING*, MIGRATION*)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"assay.yaml": "product: Demo\n"}
			for k, v := range tc.files {
				files[k] = v
			}
			ev := collect(t, buildRepo(t, []step{{date("2025-01-01"), files, "docs"}}))
			f := run(t, ev, "updatePolicyPublished")
			if len(f) != 1 || f[0].Outcome != tc.outcome || f[0].Message != tc.msg {
				t.Errorf("updatePolicyPublished = %+v, want %s %q", f, tc.outcome, tc.msg)
			}
		})
	}
}

// With nothing declared, an end-of-life table in the README (in the shape
// projects write it) gives the release lines, and a dateless support rule in
// SECURITY.md is reported as such.
func TestReleaseLinesFromDocuments(t *testing.T) {
	readme := "# Client\n\n## Version Guidance\n\n| Version | Status | Docs |\n|---|---|---|\n| 5.x | EOL (2019-10-31) | v5 |\n| 6.x | EOL (2023-10-31) | v6 |\n| 7.x | Latest | v7 |\n"
	dir := buildRepo(t, []step{{date("2023-01-01"), map[string]string{"assay.yaml": "product: Demo\n", "README.md": readme}, "readme"}})
	ev := collect(t, dir)
	var got []string
	for _, f := range run(t, ev, "releaseLinesHaveEndDates") {
		got = append(got, string(f.Outcome)+" "+f.Location.Path+":"+fmt.Sprint(f.Location.Line))
	}
	want := []string{"true README.md:7", "true README.md:8", "true README.md:9"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("releaseLinesHaveEndDates (-want +got):\n%s", diff)
	}
	// The support table of a release-process document (RELEASES.md), with
	// linked versions, a line ended without a date and a month-only date.
	releases := "# Releases\n\n| Release | Status | Start | End of Life |\n|---|---|---|---|\n" +
		"| [0.1](https://example.com/v0.1.0) | End of Life | Mar 21, 2016 | - |\n| [1.7](https://example.com/v1.7.3) | LTS | March 10, 2023 | September 2026* |\n"
	dir = buildRepo(t, []step{{date("2023-01-01"), map[string]string{"assay.yaml": "product: Demo\n", "RELEASES.md": releases}, "releases"}})
	got = nil
	for _, f := range run(t, collect(t, dir), "releaseLinesHaveEndDates") {
		got = append(got, string(f.Outcome)+" "+f.Location.Path+":"+fmt.Sprint(f.Location.Line))
	}
	if diff := cmp.Diff([]string{"true RELEASES.md:6", "true RELEASES.md:5"}, got); diff != "" {
		t.Errorf("releaseLinesHaveEndDates from RELEASES.md (-want +got):\n%s", diff)
	}
	// A documentation site's own security folder.
	security := "Security\n========\n\n## Supported Versions\n\n| Version | Supported | Notes |\n| --- | --- | --- |\n| 5.x | ✅ | current |\n| 3.x | ❌ Ended 2021-12-31 | old |\n"
	dir = buildRepo(t, []step{{date("2023-01-01"), map[string]string{"assay.yaml": "product: Demo\n", "docs/security/security.md": security}, "security"}})
	got = nil
	for _, f := range run(t, collect(t, dir), "releaseLinesHaveEndDates") {
		got = append(got, string(f.Outcome)+" "+f.Location.Path+":"+fmt.Sprint(f.Location.Line))
	}
	if diff := cmp.Diff([]string{"true docs/security/security.md:8", "true docs/security/security.md:9"}, got); diff != "" {
		t.Errorf("releaseLinesHaveEndDates from docs/security/security.md (-want +got):\n%s", diff)
	}
	// An LTS page in a documentation section (docs/Reference/LTS.md).
	lts := "## Long Term Support\n\n### Schedule\n\n| Version | Release Date | End Of LTS Date |\n| :------ | :----------- | :-------------- |\n| 4.0.0   | 2022-06-08   | 2025-06-30      |\n| 5.0.0   | 2024-09-17   | TBD             |\n"
	dir = buildRepo(t, []step{{date("2023-01-01"), map[string]string{"assay.yaml": "product: Demo\n", "docs/Reference/LTS.md": lts}, "lts"}})
	got = nil
	for _, f := range run(t, collect(t, dir), "releaseLinesHaveEndDates") {
		got = append(got, string(f.Outcome)+" "+f.Location.Path+":"+fmt.Sprint(f.Location.Line))
	}
	if len(got) == 0 || !strings.HasPrefix(got[0], "true docs/Reference/LTS.md:") {
		t.Errorf("releaseLinesHaveEndDates from docs/Reference/LTS.md = %v, want lines from it", got)
	}
	// A qualified release-process name (docs/release-policy.md).
	policy := "# Release Policy\n\n| Version | First Release | Status | End of Life |\n| --- | --- | --- | --- |\n| 15.x | 2026-05-29 | current | - |\n| 14.x | 2025-05-18 | maintenance | 2027-05-29 |\n"
	dir = buildRepo(t, []step{{date("2023-01-01"), map[string]string{"assay.yaml": "product: Demo\n", "docs/release-policy.md": policy}, "policy"}})
	got = nil
	for _, f := range run(t, collect(t, dir), "releaseLinesHaveEndDates") {
		got = append(got, string(f.Outcome)+" "+f.Location.Path+":"+fmt.Sprint(f.Location.Line))
	}
	if diff := cmp.Diff([]string{"true docs/release-policy.md:5", "true docs/release-policy.md:6"}, got); diff != "" {
		t.Errorf("releaseLinesHaveEndDates from docs/release-policy.md (-want +got):\n%s", diff)
	}
	dir = buildRepo(t, []step{{date("2023-01-01"), map[string]string{"assay.yaml": "product: Demo\n", "SECURITY.md": "## Supported Versions\n\nOnly the last stable version at any given point.\n"}, "policy"}})
	f := run(t, collect(t, dir), "releaseLinesHaveEndDates")
	if len(f) != 1 || f[0].Outcome != rule.False || f[0].Location.Path != "SECURITY.md" || f[0].Location.Line != 3 {
		t.Errorf("support rule only: %+v", f)
	}
}
