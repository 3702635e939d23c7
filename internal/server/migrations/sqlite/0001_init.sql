-- The server's tables: organisations own users, products and, through
-- products, repositories; a repository points at the fleet repository whose
-- assessments it shows. Tokens and share links are stored as SHA-256 hashes
-- of high-entropy random values, never in the clear. Times are RFC 3339 UTC
-- text, as in the fleet's tables.
CREATE TABLE server_organisations (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE server_users (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES server_organisations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'member', 'viewer')),
    created_at      TEXT NOT NULL,
    UNIQUE (organisation_id, name)
);

CREATE TABLE server_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES server_users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('signin', 'session', 'api')),
    hash       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used       INTEGER NOT NULL DEFAULT 0,
    revoked    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE server_products (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES server_organisations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL DEFAULT '',
    delivery        TEXT NOT NULL DEFAULT '',
    sro             TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    UNIQUE (organisation_id, name)
);

CREATE TABLE server_repositories (
    id                  INTEGER PRIMARY KEY,
    product_id          INTEGER NOT NULL REFERENCES server_products (id) ON DELETE CASCADE,
    fleet_repository_id INTEGER NOT NULL REFERENCES fleet_repositories (id),
    source              TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    UNIQUE (product_id, source)
);

CREATE INDEX server_repositories_fleet ON server_repositories (fleet_repository_id);

CREATE TABLE server_shares (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES server_products (id) ON DELETE CASCADE,
    hash       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0
);
