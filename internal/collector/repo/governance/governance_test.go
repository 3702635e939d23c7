package governance

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/source"
)

func collect(t *testing.T, files map[string]string) []string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tree, err := source.OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	recs, err := New().Collect(context.Background(), &collector.Input{Tree: tree})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, it := range evidence.Facts[evidence.RolesDocument](evidence.NewSet(recs...)) {
		out = append(out, fmt.Sprintf("%s %s:%d", it.Fact.What, it.Fact.Path, it.Fact.Line))
	}
	return out
}

// Fixtures written for these tests in the shape of the files real projects
// use to say who may change or release them.
func TestCollect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"codeowners_team", map[string]string{".github/CODEOWNERS": "# owners\n* @acme/everyone\n"}, []string{"code owners .github/CODEOWNERS:2"}},
		{"authors_with_maintainers_section", map[string]string{"AUTHORS": "Created By:\nAda Lovelace <ada@example.org>\n\nMaintained by:\nGrace Hopper        <grace@example.org>\n\nContributions by:\nAlan Turing <alan@example.org>\n"},
			[]string{"maintainers list AUTHORS:4"}},
		{"authors_markdown_maintainers_handles", map[string]string{"AUTHORS.md": "# Authors\n\n## Maintainers\n\n- @grace\n"}, []string{"maintainers list AUTHORS.md:3"}},
		{"authors_contributors_only", map[string]string{"AUTHORS": "Contributors:\nAda Lovelace <ada@example.org>\nAlan Turing <alan@example.org>\n"}, nil},
		{"authors_maintainers_label_without_people", map[string]string{"CREDITS.txt": "Maintainers\n\nsee the website\n"}, nil},
		{"codeowners_without_owners", map[string]string{"CODEOWNERS": "# nothing yet\n*.go\n"}, nil},
		{"incident_plan_roles", map[string]string{"INCIDENT_RESPONSE.md": "# Incident Response Plan\n\n## 1. Scope\n\nAll code.\n\n## 2. Roles & Contacts\n\n- **Incident Lead:** @lead\n"},
			[]string{"incident roles INCIDENT_RESPONSE.md:7"}},
		{"maintainers_page_in_site_sources", map[string]string{"www/content/resources/maintainers.md": "---\ntitle: \"Maintainers\"\nweight: 10\n---\n\nThe project is maintained by:\n"},
			[]string{"maintainers list www/content/resources/maintainers.md:6"}},
		{"collaborator_guide", map[string]string{"COLLABORATOR_GUIDE.md": "# Collaborator Guide\n\nAs a collaborator, you will have some administrative responsibilities.\n"},
			[]string{"collaborator guide COLLABORATOR_GUIDE.md:1"}},
		{"contributing_commit_access_and_releases", map[string]string{"CONTRIBUTING.md": "# Contributing\n\n## Becoming a Contributor\n\nIndividuals making significant contributions are given\ncommit-access to the project.\n\n## Releases\n\nDeclaring formal releases remains the prerogative of the project maintainer.\n"},
			[]string{"access rules CONTRIBUTING.md:6"}},
		{"contributing_release_steps_are_not_roles", map[string]string{".github/CONTRIBUTING.md": "## Releasing\n\n*This section is targeted at maintainers.*\n\nCreate a release PR, then a new release on GitHub.\n"}, nil},
		{"contributing_code_owner_comments_are_not_roles", map[string]string{"CONTRIBUTING.md": "Keep an eye out for comments from code owners.\nA Collaborator lands the pull request.\n"}, nil},
		{"release_process_is_not_roles", map[string]string{"ReleaseProcess.md": "# Release Process\n\nMake sure your settings contain the credentials.\n"}, nil},
		{"readme_committee_and_triagers", map[string]string{"Readme.md": "# Widget\n\n## Docs\n\nRead them.\n\n### TC (Technical Committee)\n\n* [alice](https://github.com/alice) - **Alice A**\n* [bob](https://github.com/bob) - **Bob B**\n\n### Triagers\n\n* [carol](https://github.com/carol)\n"},
			[]string{"team in README Readme.md:7"}},
		{"readme_maintainers_by_handle", map[string]string{"README.rst": "Widget\n======\n\nMaintainers\n-----------\n\n- @alice\n- @bob\n"},
			[]string{"team in README README.rst:4"}},
		{"readme_team_heading_lists_core_developers", map[string]string{"README.md": "# Widget\n\n## Team\n\nHere's a list of the core developers:\n\n* [Alice](https://github.com/alice) (author & head maintainer)\n* [Bob](https://github.com/bob)\n\n## Logo\n"},
			[]string{"team in README README.md:3"}},
		{"readme_team_heading_without_people", map[string]string{"README.md": "# Widget\n\n## Team\n\nWe are a small team of volunteers.\n"}, nil},
		{"readme_team_word_in_other_heading_is_not_roles", map[string]string{"README.md": "# Widget\n\n## Team workflows\n\n* [tool](https://github.com/tool)\n"}, nil},
		{"readme_contributors_are_not_roles", map[string]string{"README.md": "# Widget\n\n## Contributors\n\n* [alice](https://github.com/alice)\n"}, nil},
		{"readme_maintainers_heading_without_people", map[string]string{"README.md": "# Widget\n\n## Maintainers wanted\n\nWe are looking for help; open an issue.\n"}, nil},
		{"access_phrase_in_code_is_not_read", map[string]string{"CONTRIBUTING.md": "```\ngit config commit-access yes\n```\n"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, collect(t, tc.files)); diff != "" {
				t.Errorf("Collect() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
