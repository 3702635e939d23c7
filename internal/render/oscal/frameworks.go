package oscal

import (
	"strconv"
	"strings"

	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/report"
)

// observer turns findings into observations, one per distinct finding, so
// that several OSCAL findings citing the same evidence share it. OSCAL
// scopes observations to a result, so each result has its own observer.
type observer struct {
	subject, at string
	scope       []string // extra uuid parts that keep another result's observations distinct
	index       map[string]string
	list        []Observation
}

func newObserver(subject, at string, scope ...string) *observer {
	return &observer{subject: subject, at: at, scope: scope, index: map[string]string{}}
}

func (o *observer) finding(f report.Finding) string {
	key := strings.Join([]string{f.Rule, string(f.Outcome), f.Message, f.Location.Path, strconv.Itoa(f.Location.Line), f.Location.URL, f.Location.Commit}, "\x00")
	if id, ok := o.index[key]; ok {
		return id
	}
	id := uuid5(append(append([]string{"observation", o.subject}, o.scope...), key)...)
	o.index[key] = id
	obs := Observation{UUID: id, Title: "Rule " + md(f.Rule) + ": " + outcomeText(f.Outcome),
		Description: descriptionText(f.Message),
		Props:       []Prop{{Name: "rule-id", NS: NS, Value: propValue(f.Rule)}, {Name: "outcome", NS: NS, Value: propValue(string(f.Outcome))}},
		Methods:     []string{"EXAMINE"}, Types: []string{"finding"}, Collected: o.at}
	if ev := evidence(f.Location); ev != nil {
		obs.RelevantEvidence = []RelevantEvidence{*ev}
	}
	o.list = append(o.list, obs)
	return id
}

// frameworkResults gives each other framework asked for with --framework
// (NIST SSDF, CRA Annex I, OSPS Baseline) a result of its own: OSCAL
// results each review one set of controls, and these controls are not in
// the Code of Practice catalog. Each control is a finding targeting the
// control's objective, with the UK claims it maps to and the rule findings
// behind it as observations.
func frameworkResults(r *report.Report, subject, at string) []Result {
	var out []Result
	for _, v := range r.Frameworks {
		out = append(out, frameworkResult(r, v, subject, at))
	}
	return out
}

func frameworkResult(r *report.Report, v report.FrameworkView, subject, at string) Result {
	scope := []string{"framework", v.ID, v.Version}
	desc := "Controls of " + md(v.Title) + " " + md(v.Version) + " judged from the same evidence, rule findings and claims as the Code of Practice result. Mapping: " + md(v.MappingSource) + "."
	if v.MappingNote != "" {
		desc += " " + md(v.MappingNote)
	}
	res := Result{
		UUID:        uuid5(append([]string{"result", subject}, scope...)...),
		Title:       "Assay " + md(r.Tool.Version) + " assessment of " + md(r.Subject.Product) + " against " + md(v.Title) + " " + md(v.Version),
		Description: desc,
		Start:       at,
		End:         at,
		Props: []Prop{
			{Name: "framework-id", NS: NS, Value: propValue(v.ID)},
			{Name: "framework-version", NS: NS, Value: propValue(v.Version)},
			{Name: "mapping-source", NS: NS, Value: propValue(v.MappingSource)},
			{Name: "controls-met", NS: NS, Value: strconv.Itoa(v.Summary.Met)},
			{Name: "controls-not-met", NS: NS, Value: strconv.Itoa(v.Summary.NotMet)},
			{Name: "controls-unknown", NS: NS, Value: strconv.Itoa(v.Summary.Unknown)},
			{Name: "controls-not-applicable", NS: NS, Value: strconv.Itoa(v.Summary.NotApplicable)},
			{Name: "controls-total", NS: NS, Value: strconv.Itoa(v.Summary.Total)},
		},
		ReviewedControls: ReviewedControls{
			Description:       "Every control of " + md(v.Title) + " " + md(v.Version) + ".",
			ControlSelections: []ControlSelection{{IncludeAll: &struct{}{}}},
		},
	}
	if href := render.SafeURL(v.URL); href != "" {
		res.Links = []Link{{Href: href, Rel: "reference", Text: md(v.Title)}}
	}
	obs := newObserver(subject, at, scope...)
	for _, c := range v.Controls {
		res.Findings = append(res.Findings, controlFinding(v.ID, c, subject, scope, obs))
	}
	res.Observations = obs.list
	return res
}

func controlFinding(framework string, c report.ControlVerdict, subject string, scope []string, obs *observer) Finding {
	f := Finding{
		UUID:        uuid5(append(append([]string{"finding", subject}, scope...), c.ID)...),
		Title:       "Control " + md(c.ID) + ": " + md(c.Title),
		Description: descriptionText(c.Reason),
		Props: []Prop{{Name: "control-status", NS: NS, Value: propValue(string(c.Status))},
			{Name: "mapping-source", NS: NS, Value: propValue(c.Source)},
			{Name: "group", NS: NS, Value: propValue(c.Group)}},
		Target: Target{Type: "objective-id", TargetID: controlToken(framework, c.ID), Status: claimState(c.Status),
			ImplementationStatus: implState(string(c.Status))},
	}
	if c.Level > 0 {
		f.Props = append(f.Props, Prop{Name: "maturity-level", NS: NS, Value: strconv.Itoa(c.Level)})
	}
	var remarks []string
	for _, cc := range c.Claims {
		f.Props = append(f.Props, Prop{Name: "maps-to-claim", NS: NS, Value: propValue(cc.ID), Class: string(cc.Role),
			Remarks: "Claim " + md(cc.ID) + " is " + md(strings.ReplaceAll(string(cc.Status), "_", " ")) + " (" + md(cc.Source) + " mapping)."})
	}
	if c.Person != "" {
		remarks = append(remarks, "Needs a person: "+md(c.Person))
	}
	f.Remarks = strings.Join(remarks, "\n\n")
	for _, fd := range c.Findings {
		f.RelatedObservations = append(f.RelatedObservations, RelatedObservation{ObservationUUID: obs.finding(fd)})
	}
	return f
}

// controlToken makes a control id an OSCAL token (letters, digits, '.',
// '-', '_', starting with a letter), prefixed with its framework so ids
// from different frameworks never meet: "I.2(a)" becomes
// "cra-annex-i-I.2-a-".
func controlToken(framework, id string) string {
	var b strings.Builder
	for _, r := range framework + "-" + id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}
