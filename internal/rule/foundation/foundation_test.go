package foundation

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

func rec(f evidence.Fact) evidence.Record { return evidence.Record{Fact: f} }

func outcomes(fs []rule.Finding) []rule.Outcome {
	var out []rule.Outcome
	for _, f := range fs {
		out = append(out, f.Outcome)
	}
	return out
}

func TestRules(t *testing.T) {
	t.Parallel()
	tags := evidence.Tags{Tags: []evidence.TagInfo{{Name: "v1.2.0", Release: true, Date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}, {Name: "nightly"}}}
	tests := []struct {
		name string
		fn   func(*evidence.Set) []rule.Finding
		ev   []evidence.Record
		want []rule.Outcome
	}{
		{"vcs_present", repositoryUnderVersionControl, []evidence.Record{rec(evidence.VCS{Present: true, Head: "abc", Branch: "main"})}, []rule.Outcome{rule.True}},
		{"vcs_absent_is_not_observable", repositoryUnderVersionControl, []evidence.Record{rec(evidence.VCS{Reason: "no .git"})}, []rule.Outcome{rule.NotAvailable}},
		{"vcs_no_commits", repositoryUnderVersionControl, []evidence.Record{rec(evidence.VCS{Present: true})}, []rule.Outcome{rule.False}},
		{"vcs_not_examined", repositoryUnderVersionControl, nil, []rule.Outcome{rule.NotAvailable}},
		{"lock_committed", lockfilesCommitted, []evidence.Record{rec(evidence.Manifest{Path: "go.mod", LockNeeded: true, Lockfiles: []string{"go.sum"}, TrackingKnown: true})}, []rule.Outcome{rule.True}},
		{"lock_present_without_git", lockfilesCommitted, []evidence.Record{rec(evidence.Manifest{Path: "go.mod", LockNeeded: true, Lockfiles: []string{"go.sum"}})}, []rule.Outcome{rule.True}},
		{"lock_missing", lockfilesCommitted, []evidence.Record{rec(evidence.Manifest{Path: "package.json", LockNeeded: true})}, []rule.Outcome{rule.False}},
		{"lock_untracked", lockfilesCommitted, []evidence.Record{rec(evidence.Manifest{Path: "Cargo.toml", LockNeeded: true, Lockfiles: []string{"Cargo.lock"}, Untracked: []string{"Cargo.lock"}, TrackingKnown: true})}, []rule.Outcome{rule.False}},
		{"lock_not_needed", lockfilesCommitted, []evidence.Record{rec(evidence.Manifest{Path: "pom.xml", Note: "Maven has no lockfile"})}, []rule.Outcome{rule.NotApplicable}},
		{"go_mod_without_requirements_is_locked", lockfilesCommitted, []evidence.Record{rec(evidence.Manifest{Path: "go.mod", NoDependencies: true, Note: "go.mod requires no modules"})}, []rule.Outcome{rule.True}},
		{"exact_maven_is_locked", lockfilesCommitted, []evidence.Record{rec(evidence.Manifest{Path: "pom.xml", Manager: "maven", Exact: true, Note: "Maven has no lockfile"})}, []rule.Outcome{rule.True}},
		{"maven_range_is_not_locked", lockfilesCommitted, []evidence.Record{rec(evidence.Manifest{Path: "pom.xml", Manager: "maven", Range: "LATEST", RangeLine: 9})}, []rule.Outcome{rule.False}},
		{"example_manifest_is_listed_apart", lockfilesCommitted, []evidence.Record{rec(evidence.Manifest{Path: "examples/a/package.json", LockNeeded: true, OutOfScope: "example code under examples/ (default)"})}, []rule.Outcome{rule.NotApplicable}},
		{"lock_one_per_manifest", lockfilesCommitted, []evidence.Record{rec(evidence.Manifest{Path: "go.mod", LockNeeded: true, Lockfiles: []string{"go.sum"}}), rec(evidence.Manifest{Path: "web/package.json", LockNeeded: true})}, []rule.Outcome{rule.True, rule.False}},
		{"no_manifests", lockfilesCommitted, nil, []rule.Outcome{rule.NotApplicable}},
		{"tags_release", releasesAreTagged, []evidence.Record{rec(evidence.VCS{Present: true}), rec(tags)}, []rule.Outcome{rule.True}},
		{"tags_none", releasesAreTagged, []evidence.Record{rec(evidence.VCS{Present: true}), rec(evidence.Tags{})}, []rule.Outcome{rule.NotApplicable}},
		{"tags_no_git", releasesAreTagged, []evidence.Record{rec(evidence.VCS{})}, []rule.Outcome{rule.NotAvailable}},
		{"tree_clean", treeIsWellFormed, nil, []rule.Outcome{rule.True}},
		{"tree_oddities", treeIsWellFormed, []evidence.Record{rec(evidence.TreeOddity{Problem: "special_file", Path: "fifo"}), rec(evidence.TreeOddity{Problem: "symlink_outside_tree", Path: "l"})}, []rule.Outcome{rule.False, rule.False}},
		{"parse_problem", filesAreParseable, []evidence.Record{rec(evidence.ParseProblem{Path: "a.yml", Line: 3, Format: "YAML", Error: "bad"})}, []rule.Outcome{rule.False}},
		{"parse_clean", filesAreParseable, nil, []rule.Outcome{rule.True}},
		{"roles_documented", buildRolesDocumented, []evidence.Record{rec(evidence.RolesDocument{Path: ".github/CODEOWNERS", Line: 1, What: evidence.RolesCodeOwners, Excerpt: "* @acme/team"})}, []rule.Outcome{rule.True}},
		{"roles_absent", buildRolesDocumented, nil, []rule.Outcome{rule.False}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := tc.fn(evidence.NewSet(tc.ev...))
			if diff := cmp.Diff(tc.want, outcomes(got)); diff != "" {
				t.Errorf("outcomes mismatch (-want +got):\n%s\nfindings: %+v", diff, got)
			}
			for _, f := range got {
				if f.Message == "" {
					t.Errorf("finding without a message: %+v", f)
				}
			}
		})
	}
}

func TestRules_MetadataComplete(t *testing.T) {
	rs, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 6 {
		t.Errorf("got %d rules, want 6", len(rs))
	}
}
