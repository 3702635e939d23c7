package fleet

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// Fleet is an opened database: its store and its queue.
type Fleet struct {
	Store    Store
	Queue    Queue
	Database Database
	db       *sql.DB
	close    func()
}

// SQL returns the database handle and its dialect, for packages that keep
// tables of their own beside the fleet's (migrated with ApplyMigrations).
func (f *Fleet) SQL() (*sql.DB, Dialect) { return f.db, f.Database.Dialect }

// Close releases the database.
func (f *Fleet) Close() {
	if f != nil && f.close != nil {
		f.close()
	}
}

// OpenOptions tune Open.
type OpenOptions struct {
	// Logger receives River's logs; nil discards them.
	Logger *slog.Logger
	// ReadOnly opens an existing database for reading only (`fleet status`,
	// `fleet report`): it creates no file or directory, applies no
	// migration and fails when there is no database yet.
	ReadOnly bool
}

// ErrNoFleet means a read-only open found no fleet database.
var ErrNoFleet = errors.New("no fleet database")

// Open connects to the database, applies Assay's and River's migrations, and
// returns the store and queue over it.
func Open(ctx context.Context, db Database, opts OpenOptions) (*Fleet, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	switch db.Dialect {
	case SQLite:
		return openSQLite(ctx, db, logger, opts.ReadOnly)
	case Postgres:
		return openPostgres(ctx, db, logger, opts.ReadOnly)
	}
	return nil, fmt.Errorf("open: unknown database kind %q", db.Dialect)
}

func openSQLite(ctx context.Context, d Database, logger *slog.Logger, readOnly bool) (*Fleet, error) {
	// WAL lets `fleet status` read while `fleet run` writes; busy_timeout
	// makes a second process wait for the lock instead of failing; an
	// immediate transaction takes the write lock up front, so two processes
	// never deadlock upgrading read locks.
	dsn := "file:" + d.Path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	if readOnly {
		// Reading never creates: not the directory, not the file.
		st, err := os.Stat(d.Path)
		if err != nil || !st.Mode().IsRegular() {
			return nil, fmt.Errorf("open %s: %w there; add repositories with 'assay fleet add'", d, ErrNoFleet)
		}
		// The journal mode is the file's own (WAL once a writer set it).
		dsn = "file:" + d.Path + "?mode=ro&_pragma=busy_timeout(10000)&_pragma=query_only(1)"
	} else if err := os.MkdirAll(filepath.Dir(d.Path), 0o700); err != nil {
		return nil, fmt.Errorf("open %s: %w", d, err)
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", d, err)
	}
	// SQLite allows one writer; River's SQLite driver documents one
	// connection as the way to avoid SQLITE_BUSY between its own goroutines.
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	fail := func(err error) (*Fleet, error) {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", d, err)
	}
	if err := db.PingContext(ctx); err != nil {
		return fail(err)
	}
	driver := riversqlite.New(db)
	if readOnly {
		if err := checkSchema(ctx, db); err != nil {
			return fail(err)
		}
	} else {
		if err := migrate(ctx, db, SQLite); err != nil {
			return fail(err)
		}
		if err := migrateRiver(ctx, driver); err != nil {
			return fail(err)
		}
	}
	store := newSQLStore(db, SQLite)
	q, err := newRiverQueue(driver, store, logger, 200*time.Millisecond)
	if err != nil {
		return fail(err)
	}
	return &Fleet{Store: store, Queue: q, Database: d, db: db, close: func() { db.Close() }}, nil
}

func openPostgres(ctx context.Context, d Database, logger *slog.Logger, readOnly bool) (*Fleet, error) {
	cfg, err := pgxpool.ParseConfig(d.URL)
	if err != nil {
		// pgx's message may quote the connection string; keep only its kind.
		return nil, fmt.Errorf("open %s: invalid connection string", d)
	}
	if readOnly {
		cfg.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", d, err)
	}
	db := stdlib.OpenDBFromPool(pool)
	fail := func(err error) (*Fleet, error) {
		db.Close()
		pool.Close()
		return nil, fmt.Errorf("open %s: %w", d, err)
	}
	if err := pool.Ping(ctx); err != nil {
		return fail(err)
	}
	driver := riverpgxv5.New(pool)
	if readOnly {
		if err := checkSchema(ctx, db); err != nil {
			return fail(err)
		}
	} else {
		if err := migrate(ctx, db, Postgres); err != nil {
			return fail(err)
		}
		if err := migrateRiver(ctx, driver); err != nil {
			return fail(err)
		}
	}
	store := newSQLStore(db, Postgres)
	// LISTEN/NOTIFY wakes producers on insert; polling is the fallback.
	q, err := newRiverQueue(driver, store, logger, time.Second)
	if err != nil {
		return fail(err)
	}
	return &Fleet{Store: store, Queue: q, Database: d, db: db, close: func() { db.Close(); pool.Close() }}, nil
}

// checkSchema confirms, without writing, that a database opened read-only
// holds a fleet: Assay's migrations table and River's job table.
func checkSchema(ctx context.Context, db *sql.DB) error {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM fleet_schema_migrations`).Scan(&n); err != nil || n == 0 {
		return fmt.Errorf("%w: the database holds no fleet yet; add repositories with 'assay fleet add'", ErrNoFleet)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE 1 = 0`).Scan(&n); err != nil {
		return fmt.Errorf("%w: the job queue is missing; run 'assay fleet add' to migrate the database", ErrNoFleet)
	}
	return nil
}

func migrateRiver[TTx any](ctx context.Context, driver riverdriver.Driver[TTx]) error {
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	return nil
}
