import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { ResolvedRange } from '../../../lib/range';
import type { DB } from '../../db/types';
import type { RouteFigures, RouteRange, RouteRangeFigures, RouteSort } from '../../schemas/routes';
import { periodFigures, percentileOf, runRangeRead } from './range-rows';
import { periodsOf, unitsOf } from './range-units';

// GET /stats/routes and one route's figures over a range (CONTRACT §8), from the
// per-route rollup rows (migration 20260112000000_route_rollups) only: each period
// is covered by the day, hour and 15-minute rows that fit it exactly
// (range-units.ts), as for /stats/range. Percentiles come from the rows'
// duration histograms (duration-bins.ts): nearest rank, within the bound there.

const SORT_COLUMNS: Record<RouteSort, string> = {
  calls: 'calls',
  failed: 'failed',
  computeMs: 'compute',
  p95DurationMs: 'p95',
};

/** The route rows of every unit of the periods (in `units`), with the unit's period key. */
function routeRows(appId: string, where: RawBuilder<unknown>): RawBuilder<unknown> {
  const covering = (table: string, grain: 'd' | 'h' | 'q', column: string) => sql`
    select u.key, r.method, r.route, r.calls, r.failed, r.compute_ms, r.peak_memory, r.last_called_at, r.hist
    from units u join ${sql.table(table)} r
      on r.app_id = ${appId}::uuid and u.grain = ${sql.lit(grain)}
     and ${sql.ref(`r.${column}`)} = ${grain === 'd' ? sql`(u.start at time zone 'UTC')::date` : sql`u.start`}
    where ${where}`;
  return sql`
    ${covering('stats_route_days', 'd', 'day')}
    union all ${covering('stats_route_hours', 'h', 'hour')}
    union all ${covering('stats_route_buckets', 'q', 'bucket')}`;
}

/** Nearest-rank p50/p95/p99 bins of the summed histograms of `rows` per `keys`. */
const percentileCtes = (keys: string) =>
  sql.raw(`
    bins as (
      select ${keys}, h.bin, sum(r.hist[h.bin]) as count
      from picked r cross join lateral generate_subscripts(r.hist, 1) as h(bin)
      group by ${keys}, h.bin having sum(r.hist[h.bin]) <> 0
    ),
    ranked as (
      select ${keys}, bin, sum(count) over (partition by ${keys} order by bin) as below, sum(count) over (partition by ${keys}) as total from bins
    ),
    percentiles as (
      select ${keys},
             min(bin) filter (where below >= greatest(ceil(0.5::float8 * total::float8), 1)) as p50,
             min(bin) filter (where below >= greatest(ceil(0.95::float8 * total::float8), 1)) as p95,
             min(bin) filter (where below >= greatest(ceil(0.99::float8 * total::float8), 1)) as p99
      from ranked group by ${keys}
    )`);

const FIGURE_COLUMNS = sql.raw(`
  coalesce(s.calls, 0)::float8 as calls, coalesce(s.failed, 0)::float8 as failed, coalesce(s.compute, 0)::float8 as compute,
  coalesce(round(s.compute / nullif(s.calls, 0)), 0)::float8 as avg,
  coalesce(round(s.failed * 100.0 / nullif(s.calls, 0), 2), 0)::float8 as rate,
  coalesce(s.peak, 0)::float8 as peak, s.last`);

interface FigureRow {
  calls: number;
  failed: number;
  compute: number;
  avg: number;
  rate: number;
  peak: number;
  last: Date | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

function figuresOf(row: FigureRow | undefined): RouteRangeFigures {
  return {
    invocations: row?.calls ?? 0,
    failed: row?.failed ?? 0,
    errorRate: row?.rate ?? 0,
    computeMs: row?.compute ?? 0,
    avgDurationMs: row?.avg ?? 0,
    p50DurationMs: percentileOf(row?.p50),
    p95DurationMs: percentileOf(row?.p95),
    p99DurationMs: percentileOf(row?.p99),
    peakMemoryBytes: row?.peak ?? 0,
  };
}

/**
 * The app's routes over the range (CONTRACT §8 `/stats/routes`): figures per
 * method and route, `sort` descending, ties by method then route in code-point
 * order, at most `limit`; percentiles are read for the routes returned only
 * (all of them when sorting by p95).
 */
export async function listRoutes(
  db: Kysely<DB>,
  appId: string,
  query: { range: ResolvedRange; sort: RouteSort; limit: number },
): Promise<RouteFigures[]> {
  const range = { ...query.range, interval: 'day' as const };
  const order = sql.raw(`${SORT_COLUMNS[query.sort]} desc nulls last, method collate "C", route collate "C"`);
  const byP95 = query.sort === 'p95DurationMs';
  const rows = await runRangeRead(
    sql<FigureRow & { method: string; route: string; aligned: boolean }>`
      with ${periodsOf(range)}, ${unitsOf()},
      route_rows as materialized (${routeRows(appId, sql`u.key = 0`)}),
      sums as (
        select method, route, sum(calls) as calls, sum(failed) as failed, sum(compute_ms)::numeric as compute,
               max(peak_memory) as peak, max(last_called_at) as last
        from route_rows group by method, route
      ),
      top as (
        select * from sums ${byP95 ? sql`` : sql`order by ${order} limit ${query.limit}::int`}
      ),
      picked as (select r.* from route_rows r join top t using (method, route)),
      ${percentileCtes('method, route')},
      figures as (
        select s.method, s.route, ${FIGURE_COLUMNS}, pc.p50, pc.p95, pc.p99
        from top s left join percentiles pc using (method, route)
      )
      select f.*, (select ok from aligned) as aligned from figures f
      order by ${order}
      limit ${query.limit}::int`,
    db,
    range,
  );
  return rows.map((row) => {
    const { invocations, ...figures } = figuresOf(row);
    return { method: row.method, route: row.route, calls: invocations, ...figures, lastCalledAt: row.last?.toISOString() ?? null };
  });
}

/** One route (method and route exactly) over the range, the previous range and the series by hour or day, from its rollup rows. */
export async function getRouteRange(
  db: Kysely<DB>,
  appId: string,
  query: { range: ResolvedRange; method: string; route: string },
): Promise<RouteRange> {
  const { range } = query;
  const where = sql`r.method = ${query.method} and r.route = ${query.route}`;
  const rows = await runRangeRead(
    sql<FigureRow & { key: string; start: Date; label: string | null; aligned: boolean }>`
      with ${periodsOf(range)}, ${unitsOf()},
      picked as materialized (${routeRows(appId, where)}),
      sums as (
        select key, sum(calls) as calls, sum(failed) as failed, sum(compute_ms)::numeric as compute, max(peak_memory) as peak,
               max(last_called_at) as last
        from picked group by key
      ),
      ${percentileCtes('key')}
      select p.key, p.s as start, p.label, ${FIGURE_COLUMNS}, pc.p50, pc.p95, pc.p99, (select ok from aligned) as aligned
      from periods p left join sums s using (key) left join percentiles pc using (key)
      order by p.key`,
    db,
    range,
  );
  return {
    appId,
    method: query.method,
    route: query.route,
    tz: range.tz,
    from: range.from,
    to: range.to,
    interval: range.interval,
    ...periodFigures(rows, figuresOf),
  };
}
