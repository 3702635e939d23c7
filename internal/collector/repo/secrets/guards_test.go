package secrets

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"
)

// guardSeeds are inputs in the shapes the guarded detectors look for,
// written for these tests (the values are random, not real credentials).
var guardSeeds = []string{
	"recaptcha:\n  secret_key: 6LcAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
	`{"captcha": {"secret": "6LcAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}`,
	"HCP_CLIENT_ID=abcdefghijklmnopqrstuvwxyz012345\nHCP_CLIENT_SECRET=" + strings.Repeat("a", 64) + "\n",
	"GET / HTTP/1.1\nHost: example.test\nCookie: session=abc123\n",
	"role_id: 0f3c1a2b-1111-2222-3333-444455556666\nsecret_id: 0f3c1a2b-1111-2222-3333-444455556667\n",
	"key_" + strings.Repeat("a1", 32),
	"client_id: 3MVG" + strings.Repeat("x", 30) + "\nclient_secret: " + strings.Repeat("A", 40) + "\nrefresh_token: " + strings.Repeat("B", 40) + "\nhttps://acme.my.salesforce.com\n",
	"docker login -u someone\ndckr_pat_" + strings.Repeat("a", 27) + "\n",
	"AZURE_STORAGE_KEY=" + strings.Repeat("A", 86) + "==\n",
	"DISCORD_TOKEN=MTAxMjM0NTY3ODkwMTIzNDU2.GhIjKl.abcdefghijklmnopqrstuvwxyz0\n",
	"VAULT_TOKEN=hvs." + strings.Repeat("a", 30) + "\ns.TlsX509NameConstraintsAbc\n",
	"MISTRAL_API_KEY=" + strings.Repeat("a", 32) + "\n",
	`{"type": "service_account", "private_key_id": "x", "private_key": "y", "client_email": "z", "auth_provider_x509_cert_url": "u"}`,
	"pub=" + strings.Repeat("B", 87) + "\npriv=" + strings.Repeat("c", 43) + "\n",
	"X-CSRF-Token: " + strings.Repeat("a", 20) + "\n",
	`{"csrfmiddlewaretoken" : '` + strings.Repeat("Q", 32) + `'}`,
	"xsrf_token:\t" + strings.Repeat("z", 16) + "\n",
	`{"headers": {"Content-Type": "text/html", "Set-Cookie"  :  "id=a3fWa; Max-Age=2592000"}}`,
	"user-agent: curl\ncookie: a=b\n",
	"config.recaptcha.private = '6Ld" + strings.Repeat("A", 37) + "';\n",
	`{"captcha": {"site": "x", "secret` + strings.Repeat("Name", 60) + `\\": \\"6Lc` + strings.Repeat("B", 37) + `"}}`,
	"x\u212a captcha secret 6" + strings.Repeat("\u212a", 39) + "\n",
	"Authorization: Basic dXNlcjpwYXNz\nAuthorization: Bearer abc.def.ghi\n",
	"packagist_ort_" + strings.Repeat("a", 60) + "\nname: acme\n",
	"TELEGRAM_TOKEN=123456789:" + strings.Repeat("A", 35) + "\n",
	"sk_live_" + strings.Repeat("a", 40),
	"123456789012-abc.apps.googleusercontent.com GOCSPX-" + strings.Repeat("a", 28),
	"cio" + strings.Repeat("A", 32),
	"ya29." + strings.Repeat("a", 40),
	"00D" + strings.Repeat("A", 12) + "!" + strings.Repeat("b", 40),
	"HRKU-" + strings.Repeat("a", 60),
	"coo\u212aie: x\nHost: y\n",
	"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAoAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n",
	"role_id = 0F3C1A2B-1111-2222-3333-44445555666A\n",
	// The literal-prefixed tokens, each in its shape.
	"sk-ant-api03-" + strings.Repeat("a", 90) + "-" + strings.Repeat("b", 6),
	"CCIPAT_" + strings.Repeat("a", 22) + "_" + strings.Repeat("0", 40),
	"CCIPRJ_" + strings.Repeat("a", 22) + "_" + strings.Repeat("0", 40),
	"dop_v1_" + strings.Repeat("a", 64),
	"pypi-" + strings.Repeat("A", 90),
	"npm_" + strings.Repeat("a", 36),
	"xoxe.xoxp-1-" + strings.Repeat("a", 166),
	"xoxe-1-" + strings.Repeat("a", 147),
	"xapp-1-A0123456789-1234567890123-" + strings.Repeat("a", 64),
	"essu_" + strings.Repeat("A", 92),
	"ddp_" + strings.Repeat("a", 36) + " ddo_" + strings.Repeat("a", 36),
	"AIzaSyA" + strings.Repeat("a", 32),
	"AQ.Ab8R" + strings.Repeat("a", 46),
	"glpat-" + strings.Repeat("a", 20),
	"xai-" + strings.Repeat("a", 80) + " xai-token-" + strings.Repeat("a", 80),
	"hf_" + strings.Repeat("a", 34),
	"sk-proj-" + strings.Repeat("a", 20) + "T3BlbkFJ" + strings.Repeat("b", 20),
	"sk-or-v1-" + strings.Repeat("a", 64),
	"pplx-" + strings.Repeat("a", 48),
	"PMAK-" + strings.Repeat("a", 24) + "-" + strings.Repeat("b", 34) + " PMAT-" + strings.Repeat("a", 26),
	"rubygems_" + strings.Repeat("a", 48),
	"SG." + strings.Repeat("a", 22) + "." + strings.Repeat("b", 43),
	"ghr_" + strings.Repeat("a", 76) + " ghs_" + strings.Repeat("a", 36) + " ghu_" + strings.Repeat("a", 36),
	"ghp_" + strings.Repeat("a", 36) + " gho_" + strings.Repeat("a", 36) + " github_pat_" + strings.Repeat("a", 22) + "_" + strings.Repeat("b", 59),
	"Z2hwX2FhYWFh Z2hvX2FhYWFh Z2hyX2FhYWFh Z2hzX2FhYWFh Z2h1X2FhYWFh Z2l0aHViX3BhdF9hYWFh",
	"rk_live_" + strings.Repeat("a", 40) + " whsec_" + strings.Repeat("a", 32),
	"sbp_" + strings.Repeat("a", 40),
	"EAAA" + strings.Repeat("a", 60),
	"A3-ABCDEF-ABCDEFGHIJK-ABCDE-ABCDE-ABCDE",
	"ops_eyJ" + strings.Repeat("a", 250),
	"1PRK" + strings.Repeat("-ABCD", 13),
	"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
	"sk-pyx-" + strings.Repeat("a", 64) + " sk-pyx-2" + strings.Repeat("a", 45),
}

