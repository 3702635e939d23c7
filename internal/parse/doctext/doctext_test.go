package doctext

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse_Headings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		f    Format
		want []Heading
	}{
		{"markdown_atx_and_setext", "# Title\n\ntext\n\nSecurity\n--------\n\n```\n# not a heading\n```\n", Markdown,
			[]Heading{{"Title", 1, 1}, {"Security", 2, 5}}},
		{"rst_over_and_underline", "=====\nGuide\n=====\n\nReporting a security vulnerability\n==================================\n\nSub\n---\n", RST,
			[]Heading{{"Guide", 1, 2}, {"Reporting a security vulnerability", 2, 5}, {"Sub", 3, 8}}},
		{"rst_literal_block_is_not_a_heading", "Example::\n\n    Fake\n    ====\n\nReal\n====\n", RST,
			[]Heading{{"Real", 1, 6}}},
		{"adoc", "= Doc\n\n== Security\n\n----\n== code\n----\n", AsciiDoc,
			[]Heading{{"Doc", 1, 1}, {"Security", 2, 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Parse([]byte(tt.in), tt.f).Headings
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse() headings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParse_CodeIsBlanked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		f    Format
		want string // prose, lines joined by "|"
	}{
		{"front_matter", "---\ntitle: x\nweight: 10\n---\n\nBody\n", Markdown, "|||||Body|"},
		{"markdown_fence", "mail a@b.org\n```\nsecurity@x.org\n```\nend", Markdown, "mail a@b.org||||end|"},
		{"rst_literal", "Send::\n\n    security@x.org\n\nback\n", RST, "Send:||||back|"},
		{"rst_code_block", ".. code-block:: yaml\n\n    key: security@x.org\n\nafter\n", RST, "||||after|"},
		{"rst_note_is_prose", ".. note::\n\n    mail us\n", RST, ".. note::||    mail us|"},
		{"rst_target_kept", ".. _schedule: https://example.org/s\n", RST, ".. _schedule: https://example.org/s|"},
		{"rst_comment_dropped", ".. this is a comment\n   still comment\n\ntext\n", RST, "|||text|"},
		{"adoc_listing", "a\n----\ncode\n----\n// comment\nb\n", AsciiDoc, "a|||||b|"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := strings.ReplaceAll(string(Parse([]byte(tt.in), tt.f).Prose()), "\n", "|")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Prose() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDoc_Sections(t *testing.T) {
	t.Parallel()
	in := "# A\n\n## Security\n\ntext\n\n### Detail\n\nmore\n\n## Next\n\nx\n"
	d := Parse([]byte(in), Markdown)
	got := d.Sections(func(h string) bool { return h == "Security" })
	want := []Section{{Heading: Heading{"Security", 2, 3}, End: 10}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Sections() mismatch (-want +got):\n%s", diff)
	}
	if text := string(d.Text(3, 10)); strings.Contains(text, "Next") || !strings.Contains(text, "more") {
		t.Errorf("Text(3, 10) = %q", text)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("Title\n=====\n\ntext::\n\n  code\n"), 1)
	f.Add([]byte("# h\n```\nx\n```\n"), 0)
	f.Add([]byte("= a\n----\nb\n----\n"), 2)
	f.Fuzz(func(t *testing.T, data []byte, n int) {
		formats := []Format{Plain, Markdown, RST, AsciiDoc}
		if n < 0 {
			n = -n
		}
		d := Parse(data, formats[n%len(formats)])
		if got := len(splitLines(data)); len(d.Lines) != got {
			t.Fatalf("Lines = %d, want %d", len(d.Lines), got)
		}
		for _, h := range d.Headings {
			if h.Line < 1 || h.Line > len(d.Lines) {
				t.Fatalf("heading line %d out of range", h.Line)
			}
		}
		_ = d.Sections(func(string) bool { return true })
	})
}
