package signoff

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseAndDrift(t *testing.T) {
	signed := Document{Type: SignOffType, Subject: Subject{Commit: "a", DeclarationDigest: "d1", Declaration: "assay.yaml", AttestationsDigest: "x"},
		Claims: []Claim{{ID: "1.1.1", Status: "met"}, {ID: "4.2.1", Status: "unknown"}}}
	data, err := signed.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(signed, back); diff != "" {
		t.Fatal(diff)
	}
	if d := Drift(signed, back); len(d) != 0 {
		t.Fatalf("drift against itself: %v", d)
	}
	now := back
	now.Subject.Commit = "b"
	now.Subject.DeclarationDigest = "d2"
	now.Claims = []Claim{{ID: "1.1.1", Status: "not_met"}}
	want := []string{
		"commit: signed a, now b",
		"declaration assay.yaml changed: signed d1, now d2",
		"claim 1.1.1: signed as met, now not_met",
		"claim 4.2.1: signed as unknown, no longer assessed",
	}
	if diff := cmp.Diff(want, Drift(signed, now)); diff != "" {
		t.Error(diff)
	}
	for in, wantErr := range map[string]string{
		`{"_type":"other"}`: "_type",
		`{"_type":"https://assay.dev/signoff/v1","extra":1}`: "unknown field",
		string(data) + "{}": "trailing data",
	} {
		if _, err := Parse([]byte(in)); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("Parse(%.30q) = %v, want %q", in, err, wantErr)
		}
	}
}

func FuzzParseSignOff(f *testing.F) {
	d, _ := Document{Type: SignOffType, Claims: []Claim{{ID: "1.1.1", Status: "met"}}}.Marshal()
	f.Add(d)
	f.Add([]byte(`{"_type":"https://assay.dev/signoff/v1","claims":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(data)
		if err != nil {
			return
		}
		_ = Drift(doc, Document{})
	})
}
