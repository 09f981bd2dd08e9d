-- Rollups of route_invocations: the slot, bucket, hour and day rows (README.md).
-- Loaded by migrations/20260108000000_rollup_functions_sql.ts after
-- histograms.sql; the triggers that call these are in triggers.sql, UPDATE
-- and DELETE in invocations-removed.sql.
--
-- An invocation counts as failed when it has an error or a status of 500 or
-- more; its memory figure is a maximum, merged with greatest(); its duration
-- goes into the histogram of every row it counts in (histograms.sql), bin
-- stats_duration_bin(duration_ms).

-- A one-row INSERT whose slot row is missing or on another bucket: lock (or
-- create) the slot row; a later bucket becomes the current one after the old
-- one is moved out; an earlier bucket (a late event) goes straight to its rows.
create or replace function stats_add_invocation(p_app uuid, p_slot smallint, p_bucket timestamptz, p_compute bigint, p_failed bigint,
                                                p_peak bigint, p_bin integer)
returns void
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  cur timestamptz;
  one_hist constant int4[] := array_fill(1, array[1], array[p_bin]);
begin
  loop
    select cur_bucket into cur from stats_invocation_slots where app_id = p_app and slot = p_slot for update;
    exit when found;
    insert into stats_invocation_slots values (p_app, p_slot, 0, null, 0, 0, 0, null, null) on conflict do nothing;
  end loop;

  if p_bucket < cur then
    update stats_invocation_slots set invocations = invocations + 1 where app_id = p_app and slot = p_slot;
    insert into stats_invocation_buckets as t values (p_app, p_bucket, p_slot, 1, p_compute, p_failed, p_peak, one_hist)
    on conflict (app_id, bucket, slot) do update
      set invocations = t.invocations + excluded.invocations,
          compute_ms = t.compute_ms + excluded.compute_ms,
          failed = t.failed + excluded.failed,
          peak_memory = greatest(t.peak_memory, excluded.peak_memory),
          hist = stats_hist_add(t.hist, excluded.hist);
    insert into stats_invocation_hours as t
    values (p_app, date_bin('1 hour', p_bucket, timestamptz '2000-01-01 00:00:00+00'), p_slot, 1, p_compute, p_failed, p_peak, one_hist)
    on conflict (app_id, hour, slot) do update
      set invocations = t.invocations + excluded.invocations,
          compute_ms = t.compute_ms + excluded.compute_ms,
          failed = t.failed + excluded.failed,
          peak_memory = greatest(t.peak_memory, excluded.peak_memory),
          hist = stats_hist_add(t.hist, excluded.hist);
    insert into stats_invocation_days as t
    values (p_app, (p_bucket at time zone 'UTC')::date, p_slot, 1, p_compute, p_failed, p_peak, one_hist)
    on conflict (app_id, day, slot) do update
      set invocations = t.invocations + excluded.invocations,
          compute_ms = t.compute_ms + excluded.compute_ms,
          failed = t.failed + excluded.failed,
          peak_memory = greatest(t.peak_memory, excluded.peak_memory),
          hist = stats_hist_add(t.hist, excluded.hist);
    return;
  end if;

  if p_bucket > cur then
    perform stats_flush_invocations(array[p_app], p_slot);
  end if;
  update stats_invocation_slots
  set invocations = invocations + 1, cur_bucket = p_bucket,
      cur_invocations = case when cur_bucket = p_bucket then cur_invocations + 1 else 1 end,
      cur_compute_ms = case when cur_bucket = p_bucket then cur_compute_ms + p_compute else p_compute end,
      cur_failed = case when cur_bucket = p_bucket then cur_failed + p_failed else p_failed end,
      cur_peak_memory = case when cur_bucket = p_bucket then greatest(cur_peak_memory, p_peak) else p_peak end,
      cur_hist = case when cur_bucket = p_bucket then stats_hist_add(cur_hist, one_hist) else one_hist end
  where app_id = p_app and slot = p_slot;
