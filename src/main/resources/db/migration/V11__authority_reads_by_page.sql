-- An authority's reads over HTTP (the FHIR AuditEvent search, the authority API) come one page at a time, each
-- query ordered by its keyset and asking for one page (FETCH FIRST). Through these indexes the store walks the rows in
-- that order and stops after the page: a date range's accesses by time (before, every access record was read and
-- sorted to keep a page), an authority's plans by child and start date (before, every plan of every authority).
-- A child's accesses already have access_by_person (nhs_number, accessed_at).
create index access_by_time on access_record (accessed_at, id);
create index plan_by_authority on plan (authority_code, nhs_number, start_date, id);
