package fleet

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Dialect is the SQL database kind behind a store.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Database is a parsed --database value.
type Database struct {
	Dialect Dialect
	// Path is the SQLite file; URL the PostgreSQL connection string.
	Path string
	URL  string
}

// String shows the database without any password, for messages.
func (d Database) String() string {
	if d.Dialect == SQLite {
		return "sqlite://" + d.Path
	}
	return Redact(d.URL)
}

// DefaultSQLitePath is where the embedded database lives when --database is
// not given: $XDG_DATA_HOME/assay/fleet.db, else ~/.local/share/assay/fleet.db.
func DefaultSQLitePath() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "assay", "fleet.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the default database: %w (set --database or XDG_DATA_HOME)", err)
	}
	return filepath.Join(home, ".local", "share", "assay", "fleet.db"), nil
}

// ParseDatabase reads a --database value: "" for the default SQLite file,
// sqlite:///abs/path, sqlite://rel/path or sqlite:path for SQLite, and
// postgres:// or postgresql:// URLs for PostgreSQL.
func ParseDatabase(s string) (Database, error) {
	switch {
	case s == "":
		p, err := DefaultSQLitePath()
		if err != nil {
			return Database{}, err
		}
		return Database{Dialect: SQLite, Path: p}, nil
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		if _, err := url.Parse(s); err != nil {
			// url's error quotes the input, password included: say less.
			return Database{}, errors.New("--database: not a valid postgres:// URL")
		}
		return Database{Dialect: Postgres, URL: s}, nil
	case strings.HasPrefix(s, "sqlite:"):
		p := strings.TrimPrefix(s, "sqlite:")
		p = strings.TrimPrefix(p, "//")
		if p == "" {
			return Database{}, errors.New("--database: sqlite: needs a file path, e.g. sqlite:///var/lib/assay/fleet.db")
		}
		// The driver reads options after '?' and the URI syntax treats '#'
		// specially; refuse rather than open a different file.
		if strings.ContainsAny(p, "?#\x00") {
			return Database{}, fmt.Errorf("--database: SQLite path %q must not contain '?', '#' or NUL", p)
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return Database{}, fmt.Errorf("--database: %w", err)
		}
		return Database{Dialect: SQLite, Path: abs}, nil
	}
	return Database{}, fmt.Errorf("--database: want sqlite:///PATH or postgres://..., got %q", Redact(s))
}

// Redact hides the password of a PostgreSQL URL, in its user part or as a
// password= parameter, and drops anything it cannot take apart, so messages
// never carry credentials.
func Redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Opaque != "" {
		if i := strings.Index(s, ":"); i > 0 && i <= 16 && !strings.ContainsAny(s[:i], "@/ =#?") {
			return s[:i] + ":…"
		}
		return "…"
	}
	out := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	if u.User != nil {
		out.User = url.User(u.User.Username())
		if _, has := u.User.Password(); has {
			out.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
	}
	out.RawQuery = q.Encode()
	return out.String()
}
