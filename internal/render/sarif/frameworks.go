package sarif

import (
	"cmp"
	"slices"
	"strings"

	"github.com/assaysec/assay/internal/report"
)

// Other frameworks (NIST SSDF, CRA Annex I, OSPS Baseline) asked for with
// --framework are carried the way the Code of Practice is: each is a SARIF
// taxonomy whose taxa are its controls, each control's verdict sits in the
// taxon's property bag, and every rule relates to the controls it bears on.
// A rule bears on a control when the control's mapping names the rule or
// one of the UK claims the rule supports.

// frameworkTaxonomyName is the toolComponent name of a framework's
// taxonomy; it never collides with the Code of Practice's.
func frameworkTaxonomyName(id string) string { return "assay-framework-" + id }

// frameworkTaxonomies builds one taxonomy per framework view.
func frameworkTaxonomies(views []report.FrameworkView) []Component {
	var out []Component
	for _, v := range views {
		t := Component{
			Name: frameworkTaxonomyName(v.ID), FullName: clean(v.Title), Version: v.Version,
			Organization: clean(v.Publisher), InformationURI: v.URL,
			ShortDescription: &Message{Text: clean(v.Title + " " + v.Version + ", mapped by " + v.MappingSource)},
		}
		for _, c := range v.Controls {
			var claims []string
			for _, cc := range c.Claims {
				claims = append(claims, cc.ID)
			}
			t.Taxa = append(t.Taxa, Descriptor{
				ID: c.ID, Name: clean(c.ID),
				ShortDescription: &Message{Text: clean(c.Title)},
				FullDescription:  &Message{Text: clean(string(c.Status) + ": " + c.Reason)},
				Properties: &RuleProperties{
					Tags:          []string{frameworkTaxonomyName(v.ID), "group-" + c.Group},
					Claims:        claims,
					Status:        string(c.Status),
					MappingSource: c.Source,
					Level:         c.Level,
				},
			})
		}
		out = append(out, t)
	}
	return out
}

// frameworkRelations indexes, per rule id, the framework controls the rule
// bears on, in the views' order.
func frameworkRelations(views []report.FrameworkView, ruleClaims map[string][]string) map[string][]DescriptorRef {
	out := map[string][]DescriptorRef{}
	add := func(rule string, ref DescriptorRef) {
		if !slices.ContainsFunc(out[rule], func(r DescriptorRef) bool {
			return r.ID == ref.ID && r.ToolComponent.Name == ref.ToolComponent.Name
		}) {
			out[rule] = append(out[rule], ref)
		}
	}
	for _, v := range views {
		for _, c := range v.Controls {
			ref := DescriptorRef{ID: c.ID, ToolComponent: &ComponentRef{Name: frameworkTaxonomyName(v.ID)}}
			for _, f := range c.Findings {
				add(f.Rule, ref)
			}
			for rule, claims := range ruleClaims {
				if slices.ContainsFunc(c.Claims, func(cc report.ControlClaim) bool { return slices.Contains(claims, cc.ID) }) {
					add(rule, ref)
				}
			}
		}
	}
	for rule := range out {
		slices.SortStableFunc(out[rule], func(a, b DescriptorRef) int {
			return cmp.Or(strings.Compare(a.ToolComponent.Name, b.ToolComponent.Name), strings.Compare(a.ID, b.ID))
		})
	}
	return out
}

// frameworkSummaries are the run-level tallies of each framework view.
type frameworkSummary struct {
	ID            string               `json:"id"`
	Version       string               `json:"version"`
	MappingSource string               `json:"mappingSource"`
	Summary       report.ControlCounts `json:"summary"`
}

func frameworkSummaries(views []report.FrameworkView) []frameworkSummary {
	var out []frameworkSummary
	for _, v := range views {
		out = append(out, frameworkSummary{ID: v.ID, Version: v.Version, MappingSource: v.MappingSource, Summary: v.Summary})
	}
	return out
}
