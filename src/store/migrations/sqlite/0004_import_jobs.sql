CREATE TABLE import_jobs (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL DEFAULT 'companies',
  file_name TEXT NOT NULL,
  file_path TEXT NOT NULL,
  on_duplicate TEXT NOT NULL DEFAULT 'skip',
  mapping TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'uploaded',
  rows INTEGER NOT NULL DEFAULT 0,
  imported INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  progress INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX import_jobs_user ON import_jobs(user_id, id);
CREATE INDEX import_jobs_status ON import_jobs(status, id);
