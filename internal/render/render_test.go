package render_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/render/jsonfmt"
	"github.com/assaysec/assay/internal/render/markdown"
	"github.com/assaysec/assay/internal/render/rendertest"
	"github.com/assaysec/assay/internal/render/text"
	"github.com/assaysec/assay/internal/report"
)

func TestRenderers_Golden(t *testing.T) {
	rep := rendertest.Fixture(t)
	tests := []struct {
		name string
		r    render.Renderer
	}{
		{"text.golden", text.New(render.Options{})},
		{"text-verbose.golden", text.New(render.Options{Verbose: true})},
		{"text-color.golden", text.New(render.Options{Color: true})},
		{"report.json.golden", jsonfmt.New(render.Options{})},
		{"report.md.golden", markdown.New(render.Options{})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.r.Render(&buf, rep); err != nil {
				t.Fatalf("Render: %v", err)
			}
			rendertest.Golden(t, tc.name, buf.Bytes())
		})
	}
}

// Terminal formats must never pass a raw control character from the
// repository or the declaration through.
func TestText_StripsControlCharacters(t *testing.T) {
	rep := rendertest.Fixture(t)
	for _, verbose := range []bool{false, true} {
		var buf bytes.Buffer
		if err := text.New(render.Options{Verbose: verbose}).Render(&buf, rep); err != nil {
			t.Fatal(err)
		}
		for i, c := range buf.Bytes() {
			if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
				t.Fatalf("verbose=%v: raw control byte %#x at offset %d", verbose, c, i)
			}
		}
	}
}

func TestMarkdown_EscapesMarkup(t *testing.T) {
	rep := rendertest.Fixture(t)
	var buf bytes.Buffer
	if err := markdown.New(render.Options{}).Render(&buf, rep); err != nil {
		t.Fatal(err)
	}
	// Inside a code span Markdown shows markup as text; anywhere else it
	// must be escaped.
	if strings.Contains(outsideCodeSpans(buf.String()), "<script>") {
		t.Errorf("markdown output contains raw <script> outside a code span")
	}
	if strings.ContainsRune(buf.String(), 0x1b) {
		t.Errorf("markdown output contains a raw escape character")
	}
}

func TestJSON_ValidatesAgainstSchema(t *testing.T) {
	rep := rendertest.Fixture(t)
	var buf bytes.Buffer
	if err := jsonfmt.New(render.Options{}).Render(&buf, rep); err != nil {
		t.Fatal(err)
	}
	ValidateReportJSON(t, buf.Bytes())
}

// ValidateReportJSON checks data against the embedded report schema.
func ValidateReportJSON(t *testing.T, data []byte) {
	t.Helper()
	schemaDoc, err := jsonschema.UnmarshalJSON(bytes.NewReader(report.Schema))
	if err != nil {
		t.Fatalf("parse schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("report.schema.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("report.schema.json")
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parse report: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("report does not match the schema: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
}

func outsideCodeSpans(s string) string {
	var b strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		if s[i] == '`' && (i == 0 || s[i-1] != '\\') {
			in = !in
			continue
		}
		if !in {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
