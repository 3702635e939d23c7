package shellword

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		in     string
		escape byte
		want   []string
	}{
		{"", '\\', nil},
		{"  a \t b  ", '\\', []string{"a", "b"}},
		{`gh release create "$V" --title "two words"`, '\\', []string{"gh", "release", "create", `"$V"`, "--title", `"two words"`}},
		{`echo 'it''s' "a \" b"`, '\\', []string{"echo", `'it''s'`, `"a \" b"`}},
		{`a\ b c`, '\\', []string{`a\ b`, "c"}},
		{`'a\ b' c`, '\\', []string{`'a\ b'`, "c"}}, // no escapes in single quotes
		{"a` b c", '`', []string{"a` b", "c"}},
		{`"unterminated quote`, '\\', []string{`"unterminated quote`}},
		{`trailing\`, '\\', []string{`trailing\`}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, Split(tc.in, tc.escape)); diff != "" {
			t.Errorf("Split(%q, %q) (-want +got):\n%s", tc.in, tc.escape, diff)
		}
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{`a "b c" 'd e' f\ g`, "x` y", `"`, `\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		total := 0
		for _, w := range Split(s, '\\') {
			if w == "" {
				t.Fatalf("empty word from %q", s)
			}
			total += len(w)
		}
		if total > len(s) {
			t.Fatalf("words of %q hold %d bytes, more than the input", s, total)
		}
	})
}
