-- Per-route rollups of route_invocations (CONTRACT §8 `/stats/routes`, issue 15).
-- Tables from migrations/20260112000000_route_rollups.ts; the route of a path is
-- appstats_route_of (sql/insights/normalise.sql); bins and histograms as for the
-- app rows (sql/rollups/histograms.sql, README.md there).
--
-- stats_routes is each app's dictionary of tracked (method, route) pairs, at most
-- stats_routes_cap() of them (stats_route_counts.tracked counts them); a pair past
-- the cap counts under route `(other)` of its method. Rows are keyed
-- (app, start, method, route, slot) at the 15-minute, UTC-hour and UTC-day grains,
-- slot = pg_backend_pid() % 16 as for the app rows. These triggers are named
-- stats_routes_*, so they fire after the app's stats_rollup_* ones: by then the
-- writer holds its app slot row (a, slot) (or, for UPDATE and DELETE, every slot
-- row of the app), so no two transactions write route rows of one slot at once.

create or replace function stats_routes_cap()
returns integer
language sql
immutable
security definer
set search_path = pg_catalog, public, pg_temp
return 1000;

-- Adds the pairs that are not tracked yet to their apps' dictionaries while they
-- have room (in (method, route) order), apps in id order, each under a lock on its
-- count row; a full dictionary is seen without the lock.
create or replace function stats_routes_track(p_apps uuid[], p_methods text[], p_routes text[])
returns void
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  a uuid;
  have integer;
  added integer;
begin
  for a in select distinct u.a from unnest(p_apps) as u(a) order by 1 loop
    insert into stats_route_counts (app_id, tracked) values (a, 0) on conflict do nothing;
    select c.tracked into have from stats_route_counts c where c.app_id = a for update;
    continue when have >= stats_routes_cap();
    insert into stats_routes (app_id, method, route)
    select a, n.m, n.r
    from (select distinct u.m, u.r from unnest(p_apps, p_methods, p_routes) as u(a2, m, r) where u.a2 = a) n
    where not exists (select from stats_routes d where d.app_id = a and d.method = n.m and d.route = n.r)
    order by n.m collate "C", n.r collate "C"
    limit stats_routes_cap() - have
    on conflict do nothing;
    get diagnostics added = row_count;
    update stats_route_counts c set tracked = have + added where c.app_id = a;
  end loop;
end
$fn$;

-- The raw rows of one rollup key: (app, method, route) in [p_from, p_to), where
-- route is a tracked one or `(other)` (the rows whose route is not tracked).
create or replace function stats_routes_raw(p_app uuid, p_method text, p_route text, p_from timestamptz, p_to timestamptz)
returns table (started_at timestamptz, duration_ms integer, failed boolean, memory_peak_bytes bigint)
language sql
stable
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
  select i.started_at, i.duration_ms, (i.error is not null or i.status_code >= 500), i.memory_peak_bytes
  from route_invocations i
  where p_route <> '(other)' and i.app_id = p_app and i.method = p_method and appstats_route_of(i.path) = p_route
    and i.started_at >= p_from and i.started_at < p_to
  union all
  select i.started_at, i.duration_ms, (i.error is not null or i.status_code >= 500), i.memory_peak_bytes
  from route_invocations i
  where p_route = '(other)' and i.app_id = p_app and i.method = p_method and i.started_at >= p_from and i.started_at < p_to
    and not exists (select from stats_routes d where d.app_id = p_app and d.method = p_method and d.route = appstats_route_of(i.path))
$fn$;

-- Recomputes the rows of the given (app, method, route, 15-minute bucket) keys,
-- and of the hours and days that hold them, from raw rows (after UPDATE or DELETE).
create or replace function stats_routes_recompute(p_apps uuid[], p_methods text[], p_routes text[], p_buckets timestamptz[])
returns void
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  k record;
  origin constant timestamptz := timestamptz '2000-01-01 00:00:00+00';
