package fleet

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// postgresURL is the test server: trust authentication on loopback, the
// database "test". ASSAY_TEST_POSTGRES overrides it.
func postgresURL() string {
	if u := os.Getenv("ASSAY_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable&connect_timeout=5"
}

// backend opens a fresh, empty fleet database of one kind for a test.
type backend struct {
	name string
	open func(tb testing.TB) Database
}

var backends = []backend{
	{"sqlite", sqliteDB},
	{"postgres", postgresDB},
}

func sqliteDB(tb testing.TB) Database {
	return Database{Dialect: SQLite, Path: filepath.Join(tb.TempDir(), "fleet.db")}
}

// postgresDB makes a schema of its own for the test, named after the
// process and the clock so parallel runs never meet, and drops it after.
// Tables of both Assay and River land in it through search_path.
func postgresDB(tb testing.TB) Database {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	base := postgresURL()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Skipf("PostgreSQL is not reachable at %s (%v); start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", Redact(base), err)
	}
	schema := fmt.Sprintf("assay_fleet_test_%d_%d", os.Getpid(), time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		conn.Close(ctx)
		tb.Fatalf("create schema: %v", err)
	}
	conn.Close(ctx)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return Database{Dialect: Postgres, URL: u.String()}
}

func openFleet(tb testing.TB, db Database) *Fleet {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	f, err := Open(ctx, db, OpenOptions{})
	if err != nil {
		tb.Fatalf("open %s: %v", db, err)
	}
	tb.Cleanup(f.Close)
	return f
}
