package channels

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/source"
)

func TestCollect(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"README.md":              "# Tool\n\nInstall:\n\n    cosign verify-blob --bundle t.sigstore.json t.tar.gz\n",
		"docs/install/verify.md": "Check the list:\n\nsha256sum -c SHA256SUMS\n",
		"src/README.md":          "gpg --verify x.asc\n", // not a customer-facing document
		"docs/big.md":            strings.Repeat("x", MaxDocSize+1),
	}
	for p, c := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tree, err := source.OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	cfg := &config.Config{File: "assay.yaml", Releases: []config.ReleaseInput{
		{Version: "1.0.0", Pos: config.Pos{Line: 4}, CertificateIdentity: "r@example.com", OpenPGPKeys: "k.asc",
			DownloadURLs: []string{"https://example.com/dl", "http://example.com/dl"}},
	}}
	in := &collector.Input{Tree: tree, Now: time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)}
	recs, err := New(cfg).Collect(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("got %d records, want 2", len(recs))
	}
	ch := recs[0].Fact.(evidence.DistributionChannels)
	wantCh := []evidence.ChannelURL{
		{URL: "https://example.com/dl", Source: "assay.yaml", Line: 4, Field: "releases[0].download_urls[0]"},
		{URL: "http://example.com/dl", Source: "assay.yaml", Line: 4, Field: "releases[0].download_urls[1]"},
	}
	if d := cmp.Diff(wantCh, ch.URLs); d != "" {
		t.Errorf("URLs (-want +got):\n%s", d)
	}
	docs := recs[1].Fact.(evidence.VerificationDocs)
	want := evidence.VerificationDocs{
		Mentions: []evidence.DocMention{
			{Path: "README.md", Line: 5, Command: "cosign verify-blob", Method: "sigstore"},
			{Path: "docs/install/verify.md", Line: 3, Command: "sha256sum -c", Method: "checksum"},
		},
		Searched: []string{"README.md", "docs/install/verify.md"},
		Methods:  []string{"openpgp", "sigstore"},
		Problems: []string{"docs/big.md: larger than 1048576 bytes; not read"},
	}
	if d := cmp.Diff(want, docs); d != "" {
		t.Errorf("docs (-want +got):\n%s", d)
	}
}
