package signoff

import (
	"errors"
	"fmt"
	"time"

	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/sign"
)

// ErrNoSRO is a declaration that names no Senior Responsible Owner: the
// sign-off is theirs, so there is nobody to sign.
var ErrNoSRO = errors.New("assay.yaml names no sro: the sign-off is the Senior Responsible Owner's (add sro: {name, role, email})")

// Signed is a sign-off document, its exact bytes and their SSH signature.
type Signed struct {
	Document  Document
	Data      []byte
	Signature []byte
}

// DefaultScope is what a sign-off covers when the SRO gives no scope:
// every claim, for the declared role and delivery.
func DefaultScope(rep *report.Report, cfg *config.Config) string {
	return fmt.Sprintf("all %d claims of the %s, for %s as %s vendor (%s delivery)", rep.Summary.Total, rep.Framework.Title, cfg.Product, cfg.Role, cfg.Delivery)
}

// Create builds the declared SRO's sign-off of rep at now, with the next
// review review_every later, and signs its bytes with signer. An empty
// scope is DefaultScope.
func Create(rep *report.Report, cfg *config.Config, signer *sign.Signer, scope string, now time.Time) (*Signed, error) {
	if cfg.SRO == nil || cfg.SRO.Name == "" {
		return nil, ErrNoSRO
	}
	next, err := cfg.NextReview(now)
	if err != nil {
		return nil, err
	}
	if scope == "" {
		scope = DefaultScope(rep, cfg)
	}
	by := Person{Name: cfg.SRO.Name, Role: cfg.SRO.Role, Email: cfg.SRO.Email}
	doc := Build(rep, cfg, by, scope, now, next, signer.Fingerprint())
	data, err := doc.Marshal()
	if err != nil {
		return nil, fmt.Errorf("encode sign-off: %w", err)
	}
	sig, err := signer.Sign(data, sign.Namespace)
	if err != nil {
		return nil, fmt.Errorf("sign sign-off: %w", err)
	}
	return &Signed{Document: doc, Data: data, Signature: sig}, nil
}

// Principal is the identity the sign-off's verifiers list in their allowed
// signers file: the SRO's e-mail, or their name when none is declared.
func (s *Signed) Principal() string {
	if s.Document.SignedBy.Email != "" {
		return s.Document.SignedBy.Email
	}
	return s.Document.SignedBy.Name
}
