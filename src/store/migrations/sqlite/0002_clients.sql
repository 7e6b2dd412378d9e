CREATE TABLE companies (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL DEFAULT '',
  sort_key TEXT NOT NULL DEFAULT '',
  inn TEXT,
  kpp TEXT,
  ogrn TEXT,
  segment TEXT NOT NULL DEFAULT 'prospect',
  industry TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  size TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  referrer_company_id INTEGER REFERENCES companies(id),
  bank_bik TEXT,
  bank_account TEXT,
  address TEXT NOT NULL DEFAULT '',
  website TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  owner_id INTEGER REFERENCES users(id),
  department_id INTEGER REFERENCES departments(id),
  archived INTEGER NOT NULL DEFAULT 0,
  merged_into INTEGER,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX companies_inn ON companies(inn);
CREATE INDEX companies_ogrn ON companies(ogrn);
CREATE INDEX companies_name_key ON companies(name_key);
CREATE INDEX companies_sort ON companies(sort_key, id);
CREATE INDEX companies_owner ON companies(owner_id, id);
CREATE INDEX companies_department ON companies(department_id, id);
CREATE INDEX companies_created ON companies(created_at, id);
CREATE TABLE persons (
  id INTEGER PRIMARY KEY,
  last_name TEXT NOT NULL DEFAULT '',
  first_name TEXT NOT NULL DEFAULT '',
  middle_name TEXT NOT NULL DEFAULT '',
  name_key TEXT NOT NULL DEFAULT '',
  sort_key TEXT NOT NULL DEFAULT '',
  inn TEXT,
  birthday TEXT,
  segment TEXT NOT NULL DEFAULT 'prospect',
  region TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  owner_id INTEGER REFERENCES users(id),
  department_id INTEGER REFERENCES departments(id),
  archived INTEGER NOT NULL DEFAULT 0,
  merged_into INTEGER,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX persons_name_key ON persons(name_key);
CREATE INDEX persons_sort ON persons(sort_key, id);
CREATE INDEX persons_inn ON persons(inn);
CREATE INDEX persons_owner ON persons(owner_id, id);
CREATE INDEX persons_department ON persons(department_id, id);
CREATE TABLE client_phones (
  object_type TEXT NOT NULL,
  object_id INTEGER NOT NULL,
  number TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT 'work',
  position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX client_phones_object ON client_phones(object_type, object_id);
CREATE INDEX client_phones_number ON client_phones(number);
CREATE TABLE client_emails (
  object_type TEXT NOT NULL,
  object_id INTEGER NOT NULL,
  email TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT 'work',
  position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX client_emails_object ON client_emails(object_type, object_id);
CREATE INDEX client_emails_email ON client_emails(email);
CREATE TABLE person_companies (
  person_id INTEGER NOT NULL REFERENCES persons(id),
  company_id INTEGER NOT NULL REFERENCES companies(id),
  position TEXT NOT NULL DEFAULT '',
  decision_maker INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (person_id, company_id)
);
CREATE INDEX person_companies_company ON person_companies(company_id);
CREATE TABLE consents (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES persons(id),
  purpose TEXT NOT NULL,
  given_at TEXT NOT NULL,
  channel TEXT NOT NULL,
  text_version TEXT NOT NULL,
  withdrawn_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX consents_person ON consents(person_id);
CREATE TABLE not_duplicates (
  object_type TEXT NOT NULL,
  a_id INTEGER NOT NULL,
  b_id INTEGER NOT NULL,
  user_id INTEGER,
  created_at TEXT NOT NULL,
  PRIMARY KEY (object_type, a_id, b_id)
);
