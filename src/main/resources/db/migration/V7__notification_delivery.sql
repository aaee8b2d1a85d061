-- Each notification's delivery through each of its authority's channels (mappings/authorities.csv, column delivery):
-- delivered, retrying (next_attempt_at says when) or parked (a receiver refused it; an operator retries it once the
-- cause is fixed). A notification with no row for a channel has not been tried there yet. The outbox row's sent_at
-- is set once every channel has delivered it.
create table notification_delivery (
    notification_id  varchar(64)   not null,
    channel          varchar(500)  not null,
    authority_code   varchar(16)   not null,
    state            varchar(10)   not null,
    attempts         integer       not null,
    next_attempt_at  timestamp with time zone,
    delivered_at     timestamp with time zone,
    last_error       varchar(500),
    state_since      timestamp with time zone not null,
    primary key (notification_id, channel)
);
create index notification_delivery_state on notification_delivery (state, authority_code);
