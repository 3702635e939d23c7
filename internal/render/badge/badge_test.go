package badge_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/render/badge"
	"github.com/assaysec/assay/internal/render/rendertest"
	"github.com/assaysec/assay/internal/report"
)

func TestBadge_Golden(t *testing.T) {
	var buf bytes.Buffer
	if err := badge.New(render.Options{}).Render(&buf, rendertest.Fixture(t)); err != nil {
		t.Fatal(err)
	}
	rendertest.Golden(t, "badge.svg.golden", buf.Bytes())
}

func TestBadge_MessageAndColour(t *testing.T) {
	tests := []struct {
		name                string
		met, notMet, na, un int
		wantMsg, wantColour string
	}{
		{"all_met", 45, 0, 0, 0, "45/45 claims met", "#44cc11"},
		{"issue_example", 38, 4, 0, 3, "38/45 claims met", "#97ca00"},
		{"reseller_not_applicable", 20, 0, 25, 0, "20/20 claims met", "#44cc11"},
		{"half", 23, 22, 0, 0, "23/45 claims met", "#a4a61d"},
		{"quarter", 12, 0, 0, 33, "12/45 claims met", "#dfb317"},
		{"few", 1, 0, 0, 44, "1/45 claims met", "#fe7d37"},
		{"none", 0, 45, 0, 0, "0/45 claims met", "#e05d44"},
		{"nothing_applies", 0, 0, 45, 0, "0/0 claims met", "#9f9f9f"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &report.Report{Summary: report.Summary{Total: 45, Claims: report.Counts{Met: tc.met, NotMet: tc.notMet, NotApplicable: tc.na, Unknown: tc.un}}}
			got := []string{badge.Message(r), colourOf(t, badge.SVG(r))}
			if diff := cmp.Diff([]string{tc.wantMsg, tc.wantColour}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// colourOf parses the SVG (which must be well-formed XML) and returns the
// fill of the message rectangle.
func colourOf(t *testing.T, svg string) string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	rects := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("badge is not well-formed XML: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			rects++
			if rects == 3 { // clip rect, label, message
				for _, a := range se.Attr {
					if a.Name.Local == "fill" {
						return a.Value
					}
				}
			}
		}
	}
	t.Fatal("no message rectangle")
	return ""
}

func TestRender_EscapesAndWidens(t *testing.T) {
	short := badge.Render("a", "b", "#123456")
	long := badge.Render("a", "<script>&\"'", "red")
	if strings.Contains(long, "<script>") || !strings.Contains(long, "&lt;script&gt;&amp;&quot;&apos;") {
		t.Errorf("text not escaped: %s", long)
	}
	if !strings.Contains(long, `fill="#9f9f9f"`) {
		t.Error("a colour that is not #rrggbb must fall back to grey")
	}
	if len(long) <= len(short) || badge.TextWidth("claims met") <= badge.TextWidth("met") {
		t.Error("longer text must make a wider badge")
	}
	colourOf(t, long)
}
