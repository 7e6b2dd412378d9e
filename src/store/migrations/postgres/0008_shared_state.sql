ALTER TABLE import_jobs ADD COLUMN upload_size BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_jobs ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE import_jobs ADD COLUMN lease_until TEXT NOT NULL DEFAULT '';
ALTER TABLE import_jobs ADD COLUMN reports_kept INTEGER NOT NULL DEFAULT 1;
CREATE TABLE login_attempts (
  key TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,  -- Unix seconds: the window began then
  attempts BIGINT NOT NULL
);
CREATE INDEX login_attempts_window ON login_attempts(window_start);