begin
  for k in
    select distinct g.level, u.a, u.m, u.r, g.s, g.e
    from unnest(p_apps, p_methods, p_routes, p_buckets) as u(a, m, r, q)
    cross join lateral (values
      (1, u.q, u.q + interval '15 minutes'),
      (2, date_bin('1 hour', u.q, origin), date_bin('1 hour', u.q, origin) + interval '1 hour'),
      (3, date_bin('1 day', u.q, origin), date_bin('1 day', u.q, origin) + interval '1 day')) as g(level, s, e)
    order by 1, 2, 3, 4, 5
  loop
    if k.level = 1 then
      delete from stats_route_buckets t where t.app_id = k.a and t.bucket = k.s and t.method = k.m and t.route = k.r;
      insert into stats_route_buckets (app_id, bucket, method, route, slot, calls, failed, compute_ms, peak_memory, last_called_at, hist)
      select k.a, k.s, k.m, k.r, 0, count(*), count(*) filter (where x.failed), sum(x.duration_ms), max(x.memory_peak_bytes),
             max(x.started_at), stats_hist_from(array_agg(stats_duration_bin(x.duration_ms)), null)
      from stats_routes_raw(k.a, k.m, k.r, k.s, k.e) x having count(*) > 0;
    elsif k.level = 2 then
      delete from stats_route_hours t where t.app_id = k.a and t.hour = k.s and t.method = k.m and t.route = k.r;
      insert into stats_route_hours (app_id, hour, method, route, slot, calls, failed, compute_ms, peak_memory, last_called_at, hist)
      select k.a, k.s, k.m, k.r, 0, count(*), count(*) filter (where x.failed), sum(x.duration_ms), max(x.memory_peak_bytes),
             max(x.started_at), stats_hist_from(array_agg(stats_duration_bin(x.duration_ms)), null)
      from stats_routes_raw(k.a, k.m, k.r, k.s, k.e) x having count(*) > 0;
    else
      delete from stats_route_days t where t.app_id = k.a and t.day = (k.s at time zone 'UTC')::date and t.method = k.m and t.route = k.r;
      insert into stats_route_days (app_id, day, method, route, slot, calls, failed, compute_ms, peak_memory, last_called_at, hist)
      select k.a, (k.s at time zone 'UTC')::date, k.m, k.r, 0, count(*), count(*) filter (where x.failed), sum(x.duration_ms),
             max(x.memory_peak_bytes), max(x.started_at), stats_hist_from(array_agg(stats_duration_bin(x.duration_ms)), null)
      from stats_routes_raw(k.a, k.m, k.r, k.s, k.e) x having count(*) > 0;
    end if;
  end loop;
end
$fn$;

-- AFTER INSERT, for each statement: new pairs into the dictionaries, then the
-- statement's rows folded by (app, start, method, route) into the slot's rows of
-- each grain, in key order. A one-row INSERT is three upserts.
create or replace function stats_routes_insert()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  my_slot constant smallint := pg_backend_pid() % 16;
  origin constant timestamptz := timestamptz '2000-01-01 00:00:00+00';
  apps uuid[];
  methods text[];
  routes text[];
  one record;
  hist1 int4[];
