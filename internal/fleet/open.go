package fleet

import (
	"context"
	"database/sql"
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
}

// Open connects to the database, applies Assay's and River's migrations, and
// returns the store and queue over it.
func Open(ctx context.Context, db Database, opts OpenOptions) (*Fleet, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	switch db.Dialect {
	case SQLite:
		return openSQLite(ctx, db, logger)
	case Postgres:
		return openPostgres(ctx, db, logger)
	}
	return nil, fmt.Errorf("open: unknown database kind %q", db.Dialect)
}

func openSQLite(ctx context.Context, d Database, logger *slog.Logger) (*Fleet, error) {
	if err := os.MkdirAll(filepath.Dir(d.Path), 0o700); err != nil {
		return nil, fmt.Errorf("open %s: %w", d, err)
	}
	// WAL lets `fleet status` read while `fleet run` writes; busy_timeout
	// makes a second process wait for the lock instead of failing; an
	// immediate transaction takes the write lock up front, so two processes
	// never deadlock upgrading read locks.
	dsn := "file:" + d.Path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
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
	if err := migrate(ctx, db, SQLite); err != nil {
		return fail(err)
	}
	driver := riversqlite.New(db)
	if err := migrateRiver(ctx, driver); err != nil {
		return fail(err)
	}
	store := newSQLStore(db, SQLite)
	q, err := newRiverQueue(driver, store, logger, 200*time.Millisecond)
	if err != nil {
		return fail(err)
	}
	return &Fleet{Store: store, Queue: q, Database: d, db: db, close: func() { db.Close() }}, nil
}

func openPostgres(ctx context.Context, d Database, logger *slog.Logger) (*Fleet, error) {
	cfg, err := pgxpool.ParseConfig(d.URL)
	if err != nil {
		// pgx's message may quote the connection string; keep only its kind.
		return nil, fmt.Errorf("open %s: invalid connection string", d)
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
	if err := migrate(ctx, db, Postgres); err != nil {
		return fail(err)
	}
	driver := riverpgxv5.New(pool)
	if err := migrateRiver(ctx, driver); err != nil {
		return fail(err)
	}
	store := newSQLStore(db, Postgres)
	// LISTEN/NOTIFY wakes producers on insert; polling is the fallback.
	q, err := newRiverQueue(driver, store, logger, time.Second)
	if err != nil {
		return fail(err)
	}
	return &Fleet{Store: store, Queue: q, Database: d, db: db, close: func() { db.Close(); pool.Close() }}, nil
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
