import { readFileSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';

// Per-route rollups (issue 15, CONTRACT §8 `/stats/routes`): each app's dictionary
// of tracked (method, route) pairs, capped (`(other)` past it), and rows of calls,
// failures, compute, peak memory, newest call and the duration histogram per
// (app, start, method, route, slot) at the 15-minute, UTC-hour and UTC-day grains,
// kept by the triggers of server/db/sql/routes/rollups.sql. The functions get the
// rollup functions' rights (20260107000000_function_rights); the rows of existing
// invocations are built here from raw rows. test/queries/rollup-sql.test.ts holds
// the database to the file.

/** The files, in the order they run. */
export const ROUTE_SQL_FILES: readonly URL[] = [new URL('../sql/routes/rollups.sql', import.meta.url)];

/** Runs every route-rollup SQL file, each as one multi-statement query, in the caller's transaction. */
export async function applyRouteSql(db: Kysely<any>): Promise<void> {
  for (const file of ROUTE_SQL_FILES) await sql.raw(readFileSync(file, 'utf8')).execute(db);
}

const FIGURES = `calls bigint not null, failed bigint not null, compute_ms bigint not null, peak_memory bigint,
  last_called_at timestamptz not null, hist int4[]`;

const TABLES = [
  `stats_routes (app_id uuid, method text, route text, primary key (app_id, method, route))`,
  `stats_route_counts (app_id uuid primary key, tracked integer not null)`,
  `stats_route_buckets (app_id uuid, bucket timestamptz, method text, route text, slot smallint, ${FIGURES},
     primary key (app_id, bucket, method, route, slot))`,
  `stats_route_hours (app_id uuid, hour timestamptz, method text, route text, slot smallint, ${FIGURES},
     primary key (app_id, hour, method, route, slot))`,
  `stats_route_days (app_id uuid, day date, method text, route text, slot smallint, ${FIGURES},
     primary key (app_id, day, method, route, slot))`,
];

// The rights of 20260107 for the tables and functions added here (that migration ran before they existed).
const RIGHTS = `do $do$
declare
  owner_role text := 'appstats_rollups_' || left(md5(current_database()), 8);
  f regprocedure;
  t text;
begin
  foreach t in array array['stats_routes', 'stats_route_counts', 'stats_route_buckets', 'stats_route_hours', 'stats_route_days'] loop
    execute format('grant select, insert, update, delete, truncate on public.%I to %I', t, owner_role);
  end loop;
  for f in
    select p.oid::regprocedure from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.proname like 'stats\\_routes\\_%'
  loop
    execute format('revoke all on function %s from public', f);
    execute format('alter function %s owner to %I', f, owner_role);
    execute format('revoke all on function %s from public', f);
  end loop;
end
$do$`;

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) await sql.raw(`create table ${table}`).execute(db);
  await applyRouteSql(db);
  await sql.raw(RIGHTS).execute(db);
  await sql`select stats_routes_rebuild_all()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const op of ['insert', 'update', 'delete', 'truncate']) {
    await sql.raw(`drop trigger if exists stats_routes_${op} on route_invocations`).execute(db);
  }
  for (const fn of ['insert()', 'changed()', 'truncate()', 'rebuild_all()', 'rebuild_app(uuid)', 'recompute(uuid[], text[], text[], timestamptz[])',
    'raw(uuid, text, text, timestamptz, timestamptz)', 'track(uuid[], text[], text[])', 'cap()']) {
    await sql.raw(`drop function if exists stats_routes_${fn}`).execute(db);
  }
  for (const table of ['stats_route_days', 'stats_route_hours', 'stats_route_buckets', 'stats_route_counts', 'stats_routes']) {
    await sql.raw(`drop table if exists ${table}`).execute(db);
  }
}
