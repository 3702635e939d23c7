package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
)

// TestOpenHistory_Extensions: a format-1 repository whose extensions only
// concern worktrees or object retention (git sparse-checkout turns
// worktreeConfig on) still opens; one that stores references or objects
// differently (reftable, SHA-256) is refused with the reason.
func TestOpenHistory_Extensions(t *testing.T) {
	for _, tc := range []struct {
		name, extensions, wantErr string
	}{
		{"worktree config", "\tworktreeConfig = true\n", ""},
		{"partial clone and precious objects", "\tpartialclone = origin\n\tpreciousObjects = true\n", ""},
		{"reftable", "\tworktreeConfig = true\n\trefStorage = reftable\n", "refstorage"},
		{"sha256", "\tobjectFormat = sha256\n", "objectformat"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, wt, sig := stagedRepo(t)
			if _, err := wt.Commit("a", &git.CommitOptions{Author: sig}); err != nil {
				t.Fatal(err)
			}
			cfgPath := filepath.Join(dir, ".git", "config")
			data, err := os.ReadFile(cfgPath)
			if err != nil {
				t.Fatal(err)
			}
			cfg := strings.Replace(string(data), "repositoryformatversion = 0", "repositoryformatversion = 1", 1) + "[extensions]\n" + tc.extensions
			if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
				t.Fatal(err)
			}
			h, err := OpenHistory(dir)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("OpenHistory: %v", err)
			case tc.wantErr == "" && h.Head() == nil:
				t.Fatal("no HEAD commit read")
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("OpenHistory error = %v, want one naming %s", err, tc.wantErr)
			}
			if h != nil {
				_ = h.Close()
			}
		})
	}
}
