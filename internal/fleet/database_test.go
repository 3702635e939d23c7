package fleet

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseDatabase(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data")
	rel, _ := filepath.Abs("rel/f.db")
	tests := []struct {
		in      string
		want    Database
		wantErr string
	}{
		{in: "", want: Database{Dialect: SQLite, Path: "/data/assay/fleet.db"}},
		{in: "sqlite:///var/lib/assay/fleet.db", want: Database{Dialect: SQLite, Path: "/var/lib/assay/fleet.db"}},
		{in: "sqlite:/var/f.db", want: Database{Dialect: SQLite, Path: "/var/f.db"}},
		{in: "sqlite://rel/f.db", want: Database{Dialect: SQLite, Path: rel}},
		{in: "postgres://u@h/db", want: Database{Dialect: Postgres, URL: "postgres://u@h/db"}},
		{in: "postgresql://u:pw@h/db", want: Database{Dialect: Postgres, URL: "postgresql://u:pw@h/db"}},
		{in: "sqlite:", wantErr: "needs a file path"},
		{in: "sqlite:///a?mode=ro", wantErr: "must not contain"},
		{in: "mysql://root:hunter2@h/db", wantErr: "want sqlite:///PATH or postgres://"},
		{in: "postgres://u:hunter2@h/%zz", wantErr: "not a valid postgres:// URL"},
	}
	for _, tt := range tests {
		got, err := ParseDatabase(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseDatabase(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("ParseDatabase(%q) error shows the password: %v", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseDatabase(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseDatabase(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestRedact(t *testing.T) {
	tests := map[string]string{
		"postgres://u:hunter2@h:5432/db?sslmode=disable": "postgres://u:xxxxx@h:5432/db?sslmode=disable",
		"postgres://u@h/db?password=hunter2":             "postgres://u@h/db?password=xxxxx",
		"postgres://u@h/db":                              "postgres://u@h/db",
		"host=h password=hunter2":                        "…",
	}
	for in, want := range tests {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzRedact(f *testing.F) {
	f.Add("postgres://u:hunter2@h/db?password=hunter3")
	f.Add("postgres://u:hunter2@[::1/db")
	f.Add("host=h password=hunter2")
	f.Fuzz(func(t *testing.T, s string) {
		// Whatever pgx would take for a password must not survive, unless
		// the same text also appears elsewhere in the string.
		u, err := url.Parse(s)
		if err != nil {
			return
		}
		var secrets []string
		if pw, ok := u.User.Password(); ok {
			secrets = append(secrets, pw)
		}
		secrets = append(secrets, u.Query()["password"]...)
		got := Redact(s)
		for _, pw := range secrets {
			if len(pw) >= 4 && strings.Count(s, pw) == 1 && !strings.Contains("postgres://xxxxx", pw) && strings.Contains(got, pw) {
				t.Errorf("Redact(%q) = %q keeps the password %q", s, got, pw)
			}
		}
	})
}
