-- The last batch of the embedded store's write-ahead log that the store holds (written in each batch's transaction):
-- at start, the batches the log holds beyond it are written again. Unused (and harmless) on PostgreSQL.
create table wal_mark (
    id            integer primary key,
    last_sequence bigint not null
);
insert into wal_mark (id, last_sequence) values (1, 0);
