package vex

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/testutil/golden"
)

func TestParseDocs(t *testing.T) {
	ents, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".json") || strings.Contains(e.Name(), "schema") {
			continue
		}
		data, err := os.ReadFile(filepath.Join("testdata", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Parse(e.Name(), data)
		if err != nil {
			fmt.Fprintf(&b, "%s: %v\n", e.Name(), err)
			continue
		}
		fmt.Fprintf(&b, "%s: %s, %d statements\n", e.Name(), doc.Format, len(doc.Statements))
		for _, s := range doc.Statements {
			fmt.Fprintf(&b, "  %s %s products=%s just=%q\n", strings.Join(s.Vulns, ","), s.Status, strings.Join(s.Products, ","), s.Justification)
		}
	}
	golden.Check(t, filepath.Join("testdata", "parse.golden"), []byte(b.String()))
}

func TestApply(t *testing.T) {
	pkg := evidence.DepPackage{Ecosystem: "npm", Name: "ansi-html", Version: "0.0.1", PURL: "pkg:npm/ansi-html@0.0.1"}
	other := evidence.DepPackage{Ecosystem: "npm", Name: "wrappy", Version: "1.0.2", PURL: "pkg:npm/wrappy@1.0.2"}
	vulns := []evidence.Vulnerability{
		{ID: "GHSA-whgm-jr23-g3j9", Aliases: []string{"GHSA-whgm-jr23-g3j9", "CVE-2021-23424"}, Package: pkg, Status: Affected},
		{ID: "GHSA-whgm-jr23-g3j9", Aliases: []string{"GHSA-whgm-jr23-g3j9", "CVE-2021-23424"}, Package: other, Status: Affected},
		{ID: "GHSA-xxxx", Aliases: []string{"GHSA-xxxx"}, Package: pkg, Status: Affected},
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	stmts := []Statement{
		{Vulns: []string{"CVE-2021-23424"}, Products: []string{"pkg:npm/ansi-html"}, Status: NotAffected, Justification: "vulnerable_code_not_in_execute_path", Time: t0, Source: "vex/a.json"},
		{Vulns: []string{"CVE-2021-23424"}, Products: []string{"pkg:npm/ansi-html@0.0.1"}, Status: UnderInvestigation, Time: t0.Add(-time.Hour), Source: "vex/old.json"},
		{Vulns: []string{"GHSA-xxxx"}, Products: []string{"pkg:oci/acme-app"}, Status: Fixed, Time: t0, Source: "vex/b.json"},
	}
	got := Apply(vulns, stmts)
	var st []string
	for _, v := range got {
		st = append(st, v.Package.Name+" "+v.ID+" "+v.Status+" "+v.Justification+" "+v.StatusSource)
	}
	want := []string{
		"ansi-html GHSA-whgm-jr23-g3j9 not_affected vulnerable_code_not_in_execute_path vex/a.json",
		"wrappy GHSA-whgm-jr23-g3j9 affected  ",
		"ansi-html GHSA-xxxx fixed  vex/b.json", // a product-level statement covers its components
	}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if Open(got[0]) || !Open(got[1]) || Open(got[2]) {
		t.Error("Open disagrees with the statuses")
	}
}

func TestOpenVEX(t *testing.T) {
	vulns := []evidence.Vulnerability{
		{ID: "GHSA-whgm-jr23-g3j9", Aliases: []string{"GHSA-whgm-jr23-g3j9", "CVE-2021-23424"}, Package: evidence.DepPackage{Name: "ansi-html", PURL: "pkg:npm/ansi-html@0.0.1"}, Fixed: []string{"0.0.9"}, Status: Affected},
		{ID: "GHSA-9f46-5r25-5wfm", Aliases: []string{"GHSA-9f46-5r25-5wfm"}, Package: evidence.DepPackage{Name: "league/flysystem", PURL: "pkg:composer/league/flysystem@1.0.8"}, Status: NotAffected, Justification: "vulnerable_code_not_present"},
	}
	opts := OpenVEXOptions{Author: "Acme Ltd", Product: "pkg:generic/acme-app@1.2.3", Time: time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC), Tooling: "assay test"}
	a, err := OpenVEX(vulns, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := OpenVEX(vulns, opts)
	if !bytes.Equal(a, b) {
		t.Error("OpenVEX output is not deterministic")
	}
	c := jsonschema.NewCompiler()
	f, _ := os.Open("testdata/openvex_json_schema.json")
	doc, err := jsonschema.UnmarshalJSON(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	c.AddResource("openvex.json", doc)
	s, err := c.Compile("openvex.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(a))
	if err := s.Validate(inst); err != nil {
		t.Errorf("OpenVEX output fails the schema: %v\n%s", err, a)
	}
	back, err := Parse("out.json", a)
	if err != nil || len(back.Statements) != 2 {
		t.Fatalf("read back: %v %+v", err, back)
	}
	if back.Statements[0].Status != NotAffected || back.Statements[0].Justification != "vulnerable_code_not_present" {
		t.Errorf("round trip: %+v", back.Statements[0])
	}
}

func FuzzParse(f *testing.F) {
	for _, n := range []string{"openvex-v0.0.1.json", "openvex-v0.2.0.json", "cyclonedx-vex.json", "csaf-vex-na.json"} {
		if data, err := os.ReadFile(filepath.Join("testdata", n)); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		Apply([]evidence.Vulnerability{{ID: "CVE-1", Aliases: []string{"CVE-1"}, Package: evidence.DepPackage{PURL: "pkg:npm/x@1"}}}, doc.Statements)
	})
}
