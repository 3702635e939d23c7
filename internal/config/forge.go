package config

import (
	"strings"

	"github.com/assaysec/assay/internal/lazyre"
)

// Forge is the optional forge section: it opts the assessment into reading
// the repository's settings from the GitHub or GitLab API, and names the
// repository when the clone's remote does not. Tokens and API URLs are never
// read from here: the declaration lives in the scanned tree, and the tree
// must not choose where credentials are sent.
type Forge struct {
	// Online allows network sources, as --online does; --offline given
	// explicitly on the command line still wins.
	Online bool   `yaml:"online"`
	Repo   string `yaml:"repo"` // github.com/OWNER/NAME or gitlab.example.com/GROUP/PROJECT
	Type   string `yaml:"type"` // github or gitlab, for self-managed hosts whose name does not tell
	Pos    Pos    `yaml:"-"`
}

var forgeRepoPattern = lazyre.New(`^[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9_.][A-Za-z0-9_.-]*){2,20}$`)

func (f Forge) validate(add func(p Pos, field, format string, args ...any)) {
	switch f.Type {
	case "", "github", "gitlab":
	default:
		add(f.Pos, "forge.type", "want github or gitlab; got %q", f.Type)
	}
	if f.Repo != "" {
		r := strings.TrimSuffix(strings.TrimPrefix(f.Repo, "https://"), ".git")
		if !forgeRepoPattern.MatchString(r) || strings.Contains(r, "/../") || strings.HasSuffix(r, "/..") {
			add(f.Pos, "forge.repo", "want HOST/OWNER/NAME such as github.com/acme/widget or gitlab.example.com/group/project; got %q", f.Repo)
		}
	}
}
