-- The background jobs of every context (src/jobs/runner.hpp): claimed with a lease, retried with
-- back-off, failed with a reason.
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  ref_id INTEGER NOT NULL DEFAULT 0,
  payload TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'queued',
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 5,
  run_after TEXT NOT NULL,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_until TEXT NOT NULL DEFAULT '',
  progress INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX jobs_due ON jobs(status, run_after, id);
CREATE INDEX jobs_ref ON jobs(kind, ref_id);
-- Imports queued or running before the runner existed become its jobs.
INSERT INTO jobs (kind, ref_id, status, run_after, created_at, updated_at)
  SELECT 'clients.import', id, 'queued', updated_at, updated_at, updated_at FROM import_jobs WHERE status IN ('queued', 'running');
UPDATE import_jobs SET status = 'queued', lease_owner = '', lease_until = '' WHERE status = 'running';
