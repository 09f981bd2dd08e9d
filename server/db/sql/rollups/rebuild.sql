-- Rollups recomputed from raw rows (README.md: "Locks"). Loaded by
-- migrations/20260108000000_rollup_functions_sql.ts; called by the maintenance
-- rebuild (server/queries/stats/maintain.ts).

-- One app's rollups from raw rows, into slot 0, after taking every (app, slot)
-- advisory lock exclusively, in slot order: writers of this app in flight
-- finish first (they hold their slot's lock shared), new ones wait until the
-- rebuild commits; other apps' writers go on. 0 to 15: one lock per slot of
-- the 16 that writers spread over (pg_backend_pid() % 16).
create or replace function stats_rebuild_app(p_app uuid)
returns void
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
begin
  perform pg_advisory_xact_lock(hashtextextended('appstats.rollups:' || p_app::text, s))
  from generate_series(0, 15) s
  order by s;

  delete from stats_view_slots where app_id = p_app;
  delete from stats_view_buckets where app_id = p_app;
  delete from stats_view_hours where app_id = p_app;
  delete from stats_view_days where app_id = p_app;
  delete from stats_viewers where app_id = p_app;
  delete from stats_invocation_slots where app_id = p_app;
  delete from stats_invocation_buckets where app_id = p_app;
  delete from stats_invocation_hours where app_id = p_app;
  delete from stats_invocation_days where app_id = p_app;

  insert into stats_view_buckets
  select p_app, date_bin('15 minutes', viewed_at, timestamptz '2000-01-01 00:00:00+00'), 0, count(*)
  from view_events where app_id = p_app group by 2;
  insert into stats_view_hours
  select p_app, date_bin('1 hour', bucket, timestamptz '2000-01-01 00:00:00+00'), 0, sum(views)
  from stats_view_buckets where app_id = p_app group by 2;
  insert into stats_view_days
  select p_app, (bucket at time zone 'UTC')::date, 0, sum(views)
  from stats_view_buckets where app_id = p_app group by 2;
  insert into stats_viewers
  select p_app, viewer_id, count(*)
  from view_events where app_id = p_app and viewer_id is not null group by 2;
  insert into stats_view_slots (app_id, slot, views, viewers, last_viewed_at)
  select p_app, 0, sum(views), (select count(*) from stats_viewers where app_id = p_app),
         (select max(viewed_at) from view_events where app_id = p_app)
  from stats_view_days where app_id = p_app
  having count(*) > 0;

  -- Each level from raw rows, grouped by (key, bin) first for its histogram.
  insert into stats_invocation_buckets
  select p_app, k, 0, sum(n), sum(compute_ms), sum(failed), max(peak), stats_hist_from(array_agg(bin), array_agg(n::integer))
  from (
    select date_bin('15 minutes', started_at, timestamptz '2000-01-01 00:00:00+00') as k, stats_duration_bin(duration_ms) as bin, count(*) as n,
           sum(duration_ms) as compute_ms, count(*) filter (where error is not null or status_code >= 500) as failed,
           max(memory_peak_bytes) as peak
    from route_invocations where app_id = p_app group by 1, 2
  ) g
  group by k;
  insert into stats_invocation_hours
  select p_app, k, 0, sum(n), sum(compute_ms), sum(failed), max(peak), stats_hist_from(array_agg(bin), array_agg(n::integer))
  from (
    select date_bin('1 hour', started_at, timestamptz '2000-01-01 00:00:00+00') as k, stats_duration_bin(duration_ms) as bin, count(*) as n,
           sum(duration_ms) as compute_ms, count(*) filter (where error is not null or status_code >= 500) as failed,
           max(memory_peak_bytes) as peak
    from route_invocations where app_id = p_app group by 1, 2
  ) g
  group by k;
  insert into stats_invocation_days
  select p_app, k, 0, sum(n), sum(compute_ms), sum(failed), max(peak), stats_hist_from(array_agg(bin), array_agg(n::integer))
  from (
    select (started_at at time zone 'UTC')::date as k, stats_duration_bin(duration_ms) as bin, count(*) as n,
           sum(duration_ms) as compute_ms, count(*) filter (where error is not null or status_code >= 500) as failed,
           max(memory_peak_bytes) as peak
    from route_invocations where app_id = p_app group by 1, 2
  ) g
  group by k;
  insert into stats_invocation_slots (app_id, slot, invocations)
  select p_app, 0, sum(invocations)
  from stats_invocation_days where app_id = p_app
  having count(*) > 0;
end
$fn$;

-- Every app's rollups from raw rows; returns how many apps. Callers lock both
-- raw tables against writers first.
create or replace function stats_rebuild_all()
returns integer
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  app uuid;
  n integer := 0;
begin
  delete from stats_view_slots;
  delete from stats_view_buckets;
  delete from stats_view_hours;
  delete from stats_view_days;
  delete from stats_viewers;
  delete from stats_invocation_slots;
  delete from stats_invocation_buckets;
  delete from stats_invocation_hours;
  delete from stats_invocation_days;
  for app in select app_id from view_events union select app_id from route_invocations loop
    perform stats_rebuild_app(app);
    n := n + 1;
  end loop;
  return n;
end
$fn$;
