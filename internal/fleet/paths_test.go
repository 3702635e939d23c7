package fleet

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadPathList(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
		wantErr  string
	}{
		{name: "plain", in: "a\n  b  \n\n# c\nd", want: []string{"a", "b", "d"}},
		{name: "crlf", in: "a\r\nb\r\n", want: []string{"a", "b"}},
		{name: "empty", in: "", want: nil},
		{name: "nul", in: "a\nb\x00c\n", wantErr: "list:2: a path must not contain NUL"},
		{name: "utf8", in: "\xff\n", wantErr: "list:1: want a path in UTF-8"},
		{name: "long", in: "a\n" + strings.Repeat("x", 5000) + "\n", wantErr: "list:2: a line longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadPathList("list", strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadPathListBounds(t *testing.T) {
	many := strings.Repeat("a\n", MaxListPaths+1)
	if _, err := ReadPathList("list", strings.NewReader(many)); err == nil || !strings.Contains(err.Error(), "more than the limit") {
		t.Errorf("too many paths: %v", err)
	}
	big := strings.Repeat("#", MaxListSize+1)
	if _, err := ReadPathList("list", strings.NewReader(big)); err == nil || !strings.Contains(err.Error(), "larger than the limit") {
		t.Errorf("too large: %v", err)
	}
}

func TestResolveDirs(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	realDir, _ := filepath.EvalSymlinks(real)
	got, err := ResolveDirs([]string{"real", "link", filepath.Join(dir, "real")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{realDir}, got); diff != "" {
		t.Errorf("one directory, three spellings (-want +got):\n%s", diff)
	}
	if _, err := ResolveDirs([]string{"file"}); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("file: %v", err)
	}
	if _, err := ResolveDirs([]string{"missing"}); err == nil {
		t.Error("missing directory accepted")
	}
}

func FuzzReadPathList(f *testing.F) {
	f.Add("a\n# b\n\n c \r\n")
	f.Add("x\x00y")
	f.Add("\xff\xfe")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ReadPathList("fuzz", strings.NewReader(in))
		if err != nil {
			return
		}
		for _, p := range got {
			if p == "" || strings.HasPrefix(p, "#") || strings.ContainsAny(p, "\x00\n") || strings.TrimSpace(p) != p {
				t.Errorf("ReadPathList kept %q", p)
			}
		}
	})
}
