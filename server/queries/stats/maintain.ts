import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../../db/types';

// Maintenance of the stats rollups (migrations 20260102000000_rollups and
// 20260112000000_route_rollups): rebuild them from raw rows, and compare every
// rollup figure with raw SQL.

/** One figure where the rollups and the raw rows disagree. */
export interface RollupDifference {
  figure: string;
  key: string;
  rollup: unknown;
  raw: unknown;
}

/**
 * Recomputes the rollups from raw rows in one transaction and returns how many
 * apps were rebuilt. One app: its writers wait on the app's advisory lock
 * (taken by stats_rebuild_app) while other apps keep writing. Every app: both
 * raw tables are locked against writers (readers go on) for the duration.
 */
export async function rebuildRollups(db: Kysely<DB>, appId?: string): Promise<{ apps: number }> {
  return db.transaction().execute(async (trx) => {
    if (appId) {
      await sql`select stats_rebuild_app(${appId}::uuid)`.execute(trx);
      await sql`select stats_routes_rebuild_app(${appId}::uuid)`.execute(trx);
      return { apps: 1 };
    }
    await sql`lock table view_events, route_invocations in share row exclusive mode`.execute(trx);
    const { rows } = await sql<{ apps: number }>`select stats_rebuild_all() as apps`.execute(trx);
    await sql`select stats_routes_rebuild_all()`.execute(trx);
    return { apps: rows[0]?.apps ?? 0 };
  });
}

const BUCKET = (column: string) => sql.raw(`date_bin('15 minutes', ${column}, timestamptz '2000-01-01 00:00:00+00')`);
const DAY = (column: string) => sql.raw(`(${column} at time zone 'UTC')::date`);
// An invocation failed when it reports an error or a 5xx status (CONTRACT §5).
const FAILED = '(error is not null or status_code >= 500)';

// A bucket's (or a day's) figures are its rows plus the slots whose current bucket it is.
const viewBuckets = (appId: string) => sql`
  select bucket, views from stats_view_buckets where app_id = ${appId}
  union all select cur_bucket, cur_views from stats_view_slots where app_id = ${appId} and cur_bucket is not null`;
const viewDays = (appId: string) => sql`
  select day, views from stats_view_days where app_id = ${appId}
  union all select ${DAY('cur_bucket')}, cur_views from stats_view_slots where app_id = ${appId} and cur_bucket is not null`;
const invocationBuckets = (appId: string) => sql`
  select bucket, invocations, compute_ms, failed, peak_memory from stats_invocation_buckets where app_id = ${appId}
  union all select cur_bucket, cur_invocations, cur_compute_ms, cur_failed, cur_peak_memory from stats_invocation_slots
  where app_id = ${appId} and cur_bucket is not null`;
const invocationDays = (appId: string) => sql`
  select day, invocations, compute_ms, failed, peak_memory from stats_invocation_days where app_id = ${appId}
  union all select ${DAY('cur_bucket')}, cur_invocations, cur_compute_ms, cur_failed, cur_peak_memory from stats_invocation_slots
  where app_id = ${appId} and cur_bucket is not null`;

