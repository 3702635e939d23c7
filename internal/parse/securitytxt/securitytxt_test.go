package securitytxt

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assaysec/assay/internal/testutil/growth"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/testutil/golden"
)

// now is pinned: several corpus samples expire around the snapshot date.
var now = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

const corpusDir = "../../../../shared/corpus/disclosure/security-txt"

// brief renders problems as "line severity field" for compact comparison.
func brief(ps []Problem) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%d %s %s", p.Line, p.Severity, p.Field))
	}
	return out
}

func errorsOnly(ps []Problem) []Problem {
	var out []Problem
	for _, p := range ps {
		if p.Severity == SeverityError {
			out = append(out, p)
		}
	}
	return out
}

func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("shared corpus not found at %s (expected next to the repository): %v", corpusDir, err)
	}
	tests := []struct {
		file      string
		signed    bool
		contacts  int
		expiresAt string // RFC 3339, "" when missing/unparseable
		valid     bool   // no error-severity problems at the pinned now
		problems  []string
	}{
		{
			file: "grapheneos.org/2026-05-01_signed_valid.security.txt", signed: true, contacts: 1,
			expiresAt: "2027-04-30T00:00:00Z", valid: true,
			problems: []string{"6 warning Encryption"}, // data: URI embeds the key
		},
		{
			file: "grapheneos.org/2022-10-19_signed_expires-date-only.security.txt", signed: true, contacts: 1,
			problems: []string{"7 error Expires"}, // date without time
		},
		{
			file: "grapheneos.org/2019-05-22_signed_no-expires.security.txt", signed: true, contacts: 1,
			problems: []string{"0 error Expires"},
		},
		{
			file: "almalinux.org/2025-06-02_signed_duplicate-hash-header.security.txt", signed: true, contacts: 2,
			expiresAt: "2030-03-21T15:42:25Z",
			problems: []string{
				"0 warning Canonical", // signed without Canonical
				"4 warning Hash",      // second Hash: header lands in the signed text
				"11 error Contact",    // no mailto: scheme
				"24 warning Expires",  // more than a year ahead
			},
		},
		{
			file: "almalinux.org/2025-04-04_signed_expired-2025-05-03.security.txt", signed: true, contacts: 2,
			expiresAt: "2025-05-03T12:00:00Z",
			problems:  []string{"0 warning Canonical", "9 error Contact", "22 error Expires"},
		},
		{
			file: "almalinux.org/2025-01-10_unsigned_contact-without-scheme.security.txt", contacts: 2,
			expiresAt: "2025-05-03T12:00:00Z",
			problems:  []string{"6 error Contact", "19 error Expires"},
		},
		{
			file: "securitytxt.org/2025-03-27_unsigned_expires-2026-03-27.security.txt", contacts: 1,
			expiresAt: "2026-03-27T00:00:00Z",
			problems:  []string{"2 error Expires"}, // expired before the pinned now
		},
		{
			file: "securitytxt.org/2023-02-01_signed.security.txt", signed: true, contacts: 1,
			expiresAt: "2024-03-14T00:00:00Z",
			problems:  []string{"5 error Expires"},
		},
		{
			file: "securitytxt.org/2021-03-14_rfc5322-expires-date.security.txt", contacts: 1,
			problems: []string{"6 error Expires"},
		},
		{
			file: "securitytxt.org/2017-10-08_draft_contact-only.security.txt", contacts: 1,
			problems: []string{"0 error Expires"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, tc.file))
			if err != nil {
				t.Skipf("corpus file missing: %v", err)
			}
			f := Parse(data)
			if f.Signed != tc.signed {
				t.Errorf("Signed = %v, want %v", f.Signed, tc.signed)
			}
			if len(f.Contact) != tc.contacts {
				t.Errorf("len(Contact) = %d, want %d", len(f.Contact), tc.contacts)
			}
			var got string
			if !f.ExpiresAt.IsZero() {
				got = f.ExpiresAt.UTC().Format(time.RFC3339)
			}
			if got != tc.expiresAt {
				t.Errorf("ExpiresAt = %q, want %q", got, tc.expiresAt)
			}
			ps := f.Validate(now)
			if diff := cmp.Diff(tc.problems, brief(ps)); diff != "" {
				t.Errorf("problems (-want +got):\n%s\nfull: %+v", diff, ps)
			}
			if valid := len(errorsOnly(ps)) == 0; valid != tc.valid {
				t.Errorf("valid = %v, want %v", valid, tc.valid)
			}
		})
	}
}