begin
  select array_agg(p.app_id), array_agg(p.method), array_agg(p.route) into apps, methods, routes
  from (select distinct n.app_id, n.method, appstats_route_of(n.path) as route from new_rows n) p
  where not exists (select from stats_routes d where d.app_id = p.app_id and d.method = p.method and d.route = p.route)
    and coalesce((select c.tracked from stats_route_counts c where c.app_id = p.app_id), 0) < stats_routes_cap();
  if apps is not null then
    perform stats_routes_track(apps, methods, routes);
  end if;

  select n.app_id, n.method, coalesce(d.route, '(other)') as route, n.started_at, n.duration_ms,
         (n.error is not null or n.status_code >= 500)::int as failed, n.memory_peak_bytes, count(*) over () as n
  into one
  from (select * from new_rows limit 2) n
  left join stats_routes d on d.app_id = n.app_id and d.method = n.method and d.route = appstats_route_of(n.path)
  limit 1;
  if one.n is null then return null; end if;
  if one.n = 1 then
    hist1 := array_fill(1, array[1], array[stats_duration_bin(one.duration_ms)]);
    insert into stats_route_buckets as t
    values (one.app_id, date_bin('15 minutes', one.started_at, origin), one.method, one.route, my_slot, 1, one.failed, one.duration_ms,
            one.memory_peak_bytes, one.started_at, hist1)
    on conflict (app_id, bucket, method, route, slot) do update
      set calls = t.calls + 1, failed = t.failed + excluded.failed, compute_ms = t.compute_ms + excluded.compute_ms,
          peak_memory = greatest(t.peak_memory, excluded.peak_memory), last_called_at = greatest(t.last_called_at, excluded.last_called_at),
          hist = stats_hist_add(t.hist, excluded.hist);
    insert into stats_route_hours as t
    values (one.app_id, date_bin('1 hour', one.started_at, origin), one.method, one.route, my_slot, 1, one.failed, one.duration_ms,
            one.memory_peak_bytes, one.started_at, hist1)
    on conflict (app_id, hour, method, route, slot) do update
      set calls = t.calls + 1, failed = t.failed + excluded.failed, compute_ms = t.compute_ms + excluded.compute_ms,
          peak_memory = greatest(t.peak_memory, excluded.peak_memory), last_called_at = greatest(t.last_called_at, excluded.last_called_at),
          hist = stats_hist_add(t.hist, excluded.hist);
    insert into stats_route_days as t
    values (one.app_id, (one.started_at at time zone 'UTC')::date, one.method, one.route, my_slot, 1, one.failed, one.duration_ms,
            one.memory_peak_bytes, one.started_at, hist1)
    on conflict (app_id, day, method, route, slot) do update
      set calls = t.calls + 1, failed = t.failed + excluded.failed, compute_ms = t.compute_ms + excluded.compute_ms,
          peak_memory = greatest(t.peak_memory, excluded.peak_memory), last_called_at = greatest(t.last_called_at, excluded.last_called_at),
          hist = stats_hist_add(t.hist, excluded.hist);
    return null;
  end if;

  with x as materialized (
    select n.app_id, n.method, coalesce(d.route, '(other)') as route, date_bin('15 minutes', n.started_at, origin) as start,
           stats_duration_bin(n.duration_ms) as bin, n.started_at, n.duration_ms, (n.error is not null or n.status_code >= 500) as failed,
           n.memory_peak_bytes
    from new_rows n
    left join stats_routes d on d.app_id = n.app_id and d.method = n.method and d.route = appstats_route_of(n.path)
  ), c1 as materialized (
    select app_id, start, method, route, bin, count(*)::integer as n, sum(duration_ms)::bigint as compute,
           count(*) filter (where failed)::bigint as failed, max(memory_peak_bytes) as peak, max(started_at) as last
    from x group by 1, 2, 3, 4, 5
  ), c2 as materialized (
    select app_id, date_bin('1 hour', start, origin) as start, method, route, bin, sum(n)::integer as n, sum(compute)::bigint as compute,
           sum(failed)::bigint as failed, max(peak) as peak, max(last) as last
    from c1 group by 1, 2, 3, 4, 5
  ), leveled as (
    select 1 as level, * from c1
    union all select 2, * from c2
    union all
    select 3, app_id, date_bin('1 day', start, origin), method, route, bin, sum(n)::integer, sum(compute)::bigint, sum(failed)::bigint,
           max(peak), max(last)
    from c2 group by 2, 3, 4, 5, 6
  ), sums as materialized (
    select level, app_id, start, method, route, sum(n)::bigint as calls, sum(failed)::bigint as failed, sum(compute)::bigint as compute,
           max(peak) as peak, max(last) as last,
           (format('[%s:%s]={', min(bin), max(bin)) || string_agg(repeat('0,', bin - prev - 1) || n, ',' order by bin) || '}')::int4[] as hist
    from (select *, lag(bin, 1, bin - 1) over (partition by level, app_id, start, method, route order by bin) as prev from leveled) l
    group by 1, 2, 3, 4, 5
  ), into_buckets as (
    insert into stats_route_buckets as t (app_id, bucket, method, route, slot, calls, failed, compute_ms, peak_memory, last_called_at, hist)
    select app_id, start, method, route, my_slot, calls, failed, compute, peak, last, hist from sums where level = 1
    order by 1, 2, 3, 4
    on conflict (app_id, bucket, method, route, slot) do update
      set calls = t.calls + excluded.calls, failed = t.failed + excluded.failed, compute_ms = t.compute_ms + excluded.compute_ms,
          peak_memory = greatest(t.peak_memory, excluded.peak_memory), last_called_at = greatest(t.last_called_at, excluded.last_called_at),
          hist = stats_hist_add(t.hist, excluded.hist)
  ), into_hours as (
    insert into stats_route_hours as t (app_id, hour, method, route, slot, calls, failed, compute_ms, peak_memory, last_called_at, hist)
    select app_id, start, method, route, my_slot, calls, failed, compute, peak, last, hist from sums where level = 2
    order by 1, 2, 3, 4
    on conflict (app_id, hour, method, route, slot) do update
      set calls = t.calls + excluded.calls, failed = t.failed + excluded.failed, compute_ms = t.compute_ms + excluded.compute_ms,
          peak_memory = greatest(t.peak_memory, excluded.peak_memory), last_called_at = greatest(t.last_called_at, excluded.last_called_at),
          hist = stats_hist_add(t.hist, excluded.hist)
  )
  insert into stats_route_days as t (app_id, day, method, route, slot, calls, failed, compute_ms, peak_memory, last_called_at, hist)
  select app_id, (start at time zone 'UTC')::date, method, route, my_slot, calls, failed, compute, peak, last, hist from sums where level = 3
  order by 1, 2, 3, 4
  on conflict (app_id, day, method, route, slot) do update
    set calls = t.calls + excluded.calls, failed = t.failed + excluded.failed, compute_ms = t.compute_ms + excluded.compute_ms,
        peak_memory = greatest(t.peak_memory, excluded.peak_memory), last_called_at = greatest(t.last_called_at, excluded.last_called_at),
        hist = stats_hist_add(t.hist, excluded.hist);
  return null;
