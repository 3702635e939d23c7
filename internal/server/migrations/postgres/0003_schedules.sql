-- Per-repository schedules: every schedule_minutes (0: none) the scheduler
-- queues an assessment once next_due_ms (Unix milliseconds) has passed.
ALTER TABLE server_repositories ADD COLUMN schedule_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE server_repositories ADD COLUMN next_due_ms BIGINT NOT NULL DEFAULT 0;
CREATE INDEX server_repositories_due ON server_repositories (next_due_ms) WHERE schedule_minutes > 0;
