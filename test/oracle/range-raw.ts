import { type Kysely, sql } from 'kysely';
import { addDays } from '../../lib/range';
import type { ResolvedRange } from '../../lib/range';
import type { DB } from '../../server/db/types';
import type { RangeFigures, RangeSeriesEntry } from '../../server/schemas/range';

// GET /stats/range computed the slow, obvious way, straight from the raw rows
// (CONTRACT §8): days as [local midnight, next local midnight) by PostgreSQL's
// zone rules, hours as runs of minutes that share their local hour and UTC
// offset (found minute by minute, so nothing here assumes 15-minute offsets),
// percentiles by percentile_disc. The property test holds the rollup read to it.

interface Period {
  start: Date;
  end: Date;
  local: string | null;
}

async function figures(db: Kysely<DB>, appId: string, start: Date, end: Date): Promise<RangeFigures> {
  const { rows } = await sql<RangeFigures>`
    select (select count(*) from view_events where app_id = ${appId} and viewed_at >= ${start} and viewed_at < ${end})::float8 as views,
           count(*)::float8 as invocations,
           count(*) filter (where error is not null or status_code >= 500)::float8 as failed,
           coalesce(round(count(*) filter (where error is not null or status_code >= 500) * 100.0 / nullif(count(*), 0), 2), 0)::float8 as "errorRate",
           coalesce(sum(duration_ms), 0)::float8 as "computeMs",
           coalesce(round(sum(duration_ms)::numeric / nullif(count(*), 0)), 0)::float8 as "avgDurationMs",
           percentile_disc(0.5) within group (order by duration_ms)::float8 as "p50DurationMs",
           percentile_disc(0.95) within group (order by duration_ms)::float8 as "p95DurationMs",
           percentile_disc(0.99) within group (order by duration_ms)::float8 as "p99DurationMs",
           coalesce(max(memory_peak_bytes), 0)::float8 as "peakMemoryBytes"
    from route_invocations where app_id = ${appId} and started_at >= ${start} and started_at < ${end}`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('aggregate returned no row');
  return row;
}

/** The series periods of a range, computed minute by minute. */
async function seriesPeriods(db: Kysely<DB>, range: ResolvedRange): Promise<Period[]> {
  const tz = range.tz;
  const end = addDays(range.to, 1);
  if (range.interval === 'day') {
    const { rows } = await sql<Period>`
      select d::timestamp at time zone ${tz} as start, (d + interval '1 day')::timestamp at time zone ${tz} as "end",
             to_char(d, 'YYYY-MM-DD') as local
      from generate_series(${range.from}::date, ${range.to}::date, interval '1 day') d order by d`.execute(db);
    return rows;
  }
  const { rows } = await sql<Period>`
    select min(m) as start, max(m) + interval '1 minute' as "end", to_char(min(m) at time zone ${tz}, 'YYYY-MM-DD"T"HH24:MI') as local
    from generate_series(${range.from}::timestamp at time zone ${tz}, ${end}::timestamp at time zone ${tz} - interval '1 minute', interval '1 minute') m
    group by date_trunc('hour', m at time zone ${tz}), (m at time zone ${tz}) - (m at time zone 'UTC')
    order by 1`.execute(db);
  return rows;
}

async function bounds(db: Kysely<DB>, tz: string, from: string, to: string): Promise<{ start: Date; end: Date }> {
  const { rows } = await sql<{ start: Date; end: Date }>`
    select ${from}::timestamp at time zone ${tz} as start, ${addDays(to, 1)}::timestamp at time zone ${tz} as "end"`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('no bounds');
  return row;
}

/** The whole /stats/range answer (without appId) from the raw rows. */
export async function getRangeStats(db: Kysely<DB>, appId: string, range: ResolvedRange) {
  const whole = await bounds(db, range.tz, range.from, range.to);
  const before = await bounds(db, range.tz, range.previousFrom, range.previousTo);
  const series: RangeSeriesEntry[] = [];
  for (const period of await seriesPeriods(db, range)) {
    const { errorRate: _rate, ...rest } = await figures(db, appId, period.start, period.end);
    series.push({ start: period.start.toISOString(), local: period.local ?? '', ...rest });
  }
  return {
    tz: range.tz,
    from: range.from,
    to: range.to,
    interval: range.interval,
    totals: await figures(db, appId, whole.start, whole.end),
    previous: await figures(db, appId, before.start, before.end),
    series,
  };
}
