CREATE VIRTUAL TABLE companies_fts USING fts5(name, region, industry, tokenize='ru', prefix='2 3 4 5');
CREATE VIRTUAL TABLE persons_fts USING fts5(name, region, tokenize='ru', prefix='2 3 4 5');
