-- Live figures (CONTRACT §8 "Live"): a NOTIFY on channel `stats_live` with the
-- app's id as payload, from statement-level triggers on both event tables.
-- Loaded by migrations/20260110000000_live_notify.ts; each server process
-- LISTENs on one dedicated connection (server/live/listener.ts). Rights as the
-- rollup functions' (migrations/20260107000000_function_rights.ts).
--
-- A NOTIFY takes a cluster-wide lock at commit, which serialises the commits
-- of every notifying transaction: notifying on every one-row INSERT halved
-- the throughput of 16 writers (bench/live.ts). So an app is notified at most
-- once per second (stats_live_notified holds when it last was, unlogged: a
-- crash only empties it), and the server reads every watched app's totals
-- once a second anyway (server/live/hub.ts): the notification is the fast
-- path, the poll the guarantee (a throttled commit, a long transaction, a
-- notification lost while LISTEN reconnects are all read within a second).
-- NOTIFY is delivered at commit, never for a rolled-back statement, and
-- identical ones of a transaction are folded into one.

-- Notifies `p_app` unless it was in the last second; a notifier in flight is left to notify.
create or replace function stats_live_notify_app(p_app uuid)
returns void
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  last timestamptz;
begin
  select at into last from stats_live_notified where app_id = p_app;
  if not found then
    -- A writer of the app whose first row is not committed yet holds this lock: it notifies;
    -- waiting on its row (ON CONFLICT would) would make this writer wait for its commit.
    if not pg_try_advisory_xact_lock(hashtextextended('appstats.live:' || p_app::text, 0)) then return; end if;
    insert into stats_live_notified values (p_app, clock_timestamp()) on conflict do nothing;
    if found then perform pg_notify('stats_live', p_app::text); end if;
    return;
  end if;
  if last > clock_timestamp() - interval '1 second' then return; end if;
  perform from stats_live_notified where app_id = p_app and at <= clock_timestamp() - interval '1 second' for update skip locked;
  if found then
    update stats_live_notified set at = clock_timestamp() where app_id = p_app;
    perform pg_notify('stats_live', p_app::text);
  end if;
end
$fn$;

-- AFTER INSERT, UPDATE, DELETE, TRUNCATE of view_events or route_invocations, for each statement.
create or replace function stats_live_notify_statement()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  app uuid;
  n bigint;
begin
  if tg_op = 'INSERT' then
    select s.app_id, count(*) over () into app, n from (select app_id from new_rows limit 2) s limit 1;
    if n = 1 then
      perform stats_live_notify_app(app);
      return null;
    end if;
    for app in select distinct app_id from new_rows loop
      perform stats_live_notify_app(app);
    end loop;
  elsif tg_op = 'DELETE' then
    for app in select distinct app_id from old_rows loop
      perform stats_live_notify_app(app);
    end loop;
  elsif tg_op = 'UPDATE' then
    for app in select app_id from new_rows union select app_id from old_rows loop
      perform stats_live_notify_app(app);
    end loop;
  end if;
  return null;
end
$fn$;

-- BEFORE TRUNCATE, for each statement: every app with figures in the table's
-- slot rows (the rows are gone by AFTER, and TRUNCATE has no transition table),
-- unthrottled.
create or replace function stats_live_notify_truncate()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  app uuid;
begin
  if tg_table_name = 'view_events' then
    for app in select distinct app_id from stats_view_slots loop
      perform pg_notify('stats_live', app::text);
    end loop;
  else
    for app in select distinct app_id from stats_invocation_slots loop
      perform pg_notify('stats_live', app::text);
    end loop;
  end if;
  return null;
end
$fn$;

create or replace trigger stats_live_notify_insert
after insert on view_events
referencing new table as new_rows
for each statement execute function stats_live_notify_statement();

create or replace trigger stats_live_notify_update
after update on view_events
referencing old table as old_rows new table as new_rows
for each statement execute function stats_live_notify_statement();

create or replace trigger stats_live_notify_delete
after delete on view_events
referencing old table as old_rows
for each statement execute function stats_live_notify_statement();

create or replace trigger stats_live_notify_truncate
before truncate on view_events
for each statement execute function stats_live_notify_truncate();

create or replace trigger stats_live_notify_insert
after insert on route_invocations
referencing new table as new_rows
for each statement execute function stats_live_notify_statement();

create or replace trigger stats_live_notify_update
after update on route_invocations
referencing old table as old_rows new table as new_rows
for each statement execute function stats_live_notify_statement();

create or replace trigger stats_live_notify_delete
after delete on route_invocations
referencing old table as old_rows
for each statement execute function stats_live_notify_statement();

create or replace trigger stats_live_notify_truncate
before truncate on route_invocations
for each statement execute function stats_live_notify_truncate();
