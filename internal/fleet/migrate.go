package fleet

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Our tables are migrated by a small versioned runner rather than goose:
// goose v3.30.0 would raise about twenty modules shared with the rest of
// Assay (grpc, otel, x/net, x/text, moby) for what is, here, one table of
// applied versions and a loop. River migrates its own tables (rivermigrate).
//
//go:embed migrations
var migrationFS embed.FS

// migration is one numbered SQL file: migrations/<dialect>/NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations(set MigrationSet, d Dialect) ([]migration, error) {
	dir := path.Join(set.Dir, string(d))
	entries, err := fs.ReadDir(set.FS, dir)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migration %s/%s: want NNNN_name.sql", dir, name)
		}
		data, err := fs.ReadFile(set.FS, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, sql: string(data)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", out[i-1].name, out[i].name, out[i].version)
		}
	}
	return out, nil
}

// migrationLockKey is the PostgreSQL advisory lock that serialises
// concurrent `assay fleet` processes migrating the same database.
const migrationLockKey = 0x41737361 // "Assa"

// fleetMigrations are the fleet's own tables.
var fleetMigrations = MigrationSet{FS: migrationFS, Dir: "migrations", Table: "fleet_schema_migrations", LockKey: migrationLockKey}

// MigrationSet is one family of versioned migrations: FS holds
// Dir/<dialect>/NNNN_name.sql, Table records the applied versions, and
// LockKey is the PostgreSQL advisory lock that serialises processes
// migrating it. Other packages sharing the fleet's database (the server)
// keep their tables in a set of their own.
type MigrationSet struct {
	FS      fs.FS
	Dir     string
	Table   string
	LockKey int64
}

func migrate(ctx context.Context, db *sql.DB, d Dialect) error {
	return ApplyMigrations(ctx, db, d, fleetMigrations)
}

// ApplyMigrations applies the missing migrations of set in one transaction,
// so a failure leaves the schema as it was. It refuses a database migrated
// by a newer Assay.
func ApplyMigrations(ctx context.Context, db *sql.DB, d Dialect, set MigrationSet) error {
	all, err := loadMigrations(set, d)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		return fmt.Errorf("migrate: no migrations in %s/%s", set.Dir, d)
	}
	table := set.Table
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	stampType := "TEXT"
	if d == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, set.LockKey); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		stampType = "TIMESTAMPTZ"
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+table+` (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at `+stampType+` NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: create version table: %w", err)
	}
	applied := map[int]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT version FROM `+table)
	if err != nil {
		return fmt.Errorf("migrate: read versions: %w", err)
	}
	maxApplied := 0
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("migrate: read versions: %w", err)
		}
		applied[v] = true
		maxApplied = max(maxApplied, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("migrate: read versions: %w", err)
	}
	if known := all[len(all)-1].version; maxApplied > known {
		return fmt.Errorf("migrate: the database is at schema version %d but this assay knows only up to %d; use a newer assay", maxApplied, known)
	}
	for _, m := range all {
		if applied[m.version] {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migrate: apply %s/%s: %w", d, m.name, err)
		}
		if _, err := tx.ExecContext(ctx, rebind(d, `INSERT INTO `+table+` (version, name, applied_at) VALUES (?, ?, ?)`),
			m.version, m.name, encodeTime(d, time.Now())); err != nil {
			return fmt.Errorf("migrate: record %s: %w", m.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	return nil
}

// rebind turns '?' placeholders into PostgreSQL's $N. Our queries hold no
// '?' inside string literals.
func rebind(d Dialect, q string) string {
	if d != Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// encodeTime stores times as timestamptz on PostgreSQL and as RFC 3339 text
// on SQLite, whose driver otherwise picks its own text format.
func encodeTime(d Dialect, t time.Time) any {
	t = t.UTC()
	if d == Postgres {
		return t
	}
	return t.Format(time.RFC3339Nano)
}

// decodeTime reads what encodeTime wrote, whichever form the driver returns.
func decodeTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC(), nil
	case string:
		return time.Parse(time.RFC3339Nano, t)
	case []byte:
		return time.Parse(time.RFC3339Nano, string(t))
	case nil:
		return time.Time{}, nil
	}
	return time.Time{}, fmt.Errorf("unexpected time value of type %T", v)
}

// Rebind turns '?' placeholders into the dialect's own, for packages that
// query the fleet's database directly.
func Rebind(d Dialect, q string) string { return rebind(d, q) }

// EncodeTime and DecodeTime store and read times as the fleet's tables do.
func EncodeTime(d Dialect, t time.Time) any { return encodeTime(d, t) }

// DecodeTime reads a time written by EncodeTime.
func DecodeTime(v any) (time.Time, error) { return decodeTime(v) }
