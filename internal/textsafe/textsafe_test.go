package textsafe

import "testing"

func TestClean(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"plain", "SECURITY.md", "SECURITY.md"},
		{"unicode_kept", "café ✓", "café ✓"},
		{"ansi_escape", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"newline", "a\nb", `a\nb`},
		{"tab_kept", "a\tb", "a\tb"},
		{"invalid_utf8", "a\xffb", `a\xffb`},
		{"c1_control", "a\u009bb", `a\x9bb`},
		{"bidi_override", "a\u202eb", `a\u202eb`},
		{"bell_and_backspace", "x\a\by", `x\x07\x08y`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Clean(tc.in); got != tc.want {
				t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzClean(f *testing.F) {
	f.Add("\x1b]0;title\a")
	f.Add("ok")
	f.Fuzz(func(t *testing.T, s string) {
		out := Clean(s)
		for _, r := range out {
			if r != '\t' && unsafeRune(r) {
				t.Fatalf("Clean(%q) left control rune %U", s, r)
			}
		}
	})
}