// TestSignedLineNumbers checks that fields in a signed file keep the line
// numbers of the original file and that dash-escaping is undone.
func TestSignedLineNumbers(t *testing.T) {
	in := "-----BEGIN PGP SIGNED MESSAGE-----\r\n" +
		"Hash: SHA512\r\n" +
		"\r\n" +
		"# comment\r\n" +
		"Contact: mailto:security@example.org\r\n" +
		"- Expires: 2027-01-01T00:00:00Z\r\n" +
		"- - not a field: but escaped text\r\n" +
		"Canonical: https://example.org/.well-known/security.txt\r\n" +
		"-----BEGIN PGP SIGNATURE-----\r\n" +
		"\r\n" +
		"iHUEARYKAB0WIQ\r\n" +
		"=abcd\r\n" +
		"-----END PGP SIGNATURE-----\r\n"
	f := Parse([]byte(in))
	if !f.Signed {
		t.Fatalf("Signed = false, problems %+v", f.Problems)
	}
	want := []Field{
		{Name: "Contact", Value: "mailto:security@example.org", Line: 5},
		{Name: "Expires", Value: "2027-01-01T00:00:00Z", Line: 6},
		{Name: "Canonical", Value: "https://example.org/.well-known/security.txt", Line: 8},
	}
	if diff := cmp.Diff(want, f.Fields); diff != "" {
		t.Errorf("Fields (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"7 error "}, brief(f.Problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if got := f.Validate(now); len(errorsOnly(got)) != 1 {
		t.Errorf("Validate: %+v", got)
	}
	if f.Expires == nil || f.Expires.Line != 6 || !f.ExpiresAt.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Expires = %+v at %v", f.Expires, f.ExpiresAt)
	}
}

func TestKey(t *testing.T) {
	for in, want := range map[string]string{
		"contact":             "Contact",
		"PREFERRED-LANGUAGES": "Preferred-Languages",
		"csaf":                "CSAF",
		"Acknowledgments":     "Acknowledgments",
		"x-custom-FIELD":      "X-Custom-Field",
		"hash":                "Hash",
	} {
		if got := (Field{Name: in}).Key(); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
	}
}

const okBase = "Contact: mailto:security@example.org\nExpires: 2027-01-01T00:00:00Z\n"

