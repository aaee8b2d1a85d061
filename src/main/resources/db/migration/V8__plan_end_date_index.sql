-- Plan retention (hourly) asks for the plans that ended before the visibility window: through this index it reads
-- those plans only, where without it every plan in the store was read, a national store's million rows each hour,
-- beside the attendances being answered.
create index plan_by_end_date on plan (end_date);
