-- The relay asks, for each authority with work, for its oldest notifications not yet sent. Through the index on
-- (sent_at, id) alone that query read every unsent notification of every authority to find one authority's, so a
-- backlog (the broker down for a while) cost each pass authorities x backlog rows: with 20,000 waiting for 150
-- authorities, a pass took 2.8-8.9 s of queries on the embedded store, against 0.4-0.6 s through this index.
create index notification_outbox_by_authority on notification_outbox (authority_code, sent_at, id);
