package supportdoc

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFindNotice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want Notice
		ok   bool
	}{
		{"successor rule wrapped over lines",
			"# Security\n\n## Supported Versions\n\nAfter each new major release, the previous release will be supported for no\nless than 2 years, unless explicitly stated otherwise.\n",
			Notice{Months: 24, Successor: true, Line: 5, Quote: "After each new major release, the previous release will be supported for no less than 2 years, unless explicitly stated otherwise."}, true},
		{"explicit notice in months",
			"We give at least 12 months' notice before a version reaches end of life.\n",
			Notice{Months: 12, Line: 1, Quote: "We give at least 12 months' notice before a version reaches end of life."}, true},
		{"notice period of one year",
			"Support ends with a notice period of one year.\n",
			Notice{Months: 12, Line: 1, Quote: "Support ends with a notice period of one year."}, true},
		{"short notice is still read",
			"End of support is announced with 3 months notice.\n",
			Notice{Months: 3, Line: 1, Quote: "End of support is announced with 3 months notice."}, true},
		{"warning before a support change",
			"We will give at least a 2 month warning before changing the support status.\n",
			Notice{Months: 2, Line: 1, Quote: "We will give at least a 2 month warning before changing the support status."}, true},
		{"deprecation notice is not end of support",
			"Deprecated APIs are removed after 6 months' notice.\n", Notice{}, false},
		{"negated notice",
			"Supported versions may be dropped with no advance notice.\n", Notice{}, false},
		{"support period without a successor is no notice",
			"Each release is supported for 2 years.\n", Notice{}, false},
		{"latest only", "Only the latest version is supported.\n", Notice{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := FindNotice(strings.Split(tc.doc, "\n"))
			if ok != tc.ok {
				t.Fatalf("FindNotice() ok = %v, want %v (%+v)", ok, tc.ok, got)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("FindNotice() mismatch (-want +got):\n%s", d)
			}
		})
	}
}
