-- What an assessment saw: a hash of the commit, the declaration, the
-- vulnerability database, the Assay binary and the day. A job that finds
-- the same state as the newest succeeded assessment assesses nothing and
-- records a check instead: one row per repository, the newest.
ALTER TABLE fleet_assessments ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';

CREATE TABLE fleet_checks (
    repository_id   BIGINT PRIMARY KEY REFERENCES fleet_repositories (id) ON DELETE CASCADE,
    job_id          BIGINT NOT NULL,
    checked_at      TIMESTAMPTZ NOT NULL,
    unchanged_since BIGINT NOT NULL
);
