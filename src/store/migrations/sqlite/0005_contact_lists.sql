-- Lists read the phones and e-mails of a page of records at once: covering indexes in list
-- order answer that without table lookups or a sort (they replace the plain (type, id) ones).
-- Lookups by number or address get covering indexes too, with two equal columns, so that the
-- planner never prefers scanning a type's whole range of the list index for them.
CREATE INDEX client_phones_list ON client_phones(object_type, object_id, position, number, type);
CREATE INDEX client_emails_list ON client_emails(object_type, object_id, position, email, type);
CREATE INDEX client_phones_lookup ON client_phones(number, object_type, object_id);
CREATE INDEX client_emails_lookup ON client_emails(email, object_type, object_id);
DROP INDEX client_phones_object;
DROP INDEX client_emails_object;
DROP INDEX client_phones_number;
DROP INDEX client_emails_email;
