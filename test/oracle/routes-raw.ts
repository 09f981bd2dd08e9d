import { type Kysely, sql } from 'kysely';
import type { ResolvedRange } from '../../lib/range';
import type { DB } from '../../server/db/types';
import type { RouteFigures } from '../../server/schemas/routes';

// GET /stats/routes computed the slow, obvious way, straight from the raw rows
// (CONTRACT §8): the range as [local midnight of `from`, local midnight after
// `to`) by PostgreSQL's zone rules, routes by appstats_route_of (the one
// normalisation, checked against test/oracle/normalise-ref.ts elsewhere),
// percentiles by percentile_disc. Every route is listed (no cap, no limit),
// ordered by calls descending, then method and route in code-point order.

/** Every (method, route) of the app's invocations in the range, with its figures. */
export async function listRoutes(db: Kysely<DB>, appId: string, range: ResolvedRange): Promise<RouteFigures[]> {
  const { rows } = await sql<Omit<RouteFigures, 'lastCalledAt'> & { lastCalledAt: Date }>`
    select * from (
    select method, appstats_route_of(path) as route,
           count(*)::float8 as calls,
           count(*) filter (where error is not null or status_code >= 500)::float8 as failed,
           round(count(*) filter (where error is not null or status_code >= 500) * 100.0 / count(*), 2)::float8 as "errorRate",
           sum(duration_ms)::float8 as "computeMs",
           round(sum(duration_ms)::numeric / count(*))::float8 as "avgDurationMs",
           percentile_disc(0.5) within group (order by duration_ms)::float8 as "p50DurationMs",
           percentile_disc(0.95) within group (order by duration_ms)::float8 as "p95DurationMs",
           percentile_disc(0.99) within group (order by duration_ms)::float8 as "p99DurationMs",
           coalesce(max(memory_peak_bytes), 0)::float8 as "peakMemoryBytes",
           max(started_at) as "lastCalledAt"
    from route_invocations
    where app_id = ${appId}
      and started_at >= (${range.from}::timestamp at time zone ${range.tz})
      and started_at < ((${range.to}::date + 1)::timestamp at time zone ${range.tz})
    group by 1, 2
    ) r
    order by calls desc, method collate "C", route collate "C"`.execute(db);
  return rows.map((row) => ({ ...row, lastCalledAt: row.lastCalledAt.toISOString() }));
}
