-- Rollups of route_invocations for statements that remove rows: UPDATE (the
-- old rows out, the new ones in), DELETE and TRUNCATE (README.md: "Maxima and
-- removed rows"). Loaded by migrations/20260108000000_rollup_functions_sql.ts
-- after invocations.sql; the triggers that call these are in triggers.sql.
--
-- stats_route_invocations_update and stats_route_invocations_delete are the
-- set-based path of stats_route_invocations_insert (invocations.sql) over other
-- rows, plus what a removed row may have held: a bucket's largest memory
-- figure. With the app's writers held off (every slot row of the app locked)
-- and every current bucket moved into bucket rows, those rows hold every
-- figure; a bucket whose largest figure may be gone is recomputed from raw rows
-- through the (app_id, started_at) index, and then its hour and its day.
-- Removed rows take their bins out of the histograms (negative counts).

-- AFTER UPDATE, for each statement: new_rows count +1, old_rows -1.
create or replace function stats_route_invocations_update()
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
  recomputed stats_invocation_delta[];
  apps uuid[];
begin
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
      union all
      select app_id, started_at, duration_ms, (error is not null or status_code >= 500) as failed, memory_peak_bytes, -1 as sign
      from old_rows
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

  -- Removed rows may hold a bucket's largest memory figure: with the app's writers held off
  -- and every current bucket moved into bucket rows, those rows hold every figure.
  apps := array(select distinct app_id from unnest(deltas) where old_peak is not null order by 1);
  perform 1 from stats_invocation_slots where app_id = any(apps) order by app_id, slot for update;
  perform stats_flush_invocations(apps, null);

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

  -- Buckets whose largest figure may be gone: recompute them from raw rows (one statement, one snapshot).
  with r as (
    update stats_invocation_buckets t set peak_memory = r.peak
    from (
      select x.app_id, x.bucket,
             (select max(i.memory_peak_bytes) from route_invocations i
              where i.app_id = x.app_id and i.started_at >= x.bucket and i.started_at < x.bucket + interval '15 minutes') as peak
      from unnest(deltas) x
      where x.old_peak >= coalesce((select max(b.peak_memory) from stats_invocation_buckets b
                                    where b.app_id = x.app_id and b.bucket = x.bucket), x.old_peak)
    ) r
    where t.app_id = r.app_id and t.bucket = r.bucket
    returning t.app_id, t.bucket
  )
  select array_agg(distinct row(app_id, bucket, null, null, null, null, null, null)::stats_invocation_delta) into recomputed from r;

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

  -- The hours of recomputed buckets: their largest figure again, from their bucket rows.
  if recomputed is not null then
    update stats_invocation_hours t set peak_memory = r.peak
    from (
      select k.app_id, k.hour,
             (select max(b.peak_memory) from stats_invocation_buckets b
              where b.app_id = k.app_id and b.bucket >= k.hour and b.bucket < k.hour + interval '1 hour') as peak
      from (select distinct app_id, date_bin('1 hour', bucket, timestamptz '2000-01-01 00:00:00+00') as hour from unnest(recomputed)) k
    ) r
    where t.app_id = r.app_id and t.hour = r.hour;
  end if;

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

  -- The days of recomputed buckets: their largest figure again, from their bucket rows.
  if recomputed is not null then
    update stats_invocation_days t set peak_memory = r.peak
    from (
      select k.app_id, k.day,
             (select max(b.peak_memory) from stats_invocation_buckets b
              where b.app_id = k.app_id
                and b.bucket >= (k.day::timestamp at time zone 'UTC') and b.bucket < ((k.day + 1)::timestamp at time zone 'UTC')) as peak
      from (select distinct app_id, (bucket at time zone 'UTC')::date as day from unnest(recomputed)) k
    ) r
    where t.app_id = r.app_id and t.day = r.day;
  end if;

  return null;
end
$fn$;

-- AFTER DELETE, for each statement: old_rows count -1.
create or replace function stats_route_invocations_delete()
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
  recomputed stats_invocation_delta[];
  apps uuid[];
begin
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
      select app_id, started_at, duration_ms, (error is not null or status_code >= 500) as failed, memory_peak_bytes, -1 as sign
      from old_rows
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

  -- Removed rows may hold a bucket's largest memory figure: with the app's writers held off
  -- and every current bucket moved into bucket rows, those rows hold every figure.
  apps := array(select distinct app_id from unnest(deltas) where old_peak is not null order by 1);
  perform 1 from stats_invocation_slots where app_id = any(apps) order by app_id, slot for update;
  perform stats_flush_invocations(apps, null);

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

  -- Buckets whose largest figure may be gone: recompute them from raw rows (one statement, one snapshot).
  with r as (
    update stats_invocation_buckets t set peak_memory = r.peak
    from (
      select x.app_id, x.bucket,
             (select max(i.memory_peak_bytes) from route_invocations i
              where i.app_id = x.app_id and i.started_at >= x.bucket and i.started_at < x.bucket + interval '15 minutes') as peak
      from unnest(deltas) x
      where x.old_peak >= coalesce((select max(b.peak_memory) from stats_invocation_buckets b
                                    where b.app_id = x.app_id and b.bucket = x.bucket), x.old_peak)
    ) r
    where t.app_id = r.app_id and t.bucket = r.bucket
    returning t.app_id, t.bucket
  )
  select array_agg(distinct row(app_id, bucket, null, null, null, null, null, null)::stats_invocation_delta) into recomputed from r;

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

  -- The hours of recomputed buckets: their largest figure again, from their bucket rows.
  if recomputed is not null then
    update stats_invocation_hours t set peak_memory = r.peak
    from (
      select k.app_id, k.hour,
             (select max(b.peak_memory) from stats_invocation_buckets b
              where b.app_id = k.app_id and b.bucket >= k.hour and b.bucket < k.hour + interval '1 hour') as peak
      from (select distinct app_id, date_bin('1 hour', bucket, timestamptz '2000-01-01 00:00:00+00') as hour from unnest(recomputed)) k
    ) r
    where t.app_id = r.app_id and t.hour = r.hour;
  end if;

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

  -- The days of recomputed buckets: their largest figure again, from their bucket rows.
  if recomputed is not null then
    update stats_invocation_days t set peak_memory = r.peak
    from (
      select k.app_id, k.day,
             (select max(b.peak_memory) from stats_invocation_buckets b
              where b.app_id = k.app_id
                and b.bucket >= (k.day::timestamp at time zone 'UTC') and b.bucket < ((k.day + 1)::timestamp at time zone 'UTC')) as peak
      from (select distinct app_id, (bucket at time zone 'UTC')::date as day from unnest(recomputed)) k
    ) r
    where t.app_id = r.app_id and t.day = r.day;
  end if;

  return null;
end
$fn$;

-- AFTER TRUNCATE: there is no transition table, but the table is empty
-- afterwards, and so are its rollups.
create or replace function stats_route_invocations_truncate()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
begin
  truncate stats_invocation_slots, stats_invocation_buckets, stats_invocation_hours, stats_invocation_days;
  return null;
end
$fn$;
