package secrets

import "sync"

// literalSet is a set of byte strings searched for all at once: an
// Aho-Corasick automaton, so that one pass over a file tells which of the
// guards' literals it holds. Testing each literal with bytes.Contains
// read every file once per literal, and the guards hold dozens.
type literalSet struct {
	words [][]byte

	once  sync.Once
	delta [][256]int32 // state, byte -> next state
	out   [][]int32    // state -> the words that end there
}

// add registers non-empty words and returns their ids. All adds happen while the
// detector table is built, before the first search.
func (s *literalSet) add(words ...string) []int {
	ids := make([]int, len(words))
	for i, w := range words {
		ids[i] = len(s.words)
		s.words = append(s.words, []byte(w))
	}
	return ids
}

func (s *literalSet) build() {
	// The trie, with goto edges; -1 is no edge.
	next := [][256]int32{{}}
	for b := range next[0] {
		next[0][b] = -1
	}
	s.out = [][]int32{nil}
	for id, w := range s.words {
		st := int32(0)
		for _, c := range w {
			if next[st][c] < 0 {
				var row [256]int32
				for b := range row {
					row[b] = -1
				}
				next = append(next, row)
				s.out = append(s.out, nil)
				next[st][c] = int32(len(next) - 1)
			}
			st = next[st][c]
		}
		s.out[st] = append(s.out[st], int32(id))
	}
	// Failure links in breadth-first order turn the goto edges into a
	// complete transition table, and each state's output gains the words
	// that end at its failure state (the suffixes of its path).
	fail := make([]int32, len(next))
	queue := []int32{}
	for b := range 256 {
		if t := next[0][b]; t < 0 {
			next[0][b] = 0
		} else {
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		s.out[st] = append(s.out[st], s.out[fail[st]]...)
		for b := range 256 {
			t := next[st][b]
			if t < 0 {
				next[st][b] = next[fail[st]][b]
				continue
			}
			fail[t] = next[fail[st]][b]
			queue = append(queue, t)
		}
	}
	s.delta = next
}

// find marks in found (one entry per word) the words data holds.
func (s *literalSet) find(data []byte) []bool {
	s.once.Do(s.build)
	found := make([]bool, len(s.words))
	delta, out := s.delta, s.out
	st := int32(0)
	for _, c := range data {
		st = delta[st][c]
		for _, id := range out[st] {
			found[id] = true
		}
	}
	return found
}
