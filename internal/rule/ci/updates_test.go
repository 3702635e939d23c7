package ci

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
	"github.com/assaysec/assay/internal/scope"
)

func TestUpdateAutomationCoversEcosystems(t *testing.T) {
	t.Parallel()
	dependabot := func(entries ...evidence.UpdateEntry) evidence.UpdateConfig {
		return evidence.UpdateConfig{Path: ".github/dependabot.yml", Tool: "dependabot", Updates: entries, Line: 2}
	}
	root := func(eco string, dirs ...string) evidence.UpdateEntry {
		if len(dirs) == 0 {
			dirs = []string{"/"}
		}
		return evidence.UpdateEntry{Ecosystem: eco, Directories: dirs, Line: 3}
	}
	type ans struct {
		Outcome  rule.Outcome
		Negative rule.Negative
		Path     string
	}
	tests := []struct {
		name string
		ev   []evidence.Fact
		want []ans
	}{
		{
			name: "maven_parent_covers_its_modules",
			ev: []evidence.Fact{
				evidence.Manifest{Path: "pom.xml", Ecosystem: "Maven", Manager: "maven", Members: []string{"core", "extras"}},
				evidence.Manifest{Path: "core/pom.xml", Ecosystem: "Maven", Manager: "maven"},
				evidence.Manifest{Path: "extras/pom.xml", Ecosystem: "Maven", Manager: "maven"},
				dependabot(root("maven")),
			},
			want: []ans{{rule.True, "", ".github/dependabot.yml"}, {rule.True, "", ".github/dependabot.yml"}, {rule.True, "", ".github/dependabot.yml"}},
		},
		{
			name: "cargo_workspace_glob_members_and_missing_entry",
			ev: []evidence.Fact{
				evidence.Manifest{Path: "Cargo.toml", Ecosystem: "crates.io", LockNeeded: true, Members: []string{"axle", "axle-*"}},
				evidence.Manifest{Path: "axle-core/Cargo.toml", Ecosystem: "crates.io", LockNeeded: true},
				evidence.Manifest{Path: "examples/Cargo.toml", Ecosystem: "crates.io", LockNeeded: true, OutOfScope: "example code under examples/ (default)"},
				dependabot(root("github-actions")),
			},
			want: []ans{{rule.NotApplicable, "", ""}, {rule.False, rule.Violation, "Cargo.toml"}, {rule.False, rule.Violation, "axle-core/Cargo.toml"}},
		},
		{
			name: "npm_workspace_root_entry",
			ev: []evidence.Fact{
				evidence.Manifest{Path: "package.json", Ecosystem: "npm", LockNeeded: true, Members: []string{"packages/*"}},
				evidence.Manifest{Path: "packages/ui/package.json", Ecosystem: "npm", LockNeeded: true},
				dependabot(root("npm")),
			},
			want: []ans{{rule.True, "", ".github/dependabot.yml"}, {rule.True, "", ".github/dependabot.yml"}},
		},
		{
			name: "directories_glob",
			ev: []evidence.Fact{
				evidence.Manifest{Path: "services/api/go.mod", Ecosystem: "Go", LockNeeded: true},
				dependabot(root("gomod", "/**")),
			},
			want: []ans{{rule.True, "", ".github/dependabot.yml"}},
		},
		{
			name: "renovate_shared_preset_covers_default_managers",
			ev: []evidence.Fact{
				evidence.Manifest{Path: "composer.json", Ecosystem: "Packagist", LockNeeded: true},
				evidence.Dockerfile{Path: "Dockerfile", From: []evidence.DockerFrom{{Line: 1}}},
				evidence.UpdateConfig{Path: "renovate.json", Tool: "renovate", Extends: []string{"local>acme/renovate-config"}, Line: 1},
			},
			want: []ans{{rule.True, "", "renovate.json"}, {rule.True, "", "renovate.json"}},
		},
		{
			name: "renovate_ignore_paths_leave_a_product_manifest_out",
			ev: []evidence.Fact{
				evidence.Manifest{Path: "services/api/package.json", Ecosystem: "npm", LockNeeded: true},
				evidence.UpdateConfig{Path: "renovate.json", Tool: "renovate", Extends: []string{"config:recommended"}, IgnorePaths: []string{"services/**"}, Line: 1},
			},
			want: []ans{{rule.False, rule.Violation, "services/api/package.json"}},
		},
		{
			name: "no_configuration_is_an_absence",
			ev: []evidence.Fact{
				evidence.Manifest{Path: "package.json", Ecosystem: "npm", LockNeeded: true},
			},
			want: []ans{{rule.False, rule.NoSignal, "package.json"}},
		},
		{
			name: "uncovered_actions_are_tooling",
			ev: []evidence.Fact{
				evidence.Manifest{Path: "go.mod", Ecosystem: "Go", LockNeeded: true},
				evidence.CIPipeline{Path: ".github/workflows/ci.yml", System: evidence.CIGitHubActions, Jobs: []evidence.CIJob{{Steps: []evidence.CIStep{{Uses: "actions/checkout@v4"}}}}},
				dependabot(root("gomod")),
			},
			want: []ans{{rule.True, "", ".github/dependabot.yml"}, {rule.False, rule.NoSignal, ".github/workflows/ci.yml"}},
		},
		{
			name: "docs_site_dockerfile_and_empty_go_mod_need_nothing",
			ev: []evidence.Fact{
				evidence.ProductScope{Scope: *scope.New(nil, nil)},
				evidence.Manifest{Path: "go.mod", Ecosystem: "Go", NoDependencies: true},
				evidence.Dockerfile{Path: "www/Dockerfile", From: []evidence.DockerFrom{{Line: 1}}},
			},
			want: []ans{{rule.NotApplicable, "", ""}, {rule.NotApplicable, "", ""}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ev := evidence.NewSet()
			for _, f := range tc.ev {
				ev.Add(evidence.Record{Fact: f})
			}
			var got []ans
			for _, f := range updateAutomationCoversEcosystems(ev) {
				a := ans{Outcome: f.Outcome, Path: f.Location.Path}
				if f.Outcome == rule.False {
					a.Negative = f.Negative
				}
				got = append(got, a)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