end
$fn$;

-- AFTER UPDATE or DELETE, for each statement: the keys the old and new rows
-- fall in are recomputed from raw rows; new pairs of an UPDATE are tracked first.
create or replace function stats_routes_changed()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  apps uuid[];
  methods text[];
  routes text[];
  buckets timestamptz[];
  origin constant timestamptz := timestamptz '2000-01-01 00:00:00+00';
begin
  if tg_op = 'UPDATE' then
    select array_agg(p.app_id), array_agg(p.method), array_agg(p.route) into apps, methods, routes
    from (select distinct n.app_id, n.method, appstats_route_of(n.path) as route from new_rows n) p
    where not exists (select from stats_routes d where d.app_id = p.app_id and d.method = p.method and d.route = p.route);
    if apps is not null then
      perform stats_routes_track(apps, methods, routes);
    end if;
    select array_agg(k.app_id), array_agg(k.method), array_agg(k.route), array_agg(k.q) into apps, methods, routes, buckets
    from (
      select distinct r.app_id, r.method, coalesce(d.route, '(other)') as route, date_bin('15 minutes', r.started_at, origin) as q
      from (select app_id, method, path, started_at from old_rows union all select app_id, method, path, started_at from new_rows) r
      left join stats_routes d on d.app_id = r.app_id and d.method = r.method and d.route = appstats_route_of(r.path)
    ) k;
  else
    select array_agg(k.app_id), array_agg(k.method), array_agg(k.route), array_agg(k.q) into apps, methods, routes, buckets
    from (
      select distinct r.app_id, r.method, coalesce(d.route, '(other)') as route, date_bin('15 minutes', r.started_at, origin) as q
      from old_rows r
      left join stats_routes d on d.app_id = r.app_id and d.method = r.method and d.route = appstats_route_of(r.path)
    ) k;
  end if;
  if apps is not null then
    perform stats_routes_recompute(apps, methods, routes, buckets);
  end if;
  return null;
