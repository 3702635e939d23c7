// Package rendertest provides the one fixture report every renderer's golden
// test renders, and the golden-file helper (refresh with `go test -update`).
// The fixture is built through the real evaluator from hand-made findings, so
// it exercises every status, basis, waiver and attestation state, and it
// plants hostile strings (markup, terminal escapes) where repository and
// declaration text appears.
package rendertest

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/assaysec/assay/internal/catalog"
	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/engine"
	"github.com/assaysec/assay/internal/evaluate"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/mapping"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/rule"
	"github.com/assaysec/assay/internal/testutil/golden"
)

// Now is the fixed assessment time of the fixture.
var Now = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

// Hostile strings planted in the fixture.
const (
	HostilePath    = "docs/<script>alert(1)</script>.md"
	HostileProduct = "Demo <script>alert('x')</script> \x1b[31mRed\x1b[0m"
)

// Fixture returns a freshly built fixture report.
func Fixture(t testing.TB) *report.Report {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatalf("load catalog: %v", err)
	}
	maps, err := mapping.Parse(map[string][]byte{"fixture.yaml": []byte(`
- claim: "1.1.4"
  all: [repositoryUnderVersionControl, lockfilesCommitted]
  supporting: [releasesAreTagged]
- claim: "3.2.1"
  any: [securityPolicyPublished, securityTxtValid]
- claim: "3.2.2"
  any: [securityPolicyHasConfidentialRoute, securityTxtHasContact]
- claim: "1.3.2"
  all: [testsRunOnChanges]
- claim: "2.1.5"
  all: [organisationRequiresMFA]
- claim: "2.2.2"
  all: [codeownersCoverCI]
`)})
	if err != nil {
		t.Fatalf("parse mapping: %v", err)
	}
	metas := map[string]rule.Meta{
		"lockfilesCommitted": {ID: "lockfilesCommitted", Remediation: "Commit the lockfile."},
		"testsRunOnChanges":  {ID: "testsRunOnChanges", Remediation: "Run the tests on every pull request."},
		"codeownersCoverCI":  {ID: "codeownersCoverCI", Remediation: "Add .github/workflows/ to CODEOWNERS."},
		"treeIsWellFormed":   {ID: "treeIsWellFormed", Hygiene: true},
	}
	findings := []rule.Finding{
		{Rule: "repositoryUnderVersionControl", Outcome: rule.True, Message: "under git version control", Location: evidence.Location{Path: ".git", Commit: "0123456789abcdef0123456789abcdef01234567"}},
		{Rule: "lockfilesCommitted", Outcome: rule.True, Message: "go.mod is pinned by committed go.sum", Location: evidence.Location{Path: "go.sum"}},
		{Rule: "releasesAreTagged", Outcome: rule.True, Message: "3 release tags; latest v1.2.0", Location: evidence.Location{Commit: "0123456789abcdef0123456789abcdef01234567"}},
		{Rule: "securityPolicyPublished", Outcome: rule.True, Message: "SECURITY.md describes how to report vulnerabilities", Location: evidence.Location{Path: "SECURITY.md", Line: 3}},
		{Rule: "securityTxtValid", Outcome: rule.False, Message: "security.txt Expires is in the past", Location: evidence.Location{Path: ".well-known/security.txt", Line: 2}},
		{Rule: "securityPolicyHasConfidentialRoute", Outcome: rule.True, Message: "SECURITY.md names security@example.com", Location: evidence.Location{Path: HostilePath, Line: 7}},
		{Rule: "testsRunOnChanges", Outcome: rule.False, Message: "no workflow runs tests on pull requests", Location: evidence.Location{Path: ".github/workflows/ci.yml", Line: 1}},
		{Rule: "organisationRequiresMFA", Outcome: rule.NotAvailable, Message: "needs forge API access: run with --online and a token with read:org"},
		{Rule: "codeownersCoverCI", Outcome: rule.False, Message: "CODEOWNERS does not cover .github/workflows/", Location: evidence.Location{Path: "CODEOWNERS"}},
		{Rule: "treeIsWellFormed", Outcome: rule.False, Message: "symlink outside tree: \x1b[2Jpoints outside the tree", Location: evidence.Location{Path: "link\x1b[31m"}},
	}
	ev := evidence.NewSet(
		evidence.Record{Fact: evidence.Attestation{Index: 0, Claim: "1.1.2", Statement: "All developers complete secure development training each year. <b>bold</b>",
			AttestedBy: "A. Person", Date: day("2026-06-01"), Expires: day("2027-06-01"),
			Evidence:  []evidence.AttestedDocument{{Path: "docs/training-log.csv", Declared: "ab", Actual: "ab"}, {URL: "https://example.com/training"}},
			Signature: evidence.SignatureCheck{State: evidence.SignatureVerified, Signed: true, Verified: true, Signer: "a.person@example.com"}},
			Provenance: evidence.Provenance{Location: evidence.Location{Path: "assay.yaml", Line: 9}}},
		evidence.Record{Fact: evidence.Attestation{Index: 1, Claim: "1.1.1", Statement: "We follow NIST SSDF.", AttestedBy: "B. Person",
			Date: day("2025-01-01"), Expires: day("2026-01-01"), Evidence: []evidence.AttestedDocument{{Path: "docs/sdl.md", Declared: "aa", Actual: "aa"}}},
			Provenance: evidence.Provenance{Location: evidence.Location{Path: "assay.yaml", Line: 20}}},
		evidence.Record{Fact: evidence.Attestation{Index: 2, Claim: "1.1.5", Statement: "Requirements are recorded as ADRs.", AttestedBy: "C. Person",
			Date: day("2026-05-01"), Expires: day("2027-05-01"), Evidence: []evidence.AttestedDocument{{Path: "docs/adr/0001.md", Declared: "aa", Actual: "bb"}}},
			Provenance: evidence.Provenance{Location: evidence.Location{Path: "assay.yaml", Line: 30}}},
	)
	cfg := &config.Config{
		File: "assay.yaml", Product: HostileProduct, Vendor: "Example Ltd", Role: config.RoleDeveloperDistributor, Delivery: config.DeliveryDistributed,
		SRO: &config.Person{Name: "A. Person", Role: "CTO"},
		Waivers: []config.Waiver{
			{Claim: "2.2.2", Reason: "Moving CI ownership to the platform team.", Owner: "B. Person", Expires: config.Date{Time: day("2026-12-31")}, Pos: config.Pos{Line: 40}},
			{Claim: "2.1.5", Reason: "Expired waiver.", Owner: "B. Person", Expires: config.Date{Time: day("2026-01-31")}, Pos: config.Pos{Line: 45}},
		},
	}
	out := evaluate.Evaluate(evaluate.Input{Catalog: cat, Mapping: maps, Rules: metas, Findings: findings, Evidence: ev, Config: cfg, Now: Now})
	statuses := []collector.Status{
		{Name: "repo/securitypolicy", State: collector.Succeeded, Records: 2},
		{Name: "forge/github", State: collector.Skipped, Reason: "needs network access; run with --online to allow it"},
		{Name: "ci/workflows", State: collector.Failed, Reason: "parse .github/workflows/bad.yml: line 3: mapping values are not allowed"},
	}
	rep := engine.Assemble(cat, cfg, out, statuses, engine.Options{Path: "testdata/demo", Now: Now}, nil)
	rep.SignOff = &report.SignOff{Path: "assay-signoff.json", Name: "A. Person", Role: "CTO", SignedAt: "2026-08-20T10:00:00Z", NextReview: "2027-08-20",
		Scope: "Demo <b>all products</b>", Signed: true, Verified: true, Signer: "a.person@example.com", Status: "current"}
	rep.Tool.Version = "v0.0.0-test"
	rep.Subject.Commit = "0123456789abcdef0123456789abcdef01234567"
	rep.Subject.Branch = "main"
	return rep
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err) // constant test input
	}
	return t
}

// Golden compares got with testdata/<name>, or rewrites it with -update.
func Golden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), got)
}
