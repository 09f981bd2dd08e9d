import { readFileSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';

// Live figures (issue 16, CONTRACT §8 "Live"): the NOTIFY triggers of
// server/db/sql/live/notify.sql, in a file and migration of their own beside
// the rollups'. Their functions get the rollup functions' rights
// (20260107000000_function_rights): owned by the NOLOGIN rollups role, no
// EXECUTE for PUBLIC, `search_path = pg_catalog, public, pg_temp` (the file says
// it). test/queries/rollup-sql.test.ts holds the database to this file too.

/** The files, in the order they run. */
export const LIVE_SQL_FILES: readonly URL[] = [new URL('../sql/live/notify.sql', import.meta.url)];

/** Runs every live SQL file, each as one multi-statement query, in the caller's transaction. */
export async function applyLiveSql(db: Kysely<any>): Promise<void> {
  for (const file of LIVE_SQL_FILES) await sql.raw(readFileSync(file, 'utf8')).execute(db);
}

// The rights of 20260107 for the functions this file adds (that migration ran before they existed).
const RIGHTS = `do $do$
declare
  owner_role text := 'appstats_rollups_' || left(md5(current_database()), 8);
  f regprocedure;
begin
  for f in
    select p.oid::regprocedure from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.proname like 'stats\\_live\\_notify\\_%'
  loop
    execute format('revoke all on function %s from public', f);
    execute format('alter function %s owner to %I', f, owner_role);
    execute format('revoke all on function %s from public', f);
  end loop;
  execute format('grant select, insert, update on public.stats_live_notified to %I', owner_role);
end
$do$`;

export async function up(db: Kysely<any>): Promise<void> {
  // When each app was last notified (notify.sql throttles to one a second). Unlogged: a crash empties it, which only means one more NOTIFY.
  await sql`create unlogged table stats_live_notified (app_id uuid primary key, at timestamptz not null)`.execute(db);
  await applyLiveSql(db);
  await sql.raw(RIGHTS).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['view_events', 'route_invocations']) {
    for (const op of ['insert', 'update', 'delete', 'truncate']) {
      await sql.raw(`drop trigger if exists stats_live_notify_${op} on ${table}`).execute(db);
    }
  }
  await sql`drop function if exists stats_live_notify_statement(), stats_live_notify_truncate(), stats_live_notify_app(uuid)`.execute(db);
  await sql`drop table if exists stats_live_notified`.execute(db);
}
