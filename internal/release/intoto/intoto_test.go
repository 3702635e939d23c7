package intoto

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFile(t *testing.T) {
	stmt := `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"00"}}],"predicateType":"p","predicate":{}}`
	env := `{"payloadType":"application/vnd.in-toto+json","payload":"` + base64.StdEncoding.EncodeToString([]byte(stmt)) + `","signatures":[{"keyid":"k","sig":"` + base64.StdEncoding.EncodeToString([]byte("s")) + `"}]}`
	bundle := `{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","dsseEnvelope":` + env + `}`
	tests := []struct {
		name    string
		data    string
		want    int
		wantErr string
	}{
		{"bare_envelope", env, 1, ""},
		{"bundle", bundle, 1, ""},
		{"jsonl", env + "\n\n" + bundle + "\n", 2, ""},
		{"npm_list", `{"attestations":[{"predicateType":"p","bundle":` + bundle + `}]}`, 1, ""},
		{"message_signature_bundle", `{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","messageSignature":{}}`, 0, "message signature"},
		{"broken_line", env + "\n{not json\n", 1, "line 2"},
		{"empty", "  ", 0, "empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseFile([]byte(tc.data))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.want {
				t.Fatalf("got %d attestations, want %d", len(got), tc.want)
			}
			for _, a := range got {
				s, err := ParseStatement(a.Envelope.PayloadType, a.Envelope.Payload)
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff([]Subject{{Name: "a", Digest: map[string]string{"sha256": "00"}}}, s.Subject); d != "" {
					t.Error(d)
				}
			}
		})
	}
}

func TestPAE(t *testing.T) {
	if got := string(PAE("t", []byte("hello"))); got != "DSSEv1 1 t 5 hello" {
		t.Fatal(got)
	}
}

func FuzzParseFile(f *testing.F) {
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"sig":"AA=="}]}`))
	f.Add([]byte(`{"attestations":[{"bundle":{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","dsseEnvelope":{"payloadType":"x","payload":"","signatures":[]}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		atts, _ := ParseFile(data)
		if len(atts) > MaxAttestations*2 {
			t.Fatal("attestation limit not applied")
		}
		for _, a := range atts {
			_, _ = ParseStatement(a.Envelope.PayloadType, a.Envelope.Payload)
		}
	})
}