end
$fn$;

-- AFTER INSERT, for each statement (one row, INSERT … SELECT or COPY).
create or replace function stats_route_invocations_insert()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  my_slot constant smallint := pg_backend_pid() % 16;
  deltas stats_invocation_delta[];
  hours stats_invocation_delta[];
  days stats_invocation_delta[];
  one record;
begin
  -- A one-row INSERT (the common case by far) skips the set-based path below:
  -- into the slot's current bucket it is one UPDATE of the slot row, its
  -- histogram bin included. The advisory lock is taken here for the first
  -- row's app whatever the count: harmless for a set, which takes them all below.
  select app_id, started_at, duration_ms, (error is not null or status_code >= 500)::int as failed, memory_peak_bytes,
         stats_duration_bin(duration_ms) as bin, count(*) over () as n,
         pg_advisory_xact_lock_shared(hashtextextended('appstats.rollups:' || app_id::text, my_slot)) as locked
  into one
  from (select * from new_rows limit 2) s
  limit 1;
  if one.n = 1 then
    update stats_invocation_slots
    set invocations = invocations + 1, cur_invocations = cur_invocations + 1,
        cur_compute_ms = cur_compute_ms + one.duration_ms, cur_failed = cur_failed + one.failed,
        cur_peak_memory = greatest(cur_peak_memory, one.memory_peak_bytes),
        cur_hist[one.bin] = coalesce(cur_hist[one.bin], 0) + 1
    where app_id = one.app_id and slot = my_slot
      and cur_bucket = date_bin('15 minutes', one.started_at, timestamptz '2000-01-01 00:00:00+00');
    if not found then
      perform stats_add_invocation(one.app_id, my_slot, date_bin('15 minutes', one.started_at, timestamptz '2000-01-01 00:00:00+00'),
                                   one.duration_ms, one.failed, one.memory_peak_bytes, one.bin);
    end if;
    return null;
  end if;

  -- The statement's rows, one delta per (app, 15-minute bucket), UTC hour and
  -- UTC day, in (app, start) order. One aggregate by (app, bucket, bin) over the
  -- rows; hours and days sum its cells, and each histogram is built as its
  -- array's text, bounds first, from its cells in bin order (one sort for all).
  with cells as materialized (
    select app_id, date_bin('15 minutes', started_at, timestamptz '2000-01-01 00:00:00+00') as start, stats_duration_bin(duration_ms) as bin,
           sum(sign)::integer as n,
           sum(sign * duration_ms::bigint)::bigint as compute_ms,
           coalesce(sum(sign) filter (where failed), 0)::bigint as failed,
           max(memory_peak_bytes) filter (where sign > 0) as new_peak,
           max(memory_peak_bytes) filter (where sign < 0) as old_peak
    from (
      select app_id, started_at, duration_ms, (error is not null or status_code >= 500) as failed, memory_peak_bytes, 1 as sign
      from new_rows
    ) s
    group by 1, 2, 3
  ), hour_cells as materialized (
    select app_id, date_bin('1 hour', start, timestamptz '2000-01-01 00:00:00+00') as start, bin, sum(n)::integer as n,
           sum(compute_ms)::bigint as compute_ms, sum(failed)::bigint as failed, max(new_peak) as new_peak, max(old_peak) as old_peak
    from cells group by 1, 2, 3
  ), leveled as (
    select 1 as level, * from cells
    union all select 2, * from hour_cells
    union all
    select 3, app_id, date_bin('1 day', start, timestamptz '2000-01-01 00:00:00+00'), bin, sum(n)::integer, sum(compute_ms)::bigint, sum(failed)::bigint,
           max(new_peak), max(old_peak)
    from hour_cells group by 2, 3, 4
  ), sums as (
    select level, app_id, start, sum(n)::bigint as invocations, sum(compute_ms)::bigint as compute_ms, sum(failed)::bigint as failed,
           max(new_peak) as new_peak, max(old_peak) as old_peak
    from leveled group by 1, 2, 3
  ), hists as (
    select level, app_id, start,
           (format('[%s:%s]={', min(bin), max(bin)) || string_agg(repeat('0,', bin - prev - 1) || n, ',' order by bin) || '}')::int4[] as hist
    from (select level, app_id, start, bin, n, lag(bin, 1, bin - 1) over (partition by level, app_id, start order by bin) as prev
          from leveled where n <> 0) c
    group by 1, 2, 3
  )
  select array_agg(row(s.app_id, s.start, s.invocations, s.compute_ms, s.failed, s.new_peak, s.old_peak, h.hist)::stats_invocation_delta
                   order by s.app_id, s.start) filter (where s.level = 1),
         array_agg(row(s.app_id, s.start, s.invocations, s.compute_ms, s.failed, s.new_peak, s.old_peak, h.hist)::stats_invocation_delta
                   order by s.app_id, s.start) filter (where s.level = 2),
         array_agg(row(s.app_id, s.start, s.invocations, s.compute_ms, s.failed, s.new_peak, s.old_peak, h.hist)::stats_invocation_delta
                   order by s.app_id, s.start) filter (where s.level = 3)
  into deltas, hours, days
  from sums s left join hists h using (level, app_id, start);
  if deltas is null then return null; end if;

  perform pg_advisory_xact_lock_shared(hashtextextended('appstats.rollups:' || app_id::text, my_slot))
  from (select distinct app_id from unnest(deltas)) a
  order by a.app_id;

  insert into stats_invocation_slots as t (app_id, slot, invocations)
  select app_id, my_slot, sum(invocations) from unnest(deltas) group by 1 order by 1
  on conflict (app_id, slot) do update set invocations = t.invocations + excluded.invocations;

  insert into stats_invocation_buckets as t (app_id, bucket, slot, invocations, compute_ms, failed, peak_memory, hist)
  select app_id, bucket, my_slot, invocations, compute_ms, failed, new_peak, hist
  from unnest(deltas)
  where invocations <> 0 or compute_ms <> 0 or failed <> 0 or new_peak is not null or hist is not null
  order by 1, 2
  on conflict (app_id, bucket, slot) do update
    set invocations = t.invocations + excluded.invocations,
        compute_ms = t.compute_ms + excluded.compute_ms,
        failed = t.failed + excluded.failed,
        peak_memory = greatest(t.peak_memory, excluded.peak_memory),
        hist = stats_hist_add(t.hist, excluded.hist);

  insert into stats_invocation_hours as t (app_id, hour, slot, invocations, compute_ms, failed, peak_memory, hist)
  select app_id, bucket, my_slot, invocations, compute_ms, failed, new_peak, hist
  from unnest(hours)
  where invocations <> 0 or compute_ms <> 0 or failed <> 0 or new_peak is not null or hist is not null
  order by 1, 2
  on conflict (app_id, hour, slot) do update
    set invocations = t.invocations + excluded.invocations,
        compute_ms = t.compute_ms + excluded.compute_ms,
        failed = t.failed + excluded.failed,
        peak_memory = greatest(t.peak_memory, excluded.peak_memory),
        hist = stats_hist_add(t.hist, excluded.hist);

  insert into stats_invocation_days as t (app_id, day, slot, invocations, compute_ms, failed, peak_memory, hist)
  select app_id, (bucket at time zone 'UTC')::date, my_slot, invocations, compute_ms, failed, new_peak, hist
  from unnest(days)
  where invocations <> 0 or compute_ms <> 0 or failed <> 0 or new_peak is not null or hist is not null
  order by 1, 2
  on conflict (app_id, day, slot) do update
    set invocations = t.invocations + excluded.invocations,
        compute_ms = t.compute_ms + excluded.compute_ms,
        failed = t.failed + excluded.failed,
        peak_memory = greatest(t.peak_memory, excluded.peak_memory),
        hist = stats_hist_add(t.hist, excluded.hist);

  return null;
end
$fn$;
