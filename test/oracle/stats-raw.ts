import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../../server/db/types';
import type { ApiSummary, DailyInvocations, ViewStats } from '../../server/schemas/stats';
import { type DayWindow, lastUtcDays } from '../../server/queries/stats/utc-days';

// The test oracle of the stats figures (server/queries/stats/read.ts reads them
// from the rollups): the same figures computed straight from the raw rows on
// every call, the naive way, for the tests and the benchmark to hold the
// rollups against. Same semantics (CONTRACT §3, §5): rounding is done
// in numeric SQL (half away from zero, no float drift) and the results cast to
// int/float8 so pg hands back JSON numbers.

/** An invocation failed when it reports an error or a 5xx status (CONTRACT §5). */
const FAILED = sql`(error is not null or status_code >= 500)`;

function within(column: 'viewed_at' | 'started_at', window: DayWindow): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(column)} >= ${window.from} and ${sql.ref(column)} < ${window.to})`;
}

function utcDay(column: 'viewed_at' | 'started_at'): RawBuilder<string> {
  return sql<string>`to_char((${sql.ref(column)} at time zone 'UTC')::date, 'YYYY-MM-DD')`;
}

/** View counts of an app: all time, distinct viewers, the last 7 and 30 UTC days, and the last 7 days one by one. */
export async function getViewStats(db: Kysely<DB>, appId: string, now: Date): Promise<ViewStats> {
  const week = lastUtcDays(now, 7);
  const month = lastUtcDays(now, 30);
  const [totals, byDay] = await Promise.all([
    sql<{ totalViews: number; uniqueViewers: number; views7d: number; views30d: number; lastViewedAt: Date | null }>`
      select count(*)::int as "totalViews",
             count(distinct viewer_id)::int as "uniqueViewers",
             (count(*) filter (where ${within('viewed_at', week)}))::int as "views7d",
             (count(*) filter (where ${within('viewed_at', month)}))::int as "views30d",
             max(viewed_at) as "lastViewedAt"
      from view_events
      where app_id = ${appId}`.execute(db),
    sql<{ day: string; count: number }>`
      select ${utcDay('viewed_at')} as day, count(*)::int as count
      from view_events
      where app_id = ${appId} and ${within('viewed_at', week)}
      group by 1`.execute(db),
  ]);
  const row = totals.rows[0];
  const counts = new Map(byDay.rows.map((r) => [r.day, r.count]));
  return {
    totalViews: row?.totalViews ?? 0,
    uniqueViewers: row?.uniqueViewers ?? 0,
    views7d: row?.views7d ?? 0,
    views30d: row?.views30d ?? 0,
    lastViewedAt: row?.lastViewedAt ? row.lastViewedAt.toISOString() : null,
    viewsByDay: week.days.map((day) => ({ day, count: counts.get(day) ?? 0 })),
  };
}

/** Invocation figures of an app: all time, the last 7 days, and compute, errors and peak memory over the last 30. */
export async function getApiSummary(db: Kysely<DB>, appId: string, now: Date): Promise<ApiSummary> {
  const week = lastUtcDays(now, 7);
  const month = lastUtcDays(now, 30);
  const inMonth = within('started_at', month);
  const { rows } = await sql<ApiSummary>`
    with figures as (
      select count(*) as total,
             count(*) filter (where ${within('started_at', week)}) as in_week,
             count(*) filter (where ${inMonth}) as in_month,
             coalesce(sum(duration_ms) filter (where ${inMonth}), 0)::numeric as compute,
             count(*) filter (where ${inMonth} and ${FAILED}) as errors,
             coalesce(max(memory_peak_bytes) filter (where ${inMonth}), 0) as peak
      from route_invocations
      where app_id = ${appId}
    )
    select total::int as "totalInvocations",
           in_week::int as "invocations7d",
           in_month::int as "invocations30d",
           coalesce(round(compute / nullif(in_month, 0)), 0)::float8 as "avgDurationMs",
           errors::int as "errorCount30d",
           coalesce(round(errors * 100.0 / nullif(in_month, 0), 2), 0)::float8 as "errorRate30d",
           peak::float8 as "peakMemoryBytes",
           compute::float8 as "totalComputeMs"
    from figures`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('aggregate query returned no row');
  return row;
}

/** The last 30 UTC days of invocations, newest first, empty days as zeros: count, rounded mean duration, failures. */
export async function getDailyInvocations(db: Kysely<DB>, appId: string, now: Date): Promise<DailyInvocations[]> {
  const month = lastUtcDays(now, 30);
  const { rows } = await sql<DailyInvocations>`
    select ${utcDay('started_at')} as day,
           count(*)::int as count,
           round(sum(duration_ms)::numeric / count(*))::float8 as "avgDurationMs",
           (count(*) filter (where ${FAILED}))::int as "errorCount"
    from route_invocations
    where app_id = ${appId} and ${within('started_at', month)}
    group by 1`.execute(db);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return month.days.map((day) => byDay.get(day) ?? { day, count: 0, avgDurationMs: 0, errorCount: 0 });
}

/** getViewStats and getApiSummary together, as GET /stats reports them. */
export async function getAppFigures(db: Kysely<DB>, appId: string, now: Date): Promise<{ views: ViewStats; api: ApiSummary }> {
  const [views, api] = await Promise.all([getViewStats(db, appId, now), getApiSummary(db, appId, now)]);
  return { views, api };
}
