-- One stored outcome per job: a worker killed after storing its outcome but
-- before River recorded the job's completion reruns the job, and the rerun
-- must not store a second row. Duplicates left by earlier versions keep
-- their first row.
DELETE FROM fleet_assessments WHERE job_id > 0 AND id NOT IN (
    SELECT min(id) FROM fleet_assessments WHERE job_id > 0 GROUP BY job_id);
CREATE UNIQUE INDEX fleet_assessments_job ON fleet_assessments (job_id) WHERE job_id > 0;

-- Leases of running worker pools, by River client id: a pool renews its
-- lease while it runs, and a running job whose pool's lease has lapsed
-- belongs to a dead process and is made available again.
CREATE TABLE fleet_workers (
    client_id    TEXT PRIMARY KEY,
    heartbeat_ms BIGINT NOT NULL
);
