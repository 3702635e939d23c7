package sbom

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/assaysec/assay/internal/deps"
	"github.com/assaysec/assay/internal/testutil/golden"
)

var subject = Subject{Name: "acme-app", Version: "1.2.3", Supplier: "Acme Ltd", Tool: "assay", ToolVer: "test", Timestamp: time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)}

var pkgs = []deps.Package{
	{Ecosystem: "npm", Name: "ansi-html", Version: "0.0.1", PURL: "pkg:npm/ansi-html@0.0.1", Relation: deps.Direct, Scope: deps.Runtime, Path: "package-lock.json", Line: 5},
	{Ecosystem: "npm", Name: "@babel/core", Version: "7.0.0", PURL: "pkg:npm/%40babel/core@7.0.0", Relation: deps.Transitive, Scope: deps.Dev, Path: "package-lock.json", Line: 9},
	{Ecosystem: "Go", Name: "golang.org/x/sys", Version: "v0.1.0", PURL: "pkg:golang/golang.org/x/sys@v0.1.0", Relation: deps.Direct, Path: "go.mod", Line: 6},
	{Ecosystem: "Packagist", Name: "league/flysystem", Version: "1.0.8", PURL: "pkg:composer/league/flysystem@1.0.8", Path: "composer.lock", Line: 10},
	{Ecosystem: "npm", Name: "ansi-html", Version: "0.0.1", PURL: "pkg:npm/ansi-html@0.0.1", Path: "web/yarn.lock", Line: 4},
}

func compile(t *testing.T, main string, extra map[string]string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	for url, file := range extra {
		// An absent file stands for a schema Assay's output never uses.
		var doc any = map[string]any{"definitions": map[string]any{"signature": map[string]any{}}}
		if file != "" {
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			doc, err = jsonschema.UnmarshalJSON(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
	}
	s, err := c.Compile(main)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestWriteValidates(t *testing.T) {
	cdxSchema := compile(t, "http://cyclonedx.org/schema/bom-1.6.schema.json", map[string]string{
		"http://cyclonedx.org/schema/bom-1.6.schema.json":  "testdata/schemas/cyclonedx-bom-1.6.schema.json",
		"http://cyclonedx.org/schema/spdx.schema.json":     "testdata/schemas/cyclonedx-spdx-licenses.schema.json",
		"http://cyclonedx.org/schema/jsf-0.82.schema.json": "", // signatures are never written
	})
	spdxSchema := compile(t, "http://spdx.org/rdf/terms/2.3", map[string]string{
		"http://spdx.org/rdf/terms/2.3": "testdata/schemas/spdx-2.3-schema.json",
	})
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var a, b bytes.Buffer
			if err := Write(&a, format, subject, pkgs, nil); err != nil {
				t.Fatal(err)
			}
			if err := Write(&b, format, subject, pkgs, nil); err != nil {
				t.Fatal(err)
			}
			if a.String() != b.String() {
				t.Error("output differs between two runs on the same input")
			}
			switch format {
			case CycloneDXJSON, SPDXJSON:
				inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(a.Bytes()))
				if err != nil {
					t.Fatal(err)
				}
				s := cdxSchema
				if format == SPDXJSON {
					s = spdxSchema
				}
				if err := s.Validate(inst); err != nil {
					t.Errorf("schema validation: %v", err)
				}
			}
			// What Assay writes, Assay reads back with no NTIA gaps.
			doc, err := Read("out", a.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if doc.Error != "" || len(doc.Gaps) != 0 || doc.Components == 0 {
				t.Errorf("read back: error %q, gaps %+v, %d components", doc.Error, doc.Gaps, doc.Components)
			}
			golden.Check(t, filepath.Join("testdata", "write-"+format+".golden"), a.Bytes())
		})
	}
}

// TestReadDocs reads every sample document and compares a summary of
// format, version, type and NTIA gaps with the golden file.
func TestReadDocs(t *testing.T) {
	ents, err := os.ReadDir("testdata/docs")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range ents {
		if e.Name() == "README.md" || e.Name() == "MANIFEST.tsv" {
			continue
		}
		data, err := os.ReadFile(filepath.Join("testdata/docs", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Read(e.Name(), data)
		if err != nil {
			fmt.Fprintf(&b, "%s: %v\n", e.Name(), err)
			continue
		}
		fmt.Fprintf(&b, "%s: %s %s %s type=%s supported=%v components=%d packages=%d", e.Name(), doc.Format, doc.SpecVersion, doc.Encoding, doc.Type, doc.Supported, doc.Components, len(doc.Packages))
		if doc.Error != "" {
			fmt.Fprintf(&b, " error=%q", doc.Error)
		}
		for _, g := range doc.Gaps {
			fmt.Fprintf(&b, " gap=%s(%d/%d)", g.Element, g.Missing, g.Total)
		}
		b.WriteString("\n")
	}
	golden.Check(t, filepath.Join("testdata", "read.golden"), []byte(b.String()))
}

func FuzzRead(f *testing.F) {
	for _, n := range []string{"cdx-1.6.json", "cdx-1.5.xml", "spdx-2.3.json", "spdx-2.3.spdx", "spdx-3.0.json", "hbom.cdx.json"} {
		if data, err := os.ReadFile(filepath.Join("testdata/docs", n)); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Read("fuzz", data)
	})
}

// TestWriteLicense: the product's detected licence expression is declared
// on the root component instead of NOASSERTION.
func TestWriteLicense(t *testing.T) {
	s := subject
	s.License = "MIT OR Apache-2.0"
	for format, want := range map[string]string{"spdx-json": `"licenseDeclared": "MIT OR Apache-2.0"`, "cyclonedx-json": `"expression": "MIT OR Apache-2.0"`} {
		var b bytes.Buffer
		if err := Write(&b, format, s, nil, nil); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), want) {
			t.Errorf("%s: no %s in\n%.600s", format, want, b.String())
		}
	}
}