// TestRules exercises each rule with a minimal file. want lists the
// problems as "line severity field"; msg, when set, must appear in the
// message of the first problem.
func TestRules(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
		msg  string
	}{
		{"minimal valid", okBase, nil, ""},
		{"crlf accepted", strings.ReplaceAll(okBase, "\n", "\r\n"), nil, ""},
		{"no trailing newline", strings.TrimSuffix(okBase, "\n"), nil, ""},
		{"trailing whitespace ok", "Contact: mailto:a@example.org \t\nExpires: 2027-01-01T00:00:00Z  \n", nil, ""},
		{"case-insensitive names", "CONTACT: mailto:a@example.org\nexpires: 2027-01-01T00:00:00Z\n", nil, ""},
		{"comments and blanks", "# hello\n\n#\n" + okBase + "\n# bye", nil, ""},
		{"unknown field recorded, no problem", okBase + "X-Bounty: yes\n", nil, ""},
		{"empty file", "", []string{"0 error Contact", "0 error Expires"}, "missing contact"},

		// Contact.
		{"contact missing", "Expires: 2027-01-01T00:00:00Z\n", []string{"0 error Contact"}, "at least one"},
		{"contact https", "Contact: https://example.org/report\nExpires: 2027-01-01T00:00:00Z\n", nil, ""},
		{"contact tel", "Contact: tel:+1-201-555-0123\nExpires: 2027-01-01T00:00:00Z\n", nil, ""},
		{"contact tel with space", "Contact: tel:+1 201 555 0123\nExpires: 2027-01-01T00:00:00Z\n", []string{"1 error Contact"}, "tel:"},
		{"contact http", "Contact: http://example.org/report\nExpires: 2027-01-01T00:00:00Z\n", []string{"1 error Contact"}, "expected https"},
		{"contact bare email", "Contact: security@example.org\nExpires: 2027-01-01T00:00:00Z\n", []string{"1 error Contact"}, "expected mailto:security@example.org"},
		{"contact other scheme", "Contact: ftp://example.org\nExpires: 2027-01-01T00:00:00Z\n", []string{"1 error Contact"}, "unsupported contact scheme"},
		{"contact mailto without address", "Contact: mailto:\nExpires: 2027-01-01T00:00:00Z\n", []string{"1 error Contact"}, "invalid mailto"},
		{"contact mailto without at", "Contact: mailto:security\nExpires: 2027-01-01T00:00:00Z\n", []string{"1 error Contact"}, "invalid mailto"},
		{"contact https without host", "Contact: https:///path\nExpires: 2027-01-01T00:00:00Z\n", []string{"1 error Contact"}, "invalid https"},
		{"contact several", "Contact: mailto:a@example.org\nContact: http://x.example\nExpires: 2027-01-01T00:00:00Z\n", []string{"2 error Contact"}, ""},

		// Expires.
		{"expires missing", "Contact: mailto:a@example.org\n", []string{"0 error Expires"}, "missing expires"},
		{"expires twice", okBase + "Expires: 2027-02-01T00:00:00Z\n", []string{"3 error Expires"}, "duplicate expires"},
		{"expires past", "Contact: mailto:a@example.org\nExpires: 2026-08-21T23:59:59Z\n", []string{"2 error Expires"}, "expired on 2026-08-21T23:59:59Z"},
		{"expires exactly now", "Contact: mailto:a@example.org\nExpires: 2026-08-22T00:00:00Z\n", []string{"2 error Expires"}, "expired"},
		{"expires offset", "Contact: mailto:a@example.org\nExpires: 2026-08-22T02:00:00+03:00\n", []string{"2 error Expires"}, "expired"},
		{"expires fraction and lowercase", "Contact: mailto:a@example.org\nExpires: 2027-01-01t00:00:00.123z\n", nil, ""},
		{"expires within a year", "Contact: mailto:a@example.org\nExpires: 2027-08-22T00:00:00Z\n", nil, ""},
		{"expires beyond a year", "Contact: mailto:a@example.org\nExpires: 2027-08-22T00:00:01Z\n", []string{"2 warning Expires"}, "more than a year"},
		{"expires date only", "Contact: mailto:a@example.org\nExpires: 2027-01-01\n", []string{"2 error Expires"}, "no time or timezone"},
		{"expires rfc 5322", "Contact: mailto:a@example.org\nExpires: Fri, 1 Jan 2027 00:00 +0000\n", []string{"2 error Expires"}, "rfc 5322"},
		{"expires no zone", "Contact: mailto:a@example.org\nExpires: 2027-01-01T00:00:00\n", []string{"2 error Expires"}, "rfc 3339"},
		{"expires impossible date", "Contact: mailto:a@example.org\nExpires: 2027-02-30T00:00:00Z\n", []string{"2 error Expires"}, "rfc 3339"},

		// Preferred-Languages.
		{"languages ok", okBase + "Preferred-Languages: en, fr-CA,de ,zh-Hant-TW, x-klingon\n", nil, ""},
		{"languages twice", okBase + "Preferred-Languages: en\nPreferred-Languages: fr\n", []string{"4 error Preferred-Languages"}, "at most one"},
		{"languages bad tag", okBase + "Preferred-Languages: en; fr\n", []string{"3 error Preferred-Languages"}, "language tag"},
		{"languages empty item", okBase + "Preferred-Languages: en,,fr\n", []string{"3 error Preferred-Languages"}, "language tag"},
		{"languages names", okBase + "Preferred-Languages: English\n", nil, ""}, // shape-valid (8 letters), not in registry

		// https-only fields.
		{"canonical https", okBase + "Canonical: https://example.org/.well-known/security.txt\n", nil, ""},
		{"canonical http", okBase + "Canonical: http://example.org/.well-known/security.txt\n", []string{"3 error Canonical"}, "expected https"},
		{"policy relative", okBase + "Policy: /policy\n", []string{"3 error Policy"}, "not an https uri"},
		{"acknowledgments mailto", okBase + "Acknowledgments: mailto:a@example.org\n", []string{"3 error Acknowledgments"}, "not an https uri"},
		{"hiring http", okBase + "Hiring: http://example.org/jobs\n", []string{"3 error Hiring"}, "insecure"},
		{"csaf https", okBase + "CSAF: https://example.org/.well-known/csaf/provider-metadata.json\n", nil, ""},
		{"csaf http", okBase + "CSAF: http://example.org/provider-metadata.json\n", []string{"3 error CSAF"}, "insecure"},

		// Encryption.
		{"encryption https", okBase + "Encryption: https://example.org/pgp.asc\n", nil, ""},
		{"encryption openpgp4fpr", okBase + "Encryption: openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f\n", nil, ""},
		{"encryption openpgp4fpr bad", okBase + "Encryption: openpgp4fpr:not-hex\n", []string{"3 error Encryption"}, "fingerprint"},
		{"encryption dns", okBase + "Encryption: dns:5d2d37ab76d47d36._openpgpkey.example.org?type=OPENPGPKEY\n", nil, ""},
		{"encryption data", okBase + "Encryption: data:application/pgp-keys,abc\n", []string{"3 warning Encryption"}, "data:"},
		{"encryption http", okBase + "Encryption: http://example.org/pgp.asc\n", []string{"3 error Encryption"}, "insecure"},
		{"encryption key inline", okBase + "Encryption: mQINBF...\n", []string{"3 error Encryption"}, "not a uri"},

		// Syntax.
		{"space before colon", okBase + "Policy : https://example.org/p\n", []string{"3 error Policy"}, "no space before"},
		{"no space after colon", okBase + "Policy:https://example.org/p\n", []string{"3 warning Policy"}, "space after"},
		{"not a field", okBase + "this is prose\n", []string{"3 error "}, "not a field"},
		{"name with spaces", okBase + "Contact us: now\n", []string{"3 error "}, "not a field"},
		{"empty value", okBase + "Policy:\n", []string{"3 error Policy"}, "empty policy"},
		{"empty contact does not count", "Contact:   \nExpires: 2027-01-01T00:00:00Z\n", []string{"0 error Contact", "1 error Contact"}, ""},
		{"leading whitespace field", "  Contact: mailto:a@example.org\nExpires: 2027-01-01T00:00:00Z\n", []string{"1 error "}, "preceded by whitespace"},
		{"indented comment", okBase + "  # hi\n", []string{"3 warning "}, "comment preceded"},
		{"missing name", okBase + ": value\n", []string{"3 error "}, "missing field name"},
		{"invalid utf-8", okBase + "Policy: https://example.org/\xff\n", []string{"3 error "}, "invalid utf-8"},
		{"nul in value", okBase + "X-Note: a\x00b\n", []string{"3 error X-Note"}, "control character"},
		{"bare cr inside a line", okBase + "X-Note: a\rb\n", []string{"3 error X-Note"}, "control character"},
		{"bom", "\uFEFF" + okBase, []string{"1 warning "}, "byte order mark"},
		{"misspelt acknowledgements", okBase + "Acknowledgements: https://example.org/thanks\n", []string{"3 warning Acknowledgements"}, "expected \"Acknowledgments\""},

		// OpenPGP framing.
		{"signed ok", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + okBase + "Canonical: https://example.org/.well-known/security.txt\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n", nil, ""},
		{"signed without canonical", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + okBase + "-----BEGIN PGP SIGNATURE-----\nAAAA\n-----END PGP SIGNATURE-----\n", []string{"0 warning Canonical"}, "canonical"},
		{"signed no hash header", "-----BEGIN PGP SIGNED MESSAGE-----\n\n" + okBase + "Canonical: https://a.example/x\n-----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----\n", []string{"1 warning "}, "no \"Hash:\" armor header"},
		{"signed missing blank line", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n" + okBase + "Canonical: https://a.example/x\n-----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----\n", []string{"3 error "}, "blank line"},
		{"signed no signature", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + okBase, []string{"1 error "}, "no signature"}, // framing incomplete: not Signed, so no canonical warning
		{"signature unterminated", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + okBase + "-----BEGIN PGP SIGNATURE-----\nAAAA\n", []string{"6 error "}, "unterminated"},
		{"signature without header", okBase + "-----BEGIN PGP SIGNATURE-----\nAAAA\n-----END PGP SIGNATURE-----\n", []string{"3 error "}, "without a preceding"},
		{"text before signed message", "Contact: mailto:evil@example.org\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + okBase + "Canonical: https://a.example/x\n-----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----\n", []string{"1 error "}, "before the pgp signed message"},
		{"text after signature", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + okBase + "Canonical: https://a.example/x\n-----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----\nContact: mailto:evil@example.org\n", []string{"9 error "}, "after the pgp signature"},
		{"unescaped dash in signed text", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + okBase + "Canonical: https://a.example/x\n--not escaped\n-----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----\n", []string{"7 error "}, "dash-escaped"},
		{"second signed message", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + okBase + "Canonical: https://a.example/x\n-----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: mailto:evil@example.org\n-----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----\n", []string{"9 error "}, "more than one"},
		{"unexpected armor header", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\nCharset: UTF-8\n\n" + okBase + "Canonical: https://a.example/x\n-----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----\n", []string{"3 warning "}, "armor header"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := Parse([]byte(tc.in))
			ps := f.Validate(now)
			got := brief(ps)
			if diff := cmp.Diff(tc.want, got, cmp.Transformer("nil", func(s []string) []string {
				if len(s) == 0 {
					return nil
				}
				return s
			})); diff != "" {
				t.Fatalf("problems (-want +got):\n%s\nfull: %+v", diff, ps)
			}
			if tc.msg != "" && !strings.Contains(ps[0].Message, tc.msg) {
				t.Errorf("message %q does not contain %q", ps[0].Message, tc.msg)
			}
			for _, p := range ps {
				if p.Message == "" || p.Message[0] < 'a' || p.Message[0] > 'z' {
					t.Errorf("message should start lowercase: %q", p.Message)
				}
			}
		})
	}
}

