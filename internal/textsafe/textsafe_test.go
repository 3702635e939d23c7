package textsafe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

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

func TestTruncate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abcdef", 3, "abc"},
		{"aé", 2, "a"},  // do not split é (2 bytes)
		{"a€b", 3, "a"}, // do not split € (3 bytes)
		{"0" + strings.Repeat("\xad", 10), 4, "0\xad\xad\xad"}, // invalid UTF-8: cut at n, never empty
		{"\xad\xad\xad\xad\xad", 2, "\xad\xad"},
		{"abc", 0, ""},
	}
	for _, tc := range tests {
		if got := Truncate(tc.in, tc.n); got != tc.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func FuzzTruncate(f *testing.F) {
	f.Add("a€b", 3)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 1<<16 {
			return
		}
		got := Truncate(s, n)
		if len(got) > n || !strings.HasPrefix(s, got) {
			t.Fatalf("Truncate(%q, %d) = %q: not a prefix of at most n bytes", s, n, got)
		}
		// The only reason to cut short is not to split a well-formed rune.
		if len(got) < n && len(got) < len(s) {
			r, size := utf8.DecodeRuneInString(s[len(got):])
			if r == utf8.RuneError || len(got)+size <= n {
				t.Fatalf("Truncate(%q, %d) = %q: cut short without splitting a rune", s, n, got)
			}
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Truncate(%q, %d) = %q: split a rune", s, n, got)
		}
	})
}

func TestShorten(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"go  build\t./...\n", 100, "go build ./..."},
		{"abcdefghij", 10, "abcdefghij"},
		{"abcdefghijk", 10, "abcdefg..."},
		// A cut never splits a UTF-8 sequence: "é" is two bytes.
		{"aaaaaaéééé", 10, "aaaaaa..."},
	}
	for _, tc := range tests {
		if got := Shorten(tc.in, tc.n); got != tc.want {
			t.Errorf("Shorten(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
