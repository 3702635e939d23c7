package verifydocs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSigningStatements(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want []Statement
	}{
		{"claim with a KEYS file on the next line",
			"## Verifying Artifact signatures\n\nTo verify that any given artifact has been signed with a valid key, have a look at the `KEYS` file:\n\nhttps://example.com/KEYS\n",
			[]Statement{{Line: 3, Quote: "To verify that any given artifact has been signed with a valid key, have a look at the `KEYS` file:"}}},
		{"releases GPG signed with a fingerprint",
			"All releases are GPG signed.\nThe key fingerprint is 0123 4567.\n",
			[]Statement{{Line: 1, Quote: "All releases are GPG signed."}}},
		{"claim without keys is not enough",
			"Our packages are signed.\n",
			nil},
		{"negated claim",
			"Release artefacts are not signed; see the public key policy.\n",
			nil},
		{"keys in a later section belong to it",
			"Releases are signed.\n\n## Deploy keys\n\nThe public key for deploys is in ops/.\n",
			nil},
		{"signing commits is not signing releases",
			"Commits must be signed off. Upload your GPG key to the forge.\n",
			nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if d := cmp.Diff(tc.want, SigningStatements([]byte(tc.doc))); d != "" {
				t.Errorf("SigningStatements() mismatch (-want +got):\n%s", d)
			}
		})
	}
}

func TestIsSigningDoc(t *testing.T) {
	t.Parallel()
	for p, want := range map[string]bool{
		"SECURITY.md": true, "README.md": true, ".github/SECURITY.md": true, "docs/verifying-releases.md": true,
		"docs/signing.md": true, "docs/guide/sign-blobs.md": false, "docs/usage.md": false, "src/main.go": false,
	} {
		if got := IsSigningDoc(p); got != want {
			t.Errorf("IsSigningDoc(%q) = %v, want %v", p, got, want)
		}
	}
}
