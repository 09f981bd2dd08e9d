-- Rollups of view_events: the slot, bucket, day and viewer rows (README.md).
-- Loaded by migrations/20260108000000_rollup_functions_sql.ts (and again by
-- 20260109000000_rollup_fast_path.ts); the triggers that call these are in
-- triggers.sql.
--
-- The three statement triggers (insert, update, delete) share one set-based
-- body and differ only in the rows they fold in (new_rows as +1, old_rows as
-- -1, or both) and in what a removed row asks for: every slot row of its app
-- locked first, and the app's newest view taken again from raw rows afterwards.

-- A one-row INSERT whose slot row is missing or on another bucket: lock (or
-- create) the slot row; a later bucket becomes the current one after the old
-- one is moved out; an earlier bucket (a late event) goes straight to its rows.
-- The viewer is the caller's to count, once it holds the slot row.
create or replace function stats_add_view(p_app uuid, p_slot smallint, p_bucket timestamptz, p_at timestamptz)
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
    set views = views + 1, last_viewed_at = greatest(last_viewed_at, p_at)
    where app_id = p_app and slot = p_slot;
    insert into stats_view_buckets as t values (p_app, p_bucket, p_slot, 1)
    on conflict (app_id, bucket, slot) do update set views = t.views + excluded.views;
    insert into stats_view_days as t values (p_app, (p_bucket at time zone 'UTC')::date, p_slot, 1)
    on conflict (app_id, day, slot) do update set views = t.views + excluded.views;
    return;
  end if;

  if p_bucket > cur then
    perform stats_flush_views(array[p_app], p_slot);
  end if;
  update stats_view_slots
  set views = views + 1, last_viewed_at = greatest(last_viewed_at, p_at),
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
  one_app uuid;
  one_viewer uuid;
  one_viewed timestamptz;
  one_more boolean;
  first_view boolean;
begin
  -- A one-row INSERT (the common case by far) skips the set-based path below:
  -- its row is read once, then one UPDATE of the writer's slot row when the row
  -- is in the slot's current bucket, then the viewer's row. Slot row first
  -- (README.md: "Locks"), and no advisory lock: the slot row is what a removal
  -- or a rebuild of the app waits for. Plain statements with parameters, as
  -- measured: reading new_rows inside the UPDATE (a join, or CTEs) costs more.
  select app_id, viewer_id, viewed_at, exists (select from new_rows offset 1)
  into one_app, one_viewer, one_viewed, one_more
  from new_rows
  limit 1;
  if not found then return null; end if;
  if not one_more then
    update stats_view_slots
    set views = views + 1, last_viewed_at = greatest(last_viewed_at, one_viewed), cur_views = cur_views + 1
    where app_id = one_app and slot = pg_backend_pid() % 16
      and cur_bucket = date_bin('15 minutes', one_viewed, timestamptz '2000-01-01 00:00:00+00');
    if not found then
      perform stats_add_view(one_app, (pg_backend_pid() % 16)::smallint,
                             date_bin('15 minutes', one_viewed, timestamptz '2000-01-01 00:00:00+00'), one_viewed);
    end if;
    if one_viewer is not null then
      insert into stats_viewers as t values (one_app, one_viewer, 1)
      on conflict (app_id, viewer_id) do update set views = t.views + 1
      returning t.views = 1 into first_view;
      if first_view then
        update stats_view_slots set viewers = viewers + 1 where app_id = one_app and slot = pg_backend_pid() % 16;
      end if;
    end if;
    return null;
  end if;

  declare
    my_slot constant smallint := pg_backend_pid() % 16;
    deltas stats_view_delta[];
    zeroed stats_viewer_key[];
    viewer_changes stats_app_count[];
  begin
    -- The statement's rows, one delta per (app, 15-minute bucket).
    select array_agg(row(app_id, bucket, views, new_last, old_last)::stats_view_delta order by app_id, bucket) into deltas
    from (
      select app_id, date_bin('15 minutes', viewed_at, timestamptz '2000-01-01 00:00:00+00') as bucket, sum(sign)::bigint as views,
             max(viewed_at) filter (where sign > 0) as new_last, max(viewed_at) filter (where sign < 0) as old_last
      from (select app_id, viewer_id, viewed_at, 1 as sign from new_rows) s
      group by 1, 2
    ) g;
    if deltas is null then return null; end if;

    -- The writer's slot row of each app first (locks: slots → viewers → buckets → days).
    insert into stats_view_slots as t (app_id, slot, views, viewers, last_viewed_at)
    select app_id, my_slot, sum(views), 0, max(new_last) from unnest(deltas) group by 1 order by 1
    on conflict (app_id, slot) do update
      set views = t.views + excluded.views, last_viewed_at = greatest(t.last_viewed_at, excluded.last_viewed_at);

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
    if viewer_changes is not null then
      update stats_view_slots t set viewers = t.viewers + c.n
      from (select app_id, sum(n) as n from unnest(viewer_changes) group by 1) c
      where t.app_id = c.app_id and t.slot = my_slot and c.n <> 0;
    end if;

    insert into stats_view_buckets as t (app_id, bucket, slot, views)
    select app_id, bucket, my_slot, views from unnest(deltas) where views <> 0 order by 1, 2
    on conflict (app_id, bucket, slot) do update set views = t.views + excluded.views;

    insert into stats_view_days as t (app_id, day, slot, views)
    select app_id, (bucket at time zone 'UTC')::date, my_slot, sum(views)
    from unnest(deltas)
    group by 1, 2
    having sum(views) <> 0
    order by 1, 2
    on conflict (app_id, day, slot) do update set views = t.views + excluded.views;
  end;

  return null;
end
$fn$;
