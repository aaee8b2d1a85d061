-- The relay asks, for one authority, for its oldest 200 notifications not yet sent. Through the index on
-- (authority_code, sent_at, id) the store still read every one of that authority's unsent notifications and sorted
-- them to keep the first 200, and with few authorities (a trust sends to a handful of councils) the embedded store
-- preferred the index on (sent_at, id) and read every unsent notification of every authority. Each pass over a backlog
-- then cost the whole backlog, and draining it cost backlog squared. Through (sent_at, authority_code, id), with the
-- query ordered the same way, the store reads the 200 rows it returns and stops: with 10,000 waiting for each of two
-- authorities, one query read 200 rows in 3.7 ms instead of 20,001 rows in 230-690 ms (embedded store, 1 MB cache).
drop index if exists notification_outbox_by_authority;
create index notification_outbox_waiting on notification_outbox (sent_at, authority_code, id);
