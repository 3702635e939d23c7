package signoff

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/sign"
)

func TestCreate(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := sign.NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	rep := &report.Report{Framework: report.Framework{Title: "UK Software Security Code of Practice"}, Summary: report.Summary{Total: 45}}
	cfg := &config.Config{Product: "Widget", Role: "developer", Delivery: "saas", ReviewEvery: "6mo"}

	if _, err := Create(rep, cfg, signer, "", now); !errors.Is(err, ErrNoSRO) {
		t.Fatalf("no sro: err = %v, want ErrNoSRO", err)
	}
	cfg.SRO = &config.Person{Name: "Jane Doe", Role: "CTO", Email: "jane@example.com"}
	s, err := Create(rep, cfg, signer, "", now)
	if err != nil {
		t.Fatal(err)
	}
	if want := "all 45 claims of the UK Software Security Code of Practice, for Widget as developer vendor (saas delivery)"; s.Document.Scope != want {
		t.Errorf("scope = %q, want %q", s.Document.Scope, want)
	}
	if s.Document.NextReview != "2027-06-04" {
		t.Errorf("next review = %s, want six months on", s.Document.NextReview)
	}
	if s.Principal() != "jane@example.com" {
		t.Errorf("principal = %q", s.Principal())
	}
	allowed, err := sign.ParseAllowedSigners([]byte(sign.FormatEntry(s.Principal(), signer.PublicKey()) + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := allowed.Verify(s.Data, s.Signature, sign.Namespace, s.Principal(), now); err != nil {
		t.Errorf("the signature does not verify over the document's bytes: %v", err)
	}
	if !strings.Contains(string(s.Data), `"scope"`) {
		t.Errorf("document bytes lack the scope: %s", s.Data)
	}
}
