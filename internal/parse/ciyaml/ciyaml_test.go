package ciyaml

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestDecodeBounds(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for i := range 12 {
		n := string(rune('b' + i))
		bomb += n + ": &" + n + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = n
	}
	tests := []struct {
		name    string
		doc     string
		wantErr string
	}{
		{"plain", "on: push\njobs: {}\n", ""},
		{"empty", "", ""},
		{"anchors within bounds", "x: &x {a: 1}\ny: *x\nz:\n  <<: *x\n  b: 2\n", ""},
		{"alias bomb", bomb, "aliases"},
		{"deep nesting", strings.Repeat("[", 500) + strings.Repeat("]", 500), "nesting deeper"},
		{"syntax error with line", "a: b\n  c: d: e\n", "line 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := Decode([]byte(tc.doc))
			if time.Since(start) > 2*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			var ye *Error
			if err != nil && !errors.As(err, &ye) {
				t.Errorf("error %T is not *Error", err)
			}
		})
	}
}

func TestExpandedSize(t *testing.T) {
	// 96 aliases, under the alias cap, that expand to 16^7 nodes.
	doc := "l0: &l0 [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]\n"
	for i := 1; i <= 6; i++ {
		p := fmt.Sprintf("l%d", i-1)
		n := fmt.Sprintf("l%d", i)
		doc += n + ": &" + n + " [" + strings.TrimSuffix(strings.Repeat("*"+p+", ", 16), ", ") + "]\n"
	}
	start := time.Now()
	_, err := Decode([]byte(doc))
	if err == nil || !strings.Contains(err.Error(), "nodes once aliases are expanded") {
		t.Fatalf("err = %v, want expansion bound", err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("took %v", time.Since(start))
	}
}

func TestPairsMerge(t *testing.T) {
	n, err := Decode([]byte("base: &b {image: a, script: [x]}\njob:\n  <<: *b\n  image: c\n"))
	if err != nil {
		t.Fatal(err)
	}
	job := Get(n, "job")
	if got := Scalar(Get(job, "image")); got != "c" {
		t.Errorf("image = %q, want override c", got)
	}
	if s, _ := Strings(Get(job, "script")); len(s) != 1 || s[0] != "x" {
		t.Errorf("script = %v, want merged [x]", s)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("on: push\njobs:\n  a: {runs-on: x, steps: [{run: echo}]}\n"))
	f.Add([]byte("a: &a [1]\nb: [*a, *a]\nc:\n  <<: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := Decode(data)
		if err == nil && n != nil {
			for _, p := range Pairs(n) {
				_ = Scalar(p.Value)
				_, _ = Strings(p.Value)
			}
		}
	})
}