// checkGuards fails when a guard rejects data from which its detector
// would report something: a guard may only skip work, never findings.
func checkGuards(t *testing.T, data []byte) {
	t.Helper()
	s := newScanner()
	tx := newText(data)
	for _, d := range s.detectors {
		if d.guard == nil || d.guard(tx) {
			continue
		}
		found, _ := d.d.Detect(data)
		for _, sec := range found {
			if v := secretValue(sec); v != "" && (d.accept == nil || d.accept(v)) {
				t.Errorf("%s: guard rejected %q, but the detector finds a secret there", d.name, data)
			}
		}
	}
}

func TestGuardsNeverHideFindings(t *testing.T) {
	for _, s := range guardSeeds {
		checkGuards(t, []byte(s))
		// The same text upper- and lower-cased, as (?i) expressions match.
		checkGuards(t, []byte(strings.ToUpper(s)))
		checkGuards(t, []byte(strings.ToLower(s)))
	}
}

func TestGuardsPassTheirShapes(t *testing.T) {
	s := newScanner()
	hit := map[string]bool{}
	for _, seed := range guardSeeds {
		tx := newText([]byte(seed))
		for _, d := range s.detectors {
			if d.guard != nil && d.guard(tx) {
				hit[d.name] = true
			}
		}
	}
	for _, d := range s.detectors {
		if d.guard != nil && !hit[d.name] {
			t.Errorf("%s: no seed passes its guard; add one in its shape", d.name)
		}
	}
}

func FuzzGuards(f *testing.F) {
	for _, s := range guardSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		checkGuards(t, data)
	})
}

// TestGuardKeepsRealVAPIDPair checks the VAPID guard against a key pair
// the detector validates (generated here, never a real deployment's).
func TestGuardKeepsRealVAPIDPair(t *testing.T) {
	checked := 0
	for range 8 {
		priv, err := ecdh.P256().GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		pub := base64.RawURLEncoding.EncodeToString(priv.PublicKey().Bytes())
		data := []byte("VAPID_PUBLIC_KEY=" + pub + "\nVAPID_PRIVATE_KEY=" + base64.RawURLEncoding.EncodeToString(priv.Bytes()) + "\n")
		var vapid *namedDetector
		for i := range detectors {
			if detectors[i].name == "secrets/vapidkey" {
				vapid = &detectors[i]
			}
		}
		if found, _ := vapid.new().Detect(data); len(found) == 0 {
			continue // a key whose encoding the detector's \b bounds cut
		}
		if !vapid.guard(newText(data)) {
			t.Fatalf("vapid guard rejected a valid pair:\n%s", data)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("the detector validated none of the generated pairs; the test checks nothing")
	}
}
