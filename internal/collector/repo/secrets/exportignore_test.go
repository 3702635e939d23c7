package secrets

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
)

func TestExportIgnore_Ignored(t *testing.T) {
	t.Parallel()
	attrs := parseExportIgnore([]byte(`* text=auto
# tooling
/docker-compose.yml export-ignore
/.github/ export-ignore
/src/Ftp export-ignore
/**/*Test.php export-ignore
phpunit.xml.dist export-ignore
*.md diff=markdown
/src/Ftp/keep.php -export-ignore
`))
	tests := []struct {
		path string
		want bool
	}{
		{"docker-compose.yml", true},
		{"sub/docker-compose.yml", false}, // anchored at the root
		{".github/workflows/ci.yml", true},
		{"src/Ftp/FtpAdapter.php", true},
		{"src/Ftp/keep.php", false}, // unset by a later line
		{"src/Local/LocalTest.php", true},
		{"src/Local/Local.php", false},
		{"a/b/phpunit.xml.dist", true}, // no slash: any depth
		{"README.md", false},
	}
	for _, tc := range tests {
		if got := attrs.ignored(tc.path); got != tc.want {
			t.Errorf("ignored(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}

// TestCollect_ExportIgnoredCompose: flysystem's docker-compose.yml starts
// FTP test servers with a default password, and export-ignore keeps it out
// of the archive Packagist serves; the same file without the attribute
// ships (DVWA's compose.yml).
func TestCollect_ExportIgnoredCompose(t *testing.T) {
	compose := "services:\n  ftpd:\n    environment:\n      FTP_USER_PASS: password\n"
	tree := writeTree(t, map[string]string{
		".gitattributes":     "/docker-compose.yml export-ignore\n/.github export-ignore\n/readme.md export-ignore\n",
		"docker-compose.yml": compose,
		"deploy/compose.yml": compose,
		"readme.md":          "# App\n\nDefault password: `admin`\n",
	})
	got := factsOf[evidence.DefaultCredential](collect(t, New().(Collector), context.Background(), tree))
	for i := range got {
		got[i].Fingerprint = ""
	}
	want := []evidence.DefaultCredential{
		{Path: "deploy/compose.yml", Line: 4, Key: "FTP_USER_PASS", Form: evidence.CredSetting, Reason: "a well-known default password", Scope: evidence.ScopeProduct},
		{Path: "docker-compose.yml", Line: 4, Key: "FTP_USER_PASS", Form: evidence.CredSetting, Reason: "a well-known default password", Scope: evidence.ScopeUnshipped},
		{Path: "readme.md", Line: 3, Form: evidence.CredInstruction, Reason: "a well-known default password", Scope: evidence.ScopeProduct},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("default credentials mismatch (-want +got):\n%s", diff)
	}
}
