-- Rollups of route_invocations: the slot, bucket and day rows (README.md).
-- Loaded by migrations/20260108000000_rollup_functions_sql.ts (and again by
-- 20260109000000_rollup_fast_path.ts); the triggers that call these are in
-- triggers.sql, UPDATE and DELETE in invocations-removed.sql.
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
  one_app uuid;
  one_started timestamptz;
  one_compute integer;
  one_failed integer;
  one_peak bigint;
  one_more boolean;
begin
  -- A one-row INSERT (the common case by far) skips the set-based path below:
  -- its row is read once, then one UPDATE of the writer's slot row when the row
  -- is in the slot's current bucket. No advisory lock: the slot row is what a
  -- removal or a rebuild of the app waits for (README.md: "Locks"). Plain
  -- statements with parameters, as measured: reading new_rows inside the
  -- UPDATE (a join) costs more.
  select app_id, started_at, duration_ms, (error is not null or status_code >= 500)::int, memory_peak_bytes,
         exists (select from new_rows offset 1)
  into one_app, one_started, one_compute, one_failed, one_peak, one_more
  from new_rows
  limit 1;
  if not found then return null; end if;
  if not one_more then
    update stats_invocation_slots
    set invocations = invocations + 1, cur_invocations = cur_invocations + 1, cur_compute_ms = cur_compute_ms + one_compute,
        cur_failed = cur_failed + one_failed, cur_peak_memory = greatest(cur_peak_memory, one_peak)
    where app_id = one_app and slot = pg_backend_pid() % 16
      and cur_bucket = date_bin('15 minutes', one_started, timestamptz '2000-01-01 00:00:00+00');
    if not found then
      perform stats_add_invocation(one_app, (pg_backend_pid() % 16)::smallint,
                                   date_bin('15 minutes', one_started, timestamptz '2000-01-01 00:00:00+00'),
                                   one_compute, one_failed, one_peak);
    end if;
    return null;
  end if;

  declare
    my_slot constant smallint := pg_backend_pid() % 16;
    deltas stats_invocation_delta[];
  begin
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
  end;

  return null;
end
$fn$;
