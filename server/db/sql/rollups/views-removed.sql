-- Rollups of view_events for statements that remove rows: UPDATE (the old rows
-- out, the new ones in), DELETE and TRUNCATE (README.md: "Maxima and removed
-- rows"). Loaded by migrations/20260108000000_rollup_functions_sql.ts after
-- views.sql; the triggers that call these are in triggers.sql.
--
-- stats_view_events_update and stats_view_events_delete are the set-based path
-- of stats_view_events_insert (views.sql) over other rows, plus two steps for
-- the removed rows: every slot row of their apps is locked before the slot rows
-- are written (the app's writers in flight finish first, new ones wait), and an
-- app whose newest view may be gone takes it again from raw rows.

-- AFTER UPDATE, for each statement: new_rows count +1, old_rows -1.
create or replace function stats_view_events_update()
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
  apps uuid[];
begin
  select array_agg(row(app_id, bucket, views, new_last, old_last)::stats_view_delta order by app_id, bucket) into deltas
  from (
    select app_id, date_bin('15 minutes', viewed_at, timestamptz '2000-01-01 00:00:00+00') as bucket, sum(sign)::bigint as views,
           max(viewed_at) filter (where sign > 0) as new_last, max(viewed_at) filter (where sign < 0) as old_last
    from (
      select app_id, viewer_id, viewed_at, 1 as sign from new_rows
      union all
      select app_id, viewer_id, viewed_at, -1 as sign from old_rows
    ) s
    group by 1, 2
  ) g;
  if deltas is null then return null; end if;

  perform pg_advisory_xact_lock_shared(hashtextextended('appstats.rollups:' || app_id::text, my_slot))
  from (select distinct app_id from unnest(deltas)) a
  order by a.app_id;

  -- Per-viewer counts: a viewer whose count appears counts once, one whose count reaches 0 is gone.
  with v as (
    select app_id, viewer_id, sum(sign)::bigint as n
    from (
      select app_id, viewer_id, viewed_at, 1 as sign from new_rows
      union all
      select app_id, viewer_id, viewed_at, -1 as sign from old_rows
    ) s
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

  -- Every slot row of the apps that lost a view, locked in order.
  apps := array(select distinct app_id from unnest(deltas) where old_last is not null order by 1);
  perform 1 from stats_view_slots where app_id = any(apps) order by app_id, slot for update;

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

  -- The newest view of an app may be gone: take it again from the (app_id, viewed_at) index.
  update stats_view_slots t set last_viewed_at = r.newest
  from (
    select x.app_id, (select max(e.viewed_at) from view_events e where e.app_id = x.app_id) as newest
    from (select app_id, max(old_last) as old_last from unnest(deltas) group by 1) x
    where x.old_last >= coalesce((select max(s.last_viewed_at) from stats_view_slots s where s.app_id = x.app_id), x.old_last)
  ) r
  where t.app_id = r.app_id;

  return null;
end
$fn$;

-- AFTER DELETE, for each statement: old_rows count -1.
create or replace function stats_view_events_delete()
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
  apps uuid[];
begin
  select array_agg(row(app_id, bucket, views, new_last, old_last)::stats_view_delta order by app_id, bucket) into deltas
  from (
    select app_id, date_bin('15 minutes', viewed_at, timestamptz '2000-01-01 00:00:00+00') as bucket, sum(sign)::bigint as views,
           max(viewed_at) filter (where sign > 0) as new_last, max(viewed_at) filter (where sign < 0) as old_last
    from (select app_id, viewer_id, viewed_at, -1 as sign from old_rows) s
    group by 1, 2
  ) g;
  if deltas is null then return null; end if;

  perform pg_advisory_xact_lock_shared(hashtextextended('appstats.rollups:' || app_id::text, my_slot))
  from (select distinct app_id from unnest(deltas)) a
  order by a.app_id;

  -- Per-viewer counts: a viewer whose count appears counts once, one whose count reaches 0 is gone.
  with v as (
    select app_id, viewer_id, sum(sign)::bigint as n
    from (select app_id, viewer_id, viewed_at, -1 as sign from old_rows) s
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

  -- Every slot row of the apps that lost a view, locked in order.
  apps := array(select distinct app_id from unnest(deltas) where old_last is not null order by 1);
  perform 1 from stats_view_slots where app_id = any(apps) order by app_id, slot for update;

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

  -- The newest view of an app may be gone: take it again from the (app_id, viewed_at) index.
  update stats_view_slots t set last_viewed_at = r.newest
  from (
    select x.app_id, (select max(e.viewed_at) from view_events e where e.app_id = x.app_id) as newest
    from (select app_id, max(old_last) as old_last from unnest(deltas) group by 1) x
    where x.old_last >= coalesce((select max(s.last_viewed_at) from stats_view_slots s where s.app_id = x.app_id), x.old_last)
  ) r
  where t.app_id = r.app_id;

  return null;
end
$fn$;

-- AFTER TRUNCATE: there is no transition table, but the table is empty
-- afterwards, and so are its rollups.
create or replace function stats_view_events_truncate()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
begin
  truncate stats_view_slots, stats_view_buckets, stats_view_hours, stats_view_days, stats_viewers;
  return null;
end
$fn$;
