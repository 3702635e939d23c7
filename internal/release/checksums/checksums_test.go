package checksums

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const h256 = "2892146b063a94cb4a4318c0e98d38af12dcf2b1e29237486b58463b59607bbd"

func TestParse(t *testing.T) {
	h512 := strings.Repeat("ab", 64)
	tests := []struct {
		name, file, data string
		want             File
		wantErr          bool
	}{
		{name: "gnu_text_and_binary", file: "SHA256SUMS",
			data: "# release 1.0\n" + h256 + "  widget.tar.gz\n" + strings.ToUpper(h256) + " *./bin/widget.exe\r\n",
			want: File{Entries: []Entry{
				{Name: "widget.tar.gz", Algorithm: "sha256", Digest: h256, Line: 2},
				{Name: "bin/widget.exe", Algorithm: "sha256", Digest: h256, Line: 3},
			}}},
		{name: "bsd_tagged", file: "checksums.txt", data: "SHA512 (a b.zip) = " + h512 + "\n",
			want: File{Entries: []Entry{{Name: "a b.zip", Algorithm: "sha512", Digest: h512, Line: 1}}}},
		{name: "single_digest", file: "widget.tar.gz.sha256", data: h256 + "\n",
			want: File{Entries: []Entry{{Name: "widget.tar.gz", Algorithm: "sha256", Digest: h256, Line: 1}}}},
		{name: "gnu_escaped_backslash_refused", file: "SHA256SUMS", data: "\\" + h256 + "  a\\\\b\n" + h256 + "  c\n",
			want: File{Entries: []Entry{{Name: "c", Algorithm: "sha256", Digest: h256, Line: 2}},
				Problems: []Problem{{Line: 1, Msg: `file name "a\\b" is not a relative path`}}}},
		{name: "problems_kept_with_lines", file: "SHA256SUMS",
			data: h256 + "  ok.bin\nnot a checksum line\n" + h256 + "  ../escape\nxyz" + h256[3:] + "  bad\n",
			want: File{Entries: []Entry{{Name: "ok.bin", Algorithm: "sha256", Digest: h256, Line: 1}},
				Problems: []Problem{
					{Line: 2, Msg: `want a hex digest of 32, 40, 64, 96 or 128 characters; got "not"`},
					{Line: 3, Msg: `file name "../escape" leaves the release directory`},
					{Line: 4, Msg: `digest "xyz` + h256[3:] + `" is not hexadecimal`},
				}}},
		{name: "empty", file: "SHA256SUMS", data: "# nothing\n", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.file, []byte(tc.data))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	if _, err := Parse("SHA256SUMS", make([]byte, MaxFileSize+1)); err == nil {
		t.Fatal("oversized file accepted")
	}
	long := h256 + "  " + strings.Repeat("a", maxLine+10) + "\n" + h256 + "  b\n"
	f, err := Parse("SHA256SUMS", []byte(long))
	if err == nil && len(f.Problems) == 0 {
		t.Fatal("overlong line not reported")
	}
}

func TestIsChecksumFile(t *testing.T) {
	for name, want := range map[string]bool{"SHA256SUMS": true, "checksums.txt": true, "widget_1.0_checksums.txt": true,
		"a.tar.gz.sha256": true, "a.tar.gz": false, "a.sha256.sig": false} {
		if got := IsChecksumFile(name); got != want {
			t.Errorf("%s: got %v", name, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("SHA256SUMS", []byte(h256+"  a\n"))
	f.Add("checksums.txt", []byte("SHA256 (x) = "+h256+"\n"))
	f.Add("a.sha256", []byte(h256))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		got, err := Parse(name, data)
		if err == nil && len(got.Entries) == 0 {
			t.Fatal("no error and no entries")
		}
		for _, e := range got.Entries {
			if e.Name == "" || strings.HasPrefix(e.Name, "/") || algForLength(len(e.Digest)) != e.Algorithm {
				t.Fatalf("bad entry %+v", e)
			}
			for _, p := range strings.Split(e.Name, "/") {
				if p == ".." {
					t.Fatalf("escaping entry %+v", e)
				}
			}
		}
	})
}
