CREATE TABLE departments (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  full_name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  department_id INTEGER REFERENCES departments(id),
  disabled INTEGER NOT NULL DEFAULT 0,
  lang TEXT NOT NULL DEFAULT 'ru',
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE user_roles (
  user_id INTEGER NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,
  PRIMARY KEY (user_id, role)
);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user_id INTEGER,
  login TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL DEFAULT '',
  changes TEXT NOT NULL DEFAULT '{}',
  ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_user ON audit_log(user_id, id);
CREATE INDEX audit_object ON audit_log(object_type, object_id, id);
CREATE INDEX audit_at ON audit_log(at);
CREATE TABLE record_acl (
  object_type TEXT NOT NULL,
  object_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (object_type, object_id, user_id)
);
CREATE TABLE idempotency_keys (
  user_id INTEGER NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL DEFAULT 0,
  response TEXT,
  headers TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (user_id, idem_key)
);
CREATE TABLE job_descriptions (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  confidential INTEGER NOT NULL DEFAULT 0,
  owner_id INTEGER REFERENCES users(id),
  department_id INTEGER REFERENCES departments(id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE job_acknowledgements (
  job_description_id INTEGER NOT NULL REFERENCES job_descriptions(id),
  version INTEGER NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  at TEXT NOT NULL,
  PRIMARY KEY (job_description_id, version, user_id)
);
