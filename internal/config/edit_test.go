package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/config"
)

func TestIdentity(t *testing.T) {
	for in, want := range map[string]string{
		"Jane Doe <jane@example.com>": "jane@example.com",
		"jane@example.com":            "jane@example.com",
		"Jane Doe (jane@example.com)": "jane@example.com",
		"Jane Doe":                    "Jane Doe",
		" ":                           "",
	} {
		if got := config.Identity(in); got != want {
			t.Errorf("Identity(%q) = %q, want %q", in, got, want)
		}
	}
}

// An edit replaces the same person's attestation for the claim, appends
// others, and keeps the rest of the file and its comments.
func TestDocument_PutAttestation(t *testing.T) {
	const decl = `# the product declaration
product: Widget # our product
attestations: []
`
	doc, err := config.ParseDocument("assay.yaml", []byte(decl))
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) config.Date {
		d, err := config.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return config.Date{Time: d}
	}
	a := config.Attestation{Claim: "1.3.3", Statement: "pen test", AttestedBy: "Jane <jane@example.com>",
		Date: day("2026-01-01"), Expires: day("2027-01-01"),
		Evidence: []config.EvidenceRef{{URL: "https://example.com/report"}}}
	for i, want := range []bool{false, true} {
		a.Statement = strings.Repeat("pen test ", i+1)
		replaced, err := doc.PutAttestation(a)
		if err != nil || replaced != want {
			t.Fatalf("put %d: replaced=%v err=%v, want %v", i, replaced, err, want)
		}
		a.AttestedBy = "jane@example.com" // the same person, spelled otherwise
	}
	other := a
	other.Claim = "1.3.1"
	if replaced, err := doc.PutAttestation(other); err != nil || replaced {
		t.Fatalf("put other: replaced=%v err=%v", replaced, err)
	}
	path := filepath.Join(t.TempDir(), "assay.yaml")
	if err := doc.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, keep := range []string{"# the product declaration", "product: Widget # our product"} {
		if !strings.Contains(string(out), keep) {
			t.Errorf("edit lost %q:\n%s", keep, out)
		}
	}
	cfg, err := config.Parse(path, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	var claims []string
	for _, at := range cfg.Attestations {
		claims = append(claims, at.Claim+" "+strings.TrimSpace(at.Statement))
	}
	if diff := cmp.Diff([]string{"1.3.3 pen test pen test", "1.3.1 pen test pen test"}, claims); diff != "" {
		t.Errorf("attestations (-want +got):\n%s", diff)
	}
}
