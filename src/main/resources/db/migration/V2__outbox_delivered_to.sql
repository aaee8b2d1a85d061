-- Where each notification actually went: the authority's queue, or the unrouted queue when it had none.
alter table notification_outbox add column delivered_to varchar(200);
