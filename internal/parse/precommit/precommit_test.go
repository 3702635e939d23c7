package precommit

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
)

func TestParse(t *testing.T) {
	got, err := Parse(".pre-commit-config.yaml", []byte("ci:\n  autoupdate_schedule: monthly\nrepos:\n  - repo: https://github.com/psf/black\n    rev: 24.1.0\n    hooks: [{id: black}]\n  - repo: local\n    hooks: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := evidence.PreCommit{Path: ".pre-commit-config.yaml", CIBlock: true, AutoUpdate: true,
		Repos: []evidence.PreCommitRepo{{Repo: "https://github.com/psf/black", Rev: "24.1.0", Line: 4}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := Parse("p.yaml", []byte("- a\n")); err == nil {
		t.Error("want error")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("repos:\n  - repo: x\n    rev: v1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Parse(".pre-commit-config.yaml", data)
	})
}
