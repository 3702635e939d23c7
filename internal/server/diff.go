package server

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/assaysec/assay/internal/fleet"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/textsafe"
)

// decodeReport reads a stored assessment's report.
func decodeReport(a fleet.Assessment) (*report.Report, error) {
	if a.Report == nil {
		return nil, fmt.Errorf("assessment %d has no report (status %s)", a.ID, a.Status)
	}
	if len(a.Report) > limits.MaxReportSize {
		return nil, fmt.Errorf("assessment %d: report larger than %d bytes", a.ID, limits.MaxReportSize)
	}
	var r report.Report
	if err := json.Unmarshal(a.Report, &r); err != nil {
		return nil, fmt.Errorf("assessment %d: decode report: %w", a.ID, err)
	}
	return &r, nil
}

// ClaimChange is one claim whose status differs between two assessments.
type ClaimChange struct {
	Claim     string `json:"claim"`
	Principle string `json:"principle"`
	From      string `json:"from"` // "" when the claim is new
	To        string `json:"to"`   // "" when the claim is gone
	Reason    string `json:"reason"`
	Commit    string `json:"commit,omitempty"` // the newer assessment's commit
	// Summary reads "3.2.1 met -> not_met: <reason> in abc1234".
	Summary string `json:"summary"`
}

// Diff compares two assessments of one repository.
type Diff struct {
	From    int64         `json:"from"`
	To      int64         `json:"to"`
	Changes []ClaimChange `json:"changes"`
}

type claimAt struct {
	principle string
	claim     report.Claim
}

func claimIndex(r *report.Report) map[string]claimAt {
	out := map[string]claimAt{}
	for _, p := range r.Principles {
		for _, c := range p.Claims {
			out[c.ID] = claimAt{principle: p.ID, claim: c}
		}
	}
	return out
}

// diffReports lists the claims whose status changed from a to b, in claim
// order. Text from the reports is cleaned here, once, for every consumer.
func diffReports(fromID, toID int64, a, b *report.Report) Diff {
	d := Diff{From: fromID, To: toID, Changes: []ClaimChange{}}
	ia, ib := claimIndex(a), claimIndex(b)
	ids := map[string]bool{}
	for id := range ia {
		ids[id] = true
	}
	for id := range ib {
		ids[id] = true
	}
	commit := textsafe.Clean(b.Subject.Commit)
	for id := range ids {
		ca, inA := ia[id]
		cb, inB := ib[id]
		if inA && inB && ca.claim.Status == cb.claim.Status {
			continue
		}
		ch := ClaimChange{Claim: textsafe.Clean(id), Commit: commit}
		if inA {
			ch.From = string(ca.claim.Status)
			ch.Principle = textsafe.Clean(ca.principle)
		}
		if inB {
			ch.To = string(cb.claim.Status)
			ch.Principle = textsafe.Clean(cb.principle)
			ch.Reason = textsafe.Truncate(textsafe.Clean(cb.claim.Reason), 400)
		}
		ch.Summary = fmt.Sprintf("%s %s -> %s", ch.Claim, orNone(ch.From), orNone(ch.To))
		if ch.Reason != "" {
			ch.Summary += ": " + ch.Reason
		}
		if c := shortCommit(commit); c != "" {
			ch.Summary += " in " + c
		}
		d.Changes = append(d.Changes, ch)
	}
	sort.Slice(d.Changes, func(i, j int) bool { return claimLess(d.Changes[i].Claim, d.Changes[j].Claim) })
	return d
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func shortCommit(c string) string {
	if len(c) > 7 {
		return c[:7]
	}
	return c
}

// claimLess orders claim ids such as 1.2.10 after 1.2.9.
func claimLess(a, b string) bool {
	var x, y [3]int
	na, _ := fmt.Sscanf(a, "%d.%d.%d", &x[0], &x[1], &x[2])
	nb, _ := fmt.Sscanf(b, "%d.%d.%d", &y[0], &y[1], &y[2])
	if na == 3 && nb == 3 && x != y {
		for i := range x {
			if x[i] != y[i] {
				return x[i] < y[i]
			}
		}
	}
	return a < b
}

// HistoryPoint is one claim's status in one assessment.
type HistoryPoint struct {
	Assessment int64     `json:"assessment"`
	At         time.Time `json:"at"`
	Commit     string    `json:"commit,omitempty"`
	Status     string    `json:"status"`
}

// ClaimHistory is a claim's status over a repository's assessments, oldest
// first.
type ClaimHistory struct {
	Claim     string         `json:"claim"`
	Principle string         `json:"principle"`
	Statement string         `json:"statement"`
	Points    []HistoryPoint `json:"points"`
}

// history builds every claim's history from succeeded assessments given
// newest first (as the store lists them).
func history(assessments []fleet.Assessment, reports map[int64]*report.Report) []ClaimHistory {
	byClaim := map[string]*ClaimHistory{}
	for i := len(assessments) - 1; i >= 0; i-- {
		a := assessments[i]
		r := reports[a.ID]
		if r == nil {
			continue
		}
		for _, p := range r.Principles {
			for _, c := range p.Claims {
				h := byClaim[c.ID]
				if h == nil {
					h = &ClaimHistory{Claim: textsafe.Clean(c.ID), Principle: textsafe.Clean(p.ID)}
					byClaim[c.ID] = h
				}
				h.Statement = textsafe.Truncate(textsafe.Clean(c.Statement), 300)
				h.Points = append(h.Points, HistoryPoint{Assessment: a.ID, At: a.FinishedAt, Commit: textsafe.Clean(a.Commit), Status: string(c.Status)})
			}
		}
	}
	out := make([]ClaimHistory, 0, len(byClaim))
	for _, h := range byClaim {
		out = append(out, *h)
	}
	sort.Slice(out, func(i, j int) bool { return claimLess(out[i].Claim, out[j].Claim) })
	return out
}

// principleRank orders principle statuses from worst to best, to combine a
// product's repositories into one cell.
var principleRank = map[report.PrincipleStatus]int{
	report.PrincipleNotMet:        0,
	report.PrinciplePartiallyMet:  1,
	report.PrincipleUnknown:       2,
	report.PrincipleMet:           3,
	report.PrincipleNotApplicable: 4,
}

// worse returns the worse of two principle statuses; "" is no value yet.
func worse(a, b report.PrincipleStatus) report.PrincipleStatus {
	if a == "" {
		return b
	}
	ra, oka := principleRank[a]
	rb, okb := principleRank[b]
	if !okb {
		return a
	}
	if !oka || rb < ra {
		return b
	}
	return a
}

// Expiring is an attestation that lapses within the warning window.
type Expiring struct {
	ProductID    int64  `json:"productId"`
	Product      string `json:"product"`
	RepositoryID int64  `json:"repositoryId"`
	Claim        string `json:"claim"`
	AttestedBy   string `json:"attestedBy"`
	Expires      string `json:"expires"`
}

// ExpiryWindow is how far ahead the overview warns of lapsing attestations.
const ExpiryWindow = 30 * 24 * time.Hour

// expiring lists a report's valid attestations expiring between now and
// now+ExpiryWindow.
func expiring(r *report.Report, now time.Time) []report.Attestation {
	var out []report.Attestation
	for _, a := range r.Attestations {
		if a.Status != "valid" || a.Expires == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, a.Expires)
		if err != nil {
			continue
		}
		if !t.Before(now.Truncate(24*time.Hour)) && t.Before(now.Add(ExpiryWindow)) {
			out = append(out, a)
		}
	}
	return out
}