func TestUnknownFieldsRecorded(t *testing.T) {
	f := Parse([]byte(okBase + "X-Bounty: https://example.org/bounty\nHash: SHA1\n"))
	if len(f.Fields) != 4 || f.Fields[2].Key() != "X-Bounty" || f.Fields[3].Line != 4 {
		t.Fatalf("Fields = %+v", f.Fields)
	}
	if len(f.Problems) != 0 {
		t.Errorf("unsigned Hash: field should not be flagged: %+v", f.Problems)
	}
}

func TestLimits(t *testing.T) {
	var b strings.Builder
	for i := 0; i < MaxFields+50; i++ {
		b.WriteString("X-A: b\n")
	}
	f := Parse([]byte(b.String()))
	if len(f.Fields) != MaxFields {
		t.Errorf("len(Fields) = %d, want %d", len(f.Fields), MaxFields)
	}
	long := strings.Repeat("é", MaxValueLen) // 2 bytes each
	f = Parse([]byte("Policy: https://example.org/" + long + "\n"))
	if len(f.Policy) != 1 || len(f.Policy[0].Value) > MaxValueLen {
		t.Fatalf("long value not capped: %d", len(f.Policy[0].Value))
	}
	if !strings.HasSuffix(f.Policy[0].Value, "é") {
		t.Errorf("truncation split a rune")
	}
	b.Reset()
	for i := 0; i < MaxProblems+50; i++ {
		b.WriteString("junk\n")
	}
	f = Parse([]byte(b.String()))
	if len(f.Problems) != MaxProblems+1 {
		t.Errorf("len(Problems) = %d, want %d", len(f.Problems), MaxProblems+1)
	}
}