end
$fn$;

-- AFTER TRUNCATE: no raw rows, no route rows (the dictionaries stay).
create or replace function stats_routes_truncate()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
begin
  delete from stats_route_buckets;
  delete from stats_route_hours;
  delete from stats_route_days;
  return null;
end
$fn$;

-- Recomputes one app's route rows from its raw rows (the rollups' rebuild).
create or replace function stats_routes_rebuild_app(p_app uuid)
returns void
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  apps uuid[];
  methods text[];
  routes text[];
  origin constant timestamptz := timestamptz '2000-01-01 00:00:00+00';
begin
  select array_agg(p_app), array_agg(p.method), array_agg(p.route) into apps, methods, routes
  from (select distinct i.method, appstats_route_of(i.path) as route from route_invocations i where i.app_id = p_app) p;
  if apps is not null then
    perform stats_routes_track(apps, methods, routes);
  end if;
  delete from stats_route_buckets where app_id = p_app;
  delete from stats_route_hours where app_id = p_app;
  delete from stats_route_days where app_id = p_app;
  with x as materialized (
    select i.method, coalesce(d.route, '(other)') as route, i.started_at, i.duration_ms, (i.error is not null or i.status_code >= 500) as failed,
           i.memory_peak_bytes
    from route_invocations i
    left join stats_routes d on d.app_id = p_app and d.method = i.method and d.route = appstats_route_of(i.path)
    where i.app_id = p_app
  ), into_buckets as (
    insert into stats_route_buckets (app_id, bucket, method, route, slot, calls, failed, compute_ms, peak_memory, last_called_at, hist)
    select p_app, date_bin('15 minutes', started_at, origin), method, route, 0, count(*), count(*) filter (where failed), sum(duration_ms),
           max(memory_peak_bytes), max(started_at), stats_hist_from(array_agg(stats_duration_bin(duration_ms)), null)
    from x group by 2, 3, 4
  ), into_hours as (
    insert into stats_route_hours (app_id, hour, method, route, slot, calls, failed, compute_ms, peak_memory, last_called_at, hist)
    select p_app, date_bin('1 hour', started_at, origin), method, route, 0, count(*), count(*) filter (where failed), sum(duration_ms),
           max(memory_peak_bytes), max(started_at), stats_hist_from(array_agg(stats_duration_bin(duration_ms)), null)
    from x group by 2, 3, 4
  )
  insert into stats_route_days (app_id, day, method, route, slot, calls, failed, compute_ms, peak_memory, last_called_at, hist)
  select p_app, (started_at at time zone 'UTC')::date, method, route, 0, count(*), count(*) filter (where failed), sum(duration_ms),
         max(memory_peak_bytes), max(started_at), stats_hist_from(array_agg(stats_duration_bin(duration_ms)), null)
  from x group by 2, 3, 4;
end
$fn$;

-- Recomputes every app's route rows from raw rows (the rollups' full rebuild;
-- the caller locks route_invocations against writers first).
create or replace function stats_routes_rebuild_all()
returns void
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  app uuid;
begin
  delete from stats_route_buckets;
  delete from stats_route_hours;
  delete from stats_route_days;
  for app in select distinct app_id from route_invocations loop
    perform stats_routes_rebuild_app(app);
  end loop;
end
$fn$;

create or replace trigger stats_routes_insert after insert on route_invocations
  referencing new table as new_rows for each statement execute function stats_routes_insert();
create or replace trigger stats_routes_update after update on route_invocations
  referencing old table as old_rows new table as new_rows for each statement execute function stats_routes_changed();
create or replace trigger stats_routes_delete after delete on route_invocations
  referencing old table as old_rows for each statement execute function stats_routes_changed();
create or replace trigger stats_routes_truncate after truncate on route_invocations
  for each statement execute function stats_routes_truncate();
