-- Rollups of route_invocations: the slot, bucket and day rows (README.md).
-- Loaded by migrations/20260108000000_rollup_functions_sql.ts; the triggers
-- that call these are in triggers.sql, UPDATE and DELETE in
-- invocations-removed.sql.
--
-- An invocation counts as failed when it has an error or a status of 500 or
-- more; its memory figure is a maximum, merged with greatest().

-- A one-row INSERT whose slot row is missing or on another bucket: lock (or
-- create) the slot row; a later bucket becomes the current one after the old
-- one is moved out; an earlier bucket (a late event) goes straight to its rows.
create or replace function stats_add_invocation(p_app uuid, p_slot smallint, p_bucket timestamptz, p_compute bigint, p_failed bigint, p_peak bigint)
returns void
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  cur timestamptz;
begin
  loop
    select cur_bucket into cur from stats_invocation_slots where app_id = p_app and slot = p_slot for update;
    exit when found;
    insert into stats_invocation_slots values (p_app, p_slot, 0, null, 0, 0, 0, null) on conflict do nothing;
  end loop;

  if p_bucket < cur then
    update stats_invocation_slots set invocations = invocations + 1 where app_id = p_app and slot = p_slot;
    insert into stats_invocation_buckets as t values (p_app, p_bucket, p_slot, 1, p_compute, p_failed, p_peak)
    on conflict (app_id, bucket, slot) do update
      set invocations = t.invocations + excluded.invocations,
          compute_ms = t.compute_ms + excluded.compute_ms,
          failed = t.failed + excluded.failed,
          peak_memory = greatest(t.peak_memory, excluded.peak_memory);
    insert into stats_invocation_days as t values (p_app, (p_bucket at time zone 'UTC')::date, p_slot, 1, p_compute, p_failed, p_peak)
    on conflict (app_id, day, slot) do update
      set invocations = t.invocations + excluded.invocations,
          compute_ms = t.compute_ms + excluded.compute_ms,
          failed = t.failed + excluded.failed,
          peak_memory = greatest(t.peak_memory, excluded.peak_memory);
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
      cur_peak_memory = case when cur_bucket = p_bucket then greatest(cur_peak_memory, p_peak) else p_peak end
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
  one record;
begin
  -- A one-row INSERT (the common case by far) skips the set-based path below:
  -- into the slot's current bucket it is one UPDATE of the slot row. The
  -- advisory lock is taken here for the first row's app whatever the count:
  -- harmless for a set, which takes them all below.
  select app_id, started_at, duration_ms, (error is not null or status_code >= 500)::int as failed, memory_peak_bytes,
         count(*) over () as n,
         pg_advisory_xact_lock_shared(hashtextextended('appstats.rollups:' || app_id::text, my_slot)) as locked
  into one
  from (select * from new_rows limit 2) s
  limit 1;
  if one.n = 1 then
    update stats_invocation_slots
    set invocations = invocations + 1, cur_invocations = cur_invocations + 1,
        cur_compute_ms = cur_compute_ms + one.duration_ms, cur_failed = cur_failed + one.failed,
        cur_peak_memory = greatest(cur_peak_memory, one.memory_peak_bytes)
    where app_id = one.app_id and slot = my_slot
      and cur_bucket = date_bin('15 minutes', one.started_at, timestamptz '2000-01-01 00:00:00+00');
    if not found then
      perform stats_add_invocation(one.app_id, my_slot, date_bin('15 minutes', one.started_at, timestamptz '2000-01-01 00:00:00+00'),
                                   one.duration_ms, one.failed, one.memory_peak_bytes);
    end if;
    return null;
  end if;

  -- The statement's rows, one delta per (app, 15-minute bucket).
  select array_agg(row(app_id, bucket, invocations, compute_ms, failed, new_peak, old_peak)::stats_invocation_delta
                   order by app_id, bucket) into deltas
  from (
    select app_id, date_bin('15 minutes', started_at, timestamptz '2000-01-01 00:00:00+00') as bucket,
           sum(sign)::bigint as invocations,
           sum(sign * duration_ms::bigint)::bigint as compute_ms,
           coalesce(sum(sign) filter (where failed), 0)::bigint as failed,
           max(memory_peak_bytes) filter (where sign > 0) as new_peak,
           max(memory_peak_bytes) filter (where sign < 0) as old_peak
    from (
      select app_id, started_at, duration_ms, (error is not null or status_code >= 500) as failed, memory_peak_bytes, 1 as sign
      from new_rows
    ) s
    group by 1, 2
  ) g;
  if deltas is null then return null; end if;

  perform pg_advisory_xact_lock_shared(hashtextextended('appstats.rollups:' || app_id::text, my_slot))
  from (select distinct app_id from unnest(deltas)) a
  order by a.app_id;

  insert into stats_invocation_slots as t (app_id, slot, invocations)
  select app_id, my_slot, sum(invocations) from unnest(deltas) group by 1 order by 1
  on conflict (app_id, slot) do update set invocations = t.invocations + excluded.invocations;

  insert into stats_invocation_buckets as t (app_id, bucket, slot, invocations, compute_ms, failed, peak_memory)
  select app_id, bucket, my_slot, invocations, compute_ms, failed, new_peak
  from unnest(deltas)
  where invocations <> 0 or compute_ms <> 0 or failed <> 0 or new_peak is not null
  order by 1, 2
  on conflict (app_id, bucket, slot) do update
    set invocations = t.invocations + excluded.invocations,
        compute_ms = t.compute_ms + excluded.compute_ms,
        failed = t.failed + excluded.failed,
        peak_memory = greatest(t.peak_memory, excluded.peak_memory);

  insert into stats_invocation_days as t (app_id, day, slot, invocations, compute_ms, failed, peak_memory)
  select app_id, (bucket at time zone 'UTC')::date, my_slot, sum(invocations), sum(compute_ms), sum(failed), max(new_peak)
  from unnest(deltas)
  group by 1, 2
  having sum(invocations) <> 0 or sum(compute_ms) <> 0 or sum(failed) <> 0 or max(new_peak) is not null
  order by 1, 2
  on conflict (app_id, day, slot) do update
    set invocations = t.invocations + excluded.invocations,
        compute_ms = t.compute_ms + excluded.compute_ms,
        failed = t.failed + excluded.failed,
        peak_memory = greatest(t.peak_memory, excluded.peak_memory);

  return null;
end
$fn$;
