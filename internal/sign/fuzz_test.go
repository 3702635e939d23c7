package sign

import (
	"crypto/ed25519"
	"testing"
	"time"
)

func FuzzParseAllowedSigners(f *testing.F) {
	pub := ed25519.NewKeyFromSeed(make([]byte, 32)).Public()
	s, _ := NewSigner(ed25519.NewKeyFromSeed(make([]byte, 32)))
	_ = pub
	line := FormatEntry("a@example.com", s.PublicKey())
	f.Add([]byte(line))
	f.Add([]byte(`"x y",*@b valid-after="20260101Z",valid-before="202701011200" ` + line[len("a@example.com "):]))
	f.Add([]byte("# comment\n\n a cert-authority ssh-ed25519 AAAA\n"))
	f.Add([]byte(`a namespaces="a\"b" ssh-rsa AAAAB3`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseAllowedSigners(data)
		if err != nil {
			return
		}
		for _, e := range a.Entries() {
			if e.Key == nil || e.Line < 1 {
				t.Fatalf("entry without key or line: %+v", e)
			}
			_, _ = a.Authorize(e.Key, "assay", "a@example.com", time.Unix(0, 0))
		}
	})
}

func FuzzParseArmored(f *testing.F) {
	s, _ := NewSigner(ed25519.NewKeyFromSeed(make([]byte, 32)))
	sig, _ := s.Sign([]byte("m"), Namespace)
	f.Add(sig)
	f.Add([]byte("-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"))
	f.Add([]byte("-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := ParseArmored(data); err != nil {
			return
		}
		_, _ = VerifyKey([]byte("m"), data, Namespace)
	})
}
