package framework

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/catalog"
	"github.com/assaysec/assay/internal/mapping"
	rulelist "github.com/assaysec/assay/internal/rule/list"
)

// official lists every control of each framework version, as its owner
// numbers them. The mapping data must list each exactly once.
var official = map[string][]string{
	"ssdf 1.1": {
		"PO.1.1", "PO.1.2", "PO.1.3", "PO.2.1", "PO.2.2", "PO.2.3", "PO.3.1", "PO.3.2", "PO.3.3",
		"PO.4.1", "PO.4.2", "PO.5.1", "PO.5.2",
		"PS.1.1", "PS.2.1", "PS.3.1", "PS.3.2",
		"PW.1.1", "PW.1.2", "PW.1.3", "PW.2.1", "PW.4.1", "PW.4.2", "PW.4.4", "PW.5.1", "PW.6.1", "PW.6.2",
		"PW.7.1", "PW.7.2", "PW.8.1", "PW.8.2", "PW.9.1", "PW.9.2",
		"RV.1.1", "RV.1.2", "RV.1.3", "RV.2.1", "RV.2.2", "RV.3.1", "RV.3.2", "RV.3.3", "RV.3.4",
	},
	"cra-annex-i 2024-11-20": {
		"I.1", "I.2(a)", "I.2(b)", "I.2(c)", "I.2(d)", "I.2(e)", "I.2(f)", "I.2(g)", "I.2(h)", "I.2(i)",
		"I.2(j)", "I.2(k)", "I.2(l)", "I.2(m)",
		"II.1", "II.2", "II.3", "II.4", "II.5", "II.6", "II.7", "II.8",
	},
	"osps-baseline 2026-02-19": {
		// Level 1
		"OSPS-AC-01.01", "OSPS-AC-02.01", "OSPS-AC-03.01", "OSPS-AC-03.02", "OSPS-BR-01.01", "OSPS-BR-01.03",
		"OSPS-BR-03.01", "OSPS-BR-03.02", "OSPS-BR-07.01", "OSPS-DO-01.01", "OSPS-DO-02.01", "OSPS-GV-02.01",
		"OSPS-GV-03.01", "OSPS-LE-02.01", "OSPS-LE-02.02", "OSPS-LE-03.01", "OSPS-LE-03.02", "OSPS-QA-01.01",
		"OSPS-QA-01.02", "OSPS-QA-02.01", "OSPS-QA-04.01", "OSPS-QA-05.01", "OSPS-QA-05.02", "OSPS-VM-02.01",
		// Level 2
		"OSPS-AC-04.01", "OSPS-BR-02.01", "OSPS-BR-04.01", "OSPS-BR-05.01", "OSPS-BR-06.01", "OSPS-DO-06.01",
		"OSPS-DO-07.01", "OSPS-GV-01.01", "OSPS-GV-01.02", "OSPS-GV-03.02", "OSPS-LE-01.01", "OSPS-QA-03.01",
		"OSPS-QA-06.01", "OSPS-SA-01.01", "OSPS-SA-02.01", "OSPS-SA-03.01", "OSPS-VM-01.01", "OSPS-VM-03.01",
		"OSPS-VM-04.01",
		// Level 3
		"OSPS-AC-04.02", "OSPS-BR-01.04", "OSPS-BR-02.02", "OSPS-BR-07.02", "OSPS-DO-03.01", "OSPS-DO-03.02",
		"OSPS-DO-04.01", "OSPS-DO-05.01", "OSPS-GV-04.01", "OSPS-QA-02.02", "OSPS-QA-04.02", "OSPS-QA-06.02",
		"OSPS-QA-06.03", "OSPS-QA-07.01", "OSPS-SA-03.02", "OSPS-VM-04.02", "OSPS-VM-05.01", "OSPS-VM-05.02",
		"OSPS-VM-05.03", "OSPS-VM-06.01", "OSPS-VM-06.02",
	},
}

var ospsLevels = map[int]int{1: 24, 2: 19, 3: 21}

