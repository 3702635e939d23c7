package oscal

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/report"
)

// ResultsDoc is an OSCAL assessment-results document.
type ResultsDoc struct {
	AssessmentResults AssessmentResults `json:"assessment-results"`
}

// AssessmentResults is the OSCAL assessment-results model.
type AssessmentResults struct {
	UUID       string      `json:"uuid"`
	Metadata   Metadata    `json:"metadata"`
	ImportAP   ImportAP    `json:"import-ap"`
	Results    []Result    `json:"results"`
	BackMatter *BackMatter `json:"back-matter,omitempty"`
}

// ImportAP points at the assessment plan.
type ImportAP struct {
	Href    string `json:"href"`
	Remarks string `json:"remarks,omitempty"`
}

// Result is one assessment.
type Result struct {
	UUID             string           `json:"uuid"`
	Title            string           `json:"title"`
	Description      string           `json:"description"`
	Start            string           `json:"start"`
	End              string           `json:"end,omitempty"`
	Props            []Prop           `json:"props,omitempty"`
	Links            []Link           `json:"links,omitempty"`
	ReviewedControls ReviewedControls `json:"reviewed-controls"`
	AssessmentLog    *AssessmentLog   `json:"assessment-log,omitempty"`
	Observations     []Observation    `json:"observations,omitempty"`
	Findings         []Finding        `json:"findings,omitempty"`
	Remarks          string           `json:"remarks,omitempty"`
}

// ReviewedControls says which catalog controls were assessed.
type ReviewedControls struct {
	Description       string             `json:"description,omitempty"`
	Links             []Link             `json:"links,omitempty"`
	ControlSelections []ControlSelection `json:"control-selections"`
}

// ControlSelection selects controls.
type ControlSelection struct {
	IncludeAll *struct{} `json:"include-all,omitempty"`
}

// AssessmentLog records how each evidence collector fared.
type AssessmentLog struct {
	Entries []LogEntry `json:"entries"`
}

