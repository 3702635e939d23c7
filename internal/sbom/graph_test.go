package sbom

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/assaysec/assay/internal/deps"
	"github.com/assaysec/assay/internal/source"
)

// Real lockfiles copied from /work/shared/corpus (see testdata/lockfiles/MANIFEST.tsv).
const corpusLocks = "testdata/lockfiles/"

// TestWriteGraph writes SBOMs of real lockfiles, validates them against
// the CycloneDX 1.6 and SPDX 2.3 schemas and checks that transitive
// requirements are recorded component to component, and that the
// product's own crate is the document's subject, not one of its
// components.
func TestWriteGraph(t *testing.T) {
	cdxSchema, spdxSchema := schemas(t)
	tests := []struct {
		name, src, as string
		chains        [][]string // each a path of purls, first requiring second, ...
		notComponent  string
		manifest      string   // package.json beside the lockfile, "" for none
		direct        []string // purls the product requires itself; nil to skip the check
	}{
		{"npm v2 nested copies", "nested-dependencies.v2.json", "package-lock.json",
			[][]string{{"pkg:npm/postcss-calc@7.0.1", "pkg:npm/postcss@7.0.16", "pkg:npm/supports-color@6.1.0"}, {"pkg:npm/postcss@6.0.23", "pkg:npm/supports-color@5.5.0"}}, "", "", nil},
		{"npm v1 nested copies", "nested-dependencies.v1.json", "package-lock.json",
			[][]string{{"pkg:npm/postcss-calc@7.0.1", "pkg:npm/postcss@7.0.16", "pkg:npm/supports-color@6.1.0"}, {"pkg:npm/postcss@6.0.23", "pkg:npm/supports-color@5.5.0"}}, "", "", nil},
		{"cargo", "deprecated-novuln.Cargo.lock", "Cargo.lock",
			[][]string{{"pkg:cargo/url@2.5.3", "pkg:cargo/idna@1.1.0", "pkg:cargo/idna_adapter@1.2.1"}}, "rust_novuln_deprecated", "", nil},
		{"pnpm 5.3", "peer-dependencies-advanced.yaml", "pnpm-lock.yaml",
			[][]string{{"pkg:npm/%40typescript-eslint/eslint-plugin@5.13.0", "pkg:npm/%40typescript-eslint/type-utils@5.13.0", "pkg:npm/%40typescript-eslint/utils@5.13.0", "pkg:npm/eslint-utils@3.0.0", "pkg:npm/eslint@8.10.0"}}, "", "",
			[]string{"pkg:npm/%40typescript-eslint/eslint-plugin@5.13.0", "pkg:npm/%40typescript-eslint/parser@5.13.0", "pkg:npm/eslint@8.10.0"}},
		{"pnpm 6.0", "peer-dependencies-advanced-v6.yaml", "pnpm-lock.yaml",
			[][]string{{"pkg:npm/react-dom@18.3.0-canary-ab31a9ed2-20230824", "pkg:npm/react@18.3.0-canary-ab31a9ed2-20230824", "pkg:npm/loose-envify@1.4.0", "pkg:npm/js-tokens@4.0.0"}}, "", "",
			[]string{"pkg:npm/react-dom@18.3.0-canary-ab31a9ed2-20230824"}},
		{"pnpm 9.0", "peer-dependencies-advanced.v9.yaml", "pnpm-lock.yaml",
			[][]string{{"pkg:npm/%40typescript-eslint/eslint-plugin@5.62.0", "pkg:npm/%40typescript-eslint/utils@5.62.0", "pkg:npm/%40eslint-community/eslint-utils@4.4.0", "pkg:npm/eslint@8.57.0", "pkg:npm/%40eslint/eslintrc@2.1.4", "pkg:npm/debug@4.3.4"}}, "", "",
			// supports-color is a transitive peer that no kept edge reaches.
			[]string{"pkg:npm/%40typescript-eslint/eslint-plugin@5.62.0", "pkg:npm/%40typescript-eslint/parser@5.62.0", "pkg:npm/eslint@8.57.0", "pkg:npm/typescript@4.9.5", "pkg:npm/supports-color@7.2.0"}},
		{"yarn v1 local directories", "files.v1.lock", "yarn.lock", nil, "other_package",
			`{"dependencies":{"other_package":"file:./deps/other_package"}}`, []string{"pkg:npm/etag@1.8.1", "pkg:npm/lodash@1.3.1"}},
		{"yarn v1 chain", "classic.yarn.lock", "yarn.lock",
			[][]string{{"pkg:npm/app-lib@1.2.0", "pkg:npm/b@1.5.0", "pkg:npm/c@3.0.1"}, {"pkg:npm/b@2.1.0", "pkg:npm/c@3.0.1"}, {"pkg:npm/app-lib@1.2.0", "pkg:npm/%40scope/d@1.0.0", "pkg:npm/alias-target@4.0.0"}}, "",
			`{"dependencies":{"app-lib":"^1.0.0"},"devDependencies":{"b":"^2.0.0"}}`, []string{"pkg:npm/app-lib@1.2.0", "pkg:npm/b@2.1.0"}},
		{"yarn berry workspace", "exclude-root.v2.lock", "yarn.lock", nil, "@ws/ansi-regex", "", []string{"pkg:npm/ansi-regex@6.1.0"}},
		{"yarn berry aliases", "with-aliases.v2.lock", "yarn.lock", nil, "", "",
			[]string{"pkg:npm/ansi-regex@5.0.1", "pkg:npm/ansi-regex@6.0.1", "pkg:npm/%40babel/helper-validator-identifier@7.22.20"}},
		{"yarn berry chain", "berry.yarn.lock", "yarn.lock",
			[][]string{{"pkg:npm/app-lib@1.2.0", "pkg:npm/b@1.5.0", "pkg:npm/c@3.0.1"}, {"pkg:npm/b@2.1.0", "pkg:npm/c@3.0.1"}}, "member", "",
			[]string{"pkg:npm/app-lib@1.2.0", "pkg:npm/b@2.1.0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.FromSlash(corpusLocks + tc.src))
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tc.as), data, 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.manifest != "" {
				if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(tc.manifest), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			tree, err := source.OpenTree(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer tree.Close()
			inv := deps.Scan(context.Background(), tree, deps.Options{})
			var cdxOut, spdxOut bytes.Buffer
			if err := Write(&cdxOut, CycloneDXJSON, subject, inv.Packages(), inv.Edges()); err != nil {
				t.Fatal(err)
			}
			if err := Write(&spdxOut, SPDXJSON, subject, inv.Packages(), inv.Edges()); err != nil {
				t.Fatal(err)
			}
			validate(t, cdxSchema, cdxOut.Bytes())
			validate(t, spdxSchema, spdxOut.Bytes())

			var bom struct {
				Components []struct {
					Ref  string `json:"bom-ref"`
					Name string `json:"name"`
				} `json:"components"`
				Dependencies []struct {
					Ref       string   `json:"ref"`
					DependsOn []string `json:"dependsOn"`
				} `json:"dependencies"`
			}
			if err := json.Unmarshal(cdxOut.Bytes(), &bom); err != nil {
				t.Fatal(err)
			}
			cdxEdges := map[[2]string]bool{}
			for _, d := range bom.Dependencies {
				for _, to := range d.DependsOn {
					cdxEdges[[2]string{d.Ref, to}] = true
				}
			}
			var doc struct {
				Packages []struct {
					ID   string `json:"SPDXID"`
					Refs []struct {
						Locator string `json:"referenceLocator"`
					} `json:"externalRefs"`
				} `json:"packages"`
				Relationships []struct {
					A   string `json:"spdxElementId"`
					B   string `json:"relatedSpdxElement"`
					Rel string `json:"relationshipType"`
				} `json:"relationships"`
			}
			if err := json.Unmarshal(spdxOut.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			idOf := map[string]string{}
			for _, p := range doc.Packages {
				for _, r := range p.Refs {
					idOf[r.Locator] = p.ID
				}
			}
			spdxEdges := map[[2]string]bool{}
			for _, r := range doc.Relationships {
				if r.Rel == "DEPENDS_ON" {
					spdxEdges[[2]string{r.A, r.B}] = true
				}
			}
			for _, chain := range tc.chains {
				for i := 0; i+1 < len(chain); i++ {
					if !cdxEdges[[2]string{chain[i], chain[i+1]}] {
						t.Errorf("CycloneDX: no %s -> %s", chain[i], chain[i+1])
					}
					if !spdxEdges[[2]string{idOf[chain[i]], idOf[chain[i+1]]}] {
						t.Errorf("SPDX: no %s DEPENDS_ON %s", chain[i], chain[i+1])
					}
				}
			}
			if tc.notComponent != "" {
				for _, c := range bom.Components {
					if c.Name == tc.notComponent {
						t.Errorf("the product %s is listed as a component of itself", c.Name)
					}
				}
			}
			if tc.direct != nil {
				var root []string
				for _, d := range bom.Dependencies {
					if d.Ref == "root:"+subject.Name {
						root = slices.Sorted(slices.Values(d.DependsOn))
					}
				}
				if want := slices.Sorted(slices.Values(tc.direct)); !slices.Equal(root, want) {
					t.Errorf("the product depends on %v, want %v", root, want)
				}
				var spdxRoot []string
				for _, r := range doc.Relationships {
					switch {
					case r.A == "SPDXRef-Product" && r.Rel == "DEPENDS_ON":
						spdxRoot = append(spdxRoot, r.B)
					case r.B == "SPDXRef-Product" && (r.Rel == "DEV_DEPENDENCY_OF" || r.Rel == "OPTIONAL_DEPENDENCY_OF"):
						spdxRoot = append(spdxRoot, r.A)
					}
				}
				var wantIDs []string
				for _, p := range tc.direct {
					wantIDs = append(wantIDs, idOf[p])
				}
				if slices.Sort(spdxRoot); !slices.Equal(spdxRoot, slices.Sorted(slices.Values(wantIDs))) {
					t.Errorf("SPDX: the product DEPENDS_ON %v, want %v", spdxRoot, wantIDs)
				}
			}
			spdxReach := map[string]bool{"SPDXRef-Product": true}
			for changed := true; changed; {
				changed = false
				for _, r := range doc.Relationships {
					a, b := r.A, r.B
					switch r.Rel {
					case "DEPENDS_ON":
					case "DEV_DEPENDENCY_OF", "OPTIONAL_DEPENDENCY_OF":
						a, b = b, a
					default:
						continue
					}
					if spdxReach[a] && !spdxReach[b] {
						spdxReach[b], changed = true, true
					}
				}
			}
			for _, p := range doc.Packages {
				if !spdxReach[p.ID] {
					t.Errorf("SPDX: %s is not reachable from the described package", p.ID)
				}
			}
			// Every component is reachable from the product.
			reach := map[string]bool{}
			queue := []string{"root:" + subject.Name}
			for len(queue) > 0 {
				r := queue[0]
				queue = queue[1:]
				for _, d := range bom.Dependencies {
					if d.Ref == r {
						for _, to := range d.DependsOn {
							if !reach[to] {
								reach[to] = true
								queue = append(queue, to)
							}
						}
					}
				}
			}
			for _, c := range bom.Components {
				if !reach[c.Ref] {
					t.Errorf("%s is not reachable from the product", c.Ref)
				}
			}
			if len(bom.Components) != len(slices.Compact(slices.Sorted(func(yield func(string) bool) {
				for _, p := range inv.Packages() {
					if !yield(p.Ref()) {
						return
					}
				}
			}))) {
				t.Errorf("%d components, not one per distinct package", len(bom.Components))
			}
		})
	}
}

func schemas(t *testing.T) (*jsonschema.Schema, *jsonschema.Schema) {
	t.Helper()
	cdxSchema := compile(t, "http://cyclonedx.org/schema/bom-1.6.schema.json", map[string]string{
		"http://cyclonedx.org/schema/bom-1.6.schema.json":  "testdata/schemas/cyclonedx-bom-1.6.schema.json",
		"http://cyclonedx.org/schema/spdx.schema.json":     "testdata/schemas/cyclonedx-spdx-licenses.schema.json",
		"http://cyclonedx.org/schema/jsf-0.82.schema.json": "", // signatures are never written
	})
	spdxSchema := compile(t, "http://spdx.org/rdf/terms/2.3", map[string]string{
		"http://spdx.org/rdf/terms/2.3": "testdata/schemas/spdx-2.3-schema.json",
	})
	return cdxSchema, spdxSchema
}

func validate(t *testing.T, s *jsonschema.Schema, doc []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("schema validation: %v", err)
	}
}
