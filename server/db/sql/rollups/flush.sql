-- Moving a slot's current bucket out (README.md: "Slots and current buckets").
-- Loaded by migrations/20260108000000_rollup_functions_sql.ts.

-- Moves the current buckets of slot rows (one slot, or every slot when p_slot
-- is null) into bucket, hour and day rows, and empties them. Callers hold
-- those slot rows. Rows go in key order (order by 1, 2, 3): bucket, hour and
-- day rows are locked by key, as everywhere else. A 15-minute bucket lies in
-- exactly one UTC hour (date_bin('1 hour', …) from the same origin, which is
-- date_trunc('hour', …) in UTC).
create or replace function stats_flush_views(p_apps uuid[], p_slot smallint)
returns void
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
begin
  insert into stats_view_buckets as t
  select app_id, cur_bucket, slot, cur_views
  from stats_view_slots
  where app_id = any(p_apps) and (p_slot is null or slot = p_slot) and cur_bucket is not null
  order by 1, 2, 3
  on conflict (app_id, bucket, slot) do update set views = t.views + excluded.views;

  insert into stats_view_hours as t
  select app_id, date_bin('1 hour', cur_bucket, timestamptz '2000-01-01 00:00:00+00'), slot, cur_views
  from stats_view_slots
  where app_id = any(p_apps) and (p_slot is null or slot = p_slot) and cur_bucket is not null
  order by 1, 2, 3
  on conflict (app_id, hour, slot) do update set views = t.views + excluded.views;

  insert into stats_view_days as t
  select app_id, (cur_bucket at time zone 'UTC')::date, slot, cur_views
  from stats_view_slots
  where app_id = any(p_apps) and (p_slot is null or slot = p_slot) and cur_bucket is not null
  order by 1, 2, 3
  on conflict (app_id, day, slot) do update set views = t.views + excluded.views;

  update stats_view_slots
  set cur_bucket = null, cur_views = 0
  where app_id = any(p_apps) and (p_slot is null or slot = p_slot) and cur_bucket is not null;
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
begin
  insert into stats_invocation_buckets as t
  select app_id, cur_bucket, slot, cur_invocations, cur_compute_ms, cur_failed, cur_peak_memory, cur_hist
  from stats_invocation_slots
  where app_id = any(p_apps) and (p_slot is null or slot = p_slot) and cur_bucket is not null
  order by 1, 2, 3
  on conflict (app_id, bucket, slot) do update
    set invocations = t.invocations + excluded.invocations,
        compute_ms = t.compute_ms + excluded.compute_ms,
        failed = t.failed + excluded.failed,
        peak_memory = greatest(t.peak_memory, excluded.peak_memory),
        hist = stats_hist_add(t.hist, excluded.hist);

  insert into stats_invocation_hours as t
  select app_id, date_bin('1 hour', cur_bucket, timestamptz '2000-01-01 00:00:00+00'), slot,
         cur_invocations, cur_compute_ms, cur_failed, cur_peak_memory, cur_hist
  from stats_invocation_slots
  where app_id = any(p_apps) and (p_slot is null or slot = p_slot) and cur_bucket is not null
  order by 1, 2, 3
  on conflict (app_id, hour, slot) do update
    set invocations = t.invocations + excluded.invocations,
        compute_ms = t.compute_ms + excluded.compute_ms,
        failed = t.failed + excluded.failed,
        peak_memory = greatest(t.peak_memory, excluded.peak_memory),
        hist = stats_hist_add(t.hist, excluded.hist);

  insert into stats_invocation_days as t
  select app_id, (cur_bucket at time zone 'UTC')::date, slot, cur_invocations, cur_compute_ms, cur_failed, cur_peak_memory, cur_hist
  from stats_invocation_slots
  where app_id = any(p_apps) and (p_slot is null or slot = p_slot) and cur_bucket is not null
  order by 1, 2, 3
  on conflict (app_id, day, slot) do update
    set invocations = t.invocations + excluded.invocations,
        compute_ms = t.compute_ms + excluded.compute_ms,
        failed = t.failed + excluded.failed,
        peak_memory = greatest(t.peak_memory, excluded.peak_memory),
        hist = stats_hist_add(t.hist, excluded.hist);

  update stats_invocation_slots
  set cur_bucket = null, cur_invocations = 0, cur_compute_ms = 0, cur_failed = 0, cur_peak_memory = null, cur_hist = null
  where app_id = any(p_apps) and (p_slot is null or slot = p_slot) and cur_bucket is not null;
end
$fn$;
