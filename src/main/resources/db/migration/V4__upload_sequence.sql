-- The last upload sequence number applied per authority: an upload numbered at or below it is refused whole, so a
-- re-sent older batch cannot undo a newer one.
create table upload_sequence (
    authority_code varchar(16) primary key,
    last_sequence  bigint      not null,
    applied_at     timestamp with time zone not null
);
