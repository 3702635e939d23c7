package updatebot

import "testing"

func TestAccount(t *testing.T) {
	for _, tc := range []struct{ name, email, want string }{
		{"dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", "dependabot[bot]"},
		{"dependabot-preview[bot]", "27856297+dependabot-preview[bot]@users.noreply.github.com", "dependabot[bot]"},
		{"greenkeeper[bot]", "support@greenkeeper.io", "greenkeeper"},
		{"greenkeeperio-bot", "greenkeeperio-bot@users.noreply.github.com", "greenkeeper"},
		{"pre-commit-ci[bot]", "66853113+pre-commit-ci[bot]@users.noreply.github.com", "pre-commit-ci[bot]"},
		{"Ann Snykowski", "ann.snyk@example.com", ""},
		{"github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com", ""},
	} {
		if got := Account(tc.name, tc.email); got != tc.want {
			t.Errorf("Account(%q, %q) = %q; want %q", tc.name, tc.email, got, tc.want)
		}
	}
}
