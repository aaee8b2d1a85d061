-- Visits already checked: one visit (the sender's visit number, else its patient identifier and the day) is looked up
-- and notified once, whatever number of messages it brings; a later message with another NHS number is a new look-up.
create table visit (
    visit_key        varchar(600) primary key,
    nhs_number       char(10)     not null,
    first_message_id bigint,
    checked_at       timestamp with time zone not null
);
create index visit_checked on visit (checked_at);