// TestHostileSize guards against super-linear behaviour on 1 MiB inputs,
// by the work done (bytes and objects allocated as the input grows, and the
// caps on what is kept), not by wall time.
func TestHostileSize(t *testing.T) {
	size := 1 << 20
	if growth.RaceEnabled {
		size = 1 << 17
	}
	inputs := map[string]string{
		"one long line":  "Contact: mailto:" + strings.Repeat("a", size),
		"many fields":    strings.Repeat("Contact: mailto:a@example.org\n", size/30),
		"junk lines":     strings.Repeat("x\n", size/2),
		"signed dashes":  "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + strings.Repeat("--\n", size/3),
		"armor headers":  "-----BEGIN PGP SIGNED MESSAGE-----\n" + strings.Repeat("Hash: SHA256\n", size/13),
		"many languages": okBase + "Preferred-Languages: " + strings.Repeat("en,", size/3) + "\n",
	}
	for name, in := range inputs {
		var f *File
		var ps []Problem
		for _, problem := range growth.CheckLinear(in, 32, func(s string) { f = Parse([]byte(s)); ps = f.Validate(now) }) {
			t.Errorf("%s: %s", name, problem)
		}
		if len(f.Fields) > MaxFields || len(f.Problems) > MaxProblems+1 || len(ps) > MaxProblems+1+3*MaxFields {
			t.Errorf("%s: caps exceeded (%d fields, %d problems, %d validated)", name, len(f.Fields), len(f.Problems), len(ps))
		}
	}
}

