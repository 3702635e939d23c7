package bundle

import (
	"fmt"
	"io"
	"strings"

	"github.com/assaysec/assay/internal/textsafe"
)

// WriteSummary prints a verified bundle for a reader: who signed, what was
// assessed, the claims as signed and what the file checks found. Every
// string from the bundle is cleaned of control characters: a signed bundle
// is still the vendor's text.
func WriteSummary(w io.Writer, res *Result) error {
	var b strings.Builder
	c := textsafe.Clean
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	if res.Signer != "" {
		p("Signature  verified: signed by %s with %s (%s signature)\n", c(res.Signer), res.KeyID, res.Format)
	}
	st := res.Statement
	if st != nil {
		p("Statement  in-toto %s, predicate %s\n", strings.TrimPrefix(st.Type, "https://in-toto.io/"), c(st.PredicateType))
		p("           payload sha256 %s\n", res.PayloadSHA256)
		for _, s := range st.Subject {
			var digests []string
			for _, alg := range []string{"gitCommit", "sha256", "sha512"} {
				if d := s.Digest[alg]; d != "" {
					digests = append(digests, alg+":"+c(d))
				}
			}
			p("Subject    %s %s\n", c(s.Name), strings.Join(digests, " "))
		}
		p("Created    %s by %s %s\n", c(st.Predicate.CreatedAt), c(st.Predicate.Creator.Name), c(st.Predicate.Creator.Version))
	}
	if r := res.Report; r != nil {
		s := r.Subject
		product := c(s.Product)
		if s.Vendor != "" {
			product += " by " + c(s.Vendor)
		}
		p("Product    %s [%s, %s]\n", product, c(s.Role), c(s.Delivery))
		if s.SRO != nil {
			p("SRO        %s", c(s.SRO.Name))
			if s.SRO.Role != "" {
				p(" (%s)", c(s.SRO.Role))
			}
			p("\n")
		}
		p("Assessed   %s against %s %s (claims v%s)\n", r.AssessedAt.UTC().Format("2006-01-02 15:04 MST"), c(r.Framework.ID), c(r.Framework.Version), c(r.Framework.ClaimsVersion))
		cl := r.Summary.Claims
		p("\nClaims as signed: %d met, %d not met, %d unknown, %d not applicable (of %d)", cl.Met, cl.NotMet, cl.Unknown, cl.NotApplicable, r.Summary.Total)
		if cl.Waived > 0 {
			p(", %d waived", cl.Waived)
		}
		p("\n")
		for _, pr := range r.Principles {
			p("  %-5s %-15s %s\n", c(pr.ID), strings.ReplaceAll(c(string(pr.Status)), "_", " "), c(pr.Title))
			for _, cm := range pr.Claims {
				mark := strings.ReplaceAll(c(string(cm.Status)), "_", " ")
				if cm.Waiver != nil {
					mark += ", waived"
				}
				p("        %-7s %-15s %s\n", c(cm.ID), mark, c(cm.Reason))
			}
		}
	}
	if st != nil && len(st.Predicate.Evidence) > 0 {
		p("\nEvidence as signed (%s)\n", textsafe.Count(len(st.Predicate.Evidence), "file"))
		for _, e := range st.Predicate.Evidence {
			claims := ""
			if len(e.Claims) > 0 {
				claims = " for " + c(strings.Join(e.Claims, ", "))
			}
			p("  %s  %s (%s, %s%s)\n", c(e.Digest["sha256"]), c(e.Path), c(e.Kind), c(e.Location), claims)
		}
	}
	if len(res.Checks) > 0 {
		p("\nChecks\n")
		for _, ck := range res.Checks {
			detail := ""
			if ck.Detail != "" {
				detail = ": " + c(ck.Detail)
			}
			p("  %-8s %-8s %s%s\n", ck.Status, ck.What, c(ck.Path), detail)
		}
	}
	for _, n := range res.Notes {
		p("note: %s\n", c(n))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
