-- Rollups of view_events: the slot, bucket, hour, day and viewer rows (README.md).
-- Loaded by migrations/20260108000000_rollup_functions_sql.ts; the triggers
-- that call these are in triggers.sql.
--
-- The three statement triggers (insert, update, delete) share one body and
-- differ only in the rows they fold in (new_rows as +1, old_rows as -1, or
-- both) and in what a removed row asks for: every slot row of its app locked
-- first, and the app's newest view taken again from raw rows afterwards.

-- A one-row INSERT whose slot row is missing or on another bucket: lock (or
-- create) the slot row; a later bucket becomes the current one after the old
-- one is moved out; an earlier bucket (a late event) goes straight to its rows.
create or replace function stats_add_view(p_app uuid, p_slot smallint, p_bucket timestamptz, p_viewers bigint, p_at timestamptz)
returns void
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  cur timestamptz;
begin
  loop
    select cur_bucket into cur from stats_view_slots where app_id = p_app and slot = p_slot for update;
    exit when found;
    insert into stats_view_slots values (p_app, p_slot, 0, 0, null, null, 0) on conflict do nothing;
  end loop;

  if p_bucket < cur then
    update stats_view_slots
    set views = views + 1, viewers = viewers + p_viewers, last_viewed_at = greatest(last_viewed_at, p_at)
    where app_id = p_app and slot = p_slot;
    insert into stats_view_buckets as t values (p_app, p_bucket, p_slot, 1)
    on conflict (app_id, bucket, slot) do update set views = t.views + excluded.views;
    insert into stats_view_hours as t values (p_app, date_bin('1 hour', p_bucket, timestamptz '2000-01-01 00:00:00+00'), p_slot, 1)
    on conflict (app_id, hour, slot) do update set views = t.views + excluded.views;
    insert into stats_view_days as t values (p_app, (p_bucket at time zone 'UTC')::date, p_slot, 1)
    on conflict (app_id, day, slot) do update set views = t.views + excluded.views;
    return;
  end if;

  if p_bucket > cur then
    perform stats_flush_views(array[p_app], p_slot);
  end if;
  update stats_view_slots
  set views = views + 1, viewers = viewers + p_viewers, last_viewed_at = greatest(last_viewed_at, p_at),
      cur_bucket = p_bucket, cur_views = case when cur_bucket = p_bucket then cur_views + 1 else 1 end
  where app_id = p_app and slot = p_slot;
end
$fn$;

-- AFTER INSERT, for each statement (one row, INSERT … SELECT or COPY).
create or replace function stats_view_events_insert()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  my_slot constant smallint := pg_backend_pid() % 16;
  deltas stats_view_delta[];
  zeroed stats_viewer_key[];
  viewer_changes stats_app_count[];
  one record;
  fresh bigint;
  hits bigint;
