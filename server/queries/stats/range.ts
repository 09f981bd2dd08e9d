import { type Kysely, sql } from 'kysely';
import type { ResolvedRange } from '../../../lib/range';
import type { DB } from '../../db/types';
import type { RangeFigures, RangeStats } from '../../schemas/range';
import { periodFigures, percentileOf, runRangeRead } from './range-rows';
import { periodsOf, unitsOf } from './range-units';

// GET /stats/range (CONTRACT §8) in one statement, from rollup rows only:
// each period (the range, the previous one, each series entry) is covered by
// the day, hour and 15-minute rows that fit it exactly (range-units.ts), plus
// the slots' current buckets that fall in it. Percentiles come from the
// duration histograms of the same rows (duration-bins.ts): nearest rank,
// within the bound stated there.

/** One period's figures as the statement returns them; percentiles as bins. */
interface PeriodRow {
  key: string;
  start: Date;
  label: string | null;
  views: number;
  invocations: number;
  failed: number;
  computeMs: number;
  avgDurationMs: number;
  errorRate: number;
  peakMemoryBytes: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  aligned: boolean;
}

function statement(appId: string, range: ResolvedRange) {
  const app = sql`${appId}::uuid`;
  // The rows of one table that cover the units of one grain, joined by key.
  const covering = (table: string, grain: 'd' | 'h' | 'q', column: string, figures: string) => sql`
    select u.key, ${sql.raw(figures)} from units u join ${sql.table(table)} r
      on r.app_id = ${app} and u.grain = ${sql.lit(grain)}
     and ${sql.ref(`r.${column}`)} = ${grain === 'd' ? sql`(u.start at time zone 'UTC')::date` : sql`u.start`}`;
  const viewFigures = 'r.views';
  const invocationFigures = 'r.invocations, r.compute_ms, r.failed, r.peak_memory, r.hist';
  return sql<PeriodRow>`
    with ${periodsOf(range)}, ${unitsOf()},
    view_rows as (
      ${covering('stats_view_days', 'd', 'day', viewFigures)}
      union all ${covering('stats_view_hours', 'h', 'hour', viewFigures)}
      union all ${covering('stats_view_buckets', 'q', 'bucket', viewFigures)}
      union all select p.key, s.cur_views from periods p
        join stats_view_slots s on s.app_id = ${app} and s.cur_bucket >= p.s and s.cur_bucket < p.e
    ),
    invocation_rows as (
      ${covering('stats_invocation_days', 'd', 'day', invocationFigures)}
      union all ${covering('stats_invocation_hours', 'h', 'hour', invocationFigures)}
      union all ${covering('stats_invocation_buckets', 'q', 'bucket', invocationFigures)}
      union all select p.key, s.cur_invocations, s.cur_compute_ms, s.cur_failed, s.cur_peak_memory, s.cur_hist from periods p
        join stats_invocation_slots s on s.app_id = ${app} and s.cur_bucket >= p.s and s.cur_bucket < p.e
    ),
    views as (select key, sum(views) as views from view_rows group by key),
    invocations as (
      select key, sum(invocations) as n, sum(compute_ms)::numeric as compute, sum(failed) as failed, max(peak_memory) as peak
      from invocation_rows group by key
    ),
    bins as (
      select r.key, h.bin, sum(r.hist[h.bin]) as count
      from invocation_rows r cross join lateral generate_subscripts(r.hist, 1) as h(bin)
      group by r.key, h.bin
      having sum(r.hist[h.bin]) <> 0
    ),
    ranked as (
      select key, bin, sum(count) over (partition by key order by bin) as below, sum(count) over (partition by key) as total from bins
    ),
    percentiles as (
      select key,
             min(bin) filter (where below >= greatest(ceil(0.5::float8 * total::float8), 1)) as p50,
             min(bin) filter (where below >= greatest(ceil(0.95::float8 * total::float8), 1)) as p95,
             min(bin) filter (where below >= greatest(ceil(0.99::float8 * total::float8), 1)) as p99
      from ranked group by key
    )
    select p.key, p.s as start, p.label,
           coalesce(v.views, 0)::float8 as views,
           coalesce(i.n, 0)::float8 as invocations,
           coalesce(i.failed, 0)::float8 as failed,
           coalesce(i.compute, 0)::float8 as "computeMs",
           coalesce(round(i.compute / nullif(i.n, 0)), 0)::float8 as "avgDurationMs",
           coalesce(round(i.failed * 100.0 / nullif(i.n, 0), 2), 0)::float8 as "errorRate",
           coalesce(i.peak, 0)::float8 as "peakMemoryBytes",
           pc.p50, pc.p95, pc.p99,
           (select ok from aligned) as aligned
    from periods p
    left join views v using (key)
    left join invocations i using (key)
    left join percentiles pc using (key)
    order by p.key`;
}

function figuresOf(row: PeriodRow | undefined): RangeFigures {
  return {
    views: row?.views ?? 0,
    invocations: row?.invocations ?? 0,
    failed: row?.failed ?? 0,
    errorRate: row?.errorRate ?? 0,
    computeMs: row?.computeMs ?? 0,
    avgDurationMs: row?.avgDurationMs ?? 0,
    p50DurationMs: percentileOf(row?.p50),
    p95DurationMs: percentileOf(row?.p95),
    p99DurationMs: percentileOf(row?.p99),
    peakMemoryBytes: row?.peakMemoryBytes ?? 0,
  };
}

/** The figures of an app over a range of calendar days in a time zone, the previous range's, and the series by hour or day (CONTRACT §8). */
export async function getRangeStats(db: Kysely<DB>, appId: string, range: ResolvedRange): Promise<RangeStats> {
  const rows = await runRangeRead(statement(appId, range), db, range);
  return { appId, tz: range.tz, from: range.from, to: range.to, interval: range.interval, ...periodFigures(rows, figuresOf) };
}
