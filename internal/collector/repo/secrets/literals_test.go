package secrets

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLiteralSetMatchesContains: the one-pass search finds exactly the
// words bytes.Contains finds, for overlapping words, words that are
// suffixes and prefixes of others, and repeated words, over random text
// from a small alphabet (so that near misses are common).
func TestLiteralSetMatchesContains(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abc\x00\xff"[rng.IntN(5)]
		}
		return string(b)
	}
	for round := range 200 {
		var s literalSet
		var words []string
		for range 1 + rng.IntN(12) {
			words = append(words, word(1+rng.IntN(5)))
		}
		if round%2 == 0 {
			words = append(words, words[0]) // the same word twice
		}
		s.add(words...)
		for range 20 {
			data := []byte(word(rng.IntN(60)))
			want := make([]bool, len(words))
			for i, w := range words {
				want[i] = bytes.Contains(data, []byte(w))
			}
			if diff := cmp.Diff(want, s.find(data)); diff != "" {
				t.Fatalf("words %q in %q (-Contains +find):\n%s", words, data, diff)
			}
		}
	}
}

// TestLiteralSetEmpty: a set with no words, or an empty text, finds
// nothing and does not fail.
func TestLiteralSetEmpty(t *testing.T) {
	var none literalSet
	if got := none.find([]byte("anything")); len(got) != 0 {
		t.Errorf("empty set found %v", got)
	}
	var s literalSet
	s.add("x")
	if diff := cmp.Diff([]bool{false}, s.find(nil)); diff != "" {
		t.Errorf("empty text (-want +got):\n%s", diff)
	}
}
