package config_test

import (
	"testing"

	"github.com/assaysec/assay/internal/config"
)

// The starter parses as a declaration carrying every answer, and no answer,
// however written, changes the document's structure.
func TestStarter_RenderParses(t *testing.T) {
	a := config.Starter{
		Product: "Widget\nrole: attacker", Vendor: `Acme "Ltd"`, Role: "developer-distributor", Delivery: "saas",
		SROName: "Jane Doe", SRORole: "CTO", SROEmail: "jane@example.com",
		Framework: "NIST SSDF", FrameworkDoc: "docs/sdl.md", NoticePeriod: "6mo",
		Security: "mailto:security@example.com", Critical: "7d", High: "30d", Medium: "90d", Low: "180d", ReviewEvery: "12mo",
	}
	cfg, err := config.Parse("assay.yaml", a.Render(), nil)
	if err != nil {
		t.Fatalf("the starter does not parse: %v\n%s", err, a.Render())
	}
	if cfg.Product != a.Product || cfg.Role != "developer-distributor" || cfg.Vendor != a.Vendor {
		t.Errorf("product %q role %q vendor %q: an answer leaked into the structure", cfg.Product, cfg.Role, cfg.Vendor)
	}
	if cfg.SRO == nil || cfg.SRO.Email != "jane@example.com" || cfg.Contact.Security != a.Security || cfg.ReviewEvery != "12mo" {
		t.Errorf("answers lost: sro %+v contact %+v review %q", cfg.SRO, cfg.Contact, cfg.ReviewEvery)
	}
}

func TestContactAndEmailChecks(t *testing.T) {
	for v, want := range map[string]bool{"mailto:a@b.c": true, "https://x.example/report": true, "http://x": false, "a@b.c": false} {
		if got := config.ContactURIOK(v); got != want {
			t.Errorf("ContactURIOK(%q) = %v", v, got)
		}
	}
	for v, want := range map[string]bool{"jane@example.com": true, "Jane <jane@example.com>": false, "jane@localhost": false, "": false} {
		if got := config.BareEmailOK(v); got != want {
			t.Errorf("BareEmailOK(%q) = %v", v, got)
		}
	}
}
