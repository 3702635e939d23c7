package dependabot

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/testutil/golden"
)

func TestParse(t *testing.T) {
	cfg, err := Parse(".github/dependabot.yml", []byte("version: 2\nupdates:\n  - package-ecosystem: gomod\n    directory: /\n    schedule: {interval: weekly}\n  - package-ecosystem: docker\n    directories: [/a, /b/*]\n    open-pull-requests-limit: 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Updates[0].Ecosystem != "gomod" || cfg.Updates[0].Line != 3 || cfg.Updates[0].Schedule != "weekly" {
		t.Errorf("first = %+v", cfg.Updates[0])
	}
	if diff := cmp.Diff([]string{"/a", "/b/*"}, cfg.Updates[1].Directories); diff != "" || !cfg.Updates[1].Disabled {
		t.Errorf("second = %+v", cfg.Updates[1])
	}
	for _, bad := range []string{"version: 1\nupdates: []\n", "version: 2\n", "- x\n", "version: 2\nupdates:\n  - directory: /\n"} {
		if _, err := Parse("d.yml", []byte(bad)); err == nil {
			t.Errorf("want error for %q", bad)
		}
	}
}

// TestCorpus summarises every real Dependabot configuration into a golden
// file; the two .invalid.yml samples are still valid for what Assay reads
// (they break schedule rules Assay does not check).
func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob("../../../../shared/corpus/repo-config/dependabot/*.yml")
	more, _ := filepath.Glob("../../../../shared/corpus/repo-config/dependabot/zizmor-samples/*/*.yml")
	more2, _ := filepath.Glob("../../../../shared/corpus/repo-config/dependabot/zizmor-samples/*.yml")
	files = append(append(files, more...), more2...)
	if len(files) == 0 {
		t.Skip("shared corpus not present")
	}
	var b strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := Parse(f, data)
		name := strings.TrimPrefix(f, "../../../../shared/corpus/repo-config/dependabot/")
		if err != nil {
			fmt.Fprintf(&b, "%s: error %v\n", name, err)
			continue
		}
		var ecos []string
		for _, u := range cfg.Updates {
			ecos = append(ecos, fmt.Sprintf("%s%v@%d", u.Ecosystem, u.Directories, u.Line))
		}
		fmt.Fprintf(&b, "%s: %s\n", name, strings.Join(ecos, " "))
	}
	golden.Check(t, filepath.Join("testdata", "corpus.golden"), []byte(b.String()))
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Parse("dependabot.yml", data)
	})
}
