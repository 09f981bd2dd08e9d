-- Rollups recomputed from raw rows (README.md: "Locks"). Loaded by
-- migrations/20260108000000_rollup_functions_sql.ts; called by the maintenance
-- rebuild (server/queries/stats/maintain.ts).

-- One app's rollups from raw rows, into slot 0, after locking every slot row
-- of the app (all 16 of both tables, created where missing): writers of this
-- app in flight finish first, new ones wait until the rebuild commits, since
-- every write goes through its slot row first; other apps' writers go on.
-- Row locks, not advisory locks: no other role can take them (README.md: "Locks").
--
-- One table's rows are waited for as long as need be, the other's for 50 ms at
-- most: a writer's transaction may hold its slot row of one table and then ask
-- for its slot row of the other. When that wait runs out, the rows taken so far
-- are let go (the block is a subtransaction) and the other table goes first.
create or replace function stats_rebuild_app(p_app uuid)
returns void
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  caller_lock_timeout constant text := current_setting('lock_timeout');
  views_first boolean := true;
  patient boolean;
begin
  loop
    begin
      patient := true;
      for step in 1..2 loop
        if (step = 1) = views_first then
          insert into stats_view_slots (app_id, slot, views, viewers)
          select p_app, s, 0, 0 from generate_series(0, 15) s order by s
          on conflict do nothing;
          perform 1 from stats_view_slots where app_id = p_app order by slot for update;
        else
          insert into stats_invocation_slots (app_id, slot, invocations)
          select p_app, s, 0 from generate_series(0, 15) s order by s
          on conflict do nothing;
          perform 1 from stats_invocation_slots where app_id = p_app order by slot for update;
        end if;
        if step = 1 then
          patient := false;
          perform set_config('lock_timeout', '50ms', true);
        end if;
      end loop;
      perform set_config('lock_timeout', caller_lock_timeout, true);
      exit;
    exception when lock_not_available then
      if patient then raise; end if;
      views_first := not views_first;
    end;
  end loop;

  delete from stats_view_slots where app_id = p_app;
  delete from stats_view_buckets where app_id = p_app;
  delete from stats_view_days where app_id = p_app;
  delete from stats_viewers where app_id = p_app;
  delete from stats_invocation_slots where app_id = p_app;
  delete from stats_invocation_buckets where app_id = p_app;
  delete from stats_invocation_days where app_id = p_app;

  insert into stats_view_buckets
  select p_app, date_bin('15 minutes', viewed_at, timestamptz '2000-01-01 00:00:00+00'), 0, count(*)
  from view_events where app_id = p_app group by 2;
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

  insert into stats_invocation_buckets
  select p_app, date_bin('15 minutes', started_at, timestamptz '2000-01-01 00:00:00+00'), 0, count(*), sum(duration_ms),
         count(*) filter (where error is not null or status_code >= 500), max(memory_peak_bytes)
  from route_invocations where app_id = p_app group by 2;
  insert into stats_invocation_days
  select p_app, (bucket at time zone 'UTC')::date, 0, sum(invocations), sum(compute_ms), sum(failed), max(peak_memory)
  from stats_invocation_buckets where app_id = p_app group by 2;
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
  delete from stats_view_days;
  delete from stats_viewers;
  delete from stats_invocation_slots;
  delete from stats_invocation_buckets;
  delete from stats_invocation_days;
  for app in select app_id from view_events union select app_id from route_invocations loop
    perform stats_rebuild_app(app);
    n := n + 1;
  end loop;
  return n;
end
$fn$;
