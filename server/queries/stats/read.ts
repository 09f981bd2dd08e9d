import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types';
import type { ApiSummary, DailyInvocations, ViewStats } from '../../schemas/stats';
import { type DayWindow, lastUtcDays } from './utc-days';

// The stats figures, read from the rollups that the database keeps exact in the
// writers' own transactions (migration 20260102000000_rollups): a bounded
// number of index-scanned rows per call, whatever the number of events — the
// day rows of 30 days (at most 16 slots each) and the app's 16 slot rows,
// which hold the totals and each slot's current 15-minute bucket. The same
// semantics as the tests' raw-SQL oracle (test/oracle/stats-raw.ts): UTC
// days, rounding in numeric SQL, JSON numbers.

/** Day rows of the window, and the slots' current buckets that fall in it, as (day, invocations, compute_ms, failed, peak_memory). */
function invocationDays(appId: string, window: DayWindow) {
  return sql`
    select day, invocations, compute_ms, failed, peak_memory from stats_invocation_days
    where app_id = ${appId} and day between ${window.days.at(-1)}::date and ${window.days[0]}::date
    union all
    select (cur_bucket at time zone 'UTC')::date, cur_invocations, cur_compute_ms, cur_failed, cur_peak_memory from stats_invocation_slots
    where app_id = ${appId} and cur_bucket >= ${window.from} and cur_bucket < ${window.to}`;
}

interface ViewRow {
  totalViews: number;
  uniqueViewers: number;
  lastViewedAt: Date | null;
  byDay: Record<string, number>;
}

/** One row: views and viewers of all time, the last view, and views per UTC day over the last 30 days as a JSON object. */
function viewRow(appId: string, now: Date) {
  const month = lastUtcDays(now, 30);
  return sql`
    with totals as (
      select coalesce(sum(views), 0)::float8 as views, coalesce(sum(viewers), 0)::float8 as viewers, max(last_viewed_at) as last
      from stats_view_slots where app_id = ${appId}
    ), days as (
      select to_char(day, 'YYYY-MM-DD') as day, sum(views)::float8 as views
      from (
        select day, views from stats_view_days
        where app_id = ${appId} and day between ${month.days.at(-1)}::date and ${month.days[0]}::date
        union all
        select (cur_bucket at time zone 'UTC')::date, cur_views from stats_view_slots
        where app_id = ${appId} and cur_bucket >= ${month.from} and cur_bucket < ${month.to}
      ) d
      group by day
    )
    select views as "totalViews", viewers as "uniqueViewers", last as "lastViewedAt",
           (select coalesce(json_object_agg(day, views), '{}') from days) as "byDay"
    from totals`;
}

function viewStatsOf(row: ViewRow | undefined, now: Date): ViewStats {
  const week = lastUtcDays(now, 7);
  const month = lastUtcDays(now, 30);
  const counts = new Map(Object.entries(row?.byDay ?? {}));
  const sumOf = (days: string[]) => days.reduce((sum, day) => sum + (counts.get(day) ?? 0), 0);
  return {
    totalViews: row?.totalViews ?? 0,
    uniqueViewers: row?.uniqueViewers ?? 0,
    views7d: sumOf(week.days),
    views30d: sumOf(month.days),
    lastViewedAt: row?.lastViewedAt ? row.lastViewedAt.toISOString() : null,
    viewsByDay: week.days.map((day) => ({ day, count: counts.get(day) ?? 0 })),
  };
}

/** One row of ApiSummary: all time, the last 7 days, and compute, errors and peak memory over the last 30. */
function apiRow(appId: string, now: Date) {
  const week = lastUtcDays(now, 7);
  const month = lastUtcDays(now, 30);
  return sql`
    with month as (
      select coalesce(sum(invocations), 0) as n,
             coalesce(sum(invocations) filter (where day >= ${week.days.at(-1)}::date), 0) as in_week,
             coalesce(sum(compute_ms), 0)::numeric as compute, coalesce(sum(failed), 0) as errors,
             coalesce(max(peak_memory), 0) as peak
      from (${invocationDays(appId, month)}) d
    )
    select coalesce((select sum(invocations) from stats_invocation_slots where app_id = ${appId}), 0)::float8 as "totalInvocations",
           in_week::float8 as "invocations7d",
           n::float8 as "invocations30d",
           coalesce(round(compute / nullif(n, 0)), 0)::float8 as "avgDurationMs",
           errors::float8 as "errorCount30d",
           coalesce(round(errors * 100.0 / nullif(n, 0), 2), 0)::float8 as "errorRate30d",
           peak::float8 as "peakMemoryBytes",
           compute::float8 as "totalComputeMs"
    from month`;
}

/** View counts of an app from the rollups: all time, distinct viewers, the last 7 and 30 UTC days, and the last 7 days one by one. */
export async function getViewStats(db: Kysely<DB>, appId: string, now: Date): Promise<ViewStats> {
  const { rows } = await sql<ViewRow>`${viewRow(appId, now)}`.execute(db);
  return viewStatsOf(rows[0], now);
}

/** Invocation figures of an app from the rollups: all time, the last 7 days, and compute, errors and peak memory over the last 30. */
export async function getApiSummary(db: Kysely<DB>, appId: string, now: Date): Promise<ApiSummary> {
  const { rows } = await sql<ApiSummary>`${apiRow(appId, now)}`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('aggregate query returned no row');
  return row;
}

/** getViewStats and getApiSummary together, in one statement: the figures of GET /stats. */
export async function getAppFigures(db: Kysely<DB>, appId: string, now: Date): Promise<{ views: ViewStats; api: ApiSummary }> {
  const { rows } = await sql<
    ViewRow & ApiSummary
  >`select v.*, a.* from (${viewRow(appId, now)}) v cross join (${apiRow(appId, now)}) a`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('aggregate query returned no row');
  const { totalViews, uniqueViewers, lastViewedAt, byDay, ...api } = row;
  return { views: viewStatsOf({ totalViews, uniqueViewers, lastViewedAt, byDay }, now), api };
}

/** The last 30 UTC days of invocations from the rollups, newest first, empty days as zeros: count, rounded mean duration, failures. */
export async function getDailyInvocations(db: Kysely<DB>, appId: string, now: Date): Promise<DailyInvocations[]> {
  const month = lastUtcDays(now, 30);
  const { rows } = await sql<DailyInvocations>`
    select to_char(day, 'YYYY-MM-DD') as day, sum(invocations)::float8 as count,
           coalesce(round(sum(compute_ms)::numeric / nullif(sum(invocations), 0)), 0)::float8 as "avgDurationMs",
           sum(failed)::float8 as "errorCount"
    from (${invocationDays(appId, month)}) d
    group by day
    having sum(invocations) <> 0`.execute(db);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return month.days.map((day) => byDay.get(day) ?? { day, count: 0, avgDurationMs: 0, errorCount: 0 });
}
