-- Moving a slot's current bucket out (README.md: "Slots and current buckets").
-- Loaded by migrations/20260108000000_rollup_functions_sql.ts, and again by
-- migrations/20260114000000_flush_locked_rows.ts.

-- Moves the current buckets of slot rows (one slot, or every slot when p_slot
-- is null) into bucket, hour and day rows, and empties them. The slot rows are
-- locked and read once, in key order, and exactly those rows are moved and
-- emptied: a slot row another writer creates (or first fills) meanwhile is
-- neither moved nor emptied, so its events stay in its current bucket. (Read
-- again by each statement, a row committed between the move and the emptying
-- lost its events: rollup-hours-hist.test.ts found one under a rebuild, a
-- DELETE and one-row INSERTs at once.) Rows go in key order (order by 1, 2,
-- 3): bucket, hour and day rows are locked by key, as everywhere else. A
-- 15-minute bucket lies in exactly one UTC hour (date_bin('1 hour', …) from
-- the same origin, which is date_trunc('hour', …) in UTC).
create or replace function stats_flush_views(p_apps uuid[], p_slot smallint)
returns void
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  moved stats_view_slots[];
begin
  moved := array(
    select s from stats_view_slots s
    where s.app_id = any(p_apps) and (p_slot is null or s.slot = p_slot) and s.cur_bucket is not null
    order by s.app_id, s.slot
    for update
  );
  if cardinality(moved) = 0 then return; end if;

  insert into stats_view_buckets as t
  select m.app_id, m.cur_bucket, m.slot, m.cur_views
  from unnest(moved) m
  order by 1, 2, 3
  on conflict (app_id, bucket, slot) do update set views = t.views + excluded.views;

  insert into stats_view_hours as t
  select m.app_id, date_bin('1 hour', m.cur_bucket, timestamptz '2000-01-01 00:00:00+00'), m.slot, m.cur_views
  from unnest(moved) m
  order by 1, 2, 3
  on conflict (app_id, hour, slot) do update set views = t.views + excluded.views;

  insert into stats_view_days as t
  select m.app_id, (m.cur_bucket at time zone 'UTC')::date, m.slot, m.cur_views
  from unnest(moved) m
  order by 1, 2, 3
  on conflict (app_id, day, slot) do update set views = t.views + excluded.views;

  update stats_view_slots s
  set cur_bucket = null, cur_views = 0
  from unnest(moved) m
  where s.app_id = m.app_id and s.slot = m.slot;
end
$fn$;

-- The same for invocations. A bucket's memory figure is a maximum, so it is
-- merged with greatest() rather than added; its duration histogram
-- (histograms.sql) is added bin by bin.
create or replace function stats_flush_invocations(p_apps uuid[], p_slot smallint)
returns void
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  moved stats_invocation_slots[];
begin
  moved := array(
    select s from stats_invocation_slots s
    where s.app_id = any(p_apps) and (p_slot is null or s.slot = p_slot) and s.cur_bucket is not null
    order by s.app_id, s.slot
    for update
  );
  if cardinality(moved) = 0 then return; end if;

  insert into stats_invocation_buckets as t
  select m.app_id, m.cur_bucket, m.slot, m.cur_invocations, m.cur_compute_ms, m.cur_failed, m.cur_peak_memory, m.cur_hist
  from unnest(moved) m
  order by 1, 2, 3
  on conflict (app_id, bucket, slot) do update
    set invocations = t.invocations + excluded.invocations,
        compute_ms = t.compute_ms + excluded.compute_ms,
        failed = t.failed + excluded.failed,
        peak_memory = greatest(t.peak_memory, excluded.peak_memory),
        hist = stats_hist_add(t.hist, excluded.hist);

  insert into stats_invocation_hours as t
  select m.app_id, date_bin('1 hour', m.cur_bucket, timestamptz '2000-01-01 00:00:00+00'), m.slot,
         m.cur_invocations, m.cur_compute_ms, m.cur_failed, m.cur_peak_memory, m.cur_hist
  from unnest(moved) m
  order by 1, 2, 3
  on conflict (app_id, hour, slot) do update
    set invocations = t.invocations + excluded.invocations,
        compute_ms = t.compute_ms + excluded.compute_ms,
        failed = t.failed + excluded.failed,
        peak_memory = greatest(t.peak_memory, excluded.peak_memory),
        hist = stats_hist_add(t.hist, excluded.hist);

  insert into stats_invocation_days as t
  select m.app_id, (m.cur_bucket at time zone 'UTC')::date, m.slot,
         m.cur_invocations, m.cur_compute_ms, m.cur_failed, m.cur_peak_memory, m.cur_hist
  from unnest(moved) m
  order by 1, 2, 3
  on conflict (app_id, day, slot) do update
    set invocations = t.invocations + excluded.invocations,
        compute_ms = t.compute_ms + excluded.compute_ms,
        failed = t.failed + excluded.failed,
        peak_memory = greatest(t.peak_memory, excluded.peak_memory),
        hist = stats_hist_add(t.hist, excluded.hist);

  update stats_invocation_slots s
  set cur_bucket = null, cur_invocations = 0, cur_compute_ms = 0, cur_failed = 0, cur_peak_memory = null, cur_hist = null
  from unnest(moved) m
  where s.app_id = m.app_id and s.slot = m.slot;
end
$fn$;
