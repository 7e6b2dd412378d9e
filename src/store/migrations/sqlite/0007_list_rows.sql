-- Each record keeps its list row (clients::list_row: the JSON a list page shows, without the id),
-- so that a page is a copy of stored text rather than twenty columns, two more queries for the
-- phones and e-mails, and their escaping. '' = not written yet: sdelka fills such rows after the
-- migrations (clients::repo::fill_list_rows) and lists build them from the columns meanwhile. A
-- later change of the row's shape sets list_json = '' again. The partial indexes find the rows
-- still to fill without a scan (empty once they are filled).
ALTER TABLE companies ADD COLUMN list_json TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN list_json TEXT NOT NULL DEFAULT '';
CREATE INDEX companies_list_pending ON companies (id) WHERE list_json = '';
CREATE INDEX persons_list_pending ON persons (id) WHERE list_json = '';
