import { type Kysely, sql } from 'kysely';
import { addDays, resolveRange, todayIn } from '../lib/range';
import type { Database } from '../server/db/client';
import type { DB } from '../server/db/types';
import { listRoutes } from '../server/queries/stats/routes';
import type { RouteSort } from '../server/schemas/routes';
import { ROUTES } from './load';
import { scaledReadRows } from './range-reads';
import type { BenchRow } from './report';

// GET /stats/routes (CONTRACT §8) for the last 30 days at the smallest and
// the largest loaded scale (invocations over 2,000 routes), beside the naive
// SQL: every raw invocation of the range normalised, grouped by method and
// route, with percentile_disc, sorted and cut.

const SORTS: Array<{ sort: RouteSort; column: string }> = [
  { sort: 'calls', column: 'count(*)' },
  { sort: 'p95DurationMs', column: 'percentile_disc(0.95) within group (order by duration_ms)' },
];

function last30Days(now: Date) {
  const to = todayIn('UTC', now);
  return resolveRange({ tz: 'UTC', from: addDays(to, -29), to }, now);
}

/** The obvious query: the range's raw rows, normalised and grouped, percentiles by sorting each group. */
async function naiveRoutes(db: Kysely<DB>, appId: string, column: string, now: Date): Promise<unknown> {
  const range = last30Days(now);
  return sql`
    select method, appstats_route_of(path) as route, count(*) as calls,
           count(*) filter (where error is not null or status_code >= 500) as failed, sum(duration_ms) as compute_ms,
           max(memory_peak_bytes), max(started_at), percentile_disc(array[0.5, 0.95, 0.99]) within group (order by duration_ms)
    from route_invocations
    where app_id = ${appId} and started_at >= ${range.from}::timestamptz and started_at < ${addDays(range.to, 1)}::timestamptz
    group by 1, 2 order by ${sql.raw(column)} desc, method collate "C", appstats_route_of(path) collate "C" limit 20`.execute(db);
}

const WHY_FLAT =
  'the read sums whole-day route rows of the range (edges from hour and 15-minute rows): its cost follows the (day, route) rows in use, which grow with the events until every route has a row each day, then stay.';
const WHY_FASTER = 'the naive query normalises and groups every invocation of the range; the rollup read sums per-route day rows.';

/** Rows for /stats/routes at the smallest and largest of `loaded` (apps loaded by measureStatsReads). */
export async function measureRouteReads(
  database: Database,
  loaded: Array<{ events: number; appId: string }>,
  samples: { fast: number; seconds: number },
  log: (line: string) => void,
): Promise<BenchRow[]> {
  const now = new Date();
  const smallest = loaded[0];
  const largest = loaded.at(-1);
  if (!smallest || !largest) return [];
  const rows: BenchRow[] = [];
  for (const { sort, column } of SORTS) {
    const name = `/stats/routes 30 days, sort=${sort}, ${ROUTES} routes`;
    log(`timing ${name}…`);
    const read = (appId: string) => () => listRoutes(database.db, appId, { range: last30Days(now), sort, limit: 20 });
    const naive = () => naiveRoutes(database.db, largest.appId, column, now);
    rows.push(...(await scaledReadRows(name, { smallest, largest }, read, naive, samples, { faster: WHY_FASTER, flat: WHY_FLAT })));
  }
  return rows;
}