begin
  -- A one-row INSERT (the common case by far) skips the set-based path below:
  -- into the slot's current bucket it is one UPDATE of the slot row (plus the
  -- viewer's row), measured at half the cost of updating bucket, day and totals
  -- rows. The advisory lock is taken here for the first row's app whatever the
  -- count: harmless for a set, which takes them all below.
  select app_id, viewer_id, viewed_at, count(*) over () as n,
         pg_advisory_xact_lock_shared(hashtextextended('appstats.rollups:' || app_id::text, my_slot)) as locked
  into one
  from (select * from new_rows limit 2) s
  limit 1;
  if one.n = 1 then
    with viewer as (
      insert into stats_viewers as t
      select one.app_id, one.viewer_id, 1 where one.viewer_id is not null
      on conflict (app_id, viewer_id) do update set views = t.views + 1
      returning (t.views = 1)::int as first_view
    ), current as (
      update stats_view_slots
      set views = views + 1, viewers = viewers + coalesce((select first_view from viewer), 0),
          last_viewed_at = greatest(last_viewed_at, one.viewed_at), cur_views = cur_views + 1
      where app_id = one.app_id and slot = my_slot
        and cur_bucket = date_bin('15 minutes', one.viewed_at, timestamptz '2000-01-01 00:00:00+00')
      returning 1
    )
    select coalesce((select first_view from viewer), 0), (select count(*) from current) into fresh, hits;
    if hits = 0 then
      perform stats_add_view(one.app_id, my_slot, date_bin('15 minutes', one.viewed_at, timestamptz '2000-01-01 00:00:00+00'),
                             fresh, one.viewed_at);
    end if;
    return null;
  end if;

  -- The statement's rows, one delta per (app, 15-minute bucket).
  select array_agg(row(app_id, bucket, views, new_last, old_last)::stats_view_delta order by app_id, bucket) into deltas
  from (
    select app_id, date_bin('15 minutes', viewed_at, timestamptz '2000-01-01 00:00:00+00') as bucket, sum(sign)::bigint as views,
           max(viewed_at) filter (where sign > 0) as new_last, max(viewed_at) filter (where sign < 0) as old_last
    from (select app_id, viewer_id, viewed_at, 1 as sign from new_rows) s
    group by 1, 2
  ) g;
  if deltas is null then return null; end if;

  perform pg_advisory_xact_lock_shared(hashtextextended('appstats.rollups:' || app_id::text, my_slot))
  from (select distinct app_id from unnest(deltas)) a
  order by a.app_id;

  -- Per-viewer counts: a viewer whose count appears counts once, one whose count reaches 0 is gone.
  with v as (
    select app_id, viewer_id, sum(sign)::bigint as n
    from (select app_id, viewer_id, viewed_at, 1 as sign from new_rows) s
    where viewer_id is not null
    group by 1, 2
    having sum(sign) <> 0
  ), changed as (
    insert into stats_viewers as t (app_id, viewer_id, views)
    select app_id, viewer_id, n from v order by 1, 2
    on conflict (app_id, viewer_id) do update set views = t.views + excluded.views
    returning t.app_id, t.viewer_id, t.views
  )
  select array_agg(row(c.app_id, c.viewer_id)::stats_viewer_key) filter (where c.views = 0),
         array_agg(row(c.app_id, case when c.views = 0 then -1 else 1 end)::stats_app_count)
           filter (where c.views = 0 or c.views = v.n)
  into zeroed, viewer_changes
  from changed c join v using (app_id, viewer_id);
  if zeroed is not null then
    delete from stats_viewers t using unnest(zeroed) z
    where t.app_id = z.app_id and t.viewer_id = z.viewer_id and t.views = 0;
  end if;

  insert into stats_view_slots as t (app_id, slot, views, viewers, last_viewed_at)
  select a.app_id, my_slot, a.views, coalesce(c.n, 0), a.new_last
  from (select app_id, sum(views) as views, max(new_last) as new_last from unnest(deltas) group by 1) a
  left join (select app_id, sum(n) as n from unnest(viewer_changes) group by 1) c using (app_id)
  order by 1
  on conflict (app_id, slot) do update
    set views = t.views + excluded.views, viewers = t.viewers + excluded.viewers,
        last_viewed_at = greatest(t.last_viewed_at, excluded.last_viewed_at);

  insert into stats_view_buckets as t (app_id, bucket, slot, views)
  select app_id, bucket, my_slot, views from unnest(deltas) where views <> 0 order by 1, 2
  on conflict (app_id, bucket, slot) do update set views = t.views + excluded.views;

  insert into stats_view_hours as t (app_id, hour, slot, views)
  select app_id, date_bin('1 hour', bucket, timestamptz '2000-01-01 00:00:00+00'), my_slot, sum(views)
  from unnest(deltas)
  group by 1, 2
  having sum(views) <> 0
  order by 1, 2
  on conflict (app_id, hour, slot) do update set views = t.views + excluded.views;

  insert into stats_view_days as t (app_id, day, slot, views)
  select app_id, (bucket at time zone 'UTC')::date, my_slot, sum(views)
  from unnest(deltas)
  group by 1, 2
  having sum(views) <> 0
  order by 1, 2
  on conflict (app_id, day, slot) do update set views = t.views + excluded.views;

  return null;
end
$fn$;