func TestEveryControlExactlyOnce(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range s.All() {
		key := f.Meta.ID + " " + f.Meta.Version
		want, ok := official[key]
		if !ok {
			t.Errorf("framework %s has no official control list in this test", key)
			continue
		}
		got = append(got, key)
		var ids []string
		for _, c := range f.Controls {
			ids = append(ids, c.ID)
		}
		// Parse already rejects duplicates; compare as sorted sets so
		// a missing or extra control shows in the diff.
		w, g := slices.Clone(want), slices.Clone(ids)
		slices.Sort(w)
		slices.Sort(g)
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("%s controls (-official +data):\n%s", key, diff)
		}
		if len(slices.Compact(g)) != len(ids) {
			t.Errorf("%s: a control appears more than once", key)
		}
	}
	slices.Sort(got)
	if len(got) != len(official) {
		t.Errorf("frameworks loaded %v, want one per official list", got)
	}
}

func TestOSPSLevels(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	f, ok := s.Get("osps-baseline")
	if !ok {
		t.Fatal("no osps-baseline")
	}
	n := map[int]int{}
	for _, c := range f.Controls {
		n[c.Level]++
	}
	if diff := cmp.Diff(ospsLevels, n); diff != "" {
		t.Errorf("controls per maturity level (-want +got):\n%s", diff)
	}
}

// TestMappedRulesExist: every rule a control names is a built-in rule.
func TestMappedRulesExist(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	rs, err2 := rulelist.All()
	err = err2
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, r := range rs {
		known[r.Meta().ID] = true
	}
	maps, err := mapping.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range s.All() {
		for _, c := range f.Controls {
			for _, id := range c.Rules.IDs() {
				if !known[id] {
					t.Errorf("%s %s: unknown rule %s", f.Meta.ID, c.ID, id)
				} else if len(maps.ClaimsOf(id)) == 0 {
					t.Errorf("%s %s: rule %s is mapped to no UK claim", f.Meta.ID, c.ID, id)
				}
			}
		}
	}
}

// TestInheritsPublishedCrosswalk: an OSPS requirement carries its control's
// published UK claims, marked published.
func TestInheritsPublishedCrosswalk(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := s.Get("osps-baseline")
	c, ok := f.Control("OSPS-BR-06.01")
	if !ok {
		t.Fatal("no OSPS-BR-06.01")
	}
	want := []ClaimLink{{ID: "1.2.2", Source: SourcePublished}, {ID: "3.1.1", Source: SourcePublished}}
	if diff := cmp.Diff(want, c.Links); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
	if c.Source != SourceOurs {
		t.Errorf("a control decided by Assay's rule is ours, got %s", c.Source)
	}
	c, _ = f.Control("OSPS-AC-02.01")
	if c.Source != SourcePublished {
		t.Errorf("a control decided by the published links only is published, got %s", c.Source)
	}
	ssdf, _ := s.Get("ssdf")
	c, _ = ssdf.Control("PS.1.1")
	if !slices.ContainsFunc(c.Links, func(l ClaimLink) bool { return l.ID == "2.2.2" }) {
		t.Errorf("PS.1.1 links %v: want the crosswalk's 2.2.2", c.Links)
	}
}

func TestParseRejects(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	head := "framework: {id: x, version: \"1\", title: X, publisher: P, source: ours}\ngroups: [{id: G, title: G}]\n"
	for name, tc := range map[string]struct{ yaml, want string }{
		"duplicate":     {head + "controls: [{id: A, group: G, title: a}, {id: A, group: G, title: b}]", "appears more than once"},
		"unknown claim": {head + "controls: [{id: A, group: G, title: a, claims: [\"9.9.9\"]}]", "unknown claim"},
		"unknown group": {head + "controls: [{id: A, group: H, title: a}]", "unknown group"},
		"unknown key":   {head + "controls: [{id: A, group: G, title: a, colour: red}]", "not found"},
		"bad source":    {strings.Replace(head, "ours", "mine", 1) + "controls: []", "want published or ours"},
		"bad crosswalk": {strings.Replace(head, "source: ours", "source: ours, crosswalk: nope", 1) + "controls: []", "not in the catalog"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), cat)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