// TestCheckLinearCatchesQuadratic: the measure above flags a pass that
// copies its input once per line, which wall time would only catch on an
// idle machine.
func TestCheckLinearCatchesQuadratic(t *testing.T) {
	in := strings.Repeat("Contact: x\n", 20000)
	quadratic := func(s string) {
		var acc []byte
		for _, line := range strings.SplitAfter(s, "\n") {
			acc = append(append([]byte(nil), acc...), line...)
		}
		_ = len(acc)
	}
	if len(growth.CheckLinear(in, 32, quadratic)) == 0 {
		t.Error("a quadratic pass was not flagged")
	}
	if ps := growth.CheckLinear(in, 32, func(s string) { Parse([]byte(s)) }); len(ps) != 0 {
		t.Errorf("Parse flagged: %v", ps)
	}
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, fn := range files {
		t.Run(filepath.Base(fn), func(t *testing.T) {
			data, err := os.ReadFile(fn)
			if err != nil {
				t.Fatal(err)
			}
			got := render(Parse(data), now)
			goldenPath := strings.TrimSuffix(fn, ".txt") + ".golden"
			golden.Check(t, goldenPath, []byte(got))
		})
	}
}

func render(f *File, now time.Time) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "signed: %v\n", f.Signed)
	if !f.ExpiresAt.IsZero() {
		fmt.Fprintf(&b, "expires-at: %s\n", f.ExpiresAt.UTC().Format(time.RFC3339))
	}
	for _, fd := range f.Fields {
		fmt.Fprintf(&b, "field %d %s: %s\n", fd.Line, fd.Key(), fd.Value)
	}
	for _, p := range f.Validate(now) {
		fmt.Fprintf(&b, "problem %d %s [%s] %s\n", p.Line, p.Severity, p.Field, p.Message)
	}
	return b.String()
}

func countLines(data []byte) int {
	n := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n++
	}
	return n
}

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.txt")
	corpus, _ := filepath.Glob(filepath.Join(corpusDir, "*", "*"))
	for _, fn := range append(seeds, corpus...) {
		if data, err := os.ReadFile(fn); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(okBase))
	f.Add([]byte("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n- Contact: mailto:a@b.c\n-----BEGIN PGP SIGNATURE-----\n"))
	f.Add([]byte("\uFEFFContact : x\r\nExpires:\xff\x00\n\t# c\n -\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file := Parse(data)
		lines := countLines(data)
		if file.Lines() != lines {
			t.Fatalf("Lines() = %d, want %d", file.Lines(), lines)
		}
		ps := file.Validate(now)
		for _, p := range ps {
			if p.Line < 0 || p.Line > lines+1 {
				t.Fatalf("problem line %d outside 0..%d: %+v", p.Line, lines+1, p)
			}
			if p.Severity != SeverityError && p.Severity != SeverityWarning {
				t.Fatalf("bad severity %+v", p)
			}
		}
		for i, fd := range file.Fields {
			if fd.Line < 1 || fd.Line > lines || len(fd.Value) > MaxValueLen || fd.Value == "" {
				t.Fatalf("bad field %+v", fd)
			}
			if i > 0 && fd.Line <= file.Fields[i-1].Line {
				t.Fatalf("fields out of order")
			}
			_ = fd.Key()
		}
		if len(file.Fields) > MaxFields || len(file.Problems) > MaxProblems+1 {
			t.Fatalf("limits exceeded")
		}
	})
}
