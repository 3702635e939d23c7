-- Repositories and their assessments. The report column is json, not jsonb:
-- it keeps the report byte for byte and accepts \u0000, which a hostile
-- repository could smuggle into a string and jsonb would refuse. Cast to
-- jsonb in queries that need operators.
CREATE TABLE fleet_repositories (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    path     TEXT NOT NULL UNIQUE,
    added_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE fleet_assessments (
    id                        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    repository_id             BIGINT NOT NULL REFERENCES fleet_repositories (id) ON DELETE CASCADE,
    job_id                    BIGINT NOT NULL DEFAULT 0,
    attempt                   INTEGER NOT NULL DEFAULT 1,
    status                    TEXT NOT NULL CHECK (status IN ('succeeded', 'failed')),
    started_at                TIMESTAMPTZ NOT NULL,
    finished_at               TIMESTAMPTZ NOT NULL,
    duration_ms               BIGINT NOT NULL,
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
    report                    JSON
);

CREATE INDEX fleet_assessments_repository ON fleet_assessments (repository_id, status, id);