// LogEntry is one collector's run.
type LogEntry struct {
	UUID        string `json:"uuid"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Start       string `json:"start"`
	Props       []Prop `json:"props,omitempty"`
}

// Observation is one piece of evidence.
type Observation struct {
	UUID             string             `json:"uuid"`
	Title            string             `json:"title,omitempty"`
	Description      string             `json:"description"`
	Props            []Prop             `json:"props,omitempty"`
	Methods          []string           `json:"methods"`
	Types            []string           `json:"types,omitempty"`
	Origins          []Origin           `json:"origins,omitempty"`
	RelevantEvidence []RelevantEvidence `json:"relevant-evidence,omitempty"`
	Collected        string             `json:"collected"`
	Expires          string             `json:"expires,omitempty"`
	Remarks          string             `json:"remarks,omitempty"`
}

// Origin names who or what produced an observation.
type Origin struct {
	Actors []Actor `json:"actors"`
}

// Actor is a party behind an observation.
type Actor struct {
	Type      string `json:"type"` // party
	ActorUUID string `json:"actor-uuid"`
}

// RelevantEvidence points at a file, URL or digest.
type RelevantEvidence struct {
	Href        string `json:"href,omitempty"`
	Description string `json:"description"`
	Props       []Prop `json:"props,omitempty"`
	Remarks     string `json:"remarks,omitempty"`
}

// Finding is the verdict on one claim or principle.
type Finding struct {
	UUID                string               `json:"uuid"`
	Title               string               `json:"title"`
	Description         string               `json:"description"`
	Props               []Prop               `json:"props,omitempty"`
	Target              Target               `json:"target"`
	RelatedObservations []RelatedObservation `json:"related-observations,omitempty"`
	Remarks             string               `json:"remarks,omitempty"`
}

// Target is the catalog statement a finding judges.
type Target struct {
	Type                 string                `json:"type"`
	TargetID             string                `json:"target-id"`
	Status               Status                `json:"status"`
	ImplementationStatus *ImplementationStatus `json:"implementation-status,omitempty"`
}

// Status is satisfied or not-satisfied, with a reason.
type Status struct {
	State   string `json:"state"`
	Reason  string `json:"reason,omitempty"`
	Remarks string `json:"remarks,omitempty"`
}

// ImplementationStatus refines the status.
type ImplementationStatus struct {
	State string `json:"state"`
}

// RelatedObservation cites an observation.
type RelatedObservation struct {
	ObservationUUID string `json:"observation-uuid"`
}

// New returns the OSCAL assessment-results renderer.
func New(render.Options) render.Renderer {
	return render.Func(func(w io.Writer, r *report.Report) error {
		return writeJSON(w, BuildResults(r))
	})
}

func timestamp(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format(time.RFC3339)
}

// BuildResults converts a report to OSCAL assessment results.
func BuildResults(r *report.Report) *ResultsDoc {
	at := timestamp(r.AssessedAt)
	subject := r.Subject.Product + "\x00" + r.Subject.Commit + "\x00" + at
	catalogUUID := CatalogUUID(r.Framework.ID, r.Framework.Version, r.Framework.ClaimsVersion)
	catRes := uuid5("resource", "catalog", catalogUUID)
	planRes := uuid5("resource", "plan", r.Tool.Version)

	meta := Metadata{
		Title:        "Assessment results: " + md(r.Subject.Product) + " against the " + r.Framework.Title,
		LastModified: at,
		Version:      at,
		OSCALVersion: Version,
		Props: []Prop{
			{Name: "product", NS: NS, Value: propValue(r.Subject.Product)},
			{Name: "vendor-role", NS: NS, Value: propValue(r.Subject.Role)},
			{Name: "delivery", NS: NS, Value: propValue(r.Subject.Delivery)},
			{Name: "next-review", NS: NS, Value: propValue(r.NextReview)},
			{Name: "report-schema-version", NS: NS, Value: propValue(r.SchemaVersion)},
		},
		Roles: []Role{{ID: "assessor", Title: "Assessment tool operator"}},
	}
	if r.Subject.Commit != "" {
		meta.Props = append(meta.Props, Prop{Name: "commit", NS: NS, Value: r.Subject.Commit})
	}
	parties := map[string]string{} // name -> uuid
	party := func(kind, name string) string {
		if id, ok := parties[kind+"\x00"+name]; ok {
			return id
		}
		id := uuid5("party", kind, name)
		parties[kind+"\x00"+name] = id
		meta.Parties = append(meta.Parties, Party{UUID: id, Type: kind, Name: plain(name)})
		return id
	}
	if r.Subject.Vendor != "" {
		meta.Roles = append(meta.Roles, Role{ID: "vendor", Title: "Vendor of the product"})
		meta.ResponsibleParties = append(meta.ResponsibleParties, ResponsibleParty{RoleID: "vendor", PartyUUIDs: []string{party("organization", r.Subject.Vendor)}})
	}
	if r.Subject.SRO != nil && r.Subject.SRO.Name != "" {
		meta.Roles = append(meta.Roles, Role{ID: "senior-responsible-owner", Title: "Senior Responsible Owner"})
		meta.ResponsibleParties = append(meta.ResponsibleParties, ResponsibleParty{RoleID: "senior-responsible-owner", PartyUUIDs: []string{party("person", r.Subject.SRO.Name)}})
	}

	res := Result{
		UUID:  uuid5("result", subject),
		Title: "Assay " + md(r.Tool.Version) + " assessment of " + md(r.Subject.Product),
		Description: "Automated assessment of the repository " + md(render.SubjectName(r.Subject)) + commitText(r.Subject.Commit) +
			" against all claims of the " + r.Framework.Title + ", merged with the attestations declared by the vendor.",
		Start: at,
		End:   at,
		Props: []Prop{
			{Name: "claims-met", NS: NS, Value: strconv.Itoa(r.Summary.Claims.Met)},
			{Name: "claims-not-met", NS: NS, Value: strconv.Itoa(r.Summary.Claims.NotMet)},
			{Name: "claims-unknown", NS: NS, Value: strconv.Itoa(r.Summary.Claims.Unknown)},
			{Name: "claims-not-applicable", NS: NS, Value: strconv.Itoa(r.Summary.Claims.NotApplicable)},
			{Name: "claims-total", NS: NS, Value: strconv.Itoa(r.Summary.Total)},
		},
		ReviewedControls: ReviewedControls{
			Description:       "Every principle and claim of the catalog.",
			Links:             []Link{{Href: "#" + catRes, Rel: "catalog"}},
			ControlSelections: []ControlSelection{{IncludeAll: &struct{}{}}},
		},
	}
	for _, c := range r.Collectors {
		res.assessmentLog().Entries = append(res.assessmentLog().Entries, LogEntry{
			UUID: uuid5("log", subject, c.Name), Title: "Collector " + md(c.Name), Start: at,
			Description: md(string(c.Status) + reasonText(c.Reason)),
			Props: []Prop{{Name: "collector-status", NS: NS, Value: propValue(string(c.Status))},
				{Name: "records", NS: NS, Value: strconv.Itoa(c.Records)}},
		})
	}

	// Observations: one per distinct finding and per declared attestation.
	obs := newObserver(subject, at)
	attObs := map[int]string{}
	for i, a := range r.Attestations {
		id := uuid5("attestation", subject, strconv.Itoa(i), a.Claim)
		attObs[i] = id
		o := Observation{UUID: id, Title: "Attestation for claim " + md(a.Claim) + " by " + md(a.AttestedBy),
			Description: descriptionText(a.Statement),
			Props: []Prop{{Name: "attestation-status", NS: NS, Value: propValue(string(a.Status))},
				{Name: "signed", NS: NS, Value: boolText(a.Signed)}, {Name: "signature-verified", NS: NS, Value: boolText(a.Verified)},
				{Name: "attested-on", NS: NS, Value: propValue(a.Date)}},
			Methods: []string{"INTERVIEW"}, Types: []string{"control-objective"}, Collected: at,
			Origins: []Origin{{Actors: []Actor{{Type: "party", ActorUUID: party("person", a.AttestedBy)}}}},
		}
		if a.Signer != "" {
			o.Props = append(o.Props, Prop{Name: "signer", NS: NS, Value: propValue(a.Signer)})
		}
		if t, err := time.Parse(time.DateOnly, a.Expires); err == nil {
			o.Expires = timestamp(t)
		}
		if a.Reason != "" {
			o.Remarks = md(a.Reason)
		}
		for _, d := range a.Evidence {
			o.RelevantEvidence = append(o.RelevantEvidence, document(d))
		}
		obs.list = append(obs.list, o)
	}

	for _, p := range r.Principles {
		var pObs []RelatedObservation
		for _, c := range p.Claims {
			f := Finding{
				UUID:        uuid5("finding", subject, c.ID),
				Title:       "Claim " + c.ID + ": " + md(c.Statement),
				Description: descriptionText(c.Reason),
				Props: []Prop{{Name: "claim-status", NS: NS, Value: propValue(string(c.Status))},
					{Name: "basis", NS: NS, Value: propValue(string(c.Basis))},
					{Name: "automation", NS: NS, Value: propValue(c.Automation)}},
				Target: Target{Type: "statement-id", TargetID: StatementID(c.ID), Status: claimState(c.Status),
					ImplementationStatus: implState(string(c.Status))},
			}
			var remarks []string
			if c.Settle != "" {
				remarks = append(remarks, "To settle: "+md(c.Settle))
			}
			if w := c.Waiver; w != nil {
				f.Props = append(f.Props, Prop{Name: "waived", NS: NS, Value: "true"})
				remarks = append(remarks, "Waived until "+md(w.Expires)+" by "+md(w.Owner)+": "+md(w.Reason))
			}
			if c.Status != report.ClaimMet && c.Status != report.ClaimNotApplicable {
				for _, rem := range c.Remediation {
					remarks = append(remarks, "- "+md(rem))
				}
			}
			f.Remarks = strings.Join(remarks, "\n\n")
			for _, fd := range c.Findings {
				f.RelatedObservations = append(f.RelatedObservations, RelatedObservation{ObservationUUID: obs.finding(fd)})
			}
			for _, ai := range c.Attestations {
				if id, ok := attObs[ai]; ok {
					f.RelatedObservations = append(f.RelatedObservations, RelatedObservation{ObservationUUID: id})
				}
			}
			pObs = append(pObs, f.RelatedObservations...)
			res.Findings = append(res.Findings, f)
		}
		res.Findings = append(res.Findings, Finding{
			UUID:        uuid5("finding", subject, "principle", p.ID),
			Title:       "Principle " + p.ID + ": " + md(p.Title),
			Description: descriptionText(p.Reason),
			Props: []Prop{{Name: "principle-status", NS: NS, Value: propValue(string(p.Status))},
				{Name: "claims-met", NS: NS, Value: strconv.Itoa(p.Counts.Met)},
				{Name: "claims-not-met", NS: NS, Value: strconv.Itoa(p.Counts.NotMet)},
				{Name: "claims-unknown", NS: NS, Value: strconv.Itoa(p.Counts.Unknown)}},
			Target: Target{Type: "statement-id", TargetID: StatementID(p.ID), Status: principleState(p.Status),
				ImplementationStatus: implState(string(p.Status))},
			RelatedObservations: dedupe(pObs),
		})
	}
	for _, n := range r.Notices {
		obs.finding(n)
	}
	res.Observations = obs.list

	back := &BackMatter{Resources: []Resource{
		{UUID: catRes, Title: r.Framework.Title + " OSCAL catalog",
			Description: "The catalog these results target, as written by `assay catalog --format oscal`. Finding targets are the statement ids of its controls.",
			Props:       []Prop{{Name: "catalog-uuid", NS: NS, Value: catalogUUID}, {Name: "framework-version", NS: NS, Value: propValue(r.Framework.Version)}},
			RLinks:      []RLink{{Href: "uk-sscop-catalog.oscal.json", MediaType: "application/oscal.catalog+json"}}},
		{UUID: planRes, Title: "Assay automated assessment plan",
			Description: "Assay collects evidence from the repository, its git history, CI definitions, dependencies and releases, evaluates its rules, and merges the vendor's declared attestations; see the catalog's assessment-method parts for the rules behind each claim."},
	}}
	if r.Subject.Declaration != "" {
		decl := Resource{UUID: uuid5("resource", "declaration", subject), Title: "Product declaration " + md(r.Subject.Declaration),
			RLinks: []RLink{{Href: render.FileHref(r.Subject.Declaration, 0)}}}
		if h := hexDigest(r.Subject.DeclDigest); h != "" {
			decl.RLinks[0].Hashes = []Hash{{Algorithm: "SHA-256", Value: h}}
		}
		back.Resources = append(back.Resources, decl)
	}
	return &ResultsDoc{AssessmentResults: AssessmentResults{
		UUID:       uuid5("assessment-results", subject),
		Metadata:   meta,
		ImportAP:   ImportAP{Href: "#" + planRes, Remarks: "Assay's assessment plan is fixed by its version; no separate plan document is produced."},
		Results:    append([]Result{res}, frameworkResults(r, subject, at)...),
		BackMatter: back,
	}}
}

func (r *Result) assessmentLog() *AssessmentLog {
	if r.AssessmentLog == nil {
		r.AssessmentLog = &AssessmentLog{}
	}
	return r.AssessmentLog
}

func commitText(c string) string {
	if c == "" {
		return ""
	}
	return " at commit " + c
}

func reasonText(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

// descriptionText is a required markup field; it must not be empty.
func descriptionText(s string) string {
	if strings.TrimSpace(s) == "" {
		return "No details recorded."
	}
	return md(s)
}

func outcomeText(o report.Outcome) string {
	switch o {
	case report.OutcomeTrue:
		return "yes"
	case report.OutcomeFalse:
		return "no"
	case report.OutcomeNotApplicable:
		return "not applicable"
	case report.OutcomeNotAvailable:
		return "not observed"
	case report.OutcomeError:
		return "unreadable evidence"
	}
	return md(string(o))
}

func claimState(s report.ClaimStatus) Status {
	switch s {
	case report.ClaimMet:
		return Status{State: "satisfied", Reason: "pass"}
	case report.ClaimNotMet:
		return Status{State: "not-satisfied", Reason: "fail"}
	case report.ClaimNotApplicable:
		return Status{State: "satisfied", Reason: "other", Remarks: "Not applicable to this product."}
	}
	return Status{State: "not-satisfied", Reason: "other", Remarks: "Unknown: the evidence could not be observed or is not sufficient."}
}

func principleState(s report.PrincipleStatus) Status {
	switch s {
	case report.PrincipleMet:
		return Status{State: "satisfied", Reason: "pass"}
	case report.PrincipleNotMet:
		return Status{State: "not-satisfied", Reason: "fail"}
	case report.PrincipleNotApplicable:
		return Status{State: "satisfied", Reason: "other", Remarks: "Not applicable to this product."}
	case report.PrinciplePartiallyMet:
		return Status{State: "not-satisfied", Reason: "other", Remarks: "Partially met."}
	}
	return Status{State: "not-satisfied", Reason: "other", Remarks: "Unknown: some claims could not be decided."}
}

func implState(s string) *ImplementationStatus {
	switch s {
	case string(report.PrincipleMet):
		return &ImplementationStatus{State: "implemented"}
	case string(report.PrinciplePartiallyMet):
		return &ImplementationStatus{State: "partial"}
	case string(report.PrincipleNotApplicable):
		return &ImplementationStatus{State: "not-applicable"}
	}
	return nil
}

func evidence(l report.Location) *RelevantEvidence {
	switch {
	case l.Path != "":
		where := l.Path
		if l.Line > 0 {
			where += ":" + strconv.Itoa(l.Line)
		}
		ev := &RelevantEvidence{Href: render.FileHref(l.Path, l.Line), Description: md(where)}
		if l.Commit != "" {
			ev.Props = []Prop{{Name: "commit", NS: NS, Value: propValue(l.Commit)}}
		}
		return ev
	case l.URL != "":
		return &RelevantEvidence{Href: render.SafeURL(l.URL), Description: md(l.URL)}
	case l.Commit != "":
		return &RelevantEvidence{Description: "commit " + md(l.Commit), Props: []Prop{{Name: "commit", NS: NS, Value: propValue(l.Commit)}}}
	}
	return nil
}

func document(d report.AttestedDocument) RelevantEvidence {
	var ev RelevantEvidence
	switch {
	case d.Path != "":
		ev = RelevantEvidence{Href: render.FileHref(d.Path, 0), Description: md(d.Path)}
	default:
		ev = RelevantEvidence{Href: render.SafeURL(d.URL), Description: descriptionText(d.URL)}
	}
	if h := hexDigest(d.SHA256); h != "" {
		ev.Props = append(ev.Props, Prop{Name: "sha256", NS: NS, Value: h},
			Prop{Name: "digest-matches", NS: NS, Value: boolText(d.Matches)})
	}
	if d.Problem != "" {
		ev.Remarks = md(d.Problem)
	}
	return ev
}

// hexDigest accepts "sha256:HEX" or "HEX" and returns the hex, or "".
func hexDigest(s string) string {
	s = strings.TrimPrefix(s, "sha256:")
	if len(s) != 64 {
		return ""
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return ""
		}
	}
	return strings.ToLower(s)
}

func dedupe(in []RelatedObservation) []RelatedObservation {
	seen := map[string]bool{}
	var out []RelatedObservation
	for _, o := range in {
		if !seen[o.ObservationUUID] {
			seen[o.ObservationUUID] = true
			out = append(out, o)
		}
	}
	return out
}