// Each check yields (key, doc) from the rollups and from raw rows; a key whose
// documents differ (or that only one side has) is a difference. Rollup rows
// that sum to nothing stand for "no rows" and are left out.
function checks(appId: string): Array<{ figure: string; rollup: RawBuilder<unknown>; raw: RawBuilder<unknown> }> {
  const invocationDoc = (n: string, compute: string, failed: string, peak: string) =>
    sql.raw(`jsonb_build_object('invocations', ${n}, 'computeMs', ${compute}, 'failed', ${failed}, 'peakMemory', ${peak})`);
  const rolledInvocations = invocationDoc('sum(invocations)', 'sum(compute_ms)', 'sum(failed)', 'max(peak_memory)');
  const rawInvocations = invocationDoc('count(*)', 'sum(duration_ms)', `count(*) filter (where ${FAILED})`, 'max(memory_peak_bytes)');
  const routeDoc = (n: string, compute: string, failed: string, peak: string, last: string) =>
    sql.raw(
      `jsonb_build_object('calls', ${n}, 'computeMs', ${compute}, 'failed', ${failed}, 'peakMemory', ${peak}, 'lastCalledAt', ${last})`,
    );
  const keepInvocations = sql`having sum(invocations) <> 0 or sum(compute_ms) <> 0 or sum(failed) <> 0 or max(peak_memory) is not null`;
  return [
    {
      figure: 'views by bucket',
      rollup: sql`select bucket::text as key, to_jsonb(sum(views)) as doc from (${viewBuckets(appId)}) b group by bucket having sum(views) <> 0`,
      raw: sql`select ${BUCKET('viewed_at')}::text, to_jsonb(count(*)) from view_events where app_id = ${appId} group by 1`,
    },
    {
      figure: 'views by day',
      rollup: sql`select day::text as key, to_jsonb(sum(views)) as doc from (${viewDays(appId)}) d group by day having sum(views) <> 0`,
      raw: sql`select ${DAY('viewed_at')}::text, to_jsonb(count(*)) from view_events where app_id = ${appId} group by 1`,
    },
    {
      figure: 'views by viewer',
      rollup: sql`select viewer_id::text as key, to_jsonb(views) as doc from stats_viewers where app_id = ${appId}`,
      raw: sql`select viewer_id::text, to_jsonb(count(*)) from view_events where app_id = ${appId} and viewer_id is not null group by 1`,
    },
    {
      figure: 'view totals',
      rollup: sql`select 'app' as key, jsonb_build_object('views', sum(views), 'viewers', sum(viewers), 'lastViewedAt', max(last_viewed_at)) as doc
                  from stats_view_slots where app_id = ${appId} having sum(views) <> 0 or sum(viewers) <> 0 or max(last_viewed_at) is not null`,
      raw: sql`select 'app', jsonb_build_object('views', count(*), 'viewers', count(distinct viewer_id), 'lastViewedAt', max(viewed_at))
               from view_events where app_id = ${appId} having count(*) > 0`,
    },
    {
      figure: 'invocations by bucket',
      rollup: sql`select bucket::text as key, ${rolledInvocations} as doc from (${invocationBuckets(appId)}) b group by bucket ${keepInvocations}`,
      raw: sql`select ${BUCKET('started_at')}::text, ${rawInvocations} from route_invocations where app_id = ${appId} group by 1`,
    },
    {
      figure: 'invocations by day',
      rollup: sql`select day::text as key, ${rolledInvocations} as doc from (${invocationDays(appId)}) d group by day ${keepInvocations}`,
      raw: sql`select ${DAY('started_at')}::text, ${rawInvocations} from route_invocations where app_id = ${appId} group by 1`,
    },
    {
      figure: 'invocations by route and bucket',
      rollup: sql`select method || ' ' || route || ' ' || bucket::text as key, ${routeDoc('sum(calls)', 'sum(compute_ms)', 'sum(failed)', 'max(peak_memory)', 'max(last_called_at)')} as doc
                  from stats_route_buckets where app_id = ${appId} group by method, route, bucket having sum(calls) <> 0`,
      raw: sql`select i.method || ' ' || coalesce(t.route, '(other)') || ' ' || ${BUCKET('i.started_at')}::text,
                      ${routeDoc('count(*)', 'sum(i.duration_ms)', `count(*) filter (where ${FAILED})`, 'max(i.memory_peak_bytes)', 'max(i.started_at)')}
               from route_invocations i
               left join stats_routes t on t.app_id = i.app_id and t.method = i.method and t.route = appstats_route_of(i.path)
               where i.app_id = ${appId} group by 1`,
    },
    {
      figure: 'invocation totals',
      rollup: sql`select 'app' as key, to_jsonb(sum(invocations)) as doc from stats_invocation_slots where app_id = ${appId} having sum(invocations) <> 0`,
      raw: sql`select 'app', to_jsonb(count(*)) from route_invocations where app_id = ${appId} having count(*) > 0`,
    },
  ];
}

/** Every rollup figure of an app that differs from the same figure computed from raw rows; empty when consistent. */
export async function checkRollups(db: Kysely<DB>, appId: string): Promise<RollupDifference[]> {
  const differences: RollupDifference[] = [];
  for (const check of checks(appId)) {
    const { rows } = await sql<{ key: string; rollup: unknown; raw: unknown }>`
      select coalesce(r.key, w.key) as key, r.doc as rollup, w.doc as raw
      from (${check.rollup}) r full join (${check.raw}) w(key, doc) on r.key = w.key
      where r.doc is distinct from w.doc
      order by 1`.execute(db);
    differences.push(...rows.map((row) => ({ figure: check.figure, ...row })));
  }
  return differences;
}

/** Every app id that has rollups, in order: the apps a full check covers. */
export async function listRollupApps(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ appId: string }>`
    select app_id as "appId" from stats_view_slots union select app_id from stats_invocation_slots order by 1`.execute(db);
  return rows.map((row) => row.appId);
}
