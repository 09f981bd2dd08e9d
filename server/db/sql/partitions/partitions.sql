-- Monthly partitions of the raw event tables (issue 18; migration
-- 20260113000000_partitions). Each of view_events and route_invocations is
-- partitioned by range of its time column into UTC calendar months named
-- <table>_yYYYYmMM, plus <table>_default for rows of any month without one.
-- Writers keep inserting into the parent; the statement-level rollup triggers
-- stay on the parent, so detaching and dropping a partition changes no rollup.

-- The tables and their time columns.
create or replace function appstats_partitioned_tables() returns table (tbl text, col text)
language sql immutable as $$ values ('view_events', 'viewed_at'), ('route_invocations', 'started_at') $$;

-- A month's partition name: view_events_y2026m12.
create or replace function appstats_partition_name(tbl text, month timestamptz) returns text
language sql immutable as $$ select tbl || to_char(month at time zone 'UTC', '"_y"YYYY"m"MM') $$;

-- The first instant of the UTC month after the one `month` starts (independent of the session's zone).
create or replace function appstats_month_after(month timestamptz) returns timestamptz
language sql immutable as $$ select ((month at time zone 'UTC') + interval '1 month') at time zone 'UTC' $$;

-- A partition's bounds from the catalog; null for MINVALUE/MAXVALUE (and both null for the default).
create or replace function appstats_partition_bounds(part regclass, out lower timestamptz, out upper timestamptz)
language plpgsql stable as $$
declare
  bound text := pg_catalog.pg_get_expr((select relpartbound from pg_catalog.pg_class where oid = part), part);
begin
  lower := (substring(bound from $re$FROM \('([^']+)'\)$re$))::timestamptz;
  upper := (substring(bound from $re$TO \('([^']+)'\)$re$))::timestamptz;
end $$;

-- Creates the partitions of the current UTC month and `months_ahead` after it
-- (and of every month from `since` on, for a backfill of old rows),
-- and moves the rows the default partition holds into partitions of their own
-- months (a backfill, or writes past the months created ahead), so that
-- retention can drop whole months. A month some partition already covers (the
-- legacy one of a converted table) is left alone. Returns the partitions made.
create or replace function appstats_partitions_ensure(months_ahead integer default 3, since timestamptz default null) returns integer
language plpgsql as $$
declare
  t record;
  month timestamptz;
  part text;
  made integer := 0;
  this_month timestamptz := date_trunc('month', now(), 'UTC');
begin
  -- One at a time: two service processes starting together would race to create the same month.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('appstats_partitions'));
  for t in select * from appstats_partitioned_tables() loop
    for month in execute format(
      'select distinct date_trunc(''month'', %1$I, ''UTC'') from public.%2$I
       union select g at time zone ''UTC'' from generate_series(
         %3$L::timestamptz at time zone ''UTC'',
         (%4$L::timestamptz at time zone ''UTC'') + make_interval(months => %5$s), interval ''1 month'') g
       order by 1', t.col, t.tbl || '_default', date_trunc('month', least(coalesce(since, now()), now()), 'UTC'), this_month,
       greatest(months_ahead, 0))
    loop
      part := appstats_partition_name(t.tbl, month);
      continue when to_regclass('public.' || quote_ident(part)) is not null;
      begin
        -- Writers of far-off times (which land in the default partition) wait while a month
        -- moves out of it, so none of their rows is left behind to fail the ATTACH.
        execute format('lock table public.%I in exclusive mode', t.tbl || '_default');
        -- Built apart, filled from the default partition, then attached: the parent is
        -- only ever locked SHARE UPDATE EXCLUSIVE, so writers go on meanwhile.
        execute format('create table public.%I (like public.%I including defaults including constraints)', part, t.tbl);
        execute format(
          'with moved as (delete from public.%1$I where %2$I >= $1 and %2$I < $2 returning *) insert into public.%3$I select * from moved',
          t.tbl || '_default', t.col, part) using month, appstats_month_after(month);
        execute format('alter table public.%I attach partition public.%I for values from (%L) to (%L)',
          t.tbl, part, month, appstats_month_after(month));
        made := made + 1;
      exception when invalid_object_definition then
        -- 42P17: another partition (the legacy one) covers that month already.
        null;
      end;
    end loop;
  end loop;
  return made;
end $$;

-- Detaches and drops every partition whose whole range ends at or before
-- `before` (never the default), or with dry_run only lists them, with their
-- rows and bytes. Records in retention_raw_since from when each table still has
-- raw rows.
create or replace function appstats_retention_apply(before timestamptz, dry_run boolean)
returns table (tbl text, part text, from_at timestamptz, to_at timestamptz, n_rows bigint, n_bytes bigint)
language plpgsql as $$
declare
  p record;
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('appstats_partitions'));
  for p in
    select t.tbl, c.oid::regclass as rel, c.relname::text as name, b.lower, b.upper
    from appstats_partitioned_tables() t
    join pg_catalog.pg_inherits i on i.inhparent = ('public.' || t.tbl)::regclass
    join pg_catalog.pg_class c on c.oid = i.inhrelid
    cross join lateral appstats_partition_bounds(c.oid) b
    where b.upper is not null and b.upper <= before
    order by t.tbl, b.upper
  loop
    tbl := p.tbl;
    part := p.name;
    from_at := p.lower;
    to_at := p.upper;
    execute format('select count(*) from %s', p.rel) into n_rows;
    n_bytes := pg_catalog.pg_total_relation_size(p.rel);
    if not dry_run then
      execute format('alter table public.%I detach partition %s', p.tbl, p.rel);
      execute format('drop table %s', p.rel);
      insert into retention_raw_since as r (table_name, since) values (p.tbl, p.upper)
        on conflict (table_name) do update set since = greatest(r.since, excluded.since);
    end if;
    return next;
  end loop;
end $$;
