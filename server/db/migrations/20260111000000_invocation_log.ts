import { readFileSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';

// The invocation log and error groups of issue 15 (CONTRACT §8):
// - route and message normalisation, as SQL in server/db/sql/insights/normalise.sql;
// - `route_invocations.id`, a unique identity (CONTRACT §3 allows added columns
//   with defaults): with started_at it is the log's keyset `(started_at, id)`;
// - the log index (app_id, started_at desc, id desc), unique, which also serves
//   every read the old (app_id, started_at desc) index served, so it replaces it;
// - indexes for the filters whose matches can be rare (bench/activity.ts measured
//   them): failed invocations (partial; also the error groups' index; it serves
//   `status=5xx` and `failed`), route and user, each ending in the keyset's
//   columns so a filtered page is an index range read in log order. Method and
//   the other status classes read the log index and filter: with an index for
//   each filter a trigger-less COPY took 5.6× as long as with none (bench/activity.ts),
//   and those two serve the least (the classes other than 5xx are most rows).
// The rollups role (20260107000000_function_rights) may call the normalisation
// functions, for per-route rollups in its triggers.
//
// The route index is over the expression appstats_route_of(path) inlines to, not
// over a call of it: an index expression runs with the rights of whoever writes
// the row, and the writers of §3 may hold INSERT and nothing else (no EXECUTE on
// the service's functions, server/db/migrate.ts). Taken from the planner, so it is
// the function's body by construction; a query's call inlines to it and matches.

/** The files, in the order they run. */
export const INSIGHTS_SQL_FILES: readonly URL[] = [new URL('../sql/insights/normalise.sql', import.meta.url)];

/** Runs every insights SQL file, each as one multi-statement query, in the caller's transaction. */
export async function applyInsightsSql(db: Kysely<any>): Promise<void> {
  for (const file of INSIGHTS_SQL_FILES) await sql.raw(readFileSync(file, 'utf8')).execute(db);
}

const GRANT_ROLLUPS = `do $do$
declare owner_role text := 'appstats_rollups_' || left(md5(current_database()), 8);
begin
  if exists (select from pg_catalog.pg_roles where rolname = owner_role) then
    execute format('grant execute on function appstats_route_of(text), appstats_error_message_of(text, integer) to %I', owner_role);
  end if;
end
$do$`;

const KEYSET = 'started_at desc, id desc';

/** What `appstats_route_of(path)` inlines to, as the planner prints it. */
export async function inlinedRouteExpression(db: Kysely<any>): Promise<string> {
  const { rows } = await sql<{ 'QUERY PLAN': Array<{ Plan: { Output: string[] } }> }>`
    explain (verbose, format json) select appstats_route_of(path) from route_invocations`.execute(db);
  const expression = rows[0]?.['QUERY PLAN'][0]?.Plan.Output[0] ?? '';
  if (!expression || expression.includes('appstats_route_of')) throw new Error('appstats_route_of did not inline');
  return expression;
}
const FAILED = 'error is not null or status_code >= 500';

export async function up(db: Kysely<any>): Promise<void> {
  await applyInsightsSql(db);
  await sql.raw(GRANT_ROLLUPS).execute(db);
  await sql`alter table route_invocations add column id bigint generated always as identity`.execute(db);
  await sql.raw(`create unique index route_invocations_log_idx on route_invocations (app_id, ${KEYSET})`).execute(db);
  await sql`drop index route_invocations_app_started_idx`.execute(db);
  await sql.raw(`create index route_invocations_failed_idx on route_invocations (app_id, ${KEYSET}) where ${FAILED}`).execute(db);
  const route = await inlinedRouteExpression(db);
  await sql.raw(`create index route_invocations_route_idx on route_invocations (app_id, (${route}), ${KEYSET})`).execute(db);
  await sql.raw(`create index route_invocations_user_idx on route_invocations (app_id, user_id, ${KEYSET})`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['failed', 'route', 'user', 'method', 'status']) {
    await sql.raw(`drop index if exists route_invocations_${name}_idx`).execute(db);
  }
  await sql`create index if not exists route_invocations_app_started_idx on route_invocations (app_id, started_at desc)`.execute(db);
  await sql`drop index if exists route_invocations_log_idx`.execute(db);
  await sql`alter table route_invocations drop column if exists id`.execute(db);
  await sql`drop function if exists appstats_route_of(text), appstats_error_message_of(text, integer)`.execute(db);
}
