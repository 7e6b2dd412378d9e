-- Full-text rows are keyed by the negated record id (src/clients/repo.cpp, fts_rowid): the
-- newest records then come first in ascending rowid order, which FTS5 walks several times
-- faster than descending. The tables are rebuilt from their own content, in ascending new rowid
-- order (FTS5 flushes its pending terms at every insert that is not above the previous rowid).
CREATE VIRTUAL TABLE companies_fts_new USING fts5(name, region, industry, tokenize='ru', prefix='2 3 4 5');
INSERT INTO companies_fts_new (rowid, name, region, industry) SELECT -rowid, name, region, industry FROM companies_fts ORDER BY rowid DESC;
DROP TABLE companies_fts;
ALTER TABLE companies_fts_new RENAME TO companies_fts;
CREATE VIRTUAL TABLE persons_fts_new USING fts5(name, region, tokenize='ru', prefix='2 3 4 5');
INSERT INTO persons_fts_new (rowid, name, region) SELECT -rowid, name, region FROM persons_fts ORDER BY rowid DESC;
DROP TABLE persons_fts;
ALTER TABLE persons_fts_new RENAME TO persons_fts;
