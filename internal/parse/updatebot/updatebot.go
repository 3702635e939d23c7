// Package updatebot recognises commits authored by dependency-update bots
// (Dependabot, Renovate, Snyk, pre-commit.ci and others) from the author's name or
// e-mail address, so collectors reading history tell a bot's dependency bump
// from a person's change.
package updatebot

import (
	"strings"

	"github.com/assaysec/assay/internal/lazyre"
)

// botLogins and botEmails map exact GitHub app logins and known bot e-mail addresses
// to an account name. Matching is exact: "snyk" inside a person's name is
// not the Snyk bot.
var (
	botLogins = map[string]string{
		"dependabot[bot]": "dependabot[bot]", "dependabot-preview[bot]": "dependabot[bot]",
		"renovate[bot]": "renovate[bot]", "renovate-bot": "renovate[bot]",
		"greenkeeper[bot]": "greenkeeper", "greenkeeperio-bot": "greenkeeper",
		"snyk-bot": "snyk-bot", "pre-commit-ci[bot]": "pre-commit-ci[bot]",
		"depfu[bot]": "depfu[bot]", "pyup-bot": "pyup-bot", "scala-steward": "scala-steward",
	}
	botEmails = map[string]string{
		"support@greenkeeper.io": "greenkeeper", "support@dependabot.com": "dependabot[bot]",
		"bot@renovateapp.com": "renovate[bot]", "snyk-bot@snyk.io": "snyk-bot", "github-bot@pyup.io": "pyup-bot",
	}
	noreply = lazyre.New(`^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$`)
)

// Account returns the update-bot account that authored a commit, or "".
func Account(name, email string) string {
	email = strings.ToLower(strings.TrimSpace(email))
	if a, ok := botEmails[email]; ok {
		return a
	}
	if m := noreply.FindStringSubmatch(email); m != nil {
		if a, ok := botLogins[m[1]]; ok {
			return a
		}
	}
	if a, ok := botLogins[strings.ToLower(strings.TrimSpace(name))]; ok {
		return a
	}
	return ""
}
