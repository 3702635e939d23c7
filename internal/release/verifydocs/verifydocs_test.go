package verifydocs

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
)

func TestScan(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  string
		want []Mention
	}{
		{"cosign blob", "## Verify\n\n```\ncosign verify-blob --bundle a.sigstore.json a.tar.gz\n```\n",
			[]Mention{{4, "cosign verify-blob", evidence.VerifySigstore}}},
		{"cosign attestation not blob", "cosign verify-blob-attestation --type slsaprovenance a\n",
			[]Mention{{1, "cosign verify-blob-attestation", evidence.VerifySLSA}}},
		{"cosign image", "$ cosign verify ghcr.io/o/r:1.0\n", []Mention{{1, "cosign verify", evidence.VerifySigstore}}},
		{"gh attestation", "gh attestation verify app.tgz -R o/r\n", []Mention{{1, "gh attestation verify", evidence.VerifySLSA}}},
		{"slsa-verifier", "slsa-verifier verify-artifact app --provenance-path app.intoto.jsonl --source-uri github.com/o/r\n",
			[]Mention{{1, "slsa-verifier verify-artifact", evidence.VerifySLSA}}},
		{"sha256sum flags before -c", "sha256sum --ignore-missing -c SHA256SUMS\n", []Mention{{1, "sha256sum -c", evidence.VerifyChecksum}}},
		{"sha512sum --check", "sha512sum --check SHA512SUMS\n", []Mention{{1, "sha256sum -c", evidence.VerifyChecksum}}},
		{"shasum", "shasum -a 256 -c checksums.txt\n", []Mention{{1, "shasum -a 256 -c", evidence.VerifyChecksum}}},
		{"sha256sum without check is not verification", "sha256sum app.tar.gz > SHA256SUMS\n", nil},
		{"gpg", "gpg --verify SHA256SUMS.asc SHA256SUMS\n", []Mention{{1, "gpg --verify", evidence.VerifyOpenPGP}}},
		{"gpg keyring first", "gpg --keyring ./k.gpg --verify a.asc\n", []Mention{{1, "gpg --verify", evidence.VerifyOpenPGP}}},
		{"gpgv", "gpgv --keyring k.gpg a.asc a\n", []Mention{{1, "gpgv", evidence.VerifyOpenPGP}}},
		{"ssh-keygen", "ssh-keygen -Y verify -f allowed_signers -I me -n file -s a.sig < a\n", []Mention{{1, "ssh-keygen -Y verify", evidence.VerifySSH}}},
		{"minisign", "minisign -Vm app.tar.gz -P RWQ...\n", []Mention{{1, "minisign -V", evidence.VerifyMinisign}}},
		{"git tag -v", "git tag -v v1.2.3\ngit verify-tag v1.2.3\n", []Mention{{1, "git tag -v", evidence.VerifyGitTag}, {2, "git tag -v", evidence.VerifyGitTag}}},
		{"two on a line", "sha256sum -c SHA256SUMS && cosign verify-blob --bundle S.sigstore.json SHA256SUMS\n",
			[]Mention{{1, "sha256sum -c", evidence.VerifyChecksum}, {1, "cosign verify-blob", evidence.VerifySigstore}}},
		{"inline code and paths", "Run `gpg --verify a.asc` or `/usr/bin/ssh-keygen -Yverify -f s`.\n",
			[]Mention{{1, "gpg --verify", evidence.VerifyOpenPGP}, {1, "ssh-keygen -Y verify", evidence.VerifySSH}}},
		{"same command twice on a line", "gpg --verify a.asc; gpg --verify b.asc\n", []Mention{{1, "gpg --verify", evidence.VerifyOpenPGP}}},
		{"cosign sign is not verification", "cosign sign-blob --bundle a.sigstore.json a\n", nil},
		{"glued names do not count", "mycosign verify-blob x\nnotgpg --verify\n", nil},
		{"pipe ends the command", "sha256sum a | grep -c x\n", nil},
		{"prose", "We verify everything carefully.\n", nil},
		{"no trailing newline", "gpg --verify a.asc", []Mention{{1, "gpg --verify", evidence.VerifyOpenPGP}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, Scan([]byte(tc.doc))); d != "" {
				t.Errorf("Scan (-want +got):\n%s", d)
			}
		})
	}
}

func TestScanLimits(t *testing.T) {
	long := strings.Repeat("x", MaxLine) + " gpg --verify a\n"
	if got := Scan([]byte(long)); len(got) != 0 {
		t.Errorf("a command past MaxLine was found: %v", got)
	}
	many := strings.Repeat("gpg --verify a\n", MaxMentions*2)
	if got := Scan([]byte(many)); len(got) != MaxMentions {
		t.Errorf("got %d mentions, want the cap %d", len(got), MaxMentions)
	}
}

func TestIsDoc(t *testing.T) {
	for p, want := range map[string]bool{
		"README.md": true, "readme": true, "README.rst": true, "INSTALL.md": true, "SECURITY.md": true,
		".github/SECURITY.md": true, "RELEASING.md": true, "VERIFY.md": true, "docs/install/verify.md": true,
		"docs/guide.adoc": true, "doc/x.rst": true, "docs/README": true, "docs/logo.png": false, "docs/Makefile": false,
		"src/README.md": false, "vendor/x/README.md": false, "README.html": false, "main.go": false,
		"CHANGELOG.md": false,
	} {
		if got := IsDoc(p); got != want {
			t.Errorf("IsDoc(%q) = %v, want %v", p, got, want)
		}
	}
}

func FuzzScan(f *testing.F) {
	for _, s := range []string{
		"cosign verify-blob --bundle a a\n", "sha256sum -c S\n", "gpg --verify a\n", "minisign -Vm a\n",
		"git tag -v v1\n", "\x00\xff verify sum -V tag", strings.Repeat("-V", 3000),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ms := Scan(data)
		if len(ms) > MaxMentions {
			t.Fatalf("%d mentions, over the cap", len(ms))
		}
		last := 0
		for _, m := range ms {
			if m.Line < last || m.Line < 1 || m.Command == "" || m.Method == "" {
				t.Fatalf("bad mention %+v after line %d", m, last)
			}
			last = m.Line
		}
	})
}

// BenchmarkScanWorstCase scans 1 MiB of lines that pass the cheap filter and
// run every expression to the line cap.
func BenchmarkScanWorstCase(b *testing.B) {
	line := "gpg " + strings.Repeat("verify sum -V tag ", MaxLine/18) + "\n"
	var sb strings.Builder
	for sb.Len() < 1<<20 {
		sb.WriteString(line)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		Scan(data)
	}
}

// BenchmarkScanToolWords scans 1 MiB of lines made only of tool names, each
// of which starts an argument scan.
func BenchmarkScanToolWords(b *testing.B) {
	line := strings.Repeat("shasum ", MaxLine/7) + "\n"
	var sb strings.Builder
	for sb.Len() < 1<<20 {
		sb.WriteString(line)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		Scan(data)
	}
}
