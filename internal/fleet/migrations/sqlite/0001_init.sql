-- Repositories and their assessments. Times are RFC 3339 UTC text.
CREATE TABLE fleet_repositories (
    id       INTEGER PRIMARY KEY,
    path     TEXT NOT NULL UNIQUE,
    added_at TEXT NOT NULL
);

CREATE TABLE fleet_assessments (
    id                        INTEGER PRIMARY KEY,
    repository_id             INTEGER NOT NULL REFERENCES fleet_repositories (id) ON DELETE CASCADE,
    job_id                    INTEGER NOT NULL DEFAULT 0,
    attempt                   INTEGER NOT NULL DEFAULT 1,
    status                    TEXT NOT NULL CHECK (status IN ('succeeded', 'failed')),
    started_at                TEXT NOT NULL,
    finished_at               TEXT NOT NULL,
    duration_ms               INTEGER NOT NULL,
    commit_id                 TEXT NOT NULL DEFAULT '',
    claims_met                INTEGER NOT NULL DEFAULT 0,
    claims_not_met            INTEGER NOT NULL DEFAULT 0,
    claims_unknown            INTEGER NOT NULL DEFAULT 0,
    claims_not_applicable     INTEGER NOT NULL DEFAULT 0,
    claims_waived             INTEGER NOT NULL DEFAULT 0,
    principles_met            INTEGER NOT NULL DEFAULT 0,
    principles_partially_met  INTEGER NOT NULL DEFAULT 0,
    principles_not_met        INTEGER NOT NULL DEFAULT 0,
    principles_unknown        INTEGER NOT NULL DEFAULT 0,
    principles_not_applicable INTEGER NOT NULL DEFAULT 0,
    error                     TEXT NOT NULL DEFAULT '',
    report                    TEXT
);

CREATE INDEX fleet_assessments_repository ON fleet_assessments (repository_id, status, id);
