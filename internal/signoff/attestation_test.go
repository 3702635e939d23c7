package signoff

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/config"
)

func TestCanonicalAttestation(t *testing.T) {
	a := config.Attestation{
		Claim: "4.3.1", Statement: "Plan <published> & reviewed", AttestedBy: "Jane Doe <jane@example.com>",
		Date:    config.Date{Time: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)},
		Expires: config.Date{Time: time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)},
		Evidence: []config.EvidenceRef{
			{Path: "docs/plan.md", SHA256: "ab"},
			{URL: "https://example.com/plan"},
		},
		Signature: "ignored",
	}
	want := `{"_type":"https://assay.dev/attestation/v1","product":"Demo","claim":"4.3.1","statement":"Plan <published> & reviewed","attestedBy":"Jane Doe <jane@example.com>","date":"2026-06-01","expires":"2027-06-01","evidence":[{"path":"docs/plan.md","sha256":"ab"},{"url":"https://example.com/plan"}]}` + "\n"
	if diff := cmp.Diff(want, string(CanonicalAttestation("Demo", a))); diff != "" {
		t.Error(diff)
	}
	d1 := AttestationsDigest("Demo", []config.Attestation{a})
	a.Signature = "other"
	if d1 == AttestationsDigest("Demo", []config.Attestation{a}) {
		t.Error("digest ignores the signature")
	}
}
