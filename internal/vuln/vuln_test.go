package vuln

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/source"
)

func TestPoliciesAndVEX(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"SECURITY.md":               "# Security\n\nReport issues privately.\n\nWe fix critical vulnerabilities within 7 days of confirmation.\n",
		"vex/app.openvex.json":      `{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-1"},"status":"fixed"}]}`,
		"vex/broken.json":           `{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-1"},"status":"maybe"}]}`,
		"testdata/vex/ignored.json": `{"@context":"https://openvex.dev/ns/v0.2.0","statements":[]}`,
		"docs/notes.json":           `{"@context":"https://openvex.dev/ns/v0.2.0","statements":[]}`,
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tree, err := source.OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	cfg := &config.Config{File: "assay.yaml", RemediationTargets: config.RemediationTargets{High: "21d", Pos: config.Pos{Line: 9}}}
	pols := Policies(tree, cfg)
	if len(pols) < 2 {
		t.Fatalf("policies = %+v, want assay.yaml and SECURITY.md", pols)
	}
	if pols[0].Targets["high"] != 21 || pols[0].Targets["critical"] != 14 || pols[0].Line != 9 {
		t.Errorf("declared targets = %+v", pols[0])
	}
	if pols[1].Source != "SECURITY.md" || pols[1].Line != 5 {
		t.Errorf("written policy = %+v, want SECURITY.md line 5", pols[1])
	}
	var got []string
	vexFiles, err := discoverVEX(tree, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range vexFiles {
		got = append(got, f.Doc.Path+" "+f.Doc.Format+" "+f.Doc.Error)
	}
	want := []string{
		"vex/app.openvex.json OpenVEX ",
		`vex/broken.json  OpenVEX statement 0: status "maybe": want affected, not_affected, fixed or under_investigation`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("VEX documents (-want +got):\n%s", diff)
	}
}
